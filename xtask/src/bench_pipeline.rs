//! `cargo xtask bench pipeline`: the whole `wirewatch ingest` of real pages as a user runs it,
//! with a per-stage breakdown, against trafilatura in the same run; and `wirewatch extract
//! --jsonl` as one process over the same pages, and the binary's start-up time.
//!
//! The corpus is built from the pages of `../shared/eval/extraction/html`: each page `--copies`
//! times (default 10), its canonical link and `og:url` removed and one line added, so every copy
//! is a distinct document (its own key) that extraction and syndication see as a near copy.
//!
//! Options: `--copies N`, `--runs N` (ingest runs; the median is reported, default 3),
//! `--pages DIR` (another page directory), `--bin PATH` (an already built binary instead of the
//! release build), `--no-peer` (skip trafilatura), `--smoke` (CI: the repository's own test
//! pages, two copies, one run, no peer; it checks that every stage ran and asserts no timing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use crate::bench::{build_release, children_cpu, median, shared_eval};

/// Options of the benchmark.
struct Opts {
    copies: usize,
    runs: usize,
    pages: Option<PathBuf>,
    bin: Option<PathBuf>,
    peer: bool,
    smoke: bool,
}

fn parse(rest: &[&str]) -> Result<Opts> {
    let mut o = Opts { copies: 10, runs: 3, pages: None, bin: None, peer: true, smoke: false };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value =
            |name: &str| it.next().copied().with_context(|| format!("{name} needs a value"));
        match *a {
            "--copies" => o.copies = value("--copies")?.parse()?,
            "--runs" => o.runs = value("--runs")?.parse()?,
            "--pages" => o.pages = Some(PathBuf::from(value("--pages")?)),
            "--bin" => o.bin = Some(PathBuf::from(value("--bin")?)),
            "--no-peer" => o.peer = false,
            "--smoke" => o.smoke = true,
            other => bail!(
                "unknown option {other:?} for bench pipeline \
                 (--copies N, --runs N, --pages DIR, --bin PATH, --no-peer, --smoke)"
            ),
        }
    }
    if o.smoke {
        o.copies = 2;
        o.runs = 1;
        o.peer = false;
        o.pages.get_or_insert_with(|| crate::tidy::project_root().join("test_data/extract"));
    }
    ensure!(o.copies >= 1 && o.runs >= 1, "--copies and --runs must be at least 1");
    Ok(o)
}

