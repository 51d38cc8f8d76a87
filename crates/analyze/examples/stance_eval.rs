//! Runs the shipped stance model over a JSONL file of `{"id","claim","text"}` lines.
//!
//! ```text
//! cargo run --release -p wirewatch-analyze --example stance_eval -- IN.jsonl > pred.jsonl
//! python3 ../shared/eval/stance/score.py pred.jsonl IN.jsonl
//! ```

use std::error::Error;
use std::io::{BufRead, BufReader, Write};

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("usage: stance_eval IN.jsonl")?;
    let input = BufReader::new(std::fs::File::open(path)?);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let o = analyze::stance::stance_json_line(&id, s("claim"), s("text"));
        writeln!(out, "{o}")?;
    }
    Ok(())
}
