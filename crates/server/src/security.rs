//! Who may do what, and the protections every response gets: the write token, login sessions,
//! CSRF tokens for HTML forms, per-client rate limits, the request size limit, and security
//! headers (a CSP with a fresh nonce per response).
//!
//! Two kinds of writer exist. API clients send `Authorization: Bearer TOKEN`; the API never
//! accepts cookies, so it cannot be driven cross-site. Browser users log in once with the token
//! (`/login`) and get a session cookie; their forms also carry a CSRF token, the HMAC of a random
//! per-browser cookie (a signed double-submit cookie), checked on every form post. Session and
//! CSRF MACs are keyed by a key derived from the token, so changing the token ends every session.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::{AppState, Error, Result};

/// Cookie holding a logged-in browser's session.
pub const SESSION_COOKIE: &str = "ww_session";
/// Cookie holding the per-browser CSRF seed.
pub const CSRF_COOKIE: &str = "ww_csrf";
/// How long a login lasts, in seconds (30 days).
pub const SESSION_SECS: i64 = 30 * 24 * 3600;
/// Form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// `n` random bytes from the OS, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // The OS random source failing is not something a server can go on without.
    getrandom::fill(&mut buf).expect("the OS random number generator failed");
    hex::encode(buf)
}

/// HMAC-SHA256 (RFC 2104) over sha2, so no extra crate is needed for two MACs.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new().chain_update(ipad).chain_update(msg).finalize();
    Sha256::new().chain_update(opad).chain_update(inner).finalize().into()
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token and the key derived from it.
#[derive(Debug, Clone)]
pub struct Secrets {
    token_hash: [u8; 32],
    key: [u8; 32],
}

impl Secrets {
    /// From the write token.
    pub fn new(token: &str) -> Secrets {
        Secrets {
            token_hash: Sha256::digest(token.as_bytes()).into(),
            key: hmac_sha256(token.as_bytes(), b"wirewatch session and csrf key"),
        }
    }

    /// Whether `candidate` is the token. Hashing first makes the comparison length-independent.
    pub fn token_matches(&self, candidate: &str) -> bool {
        let h: [u8; 32] = Sha256::digest(candidate.trim().as_bytes()).into();
        constant_time_eq(&h, &self.token_hash)
    }

    fn mac(&self, purpose: &str, value: &str) -> String {
        hex::encode(hmac_sha256(&self.key, format!("{purpose}:{value}").as_bytes()))
    }

    /// A fresh session cookie value: `issued-random.mac`, the issue time (Unix seconds) inside
    /// the MAC so a stolen cookie stops working after [`SESSION_SECS`].
    pub fn new_session(&self) -> String {
        let id = format!("{}-{}", chrono::Utc::now().timestamp(), random_hex(16));
        let mac = self.mac("session", &id);
        format!("{id}.{mac}")
    }

    /// Whether a session cookie value is one we issued, and not expired.
    pub fn session_valid(&self, value: &str) -> bool {
        let Some((id, mac)) = value.split_once('.') else { return false };
        if !constant_time_eq(self.mac("session", id).as_bytes(), mac.as_bytes()) {
            return false;
        }
        let issued = id.split_once('-').and_then(|(t, _)| t.parse::<i64>().ok());
        issued.is_some_and(|t| (0..SESSION_SECS).contains(&(chrono::Utc::now().timestamp() - t)))
    }

