//! The live outbox: story events appended with the stories they describe, ids that survive
//! pruning, and webhooks with durable cursors and secrets kept out of their serialisation.

use std::time::Duration;

use model::StoryRecord;
use store::AnyStore;
use store::prelude::*;
use store::{DeliveryRecord, NewWebhook, SqliteStore};

fn story(id: &str, breaking_since: Option<&str>) -> StoryRecord {
    StoryRecord {
        id: id.into(),
        label: format!("Label of {id}"),
        first_seen: Some("2026-03-01T10:00:00Z".into()),
        last_updated: Some("2026-03-01T11:00:00Z".into()),
        state: if breaking_since.is_some() { "breaking" } else { "developing" }.into(),
        breaking_since: breaking_since.map(str::to_string),
        articles: 2,
        copies: 0,
        outlets: vec!["a.example".into(), "b.example".into()],
        entities: vec![],
        state_json: "{}".into(),
    }
}

fn kinds(store: &dyn AnyStore, after: i64) -> Vec<(String, String)> {
    store
        .events_after(after, 100)
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.story.unwrap_or_default()))
        .collect()
}

fn saving_stories_appends_new_and_breaking_once(store: &mut dyn AnyStore) {
    assert_eq!(store.latest_event_id().unwrap(), 0);
    store
        .save_stories(&[story("s1", None), story("s2", Some("2026-03-01T10:30:00Z"))], &[])
        .unwrap();
    assert_eq!(
        kinds(store, 0),
        [("story.new", "s1"), ("story.new", "s2"), ("story.breaking", "s2")]
            .map(|(k, s)| (k.to_string(), s.to_string()))
    );
    let first = store.events_after(0, 1).unwrap().remove(0);
    assert_eq!(first.payload["label"], "Label of s1");
    assert_eq!(first.payload["outlets"][1], "b.example");
    assert_eq!(first.payload["articles"], 2);
    let seen = store.latest_event_id().unwrap();
    assert_eq!(seen, 3);

    // Saving again changes nothing in the outbox; s1 turning breaking adds exactly one event,
    // and staying breaking with a new time adds none.
    store
        .save_stories(&[story("s1", None), story("s2", Some("2026-03-01T10:30:00Z"))], &[])
        .unwrap();
    assert!(kinds(store, seen).is_empty());
    store.save_stories(&[story("s1", Some("2026-03-01T12:00:00Z"))], &[]).unwrap();
    store.save_stories(&[story("s1", Some("2026-03-01T12:05:00Z"))], &[]).unwrap();
    assert_eq!(kinds(store, seen), [("story.breaking".to_string(), "s1".to_string())]);
    let ev = store.events_after(seen, 10).unwrap().remove(0);
    assert_eq!(ev.payload["breaking_since"], "2026-03-01T12:00:00Z");
}

fn events_after_pages_and_story_events_filter(store: &mut dyn AnyStore) {
    for i in 0..5 {
        let story = if i % 2 == 0 { "s1" } else { "s2" };
        store
            .append_event("finding.new", Some(story), Some(i), &serde_json::json!({"n": i}))
            .unwrap();
    }
    let page = store.events_after(1, 2).unwrap();
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(page[0].entity, Some(1));
    let s1 = store.story_events("s1", Some("finding.new"), 10).unwrap();
    assert_eq!(s1.iter().map(|e| e.id).collect::<Vec<_>>(), [5, 3, 1], "newest first");
    assert!(store.story_events("s1", Some("story.new"), 10).unwrap().is_empty());
}

fn pruning_bounds_the_outbox_and_never_reuses_ids(store: &mut dyn AnyStore) {
    for _ in 0..10 {
        store.append_event("story.new", Some("s1"), None, &serde_json::json!({})).unwrap();
    }
    // Keep the newest 4, nothing too old yet.
    assert_eq!(store.prune_events("2000-01-01T00:00:00Z", 4).unwrap(), 6);
    assert_eq!(
        store.events_after(0, 100).unwrap().iter().map(|e| e.id).collect::<Vec<_>>(),
        [7, 8, 9, 10]
    );
    // Everything is older than a cutoff in the future.
    assert_eq!(store.prune_events("2999-01-01T00:00:00Z", 100).unwrap(), 4);
    assert!(store.events_after(0, 100).unwrap().is_empty());
    assert_eq!(store.latest_event_id().unwrap(), 10);
    let next = store.append_event("story.new", None, None, &serde_json::json!({})).unwrap();
    assert_eq!(next, 11, "ids are never reused after pruning");
}

