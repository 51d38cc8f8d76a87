//! Tests of the SQLite backend: conformance, files on disk, migrations, refusals, durability.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use store::prelude::*;

use model::{DocKey, IngestOutcome, Store, StoreError, StoreResult};
use store::migrations::{self, LATEST_VERSION};
use store::{DB_FILE, Error, SqliteStore};
use tempfile::TempDir;

use crate::conformance::{self, at, doc};

/// An on-disk store that deletes its directory when dropped (the store is dropped first).
struct TempStore {
    store: SqliteStore,
    _dir: TempDir,
}

impl Store for TempStore {
    fn put_documents(&mut self, docs: &[model::RawDocument]) -> StoreResult<Vec<IngestOutcome>> {
        self.store.put_documents(docs)
    }
    fn versions(&self, key: &DocKey) -> StoreResult<Vec<model::StoredVersion>> {
        self.store.versions(key)
    }
    fn has_document(&self, key: &DocKey) -> StoreResult<bool> {
        self.store.has_document(key)
    }
    fn stats(&self) -> StoreResult<model::Stats> {
        Store::stats(&self.store)
    }
    fn add_feed(&mut self, feed: &model::FeedRecord) -> StoreResult<bool> {
        self.store.add_feed(feed)
    }
    fn remove_feed(&mut self, url: &str) -> StoreResult<bool> {
        self.store.remove_feed(url)
    }
    fn feeds(&self) -> StoreResult<Vec<model::FeedRecord>> {
        self.store.feeds()
    }
    fn update_feed(&mut self, feed: &model::FeedRecord) -> StoreResult<()> {
        self.store.update_feed(feed)
    }
}

fn v1_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/store/v1.sqlite3")
}

#[test]
fn conformance_in_memory() {
    conformance::run_all(|| Box::new(SqliteStore::open_in_memory().unwrap()));
}

#[test]
fn conformance_on_disk() {
    conformance::run_all(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        Box::new(TempStore { store, _dir: dir })
    });
}

#[test]
fn open_creates_directory_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(store.path(), Some(data.join(DB_FILE).as_path()));
    assert!(data.join(DB_FILE).is_file());
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    const { assert!(LATEST_VERSION >= 2) };
    let mem = SqliteStore::open_in_memory().unwrap();
    assert_eq!(mem.path(), None);
    assert_eq!(mem.schema_version().unwrap(), LATEST_VERSION);
}

#[test]
fn wal_mode_is_persistent() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    // The settings are per connection, so check them through the store's own connection: a
    // second connection would only show the persistent journal mode.
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopen_after_drop_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = SqliteStore::open(dir.path()).unwrap();
        store.put_documents(&[doc("a", "one"), doc("b", "two")]).unwrap();
        store.put_documents(&[doc("a", "one, edited")]).unwrap();
        let feed = model::FeedRecord::new("https://f.example/rss".into(), None, None, at(0));
        store.add_feed(&feed).unwrap();
    }
    let mut store = SqliteStore::open(dir.path()).unwrap();
    let stats = Store::stats(&store).unwrap();
    assert_eq!((stats.documents, stats.versions, stats.feeds), (2, 3, 1));
    assert_eq!(
        store.put_documents(&[doc("a", "one, edited")]).unwrap(),
        [IngestOutcome::Unchanged]
    );
    assert_eq!(store.versions(&DocKey("a".into())).unwrap().len(), 2);
}

