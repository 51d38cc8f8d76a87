//! `cargo xtask chaos [--trials N] [--bin PATH] [--seed N] [--smoke]`: kill -9 at random moments.
//!
//! Trials go round three scenarios, each killed with SIGKILL after a random delay:
//!
//! - **ingest**: `wirewatch ingest` of a JSONL file of 20,000 reports, into one data directory
//!   that every ingest trial reuses (each run is killed while the store holds the runs before);
//! - **poll**: `wirewatch poll --once` of 20 feeds x 60 items on a local test server (the one of
//!   `bench poll`, through `http.resolve`), into a fresh data directory;
//! - **serve**: `wirewatch serve --poll` on the same kind of server, while a client subscribes
//!   feeds through `POST /api/feeds` with the token.
//!
//! What a run acknowledged is what it logged as committed (`stored so far: N`, written after
//! each commit) and, for serve, the feeds whose POST was answered 200. After each kill the trial
//! checks that every acknowledged document and feed is in the store (`stats`, `feeds list`), that
//! SQLite's `PRAGMA integrity_check` says `ok` (through Python's sqlite3), and that the search
//! index answers, or is rebuilt by `reindex` and then answers. It prints the trials, documents
//! lost and rebuilds, and fails if anything was lost or damaged. CI runs `--smoke` (3 trials).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::bench::build_release;
use crate::bench_pipeline::load_pages;
use crate::bench_poll::Site;

const TOKEN: &str = "chaos-token-chaos-token-chaos";

struct Opts {
    trials: usize,
    bin: Option<PathBuf>,
    seed: u64,
}

/// A small deterministic generator (the same seed gives the same kill moments).
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One trial's outcome.
struct Trial {
    scenario: &'static str,
    /// Whether the process was still running when killed (not finished before).
    killed: bool,
    killed_after: Duration,
    /// Feeds subscribed through the API and answered 200 (serve).
    feeds: u64,
    acknowledged: u64,
    stored: u64,
    lost: u64,
    rebuilt_index: bool,
}

