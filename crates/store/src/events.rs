//! The live outbox and webhooks: events appended in the transaction of the change they describe,
//! read back in id order by the server (which runs in another process than the writers), pruned
//! past a retention; and webhook subscriptions with a durable delivery cursor each.
//!
//! Why an outbox table rather than an in-process channel: `poll` and `ingest` write in their own
//! processes while `serve` runs in another, so the only thing they share is the database. An
//! event committed with its change is seen exactly when the change is, and never without it.

use chrono::{SecondsFormat, Utc};
use model::Event;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, SqliteStore};

/// The current time as stored in `created` columns: RFC 3339, UTC, milliseconds, so text order
/// is time order.
pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Appends one event to the outbox on `conn` (a connection or an open transaction: pass the
/// transaction of the change the event describes, so both commit or neither does). Returns the
/// event's id.
pub fn append_event(
    conn: &Connection,
    kind: &str,
    story: Option<&str>,
    entity: Option<i64>,
    payload: &serde_json::Value,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (kind, story, entity, payload, created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![kind, story, entity, serde_json::to_string(payload)?, now()])?;
    Ok(conn.last_insert_rowid())
}

const EVENT_COLUMNS: &str = "id, kind, story, entity, payload, created";

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Event, String)> {
    Ok((
        Event {
            id: r.get(0)?,
            kind: r.get(1)?,
            story: r.get(2)?,
            entity: r.get(3)?,
            payload: serde_json::Value::Null,
            created: r.get(5)?,
        },
        r.get(4)?,
    ))
}

fn finish_events(rows: Vec<(Event, String)>) -> Result<Vec<Event>> {
    rows.into_iter()
        .map(|(mut e, payload)| {
            e.payload = serde_json::from_str(&payload)
                .map_err(|err| Error::Corrupt(format!("payload of event {}: {err}", e.id)))?;
            Ok(e)
        })
        .collect()
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

fn hook_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Webhook, String)> {
    Ok((
        Webhook {
            id: r.get(0)?,
            source: r.get(1)?,
            url: r.get(2)?,
            secret: r.get(3)?,
            kinds: Vec::new(),
            story: r.get(5)?,
            entity: r.get(6)?,
            query: r.get(7)?,
            created: r.get(8)?,
            cursor: r.get(9)?,
            delivered: r.get::<_, i64>(10)? as u64,
            failed: r.get::<_, i64>(11)? as u64,
            last_status: r.get::<_, Option<i64>>(12)?.map(|s| s as u16),
            last_error: r.get(13)?,
            last_attempt: r.get(14)?,
        },
        r.get(4)?,
    ))
}

fn finish_hooks(rows: Vec<(Webhook, String)>) -> Result<Vec<Webhook>> {
    rows.into_iter()
        .map(|(mut h, kinds)| {
            h.kinds = serde_json::from_str(&kinds)
                .map_err(|e| Error::Corrupt(format!("kinds of webhook {}: {e}", h.id)))?;
            Ok(h)
        })
        .collect()
}

