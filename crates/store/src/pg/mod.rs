//! The PostgreSQL backend: [`PgStore`], one connection to a database that several wirewatch
//! processes (workers, servers) may share.
//!
//! Queries are the shared ones of the store crate, run through `sql::PgSql`. Every write is
//! one transaction, so a batch is committed whole or not at all; a batch that collides with
//! another process's concurrent write of the same document (a unique-key violation, a
//! serialisation failure or a deadlock) is rolled back and retried, so racing writers never
//! store a document twice or skip a version number.

mod migrations;
mod sql;

use std::cell::RefCell;
use std::str::FromStr;
use std::time::Duration;

use model::Stats;
use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls};

pub use migrations::{PG_LATEST_VERSION, PG_MIGRATIONS};

use crate::db::Database;
use crate::docs;
use crate::sql::Sql;
use crate::{Error, Result};
use sql::{PgSql, StatementCache};

/// How long connecting may take before it is an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a write transaction that collided with another process's is retried.
const WRITE_ATTEMPTS: usize = 8;

/// How long a lost connection is tried again (a database restart) before it is an error.
const RECONNECT_FOR: Duration = Duration::from_secs(30);

/// A wirewatch store in a PostgreSQL database.
///
/// A lost connection (the server restarted, the backend was terminated) is reopened on the next
/// call, trying for up to 30 s; a read that failed on it is run again, and so is a write whose
/// transaction had not reached its commit. A write whose commit itself was cut off is reported
/// as an error, since whether it committed is unknown (re-running a batch of documents is
/// harmless: the same content is `Unchanged`).
pub struct PgStore {
    inner: RefCell<Inner>,
    config: postgres::Config,
    shown: String,
}

struct Inner {
    client: Conn,
    cache: StatementCache,
}

/// The client, closed on a thread of its own when dropped inside an async runtime: the sync
/// client closes by blocking on its own runtime, which tokio forbids on a thread that drives
/// async tasks (a server's pool dropped as it shuts down).
struct Conn(Option<Client>);

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.0.as_ref().unwrap_or_else(|| unreachable!("only Drop takes the client"))
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().unwrap_or_else(|| unreachable!("only Drop takes the client"))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(client) = self.0.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("database", &self.shown).finish_non_exhaustive()
    }
}

/// `url` as it may be shown: the password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_owned() };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else { return url.to_owned() };
    match rest[..at].find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Whether `s` names a PostgreSQL database (a `postgres://` or `postgresql://` URL) rather
