//! `wirewatch cluster`: JSONL articles in file order, one story assignment per line out. Needs no
//! data directory; the same `Clusterer` assigns stories during ingest.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use analyze::stories::{Clusterer, cluster_doc_from_json, cluster_json_line};
use anyhow::{Context, Result};

use super::{Ctx, exit_code};

/// Arguments of `wirewatch cluster`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSONL files (or `-` for stdin) of `{"id", "time"?, "source"?, "title"?, "text"?}` lines,
    /// processed in order as one stream. Prints `{"id", "cluster", "duplicate_of"?}` per line.
    #[arg(required = true, value_name = "FILE.jsonl|-")]
    pub inputs: Vec<String>,
}

/// How often (in articles) quiet stories are evicted from memory.
const EVICT_EVERY: u64 = 1_000;

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let mut clusterer = Clusterer::new(ctx.config.stories.clone());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0u64;
    let mut seen = 0u64;
    for input in &args.inputs {
        let reader: Box<dyn BufRead> = if input == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            let f = std::fs::File::open(input).with_context(|| format!("cannot open {input}"))?;
            Box::new(BufReader::new(f))
        };
        for (n, line) in reader.split(b'\n').enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {input}:{}: cannot read: {e}", n + 1);
                    failed += 1;
                    break;
                }
            };
            let text = String::from_utf8_lossy(&line);
            if text.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v @ serde_json::Value::Object(_)) => v,
                Ok(_) => {
                    eprintln!("error: {input}:{}: not a JSON object", n + 1);
                    failed += 1;
                    continue;
                }
                Err(e) => {
                    eprintln!("error: {input}:{}: invalid JSON: {e}", n + 1);
                    failed += 1;
                    continue;
                }
            };
            let doc = cluster_doc_from_json(&value);
            let assignment = clusterer.add(&doc);
            let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
            writeln!(out, "{}", cluster_json_line(&assignment, &id))?;
            seen += 1;
            if seen.is_multiple_of(EVICT_EVERY) {
                let now = clusterer.clock();
                clusterer.evict_quiet(now);
            }
        }
    }
    out.flush()?;
    Ok(exit_code(failed))
}
