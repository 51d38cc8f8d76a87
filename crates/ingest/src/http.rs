//! The one HTTP client of wirewatch: polite (robots.txt, per-host rate limit and concurrency, a
//! clear User-Agent), bounded (timeouts, body and decompressed caps, redirect limit) and guarded
//! against SSRF (internal addresses refused after DNS resolution and on every redirect hop).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use model::{ContentKind, Diagnostic, RawDocument, SourceKind};
use reqwest::header::{self, HeaderMap};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::files::ItemError;
use crate::page::{DocInput, build_document};
use crate::robots::Rules;
use crate::{Error, Result, decode, ssrf};

/// The user agent product token matched against robots.txt groups.
pub const ROBOTS_AGENT: &str = "wirewatch";

/// Settings of the HTTP client.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
    /// Seconds allowed to establish a connection.
    pub connect_timeout_secs: u64,
    /// Seconds allowed between two reads of a response.
    pub read_timeout_secs: u64,
    /// Seconds allowed for one whole request, body included (a slow drip cannot hold a slot).
    pub total_timeout_secs: u64,
    /// Most body bytes read, after decompression; longer bodies are cut and marked truncated.
    pub max_body_bytes: u64,
    /// Most redirects followed for one request.
    pub max_redirects: u32,
    /// Least time between the starts of two requests to one host, in milliseconds.
    pub per_host_interval_ms: u64,
    /// Most requests in flight to one host.
    pub per_host_concurrency: usize,
    /// Most requests in flight overall.
    pub max_concurrency: usize,
    /// Whether robots.txt is fetched and obeyed.
    pub respect_robots: bool,
    /// Seconds a fetched robots.txt is trusted before it is fetched again.
    pub robots_cache_secs: u64,
    /// Whether loopback, private and link-local addresses may be fetched (tests, intranets).
    pub allow_private_addresses: bool,
    /// Host names or IP literals exempt from the SSRF guard even when private addresses are
    /// refused, e.g. an intranet feed server. Redirects elsewhere are still checked.
    pub allowed_private_hosts: Vec<String>,
    /// Host names answered with these addresses instead of DNS, like curl's `--resolve`: a
    /// staging server, or one local test server standing in for many hosts. The SSRF guard
    /// checks the given addresses as it would resolved ones.
    pub resolve: std::collections::BTreeMap<String, Vec<IpAddr>>,
}

/// What to set to subscribe to a feed on an internal address on purpose.
pub const PRIVATE_HINT: &str = "a feed on an internal server needs http.allowed_private_hosts (or http.allow_private_addresses)";

impl HttpConfig {
    /// Why the SSRF guard would refuse `url`, decided without the network (for subscribing a
    /// feed: `feeds add`, `POST /api/feeds`): an IP literal or an `[http.resolve]` address
    /// that is loopback, private, link-local or otherwise internal, or a `localhost` name.
    /// `None` when it may be fetched as far as can be told now; a name that DNS points at an
    /// internal address is still refused when it is fetched.
    pub fn static_refusal(&self, url: &str) -> Option<String> {
        self.static_refusal_of(&Url::parse(url).ok()?)
    }

    /// [`HttpConfig::static_refusal`] of a parsed URL (also the first check before each fetch).
    fn static_refusal_of(&self, url: &Url) -> Option<String> {
        if self.allow_private_addresses {
            return None;
        }
        let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']');
        if self.allowed_private_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return None;
        }
        match url.host()? {
            url::Host::Ipv4(ip) => ssrf::refusal(IpAddr::V4(ip)).map(|r| format!("{ip} is {r}")),
            url::Host::Ipv6(ip) => ssrf::refusal(IpAddr::V6(ip)).map(|r| format!("{ip} is {r}")),
            url::Host::Domain(d) => {
                let set = self.resolve.iter().find(|(h, _)| h.eq_ignore_ascii_case(d));
                if let Some((_, addrs)) = set {
                    return addrs.iter().find_map(|ip| {
                        ssrf::refusal(*ip)
                            .map(|r| format!("{d} is set to {ip} (http.resolve), {r}"))
                    });
                }
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                // RFC 6761: localhost names are always the loopback interface.
                (d == "localhost" || d.ends_with(".localhost"))
                    .then(|| format!("{d} is a loopback address"))
            }
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: format!(
                "wirewatch/{} (+https://example.invalid/wirewatch)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout_secs: 10,
            read_timeout_secs: 30,
            total_timeout_secs: 120,
            max_body_bytes: 16 << 20,
            max_redirects: 5,
            per_host_interval_ms: 1000,
            per_host_concurrency: 2,
            max_concurrency: 16,
            respect_robots: true,
            robots_cache_secs: 3600,
            allow_private_addresses: false,
            allowed_private_hosts: Vec::new(),
            resolve: std::collections::BTreeMap::new(),
        }
    }
}