    /// The CSRF token forms carry for a browser whose CSRF cookie is `seed`.
    pub fn csrf_token(&self, seed: &str) -> String {
        self.mac("csrf", seed)
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// Requires `Authorization: Bearer TOKEN` (API writes).
pub fn require_bearer(state: &AppState, headers: &HeaderMap) -> Result<()> {
    match bearer(headers) {
        Some(t) if state.secrets.token_matches(t) => Ok(()),
        Some(_) => Err(Error::Unauthorized("wrong token".into())),
        None => Err(Error::Unauthorized(
            "this needs the server token: send `Authorization: Bearer TOKEN`".into(),
        )),
    }
}

/// Whether the browser sending these headers is logged in.
pub fn logged_in(state: &AppState, headers: &HeaderMap) -> bool {
    cookie(headers, SESSION_COOKIE).is_some_and(|v| state.secrets.session_valid(v))
}

/// Checks the CSRF token of a form post against the browser's CSRF cookie.
pub fn check_csrf(state: &AppState, headers: &HeaderMap, field: Option<&str>) -> Result<()> {
    let seed = cookie(headers, CSRF_COOKIE)
        .ok_or_else(|| Error::CsrfFailed("missing CSRF cookie; reload the form".into()))?;
    let expected = state.secrets.csrf_token(seed);
    match field {
        Some(f) if constant_time_eq(f.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(Error::CsrfFailed("invalid CSRF token; reload the form".into())),
    }
}

/// Requires a logged-in browser and a valid CSRF token (HTML form writes).
pub fn require_form_writer(
    state: &AppState,
    headers: &HeaderMap,
    csrf: Option<&str>,
) -> Result<()> {
    check_csrf(state, headers, csrf)?;
    if logged_in(state, headers) {
        Ok(())
    } else {
        Err(Error::Unauthorized("log in with the server token first".into()))
    }
}

/// Per-request facts the pages need: the CSP nonce and the browser's CSRF token.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// Nonce allowed for inline scripts in this response only.
    pub nonce: String,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// Whether the browser is logged in.
    pub logged_in: bool,
}

/// Token buckets keyed by client IP address.
#[derive(Debug)]
pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Buckets kept before full (idle) ones are dropped, so many clients cannot exhaust memory.
const MAX_BUCKETS: usize = 10_000;

impl RateLimiter {
    /// `per_sec` = 0 disables limiting.
    pub fn new(per_sec: f64, burst: u32) -> RateLimiter {
        RateLimiter { per_sec, burst: f64::from(burst), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `ip`; `Err(seconds to wait)` when the bucket is empty.
    pub fn check(&self, ip: IpAddr) -> std::result::Result<(), u64> {
        if self.per_sec <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_BUCKETS {
            let (rate, burst) = (self.per_sec, self.burst);
            map.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = map.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_sec).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_sec).ceil().max(1.0) as u64)
        }
    }
}

/// API paths whose reads need the token too: webhook URLs may name internal services.
const TOKEN_READS: &[&str] = &["/api/webhooks"];

/// Paths readable without the token even when reads are private: the login form and its CSS.
fn always_public(path: &str) -> bool {
    path == "/login" || path.starts_with("/static/")
}

/// The middleware every request passes: rate limit, size limit, read access, then the response
/// gets its security headers and, for a new browser, its CSRF cookie.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = random_hex(16);
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let api = path.starts_with("/api/");
    let (seed, new_seed) = match cookie(req.headers(), CSRF_COOKIE) {
        Some(s) if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (s.to_string(), false)
        }
        _ => (random_hex(16), true),
    };
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let logged_in = logged_in(&state, req.headers());
    let refused = if let Err(wait) = state.limiter.check(ip) {
        Some(Error::RateLimited(wait))
    } else if content_length(req.headers()).is_some_and(|n| n > state.config.body_limit_bytes) {
        Some(Error::PayloadTooLarge(state.config.body_limit_bytes))
    } else if api
        && (!matches!(method, axum::http::Method::GET | axum::http::Method::HEAD)
            || TOKEN_READS.contains(&path.as_str()))
        && !bearer(req.headers()).is_some_and(|t| state.secrets.token_matches(t))
    {
        // Every API write needs the token, whichever module serves it.
        Some(Error::Unauthorized(
            "this needs the server token: send `Authorization: Bearer TOKEN`".into(),
        ))
    } else if !state.config.public_reads
        && !always_public(&path)
        && !logged_in
        && !bearer(req.headers()).is_some_and(|t| state.secrets.token_matches(t))
    {
        Some(Error::Unauthorized("reads need the server token on this server".into()))
    } else {
        None
    };
    let mut resp = match refused {
        Some(err) if api => err.into_response(),
        Some(Error::Unauthorized(_)) => axum::response::Redirect::to("/login").into_response(),
        Some(err) => crate::pages::error_page(&err),
        None => {
            let csrf = state.secrets.csrf_token(&seed);
            req.extensions_mut().insert(RequestCtx { nonce: nonce.clone(), csrf, logged_in });
            let resp = next.run(req).await;
            if api && resp.status() == axum::http::StatusCode::METHOD_NOT_ALLOWED {
                // axum answers 405 with an empty body: give API clients the usual error.
                let allow = resp.headers().get(header::ALLOW).cloned();
                let mut e = Error::MethodNotAllowed(format!("{method} is not allowed on {path}"))
                    .into_response();
                if let Some(a) = allow {
                    e.headers_mut().insert(header::ALLOW, a);
                }
                e
            } else {
                resp
            }
        }
    };
    let h = resp.headers_mut();
    let csp = format!(
        "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if new_seed && !api {
        let c = format!("{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sessions_and_csrf_tokens_depend_on_the_token() {
        let a = Secrets::new("token-number-one-xxxx");
        let b = Secrets::new("token-number-two-xxxx");
        let s = a.new_session();
        assert!(a.session_valid(&s));
        assert!(!b.session_valid(&s));
        assert!(!a.session_valid("abc.def"));
        // A session issued long ago, correctly signed, has expired.
        let old = format!("{}-00", chrono::Utc::now().timestamp() - SESSION_SECS - 1);
        assert!(!a.session_valid(&format!("{old}.{}", a.mac("session", &old))));
        assert_ne!(a.csrf_token("seed"), b.csrf_token("seed"));
        assert!(a.token_matches("token-number-one-xxxx"));
        assert!(!a.token_matches("token-number-one-xxx"));
    }

    #[test]
    fn bucket_refuses_past_the_burst_then_refills() {
        let l = RateLimiter::new(1000.0, 3);
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            assert!(l.check(ip).is_ok());
        }
        assert!(l.check(ip).is_err());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(l.check(ip).is_ok());
        assert!(RateLimiter::new(0.0, 0).check(ip).is_ok());
    }
}
