//! Domain types shared by every wirewatch crate: raw documents, diagnostics, identity keys,
//! outlets, feeds, live events, and the [`Store`] trait the storage backends implement.
//!
//! Invariant: this crate does no IO and starts no async runtime. Everything here is plain data
//! plus pure functions over it (URL canonicalisation, content hashing, outlet normalisation).

#![warn(missing_docs)]

pub mod diag;
pub mod digest;
pub mod doc;
pub mod event;
pub mod feed;
pub mod names;
pub mod store;
pub mod story;
pub mod url;

pub use diag::{Diagnostic, Severity};
pub use doc::{
    Analysis, ContentKind, DocEntity, DocKey, IngestOutcome, IngestSummary, RawDocument,
    SourceKind, Statement, StoredVersion, content_hash, normalize_outlet,
};
pub use event::Event;
pub use feed::{FeedRecord, FeedState};
pub use store::{Stats, Store, StoreError, StoreResult};
pub use story::{
    ClaimEvidence, StoryArticle, StoryAssignment, StoryFinding, StoryRecord, TIMELINE_REPORTS,
    TimelineEntry, TimelineReport,
};
