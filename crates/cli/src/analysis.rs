//! The analysis stage: stored versions that have no analysis by the running analyser (new ones,
//! or ones analysed by an older analyser) are analysed on every core, written back a batch per
//! transaction, and assigned to stories in arrival order.
//!
//! Analysis only ever reads committed versions, so storing never waits for it, and a process
//! killed mid-way leaves versions that the next run picks up. An [`Analyser`] overlaps the two
//! halves of the work: while the worker threads analyse one batch, the calling thread writes the
//! batch before it (analyses, stories, search index) and, during ingest, stores more documents.
//! Batches are cut by count in version order and written in that order, so the result does not
//! depend on timing. Each batch is indexed for search once its story is assigned (so the index
//! holds the final story), one index commit per batch.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use store::prelude::*;

use analyze::document::{ANALYZER, analyze_document};
use anyhow::Result;
use indicatif::ProgressBar;
use model::{Analysis, IngestOutcome, RawDocument};
use std::path::Path;

use store::AnyStore;
use store::PendingVersion;

use crate::config::Config;
use crate::index::Indexer;
use crate::stories::StoryAssigner;
use crate::timing::{Mark, StageClock, thread_cpu};

/// Versions analysed per batch (and written per transaction).
const BATCH: usize = 128;

/// Stories whose findings are redone per round (and per transaction).
const STORIES_PER_ROUND: usize = 128;
/// Versions whose facts one round of findings holds in memory at most (unless one story alone
/// has more): about 12 KB each once parsed.
const VERSIONS_PER_ROUND: usize = 4096;

/// How many threads analysis runs on: every core, up to eight.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
}

/// The batch being analysed on the worker threads: the versions, and what the workers spent.
type Running = JoinHandle<(Vec<PendingVersion>, Vec<Analysis>, Duration, Duration)>;

/// Analyses versions in batches on worker threads while the caller writes the previous batch;
/// see the module documentation.
pub struct Analyser {
    stories: StoryAssigner,
    search: Indexer,
    threads: usize,
    /// Versions handed over and not yet in a batch, in version order.
    queue: Vec<PendingVersion>,
    running: Option<Running>,
    /// The highest version id handed over, so catching up never takes one twice.
    after: i64,
    done: u64,
    clock: StageClock,
}

impl Analyser {
    /// Revives the live stories and opens the search index of `index_dir`.
    pub fn open(
        store: &mut dyn AnyStore,
        index_dir: Option<&Path>,
        cfg: &Config,
        live: bool,
        progress: &ProgressBar,
    ) -> Result<Analyser> {
        Ok(Analyser {
            stories: StoryAssigner::open(store, &cfg.stories, live)?,
            search: Indexer::start(index_dir, store, progress),
            threads: threads(),
            queue: Vec::with_capacity(BATCH),
            running: None,
            after: 0,
            done: 0,
            clock: StageClock::default(),
        })
    }

    /// The stage's clock, for the caller to add the time of work it interleaves.
    pub fn clock(&mut self) -> &mut StageClock {
        &mut self.clock
    }

    /// Hands over every stored version still waiting for analysis, oldest first.
    pub fn catch_up(&mut self, store: &mut dyn AnyStore, progress: &ProgressBar) -> Result<()> {
        loop {
            let t = Mark::now();
            let batch = store.versions_to_analyze(ANALYZER, self.after, BATCH)?;
            self.clock.add("read back", t);
            if batch.is_empty() {
                return Ok(());
            }
            self.take(store, batch, progress)?;
        }
    }

    /// Hands over committed versions (in version order) for analysis; writes whatever batch
    /// finished meanwhile.
    pub fn take(
        &mut self,
        store: &mut dyn AnyStore,
        versions: Vec<PendingVersion>,
        progress: &ProgressBar,
    ) -> Result<()> {
        for v in versions {
            self.after = self.after.max(v.version_id);
            self.queue.push(v);
            if self.queue.len() >= BATCH {
                let batch = std::mem::replace(&mut self.queue, Vec::with_capacity(BATCH));
                self.submit(store, batch, progress)?;
            }
        }
        Ok(())
    }

    /// Analyses and writes everything handed over; returns how many versions were analysed.
    pub fn finish(mut self, store: &mut dyn AnyStore, progress: &ProgressBar) -> Result<u64> {
        let rest = std::mem::take(&mut self.queue);
        self.submit(store, rest, progress)?;
        self.submit(store, Vec::new(), progress)?;
        self.search.finish();
        if self.done > 0 {
            tracing::info!(
                "analysed {} versions in {:.3} s on {} threads",
                self.done,
                self.clock.span(),
                self.threads
            );
            tracing::info!(target: "wirewatch::timings", "timings analysis {}", self.clock.json());
        }
        Ok(self.done)
    }

    /// Starts analysing `batch` (if any), then writes the batch that was running before it.
    fn submit(
        &mut self,
        store: &mut dyn AnyStore,
        batch: Vec<PendingVersion>,
        progress: &ProgressBar,
    ) -> Result<()> {
        let before = self.running.take();
        if !batch.is_empty() {
            self.clock.start();
            let threads = self.threads;
            self.running = Some(std::thread::spawn(move || {
                let wall = Instant::now();
                let (analyses, cpu) =
                    parallel_map_timed(&batch, threads, |p| analyze_document(&p.document));
                (batch, analyses, wall.elapsed(), cpu)
            }));
        }
        let Some(before) = before else { return Ok(()) };
        let waited = Instant::now();
        let (batch, analyses, wall, cpu) =
            before.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        self.clock.waited(waited.elapsed());
        self.clock.add_times("analyse", wall, cpu);
        self.write(store, batch, analyses, progress)
    }

