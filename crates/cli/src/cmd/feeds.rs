//! `wirewatch feeds`: add, list, remove and export feed subscriptions (OPML in and out).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::Utc;
use model::FeedRecord;

use super::{Ctx, exit_code};
use crate::output::table;

/// `wirewatch feeds ...`
#[derive(Debug, clap::Subcommand)]
pub enum FeedsCommand {
    /// Subscribe to feeds by URL, or to every feed of an OPML file.
    Add {
        /// Feed URLs (RSS, Atom, JSON Feed or news sitemap).
        #[arg(value_name = "URL", required_unless_present = "opml")]
        urls: Vec<String>,
        /// Import the feeds listed in an OPML file.
        #[arg(long, value_name = "FILE")]
        opml: Option<PathBuf>,
    },
    /// List subscriptions with their health (last fetch, status, errors).
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe from feeds.
    Remove {
        /// Feed URLs, as listed by `feeds list`.
        #[arg(value_name = "URL", required = true)]
        urls: Vec<String>,
    },
    /// Export the subscriptions.
    Export {
        /// Write OPML (the only format, and the default).
        #[arg(long, default_value_t = true)]
        opml: bool,
        /// Write to this file instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Runs the command.
pub fn run(ctx: &Ctx, cmd: FeedsCommand) -> Result<ExitCode> {
    let mut store = ctx.open_any_store()?;
    match cmd {
        FeedsCommand::Add { urls, opml } => {
            let mut entries: Vec<(String, Option<String>, Option<String>)> =
                urls.into_iter().map(|u| (u, None, None)).collect();
            if let Some(path) = opml {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read OPML file {}", path.display()))?;
                let outlines = ingest::feeds::parse_opml(&bytes)
                    .with_context(|| format!("invalid OPML file {}", path.display()))?;
                entries.extend(outlines.into_iter().map(|o| (o.url, o.title, o.site_url)));
            }
            let (mut added, mut known, mut failed) = (0u64, 0u64, 0u64);
            let now = Utc::now();
            for (raw, title, site) in entries {
                let Some(url) = model::url::canonicalize(&raw) else {
                    eprintln!("error: {raw}: not an http(s) URL");
                    failed += 1;
                    continue;
                };
                if let Some(why) = ctx.config.http.static_refusal(&url) {
                    eprintln!("error: refused {url}: {why}; {}", ingest::http::PRIVATE_HINT);
                    failed += 1;
                    continue;
                }
                if store.add_feed(&FeedRecord::new(url, title, site, now))? {
                    added += 1;
                } else {
                    known += 1;
                }
            }
            println!("{added} added, {known} already subscribed, {failed} failed");
            Ok(exit_code(failed))
        }
        FeedsCommand::List { json } => {
            let feeds = store.feeds()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&feeds)?);
            } else if feeds.is_empty() {
                println!("no feeds; add one with `wirewatch feeds add URL`");
            } else {
                let mut rows = vec![vec![
                    "URL".to_string(),
                    "STATE".into(),
                    "LAST FETCH".into(),
                    "STATUS".into(),
                    "TITLE / LAST ERROR".into(),
                ]];
                for f in &feeds {
                    rows.push(vec![
                        f.url.clone(),
                        f.state.as_str().to_string(),
                        f.last_fetch
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_else(|| "-".into()),
                        f.last_status.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                        f.last_error.clone().or_else(|| f.title.clone()).unwrap_or_default(),
                    ]);
                }
                print!("{}", table(&rows));
            }
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::Remove { urls } => {
            let mut missing = 0u64;
            for raw in urls {
                let url = model::url::canonicalize(&raw).unwrap_or(raw.clone());
                if store.remove_feed(&url)? {
                    println!("removed {url}");
                } else {
                    eprintln!("error: {raw}: not subscribed");
                    missing += 1;
                }
            }
            Ok(exit_code(missing))
        }
        FeedsCommand::Export { opml: _, output } => {
            let xml = ingest::feeds::write_opml(&store.feeds()?);
            match output {
                Some(p) => std::fs::write(&p, xml)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => print!("{xml}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