/// Validators from an earlier response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` seen, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` seen, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A response, its body read up to the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The URL after redirects.
    pub final_url: String,
    /// The final status (2xx, or 304 when `not_modified`).
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// `Content-Location`, if sent, resolved against the final URL.
    pub content_location: Option<String>,
    /// `ETag`, if sent.
    pub etag: Option<String>,
    /// `Last-Modified`, if sent.
    pub last_modified: Option<String>,
    /// The body, decompressed, at most `max_body_bytes`.
    pub body: Vec<u8>,
    /// Whether the server answered 304 Not Modified to a conditional GET.
    pub not_modified: bool,
    /// Whether the body was cut at `max_body_bytes`.
    pub truncated: bool,
}

/// Per-host politeness state.
struct HostState {
    permits: Arc<Semaphore>,
    /// The least gap between request starts: the configured interval, or robots.txt's
    /// `Crawl-delay` when that is longer.
    interval_ms: AtomicU64,
    /// The earliest start of the next request to this host.
    next_start: Mutex<Instant>,
}

/// Concurrency permits held for the life of one request, body included.
struct Permits {
    _host: tokio::sync::OwnedSemaphorePermit,
    _global: tokio::sync::OwnedSemaphorePermit,
}

/// An origin's robots.txt rules and until when they are trusted.
type RobotsSlot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<Rules>)>>>;

struct Inner {
    cfg: HttpConfig,
    http: reqwest::Client,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    robots: Mutex<HashMap<String, RobotsSlot>>,
}

/// The HTTP client. Cheap to clone; clones share limits, robots cache and connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("cfg", &self.inner.cfg).finish_non_exhaustive()
    }
}

