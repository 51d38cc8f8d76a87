//! Test support: data directories filled with analysed sample reports grouped into stories, the
//! app over them, and request helpers.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use store::prelude::*;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use model::{ContentKind, DocKey, RawDocument, SourceKind, StoryAssignment, StoryRecord};
use server::{AppState, ServerConfig};
use tower::ServiceExt;

/// The token every test server uses.
pub const TOKEN: &str = "test-token-0123456789abcdef";

/// The repository's sample corpus.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

/// A document from a sample file (or given text), analysed as ingest would.
pub fn doc(url: &str, outlet: &str, kind: ContentKind, content: String, day: u32) -> RawDocument {
    let mut d = RawDocument {
        key: DocKey::for_document(Some(url), &content),
        url: Some(url.to_string()),
        canonical_url: model::url::canonicalize(url),
        outlet: Some(outlet.to_string()),
        title: None,
        published: None,
        fetched_at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
        source_kind: SourceKind::File,
        origin: url.to_string(),
        content_kind: kind,
        content,
        diagnostics: Vec::new(),
        analysis: None,
    };
    d.analysis = Some(analyze::document::analyze_document(&d));
    d
}

fn sample(rel: &str, url: &str, outlet: &str, day: u32) -> RawDocument {
    let text = std::fs::read_to_string(samples().join(rel)).unwrap();
    let kind = if rel.ends_with(".html") { ContentKind::Html } else { ContentKind::Text };
    doc(url, outlet, kind, text, day)
}

/// Hostile article text: script tags, attribute injection, a `javascript:` URL.
pub const HOSTILE: &str = "Mallory <script>alert('body')</script> \"><img src=x onerror=alert(1)>\n\n\
    Officials said \"<script>alert('quote')</script> is the plan\", according to the ministry.\n\n\
    Mallory Quinn, the ministry spokeswoman, told reporters: \"We <b>deny</b> it all.\"";

/// Stores documents and assigns them to stories as given: `(story, doc, copy of)`.
pub fn fill(dir: &Path, docs: &[(&str, RawDocument, Option<usize>)]) {
    let mut store = store::SqliteStore::open(dir).unwrap();
    let raw: Vec<RawDocument> = docs.iter().map(|(_, d, _)| d.clone()).collect();
    store.put(&raw).unwrap();
    let mut stories: Vec<StoryRecord> = Vec::new();
    let mut assignments = Vec::new();
    for (sid, d, copy) in docs {
        if assignments.iter().any(|a: &StoryAssignment| a.document == d.key.0) {
            continue; // a second version of a stored document
        }
        assignments.push(StoryAssignment {
            document: d.key.0.clone(),
            story: sid.to_string(),
            duplicate_of: copy.map(|i| docs[i].1.key.0.clone()),
            wire_agency: copy.map(|_| "Wire East".to_string()),
        });
        let a = d.analysis.as_ref().unwrap();
        let outlet = d.outlet.clone().unwrap();
        match stories.iter_mut().find(|s| s.id == *sid) {
            Some(s) => {
                s.articles += 1;
                s.copies += u64::from(copy.is_some());
                if !s.outlets.contains(&outlet) && copy.is_none() {
                    s.outlets.push(outlet);
                }
                s.last_updated = a.published.clone().or(s.last_updated.clone());
            }
            None => stories.push(StoryRecord {
                id: sid.to_string(),
                label: a.title.clone().unwrap_or_default(),
                first_seen: a.published.clone(),
                last_updated: a.published.clone(),
                state: if *sid == "s1" { "breaking" } else { "developing" }.into(),
                breaking_since: None,
                articles: 1,
                copies: 0,
                outlets: vec![outlet],
                entities: Vec::new(),
                state_json: String::new(),
            }),
        }
    }
    store.save_stories(&stories, &assignments).unwrap();
    refresh_changes(&mut store);
    // Keep the search index current, as ingest does after each batch.
    let (mut index, _) = store::search::SearchWriter::open(dir).unwrap();
    index.sync(&store, &mut |_, _| {}).unwrap();
    index.finish().unwrap();
}

/// Redoes the findings and timelines of changed stories, as analysis does after each batch.
fn refresh_changes(store: &mut store::SqliteStore) {
    for id in store.pending_story_changes(1000).unwrap() {
        let (_, articles) = store.story(&id).unwrap().unwrap();
        let mut versions = Vec::new();
        for a in &articles {
            for v in store.all_versions(&DocKey(a.document.clone())).unwrap() {
                let Some(an) = store.analysis(v.document_id, v.version).unwrap() else { continue };
                versions.push(analyze::claims::StoryVersion {
                    article: a.document.clone(),
                    outlet: an.site_name.clone().or_else(|| a.outlet.clone()),
                    time: an
                        .published
                        .as_deref()
                        .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
                        .map(|t| t.with_timezone(&Utc))
                        .or(v.published),
                    version: v.version,
                    duplicate_of: a.duplicate_of.clone(),
                    body: an.body,
                    facts: None,
                });
            }
        }
        let c = analyze::claims::story_changes(&versions);
        store.save_story_changes(&id, &c.findings, &c.timeline).unwrap();
    }
}

