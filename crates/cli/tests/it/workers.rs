//! `wirewatch worker` on PostgreSQL: a queue drained by one worker and by four gives the same
//! stories and findings; a worker killed with SIGKILL mid-batch loses nothing and another
//! finishes its work; two workers racing for one feed poll it once; workers and a server go on
//! after their database connections are cut. Needs `WIREWATCH_TEST_DATABASE_URL` (CI sets it);
//! skipped with a printed reason without it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{PgSchema, Reaped, repo, run, ww};

/// A corpus of `per` variants of every sample report (the wire JSONL and the plain texts), as
/// one JSONL file: same stories, many near-copies, several outlets.
fn corpus(dir: &Path, per: usize) -> std::path::PathBuf {
    let mut bases: Vec<(String, String, String)> = Vec::new();
    for line in std::fs::read_to_string(repo().join("samples/wire.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        bases.push((s("url"), s("title"), s("text")));
    }
    let mut texts: Vec<_> = std::fs::read_dir(repo().join("samples/texts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    texts.sort();
    for p in texts {
        let body = std::fs::read_to_string(&p).unwrap();
        let (title, text) = body.split_once('\n').unwrap_or((&body, ""));
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        bases.push((format!("https://texts.example/{name}"), title.into(), text.trim().into()));
    }
    let outlets = ["desk-a.example", "desk-b.example", "desk-c.example"];
    let mut out = String::new();
    for k in 0..per {
        for (i, (url, title, text)) in bases.iter().enumerate() {
            let outlet = outlets[(i + k) % outlets.len()];
            let record = serde_json::json!({
                "url": format!("https://{outlet}/{k}/{}", url.rsplit('/').next().unwrap_or("x")),
                "title": title,
                "text": format!("{text}\n\n(Filed by desk {k}.)"),
            });
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

fn db(schema: &PgSchema) -> postgres::Client {
    postgres::Client::connect(&schema.url(), postgres::NoTls).unwrap()
}

/// Document key → story.
fn stories(schema: &PgSchema) -> BTreeMap<String, String> {
    db(schema)
        .query(
            "SELECT d.key, sa.story_id FROM story_articles sa JOIN documents d ON d.id = sa.document_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Every finding as (story, kind, explanation), sorted.
fn findings(schema: &PgSchema) -> Vec<(String, String, String)> {
    db(schema)
        .query("SELECT story_id, kind, explanation FROM findings ORDER BY 1, 2, 3", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// B-cubed F1 of clustering `b` against `a` (same items).
fn bcubed(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> f64 {
    fn members(m: &BTreeMap<String, String>) -> HashMap<&str, Vec<&str>> {
        let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
        for (k, s) in m {
            by.entry(s.as_str()).or_default().push(k.as_str());
        }
        by
    }
    let (ma, mb) = (members(a), members(b));
    let (mut p, mut r) = (0.0, 0.0);
    for (k, sa) in a {
        let Some(sb) = b.get(k) else { continue };
        let ca: std::collections::HashSet<&str> = ma[sa.as_str()].iter().copied().collect();
        let cb: std::collections::HashSet<&str> = mb[sb.as_str()].iter().copied().collect();
        let both = ca.intersection(&cb).count() as f64;
        p += both / cb.len() as f64;
        r += both / ca.len() as f64;
    }
    let n = a.len() as f64;
    let (p, r) = (p / n, r / n);
    2.0 * p * r / (p + r)
}

/// Waits (up to 60 s) until a worker has written an analysis; returns how many versions there are.
fn first_analysis_written(schema: &PgSchema) -> i64 {
    let count = |sql: &str| -> i64 { db(schema).query_one(sql, &[]).unwrap().get(0) };
    let until = Instant::now() + Duration::from_secs(60);
    while count("SELECT count(*) FROM articles") == 0 {
        assert!(Instant::now() < until, "the worker never wrote an analysis");
        std::thread::sleep(Duration::from_millis(20));
    }
    count("SELECT count(*) FROM versions")
}

fn worker(data: &Path, url: &str, extra: &[&str]) -> Command {
    let mut c = ww(data);
    c.args(["--database", url, "-q", "worker", "--no-poll", "--threads", "1", "--json"])
        .args(extra);
    c
}

fn queue(data: &Path, url: &str, corpus: &Path) {
    let (out, _, se) =
        run(ww(data).args(["--database", url, "-q", "ingest", "--queue"]).arg(corpus));
    assert!(out.status.success(), "{se}");
}

fn summary(so: &str) -> serde_json::Value {
    serde_json::from_str(so.lines().last().unwrap_or("{}")).unwrap_or_else(|e| panic!("{so}: {e}"))
}

/// Two schemas holding the same queued corpus (`per` variants of each report), the first
/// drained by one worker (its summary returned), the second left for the test.
struct Pair {
    one: PgSchema,
    other: PgSchema,
    alone: serde_json::Value,
    data: std::path::PathBuf,
    _tmp: tempfile::TempDir,
}

fn pair(per: usize) -> Option<Pair> {
    let (Some(one), Some(other)) = (PgSchema::new(), PgSchema::new()) else { return None };
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), per);
    let data = tmp.path().join("unused");
    queue(&data, &one.url(), &corpus);
    queue(&data, &other.url(), &corpus);
    let (out, so, se) = run(&mut worker(&data, &one.url(), &["--once"]));
    assert!(out.status.success(), "{se}");
    Some(Pair { one, other, alone: summary(&so), data, _tmp: tmp })
}

#[test]
fn four_workers_make_the_same_stories_and_findings_as_one() {
    let Some(Pair { one, other: four, alone, data, _tmp }) = pair(10) else { return };
    let children: Vec<Child> = (0..4)
        .map(|_| {
            worker(&data, &four.url(), &["--once"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut analysed = 0;
    let mut busy = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let so = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{so}{}", String::from_utf8_lossy(&out.stderr));
        let n = summary(&so)["analysed"].as_u64().unwrap();
        analysed += n;
        busy += u64::from(n > 0);
    }
    assert_eq!(analysed, alone["analysed"].as_u64().unwrap(), "each version analysed once");
    assert!(busy >= 2, "the work was shared ({busy} workers analysed)");

    let (a, b) = (stories(&one), stories(&four));
    assert_eq!(a.len() as u64, alone["assigned"].as_u64().unwrap());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same articles");
    let f1 = bcubed(&a, &b);
    assert!(f1 >= 0.98, "B-cubed F1 between 1 and 4 workers: {f1}");
    assert_eq!(findings(&one), findings(&four));
    let versions: i64 = db(&four).query_one("SELECT count(*) FROM versions", &[]).unwrap().get(0);
    let analyses: i64 = db(&four).query_one("SELECT count(*) FROM articles", &[]).unwrap().get(0);
    assert_eq!(versions, analyses);
}

#[cfg(unix)]
#[test]
fn a_worker_killed_mid_batch_loses_nothing_and_another_finishes() {
    let Some(Pair { one: clean, other: schema, data, _tmp, .. }) = pair(12) else { return };

    let mut victim = Reaped(
        worker(&data, &schema.url(), &["--lease-secs", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let total = first_analysis_written(&schema);
    let count = |sql: &str| -> i64 { db(&schema).query_one(sql, &[]).unwrap().get(0) };
    // Mid-way: it holds claims on versions it has not written yet.
    let ok = Command::new("kill").args(["-KILL", &victim.0.id().to_string()]).status().unwrap();
    assert!(ok.success());
    victim.0.wait().unwrap();
    let done = count("SELECT count(*) FROM articles");
    assert!(done < total, "killed too late to test anything ({done} of {total})");

    let (out, so, se) = run(&mut worker(&data, &schema.url(), &["--once", "--lease-secs", "2"]));
    assert!(out.status.success(), "{se}");
    assert_eq!(summary(&so)["analysed"].as_i64().unwrap() + done, total, "{so}");
    assert_eq!(count("SELECT count(*) FROM articles"), total, "every version analysed once");
    assert_eq!(count("SELECT count(*) FROM leases WHERE name LIKE 'version:%'"), 0);
    let (a, b) = (stories(&clean), stories(&schema));
    assert_eq!(a.len(), b.len(), "every article in a story");
    let f1 = bcubed(&a, &b);
    assert!(f1 >= 0.98, "B-cubed F1 against an uninterrupted run: {f1}");
}

#[test]
fn two_workers_racing_for_one_feed_poll_it_once() {
    use crate::support::Server;
    let Some(schema) = PgSchema::new() else { return };
    let page = |t: &str| {
        format!(
            "<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{t} said the \
             ferry overturned off Port Aurel on Tuesday.</p></article></body></html>"
        )
        .into_bytes()
    };
    let mut routes = HashMap::new();
    for t in ["Alpha", "Beta", "Gamma"] {
        routes.insert(format!("/{t}.html"), ("text/html".to_string(), page(t)));
    }
    routes.insert(
        "/robots.txt".to_string(),
        ("text/plain".to_string(), b"User-agent: *\nAllow: /\n".to_vec()),
    );
    let server = Server::start(routes.clone());
    let items: String = ["Alpha", "Beta", "Gamma"]
        .iter()
        .map(|t| format!("<item><title>{t}</title><link>{}/{t}.html</link></item>", server.base))
        .collect();
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title>\
         <link>{}/</link>{items}</channel></rss>",
        server.base
    );
    drop(server);
    routes.insert("/feed.xml".to_string(), ("application/rss+xml".to_string(), feed.into_bytes()));
    let server = Server::start(routes);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("unused");
    let url = schema.url();
    let (out, _, se) = run(ww(&data).env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1").args([
        "--database",
        &url,
        "feeds",
        "add",
        &format!("{}/feed.xml", server.base),
    ]));
    assert!(out.status.success(), "{se}");
    let racers: Vec<Child> = (0..2)
        .map(|_| {
            ww(&data)
                .args(["--database", &url, "-q", "worker", "--once", "--json"])
                .env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut polled = 0;
    for c in racers {
        let out = c.wait_with_output().unwrap();
        let so = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{so}{}", String::from_utf8_lossy(&out.stderr));
        polled += summary(&so)["polled"].as_u64().unwrap();
    }
    assert_eq!(polled, 3, "the feed's three articles stored once between the two");
    let hits = server.hits.lock().unwrap().clone();
    let feed_hits = hits.iter().filter(|h| h.as_str() == "/feed.xml").count();
    assert_eq!(feed_hits, 1, "one poll of the feed: {hits:?}");
    for t in ["Alpha", "Beta", "Gamma"] {
        let n = hits.iter().filter(|h| **h == format!("/{t}.html")).count();
        assert!(n <= 1, "{t} fetched twice: {hits:?}");
    }
    assert_eq!(stories(&schema).len(), 3);
}

#[cfg(unix)]
#[test]
fn a_worker_and_a_server_go_on_after_their_connections_are_cut() {
    let Some(schema) = PgSchema::new() else { return };
    go_on_after(schema, |schema| {
        // What a database restart does to its clients: every session of theirs is cut.
        db(schema)
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE application_name = 'wirewatch' AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap();
    });
}

/// The database itself restarted under a running worker and server, with the command in
/// `WIREWATCH_TEST_PG_RESTART`. Ignored by default, as a restart cuts every other test's
/// connections too: `.ci/run` runs it alone after the suite.
#[cfg(unix)]
#[test]
#[ignore = "restarts the test database: run alone, with WIREWATCH_TEST_PG_RESTART (.ci/run does)"]
fn a_worker_and_a_server_go_on_after_the_database_restarts() {
    let Ok(restart) = std::env::var("WIREWATCH_TEST_PG_RESTART") else {
        eprintln!("skipped: WIREWATCH_TEST_PG_RESTART is not set (.ci/run sets it)");
        return;
    };
    let Some(schema) = PgSchema::new() else { return };
    go_on_after(schema, |_| {
        let ok = Command::new("sh").args(["-c", &restart]).status().unwrap();
        assert!(ok.success(), "{restart} failed");
    });
}

/// Starts a server and a worker on a queued corpus, runs `disrupt` once the worker has written
/// something, and checks both go on: every version analysed once and assigned, pages served,
/// both stop cleanly.
#[cfg(unix)]
fn go_on_after(schema: PgSchema, disrupt: impl FnOnce(&PgSchema)) {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 12);
    let data = tmp.path().join("local");
    let url = schema.url();
    queue(&data, &url, &corpus);
    let mut server = Reaped(
        ww(&data)
            .args(["--database", &url, "serve", "--listen", "127.0.0.1:0"])
            .env_remove("WIREWATCH_TOKEN")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(tmp.path().join("serve.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let addr = crate::serve::wait_listening(&mut server.0);
    let mut busy = Reaped(
        worker(&tmp.path().join("w"), &url, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let total = first_analysis_written(&schema);
    disrupt(&schema);
    let count = |sql: &str| -> i64 {
        // The test's own connection may have been cut as well: a new one each time.
        db(&schema).query_one(sql, &[]).unwrap().get(0)
    };
    let until = Instant::now() + Duration::from_secs(120);
    while count("SELECT count(*) FROM story_articles") < total {
        assert!(Instant::now() < until, "the worker did not go on after the disruption");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(count("SELECT count(*) FROM articles"), total);
    let (status, body) = crate::serve::http_get(&addr, "/api/stories");
    assert!(status.contains("200") && body.contains("\"items\""), "{status} {body}");
    let (status, _) = crate::serve::http_get(&addr, "/stories/s1");
    assert!(status.contains("200"), "{status}");
    for (child, name) in [(&mut busy, "worker"), (&mut server, "server")] {
        let exit = crate::serve::terminate(&mut child.0);
        let log = std::fs::read_to_string(tmp.path().join("serve.log")).unwrap_or_default();
        assert!(exit.success(), "{name}: {exit:?}\n{log}");
    }
    let mut line = String::new();
    BufReader::new(busy.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(summary(&line)["analysed"].as_i64(), Some(total), "{line}");
}
