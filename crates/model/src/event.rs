//! Events of the live outbox: what happened (a new story, a breaking flag, a finding), as the
//! store appends them and the server streams and delivers them.

use serde::{Deserialize, Serialize};

/// A story was saved for the first time.
pub const STORY_NEW: &str = "story.new";
/// A story was flagged breaking (its `breaking_since` was first set).
pub const STORY_BREAKING: &str = "story.breaking";
/// A change between claims of a story's articles was found and stored.
pub const FINDING_NEW: &str = "finding.new";
/// Every article of a young story moved to another, so the story is gone (payload: `id`, and
/// `into`, the story its articles joined).
pub const STORY_MERGED: &str = "story.merged";

/// Every event kind the outbox carries, for validating filters.
pub const EVENT_KINDS: &[&str] = &[STORY_NEW, STORY_BREAKING, FINDING_NEW, STORY_MERGED];

/// One event of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Increasing id, never reused (also the SSE event id and the webhook delivery id).
    pub id: i64,
    /// One of [`EVENT_KINDS`].
    pub kind: String,
    /// The story it concerns, if any.
    pub story: Option<String>,
    /// The entity it concerns, if any.
    pub entity: Option<i64>,
    /// What happened, as JSON (for stories: id, label, outlets, articles, breaking_since; for
    /// a merge: id, into).
    pub payload: serde_json::Value,
    /// When it was appended (RFC 3339, UTC).
    pub created: String,
}
