//! Feed subscriptions and their fetch state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The health of a feed, as the last poll left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedState {
    /// Never fetched yet.
    New,
    /// The last fetch worked (200 or 304).
    Ok,
    /// The last fetch failed; see `last_error`.
    Failing,
}

impl FeedState {
    /// The stable name stored and printed for this state.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedState::New => "new",
            FeedState::Ok => "ok",
            FeedState::Failing => "failing",
        }
    }
    /// Parses a stored name back.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" => Some(FeedState::New),
            "ok" => Some(FeedState::Ok),
            "failing" => Some(FeedState::Failing),
            _ => None,
        }
    }
}

/// A subscribed feed (RSS, Atom, JSON Feed or news sitemap) and what its last poll saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRecord {
    /// The feed's URL (canonical form).
    pub url: String,
    /// Its title, from OPML or the feed itself.
    pub title: Option<String>,
    /// The site it belongs to (OPML `htmlUrl` or the feed's link).
    pub site_url: Option<String>,
    /// When it was subscribed.
    pub added_at: DateTime<Utc>,
    /// ETag of the last 200 response, for conditional GET.
    pub etag: Option<String>,
    /// Last-Modified of the last 200 response, for conditional GET.
    pub last_modified: Option<String>,
    /// When it was last fetched.
    pub last_fetch: Option<DateTime<Utc>>,
    /// HTTP status of the last fetch (304 when unchanged).
    pub last_status: Option<u16>,
    /// The last error, if the last fetch failed.
    pub last_error: Option<String>,
    /// Consecutive failures, for backoff.
    pub failures: u32,
    /// When it is next due.
    pub next_due: Option<DateTime<Utc>>,
    /// Health.
    pub state: FeedState,
}

impl FeedRecord {
    /// A fresh subscription, due at once.
    pub fn new(
        url: String,
        title: Option<String>,
        site_url: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        FeedRecord {
            url,
            title,
            site_url,
            added_at: now,
            etag: None,
            last_modified: None,
            last_fetch: None,
            last_status: None,
            last_error: None,
            failures: 0,
            next_due: None,
            state: FeedState::New,
        }
    }
    /// Whether a poll at `now` should fetch it.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.next_due.is_none_or(|d| d <= now)
    }
}
