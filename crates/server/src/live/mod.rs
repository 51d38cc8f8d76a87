//! Live alerts: the outbox tailer, server-sent events, webhooks and Atom feeds.
//!
//! `poll` and `ingest` run in other processes than `serve`, so events travel through the store:
//! writers append to the `events` outbox in the transaction of the change, and one tailer task
//! here reads it every [`LiveConfig::poll_interval_ms`] and fans the new events out on a
//! broadcast channel. SSE clients and webhook workers read from that channel, and fall back to
//! the store whenever they are behind (a resume with `Last-Event-ID`, a lagged receiver, a
//! webhook whose durable cursor is older than the channel), so nothing is dropped silently.
//!
//! Writes (`POST`/`DELETE /api/webhooks`) need the API token: the merged application applies its
//! auth middleware to every non-GET route, so the handlers here do not check it themselves.

mod atom;
mod sse;
mod webhooks;

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::prelude::*;

use axum::Json;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use model::Event;
use serde::{Deserialize, Serialize};
use store::{AnyStore, Location};
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

pub use webhooks::{SIGNATURE_HEADER, sign};

/// Settings of the live part of `serve` (the `[live]` section of the config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LiveConfig {
    /// Milliseconds between two reads of the outbox (how soon an event written by `poll` shows).
    pub poll_interval_ms: u64,
    /// Seconds between SSE keep-alive comments, so proxies keep idle streams open.
    pub keep_alive_secs: u64,
    /// Events buffered for each live client; a client further behind reads the rest from the
    /// store, so this trades memory for store reads, never for lost events.
    pub channel_capacity: usize,
    /// Hours an event stays in the outbox; older ones are pruned. A client or webhook further
    /// behind than this misses the pruned events.
    pub retention_hours: u64,
    /// Most events kept in the outbox, whatever their age.
    pub max_events: u64,
    /// The address people reach the server at (`https://news.example.org`), for links in Atom
    /// feeds; without it the request's `Host` is used.
    pub public_url: Option<String>,
    /// Most entries in one Atom feed (the newest ones).
    pub feed_entries: usize,
    /// Whether webhooks may target loopback, private and link-local addresses (tests, an
    /// intranet receiver). Off by default: a webhook URL is user input and must not reach
    /// internal services.
    pub allow_private: bool,
    /// Seconds one webhook delivery attempt may take.
    pub webhook_timeout_secs: u64,
    /// Attempts per delivery before it is given up and recorded as failed.
    pub webhook_max_attempts: u32,
    /// Wait before the first retry, in milliseconds; it doubles with each further retry.
    pub webhook_initial_backoff_ms: u64,
    /// Longest wait between two attempts, in milliseconds.
    pub webhook_max_backoff_ms: u64,
    /// Share of each wait drawn at random (0 to 1), so receivers that failed together are not
    /// retried in lockstep.
    pub webhook_jitter: f64,
    /// Webhooks from the config file (the top-level `[[webhooks]]` tables, copied here by the
    /// binary; not a key of `[live]`).
    #[serde(skip)]
    pub webhooks: Vec<WebhookConfig>,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            poll_interval_ms: 500,
            keep_alive_secs: 15,
            channel_capacity: 1024,
            retention_hours: 24 * 7,
            max_events: 100_000,
            public_url: None,
            feed_entries: 100,
            allow_private: false,
            webhook_timeout_secs: 10,
            webhook_max_attempts: 5,
            webhook_initial_backoff_ms: 1000,
            webhook_max_backoff_ms: 300_000,
            webhook_jitter: 0.5,
            webhooks: Vec::new(),
        }
    }
}

/// One webhook configured in the config file (a `[[webhooks]]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Where deliveries are POSTed; it also identifies the webhook across restarts.
    pub url: String,
    /// The key of the `X-Wirewatch-Signature` HMAC-SHA256.
    pub secret: String,
    /// Event kinds delivered (`story.new`, `story.breaking`, `finding.new`, `story.merged`);
    /// empty means all.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Only events of this story.
    #[serde(default)]
    pub story: Option<String>,
    /// Only events of this entity.
    #[serde(default)]
    pub entity: Option<i64>,
    /// Only events whose text (label, explanation...) contains every word of this query.
    #[serde(default)]
    pub query: Option<String>,
}

impl WebhookConfig {
    fn to_new(&self) -> store::NewWebhook {
        store::NewWebhook {
            url: self.url.trim().to_string(),
            secret: self.secret.clone(),
            kinds: self.kinds.clone(),
            story: self.story.clone(),
            entity: self.entity,
            query: self.query.clone().filter(|q| !q.trim().is_empty()),
        }
    }
}

