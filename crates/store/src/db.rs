//! [`Database`]: what each backend gives the shared queries — statements outside any explicit
//! transaction, and write transactions — so that every query above it (analyses, stories,
//! entities...) is written once and runs on SQLite and PostgreSQL alike.
//!
//! The higher-level operations are extension traits over `Database` with a blanket
//! implementation (`impl<T: Database + ?Sized> AnalysisStore for T`), so `SqliteStore`,
//! `PgStore` and `Box<dyn Database>` all have them.

use crate::sql::Sql;
use crate::{Error, Result};

/// A store the shared queries can run on.
pub trait Database {
    /// Runs `f` on the connection; each statement commits on its own.
    fn read_with(&self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
    /// Runs `f` in one write transaction, committed if `f` succeeds and rolled back otherwise.
    /// On PostgreSQL a transaction that collided with another process's is retried, so `f`
    /// must not have effects outside the transaction.
    fn write_with(&mut self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
    /// A number that changes whenever any connection of any process commits a write to the
    /// database, and that reads never change: what caches of derived views (the server's
    /// response cache) compare to know they are stale. Only equality means anything. It must
    /// be read on a connection that does not write itself (SQLite counts only other
    /// connections' commits).
    fn data_version(&self) -> Result<i64>;
}

/// Runs `f` with [`Database::read_with`] and returns its value.
pub(crate) fn read<T>(
    db: &(impl Database + ?Sized),
    mut f: impl FnMut(&mut dyn Sql) -> Result<T>,
) -> Result<T> {
    let mut out = None;
    db.read_with(&mut |sql| {
        out = Some(f(sql)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::Corrupt("read returned nothing".into()))
}

/// Runs `f` with [`Database::write_with`] and returns its value.
pub(crate) fn write<T>(
    db: &mut (impl Database + ?Sized),
    mut f: impl FnMut(&mut dyn Sql) -> Result<T>,
) -> Result<T> {
    let mut out = None;
    db.write_with(&mut |sql| {
        out = Some(f(sql)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::Corrupt("write returned nothing".into()))
}
