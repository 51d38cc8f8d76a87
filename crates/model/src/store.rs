//! The storage interface every backend (SQLite, PostgreSQL) implements.
//!
//! Boundary: nothing outside the `store` crate knows the schema; everything goes through here.

use serde::{Deserialize, Serialize};

use crate::{DocKey, FeedRecord, IngestOutcome, RawDocument, StoredVersion};

/// Errors from a storage backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("storage backend error: {0}")]
    Backend(String),
    /// The data directory or database holds something this version cannot use.
    #[error("incompatible or corrupt store: {0}")]
    Schema(String),
    /// A named thing does not exist.
    #[error("not found: {0}")]
    NotFound(String),
}

/// Result alias for store operations.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// Counts over the store, for `wirewatch stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Distinct documents.
    pub documents: u64,
    /// Stored versions (≥ documents).
    pub versions: u64,
    /// Subscribed feeds.
    pub feeds: u64,
    /// Documents per outlet (`"(unknown)"` when none), most first.
    pub by_source: Vec<(String, u64)>,
    /// Versions per fetch day (`YYYY-MM-DD`, UTC), oldest first.
    pub by_day: Vec<(String, u64)>,
    /// Latest versions per processing state (`pending`, `extracted`, `failed`...).
    pub by_state: Vec<(String, u64)>,
    /// Documents per source kind (`file`, `jsonl`, `warc`, `url`, `feed`, `stdin`).
    pub by_kind: Vec<(String, u64)>,
}

/// A storage backend.
pub trait Store {
    /// Stores a batch of documents in one transaction and says what happened to each, in order.
    /// Either the whole batch is committed or none of it is.
    fn put_documents(&mut self, docs: &[RawDocument]) -> StoreResult<Vec<IngestOutcome>>;
    /// All versions of a document, oldest first (empty if unknown).
    fn versions(&self, key: &DocKey) -> StoreResult<Vec<StoredVersion>>;
    /// Whether a document with this key is stored. Backends should override this with a cheap
    /// lookup; the default reads every version.
    fn has_document(&self, key: &DocKey) -> StoreResult<bool> {
        Ok(!self.versions(key)?.is_empty())
    }
    /// Counts for `wirewatch stats`.
    fn stats(&self) -> StoreResult<Stats>;
    /// Subscribes a feed; returns false if it was already subscribed.
    fn add_feed(&mut self, feed: &FeedRecord) -> StoreResult<bool>;
    /// Unsubscribes a feed; returns false if it was not subscribed.
    fn remove_feed(&mut self, url: &str) -> StoreResult<bool>;
    /// Every subscribed feed, in the order added.
    fn feeds(&self) -> StoreResult<Vec<FeedRecord>>;
    /// Saves a feed's fetch state after a poll.
    fn update_feed(&mut self, feed: &FeedRecord) -> StoreResult<()>;
}
