//! Stored findings and timelines: pending marks, ids kept across re-runs, vanished findings
//! dropped.

use model::{ClaimEvidence, StoryAssignment, StoryFinding, StoryRecord, TimelineEntry};
use store::AnyStore;
use store::SqliteStore;
use store::prelude::*;

use crate::conformance::doc;

fn story(id: &str) -> StoryRecord {
    StoryRecord {
        id: id.into(),
        label: "label".into(),
        first_seen: None,
        last_updated: None,
        state: "developing".into(),
        breaking_since: None,
        articles: 1,
        copies: 0,
        outlets: vec![],
        entities: vec![],
        state_json: String::new(),
    }
}

/// `document` assigned to `story`, not a copy.
fn assign(document: &str, story: &str) -> StoryAssignment {
    StoryAssignment {
        document: document.into(),
        story: story.into(),
        duplicate_of: None,
        wire_agency: None,
    }
}

fn evidence(article: &str, start: usize, text: &str) -> ClaimEvidence {
    ClaimEvidence {
        article: article.into(),
        version: 1,
        outlet: Some("Wire East".into()),
        time: None,
        actor: None,
        side: Some("Russia".into()),
        action: "expel".into(),
        polarity: "affirmed".into(),
        modality: "proposed".into(),
        quantity: Some("35 diplomats".into()),
        value: Some(35.0),
        speaker: Some("Sergei Lavrov".into()),
        via: Some("TASS".into()),
        quoted: false,
        text: text.into(),
        start,
        end: start + text.chars().count(),
    }
}

pub fn finding(kind: &str, a: &str, b: &str) -> StoryFinding {
    StoryFinding {
        id: 0,
        story: String::new(),
        kind: kind.into(),
        confidence: 0.8,
        explanation: format!("{kind} between {a} and {b}"),
        outlets: vec!["Wire East".into()],
        first: evidence(a, 10, "proposed expelling 35 diplomats"),
        second: evidence(b, 20, "We will not expel anyone"),
        found_at: String::new(),
    }
}

fn story_changes_are_marked_saved_and_kept_stable(store: &mut dyn AnyStore) {
    store.put_documents(&[doc("a", "one"), doc("b", "two")]).unwrap();
    let assign = |d: &str| assign(d, "s1");
    store.save_stories(&[story("s1")], &[assign("a")]).unwrap();
    assert_eq!(store.pending_story_changes(10).unwrap(), ["s1"]);
    assert!(store.findings("s1").unwrap().is_empty());

    let entry = TimelineEntry {
        time: None,
        kind: "statement".into(),
        text: "We will not expel anyone".into(),
        speaker: Some("Vladimir Putin".into()),
        via: None,
        action: Some("expel".into()),
        quantity: None,
        first: model::TimelineReport {
            article: "b".into(),
            outlet: None,
            time: None,
            version: 1,
            start: 20,
            end: 44,
        },
        repeated_by: vec![],
        repeats: 0,
        copied_by: vec![],
        copies: 0,
        superseded: None,
        repeated_after_correction: vec![],
    };
    let new = store
        .save_story_changes("s1", &[finding("reversal", "a", "b")], std::slice::from_ref(&entry))
        .unwrap();
    assert_eq!(new.len(), 1);
    assert!(new[0].id > 0 && !new[0].found_at.is_empty() && new[0].story == "s1");
    assert!(store.pending_story_changes(10).unwrap().is_empty());
    assert_eq!(store.timeline("s1").unwrap(), [entry]);
    assert_eq!(store.findings("s1").unwrap(), new);
    assert_eq!(store.recent_findings(5).unwrap(), new);

    // The story gains an article: marked again. Found again, the reversal keeps its id; a new
    // finding is returned alone; a finding no longer found is dropped.
    store.save_stories(&[story("s1")], &[assign("b")]).unwrap();
    assert_eq!(store.pending_story_changes(10).unwrap(), ["s1"]);
    let again = store
        .save_story_changes(
            "s1",
            &[finding("reversal", "a", "b"), finding("contradiction", "a", "b")],
            &[],
        )
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].kind, "contradiction");
    let all = store.findings("s1").unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.iter().find(|f| f.kind == "reversal").unwrap().id, new[0].id);
    store.save_story_changes("s1", &[finding("contradiction", "a", "b")], &[]).unwrap();
    let left = store.findings("s1").unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, again[0].id);
    assert!(store.timeline("nope").unwrap().is_empty());
}

