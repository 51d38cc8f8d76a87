//! placeholder, replaced below

#![warn(missing_docs)]

pub mod dedupe;
pub mod stories;
