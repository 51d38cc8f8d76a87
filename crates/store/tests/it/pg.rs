//! Tests of the PostgreSQL backend against a real server: conformance, migrations, refusals,
//! racing writers. They need `WIREWATCH_TEST_DATABASE_URL` (CI starts a server and sets it;
//! see `.ci/run`) and skip with a printed reason without it. Each test works in a schema of its
//! own, dropped afterwards, so tests run in parallel on one database.

use std::sync::atomic::{AtomicUsize, Ordering};

use model::{DocKey, IngestOutcome, RawDocument, Store, StoreResult};
use store::DocumentStore;
use store::pg::{PG_LATEST_VERSION, redact_url};
use store::{Error, PgStore};

use crate::conformance::{self, at, doc};

/// The test database's URL, or `None` (after saying why the test is skipped).
fn base_url() -> Option<String> {
    match std::env::var("WIREWATCH_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!(
                "skipped: WIREWATCH_TEST_DATABASE_URL is not set (CI sets it; see .ci/run for \
                 starting a throwaway PostgreSQL)"
            );
            None
        }
    }
}

/// A schema of its own in the test database, dropped with this value.
struct Schema {
    base: String,
    name: String,
}

impl Schema {
    fn new(base: &str) -> Schema {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "ww_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        admin(base).batch_execute(&format!("CREATE SCHEMA {name}")).expect("create schema");
        Schema { base: base.to_owned(), name }
    }

    /// A URL whose connections work in this schema.
    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }

    fn client(&self) -> postgres::Client {
        admin(&self.url())
    }

    fn connect(&self) -> PgStore {
        PgStore::connect(&self.url()).expect("connect to the test database")
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let dropped =
            admin(&self.base).batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        if let Err(e) = dropped {
            eprintln!("could not drop test schema {}: {e}", self.name);
        }
    }
}

fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect to the test database")
}

/// A store in a schema of its own, dropped with it (the store first).
struct TempPg {
    store: Option<PgStore>,
    _schema: Schema,
}

impl TempPg {
    fn new(base: &str) -> TempPg {
        let schema = Schema::new(base);
        TempPg { store: Some(schema.connect()), _schema: schema }
    }
    fn store(&self) -> &PgStore {
        self.store.as_ref().expect("open")
    }
    fn store_mut(&mut self) -> &mut PgStore {
        self.store.as_mut().expect("open")
    }
}

impl Drop for TempPg {
    fn drop(&mut self) {
        self.store.take();
    }
}

impl store::Database for TempPg {
    fn read_with(
        &self,
        f: &mut dyn FnMut(&mut dyn store::sql::Sql) -> store::Result<()>,
    ) -> store::Result<()> {
        self.store().read_with(f)
    }
    fn write_with(
        &mut self,
        f: &mut dyn FnMut(&mut dyn store::sql::Sql) -> store::Result<()>,
    ) -> store::Result<()> {
        self.store_mut().write_with(f)
    }
    fn data_version(&self) -> store::Result<i64> {
        self.store().data_version()
    }
}

impl Store for TempPg {
    fn put_documents(&mut self, docs: &[RawDocument]) -> StoreResult<Vec<IngestOutcome>> {
        self.store_mut().put_documents(docs)
    }
    fn versions(&self, key: &DocKey) -> StoreResult<Vec<model::StoredVersion>> {
        self.store().versions(key)
    }
    fn has_document(&self, key: &DocKey) -> StoreResult<bool> {
        self.store().has_document(key)
    }
    fn stats(&self) -> StoreResult<model::Stats> {
        Store::stats(self.store())
    }
    fn add_feed(&mut self, feed: &model::FeedRecord) -> StoreResult<bool> {
        self.store_mut().add_feed(feed)
    }
    fn remove_feed(&mut self, url: &str) -> StoreResult<bool> {
        self.store_mut().remove_feed(url)
    }
    fn feeds(&self) -> StoreResult<Vec<model::FeedRecord>> {
        self.store().feeds()
    }
    fn update_feed(&mut self, feed: &model::FeedRecord) -> StoreResult<()> {
        self.store_mut().update_feed(feed)
    }
}

#[test]
fn conformance_on_postgres() {
    let Some(base) = base_url() else { return };
    conformance::run_all(|| Box::new(TempPg::new(&base)));
}

/// The story, findings, digest, entity and outbox suites of the SQLite tests, on PostgreSQL.
#[test]
fn stories_changes_and_events_on_postgres() {
    let Some(base) = base_url() else { return };
    for (suite, cases) in [("changes", crate::changes::CASES), ("events", crate::events::CASES)] {
        for (name, case) in cases {
            eprintln!("{suite} on postgres: {name}");
            case(&mut TempPg::new(&base));
        }
    }
}