#[test]
fn read_methods() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut later = doc("a", "a, second");
    later.fetched_at = at(500);
    let batch: Vec<_> = ["a", "b", "c", "d", "e"].iter().map(|k| doc(k, k)).collect();
    store.put(&batch).unwrap();
    store.put(&[later]).unwrap();

    assert_eq!(store.document_count().unwrap(), 5);
    let a = store.document(&DocKey("a".into())).unwrap().expect("a stored");
    assert_eq!(a.latest_version, 2);
    assert_eq!(a.first_seen, at(0));
    assert_eq!(a.last_seen, at(500));
    assert_eq!(a.origin, "input.jsonl#a");
    assert_eq!(store.document_by_id(a.id).unwrap().as_ref(), Some(&a));
    assert!(store.document(&DocKey("zzz".into())).unwrap().is_none());
    assert!(store.document_by_id(-1).unwrap().is_none());

    let latest = store.latest_version(&a.key).unwrap().expect("latest");
    assert_eq!((latest.version, latest.content.as_str()), (2, "a, second"));
    let first = store.version(a.id, 1).unwrap().expect("v1");
    assert_eq!(first.content, "a");
    assert!(store.version(a.id, 3).unwrap().is_none());
    assert!(store.latest_version(&DocKey("zzz".into())).unwrap().is_none());

    // Keyset paging visits every document once, in id order.
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.list_documents(after, 2).unwrap();
        let Some(last) = page.last() else { break };
        after = last.id;
        seen.extend(page.into_iter().map(|d| d.key.0));
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"]);

    assert!(store.diagnostics(a.id, 1).unwrap().is_empty());
    let mut noisy = doc("noisy", "text");
    noisy.diagnostics = vec![model::Diagnostic::info("truncated_input", "cut at 5 MB")];
    store.put(std::slice::from_ref(&noisy)).unwrap();
    let id = store.document(&noisy.key).unwrap().unwrap().id;
    assert_eq!(store.diagnostics(id, 1).unwrap(), noisy.diagnostics);
    assert!(store.diagnostics(id, 2).unwrap().is_empty());

    // by_state counts latest versions only.
    assert!(store.set_state(a.id, 2, "extracted").unwrap());
    assert!(store.set_state(a.id, 1, "failed").unwrap());
    let b = store.document(&DocKey("b".into())).unwrap().unwrap();
    assert!(store.set_state(b.id, 1, "failed").unwrap());
    assert!(!store.set_state(b.id, 9, "failed").unwrap());
    let by_state = Store::stats(&store).unwrap().by_state;
    let expect = [("pending", 4), ("extracted", 1), ("failed", 1)];
    assert_eq!(by_state, expect.map(|(s, n)| (s.to_string(), n)));
}

#[test]
fn migrates_frozen_v1_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(v1_fixture(), dir.path().join(DB_FILE)).unwrap();
    let before = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    assert_eq!(migrations::current_version(&before).unwrap(), 1);
    drop(before);

    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);

    // The rows `fixture::make_v1_fixture` wrote are intact and readable.
    let a = DocKey("https://old.example/a".into());
    let versions = store.versions(&a).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].content, "Old text of a.");
    assert_eq!(versions[1].content, "Old text of a, corrected.");
    assert_eq!(versions[1].title.as_deref(), Some("A, corrected"));
    assert_eq!(versions[1].content_hash, model::content_hash("Old text of a, corrected."));
    let b = store.document(&DocKey("sha256:b".into())).unwrap().expect("b");
    assert_eq!(b.latest_version, 1, "latest_version is backfilled by the v2 step");
    assert_eq!(b.outlet, None);

    let stats = Store::stats(&store).unwrap();
    assert_eq!((stats.documents, stats.versions, stats.feeds), (2, 3, 0));
    assert_eq!(stats.by_state, [("pending".to_string(), 2)]);

    // Ingest continues from the old rows: same content is unchanged, new content a version 3.
    let mut same = doc(a.as_str(), "Old text of a, corrected.");
    same.fetched_at = at(0);
    assert_eq!(store.put(&[same]).unwrap(), [IngestOutcome::Unchanged]);
    assert_eq!(store.put(&[doc(a.as_str(), "Newer.")]).unwrap(), [IngestOutcome::NewVersion]);
    assert_eq!(store.latest_version(&a).unwrap().unwrap().version, 3);
    let feed = model::FeedRecord::new("https://old.example/rss".into(), None, None, at(0));
    assert!(store.add_feed(&feed).unwrap());
}

/// Step 1 must never change once released: the schema it makes today must be the one frozen in
/// the fixture.
#[test]
fn v1_step_is_frozen() {
    fn schema(conn: &rusqlite::Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    }
    let frozen = rusqlite::Connection::open(v1_fixture()).unwrap();
    let mut fresh = rusqlite::Connection::open_in_memory().unwrap();
    migrations::migrate_to(&mut fresh, 1, Path::new(":memory:")).unwrap();
    assert_eq!(schema(&frozen), schema(&fresh));
}

