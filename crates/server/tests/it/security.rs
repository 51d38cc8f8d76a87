//! Security: headers with a fresh CSP nonce, private reads, login and CSRF on forms, per-client
//! rate limits and the body size limit.

use axum::http::{StatusCode, header};

use crate::support::*;

#[tokio::test]
async fn every_response_has_security_headers_and_a_fresh_nonce() {
    let app = shared_app();
    let mut nonces = Vec::new();
    for uri in ["/", "/api/stories", "/nope"] {
        let (_, resp, _) = send(&app, get(uri)).await;
        let h = resp.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        assert!(nonce.len() >= 32);
        nonces.push(nonce);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "nonces must differ per response");
}

#[tokio::test]
async fn private_reads_need_the_token() {
    let (_dir, app) = fresh_app(server::ServerConfig { public_reads: false, ..config() });
    let (s, v) = send_json(&app, get("/api/stories")).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, _) = send_json(&app, json_req("GET", "/api/stories", Some(TOKEN), "")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, resp, _) = send(&app, get("/")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[header::LOCATION], "/login");
    let (s, _, _) = send(&app, get("/login")).await;
    assert_eq!(s, StatusCode::OK);
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    body[at..at + 64].to_string()
}

fn set_cookie(resp: &axum::http::Response<()>, name: &str) -> Option<String> {
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn forms_need_login_and_a_csrf_token() {
    let (_dir, app) = fresh_app(config());
    // A first visit sets the CSRF cookie; the page's forms carry its token.
    let (_, resp, body) = send(&app, get("/login")).await;
    let csrf_cookie = set_cookie(&resp, "ww_csrf").expect("CSRF cookie");
    let csrf = csrf_of(&body);

    // Without login, a form post with a valid CSRF token is still refused.
    let add = format!("csrf={csrf}&url=https%3A%2F%2Fnew.example%2Ffeed");
    let (s, _, _) = send(&app, form_req("/feeds/add", &csrf_cookie, &add)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Wrong token: refused; right token: a session cookie.
    let (s, _, _) =
        send(&app, form_req("/login", &csrf_cookie, &format!("csrf={csrf}&token=nope"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = send(&app, form_req("/login", &csrf_cookie, &format!("token={TOKEN}"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "login without CSRF token must fail");
    let (s, resp, _) =
        send(&app, form_req("/login", &csrf_cookie, &format!("csrf={csrf}&token={TOKEN}"))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = set_cookie(&resp, "ww_session").expect("session cookie");
    let cookies = format!("{csrf_cookie}; {session}");

    // Logged in: missing or foreign CSRF token refused, the right one accepted.
    let no_csrf = "url=https%3A%2F%2Fnew.example%2Ffeed";
    let (s, _, body) = send(&app, form_req("/feeds/add", &cookies, no_csrf)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("csrf_failed"));
    let other = format!("ww_csrf={}; {session}", "ab".repeat(16));
    let (s, _, _) = send(&app, form_req("/feeds/add", &other, &add)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, body) = send(&app, form_req("/feeds/add", &cookies, &add)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("1 added"), "{body}");
    assert!(body.contains("https://new.example/feed"));

    // The feeds page now offers the edit forms, though an anonymous visitor's page (kept by
    // the response cache) has none: logged-in pages are never shared.
    let (_, _, anonymous) = send(&app, get("/feeds")).await;
    assert!(!anonymous.contains("id=\"add-feed\"") && !anonymous.contains(&csrf));
    let mut req = get("/feeds");
    req.headers_mut().insert(header::COOKIE, cookies.parse().unwrap());
    let (_, _, body) = send(&app, req).await;
    assert!(body.contains("id=\"add-feed\"") && body.contains("id=\"import-opml\""));
    let remove = format!("csrf={csrf}&url=https%3A%2F%2Fnew.example%2Ffeed");
    let (s, _, _) = send(&app, form_req("/feeds/remove", &cookies, &remove)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, list) = send_json(&app, get("/api/feeds")).await;
    assert!(list["items"].as_array().unwrap().is_empty());

    // A session cookie we did not issue is not accepted.
    let forged = format!("{csrf_cookie}; ww_session=00.00");
    let (s, _, _) = send(&app, form_req("/feeds/add", &forged, &add)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn clients_are_rate_limited_by_address() {
    let (_dir, app) = fresh_app(server::ServerConfig {
        rate_limit_per_sec: 0.001,
        rate_limit_burst: 3,
        ..config()
    });
    for _ in 0..3 {
        let (s, _, _) = send(&app, with_peer(get("/api/stories"), [10, 0, 0, 1])).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, resp, body) = send(&app, with_peer(get("/api/stories"), [10, 0, 0, 1])).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("\"rate_limited\""), "{body}");
    assert!(resp.headers().contains_key(header::RETRY_AFTER));
    let (s, _, _) = send(&app, with_peer(get("/api/stories"), [10, 0, 0, 2])).await;
    assert_eq!(s, StatusCode::OK, "another client has its own budget");
}

#[tokio::test]
async fn large_bodies_are_refused() {
    let (_dir, app) = fresh_app(server::ServerConfig { body_limit_bytes: 2048, ..config() });
    let big = format!("{{\"opml\": \"{}\"}}", "x".repeat(4096));
    let (s, v) = send_json(&app, json_req("POST", "/api/feeds", Some(TOKEN), &big)).await;
    assert_eq!((s, code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    // Without a Content-Length the extractor's limit still applies.
    let mut req = json_req("POST", "/api/feeds", Some(TOKEN), &big);
    req.headers_mut().remove(header::CONTENT_LENGTH);
    let (s, v) = send_json(&app, req).await;
    assert_eq!((s, code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
}

/// Logs in through the form; returns the cookies to send and the CSRF token for forms.
async fn login(app: &axum::Router) -> (String, String) {
    let (_, resp, body) = send(app, get("/login")).await;
    let csrf_cookie = set_cookie(&resp, "ww_csrf").unwrap();
    let csrf = csrf_of(&body);
    let form = format!("csrf={csrf}&token={TOKEN}");
    let (_, resp, _) = send(app, form_req("/login", &csrf_cookie, &form)).await;
    let session = set_cookie(&resp, "ww_session").unwrap();
    (format!("{csrf_cookie}; {session}"), csrf)
}

#[tokio::test]
async fn alias_forms_merge_and_split_for_a_logged_in_user() {
    let (_dir, app) = fresh_app(config());
    let (_, list) = send_json(&app, get("/api/entities?q=obama")).await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Barack Obama")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (cookies, csrf) = login(&app).await;
    let mut req = get(&format!("/entities/{id}"));
    req.headers_mut().insert(header::COOKIE, cookies.parse().unwrap());
    let (_, _, body) = send(&app, req).await;
    assert!(body.contains("id=\"merge-form\""), "no merge form for a logged-in user");
    assert!(body.contains("Split off"));

    let merge = format!("csrf={csrf}&alias=Barry+Obama");
    let uri = format!("/entities/{id}/merge");
    let (s, _, _) = send(&app, form_req(&uri, &cookies, "alias=Barry+Obama")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "merge without CSRF token");
    let (s, resp, _) = send(&app, form_req(&uri, &cookies, &merge)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[header::LOCATION], format!("/entities/{id}#aliases"));
    let (_, e) = send_json(&app, get(&format!("/api/entities/{id}"))).await;
    assert!(e["alias_list"].as_array().unwrap().iter().any(|a| a["alias"] == "Barry Obama"));

    let split = format!("csrf={csrf}&alias=Barry+Obama&kind=person");
    let (s, resp, _) =
        send(&app, form_req(&format!("/entities/{id}/split"), &cookies, &split)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = resp.headers()[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/entities/") && to != format!("/entities/{id}"), "{to}");
}

#[tokio::test]
async fn live_writes_and_webhook_listing_need_the_token() {
    let app = shared_app_with_live();
    let body = r#"{"url": "https://hooks.example/in", "secret": "s3cret-s3cret"}"#;
    let (s, v) = send_json(&app, json_req("POST", "/api/webhooks", None, body)).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, v) = send_json(&app, json_req("DELETE", "/api/webhooks/1", None, "")).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, v) = send_json(&app, get("/api/webhooks")).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, _) = send_json(&app, json_req("GET", "/api/webhooks", Some(TOKEN), "")).await;
    assert_eq!(s, StatusCode::OK);
}