#[test]
fn connecting_migrates_once_and_reconnecting_keeps_the_data() {
    let Some(base) = base_url() else { return };
    let schema = Schema::new(&base);
    let mut store = schema.connect();
    assert_eq!(store.schema_version().unwrap(), PG_LATEST_VERSION);
    store.put_documents(&[doc("a", "text")]).unwrap();
    drop(store);
    let again = schema.connect();
    assert_eq!(again.schema_version().unwrap(), PG_LATEST_VERSION);
    assert_eq!(again.versions(&DocKey("a".into())).unwrap().len(), 1);
    let steps: i64 =
        schema.client().query_one("SELECT count(*) FROM wirewatch_schema", &[]).unwrap().get(0);
    assert_eq!(steps, PG_LATEST_VERSION, "one row per step, none applied twice");
}

#[test]
fn a_database_from_a_newer_wirewatch_is_refused() {
    let Some(base) = base_url() else { return };
    let schema = Schema::new(&base);
    drop(schema.connect());
    let newer = PG_LATEST_VERSION + 1;
    schema
        .client()
        .execute(
            "INSERT INTO wirewatch_schema (version, description, applied_at)
             VALUES ($1, 'from the future', '2030-01-01T00:00:00.000000000Z')",
            &[&newer],
        )
        .unwrap();
    let err = PgStore::connect(&schema.url()).unwrap_err();
    assert!(matches!(err, Error::DatabaseTooNew { found, known, .. }
        if found == newer && known == PG_LATEST_VERSION));
    let msg = err.to_string();
    assert!(msg.contains(&format!("schema version {newer}")) && msg.contains("upgrade"), "{msg}");
}

#[test]
fn a_database_with_someone_elses_tables_is_refused() {
    let Some(base) = base_url() else { return };
    let schema = Schema::new(&base);
    schema.client().batch_execute("CREATE TABLE documents (title TEXT)").unwrap();
    let err = PgStore::connect(&schema.url()).unwrap_err();
    assert!(matches!(err, Error::NotOurDatabase { .. }), "{err}");
    assert!(err.to_string().contains("not a wirewatch database"), "{err}");
}

#[test]
fn an_unreachable_server_is_a_clear_error_without_the_password() {
    // Port 9 (discard) on loopback: nothing listens there on these machines.
    let err = PgStore::connect("postgres://ww:sekrit@127.0.0.1:9/ww").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cannot connect to PostgreSQL database"), "{msg}");
    assert!(msg.contains("127.0.0.1:9") && !msg.contains("sekrit"), "{msg}");
    let err = PgStore::connect("postgres://ww@127.0.0.1:notaport/ww").unwrap_err();
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert_eq!(redact_url("postgres://u:p@h/db"), "postgres://u:***@h/db");
    assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
}

#[test]
fn text_with_nul_is_stored_with_a_replacement_character() {
    let Some(base) = base_url() else { return };
    let mut pg = TempPg::new(&base);
    pg.put_documents(&[doc("a", "before\0after")]).unwrap();
    let v = pg.versions(&DocKey("a".into())).unwrap();
    assert_eq!(v[0].content, "before\u{FFFD}after");
    // The hash is of the text as ingested, so the same input again is unchanged.
    assert_eq!(pg.put_documents(&[doc("a", "before\0after")]).unwrap(), [IngestOutcome::Unchanged]);
}

/// An analysed document: two people (one spelled two ways), a statement by each.
fn analysed(key: &str, second_spelling: &str) -> RawDocument {
    let person = |id: &str, name: &str, key: &str, aliases: &[&str]| model::DocEntity {
        id: id.into(),
        name: name.into(),
        kind: "person".into(),
        key: key.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        role: Some("President".into()),
        affiliation: None,
        mentions: 2,
    };
    let said = |start: usize, text: &str, speaker: &str, local: &str| model::Statement {
        start,
        end: start + text.len(),
        text: text.into(),
        kind: "direct".into(),
        speaker: Some(speaker.into()),
        speaker_start: Some(0),
        speaker_end: Some(5),
        speaker_entity: Some(local.into()),
        cue: Some("said".into()),
        via: Some("TASS".into()),
        confidence: 0.75,
    };
    let mut d = doc(key, &format!("text of {key}"));
    d.analysis = Some(model::Analysis {
        analyzer: "test-1".into(),
        ok: true,
        title: Some("Title".into()),
        published: Some("2016-12-30T10:00:00Z".into()),
        language: Some("en".into()),
        site_name: None,
        body: "We will not expel anyone.".into(),
        article_json: "{}".into(),
        diagnostics: Vec::new(),
        statements: vec![
            said(0, "We will not expel anyone.", "Putin", "e1"),
            said(30, "We will respond.", "Obama", "e2"),
        ],
        entities: vec![
            person("e1", "Vladimir Putin", "vladimir putin", &[]),
            person("e2", "Barack Obama", "barack obama", &[second_spelling]),
        ],
        facts_json: None,
    });
    d
}

