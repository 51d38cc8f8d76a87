//! Leases: named claims with an expiry, by which processes sharing a store divide work without a
//! coordinator of their own (a webhook's deliveries, a feed's poll, a batch of analysis).
//!
//! A lease is a row `(name, owner, expires)`. [`LeaseStore::try_lease`] takes a free or expired
//! lease, or renews one the caller holds, in one upsert, so two processes asking at once cannot
//! both get it: the row is the lock. A holder that dies (kill -9, a lost machine) simply stops
//! renewing, and the lease is free again once it expires; work fenced by
//! [`LeaseStore::holds_lease`] inside the transaction that records it is then recorded by one
//! holder only.
//!
//! Expiry is measured by the database's clock (`clock_timestamp()` on PostgreSQL, the local
//! clock on SQLite), so machines whose clocks disagree still agree on who holds a lease. Leases
//! are coordination state, not data: `migrate` does not copy them.

use std::time::Duration;

use crate::Result;
use crate::db::{self, Database};
use crate::sql::{Backend, Sql, params};

/// The database's clock in milliseconds since the epoch, as an SQL expression.
pub(crate) fn now_ms(db: &dyn Sql) -> &'static str {
    match db.backend() {
        Backend::Sqlite => "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
        Backend::Postgres => "CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)",
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

/// Taking, renewing and releasing leases; every backend has them.
pub trait LeaseStore: Database {
    /// Takes the lease `name` for `owner` for `ttl` from now, if it is free, expired, or already
    /// `owner`'s (then it is renewed). Returns whether `owner` holds it now.
    fn try_lease(&mut self, name: &str, owner: &str, ttl: Duration) -> Result<bool> {
        db::write(self, |db| take(db, name, owner, ttl))
    }

    /// Gives the lease up if `owner` holds it; returns whether it did.
    fn release_lease(&mut self, name: &str, owner: &str) -> Result<bool> {
        db::write(self, |db| {
            Ok(db.execute(
                "DELETE FROM leases WHERE name = ?1 AND owner = ?2",
                params![name, owner],
            )? > 0)
        })
    }

    /// Whether `owner` holds the unexpired lease `name`.
    fn holds_lease(&self, name: &str, owner: &str) -> Result<bool> {
        db::read(self, |db| holds(db, name, owner))
    }

    /// Who holds the lease `name` and for how many more milliseconds, if anyone does.
    fn lease_holder(&self, name: &str) -> Result<Option<(String, i64)>> {
        db::read(self, |db| {
            let sql = format!(
                "SELECT owner, expires_ms - {now} FROM leases WHERE name = ?1 AND expires_ms > {now}",
                now = now_ms(db)
            );
            match db.query_opt(&sql, params![name])? {
                Some(mut r) => Ok(Some((r.take(0)?, r.get(1)?))),
                None => Ok(None),
            }
        })
    }
}

impl<T: Database + ?Sized> LeaseStore for T {}

/// [`LeaseStore::try_lease`] in the caller's transaction.
pub(crate) fn take(db: &mut dyn Sql, name: &str, owner: &str, ttl: Duration) -> Result<bool> {
    let now = now_ms(db);
    let sql = format!(
        "INSERT INTO leases (name, owner, expires_ms) VALUES (?1, ?2, {now} + ?3)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms
          WHERE leases.owner = excluded.owner OR leases.expires_ms <= {now}"
    );
    Ok(db.execute(&sql, params![name, owner, millis(ttl)])? == 1)
}

/// Releases `owner`'s unexpired lease `name` in the caller's transaction; returns whether there
/// was one (an expired lease is left for whoever takes it next).
pub(crate) fn give_up(db: &mut dyn Sql, name: &str, owner: &str) -> Result<bool> {
    let sql = format!(
        "DELETE FROM leases WHERE name = ?1 AND owner = ?2 AND expires_ms > {}",
        now_ms(db)
    );
    Ok(db.execute(&sql, params![name, owner])? > 0)
}

/// Whether `owner` holds the unexpired lease `name`, inside a transaction that records the work
/// the lease guards (the fence: a holder whose lease expired records nothing).
pub(crate) fn holds(db: &mut dyn Sql, name: &str, owner: &str) -> Result<bool> {
    let sql = format!(
        "SELECT 1 FROM leases WHERE name = ?1 AND owner = ?2 AND expires_ms > {}",
        now_ms(db)
    );
    Ok(db.query_opt(&sql, params![name, owner])?.is_some())
}
