//! The live outbox and webhooks: events appended in the transaction of the change they describe,
//! read back in id order by the server (which runs in another process than the writers), pruned
//! past a retention; and webhook subscriptions with a durable delivery cursor each.
//!
//! Why an outbox table rather than an in-process channel: `poll` and `ingest` write in their own
//! processes while `serve` runs in another, so the only thing they share is the database. An
//! event committed with its change is seen exactly when the change is, and never without it.

use chrono::{SecondsFormat, Utc};
use model::Event;
use serde::{Deserialize, Serialize};

use crate::db::{self, Database};
use crate::leases::{self, LeaseStore};
use crate::sql::{Backend, Row, Sql, params};
use crate::{Error, Result};

/// The current time as stored in `created` columns: RFC 3339, UTC, milliseconds, so text order
/// is time order.
pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Any fixed number: the key of the PostgreSQL advisory lock that orders event appends.
const EVENTS_LOCK: i64 = 0x7777_6576_656e_7473; // "wwevents"

/// Appends one event to the outbox in `db`'s transaction (pass the transaction of the change the
/// event describes, so both commit or neither does). Returns the event's id.
///
/// Readers follow the outbox by id (`events_after`), so ids must become visible in order. In
/// SQLite one writer at a time guarantees it; on PostgreSQL concurrent transactions could commit
/// a higher id before a lower one, and a reader that saw the higher one would skip the lower for
/// good. So on PostgreSQL an append first takes a transaction-level advisory lock: appending
/// transactions commit one at a time, in id order.
pub fn append_event(
    db: &mut dyn Sql,
    kind: &str,
    story: Option<&str>,
    entity: Option<i64>,
    payload: &serde_json::Value,
) -> Result<i64> {
    if db.backend() == Backend::Postgres {
        db.execute("SELECT pg_advisory_xact_lock(?1)", params![EVENTS_LOCK])?;
    }
    let payload = serde_json::to_string(payload)?;
    db.query_i64(
        "INSERT INTO events (kind, story, entity, payload, created) VALUES (?1, ?2, ?3, ?4, ?5)
         RETURNING id",
        params![kind, story, entity, &payload, &now()],
    )
}

const EVENT_COLUMNS: &str = "id, kind, story, entity, payload, created";

fn decode_event(mut r: Row) -> Result<Event> {
    let id: i64 = r.get(0)?;
    let payload: String = r.take(4)?;
    Ok(Event {
        id,
        kind: r.take(1)?,
        story: r.take(2)?,
        entity: r.get(3)?,
        payload: serde_json::from_str(&payload)
            .map_err(|err| Error::Corrupt(format!("payload of event {id}: {err}")))?,
        created: r.take(5)?,
    })
}

/// A webhook subscription to create (from the API or the config file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    /// Where deliveries are POSTed.
    pub url: String,
    /// The HMAC-SHA256 key that signs each delivery.
    pub secret: String,
    /// Event kinds delivered; empty means every kind.
    pub kinds: Vec<String>,
    /// Only events of this story, if set.
    pub story: Option<String>,
    /// Only events of this entity, if set.
    pub entity: Option<i64>,
    /// Only events whose payload text contains every word of this query, if set.
    pub query: Option<String>,
}

/// A stored webhook with its delivery state. The secret is never serialised, so it cannot leak
/// through the API that lists webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    /// Store-wide id.
    pub id: i64,
    /// `api` (created through the API, deletable there) or `config` (from the config file).
    pub source: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The signing key; never serialised.
    #[serde(skip)]
    pub secret: String,
    /// Event kinds delivered; empty means every kind.
    pub kinds: Vec<String>,
    /// Story filter.
    pub story: Option<String>,
    /// Entity filter.
    pub entity: Option<i64>,
    /// Text filter.
    pub query: Option<String>,
    /// When it was created (RFC 3339).
    pub created: String,
    /// The id of the last event handled (delivered, given up on, or filtered out).
    pub cursor: i64,
    /// Deliveries that succeeded.
    pub delivered: u64,
    /// Deliveries given up on after every retry failed.
    pub failed: u64,
    /// The HTTP status of the last attempt, if one answered.
    pub last_status: Option<u16>,
    /// Why the last given-up delivery failed.
    pub last_error: Option<String>,
    /// When a delivery was last attempted.
    pub last_attempt: Option<String>,
}

/// How one event's delivery to a webhook ended, to be recorded with its cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// The event delivered (the cursor moves to it).
    pub event: i64,
    /// Whether the receiver accepted it (false: every retry failed and it was given up).
    pub ok: bool,
    /// The last HTTP status seen, if any.
    pub status: Option<u16>,
    /// The last error, for a failure.
    pub error: Option<String>,
}