fn latest_id(conn: &Connection) -> Result<i64> {
    // `sqlite_sequence` remembers the highest id ever given, even after every event was pruned.
    Ok(conn
        .query_row("SELECT seq FROM sqlite_sequence WHERE name = 'events'", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

impl SqliteStore {
    /// Appends one event in its own transaction; see [`append_event`] to append inside the
    /// transaction of a change.
    pub fn append_event(
        &mut self,
        kind: &str,
        story: Option<&str>,
        entity: Option<i64>,
        payload: &serde_json::Value,
    ) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = append_event(&tx, kind, story, entity, payload)?;
        tx.commit()?;
        Ok(id)
    }

    /// Events with an id above `after_id`, oldest first, at most `limit`.
    pub fn events_after(&self, after_id: i64, limit: usize) -> Result<Vec<Event>> {
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE id > ?1 ORDER BY id LIMIT ?2"
            ))?
            .query_map(params![after_id, limit as i64], event_row)?
            .collect::<rusqlite::Result<_>>()?;
        finish_events(rows)
    }

    /// The highest event id ever appended (0 when none was), pruned events included.
    pub fn latest_event_id(&self) -> Result<i64> {
        latest_id(&self.conn)
    }

    /// Events of one story, of one kind if given, newest first, at most `limit`.
    pub fn story_events(
        &self,
        story: &str,
        kind: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Event>> {
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE story = ?1 AND (?2 IS NULL OR kind = ?2)
                  ORDER BY id DESC LIMIT ?3"
            ))?
            .query_map(params![story, kind, limit as i64], event_row)?
            .collect::<rusqlite::Result<_>>()?;
        finish_events(rows)
    }

    /// Deletes events created before `older_than` (RFC 3339, UTC) and all but the newest
    /// `keep_at_most`, so the outbox stays bounded. Returns how many were deleted.
    pub fn prune_events(&mut self, older_than: &str, keep_at_most: u64) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let latest = latest_id(&tx)?;
        let floor = latest.saturating_sub(keep_at_most.min(i64::MAX as u64) as i64);
        let n = tx.execute(
            "DELETE FROM events WHERE created < ?1 OR id <= ?2",
            params![older_than, floor],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Creates a webhook from the API. Its cursor starts at the latest event, so it receives
    /// what happens from now on, not the history.
    pub fn add_webhook(&mut self, hook: &NewWebhook) -> Result<Webhook> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = insert_hook(&tx, "api", hook)?;
        tx.commit()?;
        self.webhook(id)?.ok_or_else(|| Error::NotFound(format!("webhook {id}")))
    }

    /// Every webhook, oldest first.
    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        let rows = self
            .conn
            .prepare_cached(&format!("SELECT {HOOK_COLUMNS} FROM webhooks ORDER BY id"))?
            .query_map([], hook_row)?
            .collect::<rusqlite::Result<_>>()?;
        finish_hooks(rows)
    }

    /// One webhook, if it exists.
    pub fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        let row = self
            .conn
            .prepare_cached(&format!("SELECT {HOOK_COLUMNS} FROM webhooks WHERE id = ?1"))?
            .query_row([id], hook_row)
            .optional()?;
        Ok(finish_hooks(row.into_iter().collect())?.pop())
    }

    /// Deletes a webhook created through the API; one from the config file is left alone (it
    /// would come back at the next start). Returns whether a webhook was deleted.
    pub fn delete_webhook(&mut self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM webhooks WHERE id = ?1 AND source = 'api'", [id])? > 0)
    }

    /// Makes the stored config webhooks match `hooks` (known by URL): new ones are added with
    /// their cursor at the latest event, changed ones keep their cursor and delivery counts,
    /// ones no longer configured are deleted.
    pub fn sync_config_webhooks(&mut self, hooks: &[NewWebhook]) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Vec<(i64, String)> = tx
            .prepare("SELECT id, url FROM webhooks WHERE source = 'config'")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, url) in &stored {
            if !hooks.iter().any(|h| &h.url == url) {
                tx.execute("DELETE FROM webhooks WHERE id = ?1", [id])?;
            }
        }
        for hook in hooks {
            match stored.iter().find(|(_, url)| url == &hook.url) {
                Some((id, _)) => {
                    tx.execute(
                        "UPDATE webhooks SET secret = ?2, kinds = ?3, story = ?4, entity = ?5,
                                query = ?6 WHERE id = ?1",
                        params![
                            id,
                            hook.secret,
                            serde_json::to_string(&hook.kinds)?,
                            hook.story,
                            hook.entity,
                            hook.query
                        ],
                    )?;
                }
                None => {
                    insert_hook(&tx, "config", hook)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records how one delivery ended and moves the webhook's cursor to its event. Returns false
    /// when the webhook no longer exists (deleted meanwhile), so its worker can stop.
    pub fn record_delivery(&mut self, webhook: i64, rec: &DeliveryRecord) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE webhooks
                SET cursor = max(cursor, ?2),
                    delivered = delivered + ?3,
                    failed = failed + ?4,
                    last_status = coalesce(?5, last_status),
                    last_error = CASE WHEN ?3 = 1 THEN last_error ELSE ?6 END,
                    last_attempt = ?7
              WHERE id = ?1",
            params![
                webhook,
                rec.event,
                rec.ok as i64,
                !rec.ok as i64,
                rec.status.map(i64::from),
                rec.error,
                now()
            ],
        )?;
        Ok(n > 0)
    }

    /// Moves a webhook's cursor past events it does not subscribe to. Returns false when the
    /// webhook no longer exists.
    pub fn advance_webhook_cursor(&mut self, webhook: i64, to: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE webhooks SET cursor = max(cursor, ?2) WHERE id = ?1",
            params![webhook, to],
        )?;
        Ok(n > 0)
    }
}

fn insert_hook(conn: &Connection, source: &str, hook: &NewWebhook) -> Result<i64> {
    let cursor = latest_id(conn)?;
    conn.execute(
        "INSERT INTO webhooks (source, url, secret, kinds, story, entity, query, created, cursor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            source,
            hook.url,
            hook.secret,
            serde_json::to_string(&hook.kinds)?,
            hook.story,
            hook.entity,
            hook.query,
            now(),
            cursor
        ],
    )?;
    Ok(conn.last_insert_rowid())
}
