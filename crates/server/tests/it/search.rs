//! Search: `/api/search` and the `/search` page over the tantivy index, with filters, paging,
//! highlighted snippets, errors for bad queries, and escaping of hostile text in snippets.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn api_search_finds_highlights_and_pages() {
    let app = shared_app();
    let (s, v) = send_json(&app, get("/api/search?q=expel")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let total = v["total"].as_u64().unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(total >= 3, "{v}");
    assert!(items.iter().all(|h| h["article"].is_i64()), "{v}");
    assert!(
        items.iter().any(|h| h["snippet_html"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("<b>expel")),
        "no highlighted match: {v}"
    );
    let (_, p1) = send_json(&app, get("/api/search?q=expel&limit=1")).await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 1);
    let next = p1["next"].as_str().unwrap();
    assert_eq!(next, "/api/search?q=expel&limit=1&offset=1");
    let (_, p2) = send_json(&app, get(next)).await;
    assert_ne!(p2["items"][0], p1["items"][0]);
    // Filters narrow the hits.
    let (_, only) = send_json(&app, get("/api/search?q=expel&story=s2")).await;
    assert_eq!(only["total"], 0, "{only}");
    let (_, wire) = send_json(&app, get("/api/search?q=expel&outlet=wire-east.example")).await;
    let hits = wire["items"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["outlet"] == "wire-east.example"), "{wire}");
}

#[tokio::test]
async fn bad_queries_are_bad_requests() {
    let app = shared_app();
    for uri in [
        "/api/search?q=published:[x%20TO%20y]",
        "/api/search?q=x&entity=abc",
        "/api/search?q=x&limit=0",
    ] {
        let (s, v) = send_json(&app, get(uri)).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "bad_request"), "{uri}: {v}");
    }
    // Text as people type it is searched, never refused (these were 400 "Syntax Error").
    for uri in [
        "/api/search?q=Putin%27s",
        "/api/search?q=Putin%27s%20plan",
        "/api/search?q=Breaking:%20expel",
        "/api/search?q=%22expel",
        "/api/search?q=nosuchfield:x",
    ] {
        let (s, v) = send_json(&app, get(uri)).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    }
}

#[tokio::test]
async fn search_page_shows_the_form_and_marked_results() {
    let app = shared_app();
    let (s, _, body) = send(&app, get("/search")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("role=\"search\"") && body.contains("type=\"search\""));
    assert!(body.contains("<label for=\"search-q\">"));
    assert!(!body.contains("id=\"results\""), "no results before a query");
    let (s, _, body) = send(&app, get("/search?q=expel")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("id=\"results\""));
    assert!(body.to_lowercase().contains("<b>expel"), "matches not marked");
    assert!(body.contains("href=\"/articles/"));
    let (s, _, body) = send(&app, get("/search?q=published:[x%20TO%20y]")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("data-code=\"bad_request\""));
}

#[tokio::test]
async fn hostile_text_in_snippets_is_escaped() {
    let app = shared_app();
    let (_, v) = send_json(&app, get("/api/search?q=plan&story=s3")).await;
    assert!(v["total"].as_u64().unwrap() >= 1, "{v}");
    let (_, _, body) = send(&app, get("/search?q=plan&story=s3")).await;
    assert!(body.contains("id=\"results\""), "{body}");
    assert!(!body.contains("<script"), "unescaped script in search results");
    assert!(!body.contains("<img"), "markup in search results");
}