#[test]
fn refuses_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    let db = dir.path().join(DB_FILE);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", LATEST_VERSION + 7).unwrap();
    drop(conn);

    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found, known, .. } if found == LATEST_VERSION + 7 && known == LATEST_VERSION),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains(&db.display().to_string()), "{msg}");
    assert!(msg.contains(&(LATEST_VERSION + 7).to_string()), "{msg}");
    assert!(matches!(StoreError::from(err), StoreError::Schema(_)));
    // Refusing did not touch the file.
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(migrations::current_version(&conn).unwrap(), LATEST_VERSION + 7);
}

#[test]
fn refuses_non_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::write(&db, "this is a text file, not a database\n".repeat(200)).unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains(&db.display().to_string()), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
}

#[test]
fn refuses_foreign_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE documents (whatever TEXT);").unwrap();
    drop(conn);
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
}

#[test]
fn data_dir_that_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "x").unwrap();
    let err = SqliteStore::open(&file).unwrap_err();
    assert!(matches!(err, Error::CreateDir { .. }), "{err:?}");
    assert!(err.to_string().contains(&file.display().to_string()), "{err}");
}

#[test]
fn database_path_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(DB_FILE)).unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Open { .. } | Error::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains(DB_FILE), "{err}");
}

/// A batch that fails part way leaves nothing behind: not its first documents, not a version.
#[test]
fn failed_batch_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store.put(&[doc("a", "a1")]).unwrap();
    // Another connection plants a trigger that makes one particular insert fail.
    let other = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON versions WHEN NEW.content = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .unwrap();
    let batch = [doc("b", "b1"), doc("a", "a2"), doc("c", "boom"), doc("d", "d1")];
    assert!(store.put(&batch).is_err());
    let stats = Store::stats(&store).unwrap();
    assert_eq!((stats.documents, stats.versions), (1, 1));
    assert_eq!(store.latest_version(&DocKey("a".into())).unwrap().unwrap().content, "a1");
    // The store is still usable afterwards.
    other.execute_batch("DROP TRIGGER boom;").unwrap();
    let outcomes = store.put(&batch).unwrap();
    assert_eq!(
        outcomes,
        [IngestOutcome::New, IngestOutcome::NewVersion, IngestOutcome::New, IngestOutcome::New]
    );
}

const KILL_CHILD_ENV: &str = "WIREWATCH_STORE_KILL_CHILD_DIR";
const KILL_BATCH: usize = 300;

/// Not a test on its own: the child process of `process_kill_keeps_reported_batches`. It
/// ingests batches forever, printing `committed N` after batch N returned.
#[test]
fn kill_child() {
    let Some(dir) = std::env::var_os(KILL_CHILD_ENV) else { return };
    let mut store = SqliteStore::open(Path::new(&dir)).unwrap();
    for n in 0.. {
        let batch: Vec<_> = (0..KILL_BATCH)
            .map(|i| doc(&format!("b{n}-{i}"), &format!("batch {n} doc {i} {}", "x".repeat(400))))
            .collect();
        store.put(&batch).unwrap();
        println!("committed {n}");
    }
}

/// The durability promise: what was reported stored survives a SIGKILL, and no batch is
/// half-written.
#[test]
fn process_kill_keeps_reported_batches() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "sqlite::kill_child", "--nocapture", "--test-threads=1"])
        .env(KILL_CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut reported = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            let n: usize = n.trim().parse().unwrap();
            reported = Some(n);
            if n >= 5 {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let reported = reported.expect("child reported commits") + 1;

    let store = SqliteStore::open(dir.path()).unwrap();
    let count = store.document_count().unwrap() as usize;
    assert!(count >= reported * KILL_BATCH, "{count} documents, {reported} batches reported");
    assert_eq!(count % KILL_BATCH, 0, "a half-written batch: {count} documents");
    for n in 0..reported {
        for i in [0, KILL_BATCH - 1] {
            assert!(store.document(&DocKey(format!("b{n}-{i}"))).unwrap().is_some());
        }
    }
}

/// Several processes (here threads, each with its own connection) opening an old database at
/// once all succeed, and each step is applied once.
#[test]
fn concurrent_opens_of_old_database_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(v1_fixture(), dir.path().join(DB_FILE)).unwrap();
    std::thread::scope(|s| {
        let opens: Vec<_> =
            (0..4).map(|_| s.spawn(|| SqliteStore::open(dir.path()).map(drop))).collect();
        for open in opens {
            open.join().unwrap().unwrap();
        }
    });
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(store.document_count().unwrap(), 2);
}

