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
        "ingest" => ingest(rest),
        "pipeline" => crate::bench_pipeline::run(rest),
        "extract" => crate::bench_extract::run(),
        "quotes" => crate::bench_analysis::quotes(),
        "stories" => crate::bench_analysis::stories(),
        "serve" => crate::bench_serve::run(rest),
        "scale" => crate::bench_scale::run(rest),
        "poll" => crate::bench_poll::run(rest),
        other => {
            bail!(
                "unknown benchmark {other:?}; known: ingest, pipeline, poll, extract, quotes, stories, serve, scale"
            )
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
    // Where cargo put it: CARGO_TARGET_DIR when set (relative to the project root), else target/.
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |t| root.join(t));
    Ok(target.join("release/wirewatch"))
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

/// `cargo xtask bench ingest [--against OLD_BINARY] [--runs N]`: 10,000 JSONL text documents and
/// the 90 HTML pages, each into a fresh data directory. With `--against`, paired runs instead: the
/// release binary and the other one ingest the same two workloads in alternating order, `N` times
/// each (default 5), and the CPU seconds of each run (user + system, of the child) are compared as
/// a ratio of medians, so that a change's cost is measured on a shared machine.
fn ingest(rest: &[&str]) -> Result<()> {
    let mut against = None;
    let mut runs = 5usize;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match *a {
            "--against" => {
                against = Some(PathBuf::from(it.next().context("--against needs a path")?))
            }
            "--runs" => runs = it.next().context("--runs needs a number")?.parse()?,
            other => bail!("unknown option {other:?} for bench ingest (--against PATH, --runs N)"),
        }
    }
    let eval = shared_eval()?;
    let bin = build_release()?;
    let tmp = std::env::temp_dir().join(format!("wirewatch-bench-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let (jsonl, n, bytes) = ingest_corpus(&eval, &tmp)?;
    if let Some(old) = against {
        let r = paired_ingest(&bin, &old, (&jsonl, n), &eval.join("extraction/html"), &tmp, runs);
        let _ = std::fs::remove_dir_all(&tmp);
        return r;
    }
    let text = |data: &str| {
        let d = tmp.join(data).to_string_lossy().to_string();
        timed(&bin, &["-q", "--data-dir", &d, "ingest", "--json", &jsonl.to_string_lossy()])
    };
    let (secs, out) = text("data-text")?;
    println!(
        "ingest text: {n} JSONL documents ({:.1} MB) in {secs:.2} s = {:.0} docs/s  [{out}]",
        bytes as f64 / 1e6,
        n as f64 / secs
    );
    let (secs2, out2) = text("data-text")?;
    println!("re-ingest (all unchanged): {secs2:.2} s = {:.0} docs/s  [{out2}]", n as f64 / secs2);

    let html_dir = eval.join("extraction/html");
    let pages = std::fs::read_dir(&html_dir)?.count();
    let d = tmp.join("data-html").to_string_lossy().to_string();
    let (secs, out) =
        timed(&bin, &["-q", "--data-dir", &d, "ingest", "--json", &html_dir.to_string_lossy()])?;
    println!(
        "ingest html: {pages} pages in {secs:.2} s = {:.0} pages/s  [{out}]",
        pages as f64 / secs
    );
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// Writes the 10,000 distinct text documents built from the ECB+ dev articles; returns the file,
/// the count and the bytes.
pub fn ingest_corpus(eval: &Path, tmp: &Path) -> Result<(PathBuf, usize, usize)> {
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
    Ok((jsonl, n, bytes))
}

/// CPU seconds (user + system) used so far by this process's waited-for children: `cutime` and
/// `cstime` of `/proc/self/stat`, in clock ticks of 1/100 s (Linux's USER_HZ on every common
/// architecture).
pub fn children_cpu() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("malformed /proc/self/stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); cutime and cstime are fields 16 and 17.
    let tick = |i: usize| -> Result<f64> {
        Ok(f.get(i - 3).context("short /proc/self/stat")?.parse::<f64>()? / 100.0)
    };
    Ok(tick(16)? + tick(17)?)
}

/// One ingest into a fresh data directory: (wall seconds, child CPU seconds).
fn ingest_once(bin: &Path, input: &Path, data: &Path) -> Result<(f64, f64)> {
    let _ = std::fs::remove_dir_all(data);
    let cpu0 = children_cpu()?;
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["-q", "--data-dir"])
        .arg(data)
        .args(["ingest", "--json"])
        .arg(input)
        .output()
        .with_context(|| format!("running {bin:?}"))?;
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "{bin:?} ingest {input:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok((wall, children_cpu()? - cpu0))
}

pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 }
}

/// Paired runs of two binaries on the text and HTML workloads, alternating which goes first.
fn paired_ingest(
    new: &Path,
    old: &Path,
    (jsonl, n): (&Path, usize),
    html: &Path,
    tmp: &Path,
    runs: usize,
) -> Result<()> {
    if !old.is_file() {
        bail!("{}: no such binary to compare against", old.display());
    }
    println!("paired runs, {runs} each: new = {}, old = {}", new.display(), old.display());
    let pages = std::fs::read_dir(html)?.count();
    let workloads =
        [(format!("{n} JSONL text docs"), jsonl), (format!("{pages} HTML pages"), html)];
    for (name, input) in workloads {
        let (mut cn, mut co, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..runs.max(1) {
            let order: [(&Path, bool); 2] =
                if r % 2 == 0 { [(new, true), (old, false)] } else { [(old, false), (new, true)] };
            let (mut a, mut b) = (0.0, 0.0);
            for (bin, is_new) in order {
                let (wall, cpu) = ingest_once(bin, input, &tmp.join("data-paired"))?;
                println!(
                    "  {name}: {} run {}: {cpu:.2} CPU-s, {wall:.2} s wall",
                    if is_new { "new" } else { "old" },
                    r + 1
                );
                if is_new { a = cpu } else { b = cpu }
            }
            cn.push(a);
            co.push(b);
            ratios.push(a / b);
        }
        let (mn, mo, mr) = (median(&mut cn), median(&mut co), median(&mut ratios));
        println!(
            "{name}: new {mn:.2} CPU-s, old {mo:.2} CPU-s (medians); new/old = {:.3}, median of pair ratios {mr:.3}",
            mn / mo
        );
    }
    Ok(())
}
