//! Ingest from each kind of source, then stats and re-ingest (issue 2's "done when").

use std::collections::HashMap;

use crate::support::{Server, ingest_json, repo, run, ww};

#[test]
fn seed_article_then_reingest_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let seed = repo().join("samples/seed-article.txt");
    let (s, _, ok) = ingest_json(&data, &[&seed]);
    assert!(ok);
    assert_eq!((s["new"].as_u64(), s["failed"].as_u64()), (Some(1), Some(0)));
    let (s, _, ok) = ingest_json(&data, &[&seed]);
    assert!(ok);
    assert_eq!((s["new"].as_u64(), s["unchanged"].as_u64()), (Some(0), Some(1)));
}

#[test]
fn sample_directory_html_text_jsonl_and_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let samples = repo().join("samples");
    let (first, err, ok) = ingest_json(&data, &[&samples]);
    assert!(ok, "{err}");
    assert!(first["new"].as_u64().unwrap() >= 10, "{first}");
    // The corrected page shares its canonical URL with the original: a second version.
    assert!(first["new_versions"].as_u64().unwrap() >= 1, "{first}");
    let (again, _, ok) = ingest_json(&data, &[&samples]);
    assert!(ok);
    assert_eq!(again["new"].as_u64(), Some(0), "{again}");
    assert_eq!(again["new_versions"].as_u64(), Some(0), "{again}");
    let (out, so, _) = run(ww(&data).args(["stats", "--json"]));
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert!(stats["documents"].as_u64().unwrap() >= 10);
    assert!(stats["versions"].as_u64().unwrap() > stats["documents"].as_u64().unwrap());
}

#[test]
fn warc_file_ingests_html_records() {
    let warcs: Vec<_> = std::fs::read_dir(repo().join("test_data/ingest"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            (n.ends_with(".warc") || n.ends_with(".warc.gz")) && !n.contains("trunc")
        })
        .collect();
    assert!(!warcs.is_empty(), "a WARC fixture is expected in test_data/ingest");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (s, err, ok) = ingest_json(&data, &[&warcs[0]]);
    assert!(ok, "{err}");
    assert!(s["new"].as_u64().unwrap() >= 1, "{s}");
}

#[test]
fn bad_inputs_are_named_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let jsonl = tmp.path().join("mixed.jsonl");
    std::fs::write(
        &jsonl,
        "{\"url\":\"https://a.example/1\",\"text\":\"First report.\"}\nnot json at all\n{\"url\":\"https://a.example/2\",\"text\":\"Second report.\"}\n",
    )
    .unwrap();
    let missing = tmp.path().join("nope.html");
    let (s, err, ok) = ingest_json(&data, &[&jsonl, &missing]);
    assert!(!ok, "a failed input must make the exit status non-zero");
    assert_eq!(s["new"].as_u64(), Some(2), "{s}");
    assert_eq!(s["failed"].as_u64(), Some(2), "{s}");
    assert!(err.contains("mixed.jsonl:2"), "the bad line is named: {err}");
    assert!(err.contains("nope.html"), "the missing file is named: {err}");
}

#[test]
fn stdin_is_read() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut child = ww(&data)
        .args(["-q", "ingest", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"<html><head><title>T</title></head><body><p>Hello from stdin.</p></body></html>",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["new"].as_u64(), Some(1));
}

