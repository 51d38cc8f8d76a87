//! `cargo xtask bench extract`: wirewatch's extractor against trafilatura on the 90 dev pages,
//! single thread, in one run; the bare parse as the floor; peak memory on the largest page; and
//! title / date / byline accuracy against our own labels (`test_data/extract/metadata-labels.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use analyze::extract::{ExtractOptions, extract_html, parse_only};
use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::bench::{build_release, shared_eval};

/// trafilatura and the lxml HTML cleaner that newer lxml releases ship separately.
const TRAFILATURA: &[&str] = &["trafilatura==2.3.1", "lxml_html_clean"];
/// Repeats of the whole page set, so each timing covers enough work to be stable.
const ROUNDS: usize = 5;

#[derive(Deserialize)]
struct Label {
    title: Option<String>,
    published: Option<String>,
    byline: Vec<String>,
}

/// Runs the benchmark.
pub fn run() -> Result<()> {
    let eval = shared_eval()?;
    let dir = eval.join("extraction/html");
    let pages = load_pages(&dir)?;
    let bytes: usize = pages.iter().map(|(_, h)| h.len()).sum();
    println!("{} pages, {:.1} MB of HTML", pages.len(), bytes as f64 / 1e6);

    // Warm-up, then timed rounds: extraction, then the bare parse of the same pages.
    for (_, html) in &pages {
        let _ = extract_html(html, &ExtractOptions::default());
    }
    // CPU time of this process (one thread does the work), so other load on the shared machine
    // does not count against either side; trafilatura is timed the same way (process_time).
    let t = cpu_seconds()?;
    let w = Instant::now();
    for _ in 0..ROUNDS {
        for (_, html) in &pages {
            std::hint::black_box(extract_html(html, &ExtractOptions::default()));
        }
    }
    let ours = (pages.len() * ROUNDS) as f64 / (cpu_seconds()? - t);
    let wall = (pages.len() * ROUNDS) as f64 / w.elapsed().as_secs_f64();
    let t = cpu_seconds()?;
    for _ in 0..ROUNDS {
        for (_, html) in &pages {
            std::hint::black_box(parse_only(html));
        }
    }
    let parse = (pages.len() * ROUNDS) as f64 / (cpu_seconds()? - t);
    println!(
        "wirewatch extract: {ours:.0} pages per CPU-second ({wall:.0} pages/s wall), one thread"
    );
    println!("bare html5ever parse (same DOM build): {parse:.0} pages per CPU-second");
    println!("extraction time / parse time: {:.2}x  (target <= 1.5x)", parse / ours);

    match trafilatura_rate(&dir) {
        Ok(theirs) => {
            println!("trafilatura 2.3.1: {theirs:.1} pages/s (single thread, in process)");
            println!("ratio: {:.1}x trafilatura's pages/s  (target >= 10x)", ours / theirs);
        }
        Err(e) => println!("trafilatura not measured: {e:#}"),
    }

    peak_memory(&dir)?;
    metadata_accuracy(&pages)?;
    Ok(())
}

/// User + system CPU seconds of this process, from /proc/self/stat (clock ticks of 1/100 s).
fn cpu_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which may contain spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map(|x| x.1).context("unreadable /proc/self/stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11).context("no utime")?.parse()?;
    let stime: f64 = f.get(12).context("no stime")?.parse()?;
    Ok((utime + stime) / 100.0)
}

fn load_pages(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut pages = Vec::new();
    for p in paths {
        let raw = std::fs::read(&p)?;
        let (plain, _) = ingest::limits::capped_gunzip(&raw, 256 << 20)
            .with_context(|| format!("gunzip {}", p.display()))?;
        let (html, _) = ingest::decode::decode(&plain, None);
        let id = p.file_name().unwrap_or_default().to_string_lossy();
        let id = id.split('.').next().unwrap_or_default().to_string();
        pages.push((id, html));
    }
    Ok(pages)
}

/// Installs trafilatura into a venv under target/ (once) and times it on the same pages.
fn trafilatura_rate(dir: &Path) -> Result<f64> {
    trafilatura_on(dir, 2)
}