impl LiveConfig {
    /// Checks the settings, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        if self.poll_interval_ms < 10 {
            return bad("live.poll_interval_ms must be at least 10".into());
        }
        if self.channel_capacity == 0 {
            return bad("live.channel_capacity must be at least 1".into());
        }
        if self.keep_alive_secs == 0 {
            return bad("live.keep_alive_secs must be at least 1".into());
        }
        if self.feed_entries == 0 {
            return bad("live.feed_entries must be at least 1".into());
        }
        if self.webhook_max_attempts == 0 {
            return bad("live.webhook_max_attempts must be at least 1".into());
        }
        if self.webhook_timeout_secs == 0 {
            return bad("live.webhook_timeout_secs must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.webhook_jitter) {
            return bad(format!(
                "live.webhook_jitter must be between 0 and 1, not {}",
                self.webhook_jitter
            ));
        }
        if let Some(u) = &self.public_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return bad(format!("live.public_url {u:?} must be an http(s) URL"));
        }
        for (i, hook) in self.webhooks.iter().enumerate() {
            let name = format!("webhooks[{i}] ({})", hook.url);
            webhooks::validate(&hook.to_new())
                .map_err(|m| Error::Config(format!("{name}: {m}")))?;
            if self.webhooks[..i].iter().any(|h| h.url.trim() == hook.url.trim()) {
                return bad(format!("{name}: the same URL is configured twice"));
            }
        }
        Ok(())
    }

    fn retry(&self) -> webhooks::RetryPolicy {
        webhooks::RetryPolicy {
            max_attempts: self.webhook_max_attempts,
            initial: Duration::from_millis(self.webhook_initial_backoff_ms),
            max: Duration::from_millis(
                self.webhook_max_backoff_ms.max(self.webhook_initial_backoff_ms),
            ),
            jitter: self.webhook_jitter,
        }
    }
}

/// Errors of the live part, each with its HTTP status and a stable snake_case code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is invalid.
    #[error("invalid live configuration: {0}")]
    Config(String),
    /// A request is malformed (a bad filter, an invalid webhook).
    #[error("{0}")]
    BadRequest(String),
    /// The thing asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request conflicts with the state (deleting a webhook that comes from the config file).
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] store::Error),
    /// The HTTP client could not be built.
    #[error("webhook client: {0}")]
    Ingest(#[from] ingest::Error),
    /// A blocking task panicked or was cancelled.
    #[error("internal task failed: {0}")]
    Task(String),
}

impl Error {
    /// Its code in the server's one table of codes (`crate::ErrorCode`), so API clients see the
    /// same codes from every route.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode;
        match self {
            Error::BadRequest(_) => ErrorCode::BadRequest,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Store(e) => crate::error::store_code(e),
            Error::Config(_) | Error::Ingest(_) | Error::Task(_) => ErrorCode::Internal,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let code = self.code();
        // Our own failures are logged; clients get the code and no internals.
        let message = if code == crate::ErrorCode::Internal {
            tracing::error!(error = %self, "live request failed");
            "internal error; see the server log".to_string()
        } else {
            self.to_string()
        };
        let body = serde_json::json!({"error": {"code": code.as_str(), "message": message}});
        (code.status(), Json(body)).into_response()
    }
}

/// Result alias of the live part.
pub type Result<T> = std::result::Result<T, Error>;

/// Most events read from the outbox at once.
const PAGE: usize = 500;
/// How often old events are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

struct Inner {
    store: Mutex<Box<dyn AnyStore>>,
    tx: broadcast::Sender<Arc<Event>>,
    /// The id of the last event broadcast (the tailer's watermark).
    published: AtomicI64,
    config: LiveConfig,
    client: ingest::http::Client,
    shutdown: CancellationToken,
    /// Wakes the webhook dispatcher (a webhook was added, new events were broadcast).
    wake: Notify,
    /// Webhooks with a delivery worker running.
    running: Mutex<std::collections::HashSet<i64>>,
    /// Who this server is when it takes webhook leases (unique per process).
    owner: String,
    /// The local directory, where the search index of saved-search feeds lives.
    local_dir: std::path::PathBuf,
    /// The search index, opened at the first saved-search feed request (its reader follows the
    /// writer's commits).
    search: std::sync::OnceLock<Arc<store::search::SearchIndex>>,
}

