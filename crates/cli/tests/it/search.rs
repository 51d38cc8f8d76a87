//! Issue 7 (search): ingest keeps the index current; `wirewatch search` finds, filters and
//! highlights; `wirewatch reindex` and a deleted index are rebuilt from the store.

use crate::support::{ingest_json, repo, run, ww};

fn search_json(data: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let (out, so, se) = run(ww(data).arg("search").args(args).arg("--json"));
    assert!(out.status.success(), "search {args:?} failed: {se}");
    serde_json::from_str(&so).unwrap_or_else(|e| panic!("bad JSON {so:?}: {e}"))
}

#[test]
fn ingest_indexes_the_sample_corpus_and_search_finds_the_seed_story() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (_, err, ok) = ingest_json(&data, &[&repo().join("samples")]);
    assert!(ok, "{err}");
    assert!(!err.contains("search index"), "a fresh ingest needs no rebuild: {err}");

    let r = search_json(&data, &["expel"]);
    let hits = r["hits"].as_array().unwrap();
    assert!(r["total"].as_u64().unwrap() >= 3, "{r}");
    let seed = hits
        .iter()
        .find(|h| h["kind"] == "article" && h["title"].as_str().unwrap_or("").contains("recants"))
        .unwrap_or_else(|| panic!("the seed article is found: {r:#}"));
    assert!(seed["snippet_html"].as_str().unwrap().contains("<b>expel</b>"), "{seed}");
    let story = seed["story"].as_str().expect("the indexed entry has its story").to_string();
    // Putin's own words come back as a statement with its speaker.
    let r = search_json(&data, &["expel", "kind:statement", "--story", &story]);
    let putin = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["snippet_html"].as_str().unwrap().contains("We will not <b>expel</b> anyone"))
        .unwrap_or_else(|| panic!("Putin's statement: {r:#}"));
    assert!(putin["speaker"].as_str().unwrap().contains("Putin"), "{putin}");
    assert_eq!(putin["story"], story.as_str());

    // Every hit of a story filter is in that story; a date filter before the events finds none.
    let r = search_json(&data, &["", "--story", &story, "--limit", "100"]);
    assert!(r["hits"].as_array().unwrap().iter().all(|h| h["story"] == story.as_str()), "{r}");
    let r = search_json(&data, &["expel", "--to", "2000-01-01"]);
    assert_eq!(r["total"], 0, "{r}");

    // The table output names the count and marks matches.
    let (out, so, _) = run(ww(&data).args(["search", "expel", "--limit", "2"]));
    assert!(out.status.success());
    assert!(so.lines().next().unwrap().ends_with("matches"), "{so}");
    assert!(so.contains("*expel*") || so.contains("*Expel*"), "{so}");

    // Text as people type it is searched (an apostrophe was a "Syntax Error" before)...
    let r = search_json(&data, &["Lavrov's"]);
    assert!(r["total"].as_u64().is_some(), "{r}");
    let (out, _, se) = run(ww(&data).args(["search", "Putin's plan"]));
    assert!(out.status.success(), "{se}");
    // ...and a malformed range is a clear error, not a crash.
    let (out, _, se) = run(ww(&data).args(["search", "published:[x TO y]"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(se.contains("invalid search") && se.contains("range"), "{se}");
}

#[test]
fn a_deleted_index_is_rebuilt_by_reindex_and_by_the_next_ingest() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let seed = repo().join("samples/seed-article.txt");
    let (_, err, ok) = ingest_json(&data, &[&seed]);
    assert!(ok, "{err}");
    assert_eq!(search_json(&data, &["expel"])["hits"][0]["kind"], "article");

    std::fs::remove_dir_all(data.join("search")).unwrap();
    let (out, _, se) = run(ww(&data).args(["search", "expel"]));
    assert!(out.status.success());
    assert!(se.contains("wirewatch reindex"), "an empty index over a full store says so: {se}");
    let (out, so, se) = run(ww(&data).args(["reindex", "--json"]));
    assert!(out.status.success(), "{se}");
    let report: serde_json::Value = serde_json::from_str(&so).unwrap();
    assert_eq!((report["indexed"].as_u64(), report["total"].as_u64()), (Some(1), Some(1)));
    assert!(search_json(&data, &["expel"])["total"].as_u64().unwrap() >= 1);

    // Damaged: the next ingest (even one that adds nothing) says so and rebuilds it.
    std::fs::write(data.join("search/meta.json"), b"garbage").unwrap();
    let (out, _, se) = run(ww(&data).args(["search", "expel"]));
    assert!(!out.status.success() && se.contains("wirewatch reindex"), "{se}");
    let (s, err, ok) = ingest_json(&data, &[&seed]);
    assert!(ok, "{err}");
    assert_eq!(s["unchanged"], 1);
    assert!(err.contains("search index") && err.contains("rebuilding"), "{err}");
    assert!(search_json(&data, &["expel"])["total"].as_u64().unwrap() >= 1);
}

#[test]
fn a_locked_index_never_stops_an_ingest_and_is_caught_up_later() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // Another process (here: this test) holds the index writer, as a running poll would.
    let (writer, _) = store::search::SearchWriter::open(&data).unwrap();
    let seed = repo().join("samples/seed-article.txt");
    let (s, err, ok) = ingest_json(&data, &[&seed]);
    assert!(ok, "{err}");
    assert_eq!(s["new"], 1);
    assert!(err.contains("being written by another wirewatch process"), "{err}");
    let (out, _, se) = run(ww(&data).arg("reindex"));
    assert!(!out.status.success() && se.contains("another wirewatch process"), "{se}");
    assert_eq!(search_json(&data, &["expel"])["total"], 0);
    drop(writer);
    // The next writer compares the index with the store and indexes what it missed.
    let (_, err, ok) = ingest_json(&data, &[&seed]);
    assert!(ok, "{err}");
    assert!(err.contains("brought up to date") && err.contains("1 documents indexed"), "{err}");
    assert!(search_json(&data, &["expel"])["total"].as_u64().unwrap() >= 1);
}