#[test]
fn outbox_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = SqliteStore::open(dir.path()).unwrap();
        store.save_stories(&[story("s9", None)], &[]).unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(kinds(&store, 0), [("story.new".to_string(), "s9".to_string())]);
}

fn hook(url: &str) -> NewWebhook {
    NewWebhook {
        url: url.into(),
        secret: "top-secret-key".into(),
        kinds: vec!["story.breaking".into()],
        story: None,
        entity: None,
        query: Some("quake".into()),
    }
}

fn webhooks_start_at_the_latest_event_and_keep_their_cursor(store: &mut dyn AnyStore) {
    store.append_event("story.new", Some("s1"), None, &serde_json::json!({})).unwrap();
    let h = store.add_webhook(&hook("https://hooks.example/a")).unwrap();
    assert_eq!((h.source.as_str(), h.cursor, h.delivered), ("api", 1, 0));
    assert_eq!(h.kinds, ["story.breaking"]);
    let json = serde_json::to_string(&store.webhooks().unwrap()).unwrap();
    assert!(!json.contains("top-secret-key"), "secret serialised: {json}");
    assert!(json.contains("hooks.example"));

    let ok = DeliveryRecord { event: 5, ok: true, status: Some(200), error: None };
    assert!(!store.record_delivery(h.id, "me", &ok).unwrap(), "recorded without the lease");
    assert!(store.claim_webhook(h.id, "me", Duration::from_secs(60)).unwrap());
    assert!(store.record_delivery(h.id, "me", &ok).unwrap());
    let bad =
        DeliveryRecord { event: 4, ok: false, status: Some(500), error: Some("HTTP 500".into()) };
    assert!(store.record_delivery(h.id, "me", &bad).unwrap());
    let h2 = store.webhook(h.id).unwrap().unwrap();
    assert_eq!((h2.cursor, h2.delivered, h2.failed), (5, 1, 1), "the cursor never moves back");
    assert_eq!((h2.last_status, h2.last_error.as_deref()), (Some(500), Some("HTTP 500")));
    assert!(store.advance_webhook_cursor(h.id, "me", 9).unwrap());
    assert_eq!(store.webhook(h.id).unwrap().unwrap().cursor, 9);
    assert!(!store.advance_webhook_cursor(h.id, "other", 12).unwrap(), "another holds the lease");
    assert_eq!(store.webhook(h.id).unwrap().unwrap().cursor, 9);

    assert!(store.delete_webhook(h.id).unwrap());
    assert!(
        !store.record_delivery(h.id, "me", &ok).unwrap(),
        "a deleted webhook reports it is gone"
    );
    assert!(!store.delete_webhook(h.id).unwrap());
}

fn config_webhooks_sync_by_url_and_cannot_be_deleted_through_the_api(store: &mut dyn AnyStore) {
    store
        .sync_config_webhooks(&[hook("https://a.example/h"), hook("https://b.example/h")])
        .unwrap();
    let hooks = store.webhooks().unwrap();
    assert_eq!(hooks.len(), 2);
    assert!(hooks.iter().all(|h| h.source == "config"));
    let a = hooks[0].id;
    assert!(store.claim_webhook(a, "me", Duration::from_secs(60)).unwrap());
    assert!(store.advance_webhook_cursor(a, "me", 42).unwrap());
    assert!(!store.delete_webhook(a).unwrap());

    // A restart with a changed filter keeps the cursor; a removed hook goes.
    let mut changed = hook("https://a.example/h");
    changed.kinds = vec![];
    store.sync_config_webhooks(&[changed]).unwrap();
    let hooks = store.webhooks().unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!((hooks[0].id, hooks[0].cursor, hooks[0].kinds.len()), (a, 42, 0));
}

fn first_found_findings_append_finding_new_in_the_same_transaction(store: &mut dyn AnyStore) {
    use crate::changes::finding;
    store.save_stories(&[story("s1", None)], &[]).unwrap();
    let seen = store.latest_event_id().unwrap();
    let new = store.save_story_changes("s1", &[finding("reversal", "a", "b")], &[]).unwrap();
    let events = store.events_after(seen, 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].kind.as_str(), events[0].story.as_deref()), ("finding.new", Some("s1")));
    assert_eq!(events[0].payload["id"], new[0].id);
    assert_eq!(events[0].payload["kind"], "reversal");
    assert_eq!(events[0].payload["explanation"], "reversal between a and b");
    // Found again: no new event; a second finding: one more.
    let seen = store.latest_event_id().unwrap();
    store
        .save_story_changes(
            "s1",
            &[finding("reversal", "a", "b"), finding("contradiction", "a", "b")],
            &[],
        )
        .unwrap();
    let events = store.events_after(seen, 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["kind"], "contradiction");
}

