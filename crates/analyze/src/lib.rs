//! placeholder, replaced below

#![warn(missing_docs)]
pub mod stance;