/// Runs the benchmark.
pub fn run(rest: &[&str]) -> Result<()> {
    let o = parse(rest)?;
    let src = match &o.pages {
        Some(p) => p.clone(),
        None => shared_eval()?.join("extraction/html"),
    };
    let bin = match &o.bin {
        Some(b) => b.clone(),
        None => build_release()?,
    };
    let tmp = std::env::temp_dir().join(format!("wirewatch-bench-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let corpus = tmp.join("corpus");
    std::fs::create_dir_all(&corpus)?;
    let result = bench(&o, &bin, &src, &tmp, &corpus);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn bench(o: &Opts, bin: &Path, src: &Path, tmp: &Path, corpus: &Path) -> Result<()> {
    let (files, bytes, distinct) = build_corpus(src, corpus, o.copies)?;
    println!(
        "corpus: {distinct} pages x {} copies = {} documents, {:.1} MB of HTML",
        o.copies,
        files.len(),
        bytes as f64 / 1e6
    );

    // Ingest, end to end, into a fresh data directory each run.
    let mut runs = Vec::new();
    for r in 0..o.runs {
        let run = ingest_once(bin, corpus, &tmp.join("data"))?;
        println!(
            "  ingest run {}: {:.2} s wall, {:.2} CPU-s, peak RSS {}  [{}]",
            r + 1,
            run.wall,
            run.cpu,
            run.rss_kb.map_or("?".into(), |k| format!("{:.0} MB", k as f64 / 1024.0)),
            run.summary
        );
        runs.push(run);
    }
    let mut walls: Vec<f64> = runs.iter().map(|r| r.wall).collect();
    let wall = median(&mut walls);
    let chosen = runs
        .iter()
        .min_by(|a, b| (a.wall - wall).abs().total_cmp(&(b.wall - wall).abs()))
        .context("no run")?;
    let n = files.len() as f64;
    println!(
        "ingest (median of {}): {wall:.2} s wall = {:.0} pages/s; {:.2} CPU-s = {:.0} pages per CPU-second",
        o.runs,
        n / wall,
        chosen.cpu,
        n / chosen.cpu
    );
    print_breakdown(chosen)?;

    // `wirewatch extract --jsonl` over every page as one process (CPU time of the child).
    let (extract_cpu, extract_wall) = extract_once(bin, &files)?;
    println!(
        "extract --jsonl, one process: {:.2} CPU-s ({:.2} s wall) = {:.0} pages per CPU-second",
        extract_cpu,
        extract_wall,
        n / extract_cpu
    );
    let startup = startup_ms(bin, &files[0])?;
    println!("start-up: extract of one page, median of 20 runs: {startup:.1} ms wall");

    if o.peer {
        match crate::bench_extract::trafilatura_on(corpus, 1) {
            Ok(theirs) => {
                println!(
                    "trafilatura 2.3.1, extraction only, one core, same pages: {theirs:.1} pages per CPU-second"
                );
                println!(
                    "ratio, ingest end to end (pages/s wall) / trafilatura: {:.1}x  (target >= 8x)",
                    n / wall / theirs
                );
                println!(
                    "ratio, extract --jsonl (pages per CPU-s) / trafilatura: {:.1}x  (target >= 12x)",
                    n / extract_cpu / theirs
                );
            }
            Err(e) => println!("trafilatura not measured: {e:#}"),
        }
    }
    if o.smoke {
        ensure!(
            chosen.summary.contains(&format!("\"new\":{}", files.len())),
            "smoke: not every document was stored: {}",
            chosen.summary
        );
        for stage in ["read", "analysis", "findings"] {
            ensure!(chosen.timings.contains_key(stage), "smoke: no timings for stage {stage:?}");
        }
        println!("smoke: every document stored and every stage timed");
    }
    Ok(())
}

/// One ingest run: wall and child CPU seconds, peak RSS, the summary and the stage timings.
struct Run {
    wall: f64,
    cpu: f64,
    rss_kb: Option<u64>,
    summary: String,
    timings: BTreeMap<String, serde_json::Value>,
}

fn ingest_once(bin: &Path, corpus: &Path, data: &Path) -> Result<Run> {
    let _ = std::fs::remove_dir_all(data);
    let rss_file = data.with_extension("rss");
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(["-q", "--data-dir"])
        .arg(data)
        .args(["ingest", "--json"])
        .arg(corpus)
        .env("WIREWATCH_LOG", "wirewatch::timings=info")
        .env("NO_COLOR", "1");
    let cpu0 = children_cpu()?;
    let start = Instant::now();
    let out = cmd.output().with_context(|| format!("running {bin:?}"))?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu()? - cpu0;
    if !out.status.success() {
        bail!("{bin:?} ingest failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    let mut timings = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        let Some(rest) = line.split("timings ").nth(1) else { continue };
        let Some((stage, json)) = rest.split_once(' ') else { continue };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(json) {
            timings.insert(stage.to_string(), v);
        }
    }
    let rss_kb = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()));
    Ok(Run {
        wall,
        cpu,
        rss_kb,
        summary: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        timings,
    })
}

/// Prints each stage's wall and CPU time and its share of the whole command's CPU time.
fn print_breakdown(run: &Run) -> Result<()> {
    let secs = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let mut rows: Vec<(String, f64, f64)> = Vec::new();
    if let Some(read) = run.timings.get("read") {
        rows.push((
            "read and identify (reader thread)".into(),
            secs(read, "wall"),
            secs(read, "cpu"),
        ));
    }
    if let Some(a) = run.timings.get("analysis") {
        if let Some(parts) = a["parts"].as_object() {
            for (name, v) in parts {
                let who = if name == "analyse" { " (worker threads)" } else { " (main thread)" };
                rows.push((format!("{name}{who}"), secs(v, "wall"), secs(v, "cpu")));
            }
        }
        rows.push(("  main thread waiting for the workers".into(), secs(a, "waited"), 0.0));
    }
    if let Some(f) = run.timings.get("findings") {
        rows.push(("findings and timelines".into(), secs(f, "wall"), secs(f, "cpu")));
    }
    let counted: f64 = rows.iter().map(|r| r.2).sum();
    rows.push(("other (start-up, open, sync, exit)".into(), f64::NAN, run.cpu - counted));
    println!("  {:<44} {:>8} {:>8} {:>7}", "stage", "wall s", "CPU s", "CPU %");
    for (name, wall, cpu) in rows {
        let wall = if wall.is_nan() { "".to_string() } else { format!("{wall:.3}") };
        println!("  {name:<44} {wall:>8} {cpu:>8.3} {:>6.1}%", 100.0 * cpu / run.cpu);
    }
    println!("  {:<44} {:>8.3} {:>8.3} {:>6.1}%", "whole command", run.wall, run.cpu, 100.0);
    Ok(())
}

/// `wirewatch extract --jsonl` over every file as one process: (child CPU s, wall s).
fn extract_once(bin: &Path, files: &[PathBuf]) -> Result<(f64, f64)> {
    let cpu0 = children_cpu()?;
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["-q", "extract", "--jsonl"])
        .args(files)
        .stderr(std::process::Stdio::null())
        .output()
        .with_context(|| format!("running {bin:?} extract"))?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu()? - cpu0;
    let lines = out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    ensure!(lines == files.len(), "extract printed {lines} lines for {} pages", files.len());
    Ok((cpu, wall))
}

/// Median wall milliseconds of `wirewatch extract` on one page (start-up dominates).
fn startup_ms(bin: &Path, page: &Path) -> Result<f64> {
    let mut ms = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let out = Command::new(bin).args(["-q", "extract"]).arg(page).output()?;
        ensure!(out.status.success(), "extract {page:?} failed");
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(median(&mut ms))
}

/// Writes `copies` distinct copies of every page of `src` into `dir`; returns the files, their
/// bytes, and how many distinct pages there were.
fn build_corpus(src: &Path, dir: &Path, copies: usize) -> Result<(Vec<PathBuf>, usize, usize)> {
    let pages = load_pages(src)?;
    let (mut files, mut bytes) = (Vec::new(), 0);
    for (i, html) in pages.iter().enumerate() {
        for c in 0..copies {
            let page = with_line(html, &format!("<p>Copy {c} of page {i}.</p>\n"));
            let f = dir.join(format!("page{i:03}-copy{c:02}.html"));
            std::fs::write(&f, &page)?;
            bytes += page.len();
            files.push(f);
        }
    }
    Ok((files, bytes, pages.len()))
}

/// Every HTML page of `src` (`.html`, `.htm`, `.html.gz`), in file-name order, decoded lossily
/// and without its identity tags ([`strip_identity`]).
pub fn load_pages(src: &Path) -> Result<Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(src)
        .with_context(|| format!("reading {}", src.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy().to_lowercase();
            n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".html.gz")
        })
        .collect();
    files.sort();
    ensure!(!files.is_empty(), "no HTML pages in {}", src.display());
    let mut pages = Vec::with_capacity(files.len());
    for p in files {
        let raw = std::fs::read(&p)?;
        let raw = if p.extension().is_some_and(|e| e == "gz") {
            ingest::limits::capped_gunzip(&raw, 256 << 20)
                .with_context(|| format!("gunzip {}", p.display()))?
                .0
        } else {
            raw
        };
        pages.push(strip_identity(&String::from_utf8_lossy(&raw)));
    }
    Ok(pages)
}

