//! The store crate's integration tests: one binary, one module per concern.

mod changes;
mod conformance;
mod events;
mod fixture;
#[cfg(feature = "postgres")]
mod pg;
mod props;
mod search;
mod sqlite;
