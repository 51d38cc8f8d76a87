//! wirewatch analysis stages: pure, synchronous, deterministic functions returning
//! `(output, diagnostics)`.

#![warn(missing_docs)]

pub mod claims;
pub mod dedupe;
pub mod document;
pub mod entities;
pub mod extract;
mod gazetteer;
pub mod quotes;
pub mod semantic;
pub mod stance;
pub mod stories;
pub mod text;
