//! `wirewatch stats`: what the store holds, by source, day, state and kind.

use std::process::ExitCode;

use anyhow::Result;
use model::Stats;

use super::Ctx;
use crate::output::table;

/// Arguments of `wirewatch stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the counts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    let stats = store.stats()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print!("{}", render(&stats));
    }
    Ok(ExitCode::SUCCESS)
}

/// The human-readable form of the counts.
pub fn render(s: &Stats) -> String {
    let mut out =
        format!("{} documents, {} versions, {} feeds\n", s.documents, s.versions, s.feeds);
    for (title, rows) in [
        ("by source", &s.by_source),
        ("by day", &s.by_day),
        ("by state", &s.by_state),
        ("by kind", &s.by_kind),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        let rows: Vec<Vec<String>> =
            rows.iter().map(|(k, n)| vec![format!("  {k}"), n.to_string()]).collect();
        out.push_str(&table(&rows));
    }
    out
}