#[test]
fn local_feed_is_polled_and_stored() {
    let page = |t: &str| {
        format!("<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{t} body text of the report.</p></article></body></html>")
            .into_bytes()
    };
    // The feed's links must point at the server itself, so build the routes after binding.
    let mut routes = HashMap::new();
    routes.insert("/a.html".to_string(), ("text/html".to_string(), page("Alpha")));
    routes.insert("/b.html".to_string(), ("text/html".to_string(), page("Beta")));
    routes.insert(
        "/robots.txt".to_string(),
        ("text/plain".to_string(), b"User-agent: *\nAllow: /\n".to_vec()),
    );
    let placeholder = Server::start(HashMap::new());
    drop(placeholder);
    let server = Server::start(routes.clone());
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title><link>{b}/</link>\
         <item><title>Alpha</title><link>{b}/a.html</link><pubDate>Fri, 30 Dec 2016 10:00:00 GMT</pubDate></item>\
         <item><title>Beta</title><link>{b}/b.html</link></item></channel></rss>",
        b = server.base
    );
    routes.insert("/feed.xml".to_string(), ("application/rss+xml".to_string(), feed.into_bytes()));
    let server = Server::start(routes);
    let feed_url = format!("{}/feed.xml", server.base);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The test server is on loopback: refused when added, as it would be when polled...
    let (out, so, se) = run(ww(&data).args(["feeds", "add", &feed_url]));
    assert_eq!(out.status.code(), Some(1), "{so}{se}");
    assert!(se.contains("refused") && se.contains("127.0.0.1 is a loopback address"), "{se}");
    assert!(so.contains("0 added"), "{so}");
    // ...unless private addresses are allowed (tests, intranets).
    let (out, _, se) = run(ww(&data)
        .env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1")
        .args(["feeds", "add", &feed_url]));
    assert!(out.status.success(), "{se}");
    let (out, so, se) = run(ww(&data)
        .env("WIREWATCH_ALLOW_PRIVATE_ADDRESSES", "1")
        .args(["-q", "poll", "--once", "--json"]));
    assert!(out.status.success(), "{so}\n{se}");
    let s: serde_json::Value = serde_json::from_str(so.lines().last().unwrap()).unwrap();
    assert_eq!(s["new"].as_u64(), Some(2), "{s} {se}");
    let (_, so, _) = run(ww(&data).args(["feeds", "list", "--json"]));
    let feeds: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(feeds[0]["state"], "ok", "{feeds}");
    let (_, so, _) = run(ww(&data).args(["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(stats["documents"].as_u64(), Some(2));
    // Poll indexed what it stored: the page's text is searchable, its own page only.
    let (out, so, se) = run(ww(&data).args(["search", "alpha", "--json"]));
    assert!(out.status.success(), "{se}");
    let r: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(r["total"], 1, "{r}");
    assert!(r["hits"][0]["document"].as_str().unwrap().ends_with("/a.html"), "{r}");
}

#[test]
fn private_addresses_are_refused_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(HashMap::new());
    let url = format!("{}/x.html", server.base);
    let (out, _, se) = run(ww(&data).args(["-q", "ingest", &url]));
    assert!(!out.status.success());
    assert!(se.contains(&url) || se.contains("127.0.0.1"), "{se}");
    assert!(server.hits.lock().unwrap().is_empty(), "no request may reach a loopback host");
}

#[test]
fn config_example_is_accepted_and_typos_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let example = repo().join("config.example.toml");
    let (out, _, se) = run(ww(&data).arg("--config").arg(&example).arg("stats"));
    assert!(out.status.success(), "{se}");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[http]\nuser_agnet = \"x\"\n").unwrap();
    let (out, _, se) = run(ww(&data).arg("--config").arg(&bad).arg("stats"));
    assert!(!out.status.success());
    assert!(se.contains("bad.toml") && se.contains("user_agnet"), "{se}");
}

