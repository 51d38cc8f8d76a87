//! The embedded SQLite backend: [`SqliteStore`], its durability settings, and its queries.
//!
//! # Durability
//!
//! The promise is: once `put_documents` (or any other write) has returned `Ok`, what it stored
//! survives the process being killed at any moment afterwards, and a write that was interrupted
//! leaves no trace. Every write runs in one transaction, so a batch is committed whole or not at
//! all. The database is in WAL mode with `synchronous = FULL`: each commit appends to the WAL
//! and fsyncs it before returning. That is stronger than the process-kill promise needs (in WAL
//! mode `NORMAL` already survives a process kill, because a committed transaction is in the WAL
//! file in the OS page cache, which outlives the process; `NORMAL` only risks the last commits
//! on power loss or an OS crash). We pay one fsync per batch (~500 documents), which costs little,
//! and in exchange committed batches also survive power loss on disks that honour fsync.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use model::Stats;
use rusqlite::{Connection, TransactionBehavior};

use crate::db::Database;
use crate::docs;
use crate::migrations::{self, LATEST_VERSION, classify_open_error};
use crate::sql::{Lite, Sql};
use crate::{Error, Result};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "wirewatch.sqlite3";

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A wirewatch store in one SQLite database file (or in memory, for tests).
pub struct SqliteStore {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`: the directory is created, the database
    /// is `data_dir/wirewatch.sqlite3`, and its schema is migrated to the newest version.
    ///
    /// Fails with a clear error when the file is not an SQLite database, is one wirewatch did not
    /// make, or was written by a newer wirewatch.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        fs::create_dir_all(data_dir)
            .map_err(|source| Error::CreateDir { path: data_dir.to_owned(), source })?;
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| classify_open_error(e, &path))?;
        Self::init(conn, Some(path))
    }

    /// A fresh store in memory, gone when dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        Self::init(conn, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        let on_disk = path.is_some();
        let setup = |conn: &Connection| -> rusqlite::Result<String> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            // The first statement that reads the file: a non-SQLite file fails here.
            let mode = if on_disk {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?
            } else {
                "memory".to_string()
            };
            conn.pragma_update(None, "synchronous", "FULL")?;
            Ok(mode)
        };
        let mode = setup(&conn).map_err(|e| classify_open_error(e, &shown))?;
        if on_disk && !mode.eq_ignore_ascii_case("wal") {
            // Still durable (rollback journal + FULL), only slower and with readers blocked.
            tracing::warn!(path = %shown.display(), %mode, "SQLite refused WAL mode");
        }
        conn.set_prepared_statement_cache_capacity(64);
        migrations::migrate_to(&mut conn, LATEST_VERSION, &shown)?;
        Ok(SqliteStore { conn, path })
    }

    /// The schema version of the open database (after migration, the newest this build knows).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(migrations::current_version(&self.conn)?)
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Counts over the whole store; see [`model::Store::stats`]. `by_source`, `by_state` and `by_kind`
    /// are ordered most first, then by name; `by_day` oldest first. Empty outlets count as
    /// `(unknown)`.
    pub fn stats(&self) -> Result<Stats> {
        // One read transaction, so the counts agree with each other even while a writer commits.
        let tx = self.conn.unchecked_transaction()?;
        let stats = docs::stats(&mut Lite(&tx))?;
        tx.finish()?;
        Ok(stats)
    }
}

impl Database for SqliteStore {
    fn read_with(&self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        f(&mut Lite(&self.conn))
    }

    fn write_with(&mut self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        // IMMEDIATE takes the write lock up front, so two writers wait on `busy_timeout` instead
        // of one failing at its first write after both had read.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        f(&mut Lite(&tx))?;
        tx.commit()?;
        Ok(())
    }

    /// SQLite's `PRAGMA data_version`, read from the WAL index without touching the tables: it
    /// changes whenever another connection (this process's or another's) commits.
    fn data_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}

crate::docs::impl_model_store!(SqliteStore);
