//! `wirewatch worker [--once]`: does the pending work in the store — due feeds to poll,
//! versions to analyse, stories to assign, findings and timelines to redo — alongside any number
//! of other workers on the same database, until interrupted (`--once`: until nothing is left).
//!
//! Work is divided through leases in the store (see `store::work` and `store::leases`): each
//! round a worker polls the due feeds it got the leases of, analyses a batch of versions it
//! claimed (on `--threads` cores), and, if it holds the `stories` lease, assigns the next
//! complete chunks of analysed versions to stories and redoes the findings of changed stories.
//! The holder of the `stories` lease keeps its clustering state in memory and renews the lease
//! every round, so as long as it lives one worker assigns every story, in row order; when it
//! dies, its lease expires and another worker revives the state from the store and goes on from
//! the progress mark. The search index is not the workers' concern: on PostgreSQL each server
//! keeps its own current from the database (`server::follow`), and on the embedded store the
//! next `ingest`, `poll` or `reindex` catches up.
//!
//! Stories go quiet by the wall clock when the worker runs until interrupted (a newsroom's
//! live feeds) and by later arrivals with `--once` (draining a queue of archives, whose
//! publication times say nothing about now).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use analyze::document::{ANALYZER, analyze_document};
use anyhow::Result;
use model::{Analysis, IngestOutcome, RawDocument};
use serde::Serialize;
use store::prelude::*;
use store::work::STORIES_LEASE;

use super::Ctx;
use super::poll::{Claims, blocking, poll_round};
use crate::analysis::{parallel_map, refresh_story_changes};
use crate::stories::StoryAssigner;

/// Versions per story-assignment chunk: the same as ingest's analysis batches, so a queue
/// drained by workers is cut into the same chunks as by one `ingest`.
const BATCH: usize = 256;
/// Versions claimed per analysing thread: small batches spread a queue evenly over workers and
/// keep what a dying worker leaves to expire small.
const CLAIM_PER_THREAD: usize = 32;
/// Longest wait for findings while versions are still being analysed.
const FINDINGS_EVERY: Duration = Duration::from_secs(10);
/// Rounds in a row that may fail (each followed by the idle wait) before the worker gives up.
const MAX_FAILED_ROUNDS: u32 = 30;
/// Wait between two rounds that found nothing to do.
const IDLE: Duration = Duration::from_millis(500);

/// Arguments of `wirewatch worker`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stop once nothing is pending in the store (no due feed, nothing to analyse, assign or
    /// redo), exiting 0; without it, keep working until interrupted.
    #[arg(long)]
    pub once: bool,
    /// Do not poll feeds (only analyse, assign and redo findings).
    #[arg(long)]
    pub no_poll: bool,
    /// Threads analysing a batch (default: every core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Seconds a claim lasts when its worker dies: how soon another worker redoes its work.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub lease_secs: u64,
    /// Print the totals as JSON at the end.
    #[arg(long)]
    pub json: bool,
}

