//! `wirewatch cluster`: JSONL articles in file order, one story assignment per line out. Needs no
//! data directory; the same `Clusterer` assigns stories during ingest.
//!
//! A story can split after the fact when its reports turn out to describe two events (see
//! `StoryConfig::split_max_articles`), so each line is held until its story can no longer change
//! (it went quiet and left memory, it grew past the split size, or the input ended) and lines
//! come out in input order, each naming the article's final story.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use analyze::stories::{Clusterer, HeldOutput, cluster_doc_from_json, cluster_json_line};
use anyhow::{Context, Result};

use super::{Ctx, exit_code};

/// Arguments of `wirewatch cluster`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSONL files (or `-` for stdin) of `{"id", "time"?, "source"?, "title"?, "text"?}` lines,
    /// processed in order as one stream. Prints `{"id", "cluster", "duplicate_of"?}` per line,
    /// in input order, once the article's story is final.
    #[arg(required = true, value_name = "FILE.jsonl|-")]
    pub inputs: Vec<String>,
}

/// How often (in articles) quiet stories are evicted from memory.
const EVICT_EVERY: u64 = 1_000;

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let mut clusterer = Clusterer::new(ctx.config.stories.clone());
    let mut held = HeldOutput::new();
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
            held.apply(&clusterer.take_moves());
            let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
            held.push(&doc.id, id, assignment);
            seen += 1;
            if seen.is_multiple_of(EVICT_EVERY) {
                let now = clusterer.clock();
                clusterer.evict_quiet(now);
            }
            for (id, a) in held.ready(&clusterer) {
                writeln!(out, "{}", cluster_json_line(&a, &id))?;
            }
        }
    }
    for (id, a) in held.finish() {
        writeln!(out, "{}", cluster_json_line(&a, &id))?;
    }
    out.flush()?;
    Ok(exit_code(failed))
}
