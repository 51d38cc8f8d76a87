//! `wirewatch poll`: fetch due feeds and their linked articles, on a schedule.

use std::cell::RefCell;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use futures_util::StreamExt;
use model::IngestSummary;

use super::{Ctx, exit_code};
use crate::cmd::ingest::print_summary;

/// Arguments of `wirewatch poll`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll every due feed once and exit (default: keep polling until interrupted).
    #[arg(long)]
    pub once: bool,
    /// Print each round's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("interrupted; everything reported so far is stored");
    };
    poll_until(ctx, args, interrupted)
}

/// Polls (once, or in rounds) until `stop` completes; `stop` is checked between rounds, so a
/// round in progress always finishes and is stored.
pub fn poll_until(
    ctx: &Ctx,
    args: Args,
    stop: impl std::future::Future<Output = ()>,
) -> Result<ExitCode> {
    let (store, client, rt) = setup(ctx)?;
    rt.block_on(async {
        tokio::pin!(stop);
        let mut total_failed = 0u64;
        loop {
            let summary = poll_round(ctx, &client, &store, None).await?;
            total_failed += summary.failed;
            if !ctx.quiet || args.json {
                print_summary(&summary, args.json)?;
            }
            if args.once {
                return Ok(exit_code(total_failed));
            }
            let wait = next_wait(ctx, &store)?;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = &mut stop => return Ok(exit_code(total_failed)),
            }
        }
    })
}

/// The store, HTTP client and runtime of a polling loop (`poll`, `worker`). The runtime is
/// multi-threaded (one worker) only so that store calls can leave the runtime context with
/// [`blocking`]: the PostgreSQL client blocks on a runtime of its own, which tokio forbids inside
/// another's.
pub type Setup = (RefCell<Box<dyn store::AnyStore>>, ingest::http::Client, tokio::runtime::Runtime);

/// Opens what a polling loop needs; see [`Setup`].
pub fn setup(ctx: &Ctx) -> Result<Setup> {
    let store = RefCell::new(ctx.open_any_store()?);
    let client = ingest::http::Client::new(ctx.config.http.clone())
        .context("cannot build the HTTP client")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok((store, client, rt))
}

/// How a worker shares feeds with other workers: it polls a feed only while it holds the feed's
/// lease (`feed:<url>`, one poller per feed at a time) and its host's (`host:<host>`, one
/// worker fetching from a host at a time, so the per-host rate limit of one process holds for
/// all of them), and leaves the analysis to its own loop.
pub struct Claims<'a> {
    /// Who holds the leases.
    pub owner: &'a str,
    /// How long a lease lasts if its holder dies mid-poll.
    pub ttl: Duration,
}

/// The due feeds whose leases (feed and host) `claims.owner` got; the others are left to the
/// workers that hold them.
fn claim_feeds(
    store: &mut dyn store::AnyStore,
    due: Vec<model::FeedRecord>,
    claims: &Claims<'_>,
) -> Result<Vec<model::FeedRecord>> {
    use store::LeaseStore;
    let mut mine = Vec::new();
    for feed in due {
        let feed_lease = format!("feed:{}", feed.url);
        if !store.try_lease(&feed_lease, claims.owner, claims.ttl)? {
            continue;
        }
        let host = model::url::host(&feed.url).unwrap_or_default();
        if store.try_lease(&format!("host:{host}"), claims.owner, claims.ttl)? {
            mine.push(feed);
        } else {
            store.release_lease(&feed_lease, claims.owner)?;
        }
    }
    Ok(mine)
}

/// Polls every due feed once, storing articles after each feed completes; with `claims`, only
/// the feeds this worker got the leases of, and without analysing.
pub async fn poll_round(
    ctx: &Ctx,
    client: &ingest::http::Client,
    store: &RefCell<Box<dyn store::AnyStore>>,
    claims: Option<&Claims<'_>>,
) -> Result<IngestSummary> {
    let now = Utc::now();
    let mut due: Vec<model::FeedRecord> =
        blocking(|| store.borrow().feeds())?.into_iter().filter(|f| f.is_due(now)).collect();
    if let Some(c) = claims {
        due = blocking(|| claim_feeds(store.borrow_mut().as_mut(), due, c))?;
    }
    let mut summary = IngestSummary::default();
    let cfg = &ctx.config.poll;
    // Borrows of the store are never held across an await: the runtime is single-threaded, so
    // the skip check and the writes below interleave but never overlap.
    let skip = |url: &str| {
        let key = model::DocKey(model::url::canonicalize(url).unwrap_or_else(|| url.to_string()));
        blocking(|| store.borrow().has_document(&key)).unwrap_or(false)
    };
    let mut rounds = futures_util::stream::iter(due.into_iter().map(|mut feed| {
        let skip = &skip;
        async move {
            let report = ingest::poll::poll_feed(client, &mut feed, cfg, now, skip).await;
            (feed, report)
        }
    }))
    .buffer_unordered(ctx.config.http.max_concurrency.max(1));
    while let Some((feed, report)) = rounds.next().await {
        if let Some(err) = &report.error {
            eprintln!("error: feed {}: {err}", feed.url);
            summary.failed += 1;
        }
        let mut docs = Vec::new();
        for item in report.documents {
            match item {
                Ok(d) => docs.push(d),
                Err(e) => {
                    eprintln!("error: {e}");
                    summary.failed += 1;
                }
            }
        }
        blocking(|| -> Result<()> {
            let mut st = store.borrow_mut();
            for chunk in docs.chunks(ctx.config.store.batch_size) {
                for o in st.put_documents(chunk)? {
                    summary.record(o);
                }
            }
            st.update_feed(&feed)?;
            if let Some(c) = claims {
                use store::LeaseStore;
                st.release_lease(&format!("feed:{}", feed.url), c.owner)?;
                let host = model::url::host(&feed.url).unwrap_or_default();
                st.release_lease(&format!("host:{host}"), c.owner)?;
            }
            Ok(())
        })?;
    }
    if claims.is_some() {
        return Ok(summary);
    }
    let hidden = indicatif::ProgressBar::hidden();
    summary.analysed = blocking(|| {
        crate::analysis::analyze_pending(
            store.borrow_mut().as_mut(),
            ctx.index_dir(),
            &ctx.config,
            true,
            &hidden,
        )
    })?;
    Ok(summary)
}

/// How long to sleep before the next round: until the earliest feed is due, at least a second,
/// at most the poll interval.
fn next_wait(ctx: &Ctx, store: &RefCell<Box<dyn store::AnyStore>>) -> Result<Duration> {
    let now = Utc::now();
    let interval = Duration::from_secs(ctx.config.poll.interval_secs.max(1));
    let earliest = blocking(|| store.borrow().feeds())?.iter().filter_map(|f| f.next_due).min();
    Ok(match earliest {
        Some(t) if t > now => {
            (t - now).to_std().unwrap_or(interval).clamp(Duration::from_secs(1), interval)
        }
        Some(_) => Duration::from_secs(1),
        None => interval,
    })
}

/// Runs store work (synchronous, and on PostgreSQL blocking on the client's own runtime) outside
/// the async runtime's context.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}
