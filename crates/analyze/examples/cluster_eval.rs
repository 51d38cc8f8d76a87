//! Clusters a JSONL stream (`{"id","time"?,"source"?,"title"?,"text"?}` per line) in file order
//! and prints one `{"id","cluster","duplicate_of"?}` line per input, as `wirewatch cluster` does
//! (final assignments, after any retroactive split, in input order).
//!
//! `cargo run --release -p wirewatch-analyze --example cluster_eval -- FILE.jsonl > pred.jsonl`

use std::io::{BufRead, BufReader, Write};

use analyze::stories::{
    Clusterer, HeldOutput, StoryConfig, cluster_doc_from_json, cluster_json_line,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: cluster_eval FILE.jsonl [CONFIG.json]")?;
    let cfg: StoryConfig = match args.get(1) {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
        None => StoryConfig::default(),
    };
    let mut c = Clusterer::new(cfg);
    let mut held = HeldOutput::new();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for line in BufReader::new(std::fs::File::open(path)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let doc = cluster_doc_from_json(&v);
        let a = c.add(&doc);
        held.apply(&c.take_moves());
        held.push(&doc.id, id, a);
        for (id, a) in held.ready(&c) {
            writeln!(out, "{}", cluster_json_line(&a, &id))?;
        }
    }
    for (id, a) in held.finish() {
        writeln!(out, "{}", cluster_json_line(&a, &id))?;
    }
    Ok(())
}