const HOOK_COLUMNS: &str = "id, source, url, secret, kinds, story, entity, query, created, cursor, \
                            delivered, failed, last_status, last_error, last_attempt";

fn decode_hook(mut r: Row) -> Result<Webhook> {
    let id: i64 = r.get(0)?;
    let kinds: String = r.take(4)?;
    Ok(Webhook {
        id,
        source: r.take(1)?,
        url: r.take(2)?,
        secret: r.take(3)?,
        kinds: serde_json::from_str(&kinds)
            .map_err(|e| Error::Corrupt(format!("kinds of webhook {id}: {e}")))?,
        story: r.take(5)?,
        entity: r.get(6)?,
        query: r.take(7)?,
        created: r.take(8)?,
        cursor: r.get(9)?,
        delivered: u64::try_from(r.get::<i64>(10)?).unwrap_or(0),
        failed: u64::try_from(r.get::<i64>(11)?).unwrap_or(0),
        last_status: r.get::<Option<i64>>(12)?.and_then(|s| u16::try_from(s).ok()),
        last_error: r.take(13)?,
        last_attempt: r.take(14)?,
    })
}

/// The highest event id ever given, even after every event was pruned (0 when none was).
fn latest_id(db: &mut dyn Sql) -> Result<i64> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)"
        }
        Backend::Postgres => {
            "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')), 0)"
        }
    };
    db.query_i64(sql, &[])
}

/// The live outbox and webhook subscriptions, on either backend.
pub trait EventStore: Database {
    /// Appends one event in its own transaction; see [`append_event`] to append inside the
    /// transaction of a change.
    fn append_event(
        &mut self,
        kind: &str,
        story: Option<&str>,
        entity: Option<i64>,
        payload: &serde_json::Value,
    ) -> Result<i64> {
        db::write(self, |db| append_event(db, kind, story, entity, payload))
    }

