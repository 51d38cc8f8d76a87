//! Stories as stored: groups of reports of one real-world event, and which story each document
//! joined (or which document it copies).

use serde::{Deserialize, Serialize};

/// A story as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryRecord {
    /// Stable id (`s17`).
    pub id: String,
    /// Its most central headline.
    pub label: String,
    /// Time of its first report (RFC 3339), if known.
    pub first_seen: Option<String>,
    /// Time of its latest report, if known.
    pub last_updated: Option<String>,
    /// `developing`, `breaking` or `quiet`.
    pub state: String,
    /// When it was flagged breaking, if it was.
    pub breaking_since: Option<String>,
    /// Articles in it, copies included.
    pub articles: u64,
    /// Copies among them (counted once where coverage is counted).
    pub copies: u64,
    /// Distinct independent outlets.
    pub outlets: Vec<String>,
    /// The entities most involved.
    pub entities: Vec<String>,
    /// The clustering state, so the story can be revived into memory after a restart.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub state_json: String,
}

/// Which story a document joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryAssignment {
    /// The document's key.
    pub document: String,
    /// The story's id.
    pub story: String,
    /// The key of the document it copies (the origin), if it is a copy.
    pub duplicate_of: Option<String>,
    /// A wire agency credited in the text or its origin's ("AFP"), if any.
    pub wire_agency: Option<String>,
}

/// One article of a story, for listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryArticle {
    /// The document's key.
    pub document: String,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication time, if known.
    pub published: Option<String>,
    /// When it was first fetched.
    pub first_seen: String,
    /// The document it copies, if it is a copy.
    pub duplicate_of: Option<String>,
    /// Wire agency credit, if any.
    pub wire_agency: Option<String>,
}
