//! The JSON API: every page's data, pagination with `next` links, errors with stable codes, the
//! OpenAPI document matching the router, and the writes (feeds, aliases).

use axum::http::{StatusCode, header};
use http_body_util::BodyExt;
use store::prelude::*;
use tower::ServiceExt;

use crate::support::*;

#[tokio::test]
async fn stories_are_paginated_with_next_links() {
    let app = shared_app();
    let (s, first) = send_json(&app, get("/api/stories?limit=2")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = first["next"].as_str().expect("a next link");
    assert_eq!(next, "/api/stories?limit=2&offset=2");
    let (_, second) = send_json(&app, get(next)).await;
    let items = second["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(second["next"].is_null());
    let mut ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(items)
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["s1", "s2", "s3"]);

    let (_, breaking) = send_json(&app, get("/api/stories?breaking=true")).await;
    assert!(breaking["items"].as_array().unwrap().is_empty(), "{breaking}");
}

#[tokio::test]
async fn bad_parameters_are_bad_requests() {
    let app = shared_app();
    for uri in [
        "/api/stories?limit=0",
        "/api/stories?limit=abc",
        "/api/stories?since=yesterday",
        "/api/entities/notanumber",
        "/api/stories?limit=1000",
    ] {
        let (s, v) = send_json(&app, get(uri)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(code(&v), "bad_request", "{uri}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
    let (s, v) = send_json(&app, get("/api/stories/s999")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, v) = send_json(&app, get("/api/nothing/here")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn story_has_articles_outlets_speakers_and_findings() {
    let app = shared_app();
    let (s, v) = send_json(&app, get("/api/stories/s1")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["articles"].as_array().unwrap().len(), 5);
    let copy = v["articles"].as_array().unwrap().iter().find(|a| !a["copy_of"].is_null()).unwrap();
    assert!(copy["copy_of_id"].is_i64(), "{copy}");
    assert!(v["first_report"]["outlet"].is_string());
    let outlets = v["outlets"].as_array().unwrap();
    assert_eq!(outlets.iter().filter(|o| o["first_report"] == true).count(), 1);
    let harbour = outlets.iter().find(|o| o["outlet"] == "harbourtimes.example").unwrap();
    assert_eq!(harbour["copies"], 1);
    // Who said what: statements relayed through TASS are grouped under their speaker.
    let speakers = v["speakers"].as_array().unwrap();
    assert!(!speakers.is_empty());
    let relayed: Vec<_> = speakers
        .iter()
        .flat_map(|g| g["statements"].as_array().unwrap())
        .filter(|c| c["via"].as_array().unwrap().iter().any(|v| v == "TASS"))
        .collect();
    assert!(!relayed.is_empty(), "no statement via TASS in {speakers:?}");
    // A statement the copy carries too is listed once, with both outlets.
    assert!(
        speakers.iter().flat_map(|g| g["statements"].as_array().unwrap()).any(|c| c["outlets"]
            .as_array()
            .unwrap()
            .len()
            >= 2),
        "no statement carried by two outlets"
    );
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "no findings in the Russia–US story");
    for f in findings {
        assert!(!f["first"]["text"].as_str().unwrap().is_empty());
        assert!(!f["second"]["text"].as_str().unwrap().is_empty());
        assert!(f["first_article"].is_i64() && f["second_article"].is_i64(), "{f}");
    }
    let kinds: Vec<&str> = findings.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    let timeline = v["timeline"].as_array().unwrap();
    assert!(!timeline.is_empty(), "no timeline");
    assert!(
        timeline.iter().any(|e| !e["copied_by"].as_array().unwrap().is_empty()),
        "the copy is not in the timeline"
    );
    assert!(kinds.iter().any(|k| *k == "reversal" || *k == "overstatement"), "{kinds:?}");
}

#[tokio::test]
async fn recent_findings_are_listed_with_evidence() {
    let app = shared_app();
    let (s, all) = send_json(&app, get("/api/findings?limit=100")).await;
    assert_eq!(s, StatusCode::OK);
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{all}");
    assert!(items.iter().all(|f| f["first"]["text"].is_string() && f["story_label"].is_string()));
    let (_, one) = send_json(&app, get("/api/findings?limit=1&offset=1")).await;
    assert_eq!(one["items"][0]["id"], items[1]["id"]);
    assert!(one["items"][0]["first_article"].is_i64());
}

#[tokio::test]
async fn article_versions_and_diff() {
    let app = shared_app();
    let (_, story) = send_json(&app, get("/api/stories/s2")).await;
    let id = story["articles"][0]["id"].as_i64().unwrap();
    assert_eq!(story["articles"][0]["versions"], 2);
    let (s, v) = send_json(&app, get(&format!("/api/articles/{id}"))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["version"], 2);
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    let diff = v["diff"].as_array().unwrap();
    let ins: String =
        diff.iter().filter(|d| d["op"] == "insert").map(|d| d["text"].as_str().unwrap()).collect();
    let del: String =
        diff.iter().filter(|d| d["op"] == "delete").map(|d| d["text"].as_str().unwrap()).collect();
    assert!(ins.contains("430"), "inserted: {ins}");
    assert!(del.contains("340"), "deleted: {del}");
    assert_eq!(v["story"]["id"], "s2");
    let (_, v1) = send_json(&app, get(&format!("/api/articles/{id}?version=1"))).await;
    assert!(v1["diff"].is_null());
    assert!(v1["body"].as_str().unwrap().contains("340"));
    let (s, e) = send_json(&app, get(&format!("/api/articles/{id}?version=9"))).await;
    assert_eq!((s, code(&e)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn entities_list_and_detail() {
    let app = shared_app();
    let (s, list) = send_json(&app, get("/api/entities?q=putin&limit=5")).await;
    assert_eq!(s, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{list}");
    if let Some(next) = list["next"].as_str() {
        assert!(next.starts_with("/api/entities?q=putin&limit=5&offset=5"), "{next}");
    }
    let id = items[0]["id"].as_i64().unwrap();
    let (s, e) = send_json(&app, get(&format!("/api/entities/{id}"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(e["name"].as_str().unwrap().contains("Putin"), "{e}");
    assert!(!e["alias_list"].as_array().unwrap().is_empty());
    let st = e["statements"].as_array().unwrap();
    assert!(!st.is_empty(), "Putin's statements: {e}");
    assert!(st.iter().all(|s| s["article"].is_i64() && s["story"] == "s1"), "{st:?}");
    // Statements are paged, oldest first.
    if st.len() >= 2 {
        let (_, p1) = send_json(&app, get(&format!("/api/entities/{id}?limit=1"))).await;
        assert_eq!(p1["statements"].as_array().unwrap().len(), 1);
        let next = p1["next"].as_str().unwrap();
        assert_eq!(next, format!("/api/entities/{id}?limit=1&offset=1"));
        let (_, p2) = send_json(&app, get(next)).await;
        assert_eq!(p2["statements"][0]["text"], st[1]["text"]);
    }
}

#[tokio::test]
async fn openapi_document_matches_the_router() {
    let app = shared_app();
    let (s, doc) = send_json(&app, get("/api/openapi.json")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    // The document lists exactly the routes the router is built from.
    let mut listed: Vec<(String, String)> =
        server::routes::API.iter().map(|r| (r.path.to_string(), r.method.to_string())).collect();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(p, ops)| ops.as_object().unwrap().keys().map(move |m| (p.clone(), m.clone())))
        .collect();
    listed.sort();
    documented.sort();
    assert_eq!(listed, documented);
    // And the router (live alerts merged) answers every documented operation, and only those
    // methods. Bodies are read only from errors: `/api/events` streams forever.
    let app = shared_app_with_live();
    for (path, ops) in paths {
        let concrete =
            path.replace("{id}", if path.starts_with("/api/stories") { "s1" } else { "1" });
        for method in ["get", "post", "delete", "put", "patch"] {
            let req = json_req(&method.to_uppercase(), &concrete, Some(TOKEN), "{}");
            let resp = app.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let body =
                if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
                    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                    String::from_utf8_lossy(&bytes).to_string()
                } else {
                    String::new()
                };
            if ops.get(method).is_some() {
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {body}");
                assert!(!body.contains("no route"), "{method} {path} is documented but not routed");
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {body}");
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(code(&v), "method_not_allowed");
            }
        }
        // Path parameters are documented for every placeholder.
        for (m, op) in ops.as_object().unwrap() {
            let names: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let placeholders = path.matches('{').count();
            assert_eq!(names.len(), placeholders, "{m} {path}");
            assert!(names.iter().all(|n| path.contains(&format!("{{{n}}}"))), "{m} {path}");
        }
    }
}

#[tokio::test]
async fn feeds_are_added_listed_and_removed_with_the_token() {
    let (_dir, app) = fresh_app(config());
    let body = r#"{"urls": ["https://feeds.example.org/rss?utm_source=x", "not a url"],
                   "opml": "<opml version=\"2.0\"><body><outline text=\"A\" xmlUrl=\"https://a.example/feed\"/></body></opml>"}"#;
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", None, body)).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, v) =
        send_json(&app, json_req("POST", "/api/feeds", Some("wrong-token-wrong-token"), body))
            .await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["added"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["failed"][0]["input"], "not a url");
    let (_, again) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), body)).await;
    assert_eq!(again["known"].as_array().unwrap().len(), 2);

    let (_, list) = send_json(&app, get("/api/feeds?limit=1")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["state"], "new");
    assert_eq!(list["next"], "/api/feeds?limit=1&offset=1");

    let del = "/api/feeds?url=https%3A%2F%2Ffeeds.example.org%2Frss";
    let (s, _) = send_json(&app, json_req("DELETE", del, None, "")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = send_json(&app, json_req("DELETE", del, Some(TOKEN), "")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = send_json(&app, json_req("DELETE", del, Some(TOKEN), "")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), "{\"url\": 3")).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "bad_request"));
}

#[tokio::test]
async fn feeds_the_ssrf_guard_would_refuse_are_refused_when_added() {
    let (_dir, app) = fresh_app(config());
    let body = r#"{"urls": ["http://127.0.0.1:8080/feed", "http://169.254.169.254/latest/meta-data/",
                            "http://localhost/rss", "http://[::1]/rss", "https://feeds.example.org/rss"]}"#;
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["added"], serde_json::json!(["https://feeds.example.org/rss"]), "{v}");
    let failed = v["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 4, "{v}");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("127.0.0.1 is a loopback address"),
        "{v}"
    );
    assert!(failed[1]["error"].as_str().unwrap().contains("link-local"), "{v}");
    let (_, list) = send_json(&app, get("/api/feeds")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    // The configured exception (a test or intranet server) still subscribes.
    let mut cfg = config();
    cfg.http.allowed_private_hosts = vec!["127.0.0.1".into()];
    let (_dir, app) = fresh_app(cfg);
    let body = r#"{"url": "http://127.0.0.1:8080/feed"}"#;
    let (_, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), body)).await;
    assert_eq!(v["added"].as_array().unwrap().len(), 1, "{v}");
}

#[tokio::test]
async fn aliases_are_merged_and_split_with_the_token() {
    let (_dir, app) = fresh_app(config());
    let (_, list) = send_json(&app, get("/api/entities?q=obama")).await;
    let items = list["items"].as_array().unwrap();
    let obama =
        items.iter().find(|e| e["name"] == "Barack Obama").unwrap_or_else(|| panic!("{list}"));
    let id = obama["id"].as_i64().unwrap();
    let body = format!(r#"{{"alias": "Barry Obama", "into": {id}}}"#);
    let (s, _) = send_json(&app, json_req("POST", "/api/aliases/merge", None, &body)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = send_json(&app, json_req("POST", "/api/aliases/merge", Some(TOKEN), &body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, e) = send_json(&app, get(&format!("/api/entities/{id}"))).await;
    let user: Vec<_> =
        e["alias_list"].as_array().unwrap().iter().filter(|a| a["source"] == "user").collect();
    assert_eq!(user.len(), 1, "{e}");
    assert_eq!(user[0]["alias"], "Barry Obama");

    let (s, v) = send_json(
        &app,
        json_req("POST", "/api/aliases/split", Some(TOKEN), r#"{"alias": "Barry Obama"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let new_id = v["entity"].as_i64().unwrap();
    assert_ne!(new_id, id);
    let (s, v) = send_json(
        &app,
        json_req("POST", "/api/aliases/split", Some(TOKEN), r#"{"alias": "Nobody Atall"}"#),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, v) = send_json(
        &app,
        json_req("POST", "/api/aliases/merge", Some(TOKEN), r#"{"alias": "X Y", "into": 99999}"#),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
}

/// The response cache answers repeated reads, revalidates with ETags, and never serves an answer
/// older than the last commit: the server's own writes and another process's are seen at once.
#[tokio::test]
async fn cached_answers_follow_every_write() {
    let (dir, app) = fresh_app(config());
    let (s, first, body) = send(&app, get("/api/feeds")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("\"items\":[]"), "{body}");
    let etag = first.headers()[header::ETAG].clone();
    let (_, again, same) = send(&app, get("/api/feeds")).await;
    assert_eq!((again.headers()[header::ETAG].clone(), &same), (etag.clone(), &body));
    // A conditional GET of an unchanged answer: 304 without a body.
    let mut conditional = get("/api/feeds");
    conditional.headers_mut().insert(header::IF_NONE_MATCH, etag.clone());
    let (s, _, empty) = send(&app, conditional).await;
    assert_eq!((s, empty.as_str()), (StatusCode::NOT_MODIFIED, ""));

    // The server's own write.
    let add = r#"{"urls": ["https://feeds.example.org/rss"]}"#;
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), add)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, changed, body) = send(&app, get("/api/feeds")).await;
    assert!(body.contains("feeds.example.org"), "stale answer after a write: {body}");
    assert_ne!(changed.headers()[header::ETAG], etag);
    let mut conditional = get("/api/feeds");
    conditional.headers_mut().insert(header::IF_NONE_MATCH, etag);
    assert_eq!(send(&app, conditional).await.0, StatusCode::OK);

    // Another process's write (as `wirewatch poll` beside the server).
    let (_, _, home) = send(&app, get("/")).await;
    assert!(!home.contains("Ferry toll"), "{home}");
    let d = doc(
        "https://www.example.org/ferry",
        "example.org",
        model::ContentKind::Text,
        "Ferry toll rises\n\nThe ferry toll rose to 27, officials said on Friday.".into(),
        2,
    );
    fill(dir.path(), &[("s2", d, None)]);
    let (_, _, home) = send(&app, get("/")).await;
    assert!(home.contains("Ferry toll"), "stale home page after another process wrote");
}

/// A story clustering merged into another (every article moved) answers with a permanent
/// redirect to it, on the API and the page; an unknown story is still 404.
#[tokio::test]
async fn merged_story_redirects_to_where_its_articles_went() {
    let (dir, _) = fresh_app(config());
    let live = server::live::LiveState::start(
        &store::Location::Dir(dir.path().to_owned()),
        dir.path(),
        server::live::LiveConfig::default(),
        tokio_util::sync::CancellationToken::new(),
    )
    .unwrap();
    let state = server::AppState::new(
        &store::Location::Dir(dir.path().to_owned()),
        dir.path(),
        config(),
        TOKEN,
    )
    .unwrap();
    let app = server::app(state.with_live(live));
    let d = doc(
        "https://www.example.org/ferry",
        "example.org",
        model::ContentKind::Text,
        "Ferry toll rises\n\nThe ferry toll rose to 27, officials said on Friday.".into(),
        2,
    );
    let key = d.key.0.clone();
    fill(dir.path(), &[("s2", d, None)]);
    assert_eq!(send(&app, get("/api/stories/s2")).await.0, StatusCode::OK);
    let mut store = store::SqliteStore::open(dir.path()).unwrap();
    let moved = model::StoryAssignment {
        document: key,
        story: "s1".into(),
        duplicate_of: None,
        wire_agency: None,
    };
    store.save_stories(&[], &[moved]).unwrap();
    for (path, to) in [
        ("/api/stories/s2", "/api/stories/s1"),
        ("/stories/s2", "/stories/s1"),
        ("/feeds/stories/s2.atom", "/feeds/stories/s1.atom"),
    ] {
        let (s, resp, body) = send(&app, get(path)).await;
        assert_eq!(s, StatusCode::PERMANENT_REDIRECT, "{path}: {body}");
        assert_eq!(resp.headers()[header::LOCATION], to);
    }
    let (s, v) = send_json(&app, get("/api/stories/s9")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
}