/// Locks a std mutex, recovering from poisoning: the guarded data stays consistent because no
/// code panics while holding these locks.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Client {
    /// Builds a client; fails on an unusable configuration.
    pub fn new(cfg: HttpConfig) -> Result<Client> {
        if cfg.per_host_concurrency == 0 || cfg.max_concurrency == 0 {
            return Err(Error::Config(
                "per_host_concurrency and max_concurrency must be at least 1".into(),
            ));
        }
        if cfg.user_agent.trim().is_empty() {
            return Err(Error::Config("user_agent must not be empty".into()));
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(cfg.connect_timeout_secs.max(1)))
            .read_timeout(Duration::from_secs(cfg.read_timeout_secs.max(1)))
            .timeout(Duration::from_secs(cfg.total_timeout_secs.max(1)));
        if !cfg.allow_private_addresses {
            let exempt = cfg.allowed_private_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
            builder = builder.dns_resolver(ssrf::GuardedResolver { exempt });
        }
        for (host, addrs) in &cfg.resolve {
            if addrs.is_empty() {
                return Err(Error::Config(format!("http.resolve: no address given for {host}")));
            }
            // Port 0: the URL's own port (or the scheme's) is used.
            let addrs: Vec<std::net::SocketAddr> =
                addrs.iter().map(|ip| std::net::SocketAddr::new(*ip, 0)).collect();
            builder = builder.resolve_to_addrs(host, &addrs);
        }
        let http = builder.build().map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                global: Arc::new(Semaphore::new(cfg.max_concurrency)),
                cfg,
                http,
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.cfg
    }

    /// GETs `url`, following redirects (each hop checked against the SSRF guard and robots.txt),
    /// politely, and reads the body up to the cap. With `conditional`, sends `If-None-Match` /
    /// `If-Modified-Since` and returns `not_modified` on 304. Error statuses are errors.
    pub async fn get(&self, url: &str, conditional: Option<&Validators>) -> Result<Response> {
        let mut current = parse_url(url)?;
        let mut hops = 0u32;
        loop {
            self.check_target(&current).await?;
            if self.inner.cfg.respect_robots {
                self.check_robots(&current).await?;
            }
            let mut headers = HeaderMap::new();
            if let Some(v) = conditional {
                if let Some(etag) = v.etag.as_deref().and_then(|e| e.parse().ok()) {
                    headers.insert(header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = v.last_modified.as_deref().and_then(|e| e.parse().ok()) {
                    headers.insert(header::IF_MODIFIED_SINCE, lm);
                }
            }
            let (resp, _permits) = self.send(&current, headers).await?;
            let status = resp.status().as_u16();
            if resp.status().is_redirection() && status != 304 {
                let Some(location) =
                    resp.headers().get(header::LOCATION).and_then(|l| l.to_str().ok())
                else {
                    return Err(Error::Status { url: current.to_string(), status });
                };
                let next = current.join(location).map_err(|e| Error::InvalidUrl {
                    url: location.to_string(),
                    reason: format!("bad redirect from {current}: {e}"),
                })?;
                if next.scheme() != "http" && next.scheme() != "https" {
                    return Err(Error::InvalidUrl {
                        url: next.to_string(),
                        reason: format!("redirect from {current} to a non-http(s) URL"),
                    });
                }
                hops += 1;
                if hops > self.inner.cfg.max_redirects {
                    return Err(Error::TooManyRedirects {
                        url: url.to_string(),
                        limit: self.inner.cfg.max_redirects,
                    });
                }
                current = next;
                continue;
            }
            let text = |name: header::HeaderName| {
                resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
            };
            let content_type = text(header::CONTENT_TYPE);
            let content_location = text(header::CONTENT_LOCATION)
                .and_then(|l| current.join(l.trim()).ok())
                .filter(|u| u.scheme() == "http" || u.scheme() == "https")
                .map(String::from);
            let etag = text(header::ETAG);
            let last_modified = text(header::LAST_MODIFIED);
            if status == 304 {
                return Ok(Response {
                    final_url: current.to_string(),
                    status,
                    content_type,
                    content_location,
                    etag,
                    last_modified,
                    body: Vec::new(),
                    not_modified: true,
                    truncated: false,
                });
            }
            if !resp.status().is_success() {
                return Err(Error::Status { url: current.to_string(), status });
            }
            let (body, truncated) = self.read_body(resp, &current).await?;
            return Ok(Response {
                final_url: current.to_string(),
                status,
                content_type,
                content_location,
                etag,
                last_modified,
                body,
                not_modified: false,
                truncated,
            });
        }
    }

    /// Fetches a page and builds its document (`origin` is the URL asked for; the document's URL
    /// is the one after redirects). Non-HTML, non-text responses are item errors.
    pub async fn fetch_page(
        &self,
        url: &str,
        source_kind: SourceKind,
    ) -> std::result::Result<RawDocument, ItemError> {
        let fetched_at = chrono::Utc::now();
        let resp = self.get(url, None).await.map_err(|e| ItemError::new(url, e.to_string()))?;
        let ct = resp.content_type.clone().unwrap_or_default().to_ascii_lowercase();
        let content_kind = if ct.is_empty() || ct.contains("html") {
            ContentKind::Html
        } else if ct.starts_with("text/plain") || ct.starts_with("text/markdown") {
            ContentKind::Text
        } else {
            return Err(ItemError::new(url, format!("not a web page: Content-Type {ct}")));
        };
        let mut diagnostics = Vec::new();
        if resp.truncated {
            diagnostics.push(Diagnostic::warning(
                "truncated_input",
                format!("{url}: body cut at {} bytes", self.inner.cfg.max_body_bytes),
            ));
        }
        let (content, d) = decode::decode(&resp.body, resp.content_type.as_deref());
        diagnostics.extend(d);
        Ok(build_document(DocInput {
            url: Some(resp.final_url),
            content,
            content_kind,
            title: None,
            published: None,
            source: None,
            source_kind,
            origin: url.to_string(),
            fetched_at,
            diagnostics,
        }))
    }

    /// Checks that `url` is an http(s) URL this client may reach: parsed, and not pointing at an
    /// internal address unless the configuration allows it. For validating a URL when it is
    /// configured (a webhook target), long before anything is sent to it.
    pub async fn check_url(&self, url: &str) -> Result<()> {
        self.check_target(&parse_url(url)?).await
    }

    /// POSTs `body` to `url` once (a webhook delivery), with `headers` added. The SSRF guard
    /// applies as for GETs; redirects are not followed (a receiver that moved answers 3xx, which
    /// is an error like any non-2xx status); the configured timeouts bound the request; the
    /// overall concurrency limit is shared with fetches. Returns the 2xx status.
    pub async fn post(&self, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Result<u16> {
        let url = parse_url(url)?;
        self.check_target(&url).await?;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let bad = |what: &str| Error::Http {
                url: url.to_string(),
                message: format!("invalid header {what} {name:?}"),
            };
            let name = header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("name"))?;
            let value = header::HeaderValue::from_str(value).map_err(|_| bad("value for"))?;
            map.insert(name, value);
        }
        let _global = self.inner.global.clone().acquire_owned().await.map_err(|_| closed(&url))?;
        tracing::debug!(%url, "POST");
        let resp = self
            .inner
            .http
            .post(url.clone())
            .headers(map)
            .body(body)
            .send()
            .await
            .map_err(|e| Error::Http { url: url.to_string(), message: describe(&e) })?;
        let status = resp.status().as_u16();
        if !resp.status().is_success() {
            return Err(Error::Status { url: url.to_string(), status });
        }
        Ok(status)
    }

    /// Refuses URLs whose host is, or resolves only to, an internal address.
    async fn check_target(&self, url: &Url) -> Result<()> {
        if self.inner.cfg.allow_private_addresses || self.is_exempt(url) {
            return Ok(());
        }
        let refused = |reason: String| Error::Refused { url: url.to_string(), reason };
        // IP literals, `http.resolve` addresses and localhost names: decided without the network.
        if let Some(reason) = self.inner.cfg.static_refusal_of(url) {
            return Err(refused(reason));
        }
        match url.host() {
            None => Err(refused("no host".into())),
            // The resolver filters again at connect time, so a name re-pointed after this check
            // still cannot reach an internal address.
            Some(url::Host::Domain(d)) if self.resolved(d).is_none() => match tokio::time::timeout(
                Duration::from_secs(self.inner.cfg.connect_timeout_secs.max(1)),
                ssrf::public_addrs(d),
            )
            .await
            .unwrap_or_else(|_| {
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "DNS lookup timed out"))
            }) {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    Err(refused(e.to_string()))
                }
                Err(e) => Err(Error::Http {
                    url: url.to_string(),
                    message: format!("cannot resolve {d}: {e}"),
                }),
            },
            Some(_) => Ok(()),
        }
    }

    /// The addresses `http.resolve` gives for host `d`, if any.
    fn resolved(&self, d: &str) -> Option<&[IpAddr]> {
        let resolve = &self.inner.cfg.resolve;
        if resolve.is_empty() {
            return None;
        }
        resolve.iter().find(|(h, _)| h.eq_ignore_ascii_case(d)).map(|(_, a)| a.as_slice())
    }

    fn is_exempt(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else { return false };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.inner.cfg.allowed_private_hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Sends one request politely: per-host permit, per-host spacing, global permit.
    ///
    /// The returned permits must be held until the body has been read.
    async fn send(&self, url: &Url, headers: HeaderMap) -> Result<(reqwest::Response, Permits)> {
        let host = self.host_state(url);
        let host_permit = host.permits.clone().acquire_owned().await.map_err(|_| closed(url))?;
        // The host's slot is taken only once the request can go out (global permit in hand), so
        // a wait for a global permit never squeezes two requests to one host closer than the
        // interval; and no global permit is held while waiting for a host's slot.
        let global = loop {
            let slot = *lock(&host.next_start);
            tokio::time::sleep_until(slot).await;
            let global =
                self.inner.global.clone().acquire_owned().await.map_err(|_| closed(url))?;
            let taken = {
                let mut next = lock(&host.next_start);
                let now = Instant::now();
                let free = now >= *next;
                if free {
                    *next = now + Duration::from_millis(host.interval_ms.load(Ordering::Relaxed));
                }
                free
            };
            if taken {
                break global;
            }
            // Another request to this host went out meanwhile: wait for the slot after it.
        };
        tracing::debug!(%url, "GET");
        let resp = self
            .inner
            .http
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| Error::Http { url: url.to_string(), message: describe(&e) })?;
        Ok((resp, Permits { _host: host_permit, _global: global }))
    }

    fn host_state(&self, url: &Url) -> Arc<HostState> {
        let key = host_key(url);
        let mut hosts = lock(&self.inner.hosts);
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(HostState {
                    permits: Arc::new(Semaphore::new(self.inner.cfg.per_host_concurrency)),
                    interval_ms: AtomicU64::new(self.inner.cfg.per_host_interval_ms),
                    next_start: Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Reads a body chunk by chunk (reqwest has already undone gzip/deflate/br), stopping at the
    /// cap so neither a huge body nor a compression bomb can exhaust memory.
    async fn read_body(&self, mut resp: reqwest::Response, url: &Url) -> Result<(Vec<u8>, bool)> {
        let cap = self.inner.cfg.max_body_bytes;
        let mut body = Vec::new();
        loop {
            let chunk = resp.chunk().await.map_err(|e| Error::Http {
                url: url.to_string(),
                message: format!("reading the body failed: {}", describe(&e)),
            })?;
            let Some(chunk) = chunk else { return Ok((body, false)) };
            let room = cap.saturating_sub(body.len() as u64);
            if chunk.len() as u64 > room {
                body.extend_from_slice(&chunk[..room as usize]);
                return Ok((body, true));
            }
            body.extend_from_slice(&chunk);
        }
    }

    async fn check_robots(&self, url: &Url) -> Result<()> {
        if url.path() == "/robots.txt" {
            return Ok(());
        }
        let rules = self.robots_for(url).await;
        if rules.allowed(url.as_str()) {
            Ok(())
        } else {
            Err(Error::RobotsDisallowed { url: url.to_string(), host: host_key(url) })
        }
    }

    /// The robots.txt rules of `url`'s origin, fetched at most once per TTL (concurrent callers
    /// wait for the one fetch).
    async fn robots_for(&self, url: &Url) -> Arc<Rules> {
        let origin = url.origin().ascii_serialization();
        let slot = lock(&self.inner.robots).entry(origin.clone()).or_default().clone();
        let mut guard = slot.lock().await;
        if let Some((until, rules)) = guard.as_ref()
            && Instant::now() < *until
        {
            return rules.clone();
        }
        let (rules, transient) = self.fetch_robots(&origin).await;
        let rules = Arc::new(rules);
        if let Some(delay) = rules.crawl_delay_ms() {
            self.host_state(url).interval_ms.fetch_max(delay, Ordering::Relaxed);
        }
        // An unreachable or failing robots.txt is asked again soon rather than trusted for long.
        let ttl = Duration::from_secs(if transient {
            self.inner.cfg.robots_cache_secs.min(60)
        } else {
            self.inner.cfg.robots_cache_secs
        });
        *guard = Some((Instant::now() + ttl, rules.clone()));
        rules
    }

    /// Fetches and parses an origin's robots.txt; the flag says whether the answer is transient
    /// (network error or server error).
    async fn fetch_robots(&self, origin: &str) -> (Rules, bool) {
        let Ok(url) = Url::parse(&format!("{origin}/robots.txt")) else {
            return (Rules::AllowAll, false);
        };
        let mut current = url;
        // robots.txt may redirect (e.g. http -> https); follow a few hops, guarded like any fetch.
        for _ in 0..=self.inner.cfg.max_redirects.min(5) {
            if self.check_target(&current).await.is_err() {
                return (Rules::AllowAll, false);
            }
            let (resp, _permits) = match self.send(&current, HeaderMap::new()).await {
                Ok(r) => r,
                // Unreachable: the page fetch itself will fail and say why.
                Err(_) => return (Rules::AllowAll, true),
            };
            let status = resp.status();
            if status.is_redirection() {
                let next = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok());
                match next {
                    Some(n) => {
                        current = n;
                        continue;
                    }
                    None => return (Rules::AllowAll, false),
                }
            }
            if status.is_server_error() {
                return (Rules::DisallowAll, true);
            }
            if !status.is_success() {
                return (Rules::AllowAll, false);
            }
            // Google reads at most 500 KiB of a robots.txt.
            let mut body = Vec::new();
            let mut resp = resp;
            while let Ok(Some(chunk)) = resp.chunk().await {
                let room = (500 * 1024usize).saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if room <= chunk.len() {
                    break;
                }
            }
            return (Rules::parse(ROBOTS_AGENT, &body), false);
        }
        (Rules::AllowAll, false)
    }
}

fn closed(url: &Url) -> Error {
    Error::Http { url: url.to_string(), message: "client is shutting down".into() }
}

fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

fn parse_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::InvalidUrl { url: raw.to_string(), reason: e.to_string() })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::InvalidUrl {
            url: raw.to_string(),
            reason: "only http and https URLs are fetched".into(),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidUrl { url: raw.to_string(), reason: "no host".into() });
    }
    Ok(url)
}

