//! placeholder, replaced below

#![warn(missing_docs)]
