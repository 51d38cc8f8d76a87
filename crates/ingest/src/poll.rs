//! Polling one feed: conditional GET, parse, fetch the new article pages politely, and update the
//! feed's fetch state (validators, status, errors, backoff, next due time).

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use model::{FeedRecord, FeedState, RawDocument, SourceKind};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::feeds::{FeedItem, FeedSource, ItemKind, parse_feed_from};
use crate::files::ItemError;
use crate::http::{Client, Response, Validators};

/// Most child sitemaps of a sitemap index fetched in one poll.
const MAX_CHILD_FETCHES: usize = 20;

/// How feeds are polled.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PollConfig {
    /// Seconds between polls of a healthy feed.
    pub interval_secs: u64,
    /// Most article pages fetched from one feed per poll (newest first as the feed orders them).
    pub max_items_per_feed: usize,
    /// Longest wait, in seconds, after repeated failures (the wait doubles with each failure).
    pub max_backoff_secs: u64,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig { interval_secs: 900, max_items_per_feed: 100, max_backoff_secs: 24 * 3600 }
    }
}

/// What one poll of a feed produced.
#[derive(Debug)]
pub struct PollReport {
    /// The article pages fetched (or why each could not be).
    pub documents: Vec<std::result::Result<RawDocument, ItemError>>,
    /// Whether the feed answered 304 Not Modified.
    pub not_modified: bool,
    /// Why the feed itself could not be fetched or parsed, if it could not.
    pub error: Option<String>,
}

/// One fetched article page, or why it could not be fetched.
pub type Fetched = std::result::Result<RawDocument, ItemError>;

/// Polls `feed`: fetches it conditionally, parses it, fetches the linked pages that `skip` does
/// not reject (`skip(url) == true` means already stored), and updates the record in place.
pub async fn poll_feed(
    client: &Client,
    feed: &mut FeedRecord,
    cfg: &PollConfig,
    now: DateTime<Utc>,
    skip: &dyn Fn(&str) -> bool,
) -> PollReport {
    let mut documents = Vec::new();
    let mut report = poll_feed_each(client, feed, cfg, now, skip, &mut |d| documents.push(d)).await;
    report.documents = documents;
    report
}

/// [`poll_feed`], handing each page to `on_page` as soon as it is fetched (in the feed's order)
/// instead of collecting them, so that a caller polling many feeds at once holds no pages; the
/// report's `documents` is empty.
pub async fn poll_feed_each(
    client: &Client,
    feed: &mut FeedRecord,
    cfg: &PollConfig,
    now: DateTime<Utc>,
    skip: &dyn Fn(&str) -> bool,
    on_page: &mut dyn FnMut(Fetched),
) -> PollReport {
    let validators =
        Validators { etag: feed.etag.clone(), last_modified: feed.last_modified.clone() };
    feed.last_fetch = Some(now);
    let resp = match client.get(&feed.url, Some(&validators)).await {
        Ok(r) => r,
        Err(e) => {
            let status = match &e {
                Error::Status { status, .. } => Some(*status),
                _ => None,
            };
            return failed(feed, cfg, now, status, e.to_string());
        }
    };
    feed.last_status = Some(resp.status);
    if resp.not_modified {
        succeeded(feed, cfg, now);
        return PollReport { documents: Vec::new(), not_modified: true, error: None };
    }
    let (title, mut items) = match parse_feed_from(&resp.body, &source_of(&resp)) {
        Ok(f) => {
            for d in &f.diagnostics {
                tracing::debug!(feed = %feed.url, code = %d.code, "{}", d.message);
            }
            (f.title, f.items)
        }
        Err(e) => {
            let mut msg = format!("{}: {e}", feed.url);
            if resp.truncated {
                msg.push_str(" (the feed was cut at the body size limit)");
            }
            return failed(feed, cfg, now, Some(resp.status), msg);
        }
    };
    // Only remember validators once the body was usable, so a broken feed is fetched in full again.
    feed.etag = resp.etag;
    feed.last_modified = resp.last_modified;
    if feed.title.is_none() {
        feed.title = title;
    }
    if items.iter().any(|i| i.kind == ItemKind::Sitemap) {
        items = expand_sitemap_index(client, items, on_page).await;
    }
    let mut seen = std::collections::HashSet::new();
    let mut wanted: Vec<(String, FeedItem)> = Vec::new();
    for item in items.into_iter().filter(|i| i.kind == ItemKind::Article) {
        if wanted.len() >= cfg.max_items_per_feed {
            break;
        }
        match item.url.clone() {
            Some(url) => {
                if seen.insert(url.clone()) && !skip(&url) {
                    wanted.push((url, item));
                }
            }
            // No page: the entry's own text is the document.
            None => {
                if let Some(doc) = feed_text_document(feed, item, now) {
                    on_page(Ok(doc));
                }
            }
        }
    }
    // The client enforces per-host and global limits; this only bounds how many futures wait.
    let parallel = client.config().max_concurrency.max(1);
    let mut fetched = futures_util::stream::iter(wanted)
        .map(|(url, item)| async move {
            let mut doc = client.fetch_page(&url, SourceKind::Feed).await?;
            if doc.title.is_none() {
                doc.title = item.title;
            }
            if doc.published.is_none() {
                doc.published = item.published;
            }
            Ok(doc)
        })
        .buffered(parallel);
    while let Some(page) = fetched.next().await {
        on_page(page);
    }
    succeeded(feed, cfg, now);
    PollReport { documents: Vec::new(), not_modified: false, error: None }
}