/// What the analysis tables hold, in a backend-independent order.
fn analysis_tables(db: &dyn store::Database) -> Vec<String> {
    let mut out = Vec::new();
    db.read_with(&mut |sql| {
        for q in [
            "SELECT kind || '|' || name || '|' || coalesce(surname, '') || '|' ||
                    CAST(mention_count AS TEXT) || '|' || CAST(statement_count AS TEXT)
               FROM entities ORDER BY id",
            "SELECT kind || '|' || alias_key || '|' || alias || '|' || CAST(entity_id AS TEXT)
               FROM entity_aliases ORDER BY kind, alias_key",
            "SELECT text || '|' || coalesce(CAST(entity_id AS TEXT), '-') FROM statements
              ORDER BY version_id, start",
            "SELECT state FROM versions ORDER BY id",
        ] {
            for row in sql.query(q, &[])? {
                out.push(row.get::<String>(0)?);
            }
        }
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn analyses_are_stored_alike_on_both_backends() {
    use store::prelude::*;
    let Some(base) = base_url() else { return };
    let mut pg = TempPg::new(&base);
    let mut lite = store::SqliteStore::open_in_memory().unwrap();
    let batches = [
        vec![analysed("a", "Barrack Obama"), doc("plain", "no analysis")],
        // Re-ingesting with the same analyser changes nothing; a new key with a variant name
        // of a known person joins that person.
        vec![analysed("a", "Barrack Obama"), analysed("b", "Barack H Obama")],
    ];
    for batch in &batches {
        assert_eq!(pg.store_mut().put(batch).unwrap(), lite.put(batch).unwrap());
    }
    let tables = analysis_tables(&lite);
    assert!(tables.iter().any(|t| t.starts_with("person|Barack Obama|obama|")), "{tables:?}");
    assert_eq!(analysis_tables(pg.store()), tables);
    for key in ["a", "b"] {
        let v = lite.latest_version(&DocKey(key.into())).unwrap().unwrap();
        let pv = pg.store().latest_version(&DocKey(key.into())).unwrap().unwrap();
        assert_eq!(
            pg.store().analysis(pv.document_id, pv.version).unwrap(),
            lite.analysis(v.document_id, v.version).unwrap()
        );
    }
    // The pending list and a re-analysis with another analyser, on both.
    let pending_pg = pg.store().versions_to_analyze("test-2", 0, 10).unwrap();
    let pending_lite = lite.versions_to_analyze("test-2", 0, 10).unwrap();
    assert_eq!(pending_pg.len(), 3);
    assert_eq!(pending_pg.len(), pending_lite.len());
    let mut again = analysed("a", "Barrack Obama").analysis.unwrap();
    again.analyzer = "test-2".into();
    again.statements.truncate(1);
    pg.store_mut().put_analyses(&[(pending_pg[0].version_id, again.clone())]).unwrap();
    lite.put_analyses(&[(pending_lite[0].version_id, again)]).unwrap();
    assert_eq!(analysis_tables(pg.store()), analysis_tables(&lite));
}

#[test]
fn racing_writers_store_each_document_once_with_gapless_versions() {
    let Some(base) = base_url() else { return };
    let schema = Schema::new(&base);
    drop(schema.connect());
    let writers = 4;
    let rounds = 5;
    std::thread::scope(|s| {
        for w in 0..writers {
            let url = schema.url();
            s.spawn(move || {
                let mut store = PgStore::connect(&url).unwrap();
                for round in 0..rounds {
                    // Every writer writes every key each round, with content of its own.
                    let batch: Vec<RawDocument> = (0..20)
                        .map(|k| {
                            let mut d = doc(&format!("k{k}"), &format!("w{w} r{round} k{k}"));
                            d.fetched_at = at(round * 10 + w);
                            d
                        })
                        .collect();
                    store.put(&batch).unwrap();
                }
            });
        }
    });
    let store = schema.connect();
    let stats = Store::stats(&store).unwrap();
    assert_eq!(stats.documents, 20);
    assert_eq!(stats.versions, 20 * (writers * rounds) as u64);
    for k in 0..20 {
        let versions = store.versions(&DocKey(format!("k{k}"))).unwrap();
        let numbers: Vec<i64> = versions.iter().map(|v| v.version).collect();
        assert_eq!(numbers, (1..=(writers * rounds)).collect::<Vec<i64>>(), "k{k}");
    }
}

#[test]
fn a_store_copies_to_postgres_and_back_unchanged() {
    use store::prelude::*;
    let Some(base) = base_url() else { return };
    // A SQLite store with something in every table.
    let mut lite = store::SqliteStore::open_in_memory().unwrap();
    lite.put(&[analysed("a", "Barrack Obama"), analysed("b", "Barack H Obama"), doc("c", "x")])
        .unwrap();
    let mut moved = doc("c", "x, corrected");
    moved.fetched_at = at(60);
    lite.put(&[moved]).unwrap();
    let record = |id: &str| model::StoryRecord {
        id: id.into(),
        label: format!("story {id}"),
        first_seen: Some("2016-12-30T10:00:00Z".into()),
        last_updated: None,
        state: "developing".into(),
        breaking_since: None,
        articles: 1,
        copies: 0,
        outlets: vec!["example.org".into()],
        entities: vec![],
        state_json: "{}".into(),
    };
    let assign = |d: &str, s: &str| model::StoryAssignment {
        document: d.into(),
        story: s.into(),
        duplicate_of: None,
        wire_agency: None,
    };
    lite.save_stories(&[record("s1"), record("s2")], &[assign("a", "s1"), assign("b", "s2")])
        .unwrap();
    lite.save_stories(&[record("s1")], &[assign("b", "s1")]).unwrap(); // s2 merged away
    lite.save_story_changes("s1", &[crate::changes::finding("reversal", "a", "b")], &[]).unwrap();
    lite.add_feed(&model::FeedRecord::new("https://example.org/rss".into(), None, None, at(0)))
        .unwrap();
    lite.add_webhook(&store::NewWebhook {
        url: "https://hooks.example/in".into(),
        secret: "k".into(),
        kinds: vec!["story.new".into()],
        story: None,
        entity: None,
        query: None,
    })
    .unwrap();

    let mut pg = TempPg::new(&base);
    let copied = store::copy_store(&lite, &mut pg, &mut |_, _| {}).unwrap();
    let rows = |t: &str| copied.iter().find(|c| c.table == t).unwrap().rows;
    assert_eq!((rows("documents"), rows("versions"), rows("story_merges")), (3, 4, 1));
    assert!(copied.iter().all(|c| c.source_hash == c.target_hash));
    assert!(rows("events") >= 3 && rows("findings") == 1 && rows("webhooks") == 1);
    assert_eq!(analysis_tables(pg.store()), analysis_tables(&lite));

    // Into a non-empty store: refused, nothing written.
    let err = store::copy_store(&lite, &mut pg, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, Error::NotEmpty(_)), "{err}");

    // The copy goes on like the original: new ids do not collide, and back to SQLite it is the
    // same store again.
    let next_event =
        pg.append_event("story.new", Some("s9"), None, &serde_json::json!({})).unwrap();
    assert!(next_event > lite.latest_event_id().unwrap());
    let mut back = store::SqliteStore::open_in_memory().unwrap();
    let again = store::copy_store(pg.store(), &mut back, &mut |_, _| {}).unwrap();
    assert_eq!(analysis_tables(&back), analysis_tables(&lite));
    assert_eq!(back.story("s1").unwrap(), lite.story("s1").unwrap());
    assert_eq!(back.merged_into("s2").unwrap().as_deref(), Some("s1"));
    assert_eq!(again.iter().find(|c| c.table == "events").unwrap().rows, rows("events") + 1);
}

#[test]
fn a_lost_connection_is_reopened_and_the_work_goes_on() {
    let Some(base) = base_url() else { return };
    let schema = Schema::new(&base);
    let mut store = schema.connect();
    store.put(&[doc("a", "one")]).unwrap();
    let backend_pid = |store: &PgStore| {
        let mut pid = 0;
        store::Database::read_with(store, &mut |sql| {
            pid = sql.query_i64("SELECT CAST(pg_backend_pid() AS BIGINT)", &[])?;
            Ok(())
        })
        .unwrap();
        pid
    };
    // The server ends our session (as a restart would) between two writes, then between a
    // write and a read: each call reconnects and goes on; nothing committed is lost.
    for round in 0..2 {
        let pid = backend_pid(&store);
        let pid32 = i32::try_from(pid).unwrap();
        schema.client().execute("SELECT pg_terminate_backend($1)", &[&pid32]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        if round == 0 {
            assert_eq!(store.put(&[doc("b", "two")]).unwrap(), [IngestOutcome::New]);
        } else {
            assert_eq!(Store::stats(&store).unwrap().documents, 2);
        }
        assert_ne!(backend_pid(&store), pid, "a new session");
    }
    assert_eq!(store.versions(&DocKey("a".into())).unwrap().len(), 1);
}
