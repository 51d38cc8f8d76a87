//! The store crate's one error type, and its mapping onto `model::StoreError`.

use std::path::PathBuf;

use model::StoreError;

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in the store.
///
/// The first variants are user errors (a wrong path, a file that is not ours, a database from a
/// newer wirewatch); the last ones are internal failures of the database engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data directory could not be created.
    #[error("cannot create data directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database file could not be opened.
    #[error("cannot open database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file where the database should be is not an SQLite database, or is an SQLite
    /// database that wirewatch did not make.
    #[error("{} is not a wirewatch database: {reason}", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The database was written by a newer wirewatch whose schema this build does not know.
    #[error(
        "{} has schema version {found}, but this wirewatch only knows versions up to {known}; \
         upgrade wirewatch to use it",
        path.display()
    )]
    SchemaTooNew {
        /// The database file (`:memory:` for an in-memory database).
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A migration step failed; the database was left at the version before it.
    #[error("migrating {} to schema version {version} failed: {source}", path.display())]
    Migration {
        /// The database file (`:memory:` for an in-memory database).
        path: PathBuf,
        /// The version that could not be applied.
        version: i64,
        /// Why.
        source: rusqlite::Error,
    },
    /// The PostgreSQL database could not be reached, or its URL is malformed.
    #[cfg(feature = "postgres")]
    #[error("cannot connect to PostgreSQL database {database}: {source}")]
    Connect {
        /// The database URL, password redacted.
        database: String,
        /// Why.
        source: postgres::Error,
    },
    /// The PostgreSQL database was set up by a newer wirewatch whose schema this build does not
    /// know.
    #[error(
        "PostgreSQL database {database} has schema version {found}, but this wirewatch only \
         knows versions up to {known}; upgrade wirewatch to use it"
    )]
    DatabaseTooNew {
        /// The database URL, password redacted.
        database: String,
        /// The version found in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The PostgreSQL database holds tables wirewatch did not make.
    #[error("PostgreSQL database {database} is not a wirewatch database: {reason}")]
    NotOurDatabase {
        /// The database URL, password redacted.
        database: String,
        /// What was found.
        reason: String,
    },
    /// A PostgreSQL migration step failed; the database was left at the version before it.
    #[cfg(feature = "postgres")]
    #[error(
        "migrating PostgreSQL database {database} to schema version {version} failed: {source}"
    )]
    PgMigration {
        /// The database URL, password redacted.
        database: String,
        /// The version that could not be applied.
        version: i64,
        /// Why.
        source: postgres::Error,
    },
    /// The target of a copy already holds data.
    #[error("the target store is not empty: {0}")]
    NotEmpty(String),
    /// The operation is not available on this backend yet.
    #[error("{0} is not supported yet")]
    Unsupported(String),
    /// A feed to update is not subscribed.
    #[error("feed not subscribed: {0}")]
    FeedNotFound(String),
    /// A named thing (an entity, an alias) does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A stored value could not be read back (a hand-edited or damaged row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A search query or filter could not be understood (a user error: show it to the user).
    #[error("invalid search {input}: {reason}")]
    InvalidQuery {
        /// The query text, or the filter and its value.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Another process (ingest, poll or reindex) is writing the search index.
    #[error(
        "the search index {} is being written by another wirewatch process (ingest, poll or \
         reindex); try again when it has finished",
        path.display()
    )]
    IndexBusy {
        /// The index directory.
        path: PathBuf,
    },
    /// The search index is damaged or was made by another schema; a writer rebuilds it.
    #[error(
        "the search index {} must be rebuilt ({reason}); run `wirewatch reindex` (ingest and \
         poll also rebuild it)",
        path.display()
    )]
    IndexStale {
        /// The index directory.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// The search index directory could not be created or removed.
    #[error("search index {}: {source}", path.display())]
    IndexIo {
        /// The index directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The search engine failed.
    #[error("search index {}: {source}", path.display())]
    Search {
        /// The index directory.
        path: PathBuf,
        /// Why (boxed: tantivy's error is large).
        source: Box<tantivy::TantivyError>,
    },
    /// An SQLite call failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL call failed.
    #[cfg(feature = "postgres")]
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// Diagnostics could not be encoded or decoded as JSON.
    #[error("diagnostics JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// Whether the error is the user's to fix (a bad query, a path, a locked or stale index)
    /// rather than an internal failure: an API answers these with a 4xx status.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::InvalidQuery { .. }
                | Error::IndexBusy { .. }
                | Error::IndexStale { .. }
                | Error::NotFound(_)
                | Error::FeedNotFound(_)
                | Error::NotADatabase { .. }
                | Error::SchemaTooNew { .. }
                | Error::DatabaseTooNew { .. }
                | Error::NotOurDatabase { .. }
                | Error::Unsupported(_)
                | Error::NotEmpty(_)
        )
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotADatabase { .. }
            | Error::SchemaTooNew { .. }
            | Error::DatabaseTooNew { .. }
            | Error::NotOurDatabase { .. }
            | Error::Migration { .. }
            | Error::Corrupt(_)
            | Error::IndexStale { .. } => StoreError::Schema(e.to_string()),
            Error::FeedNotFound(url) => StoreError::NotFound(format!("feed {url}")),
            Error::NotFound(what) => StoreError::NotFound(what),
            Error::CreateDir { .. }
            | Error::Open { .. }
            | Error::Sqlite(_)
            | Error::Unsupported(_)
            | Error::NotEmpty(_)
            | Error::Json(_)
            | Error::InvalidQuery { .. }
            | Error::IndexBusy { .. }
            | Error::IndexIo { .. }
            | Error::Search { .. } => StoreError::Backend(e.to_string()),
            #[cfg(feature = "postgres")]
            Error::PgMigration { .. } => StoreError::Schema(e.to_string()),
            #[cfg(feature = "postgres")]
            Error::Connect { .. } | Error::Postgres(_) => StoreError::Backend(e.to_string()),
        }
    }
}