pub fn run(rest: &[&str]) -> Result<()> {
    let mut o = Opts { trials: 60, bin: None, seed: 1 };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match *a {
            "--trials" => o.trials = it.next().context("--trials N")?.parse()?,
            "--seed" => o.seed = it.next().context("--seed N")?.parse()?,
            "--bin" => o.bin = Some(PathBuf::from(it.next().context("--bin PATH")?)),
            "--smoke" => o.trials = 3,
            other => bail!("unknown chaos option {other:?}"),
        }
    }
    let bin = match &o.bin {
        Some(b) => b.clone(),
        None => build_release()?,
    };
    let tmp = std::env::temp_dir().join(format!("wirewatch-chaos-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let result = trials(&o, &bin, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn trials(o: &Opts, bin: &Path, tmp: &Path) -> Result<()> {
    let jsonl = tmp.join("reports.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&jsonl)?);
        for i in 0..20_000 {
            writeln!(
                w,
                "{{\"url\":\"https://chaos.example/{i}\",\"title\":\"Report {i} on the talks\",\"text\":\"Officials said on Friday that report {i} was filed. {}\"}}",
                "The ministry gave no details of the talks. ".repeat(8)
            )?;
        }
    }
    let pages = load_pages(&crate::tidy::project_root().join("test_data/extract"))?;
    let (_site, port) = Site::start(pages, 60)?;
    let feeds: Vec<String> = (0..40).map(|f| format!("feed{f}.bench.test")).collect();
    let mut cfg = String::from(
        "[http]\nallow_private_addresses = true\nper_host_interval_ms = 20\n\n[server]\n",
    );
    cfg.push_str(&format!("token = \"{TOKEN}\"\n\n[http.resolve]\n"));
    for h in &feeds {
        cfg.push_str(&format!("\"{h}\" = [\"127.0.0.1\"]\n"));
    }
    let cfg_file = tmp.join("wirewatch.toml");
    std::fs::write(&cfg_file, cfg)?;
    let urls: Vec<String> = feeds.iter().map(|h| format!("http://{h}:{port}/feed.xml")).collect();

    let ingest_dir = tmp.join("ingest-data");
    let mut rng = Lcg(o.seed);
    let mut done: Vec<Trial> = Vec::new();
    for t in 0..o.trials {
        let delay = Duration::from_secs_f64(0.1 + 2.4 * rng.next_f64());
        let trial = match t % 3 {
            0 => ingest_trial(bin, &cfg_file, &ingest_dir, &jsonl, delay)?,
            1 => poll_trial(bin, &cfg_file, &tmp.join(format!("poll-{t}")), &urls, delay, false)?,
            _ => poll_trial(bin, &cfg_file, &tmp.join(format!("serve-{t}")), &urls, delay, true)?,
        };
        println!(
            "trial {:>3} {:<6} {} {:>5.2} s: acknowledged {:>6} documents and {} feeds, stored {:>6}, lost {}{}",
            t + 1,
            trial.scenario,
            if trial.killed { "killed after" } else { "finished in " },
            trial.killed_after.as_secs_f64(),
            trial.acknowledged,
            trial.feeds,
            trial.stored,
            trial.lost,
            if trial.rebuilt_index { ", search index rebuilt" } else { "" }
        );
        done.push(trial);
    }
    let lost: u64 = done.iter().map(|t| t.lost).sum();
    let rebuilt = done.iter().filter(|t| t.rebuilt_index).count();
    let acknowledged: u64 = done.iter().map(|t| t.acknowledged).sum();
    let feeds: u64 = done.iter().map(|t| t.feeds).sum();
    let killed = done.iter().filter(|t| t.killed).count();
    println!(
        "chaos: {} trials, {killed} killed mid-run (kill -9 during ingest, poll, serve --poll); {acknowledged} acknowledged documents and {feeds} feeds, {lost} lost; integrity ok every time; {rebuilt} index rebuilds",
        done.len()
    );
    ensure!(lost == 0, "{lost} acknowledged documents or feeds lost");
    Ok(())
}

fn wirewatch(bin: &Path, cfg: &Path, data: &Path) -> Command {
    let mut c = Command::new(bin);
    c.arg("--config").arg(cfg).arg("--data-dir").arg(data);
    c
}

/// Runs `cmd` (which logs commits at info level), calling `during` every 20 ms, and kills it with
/// SIGKILL after `delay` (unless it ended before); returns the largest `stored so far` it logged.
fn run_and_kill(
    mut cmd: Command,
    delay: Duration,
    during: &mut dyn FnMut(),
) -> Result<(u64, bool)> {
    cmd.env("WIREWATCH_LOG", "wirewatch=info").stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().context("starting wirewatch")?;
    let stderr = child.stderr.take().context("stderr")?;
    let acked = Arc::new(Mutex::new(0u64));
    let acked2 = acked.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(n) = line.split("stored so far: ").nth(1) {
                let n = n.trim().parse::<u64>().unwrap_or(0);
                let mut a = acked2.lock().unwrap_or_else(|e| e.into_inner());
                *a = (*a).max(n);
            }
        }
    });
    let start = Instant::now();
    let mut killed = true;
    while start.elapsed() < delay {
        during();
        if child.try_wait()?.is_some() {
            killed = false;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    let n = *acked.lock().unwrap_or_else(|e| e.into_inner());
    Ok((n, killed))
}

fn ingest_trial(
    bin: &Path,
    cfg: &Path,
    data: &Path,
    jsonl: &Path,
    delay: Duration,
) -> Result<Trial> {
    let mut cmd = wirewatch(bin, cfg, data);
    cmd.args(["-v", "ingest"]).arg(jsonl);
    // The kill moment's origin is the start of this run.
    let (acknowledged, killed) = run_and_kill(cmd, delay, &mut || {})?;
    let (stored, rebuilt_index) = check(bin, cfg, data)?;
    Ok(Trial {
        scenario: "ingest",
        killed,
        killed_after: delay,
        feeds: 0,
        acknowledged,
        stored,
        lost: acknowledged.saturating_sub(stored),
        rebuilt_index,
    })
}

fn poll_trial(
    bin: &Path,
    cfg: &Path,
    data: &Path,
    urls: &[String],
    delay: Duration,
    serve: bool,
) -> Result<Trial> {
    std::fs::create_dir_all(data)?;
    // Half the feeds subscribed before; in `serve`, the other half through the API during the run.
    let (before, during) = urls.split_at(urls.len() / 2);
    let out = wirewatch(bin, cfg, data).arg("-q").args(["feeds", "add"]).args(before).output()?;
    ensure!(out.status.success(), "feeds add: {}", String::from_utf8_lossy(&out.stderr));
    let mut cmd = wirewatch(bin, cfg, data);
    let mut added: Vec<String> = Vec::new();
    let (acknowledged, killed) = if serve {
        let port = free_port()?;
        cmd.args(["-v", "serve", "--poll", "--listen"]).arg(format!("127.0.0.1:{port}"));
        let mut next = 0;
        run_and_kill(cmd, delay, &mut || {
            if next < during.len()
                && let Ok(200) = post_feed(port, &during[next])
            {
                added.push(during[next].clone());
                next += 1;
            }
        })?
    } else {
        cmd.args(["-v", "poll", "--once"]);
        run_and_kill(cmd, delay, &mut || {})?
    };
    let (stored, rebuilt_index) = check(bin, cfg, data)?;
    let mut lost = acknowledged.saturating_sub(stored);
    if !added.is_empty() {
        let out = wirewatch(bin, cfg, data).args(["-q", "feeds", "list", "--json"]).output()?;
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).context("feeds list")?;
        let have: Vec<&str> =
            list.as_array().into_iter().flatten().filter_map(|f| f["url"].as_str()).collect();
        lost += added.iter().filter(|u| !have.contains(&u.as_str())).count() as u64;
    }
    Ok(Trial {
        scenario: if serve { "serve" } else { "poll" },
        killed,
        killed_after: delay,
        feeds: added.len() as u64,
        acknowledged,
        stored,
        lost,
        rebuilt_index,
    })
}