    /// Writes one analysed batch: analyses, then stories, then the search index.
    fn write(
        &mut self,
        store: &mut dyn AnyStore,
        batch: Vec<PendingVersion>,
        analyses: Vec<Analysis>,
        progress: &ProgressBar,
    ) -> Result<()> {
        let t = Mark::now();
        let items: Vec<(i64, Analysis)> =
            batch.iter().map(|p| p.version_id).zip(analyses.iter().cloned()).collect();
        store.put_analyses(&items)?;
        drop(items);
        let t = self.clock.add("write analyses", t);
        let docs: Vec<RawDocument> = batch
            .into_iter()
            .zip(analyses)
            .map(|(p, a)| RawDocument { analysis: Some(a), ..p.document })
            .collect();
        // Every version here is stored already: only those not yet in a story are assigned.
        let outcomes = vec![IngestOutcome::NewVersion; docs.len()];
        self.stories.assign(store, &docs, &outcomes)?;
        let t = self.clock.add("stories", t);
        let keys: Vec<&str> = docs.iter().map(|d| d.key.as_str()).collect();
        self.search.add_batch(store, &keys, progress);
        self.clock.add("search index", t);
        self.done += docs.len() as u64;
        progress.inc(docs.len() as u64);
        Ok(())
    }
}

/// Redoes the findings and timeline of every story marked as changed (it gained an article, or
/// an article a new version), a round of stories per transaction, on every core. Returns how
/// many stories were redone.
pub fn refresh_story_changes(store: &mut dyn AnyStore, threads: usize) -> Result<usize> {
    let started = Instant::now();
    let cpu = crate::timing::process_cpu();
    let mut new = Vec::new();
    let mut stories = 0;
    loop {
        let pending = store.pending_story_changes(STORIES_PER_ROUND)?;
        if pending.is_empty() {
            break;
        }
        // Stories are loaded until the round holds VERSIONS_PER_ROUND versions (a story is
        // never split), so a store of a few huge stories does not hold every version's facts
        // in memory at once.
        let mut at = 0;
        while at < pending.len() {
            let first = at;
            let mut inputs = Vec::new();
            let mut loaded = 0;
            while at < pending.len() && (inputs.is_empty() || loaded < VERSIONS_PER_ROUND) {
                let versions = story_versions(store, &pending[at])?;
                loaded += versions.len();
                inputs.push(versions);
                at += 1;
            }
            let changes = parallel_map(&inputs, threads, |v| analyze::claims::story_changes(v));
            drop(inputs);
            let items: Vec<(&str, &[model::StoryFinding], &[model::TimelineEntry])> = pending
                [first..at]
                .iter()
                .zip(&changes)
                .map(|(id, c)| (id.as_str(), &c.findings[..], &c.timeline[..]))
                .collect();
            new.extend(store.save_many_story_changes(&items)?);
        }
        stories += pending.len();
    }
    if stories > 0 {
        tracing::info!(
            "findings and timelines of {stories} stories redone in {:.3} s ({} new findings)",
            started.elapsed().as_secs_f64(),
            new.len()
        );
        tracing::info!(
            target: "wirewatch::timings",
            "timings findings {{\"wall\":{:.4},\"cpu\":{:.4}}}",
            started.elapsed().as_secs_f64(),
            crate::timing::process_cpu() - cpu
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
    store
        .story_texts(id)?
        .into_iter()
        .map(|t| {
            // A stored facts value that no longer parses (written by another build) is made
            // again from the body, read apart (the query leaves it out when facts are stored).
            let facts: Option<analyze::claims::VersionFacts> =
                t.facts_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
            let body = if facts.is_none() && t.facts_json.is_some() {
                stored_body(store, &t.document, t.version)?
            } else {
                t.body
            };
            Ok(analyze::claims::StoryVersion {
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
                facts,
                body,
            })
        })
        .collect()
}

/// The extracted body of one analysed version (empty if it is gone).
fn stored_body(store: &dyn AnyStore, key: &str, version: i64) -> Result<String> {
    let Some(doc) = store.document(&model::DocKey(key.to_string()))? else {
        return Ok(String::new());
    };
    Ok(store.analysis(doc.id, version)?.map(|a| a.body).unwrap_or_default())
}

/// Maps `f` over `items` on up to `threads` threads, keeping the order. Threads take the next
/// item as they finish one, so a few slow items do not leave the other threads idle.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    parallel_map_timed(items, threads, f).0
}

/// [`parallel_map`], also returning the CPU time the mapping threads spent.
fn parallel_map_timed<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> (Vec<R>, Duration) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let run = |next: &AtomicUsize| {
        let t = thread_cpu();
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            out.push((i, f(item)));
        }
        (out, thread_cpu().saturating_sub(t))
    };
    let next = AtomicUsize::new(0);
    if threads <= 1 || items.len() < 2 {
        let (out, cpu) = run(&next);
        return (out.into_iter().map(|(_, r)| r).collect(), cpu);
    }
    let parts: Vec<(Vec<(usize, R)>, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..threads.min(items.len())).map(|_| s.spawn(|| run(&next))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let cpu = parts.iter().map(|(_, c)| *c).sum();
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in parts.into_iter().flat_map(|(out, _)| out) {
        slots[i] = Some(r);
    }
    (slots.into_iter().map(|r| r.expect("every item is mapped once")).collect(), cpu)
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
