//! `wirewatch poll`: fetch due feeds and their linked articles, on a schedule.

use std::cell::RefCell;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use futures_util::StreamExt;
use ingest::files::ItemError;
use model::IngestSummary;

use super::{Ctx, exit_code};
use crate::cmd::ingest::print_summary;
use crate::pipeline::{Batch, Msg};

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

/// Feeds polled at once at most. The client's limits (per host, and overall) are what bound the
/// requests; this bounds only the feeds waiting for their turn, each holding its parsed items
/// (pages go to the store thread as soon as they are fetched).
const FEEDS_IN_FLIGHT: usize = 1024;

/// Polls every due feed once; with `claims`, only the feeds this worker got the leases of.
///
/// Fetching goes on on this thread while a store thread stores what is fetched and (without
/// `claims`; a worker leaves that to its own loop) analyses it as in `ingest`: the two meet in
/// one bounded channel, so memory stays flat however many feeds are due. A feed's fetch state
/// (validators, next due time) is stored only after every page read from it, so a crash never
/// records as seen a page that was not stored.
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
    if due.is_empty() && claims.is_some() {
        return Ok(IngestSummary::default());
    }
    // The fetcher's own connection, for asking whether a linked page is stored already.
    let lookup = blocking(|| ctx.open_any_store())?;
    blocking(|| {
        let mut guard = store.borrow_mut();
        let st: &mut dyn store::AnyStore = guard.as_mut();
        let (tx, rx) = crate::pipeline::channel();
        std::thread::scope(|s| {
            let writer = std::thread::Builder::new()
                .name("wirewatch-store".into())
                .spawn_scoped(s, move || store_round(ctx, st, rx, claims))?;
            tokio::runtime::Handle::current().block_on(fetch_round(
                ctx,
                client,
                lookup.as_ref(),
                due,
                now,
                tx,
            ));
            writer.join().map_err(|_| anyhow::anyhow!("the store thread panicked"))?
        })
    })
}

/// Polls `due` and sends every page, failure and finished feed to the store thread; returns
/// early if that thread hung up (it failed, and says why).
async fn fetch_round(
    ctx: &Ctx,
    client: &ingest::http::Client,
    lookup: &dyn store::AnyStore,
    due: Vec<model::FeedRecord>,
    now: chrono::DateTime<Utc>,
    tx: std::sync::mpsc::SyncSender<Msg>,
) {
    let cfg = &ctx.config.poll;
    // Pages already stored, or taken by another feed of this round, are not fetched again.
    let taken = RefCell::new(std::collections::HashSet::new());
    let skip = |url: &str| {
        let key = model::DocKey(model::url::canonicalize(url).unwrap_or_else(|| url.to_string()));
        !taken.borrow_mut().insert(key.0.clone())
            || blocking(|| lookup.has_document(&key)).unwrap_or(false)
    };
    let (skip, tx) = (&skip, &tx);
    let mut feeds = futures_util::stream::iter(due.into_iter().map(|mut feed| async move {
        let mut send = |page| {
            let _ = tx.send(Msg::item(page));
        };
        let report =
            ingest::poll::poll_feed_each(client, &mut feed, cfg, now, skip, &mut send).await;
        (feed, report)
    }))
    .buffer_unordered(FEEDS_IN_FLIGHT);
    while let Some((feed, report)) = feeds.next().await {
        let failed =
            report.error.map(|err| Msg::Failed(ItemError::new(format!("feed {}", feed.url), err)));
        let sent = failed.is_none_or(|m| tx.send(m).is_ok())
            && tx.send(Msg::Feed(Box::new(feed))).is_ok()
            && tx.send(Msg::Step).is_ok();
        if !sent {
            return;
        }
    }
}

/// The store thread of a round: stores (and without `claims` analyses) what the fetcher sends;
/// with `claims`, frees each feed's leases once its state is stored.
fn store_round(
    ctx: &Ctx,
    st: &mut dyn store::AnyStore,
    rx: std::sync::mpsc::Receiver<Msg>,
    claims: Option<&Claims<'_>>,
) -> Result<IngestSummary> {
    let hidden = indicatif::ProgressBar::hidden();
    let mut on_error = |e: &ItemError| eprintln!("error: {e}");
    let Some(c) = claims else {
        return crate::pipeline::analyse_from(
            rx,
            &ctx.config,
            st,
            ctx.index_dir(),
            true,
            &hidden,
            &mut on_error,
        );
    };
    let mut summary = IngestSummary::default();
    crate::pipeline::write_all(
        rx,
        ctx.config.store.batch_size,
        &mut |batch: Batch| {
            use store::LeaseStore;
            let outcomes = st.put_documents(&batch.docs)?;
            for feed in &batch.feeds {
                st.update_feed(feed)?;
                st.release_lease(&format!("feed:{}", feed.url), c.owner)?;
                let host = model::url::host(&feed.url).unwrap_or_default();
                st.release_lease(&format!("host:{host}"), c.owner)?;
            }
            Ok(outcomes)
        },
        &hidden,
        &mut on_error,
        &mut summary,
    )?;
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
