//! The storage conformance suite: behaviour every `model::Store` backend must show.
//!
//! Written against the trait only, so a PostgreSQL backend runs the very same checks with its own
//! `make`. Timestamps here are whole microseconds, the finest PostgreSQL keeps.

use chrono::{DateTime, TimeZone, Utc};
use model::{
    ContentKind, Diagnostic, DocKey, FeedRecord, FeedState, IngestOutcome, RawDocument, SourceKind,
    Store, StoreError,
};

use IngestOutcome::{New, NewVersion, Unchanged};

/// A named check of a suite on the full storage interface, run on a fresh store of each
/// backend.
pub type Case = (&'static str, fn(&mut dyn store::AnyStore));

/// One check of the suite, run on an empty store.
type Check = fn(&mut dyn Store);

/// Runs every check, each on a fresh, empty store from `make`.
pub fn run_all(make: impl Fn() -> Box<dyn Store>) {
    let checks: &[(&str, Check)] = &[
        ("outcomes_and_versions", outcomes_and_versions),
        ("fields_round_trip", fields_round_trip),
        ("hash_ignores_line_endings", hash_ignores_line_endings),
        ("duplicates_in_one_batch", duplicates_in_one_batch),
        ("empty_batch_and_unknown_key", empty_batch_and_unknown_key),
        // (also covers `has_document`)
        ("large_batch", large_batch),
        ("stats_counts", stats_counts),
        ("feeds", feeds),
    ];
    for (name, check) in checks {
        eprintln!("conformance: {name}");
        let mut store = make();
        check(store.as_mut());
    }
}

/// A fixed instant, `secs` seconds after 2026-03-01T00:00:00Z.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(secs)
}

/// A plain-text document with the given key and content, fetched at `at(0)`.
pub fn doc(key: &str, content: &str) -> RawDocument {
    RawDocument {
        key: DocKey(key.to_string()),
        url: Some(format!("https://example.org/{key}")),
        canonical_url: Some(format!("https://example.org/{key}")),
        outlet: Some("example.org".to_string()),
        title: Some(format!("Title of {key}")),
        published: None,
        fetched_at: at(0),
        source_kind: SourceKind::Jsonl,
        origin: format!("input.jsonl#{key}"),
        content_kind: ContentKind::Text,
        content: content.to_string(),
        diagnostics: Vec::new(),
        analysis: None,
    }
}

fn put(store: &mut dyn Store, docs: &[RawDocument]) -> Vec<IngestOutcome> {
    store.put_documents(docs).expect("put_documents")
}

fn outcomes_and_versions(store: &mut dyn Store) {
    let a1 = doc("a", "first text");
    let mut a2 = doc("a", "second text");
    a2.fetched_at = at(60);
    let mut a1_again = a1.clone();
    a1_again.fetched_at = at(120);

    assert_eq!(put(store, std::slice::from_ref(&a1)), [New]);
    assert_eq!(put(store, std::slice::from_ref(&a1)), [Unchanged]);
    assert_eq!(put(store, std::slice::from_ref(&a2)), [NewVersion]);
    assert_eq!(put(store, std::slice::from_ref(&a2)), [Unchanged]);
    // Content identical to any earlier version is not stored again: re-ingesting an old copy
    // after the corrected one changes nothing.
    assert_eq!(put(store, std::slice::from_ref(&a1_again)), [Unchanged]);

    let versions = store.versions(&DocKey("a".into())).unwrap();
    let numbers: Vec<i64> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [1, 2]);
    let contents: Vec<&str> = versions.iter().map(|v| v.content.as_str()).collect();
    assert_eq!(contents, ["first text", "second text"]);
    assert!(versions.iter().all(|v| v.document_id == versions[0].document_id));
    assert_eq!(versions[0].content_hash, a1.content_hash());
    assert_eq!(versions[1].content_hash, a2.content_hash());
    assert_eq!(versions[1].fetched_at, at(60));

    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.versions), (1, 2));
}

fn fields_round_trip(store: &mut dyn Store) {
    let mut d = doc("https://news.example/story?id=7", "<html><p>Body ünïcödé</p></html>");
    d.url = Some("https://news.example/story?id=7&utm_source=x".into());
    d.outlet = Some("news.example".into());
    d.title = Some("A headline — with a dash".into());
    d.published = Some(at(-3600) + chrono::Duration::microseconds(123_456));
    d.fetched_at = at(7) + chrono::Duration::microseconds(5);
    d.source_kind = SourceKind::Warc;
    d.content_kind = ContentKind::Html;
    d.diagnostics = vec![Diagnostic::warning("encoding_guess", "guessed windows-1252")];
    assert_eq!(put(store, std::slice::from_ref(&d)), [New]);

    let v = store.versions(&d.key).unwrap().pop().expect("one version");
    assert_eq!(v.version, 1);
    assert_eq!(v.key, d.key);
    assert_eq!(v.url, d.url);
    assert_eq!(v.outlet, d.outlet);
    assert_eq!(v.title, d.title);
    assert_eq!(v.published, d.published);
    assert_eq!(v.fetched_at, d.fetched_at);
    assert_eq!(v.content_kind, ContentKind::Html);
    assert_eq!(v.content, d.content);
    assert_eq!(v.content_hash, d.content_hash());

    let mut bare = doc("sha256:abc", "no url, no outlet");
    bare.url = None;
    bare.canonical_url = None;
    bare.outlet = None;
    bare.title = None;
    bare.source_kind = SourceKind::Stdin;
    bare.origin = "-".into();
    assert_eq!(put(store, std::slice::from_ref(&bare)), [New]);
    let v = store.versions(&bare.key).unwrap().pop().expect("one version");
    assert_eq!((v.url, v.outlet, v.title, v.published), (None, None, None, None));
}

