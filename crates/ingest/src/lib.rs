//! wirewatch ingest: files, JSONL, WARC, web pages, feeds and sitemaps into [`model::RawDocument`]s.
//!
//! Invariant: this is the only crate that touches the network, and every network access goes
//! through [`http::Client`] (politeness, timeouts, size caps, SSRF guard). Every decompression goes
//! through [`limits`], so memory stays bounded whatever the input.
//!
//! Messy input is data: readers return documents carrying [`model::Diagnostic`]s, and report items
//! that could not be used as [`files::ItemError`]s while the rest of the input continues.

#![warn(missing_docs)]

pub mod decode;
pub mod error;
pub mod feeds;
pub mod files;
pub mod http;
pub mod limits;
pub mod page;
pub mod poll;
mod robots;
mod ssrf;
mod warc_reader;
mod xmlfix;

pub use error::{Error, Result};
pub use files::ItemError;
