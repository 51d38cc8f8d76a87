//! `wirewatch serve`: the web UI and JSON API over a data directory or a PostgreSQL database,
//! optionally with the feed poller beside it, until Ctrl-C or SIGTERM (then in-flight requests
//! finish). On PostgreSQL the data directory is this server's local directory: its search index
//! (kept current from the database by `server::follow`) and its write token.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Ctx;

/// Arguments of `wirewatch serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on (default: `server.listen` of the config, 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Also poll the subscribed feeds, as `wirewatch poll` does, in the same process.
    #[arg(long)]
    pub poll: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    serve(ctx, &ctx.location(), &ctx.data_dir, args.listen, args.poll, None)
}

/// Serves the store at `location` until interrupted, with `data_dir` as the local directory.
/// `banner` is printed (with the URL) once listening.
pub fn serve(
    ctx: &Ctx,
    location: &store::Location,
    data_dir: &Path,
    listen: Option<SocketAddr>,
    poll: bool,
    banner: Option<&str>,
) -> Result<ExitCode> {
    let mut cfg = ctx.config.server.clone();
    cfg.http = ctx.config.http.clone();
    if let Some(l) = listen {
        cfg.listen = l;
    }
    let (token, source) = server::resolve_token(&cfg, data_dir)
        .map_err(|e| anyhow::anyhow!("cannot set up the server token: {e}"))?;
    match &source {
        server::TokenSource::Generated(path) => eprintln!(
            "write token (shown once; also kept in {}, mode 0600):\n  {token}",
            path.display()
        ),
        server::TokenSource::Stored(path) => {
            eprintln!("write token: see {}", path.display())
        }
        server::TokenSource::Configured => eprintln!("write token: as configured"),
    }
    if location.is_postgres() {
        eprintln!("bringing the search index in {} up to date from {location}", data_dir.display());
    }
    let state = server::AppState::new(location, data_dir, cfg.clone(), &token)
        .map_err(|e| anyhow::anyhow!("cannot serve {location}: {e}"))?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // Cancelled at shutdown: stops the live tailer and webhook workers and ends SSE streams, so
    // open event streams do not hold up the graceful shutdown.
    let live_stop = tokio_util::sync::CancellationToken::new();
    let live = {
        let _rt = rt.enter();
        rt.spawn(server::follow::run(state.clone(), live_stop.clone()));
        server::live::LiveState::start(
            location,
            data_dir,
            ctx.config.live_config(),
            live_stop.clone(),
        )
        .map_err(|e| anyhow::anyhow!("cannot start the live alerts: {e}"))?
    };
    let state = state.with_live(live);
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(cfg.listen))
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    if let Some(b) = banner {
        println!("{b}");
    }
    println!("serving {location} at http://{addr}/  (Ctrl-C stops)");
    let app = server::app(state).into_make_service_with_connect_info::<SocketAddr>();
    std::thread::scope(|s| {
        let poller = poll.then(|| {
            let mut rx = stop_rx.clone();
            s.spawn(move || {
                let stop = async move {
                    let _ = rx.wait_for(|stopped| *stopped).await;
                };
                super::poll::poll_until(ctx, super::poll::Args { once: false, json: false }, stop)
            })
        });
        let served = rt.block_on(async {
            let mut rx = stop_rx.clone();
            let signal = async move {
                shutdown_signal().await;
                eprintln!("shutting down: finishing requests in flight");
                live_stop.cancel();
                let _ = stop_tx.send(true);
            };
            tokio::spawn(signal);
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.wait_for(|stopped| *stopped).await;
                })
                .await
        });
        served.context("the server failed")?;
        match poller {
            Some(h) => h.join().map_err(|_| anyhow::anyhow!("the poller panicked"))?,
            None => Ok(ExitCode::SUCCESS),
        }
    })
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
