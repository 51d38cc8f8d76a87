//! One module per command; `run` resolves the config and dispatches.

pub mod cluster;
pub mod demo;
pub mod entities;
pub mod extract;
pub mod feeds;
pub mod ingest;
pub mod migrate;
pub mod poll;
pub mod quotes;
pub mod search;
pub mod serve;
pub mod stance;
pub mod stats;
pub mod stories;
pub mod worker;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::{Cli, Command};

/// What every command gets: the resolved config and global flags.
pub struct Ctx {
    /// The resolved configuration.
    pub config: Config,
    /// The data directory.
    pub data_dir: std::path::PathBuf,
    /// The shared PostgreSQL database, when one is chosen instead of the data directory.
    pub database: Option<String>,
    /// `-q` was given.
    pub quiet: bool,
}

impl Ctx {
    /// Opens (creating if needed, migrating if older) the embedded store in the data directory,
    /// whatever `--database` says: for what only the embedded store has (its search index).
    pub fn open_store(&self) -> Result<store::SqliteStore> {
        open_store(&self.data_dir)
    }

    /// The data directory whose search index writers of the store update as they go: none on
    /// PostgreSQL, where each server (and `search`) brings its own local index up to date.
    pub fn index_dir(&self) -> Option<&Path> {
        self.database.is_none().then_some(self.data_dir.as_path())
    }

    /// Where the chosen store is: the PostgreSQL database, or the data directory.
    pub fn location(&self) -> store::Location {
        match &self.database {
            Some(url) => store::Location::Postgres(url.clone()),
            None => store::Location::Dir(self.data_dir.clone()),
        }
    }

    /// Opens the chosen store, PostgreSQL or the embedded one, behind the storage interface.
    pub fn open_any_store(&self) -> Result<Box<dyn store::AnyStore>> {
        match &self.database {
            Some(url) => Ok(Box::new(store::PgStore::connect(url)?)),
            None => Ok(Box::new(open_store(&self.data_dir)?)),
        }
    }
}

/// Opens the embedded store in `dir`, naming the directory in any error.
pub fn open_store(dir: &Path) -> Result<store::SqliteStore> {
    store::SqliteStore::open(dir)
        .with_context(|| format!("cannot open the data directory {}", dir.display()))
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref(), &cli.data_dir)?;
    let database = cli.database.or_else(|| config.store.database_url.clone());
    if let Some(url) = &database {
        crate::config::check_database_url(url).context("--database")?;
    }
    let ctx = Ctx { config, data_dir: cli.data_dir, database, quiet: cli.quiet };
    match cli.command {
        Command::Ingest(args) => ingest::run(&ctx, args),
        Command::Feeds(cmd) => feeds::run(&ctx, cmd),
        Command::Poll(args) => poll::run(&ctx, args),
        Command::Worker(args) => worker::run(&ctx, args),
        Command::Stats(args) => stats::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
        Command::Extract(args) => extract::run(&ctx, args),
        Command::Cluster(args) => cluster::run(&ctx, args),
        Command::Quotes(args) => quotes::run(&ctx, args),
        Command::Stance(args) => stance::run(&ctx, args),
        Command::Stories(args) => stories::list(&ctx, args),
        Command::Story(args) => stories::show(&ctx, args),
        Command::Entities(args) => entities::list(&ctx, args),
        Command::Entity(args) => entities::show(&ctx, args),
        Command::Alias(cmd) => entities::alias(&ctx, cmd),
        Command::Search(args) => search::search(&ctx, args),
        Command::Reindex(args) => search::reindex(&ctx, args),
        Command::Migrate(args) => migrate::run(&ctx, args),
    }
}

/// Exit code 1 when anything failed, so scripts notice; 0 otherwise.
pub fn exit_code(failed: u64) -> ExitCode {
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
