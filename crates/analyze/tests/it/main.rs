//! The analyze crate's integration tests: one module per stage.

mod stance;
