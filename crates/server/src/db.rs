//! Store access from async handlers: a small pool of store connections (SQLite or PostgreSQL),
//! each used by one blocking task at a time.
//!
//! Both backends' connections are `Send` but not `Sync`, and every query is blocking work (disk,
//! or a round trip to PostgreSQL), so handlers never touch a connection on the async runtime:
//! [`Db::run`] takes a connection from the pool (opening one if none is idle), runs the closure
//! in `spawn_blocking`, and puts it back. SQLite is in WAL mode and PostgreSQL is PostgreSQL, so
//! writers in other processes (`poll`, workers, other servers) never block these readers, and
//! each query sees the latest committed state.

use std::sync::{Arc, Mutex};

use store::{AnyStore, Location};

use crate::{Error, Result};

/// Idle connections kept (each keeps its prepared statements warm); more may be open while
/// busy, and are closed when returned.
const MAX_IDLE: usize = 32;

/// The pool.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    location: Location,
    idle: Mutex<Vec<Box<dyn AnyStore>>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("location", &self.inner.location).finish_non_exhaustive()
    }
}

impl Db {
    /// A pool over the store at `location`; opens one connection at once so a bad data directory
    /// or an unreachable database fails here, before the server starts listening.
    pub fn open(location: &Location) -> Result<Db> {
        let first = location.open()?;
        Ok(Db {
            inner: Arc::new(Inner { location: location.clone(), idle: Mutex::new(vec![first]) }),
        })
    }

    /// Where the store is.
    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// Runs `f` with a connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn AnyStore) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let taken = inner.idle.lock().map_err(|_| poisoned())?.pop();
            let mut conn = match taken {
                Some(c) => c,
                None => inner.location.open()?,
            };
            let out = f(conn.as_mut());
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
