//! Webhooks: the `/api/webhooks` routes, and delivery: each event a webhook subscribes to is
//! POSTed as JSON, signed with HMAC-SHA256, retried with exponential backoff and jitter, and
//! given up (and recorded) after the configured attempts. Each webhook's cursor is stored after
//! every event, so a restart neither loses deliveries nor repeats more than the one in flight.
//!
//! Servers sharing a database deliver each webhook from one of them at a time: a worker first
//! takes the webhook's lease in the store (`EventStore::claim_webhook`), renews it before every
//! attempt and wait, and records each delivery only while it holds it (the store checks, in the
//! transaction that moves the cursor). A server that dies stops renewing; once its lease expires
//! another server's dispatcher takes over from the stored cursor, repeating at most the event
//! that was in flight (receivers drop repeats by `X-Wirewatch-Delivery`).

use std::time::Duration;
use store::prelude::*;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use model::Event;
use serde::Deserialize;
use sha2::Sha256;
use store::{DeliveryRecord, NewWebhook, Webhook};

use super::{Error, Filter, LiveState, Result, lock, parse_kinds};

/// The header carrying `sha256=<hex HMAC-SHA256(secret, body)>`.
pub const SIGNATURE_HEADER: &str = "X-Wirewatch-Signature";
/// The header naming the event kind.
const EVENT_HEADER: &str = "X-Wirewatch-Event";
/// The header carrying the event id (receivers use it to drop a repeated delivery).
const DELIVERY_HEADER: &str = "X-Wirewatch-Delivery";
/// Events read from the outbox at once by one worker.
const BATCH: usize = 100;
/// How long a webhook's lease lasts beyond the attempt or wait it is renewed for: how soon
/// another server takes over from one that died.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// The value of the signature header for `body` signed with `secret`: `sha256=` and the hex
/// HMAC-SHA256. Receivers compute the same over the raw body and compare in constant time.
pub fn sign(secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Retries of one delivery.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub max_attempts: u32,
    pub initial: Duration,
    pub max: Duration,
    pub jitter: f64,
}

impl RetryPolicy {
    /// The wait after failed attempt `n` (1-based): doubling from `initial`, capped at `max`,
    /// with up to `jitter` of it taken off at random.
    fn backoff(&self, n: u32) -> Duration {
        let base = self.initial.saturating_mul(1u32 << (n - 1).min(20)).min(self.max);
        base.mul_f64(1.0 - self.jitter * fastrand::f64())
    }
}

/// Checks a webhook before it is stored; the message names the problem.
pub(crate) fn validate(hook: &NewWebhook) -> std::result::Result<(), String> {
    let url = hook.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        return Err(format!("url {url:?} is not an http(s) URL"));
    }
    if hook.secret.trim().is_empty() {
        return Err("secret must not be empty (it signs every delivery)".into());
    }
    if hook.secret.len() > 1024 {
        return Err("secret is longer than 1024 bytes".into());
    }
    parse_kinds(&hook.kinds)?;
    Ok(())
}

fn filter(hook: &Webhook) -> Filter {
    Filter::new(hook.kinds.clone(), hook.story.clone(), hook.entity, hook.query.as_deref())
}

/// `GET /api/webhooks`: every webhook with its delivery state, secrets left out.
pub(crate) async fn list(State(state): State<LiveState>) -> Result<Json<Vec<Webhook>>> {
    Ok(Json(state.with_store(|s| s.webhooks()).await?))
}

/// The body of `POST /api/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateWebhook {
    url: String,
    secret: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    story: Option<String>,
    #[serde(default)]
    entity: Option<i64>,
    #[serde(default)]
    query: Option<String>,
}