/// What a worker did.
#[derive(Debug, Default, Serialize)]
pub struct WorkerSummary {
    /// Documents stored from polled feeds.
    pub polled: u64,
    /// Versions this worker analysed (and wrote: claims lost to another worker not counted).
    pub analysed: u64,
    /// Versions this worker took through story assignment.
    pub assigned: u64,
    /// Stories whose findings and timeline this worker redid.
    pub story_changes: u64,
    /// Items that failed (a feed or an article that could not be fetched).
    pub failed: u64,
    /// Seconds the worker ran.
    pub seconds: f64,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    anyhow::ensure!(args.lease_secs > 0, "--lease-secs must be at least 1");
    let started = Instant::now();
    let owner = format!(
        "worker:{}:{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() % 1_000_000_000)
    );
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let ttl = Duration::from_secs(args.lease_secs);
    let (store, client, rt) = super::poll::setup(ctx)?;
    let mut work = Work {
        ctx,
        owner: &owner,
        ttl,
        threads,
        live: !args.once,
        assigner: None,
        after: 0,
        renewed: None,
        findings_at: Instant::now(),
        timings: [0.0; 3],
        summary: WorkerSummary::default(),
    };
    let outcome = rt.block_on(async {
        // Listening from the start (a signal handler registers when first polled), so a
        // signal during a busy round is seen; the round in progress finishes and is stored.
        let stop = tokio_util::sync::CancellationToken::new();
        let on_signal = stop.clone();
        tokio::spawn(async move {
            super::serve::shutdown_signal().await;
            on_signal.cancel();
        });
        tokio::task::yield_now().await;
        let mut failures = 0;
        loop {
            if stop.is_cancelled() {
                eprintln!("interrupted; everything done so far is stored");
                return Ok(());
            }
            let round = async {
                let mut did = 0;
                if !args.no_poll {
                    let claims = Claims { owner: &owner, ttl };
                    let round = poll_round(ctx, &client, &store, Some(&claims)).await?;
                    work.summary.polled += round.new + round.new_versions;
                    work.summary.failed += round.failed;
                    did += round.new + round.new_versions;
                }
                did += blocking(|| work.round(store.borrow_mut().as_mut()))?;
                let finished = did == 0
                    && args.once
                    && blocking(|| done(store.borrow().as_ref(), args.no_poll))?;
                Ok::<_, anyhow::Error>((did, finished))
            };
            match round.await {
                Ok((_, true)) => return Ok(()),
                Ok((did, false)) if did > 0 => {
                    failures = 0;
                    continue;
                }
                Ok(_) => failures = 0,
                // The store went away (a database restart that outlasted the reconnection
                // window, a commit cut off): what was committed stays, what was claimed expires
                // and is redone, and the stories are revived from the store next time.
                Err(e) if failures < MAX_FAILED_ROUNDS => {
                    failures += 1;
                    work.assigner = None;
                    work.renewed = None;
                    eprintln!("warning: {e:#}; retrying ({failures} of {MAX_FAILED_ROUNDS})");
                }
                Err(e) => return Err(e.context(format!("{failures} rounds in a row failed"))),
            }
            tokio::select! {
                _ = tokio::time::sleep(IDLE) => {}
                _ = stop.cancelled() => {}
            }
        }
    });
    // Hand the stories over at once rather than when the lease expires.
    let _ = blocking(|| store.borrow_mut().release_lease(STORIES_LEASE, &owner));
    outcome?;
    work.summary.seconds = started.elapsed().as_secs_f64();
    let [analysing, assigning, findings] = work.timings;
    tracing::info!(
        "worker: {analysing:.2} s claiming and analysing, {assigning:.2} s assigning stories, \
         {findings:.2} s redoing findings"
    );
    let s = &work.summary;
    if args.json {
        println!("{}", serde_json::to_string(s)?);
    } else if !ctx.quiet {
        println!(
            "polled {} documents, analysed {} versions, assigned {}, redid {} stories' findings, \
             {} failed, in {:.1} s",
            s.polled, s.analysed, s.assigned, s.story_changes, s.failed, s.seconds
        );
    }
    Ok(super::exit_code(s.failed))
}

/// Whether nothing is pending: no version to analyse or assign, no story to redo, and (when
/// polling) no feed due.
fn done(store: &dyn AnyStore, no_poll: bool) -> Result<bool> {
    let pending = store.pending_work(ANALYZER)?;
    if !pending.is_empty() {
        return Ok(false);
    }
    let now = chrono::Utc::now();
    Ok(no_poll || !store.feeds()?.iter().any(|f| f.is_due(now)))
}

/// One worker's state between rounds.
struct Work<'a> {
    ctx: &'a Ctx,
    owner: &'a str,
    ttl: Duration,
    threads: usize,
    live: bool,
    /// The clustering state, kept while this worker holds the `stories` lease.
    assigner: Option<StoryAssigner>,
    /// The last version row claimed (where the next claim starts looking).
    after: i64,
    /// When this worker last took or renewed the stories lease, while it holds it.
    renewed: Option<Instant>,
    /// When findings were last redone.
    findings_at: Instant,
    /// Seconds spent analysing, assigning and redoing findings (logged at the end).
    timings: [f64; 3],
    summary: WorkerSummary,
}

