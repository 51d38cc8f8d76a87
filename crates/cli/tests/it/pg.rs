//! The binary on PostgreSQL (`--database`): ingest --queue, stats and feeds, and a clear error
//! from the commands that need the embedded store. Needs `WIREWATCH_TEST_DATABASE_URL` (CI sets
//! it); skipped with a printed reason without it.

use crate::support::{PgSchema as Schema, repo, run, ww};

fn json(so: &str) -> serde_json::Value {
    serde_json::from_str(so.lines().last().unwrap_or("{}")).unwrap_or_else(|e| panic!("{so}: {e}"))
}

#[test]
fn ingest_queue_stats_and_feeds_on_postgres() {
    let Some(schema) = Schema::new() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("unused-data-dir");
    let inputs = repo().join("test_data/extract");
    let ingest = |args: &[&str]| {
        let mut c = ww(&data);
        c.args(["--database", &schema.url(), "-q", "ingest", "--json"]).args(args).arg(&inputs);
        run(&mut c)
    };
    let (out, so, se) = ingest(&["--queue"]);
    assert!(out.status.success(), "{se}");
    let first = json(&so);
    let stored = first["new"].as_u64().unwrap();
    assert!(stored >= 2, "{first}");
    let (out, so, se) = ingest(&["--queue"]);
    assert!(out.status.success(), "{se}");
    assert_eq!(json(&so)["unchanged"].as_u64(), Some(stored), "re-ingest is unchanged");

    // The URL may also come from the environment.
    let (out, so, se) =
        run(ww(&data).env("WIREWATCH_DATABASE_URL", schema.url()).args(["stats", "--json"]));
    assert!(out.status.success(), "{se}");
    let stats: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(stats["documents"].as_u64(), Some(stored), "{stats}");
    assert_eq!(stats["by_state"][0][0].as_str(), Some("pending"), "queued, not analysed: {stats}");

    let db = ["--database", &schema.url()];
    let (out, _, se) = run(ww(&data).args(db).args(["feeds", "add", "https://example.org/rss"]));
    assert!(out.status.success(), "{se}");
    let (_, so, _) = run(ww(&data).args(db).args(["feeds", "list", "--json"]));
    assert!(so.contains("https://example.org/rss"), "{so}");

    // The demo fills only an empty database, and says so.
    let (out, _, se) = run(ww(&data).args(db).args(["demo", "--no-serve"]));
    assert!(!out.status.success());
    assert!(se.contains("already holds") && se.contains("empty database"), "{se}");
    assert!(!data.exists(), "nothing written to the data directory");
}

#[test]
fn the_sample_corpus_reads_the_same_on_postgres_and_sqlite() {
    let Some(schema) = Schema::new() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let lite = tmp.path().join("data");
    let samples = repo().join("samples");
    let url = schema.url();
    let pg = ["--database", url.as_str()];
    let (out, _, se) = run(ww(&lite).args(pg).args(["-q", "ingest"]).arg(&samples));
    assert!(out.status.success(), "{se}");
    let (out, _, se) = run(ww(&lite).args(["-q", "ingest"]).arg(&samples));
    assert!(out.status.success(), "{se}");
    for cmd in [
        &["stories", "--json"][..],
        &["entities", "--limit", "500", "--json"],
        &["story", "s1", "--changes", "--timeline", "--json"],
        &["entity", "1", "--json"],
        &["stats", "--json"],
    ] {
        let (o1, on_pg, e1) = run(ww(&lite).args(pg).args(cmd));
        let (o2, on_lite, e2) = run(ww(&lite).args(cmd));
        assert!(o1.status.success() && o2.status.success(), "{cmd:?}: {e1} {e2}");
        assert!(on_lite.len() > 50, "{cmd:?}: {on_lite}");
        let (on_pg, on_lite) = (without_run_times(&on_pg), without_run_times(&on_lite));
        assert!(on_pg == on_lite, "{cmd:?} differs between the backends:\n{on_pg}\n{on_lite}");
    }

    // The data directory migrated into an empty database reads exactly as it does.
    let Some(copy) = Schema::new() else { return };
    let (out, so, se) = run(ww(&lite).args(["migrate", "--json", "--to", &copy.url()]));
    assert!(out.status.success(), "{se}");
    let summary = json(&so);
    assert!(summary["rows"].as_u64().unwrap() > 100, "{summary}");
    for cmd in [&["stories", "--json"][..], &["story", "s1", "--changes", "--json"]] {
        let (_, on_copy, _) = run(ww(&lite).args(["--database", &copy.url()]).args(cmd));
        let (_, on_lite, _) = run(ww(&lite).args(cmd));
        assert_eq!(on_copy, on_lite, "{cmd:?} differs after migrate");
    }
    let (out, _, se) = run(ww(&lite).args(["migrate", "--to", &copy.url()]));
    assert!(!out.status.success() && se.contains("not empty"), "{se}");
}