/// `POST /api/webhooks`: creates a webhook that receives events from now on. The URL must pass
/// the SSRF guard; the answer (201) is the stored webhook without its secret.
pub(crate) async fn create(
    State(state): State<LiveState>,
    Json(body): Json<CreateWebhook>,
) -> Result<(StatusCode, Json<Webhook>)> {
    let kinds = parse_kinds(&body.kinds).map_err(Error::BadRequest)?;
    let hook = NewWebhook {
        url: body.url.trim().to_string(),
        secret: body.secret,
        kinds,
        story: body.story.filter(|s| !s.trim().is_empty()),
        entity: body.entity,
        query: body.query.filter(|q| !q.trim().is_empty()),
    };
    validate(&hook).map_err(Error::BadRequest)?;
    state
        .inner
        .client
        .check_url(&hook.url)
        .await
        .map_err(|e| Error::BadRequest(format!("webhook url: {e}")))?;
    let stored = state.with_store(move |s| s.add_webhook(&hook)).await?;
    state.inner.wake.notify_one();
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `DELETE /api/webhooks/{id}`: 204, 404 when there is no such webhook, 409 for one from the
/// config file (remove it there).
pub(crate) async fn remove(
    State(state): State<LiveState>,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let found = state.with_store(move |s| s.webhook(id)).await?;
    match found {
        None => Err(Error::NotFound(format!("webhook {id}"))),
        Some(h) if h.source != "api" => Err(Error::Conflict(format!(
            "webhook {id} comes from the config file; remove it there"
        ))),
        Some(_) => {
            state.with_store(move |s| s.delete_webhook(id)).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// The dispatcher: whenever events were broadcast or a webhook was added (and at least every
/// poll interval), starts a worker for each webhook whose cursor is behind and that has none.
pub(crate) async fn dispatch(state: LiveState) {
    let interval = Duration::from_millis(state.config().poll_interval_ms);
    loop {
        match state.with_store(|s| s.webhooks()).await {
            Ok(hooks) => {
                let latest = state.published();
                for hook in hooks.into_iter().filter(|h| h.cursor < latest) {
                    if lock(&state.inner.running).insert(hook.id) {
                        let state = state.clone();
                        tokio::spawn(async move {
                            let id = hook.id;
                            work(&state, hook).await;
                            lock(&state.inner.running).remove(&id);
                        });
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading webhooks failed"),
        }
        tokio::select! {
            _ = state.inner.shutdown.cancelled() => return,
            _ = state.inner.wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

/// Takes or renews `hook`'s lease for `ttl` plus the margin; false when another server holds
/// it or the store cannot be reached (the caller stops; the dispatcher tries again later).
async fn lease(state: &LiveState, hook: i64, ttl: Duration) -> bool {
    let owner = state.inner.owner.clone();
    let ttl = ttl + LEASE_MARGIN;
    match state.with_store(move |s| s.claim_webhook(hook, &owner, ttl)).await {
        Ok(held) => held,
        Err(e) => {
            tracing::warn!(webhook = hook, error = %e, "renewing a webhook lease failed");
            false
        }
    }
}

/// Delivers one webhook's events after its cursor, in order, while this server holds its lease
/// and until it has caught up with what was broadcast; stops at shutdown (the event in flight
/// is delivered again after a restart), when the webhook was deleted, or when its lease went to
/// another server. The lease is given up when the worker stops.
async fn work(state: &LiveState, hook: Webhook) {
    let id = hook.id;
    let timeout = Duration::from_secs(state.config().webhook_timeout_secs);
    if !lease(state, id, timeout).await {
        return;
    }
    // The cursor as it is now that this server holds the lease (another may have moved it).
    match state.with_store(move |s| s.webhook(id)).await {
        Ok(Some(fresh)) => deliver_all(state, fresh).await,
        Ok(None) => {}
        Err(e) => tracing::warn!(webhook = id, error = %e, "reading a webhook failed"),
    }
    let owner = state.inner.owner.clone();
    if let Err(e) = state.with_store(move |s| s.release_webhook(id, &owner)).await {
        tracing::debug!(webhook = id, error = %e, "releasing a webhook lease failed; it expires");
    }
}

async fn deliver_all(state: &LiveState, hook: Webhook) {
    let wanted = filter(&hook);
    let mut cursor = hook.cursor;
    loop {
        let after = cursor;
        let events = match state.with_store(move |s| s.events_after(after, BATCH)).await {
            Ok(e) if e.is_empty() => return,
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(webhook = hook.id, error = %e, "reading the outbox failed");
                return;
            }
        };
        let mut skipped = false;
        for event in events {
            if !wanted.matches(&event) {
                cursor = event.id;
                skipped = true;
                continue;
            }
            let Some(rec) = deliver(state, &hook, &event).await else { return };
            let (id, owner) = (hook.id, state.inner.owner.clone());
            match state.with_store(move |s| s.record_delivery(id, &owner, &rec)).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(webhook = hook.id, error = %e, "recording a delivery failed");
                    return;
                }
            }
            cursor = event.id;
            skipped = false;
        }
        if skipped {
            let (id, owner, to) = (hook.id, state.inner.owner.clone(), cursor);
            match state.with_store(move |s| s.advance_webhook_cursor(id, &owner, to)).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(webhook = hook.id, error = %e, "saving a webhook cursor failed");
                    return;
                }
            }
        }
    }
}

/// POSTs one event to one webhook, retrying as configured. `None` when shutdown interrupted it
/// or the lease was lost.
async fn deliver(state: &LiveState, hook: &Webhook, event: &Event) -> Option<DeliveryRecord> {
    let policy = state.config().retry();
    let body = serde_json::to_vec(event).unwrap_or_default();
    let signature = sign(&hook.secret, &body);
    let id = event.id.to_string();
    let headers = [
        ("content-type", "application/json"),
        (EVENT_HEADER, event.kind.as_str()),
        (DELIVERY_HEADER, id.as_str()),
        (SIGNATURE_HEADER, signature.as_str()),
    ];
    let timeout = Duration::from_secs(state.config().webhook_timeout_secs);
    let mut attempt = 1;
    loop {
        if !lease(state, hook.id, timeout).await {
            return None;
        }
        let sent = tokio::select! {
            _ = state.inner.shutdown.cancelled() => return None,
            r = state.inner.client.post(&hook.url, &headers, body.clone()) => r,
        };
        let (status, error, hopeless) = match sent {
            Ok(status) => {
                return Some(DeliveryRecord {
                    event: event.id,
                    ok: true,
                    status: Some(status),
                    error: None,
                });
            }
            Err(ingest::Error::Status { status, .. }) => {
                (Some(status), format!("HTTP status {status}"), false)
            }
            // A refused address or a broken URL does not get better by waiting.
            Err(e @ (ingest::Error::Refused { .. } | ingest::Error::InvalidUrl { .. })) => {
                (None, e.to_string(), true)
            }
            Err(e) => (None, e.to_string(), false),
        };
        if attempt >= policy.max_attempts || hopeless {
            tracing::warn!(webhook = hook.id, event = event.id, attempts = attempt, %error,
                "webhook delivery given up");
            return Some(DeliveryRecord {
                event: event.id,
                ok: false,
                status,
                error: Some(format!("event {} after {attempt} attempts: {error}", event.id)),
            });
        }
        tracing::debug!(webhook = hook.id, event = event.id, attempt, %error, "webhook retry");
        let wait = policy.backoff(attempt);
        if !lease(state, hook.id, wait + timeout).await {
            return None;
        }
        tokio::select! {
            _ = state.inner.shutdown.cancelled() => return None,
            _ = tokio::time::sleep(wait) => {}
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_hmac() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_caps_and_jitters_down() {
        let p = RetryPolicy {
            max_attempts: 9,
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
            jitter: 0.0,
        };
        let waits: Vec<u128> = (1..=6).map(|n| p.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        let p = RetryPolicy { jitter: 0.5, ..p };
        for _ in 0..50 {
            let w = p.backoff(2).as_millis();
            assert!((100..=200).contains(&w), "{w}");
        }
    }

    #[test]
    fn webhooks_are_validated() {
        let ok = NewWebhook {
            url: "https://h.example/in".into(),
            secret: "k".into(),
            kinds: vec![],
            story: None,
            entity: None,
            query: None,
        };
        assert!(validate(&ok).is_ok());
        assert!(validate(&NewWebhook { url: "ftp://h.example/in".into(), ..ok.clone() }).is_err());
        assert!(validate(&NewWebhook { secret: " ".into(), ..ok.clone() }).is_err());
        assert!(validate(&NewWebhook { kinds: vec!["x".into()], ..ok }).is_err());
    }
}