/// Two stores on one file write in turn; neither fails with "database is locked".
#[test]
fn two_writers_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    std::thread::scope(|s| {
        for t in 0..2 {
            let path = dir.path();
            s.spawn(move || {
                let mut store = SqliteStore::open(path).unwrap();
                for n in 0..20 {
                    let batch: Vec<_> =
                        (0..50).map(|i| doc(&format!("t{t}-{n}-{i}"), "same text")).collect();
                    store.put(&batch).unwrap();
                }
            });
        }
    });
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.document_count().unwrap(), 2 * 20 * 50);
}

fn analysis(analyzer: &str, title: &str) -> model::Analysis {
    model::Analysis {
        analyzer: analyzer.to_string(),
        ok: true,
        title: Some(title.to_string()),
        published: Some("2016-12-30".to_string()),
        language: Some("en".to_string()),
        site_name: None,
        body: "Body.".to_string(),
        article_json: "{}".to_string(),
        diagnostics: vec![model::Diagnostic::info("x", "y")],
        statements: Vec::new(),
        entities: Vec::new(),
        facts_json: None,
    }
}

/// Issue 3: every stored version carries its extracted article, written in the same
/// transaction; re-ingesting with a newer analyser replaces it, with the same one changes nothing.
#[test]
fn analysis_is_stored_with_its_version_and_redone_by_a_new_analyser() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut d = crate::conformance::doc("a", "text one");
    d.analysis = Some(analysis("extract-1", "First"));
    assert_eq!(store.put_documents(std::slice::from_ref(&d)).unwrap(), [IngestOutcome::New]);
    let got = store.analysis(1, 1).unwrap().expect("stored");
    assert_eq!(got.title.as_deref(), Some("First"));
    assert_eq!(got.diagnostics.len(), 1);
    let stats = Store::stats(&store).unwrap();
    assert_eq!(stats.by_state, vec![("extracted".to_string(), 1)]);

    d.analysis = Some(analysis("extract-1", "Ignored: same analyser"));
    assert_eq!(store.put_documents(std::slice::from_ref(&d)).unwrap(), [IngestOutcome::Unchanged]);
    assert_eq!(store.analysis(1, 1).unwrap().unwrap().title.as_deref(), Some("First"));

    d.analysis = Some(analysis("extract-2", "Second"));
    assert_eq!(store.put_documents(std::slice::from_ref(&d)).unwrap(), [IngestOutcome::Unchanged]);
    assert_eq!(store.analysis(1, 1).unwrap().unwrap().title.as_deref(), Some("Second"));

    let mut failed = crate::conformance::doc("b", "nothing");
    failed.analysis = Some(model::Analysis { ok: false, ..analysis("extract-2", "") });
    store.put_documents(&[failed]).unwrap();
    let stats = Store::stats(&store).unwrap();
    assert!(stats.by_state.contains(&("failed".to_string(), 1)), "{:?}", stats.by_state);
}

fn person(id: &str, name: &str, key: &str) -> model::DocEntity {
    model::DocEntity {
        id: id.to_string(),
        name: name.to_string(),
        kind: "person".to_string(),
        key: key.to_string(),
        aliases: Vec::new(),
        role: Some("president".to_string()),
        affiliation: Some("United States".to_string()),
        mentions: 2,
    }
}

fn said(speaker: &str, text: &str) -> model::Statement {
    model::Statement {
        start: 0,
        end: text.chars().count(),
        text: text.to_string(),
        kind: "direct".to_string(),
        speaker: Some("Obama".to_string()),
        speaker_start: None,
        speaker_end: None,
        speaker_entity: Some(speaker.to_string()),
        cue: Some("said".to_string()),
        via: None,
        confidence: 0.9,
    }
}