/// The shared read-only data directory: the Russia–US story (with a syndicated copy, the
/// reversal and the seed's overstatement), the corrected Aldmark report (two versions), and
/// a hostile report.
pub fn shared_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let russia = [
            ("pages/northline-us-expels-35-russian-diplomats.html", "https://www.northline.example/a", "northline.example"),
            ("pages/wire-east-lavrov-proposes-expelling-35.html", "https://www.wire-east.example/news/2016/12/30/russia-foreign-ministry-proposes-expelling-35-us-diplomats", "wire-east.example"),
            ("pages/harbourtimes-moscow-proposes-expelling-35.html", "https://www.harbourtimes.example/b", "harbourtimes.example"),
            ("pages/meridianpost-putin-we-will-not-expel-anyone.html", "https://www.meridianpost.example/c", "meridianpost.example"),
            ("seed-article.txt", "https://www.vanguardngr.example/seed", "vanguardngr.example"),
        ];
        let mut docs: Vec<(&str, RawDocument, Option<usize>)> = russia
            .iter()
            .map(|(rel, url, outlet)| ("s1", sample(rel, url, outlet, 1), None))
            .collect();
        docs[2].2 = Some(1);
        let nc = "https://www.northern-courier.example/politics/2017/10/09/aldmark-transport-minister-keller-resigns";
        docs.push(("s2", sample("pages/northern-courier-keller-resigns.html", nc, "northern-courier.example", 2), None));
        fill(dir.path(), &docs);
        // The corrected page: same URL, new content, stored as version 2.
        fill(
            dir.path(),
            &[("s2", sample("updates/northern-courier-keller-resigns-corrected.html", nc, "northern-courier.example", 3), None)],
        );
        let hostile = doc(
            "javascript:alert('url')",
            "evil.example\"><script>alert(1)</script>",
            ContentKind::Text,
            format!("<script>alert('title')</script> headline\n\n{HOSTILE}"),
            4,
        );
        fill(dir.path(), &[("s3", hostile, None)]);
        dir
    })
    .path()
}

/// A config for tests: no rate limit unless a test sets one.
pub fn config() -> ServerConfig {
    ServerConfig { rate_limit_per_sec: 0.0, token: Some(TOKEN.into()), ..ServerConfig::default() }
}

/// The state over the embedded store in `dir` (also its local directory).
pub fn embedded_state(dir: &std::path::Path, cfg: ServerConfig) -> AppState {
    AppState::new(&store::Location::Dir(dir.to_owned()), dir, cfg, TOKEN).unwrap()
}

/// The app over the shared data directory.
pub fn shared_app() -> axum::Router {
    server::app(embedded_state(shared_dir(), config()))
}

/// The app over the shared data directory with the live alerts merged in (stopped with the
/// test's runtime).
pub fn shared_app_with_live() -> axum::Router {
    let live = server::live::LiveState::start(
        &store::Location::Dir(shared_dir().to_owned()),
        shared_dir(),
        server::live::LiveConfig::default(),
        tokio_util::sync::CancellationToken::new(),
    )
    .unwrap();
    server::app(embedded_state(shared_dir(), config()).with_live(live))
}

/// An app over a fresh data directory with one small story, for tests that write.
pub fn fresh_app(cfg: ServerConfig) -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "https://www.example.org/obama",
        "example.org",
        ContentKind::Text,
        "Obama speaks\n\nPresident Barack Obama said on Thursday: \"We will respond.\" \
         Barack Obama spoke in Hawaii. Later Barrack Obama added that the sanctions stand."
            .into(),
        1,
    );
    fill(dir.path(), &[("s1", d, None)]);
    let app = server::app(
        AppState::new(&store::Location::Dir(dir.path().to_owned()), dir.path(), cfg, TOKEN)
            .unwrap(),
    );
    (dir, app)
}

/// A GET request from 127.0.0.1.
pub fn get(uri: &str) -> Request<Body> {
    with_peer(Request::get(uri).body(Body::empty()).unwrap(), [127, 0, 0, 1])
}

/// Sets the client address, as `into_make_service_with_connect_info` does.
pub fn with_peer(mut req: Request<Body>, ip: [u8; 4]) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    req
}

/// A JSON request.
pub fn json_req(method: &str, uri: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    with_peer(b.body(Body::from(body.to_string())).unwrap(), [127, 0, 0, 1])
}

/// A form post with cookies.
pub fn form_req(uri: &str, cookies: &str, body: &str) -> Request<Body> {
    let b = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_LENGTH, body.len());
    with_peer(b.body(Body::from(body.to_string())).unwrap(), [127, 0, 0, 1])
}

/// Sends one request.
pub async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Response<()>, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, Response::from_parts(parts, ()), String::from_utf8_lossy(&bytes).to_string())
}

/// Sends a request and parses the JSON answer.
pub async fn send_json(app: &axum::Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let (status, resp, body) = send(app, req).await;
    let ct = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(ct.as_deref(), Some("application/json"), "status {status}, body {body}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

/// The error code of a JSON error body.
pub fn code(v: &serde_json::Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_else(|| panic!("not an error body: {v}"))
}