/// A story's digest is stored with its changes and exists only while current: an article
/// joining, an analysis redone, or an article moving to another story deletes it (schema
/// triggers), and it then equals what is computed live.
fn story_digests_are_stored_current_and_dropped_on_change(store: &mut dyn AnyStore) {
    store.put_documents(&[doc("a", "one"), doc("b", "two"), doc("c", "three")]).unwrap();
    store.save_stories(&[story("s1")], &[assign("a", "s1"), assign("b", "s1")]).unwrap();
    assert!(store.story_digest("s1").unwrap().is_none(), "no digest before the refresh");
    store.save_story_changes("s1", &[], &[]).unwrap();
    let stored = store.story_digest("s1").unwrap().expect("digest saved with the changes");
    let (live, all) = store.compute_story_digest("s1").unwrap().unwrap();
    assert_eq!(stored, live);
    assert_eq!(stored.order.len(), 2);
    assert_eq!(all.iter().map(|a| a.id).collect::<Vec<_>>(), stored.order);
    assert_eq!(store.article_refs(&stored.order).unwrap(), all);
    assert_eq!(stored.outlets.iter().map(|o| o.articles).sum::<usize>(), 2);

    // An article joins: gone until the next refresh, which stores the new one.
    store.save_stories(&[story("s1")], &[assign("c", "s1")]).unwrap();
    assert!(store.story_digest("s1").unwrap().is_none());
    store.save_story_changes("s1", &[], &[]).unwrap();
    assert_eq!(store.story_digest("s1").unwrap().unwrap().order.len(), 3);

    // An article moves to another story: the story it left loses its digest too.
    store.save_story_changes("s1", &[], &[]).unwrap();
    store.save_stories(&[story("s2")], &[assign("c", "s2")]).unwrap();
    assert!(store.story_digest("s1").unwrap().is_none());
    store.save_story_changes("s1", &[], &[]).unwrap();
    assert_eq!(store.story_digest("s1").unwrap().unwrap().order.len(), 2);

    // A redone analysis of one of its articles.
    let mut d = doc("a", "one");
    d.analysis = Some(model::Analysis {
        ok: true,
        analyzer: "x".into(),
        title: Some("A".into()),
        published: None,
        language: None,
        site_name: None,
        body: "one".into(),
        article_json: "{}".into(),
        diagnostics: vec![],
        entities: vec![],
        statements: vec![],
        facts_json: None,
    });
    let version = store.versions_to_analyze("y", 0, 10).unwrap();
    let a = version.iter().find(|p| p.document.key.0 == "a").unwrap().version_id;
    store.put_analyses(&[(a, d.analysis.unwrap())]).unwrap();
    assert!(store.story_digest("s1").unwrap().is_none());
    assert!(store.compute_story_digest("nope").unwrap().is_none());
}

/// A retroactive split (issue 5) moves an article to a new story: its assignment follows, and
/// both the story it left and the one it joined have their changes redone.
fn issue_5_moved_article_marks_both_stories(store: &mut dyn AnyStore) {
    store.put_documents(&[doc("a", "one"), doc("b", "two")]).unwrap();
    store.save_stories(&[story("s1")], &[assign("a", "s1"), assign("b", "s1")]).unwrap();
    store.save_story_changes("s1", &[], &[]).unwrap();
    assert!(store.pending_story_changes(10).unwrap().is_empty());
    store.save_stories(&[story("s1"), story("s2")], &[assign("b", "s2")]).unwrap();
    let mut pending = store.pending_story_changes(10).unwrap();
    pending.sort();
    assert_eq!(pending, ["s1", "s2"]);
    assert_eq!(store.story_of("a").unwrap().as_deref(), Some("s1"));
    assert_eq!(store.story_of("b").unwrap().as_deref(), Some("s2"));
    // Saving the same assignment again marks only its own story.
    store.save_story_changes("s1", &[], &[]).unwrap();
    store.save_story_changes("s2", &[], &[]).unwrap();
    store.save_stories(&[], &[assign("b", "s2")]).unwrap();
    assert_eq!(store.pending_story_changes(10).unwrap(), ["s2"]);
}

