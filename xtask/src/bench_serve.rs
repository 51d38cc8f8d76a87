//! `cargo xtask bench serve`: 100,000 stored articles built from the dev texts, `wirewatch
//! serve` on loopback, and `wrk` (Debian's package) at 50 concurrent connections on the story,
//! entity, search and API routes; prints each route group's latency percentiles and errors.
//!
//! The data directory is kept in `target/bench-serve/` and reused by later runs (building it
//! means ingesting and analysing 100,000 articles); `--fresh` rebuilds it, `--articles N` makes
//! a smaller one (in `target/bench-serve-N/`).
//!
//! `--with-ingest`: while wrk runs, a second process ingests new reports into the same data
//! directory, batch after batch (two processes on one SQLite store, as `serve` beside `poll`
//! runs); the run fails if the server or the ingest logs "database is locked" or the ingest
//! fails, and prints how many documents were written meanwhile.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::{build_release, shared_eval};
use crate::bench_analysis::{Lcg, jsonl};

const ARTICLES: usize = 100_000;
const CONNECTIONS: usize = 50;

/// Writes the synthetic corpus: reports mixing sentences of one ECB+ dev article with a few of
/// another, UCI headlines as short items, 300 outlets, dates spread over a year.
fn write_corpus(path: &Path, first: usize, articles: usize, seed: u64) -> Result<()> {
    let eval = shared_eval()?;
    let ecb = jsonl(&eval.join("stories/ecbplus-dev.jsonl"))?;
    let uci = jsonl(&eval.join("stories/uci-headlines-dev.jsonl"))?;
    let bodies: Vec<(String, Vec<String>)> = ecb
        .iter()
        .map(|d| {
            let sentences = d["text"]
                .as_str()
                .unwrap_or("")
                .split_inclusive(['.', '!', '?'])
                .map(str::trim)
                .filter(|s| s.len() > 20)
                .map(str::to_string)
                .collect();
            (d["title"].as_str().unwrap_or("").to_string(), sentences)
        })
        .filter(|(_, s): &(String, Vec<String>)| !s.is_empty())
        .collect();
    let headlines: Vec<&str> = uci.iter().filter_map(|d| d["title"].as_str()).collect();
    if bodies.is_empty() || headlines.is_empty() {
        bail!("no dev texts to build the corpus from");
    }
    let mut rng = Lcg(seed);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let start = chrono::DateTime::parse_from_rfc3339("2016-01-01T00:00:00Z")?;
    for i in first..first + articles {
        let (title, sentences) = &bodies[rng.below(bodies.len())];
        let (_, other) = &bodies[rng.below(bodies.len())];
        let k = 4 + rng.below(8);
        let mut text: Vec<&str> =
            (0..k).map(|_| sentences[rng.below(sentences.len())].as_str()).collect();
        for _ in 0..(1 + k / 3) {
            text.insert(rng.below(text.len() + 1), other[rng.below(other.len())].as_str());
        }
        let title = if rng.below(4) == 0 {
            headlines[rng.below(headlines.len())].to_string()
        } else {
            format!("{title} ({})", rng.below(1000))
        };
        let outlet = rng.below(300);
        let published = start + chrono::Duration::seconds(300 * i as i64 + rng.below(300) as i64);
        let line = serde_json::json!({
            "url": format!("https://outlet{outlet}.example/news/{i}"),
            "source": format!("Outlet {outlet}"),
            "title": title,
            "text": text.join(" "),
            "published": published.to_rfc3339(),
        });
        writeln!(w, "{line}")?;
    }
    w.flush()?;
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn get(url: &str) -> Result<serde_json::Value> {
    let out = Command::new("curl").args(["-sf", "--max-time", "30", url]).output()?;
    if !out.status.success() {
        bail!("GET {url} failed ({})", out.status);
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("GET {url}: not JSON"))
}

/// How many stories the store lists (paging the API's story list by its `next` links would take
/// a request per 100; a binary search on `offset` takes ~15).
fn stories_total(base: &str) -> Result<usize> {
    let exists = |offset: usize| -> Result<bool> {
        let page = get(&format!("{base}/api/stories?limit=1&offset={offset}"))?;
        Ok(page["items"].as_array().is_some_and(|a| !a.is_empty()))
    };
    if !exists(0)? {
        return Ok(0);
    }
    // The API accepts offsets up to 1,000,000.
    let (mut lo, mut hi) = (0usize, 1_000_001usize);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if exists(mid)? { lo = mid } else { hi = mid }
    }
    Ok(lo + 1)
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One wrk run over a list of paths (a Lua script picks them in turn); returns the summary.
pub fn wrk(
    base: &str,
    name: &str,
    paths: &[String],
    dir: &Path,
    secs: u64,
    connections: usize,
) -> Result<String> {
    let script = dir.join(format!("{name}.lua"));
    let list = paths.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(",\n  ");
    std::fs::write(
        &script,
        format!(
            "local paths = {{\n  {list}\n}}\nlocal i = 0\n\
             request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
        ),
    )?;
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&script)
        .arg(base)
        .output()
        .context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let pick = |key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("-")
            .to_string()
    };
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("0");
    let non2xx = text
        .lines()
        .find(|l| l.contains("Non-2xx"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or("0");
    let socket_errors = text
        .lines()
        .find(|l| l.contains("Socket errors"))
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| "no socket errors".into());
    Ok(format!(
        "{name:<10} {:>3} paths  p50 {:>8}  p90 {:>8}  p99 {:>8}  {:>7} requests ({}/s)  \
         non-2xx {non2xx}; {socket_errors}",
        paths.len(),
        pick("50%"),
        pick("90%"),
        pick("99%"),
        requests,
        pick("Requests/sec:").trim(),
    ))
}

