//! `cargo xtask bench quotes` and `cargo xtask bench stories`: the who-said-what and story stages
//! over dev data, one thread, in process, timed in CPU seconds.

use std::io::BufRead;
use std::time::Instant;

use analyze::stories::{ClusterDoc, Clusterer, StoryConfig};
use anyhow::{Result, bail};
use chrono::{Duration, TimeZone, Utc};

use crate::bench::shared_eval;

/// User + system CPU seconds of this process (clock ticks of 1/100 s).
pub fn cpu_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let rest = stat.rsplit_once(") ").map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Ok((tick(11) + tick(12)) / 100.0)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        })
        .unwrap_or(0.0)
        / 1024.0
}

pub fn jsonl(path: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    let f = std::fs::File::open(path)?;
    Ok(std::io::BufReader::new(f)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect())
}

/// Entities + quotes over the 504 PolNeAR dev articles.
pub fn quotes() -> Result<()> {
    let docs = jsonl(&shared_eval()?.join("quotes/polnear-dev.jsonl"))?;
    let texts: Vec<&str> = docs.iter().filter_map(|d| d["text"].as_str()).collect();
    if texts.is_empty() {
        bail!("no articles in polnear-dev.jsonl");
    }
    for t in texts.iter().take(20) {
        std::hint::black_box(analyze::quotes::analyze_text(t));
    }
    let rounds = 5;
    let (c, w) = (cpu_seconds()?, Instant::now());
    let mut found = 0usize;
    for _ in 0..rounds {
        for t in &texts {
            let a = analyze::quotes::analyze_text(t);
            found += a.quotes.len() + a.entities.len();
        }
    }
    let n = (texts.len() * rounds) as f64;
    let cpu = cpu_seconds()? - c;
    println!(
        "quotes + entities: {} articles x {rounds}: {:.0} articles per CPU-second ({:.0}/s wall); \
         {} statements+entities per round",
        texts.len(),
        n / cpu,
        n / w.elapsed().as_secs_f64(),
        found / rounds
    );
    println!(
        "ratio to textacy's 8 articles/s (../shared/eval/README.md): {:.0}x  (target >= 1,000 articles/s, 100x)",
        n / cpu / 8.0
    );
    Ok(())
}

/// A small deterministic generator (64-bit LCG), so the stream is the same on every run.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// 100,000 synthetic articles built from the ECB+ and UCI dev texts (sentences of one story mixed,
/// headlines reused, 300 outlets, one article every 10 s) through dedupe + clustering.
pub fn stories() -> Result<()> {
    let eval = shared_eval()?;
    let ecb = jsonl(&eval.join("stories/ecbplus-dev.jsonl"))?;
    let uci = jsonl(&eval.join("stories/uci-headlines-dev.jsonl"))?;
    let bodies: Vec<(String, Vec<String>)> = ecb
        .iter()
        .map(|d| {
            let text = d["text"].as_str().unwrap_or("");
            let sentences = text
                .split_inclusive(['.', '!', '?'])
                .map(str::trim)
                .filter(|s| s.len() > 20)
                .map(str::to_string)
                .collect();
            (d["title"].as_str().unwrap_or("").to_string(), sentences)
        })
        .filter(|(_, s): &(String, Vec<String>)| !s.is_empty())
        .collect();
    let headlines: Vec<String> =
        uci.iter().filter_map(|d| d["title"].as_str().map(str::to_string)).collect();
    if bodies.is_empty() || headlines.is_empty() {
        bail!("no dev texts to build the stream from");
    }
    let n = 100_000usize;
    let mut rng = Lcg(42);
    let start = Utc.with_ymd_and_hms(2016, 12, 29, 0, 0, 0).single().unwrap_or_else(Utc::now);
    let docs: Vec<ClusterDoc> = (0..n)
        .map(|i| {
            let time = Some(start + Duration::seconds(10 * i as i64));
            let source = Some(format!("outlet{}.example", rng.below(300)));
            if rng.below(3) == 0 {
                let title = headlines[rng.below(headlines.len())].clone();
                return ClusterDoc {
                    id: format!("d{i}"),
                    time,
                    source,
                    title: Some(title),
                    text: None,
                    entities: vec![],
                };
            }
            // Sentences of one dev report mixed with a few of another: rewrites of one event,
            // most of them not copies.
            let (title, sentences) = &bodies[rng.below(bodies.len())];
            let (_, other) = &bodies[rng.below(bodies.len())];
            let k = 3 + rng.below(8);
            let mut text: Vec<&str> =
                (0..k).map(|_| sentences[rng.below(sentences.len())].as_str()).collect();
            for _ in 0..(1 + k / 2) {
                text.insert(rng.below(text.len() + 1), other[rng.below(other.len())].as_str());
            }
            ClusterDoc {
                id: format!("d{i}"),
                time,
                source,
                title: Some(format!("{title} ({})", rng.below(1000))),
                text: Some(text.join(" ")),
                entities: vec![],
            }
        })
        .collect();
    let cfg = StoryConfig { quiet_hours: 6.0, ..StoryConfig::default() };
    let mut c = Clusterer::new(cfg);
    let (cpu0, w) = (cpu_seconds()?, Instant::now());
    let mut copies = 0usize;
    let mut rss = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if c.add(d).duplicate_of.is_some() {
            copies += 1;
        }
        if (i + 1) % 1_000 == 0 {
            let now = c.clock();
            c.evict_quiet(now);
        }
        if (i + 1) % 20_000 == 0 {
            rss.push(format!("{}k: {:.0} MB", (i + 1) / 1000, rss_mb()));
        }
    }
    let cpu = cpu_seconds()? - cpu0;
    println!(
        "stories: {n} articles ({copies} copies) in {cpu:.1} CPU-s = {:.0} articles per CPU-second \
         ({:.0}/s wall); live stories at the end: {}",
        n as f64 / cpu,
        n as f64 / w.elapsed().as_secs_f64(),
        c.number_of_stories()
    );
    println!("resident memory (input stream included): {}", rss.join(", "));
    Ok(())
}
