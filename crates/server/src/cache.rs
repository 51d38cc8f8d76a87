//! A cache of rendered GET responses, so a page many readers open at once (a breaking story,
//! the home page) is assembled once per change of the data rather than once per reader.
//!
//! Entries are keyed by path and query and stamped with what they were built from: the store's
//! data version (`store::Database::data_version`, read on a connection of its own: SQLite's
//! `PRAGMA data_version`, or a hash of PostgreSQL's current snapshot; either changes whenever any
//! connection of any process commits a write: a `poll` or a worker beside the server, another
//! server, or this one) and the search index's reader generation. A request whose stamp differs from the cache's empties it first,
//! so a reader never sees a page older than the last commit, and nothing has to announce writes.
//!
//! Only what is the same for every reader is cached: GETs of visitors who are not logged in
//! (a logged-in page carries forms with the browser's CSRF token), never the login form, the
//! event stream or webhook settings. Security headers, the CSP nonce and cookies are added by
//! `security::guard` outside this layer, per response. Entries count against a byte budget
//! (`server.cache_mb`, 0 turns the cache off); the oldest go first.
//!
//! Responses also carry an `ETag` built from the stamp, so a browser's revalidation of an
//! unchanged page costs a `304` and no body.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store::{AnyStore, Location};

use crate::AppState;
use crate::security::RequestCtx;

/// Largest single response kept (a story's JSON with a 400-entry timeline is ~1 MB).
const MAX_ENTRY: usize = 4 << 20;

/// What a response was built from: the store's data version and the search generation.
type Stamp = (i64, u64);

/// One kept response.
#[derive(Debug, Clone)]
struct Entry {
    content_type: Option<HeaderValue>,
    etag: HeaderValue,
    body: Bytes,
}

#[derive(Debug, Default)]
struct Inner {
    stamp: Option<Stamp>,
    entries: HashMap<String, Entry>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The cache (see the module docs).
pub struct ResponseCache {
    budget: usize,
    /// A connection used only to read `data_version`; `None` when the cache is off.
    watcher: Option<Mutex<Box<dyn AnyStore>>>,
    /// Whether reading the data version is a round trip to a server (PostgreSQL), which must
    /// not block the async runtime; SQLite's is a read of shared memory.
    remote: bool,
    /// Per-process salt in ETags: data versions restart with the process.
    salt: u64,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("budget", &self.budget)
            .field("enabled", &self.enabled())
            .finish_non_exhaustive()
    }
}

impl ResponseCache {
    /// A cache of at most `budget_bytes` over the store at `location` (0: no cache).
    pub fn open(location: &Location, budget_bytes: usize) -> crate::Result<ResponseCache> {
        let watcher = if budget_bytes > 0 { Some(Mutex::new(location.open()?)) } else { None };
        let salt = u64::from_str_radix(&crate::security::random_hex(8), 16).unwrap_or(0);
        Ok(ResponseCache {
            budget: budget_bytes,
            watcher,
            remote: location.is_postgres(),
            salt,
            inner: Mutex::default(),
        })
    }

    /// Whether responses are kept at all.
    pub fn enabled(&self) -> bool {
        self.watcher.is_some()
    }

    /// The current stamp, or `None` when it cannot be read (then nothing is cached); on
    /// PostgreSQL the data version is read on the blocking pool.
    async fn current(
        self: &Arc<Self>,
        search: &std::result::Result<store::search::SearchIndex, String>,
    ) -> Option<Stamp> {
        let data = if self.remote {
            let me = self.clone();
            tokio::task::spawn_blocking(move || me.data_version()).await.ok()??
        } else {
            self.data_version()?
        };
        let index = search.as_ref().map(|s| s.generation()).unwrap_or(0);
        Some((data, index))
    }

    /// The store's data version, read now (blocking on PostgreSQL).
    fn data_version(&self) -> Option<i64> {
        // The connection holds no state a panic elsewhere could have left half-changed.
        let watcher = self.watcher.as_ref()?.lock().unwrap_or_else(|e| e.into_inner());
        watcher.data_version().ok()
    }

    fn etag(&self, stamp: Stamp, key: &str) -> HeaderValue {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.salt, stamp, key).hash(&mut h);
        HeaderValue::from_str(&format!("\"{:016x}\"", h.finish()))
            .unwrap_or(HeaderValue::from_static("\"0\""))
    }

    /// The entry for `key` if it was built at `stamp`; a new stamp empties the cache.
    fn get(&self, key: &str, stamp: Stamp) -> Option<Entry> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.stamp != Some(stamp) {
            *inner = Inner { stamp: Some(stamp), ..Inner::default() };
            return None;
        }
        inner.entries.get(key).cloned()
    }

    fn put(&self, key: String, stamp: Stamp, entry: Entry) {
        let size = entry.body.len() + key.len();
        if size > MAX_ENTRY || size > self.budget {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.stamp != Some(stamp) {
            // Built from data that has changed since: do not keep it.
            return;
        }
        while inner.bytes + size > self.budget {
            let Some(old) = inner.order.pop_front() else { break };
            if let Some(e) = inner.entries.remove(&old) {
                inner.bytes -= e.body.len() + old.len();
            }
        }
        if let Some(e) = inner.entries.insert(key.clone(), entry) {
            inner.bytes -= e.body.len() + key.len();
            inner.order.retain(|k| k != &key);
        }
        inner.bytes += size;
        inner.order.push_back(key);
    }
}