/// The documents stored, after checking the store's integrity and that search answers (or is
/// rebuilt by `reindex` and then answers); also whether it had to be rebuilt.
fn check(bin: &Path, cfg: &Path, data: &Path) -> Result<(u64, bool)> {
    let db = data.join("wirewatch.sqlite3");
    if !db.exists() {
        return Ok((0, false));
    }
    let integrity = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])")
        .arg(&db)
        .output()
        .context("python3 for PRAGMA integrity_check")?;
    let verdict = String::from_utf8_lossy(&integrity.stdout).trim().to_string();
    ensure!(verdict == "ok", "{}: integrity_check says {verdict:?}", db.display());
    let out = wirewatch(bin, cfg, data).args(["-q", "stats", "--json"]).output()?;
    ensure!(out.status.success(), "stats after a kill: {}", String::from_utf8_lossy(&out.stderr));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).context("stats --json")?;
    let stored = stats["documents"].as_u64().unwrap_or(0);
    let search = |c: &mut Command| c.args(["-q", "search", "report", "--json"]).output();
    let mut rebuilt = false;
    if !search(&mut wirewatch(bin, cfg, data))?.status.success() {
        let out = wirewatch(bin, cfg, data).args(["-q", "reindex"]).output()?;
        ensure!(out.status.success(), "reindex: {}", String::from_utf8_lossy(&out.stderr));
        let again = search(&mut wirewatch(bin, cfg, data))?;
        ensure!(
            again.status.success(),
            "search after reindex: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        rebuilt = true;
    }
    Ok((stored, rebuilt))
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `POST /api/feeds` with the token; the status, or an error when the server is not up yet.
fn post_feed(port: u16, url: &str) -> Result<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let body = serde_json::json!({ "url": url }).to_string();
    write!(
        s,
        "POST /api/feeds HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut head = String::new();
    s.read_to_string(&mut head)?;
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok(status)
}