/// Issue 4: the stored seed article has its entities and statements; "Barrack Obama" is an alias
/// of Barack Obama; Lavrov's declaration is relayed via TASS; a user's split holds.
#[test]
fn seed_entities_statements_and_alias_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let seed = repo().join("samples/seed-article.txt");
    let (_, _, ok) = ingest_json(&data, &[&seed]);
    assert!(ok);
    let (_, so, _) = run(ww(&data).args(["entities", "obama", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let (_, so, _) = run(ww(&data).args(["entity", &id, "--json"]));
    let obama: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!(obama["name"], "Barack Obama");
    let aliases: Vec<&str> = obama["alias_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alias"].as_str().unwrap())
        .collect();
    assert!(aliases.contains(&"Barrack Obama"), "{aliases:?}");
    assert!(obama["statement_list"].as_array().unwrap().len() >= 3, "{obama}");

    let (_, so, _) = run(ww(&data).args(["entities", "lavrov", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&so).unwrap();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let (_, so, _) = run(ww(&data).args(["entity", &id, "--json"]));
    let lavrov: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert!(
        lavrov["statement_list"].as_array().unwrap().iter().any(|s| s["via"] == "TASS"),
        "{lavrov}"
    );

    let (out, _, se) = run(ww(&data).args(["alias", "split", "Barrack Obama"]));
    assert!(out.status.success(), "{se}");
    let (_, so, _) = run(ww(&data).args(["entities", "barrack", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert!(list.as_array().unwrap().iter().any(|e| e["name"] == "Barrack Obama"), "{list}");
}

/// Issue 5: ingest assigns stories and copies; `stories` and `story` show them; re-ingesting
/// assigns nothing twice.
#[test]
fn ingest_assigns_stories_and_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let pages = repo().join("samples/pages");
    let (_, _, ok) = ingest_json(&data, &[&pages]);
    assert!(ok);
    let (_, so, _) = run(ww(&data).args(["stories", "--json"]));
    let stories: serde_json::Value = serde_json::from_str(&so).unwrap();
    let stories = stories.as_array().unwrap();
    assert!(stories.len() >= 3, "{stories:?}");
    let total: u64 = stories.iter().map(|s| s["articles"].as_u64().unwrap()).sum();
    let (_, so, _) = run(ww(&data).args(["stats", "--json"]));
    let docs =
        serde_json::from_str::<serde_json::Value>(&so).unwrap()["documents"].as_u64().unwrap();
    assert_eq!(total, docs, "every document is in exactly one story");
    // The two syndicated copies of the Wire East report are recognised as copies.
    let with_copies = stories.iter().find(|s| s["copies"].as_u64().unwrap() >= 2).expect("copies");
    let id = with_copies["id"].as_str().unwrap();
    let (out, so, _) = run(ww(&data).args(["story", id, "--json"]));
    assert!(out.status.success());
    let story: serde_json::Value = serde_json::from_str(&so).unwrap();
    let copies: Vec<&serde_json::Value> = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["duplicate_of"].is_string())
        .collect();
    assert_eq!(copies.len(), 2, "{story}");
    assert!(copies.iter().all(|c| c["duplicate_of"].as_str().unwrap().contains("wire-east")));
    let (_, _, ok) = ingest_json(&data, &[&pages]);
    assert!(ok);
    let (_, so, _) = run(ww(&data).args(["stories", "--json"]));
    let again: serde_json::Value = serde_json::from_str(&so).unwrap();
    let total2: u64 =
        again.as_array().unwrap().iter().map(|s| s["articles"].as_u64().unwrap()).sum();
    assert_eq!(total2, docs);
    let (out, _, se) = run(ww(&data).args(["story", "s999"]));
    assert!(!out.status.success() && se.contains("s999"));
}

/// Issue 6: from the CLI on the sample corpus, exactly the expected findings, stored, each with
/// both pieces of evidence, and a timeline for every story.
#[test]
fn story_changes_on_the_sample_corpus() {
    // Issue 6's golden test: ingested together, the sample corpus yields exactly the findings
    // samples/README.md lists, each in its own story and with both pieces of evidence.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let samples = repo().join("samples");
    let (_, _, ok) = ingest_json(&data, &[&samples]);
    assert!(ok);
    let (_, so, _) = run(ww(&data).args(["stories", "--json", "--limit", "100"]));
    let stories: serde_json::Value = serde_json::from_str(&so).unwrap();
    let mut found = Vec::new();
    for s in stories.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let (out, so, se) = run(ww(&data).args(["story", id, "--changes", "--timeline", "--json"]));
        assert!(out.status.success(), "{se}");
        let v: serde_json::Value = serde_json::from_str(&so).unwrap();
        assert!(!v["timeline"].as_array().unwrap().is_empty(), "story {id} has a timeline");
        for f in v["findings"].as_array().unwrap() {
            let ev = |k: &str| {
                format!(
                    "{} [{}] {}",
                    f[k]["outlet"].as_str().unwrap_or("?"),
                    f[k]["article"].as_str().unwrap(),
                    f[k]["text"].as_str().unwrap()
                )
            };
            found.push((
                f["kind"].as_str().unwrap().to_string(),
                id.to_string(),
                ev("first"),
                ev("second"),
            ));
        }
    }
    found.sort();
    let show = format!("{found:#?}");
    let kinds: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "contradiction",
            "contradiction",
            "contradiction",
            "correction",
            "overstatement",
            "reversal",
            "reversal",
            "reversal"
        ],
        "{show}"
    );
    let has = |kind: &str, first: &str, second: &str| {
        found.iter().any(|f| f.0 == kind && f.2.contains(first) && f.3.contains(second))
    };
    // 1. Putin's refusal reverses the Foreign Ministry's proposal (Wire East or a copy).
    assert!(has("reversal", "expel", "We will not expel anyone"), "{show}");
    // 2. The seed states as done what the Lavrov statement it quotes only proposes.
    assert!(has("overstatement", "", "had equally expelled 35"), "{show}");
    // 4. The ferry's revised toll, 5. Norvale's denial, 6. the Keller correction.
    assert!(has("contradiction", "12", "27"), "{show}");
    assert!(has("contradiction", "2,000 jobs", "2,000 jobs"), "{show}");
    assert!(has("correction", "€340 million", "€430 million"), "{show}");
    // 7-9 (issue 13): two walk-backs and a denial that use no negation word.
    assert!(has("reversal", "will impose sanctions", "merely under consideration"), "{show}");
    assert!(has("reversal", "will close its maintenance base", "has shelved its plan"), "{show}");
    assert!(has("contradiction", "sell its fleet", "pure speculation"), "{show}");
    // Each in a different story.
    let mut ids: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7, "reversal and overstatement share the Russia–US story: {show}");
}