/// trafilatura's extraction-only pages per CPU-second (one core, in process, `process_time`) on
/// the `.html` and `.html.gz` pages of `dir`, after a warm-up on five of them, over `rounds`
/// passes; installs trafilatura into a venv under target/ the first time.
pub fn trafilatura_on(dir: &Path, rounds: usize) -> Result<f64> {
    let venv = crate::tidy::project_root().join("target/xtask-venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        let ok = Command::new("python3").arg("-m").arg("venv").arg(&venv).status()?.success();
        if !ok {
            bail!("python3 -m venv failed");
        }
    }
    let have = Command::new(&py)
        .args(["-c", "import trafilatura"])
        .stderr(std::process::Stdio::null())
        .status()?
        .success();
    if !have {
        let ok = Command::new(&py)
            .args(["-m", "pip", "install", "--quiet"])
            .args(TRAFILATURA)
            .status()?
            .success();
        if !ok {
            bail!("pip install {TRAFILATURA:?} failed");
        }
    }
    let script = format!(
        r#"
import glob, gzip, time, trafilatura
d = {dir:?}
paths = sorted(glob.glob(d + '/*.html.gz') + glob.glob(d + '/*.html'))
read = lambda p: (gzip.open(p, 'rb') if p.endswith('.gz') else open(p, 'rb')).read().decode('utf-8', 'replace')
pages = [read(p) for p in paths]
for h in pages[:5]: trafilatura.extract(h)
t = time.process_time()
for _ in range({rounds}):
    for h in pages: trafilatura.extract(h)
print({rounds} * len(pages) / (time.process_time() - t))
"#,
        dir = dir.to_string_lossy()
    );
    let out = Command::new(&py).args(["-c", &script]).output()?;
    if !out.status.success() {
        bail!("trafilatura run failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
}

/// Peak resident memory of `wirewatch extract` on the largest page, via /usr/bin/time.
fn peak_memory(dir: &Path) -> Result<()> {
    let bin = build_release()?;
    let largest = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .max_by_key(|p| {
            std::fs::read(p)
                .ok()
                .and_then(|b| ingest::limits::capped_gunzip(&b, 256 << 20).ok())
                .map(|(v, _)| v.len())
                .unwrap_or(0)
        })
        .context("no pages")?;
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(&bin)
        .arg("extract")
        .arg(&largest)
        .output()
        .context("/usr/bin/time is needed for the memory figure")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = stderr.lines().last().unwrap_or("0").trim().parse().unwrap_or(0.0);
    println!(
        "peak RSS of `wirewatch extract` on the largest page ({}): {:.1} MB  (target <= 64 MB)",
        largest.file_name().unwrap_or_default().to_string_lossy(),
        kb / 1024.0
    );
    Ok(())
}

fn norm(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '‘' | '’' | '`' => '\'',
            '“' | '”' => '"',
            '–' | '—' => '-',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    s.trim_end_matches(['.', ' ']).to_string()
}

/// Title, date (to the day) and byline accuracy against our hand-made labels.
fn metadata_accuracy(pages: &[(String, String)]) -> Result<()> {
    let path = crate::tidy::project_root().join("test_data/extract/metadata-labels.json");
    let labels: BTreeMap<String, Label> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let (mut n, mut title, mut date, mut date1, mut byline) = (0, 0, 0, 0, 0);
    let mut misses: Vec<String> = Vec::new();
    for (id, html) in pages {
        let Some(label) = labels.get(id) else { continue };
        n += 1;
        let (a, _) = extract_html(html, &ExtractOptions::default());
        if a.title.as_deref().map(norm) == label.title.as_deref().map(norm) {
            title += 1;
        } else {
            misses.push(format!("title {id:.8}: {:?} vs {:?}", a.title, label.title));
        }
        let got = a.published.as_deref().map(|d| d.chars().take(10).collect::<String>());
        if got == label.published {
            date += 1;
            date1 += 1;
        } else {
            let near = match (&got, &label.published) {
                (Some(g), Some(l)) => {
                    let g = chrono::NaiveDate::parse_from_str(g, "%Y-%m-%d");
                    let l = chrono::NaiveDate::parse_from_str(l, "%Y-%m-%d");
                    matches!((g, l), (Ok(g), Ok(l)) if (g - l).num_days().abs() <= 1)
                }
                _ => false,
            };
            if near {
                date1 += 1;
            }
            misses.push(format!("date {id:.8}: {got:?} vs {:?}", label.published));
        }
        let mut got: Vec<String> = a.byline.iter().map(|b| norm(b)).collect();
        let mut want: Vec<String> = label.byline.iter().map(|b| norm(b)).collect();
        got.sort();
        want.sort();
        if got == want {
            byline += 1;
        } else {
            misses.push(format!("byline {id:.8}: {got:?} vs {want:?}"));
        }
    }
    let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
    println!(
        "metadata on {n} labelled pages: title {:.1}% (target 95), published date {:.1}% to the day \
         ({:.1}% within a day; target 90), byline {:.1}% exact (target 85)",
        pct(title),
        pct(date),
        pct(date1),
        pct(byline)
    );
    if std::env::var_os("VERBOSE").is_some() {
        for m in misses {
            println!("  {m}");
        }
    }
    Ok(())
}
