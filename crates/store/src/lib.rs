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
mod digest;
mod entities;
mod error;
pub mod events;
pub mod migrations;
pub mod search;
mod sqlite;
mod stories;

pub use analysis::PendingVersion;
pub use changes::StoryText;
pub use entities::{AliasInfo, EntityDetail, EntityStatement, EntitySummary};
pub use error::{Error, Result};
pub use events::{DeliveryRecord, NewWebhook, Webhook, append_event};
pub use sqlite::{DB_FILE, DocumentInfo, SqliteStore};
pub use stories::StoryStatement;
