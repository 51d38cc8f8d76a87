//! `wirewatch ingest`: files, directories, URLs and stdin into the store, with a summary.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::ProgressBar;
use ingest::files::ItemError;
use model::{IngestSummary, Store};
use store::AnyStore;

use super::{Ctx, exit_code};
use crate::output::progress;
use crate::pipeline::{Input, Plan, run as run_pipeline, store_all};

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
    /// Only store the documents, leaving their analysis for later (on the embedded store, the
    /// next `ingest` or `poll` analyses them). The way to ingest into PostgreSQL for now.
    #[arg(long)]
    pub queue: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let inputs: Vec<Input> = args.inputs.iter().map(|a| Input::parse(a)).collect();
    let summary = if args.queue {
        let mut store = ctx.open_any_store()?;
        queue_inputs(ctx, &inputs, store.as_mut())?
    } else {
        let mut store = ctx.open_any_store()?;
        ingest_inputs(ctx, &inputs, store.as_mut(), ctx.index_dir())?
    };
    print_summary(&summary, args.json)?;
    Ok(exit_code(summary.failed))
}

/// Ingests inputs into an open store and analyses them, keeping the search index of
/// `index_dir` current, reporting bad items on stderr.
pub fn ingest_inputs(
    ctx: &Ctx,
    inputs: &[Input],
    store: &mut dyn AnyStore,
    index_dir: Option<&Path>,
) -> Result<IngestSummary> {
    with_progress(ctx, inputs, |plan, pb, on_error| {
        run_pipeline(plan, &ctx.config, store, index_dir, pb, on_error)
    })
}

/// Stores inputs without analysing them, reporting bad items on stderr.
pub fn queue_inputs(ctx: &Ctx, inputs: &[Input], store: &mut dyn Store) -> Result<IngestSummary> {
    with_progress(ctx, inputs, |plan, pb, on_error| {
        store_all(plan, &ctx.config, store, pb, on_error)
    })
}

fn with_progress(
    ctx: &Ctx,
    inputs: &[Input],
    run: impl FnOnce(Plan, &ProgressBar, &mut dyn FnMut(&ItemError)) -> Result<IngestSummary>,
) -> Result<IngestSummary> {
    let plan = Plan::new(inputs);
    let pb = progress(plan.steps(), ctx.quiet, "ingest");
    let mut on_error = |e: &ItemError| {
        pb.suspend(|| eprintln!("error: {e}"));
    };
    let summary = run(plan, &pb, &mut on_error)?;
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