/// `wirewatch cluster` (issue 5): lines are held until their stories are final but come out in
/// input order, one per valid input; a bad line is named and skipped.
#[test]
fn cluster_prints_final_lines_in_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    let quake = "A strong earthquake struck Aceh province on Tuesday, killing 22 people in Bener \
                 Meriah, officials said. Rescuers dug through landslides near Takengon.";
    let lines = [
        serde_json::json!({"id": "a", "title": "Quake kills 22 in Aceh", "text": quake}),
        serde_json::json!({"id": 7, "title": "Central bank raises rates", "text": "The central \
            bank raised its benchmark rate by half a point on Thursday to curb inflation."}),
        serde_json::json!({"id": "c", "title": "Aceh quake toll rises", "text": quake}),
    ];
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.insert_str(0, "{not json\n");
    std::fs::write(&input, text).unwrap();
    let (out, so, se) = run(ww(&tmp.path().join("unused")).arg("cluster").arg(&input));
    assert!(!out.status.success(), "a bad line fails the run");
    assert!(se.contains("in.jsonl:1"), "{se}");
    let got: Vec<serde_json::Value> =
        so.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&serde_json::Value> = got.iter().map(|v| &v["id"]).collect();
    assert_eq!(ids, [&serde_json::json!("a"), &serde_json::json!(7), &serde_json::json!("c")]);
    assert_eq!(got[2]["cluster"], got[0]["cluster"]);
    assert_eq!(got[2]["duplicate_of"], "a");
    assert_ne!(got[1]["cluster"], got[0]["cluster"]);
}
