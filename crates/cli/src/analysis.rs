//! The analysis stage: stored versions that have no analysis by the running analyser (new ones,
//! or ones analysed by an older analyser) are analysed on every core, written back a batch per
//! transaction, and assigned to stories in arrival order.
//!
//! It runs after the documents are committed, so storing is never slowed by analysis, and a
//! process killed mid-way leaves versions that the next run picks up. Each batch is indexed for
//! search once its story is assigned (so the index holds the final story), one index commit per
//! batch.

use std::time::Instant;
use store::prelude::*;

use analyze::document::{ANALYZER, analyze_document};
use anyhow::Result;
use indicatif::ProgressBar;
use model::{Analysis, IngestOutcome, RawDocument};
use std::path::Path;

use store::AnyStore;

use crate::config::Config;
use crate::index::Indexer;
use crate::stories::StoryAssigner;

/// Versions read and analysed per round (and per transaction).
const BATCH: usize = 256;

/// Stories whose findings are redone per round (and per transaction).
const STORIES_PER_ROUND: usize = 128;

/// Analyses every version still waiting; returns how many were analysed. `index_dir` is the
/// data directory whose search index follows (none on PostgreSQL, where each server keeps its own index current from the database).
pub fn analyze_pending(
    store: &mut dyn AnyStore,
    index_dir: Option<&Path>,
    cfg: &Config,
    live: bool,
    progress: &ProgressBar,
) -> Result<u64> {
    let started = Instant::now();
    let mut stories = StoryAssigner::open(store, &cfg.stories, live)?;
    let mut search = Indexer::start(index_dir, store, progress);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut after = 0;
    let mut done = 0u64;
    loop {
        let batch = store.versions_to_analyze(ANALYZER, after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.version_id;
        let analyses = parallel_map(&batch, threads, |p| analyze_document(&p.document));
        let items: Vec<(i64, Analysis)> =
            batch.iter().map(|p| p.version_id).zip(analyses.iter().cloned()).collect();
        store.put_analyses(&items)?;
        let docs: Vec<RawDocument> = batch
            .into_iter()
            .zip(analyses)
            .map(|(p, a)| RawDocument { analysis: Some(a), ..p.document })
            .collect();
        // Every version here is stored already: only those not yet in a story are assigned.
        let outcomes = vec![IngestOutcome::NewVersion; docs.len()];
        stories.assign(store, &docs, &outcomes)?;
        let keys: Vec<&str> = docs.iter().map(|d| d.key.as_str()).collect();
        search.add_batch(store, &keys, progress);
        done += docs.len() as u64;
        progress.inc(docs.len() as u64);
    }
    search.finish();
    if done > 0 {
        tracing::info!(
            "analysed {done} versions in {:.3} s on {threads} threads",
            started.elapsed().as_secs_f64()
        );
    }
    refresh_story_changes(store, threads)?;
    Ok(done)
}

/// Redoes the findings and timeline of every story marked as changed (it gained an article, or
/// an article a new version), a round of stories per transaction, on every core. Returns how
/// many stories were redone.
pub fn refresh_story_changes(store: &mut dyn AnyStore, threads: usize) -> Result<usize> {
    let started = Instant::now();
    let mut new = Vec::new();
    let mut stories = 0;
    loop {
        let pending = store.pending_story_changes(STORIES_PER_ROUND)?;
        if pending.is_empty() {
            break;
        }
        let inputs =
            pending.iter().map(|id| story_versions(store, id)).collect::<Result<Vec<_>>>()?;
        let changes = parallel_map(&inputs, threads, |v| analyze::claims::story_changes(v));
        let items: Vec<(&str, &[model::StoryFinding], &[model::TimelineEntry])> = pending
            .iter()
            .zip(&changes)
            .map(|(id, c)| (id.as_str(), &c.findings[..], &c.timeline[..]))
            .collect();
        new.extend(store.save_many_story_changes(&items)?);
        stories += pending.len();
    }
    if stories > 0 {
        tracing::info!(
            "findings and timelines of {stories} stories redone in {:.3} s ({} new findings)",
            started.elapsed().as_secs_f64(),
            new.len()
        );
    }
    Ok(stories)
}

/// Every stored version of every article of a story, with its extracted body.
fn story_versions(store: &dyn AnyStore, id: &str) -> Result<Vec<analyze::claims::StoryVersion>> {
    // A full timestamp from the page or the feed first; failing both, a bare day (plain-text
    // reports often give only the date) as its midnight UTC: either orders the story's reports,
    // which the findings need.
    let full = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&chrono::Utc))
    };
    let day = |t: &str| {
        chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
    };
    Ok(store
        .story_texts(id)?
        .into_iter()
        .map(|t| analyze::claims::StoryVersion {
            time: t
                .published
                .as_deref()
                .and_then(full)
                .or(t.version_published.as_deref().and_then(full))
                .or(t.published.as_deref().and_then(day))
                .or(t.version_published.as_deref().and_then(day)),
            article: t.document,
            outlet: t.site_name.or(t.outlet),
            version: t.version,
            duplicate_of: t.duplicate_of,
            body: t.body,
        })
        .collect())
}

/// Maps `f` over `items` on up to `threads` threads, keeping the order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>())).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parallel_map_keeps_order() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::parallel_map(&v, 3, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert_eq!(super::parallel_map(&v[..1], 4, |x| x + 1), vec![1]);
    }
}