/// Paths whose GET answer is the same for every visitor who is not logged in.
fn cacheable_path(path: &str) -> bool {
    !(path == "/login"
        || path.starts_with("/api/events")
        || path.starts_with("/api/webhooks")
        || path.starts_with("/static/"))
}

fn not_modified(req: &Request, etag: &HeaderValue) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag.to_str().unwrap_or("")))
}

fn respond(entry: &Entry, not_modified: bool) -> Response {
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(entry.body.clone()))
    };
    let h = resp.headers_mut();
    if let Some(ct) = &entry.content_type
        && !not_modified
    {
        h.insert(header::CONTENT_TYPE, ct.clone());
    }
    h.insert(header::ETAG, entry.etag.clone());
    // Browsers may keep it but must ask again (a cheap 304) before showing it.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// The middleware: answers from the cache when it can, keeps successful answers otherwise.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let logged_in = req.extensions().get::<RequestCtx>().is_none_or(|c| c.logged_in);
    let cache = &state.cache;
    if req.method() != Method::GET
        || logged_in
        || !cache.enabled()
        || !cacheable_path(req.uri().path())
    {
        return next.run(req).await;
    }
    let Some(stamp) = cache.current(&state.search).await else { return next.run(req).await };
    let key = req.uri().to_string();
    if let Some(entry) = cache.get(&key, stamp) {
        return respond(&entry, not_modified(&req, &entry.etag));
    }
    let etag = cache.etag(stamp, &key);
    let revalidating = not_modified(&req, &etag);
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            return crate::Error::Internal(format!("reading a response to cache it: {e}"))
                .into_response();
        }
    };
    let entry =
        Entry { content_type: parts.headers.get(header::CONTENT_TYPE).cloned(), etag, body };
    let out = respond(&entry, revalidating);
    cache.put(key, stamp, entry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(budget: usize) -> (tempfile::TempDir, ResponseCache) {
        let dir = tempfile::tempdir().unwrap();
        let c = ResponseCache::open(&Location::Dir(dir.path().to_owned()), budget).unwrap();
        (dir, c)
    }

    fn entry(c: &ResponseCache, body: &str) -> Entry {
        Entry {
            content_type: None,
            etag: c.etag((1, 0), body),
            body: Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn a_new_stamp_empties_the_cache() {
        let (_d, c) = cache(1 << 20);
        assert!(c.get("/a", (1, 0)).is_none());
        c.put("/a".into(), (1, 0), entry(&c, "one"));
        assert_eq!(c.get("/a", (1, 0)).unwrap().body, "one");
        assert!(c.get("/a", (2, 0)).is_none());
        assert!(c.get("/a", (2, 0)).is_none());
        // Built before the change: not kept.
        c.put("/a".into(), (1, 0), entry(&c, "stale"));
        assert!(c.get("/a", (2, 0)).is_none());
    }

    #[test]
    fn the_budget_evicts_the_oldest() {
        let (_d, c) = cache(30);
        c.get("/", (1, 0));
        c.put("/a".into(), (1, 0), entry(&c, &"a".repeat(15)));
        c.put("/b".into(), (1, 0), entry(&c, &"b".repeat(15)));
        assert!(c.get("/a", (1, 0)).is_none(), "the oldest went to make room");
        assert!(c.get("/b", (1, 0)).is_some());
        c.put("/big".into(), (1, 0), entry(&c, &"c".repeat(100)));
        assert!(c.get("/big", (1, 0)).is_none(), "larger than the whole budget");
        assert!(c.get("/b", (1, 0)).is_some());
    }

    #[test]
    fn the_stamp_follows_commits_of_other_connections() {
        let (dir, c) = cache(1 << 20);
        let before = c.data_version().unwrap();
        assert_eq!(c.data_version().unwrap(), before);
        let mut other = store::SqliteStore::open(dir.path()).unwrap();
        let doc = model::RawDocument {
            key: model::DocKey("k".into()),
            url: None,
            canonical_url: None,
            outlet: None,
            title: None,
            published: None,
            fetched_at: chrono::Utc::now(),
            source_kind: model::SourceKind::Jsonl,
            origin: "test".into(),
            content_kind: model::ContentKind::Text,
            content: "Some text.".into(),
            diagnostics: Vec::new(),
            analysis: None,
        };
        model::Store::put_documents(&mut other, &[doc]).unwrap();
        assert_ne!(c.data_version().unwrap(), before);
        assert!(!ResponseCache::open(&Location::Dir(dir.path().to_owned()), 0).unwrap().enabled());
    }
}