/// Issue 4: one canonical entity per real-world one across articles, spelling variants merged
/// with evidence; users can override a merge or a split, and the override holds for later
/// articles.
#[test]
fn entities_merge_spelling_variants_and_obey_overrides() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut a = doc("a", "one");
    a.analysis = Some(model::Analysis {
        entities: vec![person("e1", "Barack Obama", "barack obama")],
        statements: vec![said("e1", "Today, I have ordered a number of actions.")],
        ..analysis("x", "A")
    });
    let mut b = doc("b", "two");
    b.analysis = Some(model::Analysis {
        entities: vec![person("e1", "Barrack Obama", "barrack obama")],
        ..analysis("x", "B")
    });
    store.put_documents(&[a, b]).unwrap();
    let list = store.entities(Some("obama"), 10).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let obama = store.entity(list[0].id).unwrap().unwrap();
    assert_eq!(obama.summary.documents, 2);
    assert_eq!(obama.summary.statements, 1);
    assert_eq!(obama.statement_list[0].text, "Today, I have ordered a number of actions.");
    assert_eq!(obama.roles, ["president of United States"]);
    let variant = obama.alias_list.iter().find(|x| x.alias == "Barrack Obama").unwrap();
    assert!(variant.evidence.as_deref().unwrap().contains("one edit"), "{variant:?}");

    // A split: "Barrack Obama" becomes its own entity, for stored and later articles.
    let split = store.split_alias("Barrack Obama", "barrack obama", "person").unwrap();
    assert_eq!(store.entity(split).unwrap().unwrap().summary.documents, 1);
    let mut c = doc("c", "three");
    c.analysis = Some(model::Analysis {
        entities: vec![person("e1", "Barrack Obama", "barrack obama")],
        ..analysis("x", "C")
    });
    store.put_documents(&[c]).unwrap();
    assert_eq!(store.entity(split).unwrap().unwrap().summary.documents, 2);
    assert_eq!(store.entity(list[0].id).unwrap().unwrap().summary.documents, 1);

    // And merged back by hand.
    store.merge_alias("Barrack Obama", "barrack obama", list[0].id).unwrap();
    assert_eq!(store.entity(list[0].id).unwrap().unwrap().summary.documents, 3);
    assert!(store.merge_alias("x", "x", 999).is_err());
}

/// The entity counts are kept by triggers (schema v9): they must follow every write path —
/// an analysis replaced, an alias split off and merged back — and the entity's statements move
/// with its mentions.
#[test]
fn entity_counts_follow_reanalysis_splits_and_merges() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let with = |key: &str, name: &str, ekey: &str, words: &[&str], title: &str| {
        let mut d = doc(key, title);
        d.analysis = Some(model::Analysis {
            entities: vec![person("e1", name, ekey)],
            statements: words.iter().map(|w| said("e1", w)).collect(),
            ..analysis("x", title)
        });
        d
    };
    store
        .put_documents(&[
            with("a", "Barack Obama", "barack obama", &["One.", "Two."], "A"),
            with("b", "Barrack Obama", "barrack obama", &["Three."], "B"),
        ])
        .unwrap();
    let id = store.entities(Some("obama"), 10).unwrap()[0].id;
    let counts = |s: &SqliteStore, id: i64| {
        let e = s.entity(id).unwrap().unwrap();
        (e.summary.documents, e.summary.statements, e.statement_list.len() as u64)
    };
    assert_eq!(counts(&store, id), (2, 3, 3));

    // Analysis redone with other statements: replaced, not added.
    let mut a2 = with("a", "Barack Obama", "barack obama", &["Only this."], "A");
    a2.analysis.as_mut().unwrap().analyzer = "y".into();
    store.put_documents(&[a2]).unwrap();
    assert_eq!(counts(&store, id), (2, 2, 2));

    // A split moves the variant's mention and its statement to the new entity.
    let split = store.split_alias("Barrack Obama", "barrack obama", "person").unwrap();
    assert_eq!(counts(&store, split), (1, 1, 1));
    assert_eq!(counts(&store, id), (1, 1, 1));
    assert_eq!(store.entity(split).unwrap().unwrap().statement_list[0].text, "Three.");

    // Merged back: all of it returns.
    store.merge_alias("Barrack Obama", "barrack obama", id).unwrap();
    assert_eq!(counts(&store, id), (2, 2, 2));
    assert_eq!(counts(&store, split), (0, 0, 0));
    // The list orders by the kept count.
    assert_eq!(store.entities(None, 1).unwrap()[0].id, id);
}