/// Fetches the child sitemaps of an index (one level, a bounded number) and returns their items.
async fn expand_sitemap_index(
    client: &Client,
    items: Vec<FeedItem>,
    on_page: &mut dyn FnMut(Fetched),
) -> Vec<FeedItem> {
    let mut out = Vec::new();
    for child in items.into_iter().take(MAX_CHILD_FETCHES) {
        if child.kind != ItemKind::Sitemap {
            out.push(child);
            continue;
        }
        let Some(url) = child.url else { continue };
        let parsed = match client.get(&url, None).await {
            Ok(r) => parse_feed_from(&r.body, &source_of(&r)).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match parsed {
            // Nested indexes are not followed: one level is what news sites use.
            Ok(f) => out.extend(f.items.into_iter().filter(|i| i.kind == ItemKind::Article)),
            Err(e) => on_page(Err(ItemError::new(url, e))),
        }
    }
    out.sort_by_key(|i| std::cmp::Reverse(i.published));
    out
}

/// What a response says about the feed in it.
fn source_of(r: &Response) -> FeedSource<'_> {
    FeedSource {
        url: Some(&r.final_url),
        content_type: r.content_type.as_deref(),
        content_location: r.content_location.as_deref(),
    }
}

/// The document of a feed entry without a page: its full text as the feed carries it, keyed
/// by that text (an entry id is not a URL), its origin the feed and the entry's id.
fn feed_text_document(
    feed: &FeedRecord,
    item: FeedItem,
    now: DateTime<Utc>,
) -> Option<RawDocument> {
    let content = item.content?;
    let origin = match &item.id {
        Some(id) => format!("{}#{id}", feed.url),
        None => feed.url.clone(),
    };
    Some(crate::page::build_document(crate::page::DocInput {
        url: None,
        content,
        content_kind: model::ContentKind::Html,
        title: item.title,
        published: item.published,
        source: feed.title.clone().or_else(|| model::url::host(&feed.url)),
        source_kind: SourceKind::Feed,
        origin,
        fetched_at: now,
        diagnostics: Vec::new(),
    }))
}

fn succeeded(feed: &mut FeedRecord, cfg: &PollConfig, now: DateTime<Utc>) {
    feed.failures = 0;
    feed.last_error = None;
    feed.state = FeedState::Ok;
    feed.next_due = Some(now + secs(cfg.interval_secs));
}

fn failed(
    feed: &mut FeedRecord,
    cfg: &PollConfig,
    now: DateTime<Utc>,
    status: Option<u16>,
    message: String,
) -> PollReport {
    feed.failures = feed.failures.saturating_add(1);
    feed.last_status = status;
    feed.last_error = Some(message.clone());
    feed.state = FeedState::Failing;
    feed.next_due = Some(now + secs(backoff_secs(cfg, feed.failures)));
    PollReport { documents: Vec::new(), not_modified: false, error: Some(message) }
}

/// The wait after `failures` consecutive failures: the interval doubled per failure, capped.
pub fn backoff_secs(cfg: &PollConfig, failures: u32) -> u64 {
    let factor = 1u64.checked_shl(failures.min(32)).unwrap_or(u64::MAX);
    cfg.interval_secs.max(1).saturating_mul(factor).min(cfg.max_backoff_secs.max(cfg.interval_secs))
}

fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX).min(100 * 365 * 86400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let cfg = PollConfig { interval_secs: 100, max_items_per_feed: 1, max_backoff_secs: 1000 };
        assert_eq!(backoff_secs(&cfg, 1), 200);
        assert_eq!(backoff_secs(&cfg, 3), 800);
        assert_eq!(backoff_secs(&cfg, 4), 1000);
        assert_eq!(backoff_secs(&cfg, u32::MAX), 1000);
    }
}
