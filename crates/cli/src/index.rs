//! Keeping the search index current from ingest, poll and alias overrides.
//!
//! The index is derived data, so nothing here may stop an ingest or lose stored data: when the
//! index cannot be opened (another process is writing it) or fails, a warning goes to stderr, the
//! run goes on without it, and the next writer's sync catches up from the store.

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use store::search::SearchWriter;
use store::{Database, SqliteStore};

/// How long indexed documents may wait for a commit. Each commit syncs files to disk and opens
/// a new segment, so committing every batch made indexing wait on the disk more than it worked.
const COMMIT_EVERY: Duration = Duration::from_secs(2);

/// The search index writer of one ingest or poll run, if the index could be opened.
pub struct Indexer {
    writer: Option<SearchWriter>,
    /// When the last commit was, and whether anything was indexed since.
    committed: Instant,
    pending: bool,
}

impl Indexer {
    /// Opens the index of the data directory `data_dir` for writing and syncs it with the store
    /// (rebuilding it if it was missing, damaged or of an older schema). Without a directory (an
    /// in-memory store, or PostgreSQL) there is no index.
    pub fn start(data_dir: Option<&Path>, store: &dyn Database, progress: &ProgressBar) -> Indexer {
        let Some(data_dir) = data_dir else {
            return Indexer::none();
        };
        let say = |msg: String| progress.suspend(|| eprintln!("{msg}"));
        let (mut writer, replaced) = match SearchWriter::open(data_dir) {
            Ok(w) => w,
            Err(e @ store::Error::IndexBusy { .. }) => {
                say(format!(
                    "warning: {e}. This run does not update the search index; the next ingest, \
                     poll or `wirewatch reindex` catches up."
                ));
                return Indexer::none();
            }
            Err(e) => {
                say(format!(
                    "warning: {e}. This run does not update the search index; \
                     `wirewatch reindex` rebuilds it."
                ));
                return Indexer::none();
            }
        };
        if let Some(reason) = &replaced {
            say(format!(
                "note: the search index in {} {reason}; rebuilding it from the store",
                writer.index().dir().display()
            ));
        }
        match writer.sync(store, &mut |_, _| {}) {
            Ok(r) if replaced.is_some() || r.indexed > 0 || r.removed > 0 => say(format!(
                "note: search index brought up to date from the store: {} documents indexed, {} \
                 removed, {} in the index",
                r.indexed, r.removed, r.total
            )),
            Ok(_) => {}
            Err(e) => {
                say(format!("warning: search index: {e}; this run does not update it"));
                return Indexer::none();
            }
        }
        Indexer { writer: Some(writer), committed: Instant::now(), pending: false }
    }

    fn none() -> Indexer {
        Indexer { writer: None, committed: Instant::now(), pending: false }
    }

    /// Indexes the documents of a batch whose analysis and story are committed; commits when the
    /// last commit is [`COMMIT_EVERY`] old (and [`finish`](Self::finish) commits the rest).
    pub fn add_batch(&mut self, store: &dyn Database, keys: &[&str], progress: &ProgressBar) {
        let Some(w) = &mut self.writer else { return };
        let mut done = w.index_documents(store, keys).map(|_| ());
        self.pending = true;
        if done.is_ok() && self.committed.elapsed() >= COMMIT_EVERY {
            done = w.commit();
            self.committed = Instant::now();
            self.pending = false;
        }
        if let Err(e) = done {
            progress.suspend(|| {
                eprintln!(
                    "warning: search index: {e}; this run stops updating it (the store is \
                     unaffected; the next run or `wirewatch reindex` catches up)"
                )
            });
            self.writer = None;
        }
    }

    /// Commits what is indexed, waits for the index's background merges and releases it.
    pub fn finish(self) {
        let Some(mut w) = self.writer else { return };
        let done = if self.pending { w.commit() } else { Ok(()) };
        if let Err(e) = done.and_then(|()| w.finish()) {
            eprintln!("warning: search index: {e}");
        }
    }
}

/// Brings the index in line with the store after a change outside ingest (an alias override
/// moves mentions to another entity), if no other process is writing it.
pub fn refresh(store: &SqliteStore) {
    let hidden = ProgressBar::hidden();
    Indexer::start(store.path().and_then(Path::parent), store, &hidden).finish();
}