/// The running live part: the tailer, the webhook dispatcher and what the routes share. Cheap to
/// clone.
#[derive(Clone)]
pub struct LiveState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LiveState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveState")
            .field("published", &self.inner.published.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // No code panics while holding these locks, so a poisoned one still holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl LiveState {
    /// Opens the store at `location`, syncs the configured webhooks into it, and spawns the
    /// outbox tailer and the webhook dispatcher on the current tokio runtime. Both stop when
    /// `shutdown` is cancelled, as do open SSE streams (so a graceful shutdown is not held up
    /// by them).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (it spawns its tasks on the current one).
    pub fn start(
        location: &Location,
        local_dir: &Path,
        config: LiveConfig,
        shutdown: CancellationToken,
    ) -> Result<LiveState> {
        config.validate()?;
        let mut store = location.open()?;
        let hooks: Vec<store::NewWebhook> = config.webhooks.iter().map(|h| h.to_new()).collect();
        store.sync_config_webhooks(&hooks)?;
        // New SSE clients start from here: what happened before `serve` started is history
        // (they may ask for it with Last-Event-ID).
        let published = store.latest_event_id()?;
        let client = ingest::http::Client::new(ingest::http::HttpConfig {
            allow_private_addresses: config.allow_private,
            connect_timeout_secs: config.webhook_timeout_secs.min(10),
            read_timeout_secs: config.webhook_timeout_secs,
            total_timeout_secs: config.webhook_timeout_secs,
            respect_robots: false,
            ..Default::default()
        })?;
        let (tx, _) = broadcast::channel(config.channel_capacity);
        let state = LiveState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                tx,
                published: AtomicI64::new(published),
                config,
                client,
                shutdown,
                wake: Notify::new(),
                running: Mutex::default(),
                owner: format!("serve:{}:{}", std::process::id(), crate::security::random_hex(6)),
                local_dir: local_dir.to_path_buf(),
                search: std::sync::OnceLock::new(),
            }),
        };
        tokio::spawn(tail(state.clone()));
        tokio::spawn(webhooks::dispatch(state.clone()));
        Ok(state)
    }

    /// The id of the last event broadcast to live clients.
    pub fn published(&self) -> i64 {
        self.inner.published.load(Ordering::Acquire)
    }

    fn config(&self) -> &LiveConfig {
        &self.inner.config
    }

    /// Runs a search off the async runtime, opening the index the first time.
    async fn search(&self, q: store::search::SearchQuery) -> Result<store::search::SearchResults> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let index = match inner.search.get() {
                Some(i) => i.clone(),
                None => {
                    let opened = Arc::new(store::search::SearchIndex::open(&inner.local_dir)?);
                    inner.search.get_or_init(|| opened).clone()
                }
            };
            index.search(&q)
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?
        .map_err(Error::from)
    }

    /// Runs `f` on the store off the async runtime.
    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn AnyStore) -> store::Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(lock(&inner.store).as_mut()))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
            .map_err(Error::from)
    }
}

/// The routes of the live part, with their state applied: `GET /api/events` (SSE),
/// `GET`/`POST /api/webhooks`, `DELETE /api/webhooks/{id}`, `GET /feeds/stories/{id}.atom`,
/// `GET /feeds/entities/{id}.atom`.
pub fn router(state: LiveState) -> axum::Router {
    axum::Router::new()
        .route("/api/events", get(sse::events))
        .route("/api/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/api/webhooks/{id}", delete(webhooks::remove))
        .route("/feeds/stories/{file}", get(atom::story))
        .route("/feeds/entities/{file}", get(atom::entity))
        .route("/feeds/search.atom", get(atom::search))
        .with_state(state)
}

