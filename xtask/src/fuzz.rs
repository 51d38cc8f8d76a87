//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs the fuzz targets of `fuzz/` (cargo-fuzz,
//! libFuzzer, the nightly toolchain) one after another, each for N seconds (default 60) from a
//! corpus seeded with the repository's own test inputs, and prints a table of executions, corpus
//! growth and findings. A finding (a crash, a panic, a leak or a timeout) fails the run and its
//! input is left in `fuzz/artifacts/TARGET/`. `--dev` builds without optimisation (much quicker
//! to build, slower to run): CI runs `--dev --seconds 6` (about a minute of fuzzing in all).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::tidy::project_root;

/// Every target, with the test inputs that seed it (files or directories under `test_data/`)
/// and inputs written inline for formats the repository has no files of.
const TARGETS: &[(&str, &[&str], &[&str])] = &[
    (
        "feeds",
        &[
            "feeds",
            "ingest/feed-windows-1252.xml",
            "ingest/malformed-feed.xml",
            "ingest/billion-laughs.xml",
        ],
        &[],
    ),
    (
        "sitemap",
        &[],
        &[
            "<url><loc>https://n.example/a</loc><lastmod>2024-01-01</lastmod></url>",
            "<url><loc>/b</loc><news:news><news:title>T &amp; x</news:title><news:publication_date>2024-05-01T10:00:00Z</news:publication_date></news:news></url>",
            "i<sitemap><loc>https://n.example/s1.xml</loc></sitemap>",
        ],
    ),
    ("opml", &["ingest/subscriptions.opml"], &[]),
    ("warc", &["ingest/small.warc", "ingest/small-truncated.warc"], &[]),
    ("jsonl", &["ingest/articles.jsonl"], &[]),
    ("extract_html", &["extract", "ingest/page-canonical.html", "ingest/page-shift_jis.html"], &[]),
    ("extract_text", &["ingest/seed-article.txt"], &[]),
    ("quotes", &["quotes"], &[]),
    (
        "search_query",
        &[],
        &[
            "expel diplomats",
            "\"ten diplomats\" OR title:expel -embassy",
            "Putin's plan",
            "published:[2024-01-01T00:00:00Z TO 2024-02-01T00:00:00Z]",
            "speaker:lavrov\u{0}2024-01-01\u{0}2024-12-31",
        ],
    ),
    (
        "config",
        &[],
        &[
            "[http]\nper_host_interval_ms = 500\nallowed_private_hosts = [\"10.0.0.5\"]\n[http.resolve]\n\"a.test\" = [\"127.0.0.1\"]\n",
            "[server]\nlisten = \"127.0.0.1:9000\"\npublic_reads = false\n[store]\nbatch_size = 100\n",
            "[[webhooks]]\nurl = \"https://hooks.example/x\"\n[poll]\ninterval_secs = 60\n",
        ],
    ),
];

/// One target's run.
struct Outcome {
    target: &'static str,
    seconds: f64,
    executions: u64,
    corpus_added: u64,
    finding: Option<String>,
}

/// Runs the command.
pub fn run(rest: &[&str]) -> Result<()> {
    let mut seconds = 60u64;
    let mut dev = false;
    let mut only: Vec<&str> = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match *a {
            "--seconds" => {
                seconds =
                    it.next().context("--seconds needs a number")?.parse().context("--seconds")?
            }
            "--dev" => dev = true,
            t if TARGETS.iter().any(|(name, _, _)| *name == t) => only.push(t),
            other => bail!(
                "unknown fuzz option or target {other:?}; targets: {}",
                TARGETS.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    let root = project_root();
    let fuzz_dir = root.join("fuzz");
    let profile: &[&str] = if dev { &["--dev"] } else { &[] };
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "build"])
        .args(profile)
        .arg("--fuzz-dir")
        .arg(&fuzz_dir)
        .current_dir(&root)
        .status()
        .context(
            "running `cargo +nightly fuzz build` (install it with `cargo install cargo-fuzz`)",
        )?;
    if !status.success() {
        bail!("`cargo +nightly fuzz build` failed");
    }
    let mut outcomes = Vec::new();
    for (target, seeds, inline) in TARGETS {
        if !only.is_empty() && !only.contains(target) {
            continue;
        }
        let corpus = fuzz_dir.join("corpus").join(target);
        seed(&root.join("test_data"), &corpus, seeds, inline)?;
        outcomes.push(fuzz_one(&root, &fuzz_dir, target, &corpus, seconds, profile)?);
    }
    println!(
        "{:<14} {:>8} {:>14} {:>10} {:>12}  finding",
        "target", "seconds", "executions", "exec/s", "corpus +"
    );
    for o in &outcomes {
        println!(
            "{:<14} {:>8.0} {:>14} {:>10.0} {:>12}  {}",
            o.target,
            o.seconds,
            o.executions,
            o.executions as f64 / o.seconds.max(0.001),
            o.corpus_added,
            o.finding.as_deref().unwrap_or("none")
        );
    }
    let found: Vec<&Outcome> = outcomes.iter().filter(|o| o.finding.is_some()).collect();
    if !found.is_empty() {
        bail!("{} fuzz target(s) found a crash; inputs are in fuzz/artifacts/", found.len());
    }
    Ok(())
}

/// Copies the seed files (and directories' files) into the corpus directory as `td-*` and
/// writes the inline seeds as `inline-*`, so every run starts from the repository's inputs
/// (only hand-written `seed-*` files of the corpus are committed; see `fuzz/README.md`).
fn seed(test_data: &Path, corpus: &Path, seeds: &[&str], inline: &[&str]) -> Result<()> {
    std::fs::create_dir_all(corpus)?;
    let mut files: Vec<PathBuf> = Vec::new();
    for s in seeds {
        let p = test_data.join(s);
        if p.is_dir() {
            for e in std::fs::read_dir(&p)? {
                let e = e?.path();
                if e.is_file() {
                    files.push(e);
                }
            }
        } else {
            files.push(p);
        }
    }
    for f in files {
        let name = format!("td-{}", f.file_name().and_then(|n| n.to_str()).unwrap_or("x"));
        std::fs::copy(&f, corpus.join(name))
            .with_context(|| format!("seeding from {}", f.display()))?;
    }
    for (i, s) in inline.iter().enumerate() {
        std::fs::write(corpus.join(format!("inline-{i}")), s)?;
    }
    Ok(())
}

fn fuzz_one(
    root: &Path,
    fuzz_dir: &Path,
    target: &'static str,
    corpus: &Path,
    seconds: u64,
    profile: &[&str],
) -> Result<Outcome> {
    let started = Instant::now();
    let out = Command::new("cargo")
        .args(["+nightly", "fuzz", "run"])
        .args(profile)
        .arg("--fuzz-dir")
        .arg(fuzz_dir)
        .arg(target)
        .arg(corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-print_final_stats=1", "-rss_limit_mb=2048", "-timeout=20", "-max_len=262144"])
        .current_dir(root)
        .output()
        .with_context(|| format!("running fuzz target {target}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    let stat = |name: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let finding = (!out.status.success()).then(|| {
        log.lines()
            .find(|l| {
                l.contains("ERROR: libFuzzer")
                    || l.contains("panicked at")
                    || l.contains("SUMMARY:")
            })
            .unwrap_or("the target failed")
            .trim()
            .to_string()
    });
    if finding.is_some() {
        eprintln!(
            "{target}:\n{}",
            log.lines()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    Ok(Outcome {
        target,
        seconds: started.elapsed().as_secs_f64(),
        executions: stat("number_of_executed_units"),
        corpus_added: stat("new_units_added"),
        finding,
    })
}