/// A reqwest error with its causes, so "error sending request" says why.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut msg = kind.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_and_rejects_unknown() {
        let cfg = HttpConfig::default();
        assert!(cfg.user_agent.starts_with("wirewatch/"));
        let json = serde_json::to_string(&cfg).unwrap();
        assert_eq!(serde_json::from_str::<HttpConfig>(&json).unwrap(), cfg);
        assert!(serde_json::from_str::<HttpConfig>("{\"bogus\": 1}").is_err());
        assert_eq!(serde_json::from_str::<HttpConfig>("{}").unwrap(), cfg);
        assert!(Client::new(HttpConfig { max_concurrency: 0, ..cfg }).is_err());
    }

    #[test]
    fn internal_feed_targets_are_refused_without_the_network() {
        let cfg = HttpConfig::default();
        for (url, why) in [
            ("http://127.0.0.1/feed", "loopback"),
            ("http://2130706433/feed", "loopback"),
            ("http://[::1]:8080/rss", "loopback"),
            ("http://169.254.169.254/latest/meta-data/", "link-local"),
            ("http://10.1.2.3/rss", "private"),
            ("http://[::ffff:192.168.0.1]/rss", "private"),
            ("http://localhost:9000/feed", "loopback"),
            ("http://api.LOCALHOST./feed", "loopback"),
        ] {
            let r = cfg.static_refusal(url).unwrap_or_else(|| panic!("{url} accepted"));
            assert!(r.contains(why), "{url}: {r}");
        }
        for url in ["https://example.com/feed", "http://93.184.216.34/rss", "not a url"] {
            assert_eq!(cfg.static_refusal(url), None, "{url}");
        }
        let mut resolve = std::collections::BTreeMap::new();
        resolve.insert("feeds.test".to_string(), vec!["127.0.0.1".parse().unwrap()]);
        let with = HttpConfig { resolve, ..HttpConfig::default() };
        assert!(with.static_refusal("http://feeds.test/rss").unwrap().contains("http.resolve"));
        // The configured exceptions hold, as at fetch time.
        let open = HttpConfig { allow_private_addresses: true, ..with.clone() };
        assert_eq!(open.static_refusal("http://feeds.test/rss"), None);
        let exempt =
            HttpConfig { allowed_private_hosts: vec!["127.0.0.1".into()], ..HttpConfig::default() };
        assert_eq!(exempt.static_refusal("http://127.0.0.1:8080/rss"), None);
    }
}
