//! `wirewatch quotes`: who said what — quotations, reported speech, speakers, relays and entities
//! — for JSONL texts or extracted pages. Needs no data directory.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use analyze::extract::{ExtractOptions, extract_html, extract_text};
use analyze::quotes::quotes_json_line;
use anyhow::Result;
use serde_json::Value;

use super::{Ctx, exit_code};

/// Arguments of `wirewatch quotes`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSONL files of `{"id", "text"}` lines (other fields ignored), or pages and reports
    /// (.html .htm .html.gz .txt .md), extracted first; `-` reads JSONL from stdin. Prints one
    /// `{"id", "quotes": [...], "entities": [...]}` line per input; offsets count Unicode code
    /// points of the text (of the extracted body for pages).
    #[arg(required = true, value_name = "FILE.jsonl|PATH|-")]
    pub inputs: Vec<String>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0u64;
    for input in &args.inputs {
        let lower = input.to_lowercase();
        if input == "-" || lower.ends_with(".jsonl") {
            failed += jsonl(input, &mut out)?;
        } else {
            match page_text(ctx, input) {
                Ok(text) => {
                    let line = quotes_json_line(&Value::String(input.clone()), &text);
                    writeln!(out, "{line}")?;
                }
                Err(e) => {
                    out.flush()?;
                    eprintln!("error: {input}: {e}");
                    failed += 1;
                }
            }
        }
    }
    out.flush()?;
    Ok(exit_code(failed))
}

/// Analyses each `{"id","text"}` line; returns the number of bad lines.
fn jsonl(input: &str, out: &mut impl Write) -> Result<u64> {
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("error: {input}: cannot open: {e}");
                return Ok(1);
            }
        }
    };
    let mut failed = 0;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {input}:{}: cannot read: {e}", n + 1);
                return Ok(failed + 1);
            }
        };
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {input}:{}: invalid JSON: {e}", n + 1);
                failed += 1;
                continue;
            }
        };
        let Some(body) = v.get("text").and_then(Value::as_str) else {
            eprintln!("error: {input}:{}: no \"text\" string", n + 1);
            failed += 1;
            continue;
        };
        let id = v.get("id").cloned().unwrap_or(Value::Null);
        writeln!(out, "{}", quotes_json_line(&id, body))?;
    }
    Ok(failed)
}

/// The extracted body of a page or plain-text report.
fn page_text(ctx: &Ctx, path: &str) -> std::result::Result<String, String> {
    let max = ctx.config.read.max_file_bytes;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let (mut bytes, _) =
        ingest::limits::read_capped(file, max).map_err(|e| format!("cannot read: {e}"))?;
    let lower = path.to_lowercase();
    let name = if let Some(stem) = lower.strip_suffix(".gz") {
        let cap = ctx.config.read.max_decompressed_bytes.min(max);
        bytes = ingest::limits::capped_gunzip(&bytes, cap)
            .map_err(|e| format!("not a valid gzip file: {e}"))?
            .0;
        stem.to_string()
    } else {
        lower
    };
    let (content, _) = ingest::decode::decode(&bytes, None);
    let opts = ExtractOptions::default();
    let (article, _) = if name.ends_with(".txt") || name.ends_with(".md") {
        extract_text(&content, &opts)
    } else {
        extract_html(&content, &opts)
    };
    Ok(article.body)
}
