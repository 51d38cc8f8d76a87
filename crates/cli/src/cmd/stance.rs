//! `wirewatch stance`: does a text support, deny, merely discuss, or not concern a claim? Needs
//! no data directory.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use analyze::stance::stance_json_line;
use anyhow::Result;
use serde_json::Value;

use super::{Ctx, exit_code};

/// Arguments of `wirewatch stance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSONL files (or `-` for stdin) of `{"id", "claim", "text"}` lines. Prints one
    /// `{"id", "label", "evidence", "confidence"}` line per input; label is support, deny,
    /// neutral or unrelated, evidence the sentence of the text that decided it.
    #[arg(required = true, value_name = "FILE.jsonl|-")]
    pub inputs: Vec<String>,
}

/// Runs the command.
pub fn run(_ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0u64;
    for input in &args.inputs {
        let reader: Box<dyn BufRead> = if input == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            match std::fs::File::open(input) {
                Ok(f) => Box::new(BufReader::new(f)),
                Err(e) => {
                    eprintln!("error: {input}: cannot open: {e}");
                    failed += 1;
                    continue;
                }
            }
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
            let v: Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {input}:{}: invalid JSON: {e}", n + 1);
                    failed += 1;
                    continue;
                }
            };
            let field = |k: &str| v.get(k).and_then(Value::as_str);
            let (Some(claim), Some(body)) = (field("claim"), field("text")) else {
                eprintln!("error: {input}:{}: needs \"claim\" and \"text\" strings", n + 1);
                failed += 1;
                continue;
            };
            let id = v.get("id").cloned().unwrap_or(Value::Null);
            writeln!(out, "{}", stance_json_line(&id, claim, body))?;
        }
    }
    out.flush()?;
    Ok(exit_code(failed))
}