fn a_failed_save_leaves_no_event(store: &mut dyn AnyStore) {
    store.put_documents(&[crate::conformance::doc("a", "text")]).unwrap();
    // The assignment names a story that is not saved: the foreign key fails the transaction,
    // and the story.new appended before it is rolled back with it.
    let bad = model::StoryAssignment {
        document: "a".into(),
        story: "s404".into(),
        duplicate_of: None,
        wire_agency: None,
    };
    assert!(store.save_stories(&[story("s1", None)], &[bad]).is_err());
    assert!(store.events_after(0, 10).unwrap().is_empty());
    // SQLite gives the id back with the rollback; a PostgreSQL sequence never does, which
    // leaves a gap but no harm: what matters is that the next event's id is above every
    // cursor handed out meanwhile.
    let latest = store.latest_event_id().unwrap();
    assert!(latest <= 1, "{latest}");
    let next = store.append_event("story.new", Some("s2"), None, &serde_json::json!({})).unwrap();
    assert!(next > latest);
    assert_eq!(store.events_after(0, 10).unwrap().len(), 1);
}

fn leases_are_exclusive_renewable_and_free_once_expired(store: &mut dyn AnyStore) {
    let long = Duration::from_secs(60);
    assert!(store.try_lease("feed:1", "a", long).unwrap());
    assert!(!store.try_lease("feed:1", "b", long).unwrap(), "held by a");
    assert!(store.try_lease("feed:1", "a", long).unwrap(), "renewed by its holder");
    assert!(store.try_lease("feed:2", "b", long).unwrap(), "another name is another lease");
    let (owner, left) = store.lease_holder("feed:1").unwrap().unwrap();
    assert_eq!(owner, "a");
    assert!((1..=60_000).contains(&left), "{left}");
    assert!(store.holds_lease("feed:1", "a").unwrap());
    assert!(!store.holds_lease("feed:1", "b").unwrap());

    // Not released by another; released by its holder.
    assert!(!store.release_lease("feed:1", "b").unwrap());
    assert!(store.release_lease("feed:1", "a").unwrap());
    assert_eq!(store.lease_holder("feed:1").unwrap(), None);

    // A lease that has run out (as a dead holder's does) goes to whoever asks next.
    assert!(store.try_lease("feed:3", "dead", Duration::ZERO).unwrap());
    assert!(!store.holds_lease("feed:3", "dead").unwrap());
    assert_eq!(store.lease_holder("feed:3").unwrap(), None);
    assert!(store.try_lease("feed:3", "b", long).unwrap());
    assert_eq!(store.lease_holder("feed:3").unwrap().unwrap().0, "b");
}

/// Every case above, each to run on a fresh store of every backend.
pub const CASES: &[crate::conformance::Case] = &[
    ("saving_stories_appends_new_and_breaking_once", saving_stories_appends_new_and_breaking_once),
    ("events_after_pages_and_story_events_filter", events_after_pages_and_story_events_filter),
    (
        "pruning_bounds_the_outbox_and_never_reuses_ids",
        pruning_bounds_the_outbox_and_never_reuses_ids,
    ),
    (
        "webhooks_start_at_the_latest_event_and_keep_their_cursor",
        webhooks_start_at_the_latest_event_and_keep_their_cursor,
    ),
    (
        "config_webhooks_sync_by_url_and_cannot_be_deleted_through_the_api",
        config_webhooks_sync_by_url_and_cannot_be_deleted_through_the_api,
    ),
    ("a_failed_save_leaves_no_event", a_failed_save_leaves_no_event),
    (
        "first_found_findings_append_finding_new_in_the_same_transaction",
        first_found_findings_append_finding_new_in_the_same_transaction,
    ),
    (
        "leases_are_exclusive_renewable_and_free_once_expired",
        leases_are_exclusive_renewable_and_free_once_expired,
    ),
];

#[test]
fn on_sqlite() {
    for (name, case) in CASES {
        eprintln!("events: {name}");
        case(&mut SqliteStore::open_in_memory().unwrap());
    }
}
