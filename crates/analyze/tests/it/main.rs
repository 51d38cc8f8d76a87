//! The analyze crate's one integration-test binary: a module per stage.

mod claims;
mod extract;
mod quotes;
mod stance;
mod stories;
