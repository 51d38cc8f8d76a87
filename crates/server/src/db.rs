//! Store access from async handlers: a small pool of SQLite connections, each used by one
//! blocking task at a time.
//!
//! `rusqlite::Connection` is `Send` but not `Sync`, and every query is CPU and disk work, so
//! handlers never touch a connection on the async runtime: [`Db::run`] takes a connection from
//! the pool (opening one if none is idle), runs the closure in `spawn_blocking`, and puts it back.
//! The database is in WAL mode, so `wirewatch poll` writing from another process never blocks
//! these readers, and each query sees the latest committed state.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use store::SqliteStore;

use crate::{Error, Result};

/// Idle connections kept (each keeps its prepared statements warm); more may be open while
/// busy, and are closed when returned.
const MAX_IDLE: usize = 32;

/// The pool.
#[derive(Debug, Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    idle: Mutex<Vec<SqliteStore>>,
}

impl Db {
    /// A pool over the store in `data_dir`; opens one connection at once so a bad data directory
    /// fails here, before the server starts listening.
    pub fn open(data_dir: &Path) -> Result<Db> {
        let first = SqliteStore::open(data_dir)?;
        Ok(Db {
            inner: Arc::new(Inner { dir: data_dir.to_owned(), idle: Mutex::new(vec![first]) }),
        })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Runs `f` with a connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let taken = inner.idle.lock().map_err(|_| poisoned())?.pop();
            let mut conn = match taken {
                Some(c) => c,
                None => SqliteStore::open(&inner.dir)?,
            };
            let out = f(&mut conn);
            let mut idle = inner.idle.lock().map_err(|_| poisoned())?;
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
            out
        })
        .await
        .map_err(|e| Error::Internal(format!("store task failed: {e}")))?
    }
}

fn poisoned() -> Error {
    Error::Internal("connection pool lock poisoned".into())
}