impl Work<'_> {
    /// Analyses one claimed batch, then assigns and redoes findings if this worker holds (or
    /// gets) the stories lease; returns how many items it did.
    fn round(&mut self, store: &mut dyn AnyStore) -> Result<u64> {
        let t = Instant::now();
        let analysed = self.analyse(store)?;
        let mut did = analysed;
        self.timings[0] += t.elapsed().as_secs_f64();
        if self.stories_lease(store)? {
            let t = Instant::now();
            did += self.assign(store)?;
            self.timings[1] += t.elapsed().as_secs_f64();
            // As `ingest` does at its end: findings once the queue is drained, not after each
            // chunk (a growing story would be redone at every chunk), and at least every
            // `FINDINGS_EVERY` while it is not, so a live newsroom sees them.
            if analysed == 0 || self.findings_at.elapsed() >= FINDINGS_EVERY {
                let t = Instant::now();
                let redone = refresh_story_changes(store, self.threads)? as u64;
                self.findings_at = Instant::now();
                self.summary.story_changes += redone;
                did += redone;
                self.timings[2] += t.elapsed().as_secs_f64();
            }
        } else {
            // Another worker assigns; if this one gets the lease again later, it starts from
            // the store, which the other has moved on.
            self.assigner = None;
            self.renewed = None;
        }
        Ok(did)
    }

    /// Whether this worker holds the stories lease, taking or renewing it as needed: a holder
    /// renews once a third of the lease has passed, and a worker that sees another's unexpired
    /// lease does not ask (each ask is a commit; `save_assigned` checks the lease anyway).
    fn stories_lease(&mut self, store: &mut dyn AnyStore) -> Result<bool> {
        if let Some(at) = self.renewed
            && at.elapsed() < self.ttl / 3
        {
            return Ok(true);
        }
        if self.renewed.is_none()
            && let Some((holder, _)) = store.lease_holder(STORIES_LEASE)?
            && holder != self.owner
        {
            return Ok(false);
        }
        let asked = Instant::now();
        let held = store.try_lease(STORIES_LEASE, self.owner, self.ttl)?;
        self.renewed = held.then_some(asked);
        Ok(held)
    }

    fn analyse(&mut self, store: &mut dyn AnyStore) -> Result<u64> {
        let limit = CLAIM_PER_THREAD * self.threads;
        let mut batch = store.claim_versions(ANALYZER, self.owner, self.ttl, self.after, limit)?;
        if batch.is_empty() && self.after > 0 {
            // From the start again: versions a dead worker's expired leases left behind.
            self.after = 0;
            batch = store.claim_versions(ANALYZER, self.owner, self.ttl, 0, limit)?;
        }
        let Some(last) = batch.last() else { return Ok(0) };
        self.after = last.version_id;
        let analyses = parallel_map(&batch, self.threads, |p| analyze_document(&p.document));
        let items: Vec<(i64, Analysis)> =
            batch.iter().map(|p| p.version_id).zip(analyses).collect();
        let written = store.put_claimed_analyses(&items, self.owner)? as u64;
        self.summary.analysed += written;
        Ok(written)
    }

    /// Assigns every complete chunk that is ready, renewing the lease between chunks.
    fn assign(&mut self, store: &mut dyn AnyStore) -> Result<u64> {
        let mut did = 0;
        loop {
            let chunk = store.next_to_assign(ANALYZER, BATCH)?;
            let Some(through) = chunk.last().map(|p| p.version_id) else { break };
            if self.assigner.is_none() {
                self.assigner =
                    Some(StoryAssigner::open(store, &self.ctx.config.stories, self.live)?);
            }
            let Some(assigner) = self.assigner.as_mut() else { break };
            let docs: Vec<RawDocument> = chunk.into_iter().map(|p| p.document).collect();
            let outcomes = vec![IngestOutcome::NewVersion; docs.len()];
            let (records, assignments) = assigner.plan(store, &docs, &outcomes)?;
            if !store.save_assigned(&records, &assignments, through, self.owner)? {
                // The lease ran out and another worker took over: this state is stale.
                self.assigner = None;
                self.renewed = None;
                break;
            }
            did += docs.len() as u64;
            self.summary.assigned += docs.len() as u64;
            if !self.stories_lease(store)? {
                self.assigner = None;
                self.renewed = None;
                break;
            }
        }
        Ok(did)
    }
}
