//! Reads JSONL `{"id","text"}` lines from a path and prints one `quotes_json_line` per input;
//! with `--bench N` it instead times N passes and prints articles/s to stderr.

use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: quotes_eval FILE.jsonl [--bench N]");
        std::process::exit(2);
    };
    let file = std::fs::File::open(path).expect("open input");
    let mut rows: Vec<(serde_json::Value, String)> = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("read line");
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).expect("json line");
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("").to_string();
        rows.push((v.get("id").cloned().unwrap_or(serde_json::Value::Null), text));
    }
    if let Some(n) = args.iter().position(|a| a == "--bench").and_then(|i| args.get(i + 1)) {
        let n: usize = n.parse().expect("passes");
        let t = std::time::Instant::now();
        let mut count = 0usize;
        for _ in 0..n {
            for (_, text) in &rows {
                let a = analyze::quotes::analyze_text(text);
                count += a.quotes.len() + a.entities.len();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "{} articles in {:.3}s: {:.0} articles/s (items {count})",
            rows.len() * n,
            secs,
            (rows.len() * n) as f64 / secs
        );
        return;
    }
    let out = std::io::stdout();
    let mut out = out.lock();
    for (id, text) in &rows {
        let line = analyze::quotes::quotes_json_line(id, text);
        writeln!(out, "{line}").expect("write");
    }
}
