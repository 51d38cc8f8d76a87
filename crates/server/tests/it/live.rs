//! Live alerts end to end: SSE from a real listening server fed by a store written through
//! another connection (as `poll` would from another process), `Last-Event-ID` resume and filters;
//! webhook deliveries to a local receiver (HMAC, retry after a 500, give-up, a cursor that
//! survives a restart, the SSRF guard); Atom feeds parsed by feed-rs, with hostile text.
//!
//! Writes to `/api/webhooks` are sent without a token here because the auth middleware belongs
//! to the merged application (the core router wraps every non-GET route); its own tests cover
//! that a write without the token is refused.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::prelude::*;

use futures_util::StreamExt;
use model::{ContentKind, DocKey, RawDocument, SourceKind, StoryAssignment, StoryRecord};
use server::live::{LiveConfig, LiveState, WebhookConfig, sign};
use store::SqliteStore;
use tokio_util::sync::CancellationToken;

/// A client for our own loopback servers. Not the product's `ingest::http::Client`: the tests
/// must read error statuses and open streams, which that client does not hand out.
#[allow(clippy::disallowed_methods)]
fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// A running live server.
struct Live {
    addr: SocketAddr,
    stop: CancellationToken,
}

impl Live {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn fast_config() -> LiveConfig {
    LiveConfig {
        poll_interval_ms: 20,
        allow_private: true,
        webhook_max_attempts: 3,
        webhook_initial_backoff_ms: 20,
        webhook_max_backoff_ms: 80,
        webhook_timeout_secs: 5,
        ..LiveConfig::default()
    }
}

async fn start(dir: &Path, config: LiveConfig) -> Live {
    let stop = CancellationToken::new();
    let state = LiveState::start(&store::Location::Dir(dir.to_owned()), dir, config, stop.clone())
        .expect("live state starts");
    let app = server::live::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let until = stop.clone();
    tokio::spawn(async move {
        axum::serve(listener, app).with_graceful_shutdown(until.cancelled_owned()).await.unwrap();
    });
    Live { addr, stop }
}

fn story(id: &str, label: &str, breaking_since: Option<&str>) -> StoryRecord {
    StoryRecord {
        id: id.into(),
        label: label.into(),
        first_seen: Some("2026-03-01T10:00:00Z".into()),
        last_updated: Some("2026-03-01T11:00:00Z".into()),
        state: if breaking_since.is_some() { "breaking" } else { "developing" }.into(),
        breaking_since: breaking_since.map(str::to_string),
        articles: 3,
        copies: 1,
        outlets: vec!["a.example".into(), "b.example".into()],
        entities: vec![],
        state_json: "{}".into(),
    }
}

/// Reads server-sent events off a streaming response.
struct SseReader {
    body: futures_util::stream::BoxStream<'static, reqwest::Result<Vec<u8>>>,
    buf: String,
}

#[derive(Debug)]
struct Sse {
    id: i64,
    event: String,
    data: serde_json::Value,
}

impl SseReader {
    fn new(resp: reqwest::Response) -> SseReader {
        SseReader {
            body: resp.bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed(),
            buf: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped), failing the test after 10 s.
    async fn next(&mut self) -> Sse {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..end + 2).collect();
                    let mut fields: HashMap<&str, String> = HashMap::new();
                    for line in block.lines() {
                        if let Some((k, v)) = line.split_once(':')
                            && !k.is_empty()
                        {
                            fields.entry(k).or_default().push_str(v.strip_prefix(' ').unwrap_or(v));
                        }
                    }
                    let Some(data) = fields.get("data") else { continue };
                    return Sse {
                        id: fields["id"].parse().unwrap(),
                        event: fields["event"].clone(),
                        data: serde_json::from_str(data).unwrap(),
                    };
                }
                let chunk = self.body.next().await.expect("stream open").expect("chunk");
                self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        })
        .await
        .expect("an SSE event within 10 s")
    }
}

