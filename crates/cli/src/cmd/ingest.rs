//! `wirewatch ingest`: files, directories, URLs and stdin into the store, with a summary.

use std::process::ExitCode;

use anyhow::Result;
use model::IngestSummary;

use super::{Ctx, exit_code};
use crate::output::progress;
use crate::pipeline::{Input, Plan, run as run_pipeline};

/// Arguments of `wirewatch ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories (.html .htm [.gz], .txt .md, .jsonl, .warc [.gz]), http(s) URLs of
    /// pages, or `-` for stdin. Directories are read recursively.
    #[arg(required = true, value_name = "PATH|URL|-")]
    pub inputs: Vec<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let inputs: Vec<Input> = args.inputs.iter().map(|a| Input::parse(a)).collect();
    let mut store = ctx.open_store()?;
    let summary = ingest_inputs(ctx, &inputs, &mut store)?;
    print_summary(&summary, args.json)?;
    Ok(exit_code(summary.failed))
}

/// Ingests inputs into an open store, reporting bad items on stderr.
pub fn ingest_inputs(
    ctx: &Ctx,
    inputs: &[Input],
    store: &mut store::SqliteStore,
) -> Result<IngestSummary> {
    let plan = Plan::new(inputs);
    let pb = progress(plan.steps(), ctx.quiet, "ingest");
    let mut on_error = |e: &ingest::files::ItemError| {
        pb.suspend(|| eprintln!("error: {e}"));
    };
    let summary = run_pipeline(plan, &ctx.config, store, &pb, &mut on_error)?;
    pb.finish_and_clear();
    Ok(summary)
}

/// Prints the end-of-run summary, as text or JSON.
pub fn print_summary(s: &IngestSummary, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(s)?);
    } else {
        println!(
            "{} new, {} unchanged, {} new versions, {} failed",
            s.new, s.unchanged, s.new_versions, s.failed
        );
    }
    Ok(())
}
