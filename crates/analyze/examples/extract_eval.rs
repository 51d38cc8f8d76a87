//! Dev tool: extracts bodies from `.html.gz` pages and writes `{id: {"articleBody": ..}}` JSON
//! for the extraction scorer, with timings on stderr.
//!
//! `cargo run --release -p wirewatch-analyze --example extract_eval -- OUT.json FILES...`
//! (`--parse-only` times the bare parse; `--repeat N` repeats the timed loop.)

use std::io::Read;
use std::time::Instant;

use analyze::extract::{ExtractOptions, extract_html};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let parse_only = take_flag(&mut args, "--parse-only");
    let repeat = take_value(&mut args, "--repeat").map_or(1, |v| v.parse().unwrap_or(1));
    let dump = take_value(&mut args, "--dump");
    let Some(out) = args.first().cloned() else {
        eprintln!("usage: extract_eval OUT.json FILES.html.gz...");
        std::process::exit(2);
    };
    let mut pages = Vec::new();
    for path in &args[1..] {
        let mut s = String::new();
        let f = std::fs::File::open(path).expect("open");
        // Local benchmark files only, and capped: the clippy ban targets untrusted input.
        #[allow(clippy::disallowed_methods)]
        let gz = flate2::read::GzDecoder::new(f);
        gz.take(256 << 20).read_to_string(&mut s).expect("gunzip utf-8");
        let name = std::path::Path::new(path).file_name().unwrap().to_string_lossy().to_string();
        let id = name.split('.').next().unwrap().to_string();
        pages.push((id, s));
    }
    let bytes: usize = pages.iter().map(|(_, s)| s.len()).sum();
    let opts = ExtractOptions::default();
    let mut result = serde_json::Map::new();
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    for _ in 0..repeat {
        for (id, html) in &pages {
            if parse_only {
                std::hint::black_box(analyze::extract::parse_only(html));
                continue;
            }
            let (a, d) = extract_html(html, &opts);
            if dump.as_deref() == Some(id.as_str()) {
                eprintln!("{}", serde_json::to_string_pretty(&a).unwrap());
                for x in &d {
                    eprintln!("{x}");
                }
            }
            result.insert(
                id.clone(),
                serde_json::json!({
                    "articleBody": a.body,
                    "title": a.title,
                    "published": a.published,
                    "byline": a.byline,
                }),
            );
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let secs = cpu_seconds().map_or(wall, |c| c - cpu0.unwrap_or(0.0));
    eprintln!("wall {wall:.3} s, cpu {secs:.3} s");
    let n = pages.len() * repeat;
    eprintln!(
        "{n} pages, {:.1} MB, {secs:.3} s: {:.0} pages/s, {:.1} MB/s",
        (bytes * repeat) as f64 / 1e6,
        n as f64 / secs,
        (bytes * repeat) as f64 / 1e6 / secs
    );
    if !parse_only {
        std::fs::write(&out, serde_json::to_string(&result).unwrap()).expect("write");
    }
}

/// This process's user+system CPU time (Linux), so a busy machine does not skew the rate.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

fn take_value(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let i = args.iter().position(|a| a == flag)?;
    args.remove(i);
    (i < args.len()).then(|| args.remove(i))
}
