//! Integration tests of the analysis stages, one module per stage.

mod extract;
mod stories;