fn hash_ignores_line_endings(store: &mut dyn Store) {
    assert_eq!(put(store, &[doc("a", "line one  \r\nline two\r\n")]), [New]);
    assert_eq!(put(store, &[doc("a", "line one\nline two\n")]), [Unchanged]);
    assert_eq!(store.versions(&DocKey("a".into())).unwrap().len(), 1);
}

fn duplicates_in_one_batch(store: &mut dyn Store) {
    let batch = [doc("a", "1"), doc("a", "1"), doc("a", "2"), doc("b", "1"), doc("a", "2")];
    assert_eq!(put(store, &batch), [New, Unchanged, NewVersion, New, Unchanged]);
    assert_eq!(store.versions(&DocKey("a".into())).unwrap().len(), 2);
    assert_eq!(store.versions(&DocKey("b".into())).unwrap().len(), 1);
}

fn empty_batch_and_unknown_key(store: &mut dyn Store) {
    assert_eq!(put(store, &[]), []);
    assert_eq!(store.stats().unwrap(), model::Stats::default());
    assert!(store.versions(&DocKey("nope".into())).unwrap().is_empty());
    assert!(!store.has_document(&DocKey("nope".into())).unwrap());
    put(store, &[doc("here", "text")]);
    assert!(store.has_document(&DocKey("here".into())).unwrap());
    assert!(!store.has_document(&DocKey("nope".into())).unwrap());
}

fn large_batch(store: &mut dyn Store) {
    let batch: Vec<RawDocument> =
        (0..1200).map(|i| doc(&format!("k{i}"), &format!("text number {i}"))).collect();
    let outcomes = put(store, &batch);
    assert_eq!(outcomes.len(), 1200);
    assert!(outcomes.iter().all(|o| *o == New));
    let outcomes = put(store, &batch);
    assert!(outcomes.iter().all(|o| *o == Unchanged));
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.versions), (1200, 1200));
}

fn stats_counts(store: &mut dyn Store) {
    let mk = |key: &str, outlet: Option<&str>, kind: SourceKind, day: i64, text: &str| {
        let mut d = doc(key, text);
        d.outlet = outlet.map(str::to_string);
        d.source_kind = kind;
        d.fetched_at = at(day * 86_400 + 3600);
        d
    };
    let batch = [
        mk("a", Some("bbc.co.uk"), SourceKind::Feed, 0, "a1"),
        mk("b", Some("bbc.co.uk"), SourceKind::Feed, 0, "b1"),
        mk("c", Some("vanguardngr.com"), SourceKind::Url, 1, "c1"),
        mk("d", None, SourceKind::File, 1, "d1"),
        mk("e", Some("apnews.com"), SourceKind::Feed, 2, "e1"),
        // A new version of `a` on day 2: counts as a version, not as a document.
        mk("a", Some("bbc.co.uk"), SourceKind::Feed, 2, "a2"),
        mk("a", Some("bbc.co.uk"), SourceKind::Feed, 2, "a2"),
    ];
    assert_eq!(put(store, &batch), [New, New, New, New, New, NewVersion, Unchanged]);

    let feed = FeedRecord::new("https://bbc.co.uk/rss".into(), None, None, at(0));
    assert!(store.add_feed(&feed).unwrap());

    let s = store.stats().unwrap();
    assert_eq!(s.documents, 5);
    assert_eq!(s.versions, 6);
    assert_eq!(s.feeds, 1);
    let pairs = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    };
    assert_eq!(
        s.by_source,
        pairs(&[("bbc.co.uk", 2), ("(unknown)", 1), ("apnews.com", 1), ("vanguardngr.com", 1)])
    );
    assert_eq!(s.by_day, pairs(&[("2026-03-01", 2), ("2026-03-02", 2), ("2026-03-03", 2)]));
    assert_eq!(s.by_state, pairs(&[("pending", 5)]));
    assert_eq!(s.by_kind, pairs(&[("feed", 3), ("file", 1), ("url", 1)]));
}

fn feeds(store: &mut dyn Store) {
    let a = FeedRecord::new("https://a.example/rss".into(), Some("A".into()), None, at(10));
    let b = FeedRecord::new(
        "https://b.example/atom".into(),
        None,
        Some("https://b.example/".into()),
        at(5),
    );
    assert!(store.add_feed(&a).unwrap());
    assert!(store.add_feed(&b).unwrap());
    assert!(!store.add_feed(&a).unwrap(), "second subscription of the same URL");
    // Order added, not order of `added_at`.
    assert_eq!(store.feeds().unwrap(), [a.clone(), b.clone()]);

    let mut polled = b.clone();
    polled.etag = Some("\"xyz\"".into());
    polled.last_modified = Some("Tue, 03 Mar 2026 10:00:00 GMT".into());
    polled.last_fetch = Some(at(100));
    polled.last_status = Some(304);
    polled.last_error = Some("timed out once".into());
    polled.failures = 3;
    polled.next_due = Some(at(1000));
    polled.state = FeedState::Failing;
    store.update_feed(&polled).unwrap();
    assert_eq!(store.feeds().unwrap(), [a.clone(), polled.clone()]);

    let ghost = FeedRecord::new("https://ghost.example/rss".into(), None, None, at(0));
    assert!(matches!(store.update_feed(&ghost), Err(StoreError::NotFound(_))));

    assert!(store.remove_feed(&a.url).unwrap());
    assert!(!store.remove_feed(&a.url).unwrap());
    assert_eq!(store.feeds().unwrap(), [polled]);
    assert_eq!(store.stats().unwrap().feeds, 1);
}