async fn subscribe(url: &str, last_event_id: Option<i64>) -> SseReader {
    let mut req = client().get(url);
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    SseReader::new(resp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_streams_story_events_resumes_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    // Written before `serve` starts: history, not sent to a client that does not ask for it.
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    writer.save_stories(&[story("s0", "Old news", None)], &[]).unwrap();
    let live = start(dir.path(), fast_config()).await;

    let mut all = subscribe(&live.url("/api/events"), None).await;
    let mut only = subscribe(&live.url("/api/events?kinds=story.breaking&story=s2"), None).await;
    writer.save_stories(&[story("s1", "Quake hits <Lima>", None)], &[]).unwrap();
    writer
        .save_stories(&[story("s1", "Quake hits <Lima>", Some("2026-03-01T10:40:00Z"))], &[])
        .unwrap();

    let new = all.next().await;
    assert_eq!((new.event.as_str(), new.data["story"].as_str()), ("story.new", Some("s1")));
    assert_eq!(new.data["payload"]["label"], "Quake hits <Lima>");
    assert_eq!(new.data["payload"]["outlets"][0], "a.example");
    assert_eq!(new.data["id"], new.id);
    let breaking = all.next().await;
    assert_eq!(breaking.event, "story.breaking");
    assert_eq!(breaking.data["payload"]["breaking_since"], "2026-03-01T10:40:00Z");
    assert!(breaking.id > new.id);

    // A client that reconnects with the id of the last event it saw gets what followed it.
    let mut resumed = subscribe(&live.url("/api/events"), Some(new.id)).await;
    let again = resumed.next().await;
    assert_eq!((again.id, again.event.as_str()), (breaking.id, "story.breaking"));
    // ... and from the very start, the history too.
    let mut history = subscribe(&live.url("/api/events"), Some(0)).await;
    let first = history.next().await;
    assert_eq!((first.event.as_str(), first.data["story"].as_str()), ("story.new", Some("s0")));

    // The filtered client saw none of s1's events; s3 breaking is skipped, s2 breaking arrives.
    writer.save_stories(&[story("s3", "Other", Some("2026-03-01T10:50:00Z"))], &[]).unwrap();
    writer.save_stories(&[story("s2", "Flood", Some("2026-03-01T10:55:00Z"))], &[]).unwrap();
    let got = only.next().await;
    assert_eq!((got.event.as_str(), got.data["story"].as_str()), ("story.breaking", Some("s2")));
    // The unfiltered client goes on in order from where it was.
    let next = all.next().await;
    assert_eq!((next.event.as_str(), next.data["story"].as_str()), ("story.new", Some("s3")));

    let bad = client().get(live.url("/api/events?kinds=story.nope")).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let body = json_of(bad).await;
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(body["error"]["message"].as_str().unwrap().contains("story.nope"));
    let bad = client()
        .get(live.url("/api/events"))
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_client_catches_up_from_the_store_after_lagging() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    let live = start(dir.path(), LiveConfig { channel_capacity: 8, ..fast_config() }).await;
    let mut slow = subscribe(&live.url("/api/events?kinds=story.new"), None).await;
    // Far more than the channel holds, and big enough to fill the socket buffers, so the
    // server's stream stops being polled while the client reads nothing and its receiver lags.
    let long = "word ".repeat(10_000);
    let stories: Vec<StoryRecord> =
        (0..300).map(|i| story(&format!("s{i}"), &long, None)).collect();
    for chunk in stories.chunks(50) {
        writer.save_stories(chunk, &[]).unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..300 {
        let e = slow.next().await;
        assert_eq!(e.data["story"], format!("s{i}"), "event {i} in order, none dropped");
    }
}

/// A request the receiver got: path, headers, body.
type Request = (String, axum::http::HeaderMap, Vec<u8>);

/// A webhook receiver: answers each path with the statuses queued for it (then 200; 0 hangs),
/// and records every request.
#[derive(Clone, Default)]
struct Receiver {
    script: Arc<Mutex<HashMap<String, VecDeque<u16>>>>,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Receiver {
    async fn start(script: &[(&str, &[u16])]) -> (Receiver, SocketAddr) {
        let rx = Receiver::default();
        for (path, statuses) in script {
            rx.script.lock().unwrap().insert(path.to_string(), statuses.iter().copied().collect());
        }
        let r = rx.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let r = r.clone();
            async move {
                let path = req.uri().path().to_string();
                let headers = req.headers().clone();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap().to_vec();
                r.log.lock().unwrap().push((path.clone(), headers, body));
                let status = r
                    .script
                    .lock()
                    .unwrap()
                    .get_mut(&path)
                    .and_then(|q| q.pop_front())
                    .unwrap_or(200);
                // 0 stands for a receiver that hangs past any sensible timeout.
                if status == 0 {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    return axum::http::StatusCode::OK;
                }
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (rx, addr)
    }

    fn hits(&self, path: &str) -> Vec<(axum::http::HeaderMap, serde_json::Value, Vec<u8>)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, h, b)| (h.clone(), serde_json::from_slice(b).unwrap(), b.clone()))
            .collect()
    }

    async fn wait_for(&self, path: &str, n: usize) {
        let start = Instant::now();
        while self.hits(path).len() < n {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{path}: {} hits",
                self.hits(path).len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// POSTs a JSON body (reqwest is built without its `json` feature).
async fn post_json(url: &str, body: &serde_json::Value) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn json_of(resp: reqwest::Response) -> serde_json::Value {
    serde_json::from_str(&resp.text().await.unwrap()).unwrap()
}

async fn get_json(url: &str) -> serde_json::Value {
    json_of(client().get(url).send().await.unwrap()).await
}

fn header<'a>(h: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    h.get(name).unwrap_or_else(|| panic!("header {name}")).to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_retried_and_given_up() {
    let (rx, raddr) =
        Receiver::start(&[("/flaky", &[500]), ("/down", &[500, 500, 500, 500])]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    let config = LiveConfig {
        webhooks: vec![WebhookConfig {
            url: format!("http://{raddr}/flaky"),
            secret: "config-secret".into(),
            kinds: vec!["story.breaking".into()],
            story: None,
            entity: None,
            query: None,
        }],
        ..fast_config()
    };
    let live = start(dir.path(), config).await;
    let http = client();
    let created = post_json(
        &live.url("/api/webhooks"),
        &serde_json::json!({
            "url": format!("http://{raddr}/down"),
            "secret": "api-secret",
            "kinds": ["story.new"],
        }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let text = created.text().await.unwrap();
    assert!(!text.contains("api-secret"), "secret returned: {text}");
    let api_hook: serde_json::Value = serde_json::from_str(&text).unwrap();

    writer.save_stories(&[story("s1", "Quake", Some("2026-03-01T10:40:00Z"))], &[]).unwrap();
    let events = writer.events_after(0, 10).unwrap();
    let (new_id, breaking_id) = (events[0].id, events[1].id);

    // /flaky: a 500, then the retry succeeds; both attempts carry the same signed body.
    rx.wait_for("/flaky", 2).await;
    for (h, json, raw) in rx.hits("/flaky") {
        assert_eq!(header(&h, "x-wirewatch-event"), "story.breaking");
        assert_eq!(header(&h, "x-wirewatch-delivery"), breaking_id.to_string());
        assert_eq!(header(&h, "x-wirewatch-signature"), sign("config-secret", &raw));
        assert_ne!(header(&h, "x-wirewatch-signature"), sign("api-secret", &raw));
        assert_eq!(header(&h, "content-type"), "application/json");
        assert_eq!(json["kind"], "story.breaking");
        assert_eq!(json["payload"]["label"], "Quake");
    }
    // /down: three attempts (the configured maximum) of the story.new event only, then given up.
    rx.wait_for("/down", 3).await;
    let start = Instant::now();
    let hooks = loop {
        let hooks: Vec<serde_json::Value> =
            serde_json::from_value(get_json(&live.url("/api/webhooks")).await).unwrap();
        if hooks.iter().all(|h| h["cursor"] == breaking_id) {
            break hooks;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{hooks:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let down = rx.hits("/down");
    assert_eq!(down.len(), 3, "no attempt after giving up");
    for (h, json, raw) in &down {
        assert_eq!(header(h, "x-wirewatch-delivery"), new_id.to_string());
        assert_eq!(header(h, "x-wirewatch-signature"), sign("api-secret", raw));
        assert_eq!(json["kind"], "story.new");
    }
    assert_eq!(rx.hits("/flaky").len(), 2, "a delivered event is not sent again");
    let listed = serde_json::to_string(&hooks).unwrap();
    assert!(!listed.contains("secret\""), "{listed}");
    let flaky = hooks.iter().find(|h| h["source"] == "config").unwrap();
    assert_eq!((flaky["delivered"].as_u64(), flaky["failed"].as_u64()), (Some(1), Some(0)));
    let gave_up = hooks.iter().find(|h| h["id"] == api_hook["id"]).unwrap();
    assert_eq!((gave_up["delivered"].as_u64(), gave_up["failed"].as_u64()), (Some(0), Some(1)));
    assert_eq!(gave_up["last_status"], 500);
    assert!(gave_up["last_error"].as_str().unwrap().contains("after 3 attempts"), "{gave_up}");

    // Deleting: config webhooks are refused, API ones go, twice is 404.
    let del = |id: &serde_json::Value| http.delete(live.url(&format!("/api/webhooks/{id}"))).send();
    assert_eq!(del(&flaky["id"]).await.unwrap().status(), 409);
    assert_eq!(del(&api_hook["id"]).await.unwrap().status(), 204);
    assert_eq!(del(&api_hook["id"]).await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_cursor_survives_a_restart() {
    let (rx, raddr) = Receiver::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    // Before the webhook exists: never delivered.
    writer.save_stories(&[story("s0", "Before", None)], &[]).unwrap();
    let config = LiveConfig {
        webhooks: vec![WebhookConfig {
            url: format!("http://{raddr}/in"),
            secret: "k".into(),
            kinds: vec![],
            story: None,
            entity: None,
            query: Some("quake".into()),
        }],
        ..fast_config()
    };
    let live = start(dir.path(), config.clone()).await;
    writer.save_stories(&[story("s1", "Quake north", None)], &[]).unwrap();
    rx.wait_for("/in", 1).await;
    drop(live);
    tokio::time::sleep(Duration::from_millis(200)).await;

    // While `serve` is down: one event matching the query, one not.
    writer.save_stories(&[story("s2", "Flood", None)], &[]).unwrap();
    writer.save_stories(&[story("s3", "Quake south", None)], &[]).unwrap();
    let _live = start(dir.path(), config).await;
    rx.wait_for("/in", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stories: Vec<String> =
        rx.hits("/in").iter().map(|(_, j, _)| j["story"].as_str().unwrap().to_string()).collect();
    assert_eq!(stories, ["s1", "s3"], "nothing lost, nothing repeated, filter applied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_targets_pass_the_ssrf_guard() {
    let dir = tempfile::tempdir().unwrap();
    let live =
        start(dir.path(), LiveConfig { poll_interval_ms: 20, ..LiveConfig::default() }).await;
    for (body, needle) in [
        (serde_json::json!({"url": "http://127.0.0.1:9/hook", "secret": "k"}), "loopback"),
        (serde_json::json!({"url": "http://169.254.169.254/x", "secret": "k"}), "link-local"),
        (serde_json::json!({"url": "file:///etc/passwd", "secret": "k"}), "http(s)"),
        (serde_json::json!({"url": "https://h.example/x", "secret": ""}), "secret"),
        (serde_json::json!({"url": "https://h.example/x", "secret": "k", "kinds": ["x"]}), "\"x\""),
    ] {
        let resp = post_json(&live.url("/api/webhooks"), &body).await;
        assert_eq!(resp.status(), 400, "{body}");
        let err = json_of(resp).await;
        let msg = err["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    assert_eq!(get_json(&live.url("/api/webhooks")).await, serde_json::json!([]));
}

const HOSTILE: &str = "Fire & <b>\"smoke\"</b> ]]> at O'Hare\u{0}\u{1b} — 'déjà vu'";

fn document(key: &str, title: &str, outlet: &str, published: &str) -> RawDocument {
    RawDocument {
        key: DocKey(key.into()),
        url: key.starts_with("http").then(|| key.to_string()),
        canonical_url: key.starts_with("http").then(|| key.to_string()),
        outlet: Some(outlet.into()),
        title: Some(title.into()),
        published: None,
        fetched_at: chrono::DateTime::parse_from_rfc3339(published).unwrap().to_utc(),
        source_kind: SourceKind::Jsonl,
        origin: format!("in.jsonl#{key}"),
        content_kind: ContentKind::Text,
        content: format!("Body of {key}"),
        diagnostics: Vec::new(),
        analysis: Some(model::Analysis {
            analyzer: "test".into(),
            ok: true,
            title: Some(title.into()),
            published: Some(published.into()),
            language: Some("en".into()),
            site_name: None,
            body: format!("Body of {key}"),
            article_json: "{}".into(),
            diagnostics: Vec::new(),
            statements: vec![model::Statement {
                start: 0,
                end: 5,
                text: format!("We said {HOSTILE}"),
                kind: "direct".into(),
                speaker: Some("Mayor".into()),
                speaker_start: None,
                speaker_end: None,
                speaker_entity: Some("e1".into()),
                cue: Some("said".into()),
                via: None,
                confidence: 0.9,
            }],
            entities: vec![model::DocEntity {
                id: "e1".into(),
                name: "Ann <Mayor> & Co".into(),
                kind: "person".into(),
                key: "ann mayor".into(),
                aliases: vec![],
                role: Some("mayor".into()),
                affiliation: None,
                mentions: 1,
            }],
            facts_json: None,
        }),
    }
}

async fn get_feed(url: &str) -> (String, feed_rs::model::Feed) {
    let resp = client().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let text = resp.text().await.unwrap();
    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    (text, feed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atom_feeds_are_valid_and_escape_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    use model::Store;
    writer
        .put_documents(&[
            document("https://a.example/1", HOSTILE, "a.example", "2026-03-01T10:00:00Z"),
            document("sha256:abc", "Second report", "b.example", "2026-03-01T11:30:00+01:00"),
        ])
        .unwrap();
    let assign = |doc: &str| StoryAssignment {
        document: doc.into(),
        story: "s1".into(),
        duplicate_of: None,
        wire_agency: None,
    };
    writer
        .save_stories(
            &[story("s1", HOSTILE, None)],
            &[assign("https://a.example/1"), assign("sha256:abc")],
        )
        .unwrap();
    let evidence = |article: &str, text: &str| model::ClaimEvidence {
        article: article.into(),
        version: 1,
        outlet: Some("a.example".into()),
        time: None,
        actor: None,
        side: None,
        action: "kill".into(),
        polarity: "affirmed".into(),
        modality: "asserted".into(),
        quantity: None,
        value: None,
        speaker: None,
        via: None,
        quoted: false,
        text: text.into(),
        start: 0,
        end: text.chars().count(),
    };
    let finding = model::StoryFinding {
        id: 0,
        story: String::new(),
        kind: "contradiction".into(),
        confidence: 0.8,
        explanation: format!("Figures differ: {HOSTILE}"),
        outlets: vec!["a.example".into(), "b.example".into()],
        first: evidence("https://a.example/1", "12 dead"),
        second: evidence("sha256:abc", "15 dead"),
        found_at: String::new(),
    };
    writer.save_story_changes("s1", &[finding], &[]).unwrap();
    let live = start(
        dir.path(),
        LiveConfig { public_url: Some("https://news.example".into()), ..fast_config() },
    )
    .await;

    let (text, feed) = get_feed(&live.url("/feeds/stories/s1.atom")).await;
    assert!(!text.contains('\u{0}') && !text.contains('\u{1b}'));
    assert!(text.contains("Fire &amp; &lt;b&gt;"), "{text}");
    assert_eq!(feed.id, "urn:wirewatch:story:s1");
    let title = feed.title.unwrap().content;
    assert!(title.starts_with("Fire & <b>\"smoke\"</b> ]]> at O'Hare — 'déjà vu'"), "{title}");
    assert_eq!(feed.entries.len(), 3, "two articles and a finding");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert!(
        ids.contains(&"https://a.example/1") && ids.contains(&"urn:wirewatch:document:sha256:abc"),
        "{ids:?}"
    );
    let finding = feed.entries.iter().find(|e| e.id.starts_with("urn:wirewatch:finding:")).unwrap();
    assert!(
        finding
            .title
            .as_ref()
            .unwrap()
            .content
            .starts_with("contradiction: Figures differ: Fire & <b>")
    );
    // Newest first: the finding was stored now; then 10:30Z (11:30+01:00), then 10:00Z.
    assert_eq!(feed.entries[1].id, "urn:wirewatch:document:sha256:abc");
    assert_eq!(feed.entries[1].updated.unwrap().to_rfc3339(), "2026-03-01T10:30:00+00:00");
    assert_eq!(feed.entries[2].links[0].href, "https://a.example/1");
    assert_eq!(feed.entries[1].links[0].href, "https://news.example/stories/s1");
    assert!(feed.updated.is_some());
    assert!(feed.links.iter().any(|l| l.href == "https://news.example/feeds/stories/s1.atom"));

    let entities = writer.entities(Some("ann"), 10).unwrap();
    let eid = entities[0].id;
    let (_, feed) = get_feed(&live.url(&format!("/feeds/entities/{eid}.atom"))).await;
    assert_eq!(feed.entries.len(), 2);
    let t = &feed.entries[0].title.as_ref().unwrap().content;
    assert!(t.starts_with("Ann <Mayor> & Co: “We said Fire & <b>"), "{t}");
    assert_ne!(feed.entries[0].id, feed.entries[1].id);

    for missing in [
        "/feeds/stories/s404.atom",
        "/feeds/stories/s1.rss",
        "/feeds/entities/x.atom",
        "/feeds/entities/999.atom",
    ] {
        assert_eq!(
            client().get(live.url(missing)).send().await.unwrap().status(),
            404,
            "{missing}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_times_out_and_is_given_up() {
    let (rx, raddr) = Receiver::start(&[("/slow", &[0, 0])]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    let hook = WebhookConfig {
        url: format!("http://{raddr}/slow"),
        secret: "k".into(),
        kinds: vec![],
        story: None,
        entity: None,
        query: None,
    };
    let config = LiveConfig {
        webhook_timeout_secs: 1,
        webhook_max_attempts: 2,
        webhooks: vec![hook],
        ..fast_config()
    };
    let live = start(dir.path(), config).await;
    let started = Instant::now();
    writer.save_stories(&[story("s1", "Slow", None)], &[]).unwrap();
    let hook = loop {
        let hooks = get_json(&live.url("/api/webhooks")).await;
        if hooks[0]["failed"] == 1 {
            break hooks[0].clone();
        }
        assert!(started.elapsed() < Duration::from_secs(8), "{hooks}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Two attempts of about a second each, not two of five.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(rx.hits("/slow").len(), 2);
    let error = hook["last_error"].as_str().unwrap();
    assert!(error.contains("after 2 attempts") && error.contains("timed out"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_search_feed_is_valid_filtered_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    use model::Store;
    writer
        .put_documents(&[
            document("https://a.example/1", HOSTILE, "a.example", "2026-03-01T10:00:00Z"),
            document("https://b.example/2", "Harbour report", "b.example", "2026-03-02T10:00:00Z"),
        ])
        .unwrap();
    let (mut index, _) = store::search::SearchWriter::open(dir.path()).unwrap();
    index.index_documents(&writer, &["https://a.example/1", "https://b.example/2"]).unwrap();
    index.commit().unwrap();
    drop(index);
    let live = start(
        dir.path(),
        LiveConfig { public_url: Some("https://news.example".into()), ..fast_config() },
    )
    .await;

    // Every article's body says "Body of ...": both match, newest first.
    let (text, feed) = get_feed(&live.url("/feeds/search.atom?q=body")).await;
    assert!(feed.entries.len() >= 2, "{text}");
    let times: Vec<_> = feed.entries.iter().map(|e| e.updated).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    assert!(feed.title.unwrap().content.contains("“body”"));
    assert!(text.contains("https://news.example/feeds/search.atom?q=body"), "{text}");
    assert!(!text.contains("<b>"), "snippet marks are not raw markup in the feed: {text}");
    // The outlet filter narrows it; the hostile headline comes back escaped and parseable.
    let (text, feed) = get_feed(&live.url("/feeds/search.atom?q=body&outlet=a.example")).await;
    assert!(!feed.entries.is_empty());
    assert!(feed.entries.iter().all(|e| e.links.iter().any(|l| l.href == "https://a.example/1")));
    assert!(!text.contains("<script"), "{text}");
    // A bad request is an error, not a feed.
    let resp = client().get(live.url("/feeds/search.atom?nope=1")).send().await.unwrap();
    assert_eq!(resp.status(), 400);
}