/// The outbox tailer: reads new events from the store and broadcasts them, and prunes old ones.
async fn tail(state: LiveState) {
    let interval = Duration::from_millis(state.config().poll_interval_ms);
    let mut last = state.published();
    let mut next_prune = tokio::time::Instant::now();
    loop {
        let read = state.with_store(move |s| s.events_after(last, PAGE)).await;
        let full = match read {
            Ok(events) => {
                let full = events.len() == PAGE;
                for e in events {
                    last = e.id;
                    state.inner.published.store(last, Ordering::Release);
                    // No receiver is fine: nobody is listening right now.
                    let _ = state.inner.tx.send(Arc::new(e));
                }
                state.inner.wake.notify_one();
                full
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading the events outbox failed; retrying");
                false
            }
        };
        if tokio::time::Instant::now() >= next_prune {
            next_prune += PRUNE_EVERY;
            let cfg = state.config();
            let cutoff = (chrono::Utc::now()
                - chrono::Duration::hours(cfg.retention_hours.min(1 << 20) as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let keep = cfg.max_events;
            match state.with_store(move |s| s.prune_events(&cutoff, keep)).await {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "pruned old events"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning the events outbox failed"),
            }
        }
        // A full page means more are waiting: read on at once.
        if full {
            if state.inner.shutdown.is_cancelled() {
                return;
            }
            continue;
        }
        tokio::select! {
            _ = state.inner.shutdown.cancelled() => return,
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

/// Which events a client or webhook wants.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub kinds: Vec<String>,
    pub story: Option<String>,
    pub entity: Option<i64>,
    /// Lower-case words that must all occur in the event's text.
    pub words: Vec<String>,
}

impl Filter {
    pub(crate) fn new(
        kinds: Vec<String>,
        story: Option<String>,
        entity: Option<i64>,
        query: Option<&str>,
    ) -> Filter {
        let words = query
            .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        Filter { kinds, story, entity, words }
    }

    pub(crate) fn matches(&self, e: &Event) -> bool {
        if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == &e.kind) {
            return false;
        }
        if self.story.as_ref().is_some_and(|s| e.story.as_ref() != Some(s)) {
            return false;
        }
        if self.entity.is_some_and(|id| e.entity != Some(id)) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let mut text = String::new();
        collect_text(&e.payload, &mut text);
        let text = text.to_lowercase();
        self.words.iter().all(|w| text.contains(w.as_str()))
    }
}

/// Every string in a JSON value, space-separated.
fn collect_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_text(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| collect_text(v, out)),
        _ => {}
    }
}

/// Parses a comma-separated list of event kinds, refusing unknown ones.
pub(crate) fn parse_kinds(list: &[String]) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    for k in list.iter().flat_map(|k| k.split(',')).map(str::trim).filter(|k| !k.is_empty()) {
        if !model::event::EVENT_KINDS.contains(&k) {
            return Err(format!(
                "unknown event kind {k:?} (known: {})",
                model::event::EVENT_KINDS.join(", ")
            ));
        }
        out.push(k.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, story: &str, label: &str) -> Event {
        Event {
            id: 1,
            kind: kind.into(),
            story: Some(story.into()),
            entity: None,
            payload: serde_json::json!({"label": label, "outlets": ["Reuters"]}),
            created: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn filter_by_kind_story_and_words() {
        let e = event("story.breaking", "s3", "Earthquake hits Lima");
        assert!(Filter::default().matches(&e));
        assert!(Filter::new(vec!["story.breaking".into()], None, None, None).matches(&e));
        assert!(!Filter::new(vec!["story.new".into()], None, None, None).matches(&e));
        assert!(!Filter::new(vec![], Some("s4".into()), None, None).matches(&e));
        assert!(Filter::new(vec![], None, None, Some("lima EARTHQUAKE reuters")).matches(&e));
        assert!(!Filter::new(vec![], None, None, Some("lima flood")).matches(&e));
        assert!(!Filter::new(vec![], None, Some(7), None).matches(&e));
    }

    #[test]
    fn kinds_are_checked() {
        assert_eq!(
            parse_kinds(&["story.new, finding.new".into()]).unwrap(),
            ["story.new", "finding.new"]
        );
        assert!(parse_kinds(&["story.nwe".into()]).unwrap_err().contains("story.nwe"));
    }

    #[test]
    fn config_rejects_unknown_keys_and_bad_values() {
        let err = serde_json::from_str::<LiveConfig>("{\"poll_intervall_ms\": 5}").unwrap_err();
        assert!(err.to_string().contains("poll_intervall_ms"), "{err}");
        assert!(LiveConfig::default().validate().is_ok());
        let cfg = LiveConfig { webhook_jitter: 2.0, ..Default::default() };
        assert!(cfg.validate().unwrap_err().to_string().contains("webhook_jitter"));
        let hook = WebhookConfig {
            url: "https://h.example/x".into(),
            secret: "s3cret".into(),
            kinds: vec!["story.new".into()],
            story: None,
            entity: None,
            query: None,
        };
        let twice = LiveConfig { webhooks: vec![hook.clone(), hook.clone()], ..Default::default() };
        assert!(twice.validate().unwrap_err().to_string().contains("twice"));
        let bad = WebhookConfig { kinds: vec!["nope".into()], ..hook };
        let cfg = LiveConfig { webhooks: vec![bad], ..Default::default() };
        assert!(cfg.validate().unwrap_err().to_string().contains("webhooks[0]"));
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn live_errors_use_the_server_codes_and_hide_internals() {
        use crate::ErrorCode;
        assert_eq!(Error::Conflict("from the config".into()).code(), ErrorCode::Conflict);
        assert_eq!(
            Error::from(store::Error::NotFound("webhook 3".into())).code(),
            ErrorCode::NotFound
        );
        assert_eq!(Error::Task("panicked".into()).code(), ErrorCode::Internal);
        assert!(ErrorCode::ALL.contains(&ErrorCode::Conflict));
        let resp = Error::Task("secret detail".into()).into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let resp = Error::Conflict("x".into()).into_response();
        assert_eq!(resp.status(), StatusCode::CONFLICT);
    }
}