/// Runs the benchmark.
pub fn run(rest: &[&str]) -> Result<()> {
    let fresh = rest.contains(&"--fresh");
    let cache = !rest.contains(&"--no-cache");
    let secs: u64 = rest
        .iter()
        .find_map(|a| a.strip_prefix("--seconds="))
        .map(str::parse)
        .transpose()?
        .unwrap_or(20);
    let articles: usize = rest
        .iter()
        .find_map(|a| a.strip_prefix("--articles="))
        .map(str::parse)
        .transpose()?
        .unwrap_or(ARTICLES);
    let with_ingest = rest.contains(&"--with-ingest");
    let bin = build_release()?;
    let root = crate::tidy::project_root();
    let dir = if articles == ARTICLES {
        root.join("target/bench-serve")
    } else {
        root.join(format!("target/bench-serve-{articles}"))
    };
    let data = dir.join("data");
    let marker = dir.join("complete");
    if fresh || !marker.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let corpus = dir.join("corpus.jsonl");
        write_corpus(&corpus, 0, articles, 7)?;
        let t = Instant::now();
        let status = Command::new(&bin)
            .args(["-q", "--data-dir"])
            .arg(&data)
            .arg("ingest")
            .arg(&corpus)
            .status()?;
        if !status.success() {
            bail!("ingest of the synthetic corpus failed");
        }
        println!("stored and analysed {articles} articles in {:.0} s", t.elapsed().as_secs_f64());
        std::fs::write(&marker, "")?;
        let _ = std::fs::remove_file(&corpus);
    }
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");
    // wrk's 50 connections all come from 127.0.0.1: the per-client rate limit (which would
    // answer most of them 429) is turned off for the load test.
    let config = dir.join("serve.toml");
    let cache_line = if cache { "" } else { "cache_mb = 0\n" };
    std::fs::write(&config, format!("[server]\nrate_limit_per_sec = 0\n{cache_line}"))?;
    let serve_log = dir.join("serve.log");
    let server = Server(
        Command::new(&bin)
            .args(["--data-dir"])
            .arg(&data)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--listen", &listen])
            .env("WIREWATCH_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&serve_log)?)
            .spawn()?,
    );
    let started = Instant::now();
    while get(&format!("{base}/api/stories?limit=1")).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("wirewatch serve did not answer on {base} within 60 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // Real ids from the API, spread over the store: stories from ten places in the list
    // (latest first, so the oldest and biggest too), the 500 most mentioned entities, and
    // search terms. Many distinct paths, so the response cache (on unless `--no-cache`) is
    // measured with its misses, as readers spread over many pages would make them.
    let list = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v.get("items").and_then(|x| x.as_array()).cloned().unwrap_or_default()
    };
    let total_stories = stories_total(&base)?;
    let mut story_ids: Vec<String> = Vec::new();
    for k in 0..10 {
        let offset = total_stories * k / 10;
        let page = get(&format!("{base}/api/stories?limit=100&offset={offset}"))?;
        story_ids.extend(list(&page).iter().filter_map(|s| s["id"].as_str().map(String::from)));
    }
    let mut entity_ids: Vec<String> = Vec::new();
    for k in 0..5 {
        let page = get(&format!("{base}/api/entities?limit=100&offset={}", k * 100))?;
        entity_ids
            .extend(list(&page).iter().filter_map(|e| e["id"].as_i64().map(|i| i.to_string())));
    }
    if story_ids.is_empty() || entity_ids.is_empty() {
        bail!("the served store lists no stories or entities");
    }
    let terms = [
        "earthquake",
        "police",
        "arrested",
        "fire",
        "election",
        "court",
        "apple",
        "killed",
        "president",
        "minister",
        "storm",
        "shooting",
        "dead",
        "trial",
        "oil",
        "bank",
        "film",
        "actor",
        "patch",
        "microsoft",
        "climber",
        "rehab",
        "sentenced",
        "stock",
        "google",
        "china",
        "russia",
        "obama",
        "ferry",
        "strike",
    ];
    let searches: Vec<String> = terms
        .iter()
        .flat_map(|t| [format!("/search?q={t}"), format!("/search?q={t}&offset=20")])
        .collect();
    let groups: Vec<(&str, Vec<String>)> = vec![
        ("home", vec!["/".to_string()]),
        ("story", story_ids.iter().map(|id| format!("/stories/{id}")).collect()),
        ("entity", entity_ids.iter().map(|id| format!("/entities/{id}")).collect()),
        ("search", searches),
        (
            "api",
            story_ids
                .iter()
                .step_by(5)
                .map(|id| format!("/api/stories/{id}"))
                .chain(entity_ids.iter().step_by(5).map(|id| format!("/api/entities/{id}")))
                .chain(terms.iter().map(|t| format!("/api/search?q={t}")))
                .chain((0..10).map(|k| format!("/api/stories?offset={}", k * 20)))
                .chain(["/api/entities".to_string(), "/api/findings".to_string()])
                .collect(),
        ),
    ];
    println!(
        "wirewatch serve over {articles} stored articles, response cache {}; wrk -t2 \
         -c{CONNECTIONS} -d{secs}s per route group ({} stories, {} entities sampled){}",
        if cache { "on" } else { "off" },
        story_ids.len(),
        entity_ids.len(),
        if with_ingest { "; a second process ingests new reports meanwhile" } else { "" }
    );
    // The writer: new reports (URLs after the stored ones), ingested by another process into
    // the same data directory while the readers run.
    let ingest_log = dir.join("ingest.log");
    let mut writer = if with_ingest {
        let corpus = dir.join("more.jsonl");
        write_corpus(&corpus, articles, 20_000, 11)?;
        Some((
            Command::new(&bin)
                .arg("--data-dir")
                .arg(&data)
                .args(["ingest", "--json"])
                .arg(&corpus)
                .env("WIREWATCH_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&ingest_log)?)
                .spawn()?,
            Instant::now(),
        ))
    } else {
        None
    };
    for (name, paths) in &groups {
        println!("{}", wrk(&base, name, paths, &dir, secs, CONNECTIONS)?);
    }
    if let Some((child, started)) = writer.take() {
        let out = child.wait_with_output()?;
        let summary = String::from_utf8_lossy(&out.stdout).trim().to_string();
        println!(
            "ingest beside the server: {summary} in {:.0} s ({})",
            started.elapsed().as_secs_f64(),
            if out.status.success() { "succeeded" } else { "FAILED" }
        );
        let logs = std::fs::read_to_string(&serve_log)? + &std::fs::read_to_string(&ingest_log)?;
        let locked = logs.lines().filter(|l| l.contains("database is locked")).count();
        println!("\"database is locked\" in the server's and the ingest's logs: {locked}");
        if locked > 0 || !out.status.success() {
            bail!(
                "the server and an ingest on one data directory got in each other's way; see {} and {}",
                serve_log.display(),
                ingest_log.display()
            );
        }
    }
    drop(server);
    Ok(())
}
