//! wirewatch analysis stages: pure, synchronous, deterministic functions returning
//! `(output, diagnostics)`.

#![warn(missing_docs)]

pub mod dedupe;
pub mod document;
pub mod extract;
pub mod stories;
