//! Golden tests of `analyze::extract` over `test_data/extract/`, plus robustness on hostile
//! input (deep nesting, huge pages, binary garbage, empty input).

use std::fmt::Write as _;
use std::path::PathBuf;

use analyze::extract::{Article, ExtractOptions, extract_html, extract_text};
use chrono::{DateTime, Utc};
use model::Diagnostic;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/extract")
}

/// A fixed fetch time, so "never in the future" checks are deterministic.
fn fetched_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").unwrap().with_timezone(&Utc)
}

/// Renders an extraction result as a readable snapshot: metadata, blocks, diagnostics.
fn render(article: &Article, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut meta = serde_json::to_value(article).unwrap();
    let obj = meta.as_object_mut().unwrap();
    obj.remove("paragraphs");
    obj.remove("body");
    writeln!(out, "{}", serde_json::to_string_pretty(&meta).unwrap()).unwrap();
    writeln!(out, "--- blocks").unwrap();
    for b in &article.paragraphs {
        let kind = serde_json::to_value(b.kind).unwrap();
        writeln!(out, "[{}] {}", kind.as_str().unwrap(), b.text).unwrap();
    }
    writeln!(out, "--- diagnostics").unwrap();
    for d in diags {
        writeln!(out, "{d}").unwrap();
    }
    out
}

/// Extracts `test_data/extract/<case>` (HTML or text by extension) and compares with the
/// snapshot named after the case.
fn check(case: &str, url: Option<&str>) {
    let path = data_dir().join(case);
    let input = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let opts = ExtractOptions {
        url: url.map(str::to_string),
        fetched_at: Some(fetched_at()),
        ..ExtractOptions::default()
    };
    let (article, diags) = if case.ends_with(".txt") {
        extract_text(&input, &opts)
    } else {
        extract_html(&input, &opts)
    };
    // The body is the blocks joined by blank lines, captions excepted: checked here once.
    let joined: Vec<&str> = article
        .paragraphs
        .iter()
        .filter(|b| b.kind != analyze::extract::BlockKind::Caption)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(article.body, joined.join("\n\n"));
    insta::assert_snapshot!(case.replace('.', "_"), render(&article, &diags));
}

#[test]
fn seed_article_text() {
    check("seed-article.txt", None);
}

#[test]
fn news_page_with_json_ld() {
    check(
        "news-jsonld.html",
        Some(
            "https://www.estuary-gazette.example/transport/2024/03/05/harbour-bridge-to-close?utm_source=rss",
        ),
    );
}

#[test]
fn wordpress_blog_with_opengraph() {
    check("blog-opengraph.html", None);
}

#[test]
fn legacy_table_layout() {
    check("legacy-table.html", Some("http://countynews.example/news/2009/06/17/flood.html"));
}

#[test]
fn dates_in_related_boxes_and_the_future() {
    check("related-dates.html", Some("https://courrier-plateau.example/culture/mediatheque"));
}

fn codes(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn empty_input() {
    let (a, d) = extract_html("", &ExtractOptions::default());
    assert!(a.body.is_empty() && a.title.is_none());
    assert!(codes(&d).contains(&"no_body"));
    let (a, d) = extract_text("", &ExtractOptions::default());
    assert!(a.body.is_empty());
    assert!(codes(&d).contains(&"no_body"));
}

#[test]
fn deeply_nested_document() {
    let n = 100_000;
    let mut html = String::with_capacity(n * 11 + 100);
    html.push_str("<html><body>");
    for _ in 0..n {
        html.push_str("<div><span>");
    }
    html.push_str(
        "<p>A paragraph buried very deep, long enough to count as real article text.</p>",
    );
    let (a, _) = extract_html(&html, &ExtractOptions::default());
    assert!(a.body.contains("buried very deep"), "{:?}", a.body);
    // Unclosed inline formatting elements nest too.
    let html = "<b><i>".repeat(50_000) + "text";
    let _ = extract_html(&html, &ExtractOptions::default());
}

#[test]
fn huge_page_is_cut_at_the_cap() {
    let para =
        "<p>Reporters say the meeting ran late into the night, and that nothing was agreed.</p>\n";
    let mut html = String::from("<html><body><article>");
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(para);
    }
    let opts = ExtractOptions { max_input_bytes: 8 * 1024 * 1024, ..ExtractOptions::default() };
    let (a, d) = extract_html(&html, &opts);
    assert!(codes(&d).contains(&"truncated_input"));
    assert!(!a.body.is_empty());
    assert!(a.body.len() < 8 * 1024 * 1024);
    // Cut at a tag boundary: the last block is a whole sentence.
    assert!(a.paragraphs.last().unwrap().text.ends_with("agreed."));
    // Text is cut at a line boundary.
    let text = "A line of a long report that goes on.\n".repeat(300_000);
    let (a, d) = extract_text(&text, &opts);
    assert!(codes(&d).contains(&"truncated_input"));
    assert!(a.paragraphs.last().unwrap().text.ends_with("goes on."));
}

#[test]
fn binary_garbage() {
    // A deterministic pseudo-random byte stream, decoded lossily as ingest would.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let s = String::from_utf8_lossy(&bytes);
    let _ = extract_html(&s, &ExtractOptions::default());
    let _ = extract_text(&s, &ExtractOptions::default());
    // Markup-shaped garbage: unbalanced tags, broken comments and scripts, stray entities.
    let pieces = [
        "<div",
        "<p>",
        "</p",
        "<!--",
        "-->",
        "<script>",
        "</script",
        "<style a='>",
        "&#x",
        "<svg><",
        "\u{0}",
        "<table><td>",
        "é",
        "<a href=\"//",
        "</",
        ">",
        "\"",
        "'",
    ];
    let mut s = String::new();
    for i in 0..20_000usize {
        s.push_str(pieces[(i * 7919 + i / 3) % pieces.len()]);
    }
    let _ = extract_html(&s, &ExtractOptions::default());
    let _ = extract_text(&s, &ExtractOptions::default());
}

#[test]
fn cap_smaller_than_input_everywhere() {
    // Every cap from 0 to the length: never a panic, never a broken char boundary.
    let html = "<p>Café “quoted” 東京 text</p><p>more</p>";
    for cap in 0..=html.len() {
        let opts = ExtractOptions { max_input_bytes: cap, ..ExtractOptions::default() };
        let _ = extract_html(html, &opts);
        let _ = extract_text(html, &opts);
    }
}