/// JSON output with the times of these runs (fetch times of undated files, when findings were
/// found) masked: the two ingests happen a moment apart.
fn without_run_times(json: &str) -> serde_json::Value {
    fn mask(v: &mut serde_json::Value, days: &[String]) {
        match v {
            serde_json::Value::String(s) if days.iter().any(|d| s.starts_with(d)) => {
                *s = "<now>".into()
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|v| mask(v, days)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|v| mask(v, days)),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    // Today and yesterday, for a run across midnight.
    let now = chrono::Utc::now();
    let days = [now, now - chrono::Duration::days(1)].map(|t| t.format("%Y-%m-%d").to_string());
    mask(&mut v, &days);
    v
}

#[test]
fn a_database_url_that_is_not_postgres_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, se) = run(ww(tmp.path()).args(["--database", "mysql://u:pw@h/db", "stats"]));
    assert!(!out.status.success());
    assert!(se.contains("not a postgres:// URL") && !se.contains("pw@"), "{se}");
}

#[test]
fn a_local_feed_is_polled_into_postgres() {
    use std::collections::HashMap;

    use crate::support::Server;
    let Some(schema) = Schema::new() else { return };
    let page = |t: &str| {
        format!("<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{t} said the ferry overturned off Port Aurel.</p></article></body></html>")
            .into_bytes()
    };
    let mut routes = HashMap::new();
    routes.insert("/a.html".to_string(), ("text/html".to_string(), page("Alpha")));
    routes.insert(
        "/robots.txt".to_string(),
        ("text/plain".to_string(), b"User-agent: *\nAllow: /\n".to_vec()),
    );
    // The feed links to the server itself: serve once to learn the address, then with the feed.
    let server = Server::start(routes.clone());
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title>\
         <link>{b}/</link><item><title>Alpha</title><link>{b}/a.html</link></item>\
         </channel></rss>",
        b = server.base
    );
    drop(server);
    routes.insert("/feed.xml".to_string(), ("application/rss+xml".to_string(), feed.into_bytes()));
    let server = Server::start(routes);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("unused");
    let url = schema.url();
    let db = ["--database", url.as_str()];
    let feed_url = format!("{}/feed.xml", server.base);
    let (out, _, se) = run(ww(&data)
        .args(db)
        .env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1")
        .args(["feeds", "add", &feed_url]));
    assert!(out.status.success(), "{se}");
    let (out, so, se) = run(ww(&data)
        .args(db)
        .env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1")
        .args(["-q", "poll", "--once", "--json"]));
    assert!(out.status.success(), "{so}\n{se}");
    let polled = json(&so);
    assert_eq!(polled["analysed"].as_u64(), Some(1), "{polled} {se}");
    let (_, so, _) = run(ww(&data).args(db).args(["feeds", "list", "--json"]));
    assert!(so.contains("\"state\": \"ok\""), "{so}");
    let (_, so, _) = run(ww(&data).args(db).args(["stories", "--json"]));
    assert!(so.contains("Alpha"), "{so}");
    assert!(!data.exists());
}