/// `html` with `line` added before `</body>` (or at the end): a distinct copy of the page.
pub fn with_line(html: &str, line: &str) -> String {
    match find_ci(html, "</body", 0) {
        Some(at) => format!("{}{line}{}", &html[..at], &html[at..]),
        None => format!("{html}\n{line}"),
    }
}

/// The page without its `<link rel=canonical>` and `<meta property=og:url>` tags, so that each
/// copy is identified by its own content.
fn strip_identity(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while let Some(at) = html[i..].find('<').map(|k| i + k) {
        let end = html[at..].find('>').map_or(html.len(), |k| at + k + 1);
        let tag = html[at..end].to_ascii_lowercase();
        let identity = (tag.starts_with("<link") && tag.contains("canonical"))
            || (tag.starts_with("<meta") && tag.contains("og:url"));
        out.push_str(&html[i..at]);
        if !identity {
            out.push_str(&html[at..end]);
        }
        i = end;
    }
    out.push_str(&html[i..]);
    out
}

/// Byte offset of the first ASCII-case-insensitive occurrence of `needle` at or after `from`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (from..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_tags_are_removed_and_the_rest_kept() {
        let page = r#"<html><head><LINK rel="canonical" href="https://x.org/a"><meta property="og:url" content="https://x.org/a"><title>T</title></head><body><p>a > b</p></body></html>"#;
        let s = strip_identity(page);
        assert!(!s.to_lowercase().contains("canonical") && !s.contains("og:url"), "{s}");
        assert!(s.contains("<title>T</title>") && s.contains("<p>a > b</p>"), "{s}");
        assert_eq!(find_ci(&s, "</BODY", 0), s.find("</body>"));
    }
}
