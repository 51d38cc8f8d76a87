//! A server's own search index over a shared PostgreSQL database.
//!
//! On the embedded store the search index lives in the data directory and the writers (ingest,
//! poll) update it as they store. On PostgreSQL the writers may be on other machines, so each
//! server keeps a tantivy index of its own in its local directory and follows the database: at
//! start it brings the index up to date ([`Follower::open`]), then [`run`] checks the
//! database's data version every [`EVERY`] and, when anything was committed since the last look,
//! runs the same signature-based sync as `wirewatch reindex` (changed or new documents
//! reindexed, vanished ones removed). Searches therefore answer with the same syntax, stemming,
//! ranking and snippets on both backends, and lag the database by about one interval.
//!
//! Only one process writes an index directory: a second server (or `wirewatch search`) on the
//! same directory finds it busy, reads it, and leaves the following to the first.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::Location;
use store::prelude::*;
use store::search::{SearchIndex, SearchWriter};
use tokio_util::sync::CancellationToken;

use crate::{AppState, Result};

/// How often the database's data version is compared with the one last synced.
pub const EVERY: Duration = Duration::from_secs(1);

/// The writer of a server's own index (cheap to clone).
#[derive(Clone)]
pub struct Follower {
    writer: Arc<Mutex<SearchWriter>>,
}

impl Follower {
    /// Opens the index in `local_dir` for writing and syncs it with the store at `location` (a
    /// blocking call: run it before the server starts). When another process writes that index
    /// already, there is no follower and the index is only read.
    pub fn open(location: &Location, local_dir: &Path) -> Result<(Option<Follower>, SearchIndex)> {
        let (mut writer, replaced) = match SearchWriter::open(local_dir) {
            Ok(w) => w,
            Err(store::Error::IndexBusy { .. }) => {
                tracing::info!(
                    "the search index in {} is kept by another process; this server only reads it",
                    local_dir.display()
                );
                return Ok((None, SearchIndex::open(local_dir)?));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(reason) = replaced {
            tracing::info!("the search index {reason}; rebuilding it from the database");
        }
        let store = location.open()?;
        let started = std::time::Instant::now();
        let report = writer.sync(store.as_ref(), &mut |_, _| {})?;
        tracing::info!(
            indexed = report.indexed,
            removed = report.removed,
            total = report.total,
            "search index brought up to date from {location} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let index = writer.index().clone();
        Ok((Some(Follower { writer: Arc::new(Mutex::new(writer)) }), index))
    }

    /// Syncs the index with `store` and makes the result visible to searches at once.
    fn sync(&self, store: &dyn Database) -> store::Result<store::search::SyncReport> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let report = writer.sync(store, &mut |_, _| {})?;
        if report.indexed > 0 || report.removed > 0 {
            writer.index().reload()?;
        }
        Ok(report)
    }
}

/// Keeps `state`'s own index current until `shutdown` (returns at once when it has none).
pub async fn run(state: AppState, shutdown: CancellationToken) {
    let Some(follower) = state.follower.clone() else { return };
    let mut synced: Option<i64> = None;
    loop {
        // The version is read before the sync, so a commit during the sync is seen next time.
        match state.db.run(|s| Ok(s.data_version()?)).await {
            Ok(version) if synced != Some(version) => {
                let f = follower.clone();
                match state.db.run(move |s| Ok(f.sync(&*s)?)).await {
                    Ok(r) => {
                        if r.indexed > 0 || r.removed > 0 {
                            tracing::debug!(
                                indexed = r.indexed,
                                removed = r.removed,
                                "search sync"
                            );
                        }
                        synced = Some(version);
                    }
                    Err(e) => tracing::warn!(error = %e, "search index sync failed; retrying"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the data version failed; retrying"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
