//! The store crate's integration tests: one binary, one module per concern.

mod conformance;
mod fixture;
mod props;
mod search;
mod sqlite;
