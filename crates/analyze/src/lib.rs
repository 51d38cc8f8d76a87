//! placeholder, replaced below

#![warn(missing_docs)]

pub mod entities;
mod gazetteer;
pub mod quotes;
pub mod text;
