//! The feed conformance suite: `test_data/feeds/NAME.xml` (or `.json`), one behaviour each, with
//! `NAME.expect.json` saying where the feed came from (URL after redirects, `Content-Type`,
//! `Content-Location`) and what must come out: the feed's title, item fields (only those given
//! are compared; `"url": null` means an entry kept without a page), the number of items, the
//! diagnostic codes raised, or a phrase of the error. Modelled on feedparser's and feed-rs's own
//! suites: small hand-written feeds, one assertion each, run in one test that reports every
//! failure and the pass count.

use std::path::PathBuf;

use ingest::feeds::{FeedItem, FeedSource, parse_feed_from};
use serde_json::Value;

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/feeds")
}

/// Compares one expected item (an object of the fields that matter) with a parsed item.
fn item_matches(want: &Value, got: &FeedItem) -> Result<(), String> {
    let fields = want.as_object().ok_or("an expected item must be an object")?;
    for (k, v) in fields {
        let actual: Option<String> = match k.as_str() {
            "url" => got.url.clone(),
            "title" => got.title.clone(),
            "summary" => got.summary.clone(),
            "content" => got.content.clone(),
            "id" => got.id.clone(),
            "published" => {
                got.published.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            }
            other => return Err(format!("unknown expected field {other:?}")),
        };
        let expected = v.as_str().map(str::to_string);
        if actual != expected {
            return Err(format!("{k}: expected {expected:?}, got {actual:?}"));
        }
    }
    Ok(())
}

fn check(name: &str, spec: &Value, bytes: &[u8]) -> Result<(), String> {
    let source = FeedSource {
        url: spec["url"].as_str(),
        content_type: spec["content_type"].as_str(),
        content_location: spec["content_location"].as_str(),
    };
    let expect = &spec["expect"];
    let parsed = parse_feed_from(bytes, &source);
    if let Some(phrase) = expect["error"].as_str() {
        return match parsed {
            Err(e) if e.to_string().contains(phrase) => Ok(()),
            Err(e) => Err(format!("error {e:?} does not say {phrase:?}")),
            Ok(f) => {
                Err(format!("expected an error saying {phrase:?}, parsed {} items", f.items.len()))
            }
        };
    }
    let feed = parsed.map_err(|e| format!("{name}: {e}"))?;
    if let Some(t) = expect.get("title")
        && feed.title.as_deref() != t.as_str()
    {
        return Err(format!("feed title: expected {t}, got {:?}", feed.title));
    }
    if let Some(n) = expect["count"].as_u64()
        && feed.items.len() as u64 != n
    {
        return Err(format!("expected {n} items, got {}: {:?}", feed.items.len(), feed.items));
    }
    if let Some(items) = expect["items"].as_array() {
        for (i, want) in items.iter().enumerate() {
            let got = feed.items.get(i).ok_or_else(|| format!("no item {i}: {:?}", feed.items))?;
            item_matches(want, got).map_err(|e| format!("item {i}: {e}"))?;
        }
    }
    if let Some(codes) = expect["diagnostics"].as_array() {
        for c in codes.iter().filter_map(Value::as_str) {
            if !feed.diagnostics.iter().any(|d| d.code == c) {
                return Err(format!("no {c:?} diagnostic in {:?}", feed.diagnostics));
            }
        }
    }
    Ok(())
}

#[test]
fn feed_conformance_suite() {
    let mut names: Vec<String> = std::fs::read_dir(suite_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".expect.json").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 40, "the suite is missing: {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let spec: Value = serde_json::from_slice(
            &std::fs::read(suite_dir().join(format!("{name}.expect.json"))).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}.expect.json: {e}"));
        let data = ["xml", "json"]
            .iter()
            .map(|ext| suite_dir().join(format!("{name}.{ext}")))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{name}: no .xml or .json feed"));
        if let Err(e) = check(name, &spec, &std::fs::read(data).unwrap()) {
            failures.push(format!("{name} ({}): {e}", spec["description"].as_str().unwrap_or("")));
        }
    }
    eprintln!("feed conformance: {} of {} pass", names.len() - failures.len(), names.len());
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}
