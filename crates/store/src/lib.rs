//! wirewatch storage: documents, their versions and feed subscriptions behind `model::Store`;
//! stories, entities, and the live [`events`] outbox with webhook subscriptions.
//!
//! The default backend is [`SqliteStore`], one SQLite file in the data directory. Its schema is
//! a list of [`migrations`] applied in order; nothing outside this crate knows the schema. The
//! full-text [`search`] index beside it is derived from the store and rebuilt from it at need.
//!
//! ```
//! use model::Store;
//! let mut store = store::SqliteStore::open_in_memory()?;
//! assert_eq!(store.stats()?.documents, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod analysis;
mod changes;
mod copy;
mod db;
mod digest;
mod docs;
mod entities;
mod error;
pub mod events;
mod leases;
pub mod migrations;
#[cfg(feature = "postgres")]
pub mod pg;
pub mod search;
pub mod sql;
mod sqlite;
mod stories;
pub mod work;

pub use analysis::{AnalysisStore, PendingVersion};
pub use changes::{ChangeStore, StoryText};
pub use copy::{TableCopy, copy_store};
pub use db::Database;
pub use digest::DigestStore;
pub use docs::{DocumentInfo, DocumentStore, FeedStore};
pub use entities::{AliasInfo, EntityDetail, EntityStatement, EntityStore, EntitySummary};
pub use error::{Error, Result};
pub use events::{DeliveryRecord, EventStore, NewWebhook, Webhook, append_event};
pub use leases::LeaseStore;
#[cfg(feature = "postgres")]
pub use pg::PgStore;
pub use sqlite::{DB_FILE, SqliteStore};
pub use stories::{StoryStatement, StoryStore};
pub use work::{PendingWork, WorkStore};

/// Every operation of the store, on either backend: what commands and servers hold (as
/// `Box<dyn AnyStore>`) when they work with whichever backend was chosen.
pub trait AnyStore: Database + model::Store + Send {}

impl<T: Database + model::Store + Send + ?Sized> AnyStore for T {}

/// Where a store lives: the embedded one in a data directory, or a PostgreSQL database. What a
/// process keeps to open more connections to the same store (a server's pool).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// The SQLite store in this data directory.
    Dir(std::path::PathBuf),
    /// The PostgreSQL database at this URL.
    #[cfg(feature = "postgres")]
    Postgres(String),
}

impl Location {
    /// Opens a connection to the store (migrating its schema if needed).
    pub fn open(&self) -> Result<Box<dyn AnyStore>> {
        Ok(match self {
            Location::Dir(dir) => Box::new(SqliteStore::open(dir)?),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => Box::new(PgStore::connect(url)?),
        })
    }

    /// Whether this is a PostgreSQL database (shared with other processes and machines).
    pub fn is_postgres(&self) -> bool {
        !matches!(self, Location::Dir(_))
    }
}

/// The directory, or the URL without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Dir(dir) => write!(f, "{}", dir.display()),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => f.write_str(&pg::redact_url(url)),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Location({self})")
    }
}

/// The storage traits, for `use store::prelude::*`: the operations every backend has.
pub mod prelude {
    pub use crate::{
        AnalysisStore, AnyStore, ChangeStore, Database, DigestStore, DocumentStore, EntityStore,
        EventStore, FeedStore, LeaseStore, StoryStore, WorkStore,
    };
    pub use model::Store;
}
