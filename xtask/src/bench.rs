//! Benchmark workloads (`cargo xtask bench NAME`): end-to-end runs of the release binary on data
//! read from `../shared/eval`, timed as whole commands, printed as rates.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Runs one named benchmark.
pub fn run(what: &str, rest: &[&str]) -> Result<()> {
    match what {
        "ingest" => ingest(),
        "extract" => crate::bench_extract::run(),
        "quotes" => crate::bench_analysis::quotes(),
        "stories" => crate::bench_analysis::stories(),
        "serve" => crate::bench_serve::run(rest),
        other => {
            bail!("unknown benchmark {other:?}; known: ingest, extract, quotes, stories, serve")
        }
    }
}

pub fn shared_eval() -> Result<PathBuf> {
    let p = crate::tidy::project_root().join("../shared/eval");
    if !p.is_dir() {
        bail!("{} not found: benchmarks need the shared evaluation data", p.display());
    }
    Ok(p)
}

pub fn build_release() -> Result<PathBuf> {
    let root = crate::tidy::project_root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "wirewatch"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    Ok(root.join("target/release/wirewatch"))
}

/// Runs the binary with its stage timings logged, returning wall seconds and stdout; prints the
/// store and analysis stage timings the binary logged.
fn timed(bin: &Path, args: &[&str]) -> Result<(f64, String)> {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .env("WIREWATCH_LOG", "wirewatch=info")
        .env("NO_COLOR", "1")
        .output()
        .with_context(|| format!("running {bin:?}"))?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("{bin:?} {args:?} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        for stage in ["stored ", "analysed "] {
            if let Some(rest) = line.split(stage).nth(1).filter(|r| r.contains(" in ")) {
                let n: f64 = rest.split_whitespace().next().unwrap_or("0").parse().unwrap_or(0.0);
                let s: f64 = rest
                    .split(" in ")
                    .nth(1)
                    .and_then(|x| x.split_whitespace().next())
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(f64::NAN);
                println!("    {stage}{rest}  = {:.0}/s", n / s);
            }
        }
    }
    Ok((secs, String::from_utf8_lossy(&out.stdout).trim().to_string()))
}

/// `cargo xtask bench ingest`: 10,000 JSONL text documents and the 90 HTML pages, each into a
/// fresh data directory.
fn ingest() -> Result<()> {
    let eval = shared_eval()?;
    let bin = build_release()?;
    let tmp = std::env::temp_dir().join(format!("wirewatch-bench-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;

    // 10,000 distinct text documents built from the ECB+ dev articles.
    let src = std::fs::File::open(eval.join("stories/ecbplus-dev.jsonl"))?;
    let texts: Vec<serde_json::Value> = std::io::BufReader::new(src)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    if texts.is_empty() {
        bail!("no documents in ecbplus-dev.jsonl");
    }
    let jsonl = tmp.join("docs.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&jsonl)?);
    let n = 10_000;
    let mut bytes = 0usize;
    for i in 0..n {
        let t = &texts[i % texts.len()];
        let line = serde_json::json!({
            "url": format!("https://outlet{}.example/news/{i}", i % 37),
            "title": t["title"],
            "text": format!("{}\n\nReport {i}.", t["text"].as_str().unwrap_or("")),
            "published": "2016-12-30T10:00:00Z",
            "source": format!("Outlet {}", i % 37),
        })
        .to_string();
        bytes += line.len();
        writeln!(w, "{line}")?;
    }
    w.flush()?;
    drop(w);

    let data = tmp.join("data-text");
    let d = data.to_string_lossy().to_string();
    let j = jsonl.to_string_lossy().to_string();
    let (secs, out) = timed(&bin, &["-q", "--data-dir", &d, "ingest", "--json", &j])?;
    println!(
        "ingest text: {n} JSONL documents ({:.1} MB) in {secs:.2} s = {:.0} docs/s  [{out}]",
        bytes as f64 / 1e6,
        n as f64 / secs
    );
    let (secs2, out2) = timed(&bin, &["-q", "--data-dir", &d, "ingest", "--json", &j])?;
    println!("re-ingest (all unchanged): {secs2:.2} s = {:.0} docs/s  [{out2}]", n as f64 / secs2);

    let html_dir = eval.join("extraction/html");
    let pages = std::fs::read_dir(&html_dir)?.count();
    let data = tmp.join("data-html");
    let d = data.to_string_lossy().to_string();
    let h = html_dir.to_string_lossy().to_string();
    let (secs, out) = timed(&bin, &["-q", "--data-dir", &d, "ingest", "--json", &h])?;
    println!(
        "ingest html: {pages} pages in {secs:.2} s = {:.0} pages/s  [{out}]",
        pages as f64 / secs
    );
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