    /// Events with an id above `after_id`, oldest first, at most `limit`.
    fn events_after(&self, after_id: i64, limit: usize) -> Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| db.query(&sql, params![after_id, limit]))?;
        rows.into_iter().map(decode_event).collect()
    }

    /// The highest event id ever appended (0 when none was), pruned events included.
    fn latest_event_id(&self) -> Result<i64> {
        db::read(self, latest_id)
    }

    /// Events of one story, of one kind if given, newest first, at most `limit`.
    fn story_events(&self, story: &str, kind: Option<&str>, limit: usize) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE story = ?1 AND (CAST(?2 AS TEXT) IS NULL OR kind = ?2)
              ORDER BY id DESC LIMIT ?3"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| db.query(&sql, params![story, kind, limit]))?;
        rows.into_iter().map(decode_event).collect()
    }

    /// Deletes events created before `older_than` (RFC 3339, UTC) and all but the newest
    /// `keep_at_most`, so the outbox stays bounded. Returns how many were deleted.
    fn prune_events(&mut self, older_than: &str, keep_at_most: u64) -> Result<usize> {
        let n = db::write(self, |db| {
            let latest = latest_id(db)?;
            let floor = latest.saturating_sub(i64::try_from(keep_at_most).unwrap_or(i64::MAX));
            db.execute(
                "DELETE FROM events WHERE created < ?1 OR id <= ?2",
                params![older_than, floor],
            )
        })?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Creates a webhook from the API. Its cursor starts at the latest event, so it receives
    /// what happens from now on, not the history.
    fn add_webhook(&mut self, hook: &NewWebhook) -> Result<Webhook> {
        let id = db::write(self, |db| insert_hook(db, "api", hook))?;
        self.webhook(id)?.ok_or_else(|| Error::NotFound(format!("webhook {id}")))
    }

    /// Every webhook, oldest first.
    fn webhooks(&self) -> Result<Vec<Webhook>> {
        let sql = format!("SELECT {HOOK_COLUMNS} FROM webhooks ORDER BY id");
        db::read(self, |db| db.query(&sql, &[]))?.into_iter().map(decode_hook).collect()
    }

    /// One webhook, if it exists.
    fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        let sql = format!("SELECT {HOOK_COLUMNS} FROM webhooks WHERE id = ?1");
        db::read(self, |db| db.query_opt(&sql, params![id]))?.map(decode_hook).transpose()
    }

    /// Deletes a webhook created through the API; one from the config file is left alone (it
    /// would come back at the next start). Returns whether a webhook was deleted.
    fn delete_webhook(&mut self, id: i64) -> Result<bool> {
        let n = db::write(self, |db| {
            db.execute("DELETE FROM webhooks WHERE id = ?1 AND source = 'api'", params![id])
        })?;
        Ok(n > 0)
    }

    /// Makes the stored config webhooks match `hooks` (known by URL): new ones are added with
    /// their cursor at the latest event, changed ones keep their cursor and delivery counts,
    /// ones no longer configured are deleted.
    fn sync_config_webhooks(&mut self, hooks: &[NewWebhook]) -> Result<()> {
        db::write(self, |db| {
            let mut stored: Vec<(i64, String)> = Vec::new();
            for mut r in db.query("SELECT id, url FROM webhooks WHERE source = 'config'", &[])? {
                stored.push((r.get(0)?, r.take(1)?));
            }
            for (id, url) in &stored {
                if !hooks.iter().any(|h| &h.url == url) {
                    db.execute("DELETE FROM webhooks WHERE id = ?1", params![*id])?;
                }
            }
            for hook in hooks {
                match stored.iter().find(|(_, url)| url == &hook.url) {
                    Some((id, _)) => {
                        let kinds = serde_json::to_string(&hook.kinds)?;
                        db.execute(
                            "UPDATE webhooks SET secret = ?2, kinds = ?3, story = ?4, entity = ?5,
                                    query = ?6 WHERE id = ?1",
                            params![
                                *id,
                                &hook.secret,
                                &kinds,
                                &hook.story,
                                hook.entity,
                                &hook.query
                            ],
                        )?;
                    }
                    None => {
                        insert_hook(db, "config", hook)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Takes (or renews) the lease on delivering webhook `webhook`'s events for `owner` for
    /// `ttl`: servers sharing a database deliver each webhook from one of them at a time, and
    /// another takes over once a dead holder's lease expires. Returns whether `owner` holds it.
    fn claim_webhook(
        &mut self,
        webhook: i64,
        owner: &str,
        ttl: std::time::Duration,
    ) -> Result<bool> {
        self.try_lease(&webhook_lease(webhook), owner, ttl)
    }

    /// Gives up `owner`'s lease on webhook `webhook` (at shutdown, or when it has caught up).
    fn release_webhook(&mut self, webhook: i64, owner: &str) -> Result<bool> {
        self.release_lease(&webhook_lease(webhook), owner)
    }

    /// Records how one delivery by `owner` ended and moves the webhook's cursor to its event, if
    /// `owner` still holds the webhook's lease ([`EventStore::claim_webhook`]). Returns false
    /// when the webhook no longer exists (deleted meanwhile) or its lease went to another
    /// server, so the worker stops.
    fn record_delivery(&mut self, webhook: i64, owner: &str, rec: &DeliveryRecord) -> Result<bool> {
        let n = db::write(self, |db| {
            if !leases::holds(db, &webhook_lease(webhook), owner)? {
                return Ok(0);
            }
            db.execute(
                "UPDATE webhooks
                    SET cursor = CASE WHEN cursor < ?2 THEN ?2 ELSE cursor END,
                        delivered = delivered + ?3,
                        failed = failed + ?4,
                        last_status = coalesce(?5, last_status),
                        last_error = CASE WHEN ?3 = 1 THEN last_error ELSE ?6 END,
                        last_attempt = ?7
                  WHERE id = ?1",
                params![
                    webhook,
                    rec.event,
                    i64::from(rec.ok),
                    i64::from(!rec.ok),
                    rec.status,
                    &rec.error,
                    &now()
                ],
            )
        })?;
        Ok(n > 0)
    }

    /// Moves a webhook's cursor past events it does not subscribe to, if `owner` holds its
    /// lease. Returns false when the webhook no longer exists or the lease is another's.
    fn advance_webhook_cursor(&mut self, webhook: i64, owner: &str, to: i64) -> Result<bool> {
        let n = db::write(self, |db| {
            if !leases::holds(db, &webhook_lease(webhook), owner)? {
                return Ok(0);
            }
            db.execute(
                "UPDATE webhooks SET cursor = CASE WHEN cursor < ?2 THEN ?2 ELSE cursor END
                  WHERE id = ?1",
                params![webhook, to],
            )
        })?;
        Ok(n > 0)
    }
}

impl<T: Database + ?Sized> EventStore for T {}

/// The name of the lease on delivering a webhook's events.
fn webhook_lease(webhook: i64) -> String {
    format!("webhook:{webhook}")
}

fn insert_hook(db: &mut dyn Sql, source: &str, hook: &NewWebhook) -> Result<i64> {
    let cursor = latest_id(db)?;
    let kinds = serde_json::to_string(&hook.kinds)?;
    db.query_i64(
        "INSERT INTO webhooks (source, url, secret, kinds, story, entity, query, created, cursor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        params![
            source,
            &hook.url,
            &hook.secret,
            &kinds,
            &hook.story,
            hook.entity,
            &hook.query,
            &now(),
            cursor
        ],
    )
}
