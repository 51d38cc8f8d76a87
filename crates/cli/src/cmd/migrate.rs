//! `wirewatch migrate --to TARGET`: copies the store (the data directory, or the `--database`)
//! into an empty PostgreSQL database or data directory, verified table by table.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use store::AnyStore;

use super::Ctx;
use crate::output::table;

/// Arguments of `wirewatch migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to copy to: `postgres://user@host:port/db` (an empty database), or a data
    /// directory (new, or with an empty store).
    #[arg(long, value_name = "URL|DIR")]
    pub to: String,
    /// Print the per-table summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let from = ctx.open_any_store()?;
    let mut to: Box<dyn AnyStore> = if store::pg::is_postgres_url(&args.to) {
        Box::new(store::PgStore::connect(&args.to)?)
    } else {
        let dir = PathBuf::from(&args.to);
        anyhow::ensure!(
            ctx.database.is_some() || dir != ctx.data_dir,
            "--to {} is the data directory being copied",
            dir.display()
        );
        Box::new(super::open_store(&dir)?)
    };
    let shown = store::pg::redact_url(&args.to);
    let pb = if ctx.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    let copied = store::copy_store(from.as_ref(), to.as_mut(), &mut |t, n| {
        pb.set_message(format!("{t}: {n} rows"));
        pb.tick();
    })
    .with_context(|| format!("cannot copy the store to {shown}"))?;
    pb.finish_and_clear();
    let total: u64 = copied.iter().map(|c| c.rows).sum();
    if args.json {
        let tables: Vec<serde_json::Value> = copied
            .iter()
            .map(|c| {
                serde_json::json!({
                    "table": c.table,
                    "rows": c.rows,
                    "hash": format!("{:016x}", c.target_hash),
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "to": shown, "rows": total, "tables": tables }));
    } else {
        let mut rows = vec![vec!["TABLE".to_string(), "ROWS".into(), "FINGERPRINT".into()]];
        for c in &copied {
            rows.push(vec![
                c.table.to_string(),
                c.rows.to_string(),
                format!("{:016x}", c.target_hash),
            ]);
        }
        print!("{}", table(&rows));
        println!(
            "copied {total} rows in {} tables to {shown}; every table's count and fingerprint match",
            copied.len()
        );
        if !store::pg::is_postgres_url(&args.to) {
            println!(
                "the search index is not copied: `wirewatch --data-dir {} reindex` builds it",
                args.to
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