/// than a data directory.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/db`, with
    /// libpq-style query options) and migrates its schema to the newest version.
    ///
    /// Fails with a clear error when the URL is malformed, the server cannot be reached, or the
    /// database was set up by a newer wirewatch or holds tables wirewatch did not make.
    pub fn connect(url: &str) -> Result<PgStore> {
        let shown = redact_url(url);
        let mut config = postgres::Config::from_str(url)
            .map_err(|source| Error::Connect { database: shown.clone(), source })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("wirewatch");
        }
        let mut client = config
            .connect(NoTls)
            .map_err(|source| Error::Connect { database: shown.clone(), source })?;
        migrations::migrate_to(&mut client, PG_LATEST_VERSION, &shown)?;
        Ok(PgStore {
            inner: RefCell::new(Inner {
                client: Conn(Some(client)),
                cache: StatementCache::default(),
            }),
            config,
            shown,
        })
    }

    /// Reopens the connection if it was lost, trying for [`RECONNECT_FOR`].
    fn ensure_open(&self, inner: &mut Inner) -> Result<()> {
        if !inner.client.is_closed() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut wait = Duration::from_millis(100);
        loop {
            match self.config.connect(NoTls) {
                Ok(client) => {
                    tracing::warn!(database = %self.shown, "the database connection was lost; reconnected");
                    inner.client = Conn(Some(client));
                    inner.cache = StatementCache::default();
                    return Ok(());
                }
                Err(source) if started.elapsed() >= RECONNECT_FOR => {
                    return Err(Error::Connect { database: self.shown.clone(), source });
                }
                Err(e) => {
                    tracing::debug!(error = %e, "reconnecting");
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// The database URL, password redacted.
    pub fn database(&self) -> &str {
        &self.shown
    }

    /// The schema version of the database (after connecting, the newest this build knows).
    pub fn schema_version(&self) -> Result<i64> {
        migrations::current_version(&mut self.inner.borrow_mut().client)
    }

    /// Runs `f` on the connection outside any explicit transaction (each statement commits on
    /// its own).
    fn read<T>(&self, mut f: impl FnMut(&mut PgSql<'_, Client>) -> Result<T>) -> Result<T> {
        let mut inner = self.inner.borrow_mut();
        self.ensure_open(&mut inner)?;
        let out = {
            let Inner { client, cache } = &mut *inner;
            f(&mut PgSql { client, cache })
        };
        match out {
            Err(_) if inner.client.is_closed() => {
                self.ensure_open(&mut inner)?;
                let Inner { client, cache } = &mut *inner;
                f(&mut PgSql { client, cache })
            }
            other => other,
        }
    }

    /// Runs `f` in one transaction at `level`, committing if it succeeds; a transaction that
    /// collided with another's is retried from the start.
    fn write<T>(
        &self,
        level: IsolationLevel,
        mut f: impl FnMut(&mut PgSql<'_, postgres::Transaction<'_>>) -> Result<T>,
    ) -> Result<T> {
        let mut inner = self.inner.borrow_mut();
        let mut attempt = 1;
        loop {
            self.ensure_open(&mut inner)?;
            // `Ok(Err)`: failed before the commit was sent (safe to redo); `Err`: at the commit.
            let out: std::result::Result<Result<T>, Error> = {
                let Inner { client, cache } = &mut *inner;
                match client.build_transaction().isolation_level(level).start() {
                    Err(e) => Ok(Err(e.into())),
                    Ok(mut tx) => match f(&mut PgSql { client: &mut tx, cache }) {
                        Err(e) => Ok(Err(e)),
                        Ok(v) => tx.commit().map(|()| Ok(v)).map_err(Error::from),
                    },
                }
            };
            let e = match out {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) if inner.client.is_closed() && attempt < WRITE_ATTEMPTS => e,
                Ok(Err(e)) | Err(e) if is_collision(&e) && attempt < WRITE_ATTEMPTS => e,
                Ok(Err(e)) | Err(e) => return Err(e),
            };
            tracing::debug!(attempt, error = %e, "write failed on a lost connection or a collision; retrying");
            std::thread::sleep(Duration::from_millis(5 << attempt.min(6)));
            attempt += 1;
        }
    }

    /// Counts over the whole store, from one snapshot; see [`model::Store::stats`].
    pub fn stats(&self) -> Result<Stats> {
        self.write(IsolationLevel::RepeatableRead, |db| docs::stats(db))
    }
}

/// Whether a failed write lost a race with another process's and may succeed if retried.
fn is_collision(e: &Error) -> bool {
    let Error::Postgres(e) = e else { return false };
    e.code().is_some_and(|c| {
        [
            SqlState::UNIQUE_VIOLATION,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ]
        .contains(c)
    })
}

impl Database for PgStore {
    fn read_with(&self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        self.read(|db| f(db))
    }

    fn write_with(&mut self, f: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        self.write(IsolationLevel::ReadCommitted, |db| f(db))
    }

    /// A hash of the current snapshot (`pg_current_snapshot()`: the oldest transaction still
    /// running, one past the newest finished one, and those running in between). Only
    /// transactions that write get a transaction id, so reads leave it alone, while every commit
    /// (or rollback) of a writer, from any process, moves it: the writer leaves the running list
    /// or pushes the upper bound.
    fn data_version(&self) -> Result<i64> {
        let snapshot = self.read(|db| {
            let row = db.query_one("SELECT CAST(pg_current_snapshot() AS TEXT)", &[])?;
            row.get::<String>(0)
        })?;
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        snapshot.hash(&mut h);
        Ok(h.finish() as i64)
    }
}

crate::docs::impl_model_store!(PgStore);