/// Reassignment (issue 5) can move every article of a young story into another: the emptied
/// story is deleted with what was stored for it, remembered as merged (links follow it, chains
/// of merges too), and its id is never handed out again.
fn issue_5_a_story_emptied_by_moves_is_merged_away(store: &mut dyn AnyStore) {
    store.put_documents(&[doc("a", "one"), doc("b", "two"), doc("c", "three")]).unwrap();
    store
        .save_stories(
            &[story("s1"), story("s2"), story("s3")],
            &[assign("a", "s1"), assign("b", "s2"), assign("c", "s3")],
        )
        .unwrap();
    store.save_story_changes("s2", &[finding("contradiction", "b", "b")], &[]).unwrap();
    assert_eq!(store.findings("s2").unwrap().len(), 1);
    // b leaves s2 for s1: s2 is empty and goes; s1 is redone.
    store.save_stories(&[story("s1")], &[assign("b", "s1")]).unwrap();
    assert!(store.story("s2").unwrap().is_none());
    assert!(store.findings("s2").unwrap().is_empty());
    assert!(!store.pending_story_changes(10).unwrap().contains(&"s2".to_string()));
    assert_eq!(store.merged_into("s2").unwrap().as_deref(), Some("s1"));
    assert_eq!(store.merged_into("s1").unwrap(), None);
    assert_eq!(store.merged_into("s9").unwrap(), None);
    let merged = store.story_events("s2", Some("story.merged"), 10).unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].payload, serde_json::json!({"id": "s2", "into": "s1"}));
    // Then s1 is merged into s3: s2 leads to s3.
    store.save_stories(&[story("s3")], &[assign("a", "s3"), assign("b", "s3")]).unwrap();
    assert_eq!(store.merged_into("s2").unwrap().as_deref(), Some("s3"));
    assert_eq!(store.story_of("a").unwrap().as_deref(), Some("s3"));
    assert_eq!(store.stories(false, None, 10).unwrap().len(), 1);
    // A story that still has articles is never dropped, and merged ids stay taken.
    store.put_documents(&[doc("d", "four")]).unwrap();
    store.save_stories(&[story("s3"), story("s4")], &[assign("d", "s4")]).unwrap();
    store.save_stories(&[story("s3")], &[assign("d", "s3")]).unwrap();
    assert_eq!(store.merged_into("s4").unwrap().as_deref(), Some("s3"));
    assert_eq!(store.max_story_number().unwrap(), 4);
}

/// One batch can place an article in a young story and then, on a later arrival, move it into
/// another that absorbs the young one before it was ever stored: only the last assignment of a
/// document counts, so the story that never existed in the store is never referenced (this
/// failed with a foreign-key error on the 30th document of the ingest bench).
fn a_document_assigned_twice_in_one_save_keeps_its_last_story(store: &mut dyn AnyStore) {
    store.put_documents(&[doc("a", "one"), doc("b", "two"), doc("c", "three")]).unwrap();
    store.save_stories(&[story("s1")], &[assign("a", "s1")]).unwrap();
    // b goes to s2 (never saved: it was merged away within the batch), then moves to s1; c goes
    // to s1 and then to s3, a story saved with it.
    store
        .save_stories(
            &[story("s1"), story("s3")],
            &[assign("b", "s2"), assign("c", "s1"), assign("b", "s1"), assign("c", "s3")],
        )
        .unwrap();
    assert_eq!(store.story_of("b").unwrap().as_deref(), Some("s1"));
    assert_eq!(store.story_of("c").unwrap().as_deref(), Some("s3"));
    assert!(store.story("s2").unwrap().is_none());
    assert_eq!(store.merged_into("s2").unwrap(), None, "s2 was never stored, so never merged");
    let (_, articles) = store.story("s1").unwrap().unwrap();
    assert_eq!(articles.len(), 2);
}

/// Every case above, each to run on a fresh store of every backend.
pub const CASES: &[crate::conformance::Case] = &[
    (
        "story_changes_are_marked_saved_and_kept_stable",
        story_changes_are_marked_saved_and_kept_stable,
    ),
    (
        "story_digests_are_stored_current_and_dropped_on_change",
        story_digests_are_stored_current_and_dropped_on_change,
    ),
    ("issue_5_moved_article_marks_both_stories", issue_5_moved_article_marks_both_stories),
    (
        "issue_5_a_story_emptied_by_moves_is_merged_away",
        issue_5_a_story_emptied_by_moves_is_merged_away,
    ),
    (
        "a_document_assigned_twice_in_one_save_keeps_its_last_story",
        a_document_assigned_twice_in_one_save_keeps_its_last_story,
    ),
];

#[test]
fn on_sqlite() {
    for (name, case) in CASES {
        eprintln!("changes: {name}");
        case(&mut SqliteStore::open_in_memory().unwrap());
    }
}
