//! The `wirewatch` binary: command line, config, logging, and wiring of the stages.

mod analysis;
mod cmd;
mod config;
mod index;
mod output;
mod pipeline;
mod stories;
mod timing;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// wirewatch: a self-hosted breaking-news tracker.
///
/// Reads reports from feeds, web pages, WARC archives and files; keeps every version; tells who
/// said what, when, through whom, and what changed.
#[derive(Debug, Parser)]
#[command(name = "wirewatch", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The data directory (the SQLite store).
    #[arg(long, global = true, env = "WIREWATCH_DATA_DIR", default_value = "./wirewatch-data")]
    pub data_dir: PathBuf,
    /// A shared PostgreSQL database (`postgres://user@host:port/db`) instead of the data
    /// directory's SQLite store; also `store.database_url` in the config.
    #[arg(long, global = true, env = "WIREWATCH_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// A TOML config file (see config.example.toml). Default: `<data-dir>/wirewatch.toml` if present.
    #[arg(long, global = true, env = "WIREWATCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// More log output (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Less output: no progress bar, errors only.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest files, directories, URLs or stdin (`-`) into the store.
    Ingest(cmd::ingest::Args),
    /// Manage feed subscriptions (RSS, Atom, JSON Feed, news sitemaps).
    #[command(subcommand)]
    Feeds(cmd::feeds::FeedsCommand),
    /// Fetch every due feed and the articles it links to; keeps polling unless --once.
    Poll(cmd::poll::Args),
    /// Do the pending work in the store (poll, analyse, assign stories, findings) beside other
    /// workers; keeps working unless --once.
    Worker(cmd::worker::Args),
    /// Counts of stored documents by source, day, state and kind.
    Stats(cmd::stats::Args),
    /// Extract articles (headline, byline, dates, body) from pages or text; no data directory.
    Extract(cmd::extract::Args),
    /// Who said what: quotations, reported speech, speakers, relays, entities; no data directory.
    Quotes(cmd::quotes::Args),
    /// Stance of texts towards claims: support, deny, neutral or unrelated; no data directory.
    Stance(cmd::stance::Args),
    /// Group JSONL articles into stories and mark syndicated copies; no data directory.
    Cluster(cmd::cluster::Args),
    /// Stored stories, latest first (`--breaking`, `--since`).
    Stories(cmd::stories::ListArgs),
    /// One story: its articles, outlets, first report, copies, and what changed (--changes).
    Story(cmd::stories::ShowArgs),
    /// People, organisations and places across stored articles, most mentioned first.
    Entities(cmd::entities::ListArgs),
    /// One entity: its aliases (with the evidence for each merge), roles and statements.
    Entity(cmd::entities::ShowArgs),
    /// Override entity merging: merge a spelling into an entity, or split it off.
    #[command(subcommand)]
    Alias(cmd::entities::AliasCommand),
    /// Full-text search over stored articles and statements, with filters.
    Search(cmd::search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex(cmd::search::ReindexArgs),
    /// Copy the store into an empty PostgreSQL database (--to postgres://...) or data directory.
    Migrate(cmd::migrate::Args),
    /// Ingest the bundled sample corpus into a fresh temporary data directory and serve it.
    Demo(cmd::demo::Args),
    /// Serve the web UI and JSON API of the data directory (--poll also polls feeds).
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// `wirewatch entities | head` closes our stdout early: stop quietly, as Unix tools do, instead
/// of reporting a panic from `println!`.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("WIREWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
