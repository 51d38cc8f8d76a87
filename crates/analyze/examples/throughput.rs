//! Throughput and memory: streams 100,000 synthetic-but-realistic articles (built from the dev
//! texts and headlines with recombined sentences, shuffled outlets, advancing times and fresh
//! names, so vocabulary keeps growing as in a real stream) through copy detection and story
//! clustering on one thread, evicting quiet stories as it goes. Prints articles/s and resident
//! memory (VmRSS, and the peak VmHWM) every 10,000 articles.
//!
//! `cargo run --release -p wirewatch-analyze --example throughput -- ../shared/eval/stories/ecbplus-dev.jsonl ../shared/eval/stories/uci-headlines-dev.jsonl [N]`

use std::io::{BufRead, BufReader};
use std::time::Instant;

use analyze::stories::{ClusterDoc, Clusterer, StoryConfig};
use chrono::{Duration, TimeZone, Utc};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(field)).map(|l| l[field.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// CPU time of this process in seconds (user + system), so a shared machine's load does not
/// distort the rate.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

/// (story, title, text) rows of a dev file.
type Rows = Vec<(String, String, String)>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: throughput ecbplus-dev.jsonl uci-headlines-dev.jsonl [N]".into());
    }
    let n: usize = args.get(2).and_then(|x| x.parse().ok()).unwrap_or(100_000);
    let read = |p: &str| -> Result<Rows, Box<dyn std::error::Error>> {
        let mut v = Vec::new();
        for line in BufReader::new(std::fs::File::open(p)?).lines() {
            let j: serde_json::Value = serde_json::from_str(&line?)?;
            let s = |k: &str| j.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            v.push((s("story"), s("title"), s("text")));
        }
        Ok(v)
    };
    let full = read(&args[0])?;
    let heads = read(&args[1])?;
    // Full texts grouped by their story, so a synthetic report mixes two reports of one event.
    let mut by_story: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, (s, _, _)) in full.iter().enumerate() {
        by_story.entry(s.clone()).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = by_story.into_values().collect();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let outlets: Vec<String> = (0..300).map(|i| format!("outlet{i}.example")).collect();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("time")?;
    // Prepare the documents first so only clustering is timed.
    let mut docs = Vec::with_capacity(n);
    let mut bytes = 0usize;
    for i in 0..n {
        // One article every 10 s on average: 100,000 articles span 11.6 days, so the 72-hour
        // quiet window fills and empties several times.
        let time = start + Duration::seconds((i as i64) * 10 + rng.below(600) as i64);
        // Events of about 20 reports each; each event has its own names and place, and draws
        // its text from one of the dev stories.
        let event = i / 20 + rng.below(3);
        let name = format!("Name{} Surname{} in Place{}", event, event * 7 % 1000, event % 500);
        let (title, text) = if rng.below(10) < 3 {
            let (_, t, _) = &heads[(event * 31 + rng.below(5)) % heads.len()];
            (format!("{t}: {name}"), String::new())
        } else {
            let g = &groups[(event * 17) % groups.len()];
            let (a, b) = (g[rng.below(g.len())], g[rng.below(g.len())]);
            let mut out = format!("{name} was at the centre of events on Tuesday.\n");
            for k in [a, b] {
                for l in full[k].2.lines() {
                    if rng.below(2) == 0 {
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
            (format!("{}: {name}", full[a].1), out)
        };
        bytes += title.len() + text.len();
        docs.push(ClusterDoc {
            id: format!("d{i}"),
            time: Some(time),
            source: Some(outlets[rng.below(outlets.len())].clone()),
            title: Some(title),
            text: Some(text),
            entities: Vec::new(),
        });
    }
    println!(
        "prepared {n} articles, {:.1} MB of text; RSS {}",
        bytes as f64 / 1e6,
        status("VmRSS:")
    );
    let mut c = Clusterer::new(StoryConfig::default());
    let t0 = Instant::now();
    let cpu0 = cpu_seconds();
    let mut evicted = 0usize;
    let (mut copies, mut new_stories, mut breaking) = (0usize, 0usize, 0usize);
    let mut lap = Instant::now();
    for (i, d) in docs.iter().enumerate() {
        let a = c.add(d);
        copies += usize::from(a.duplicate_of.is_some());
        new_stories += usize::from(a.new_story);
        breaking += usize::from(a.breaking_raised);
        if i % 1000 == 999 {
            evicted += c.evict_quiet(c.clock()).len();
        }
        if i % 10_000 == 9_999 {
            println!(
                "{:>6} articles  {:>7.0} articles/s wall, {:>7.0} per CPU second (last 10k {:>7.0} wall)  live stories {:>6}  evicted {:>6}  VmRSS {}  VmHWM {}",
                i + 1,
                (i + 1) as f64 / t0.elapsed().as_secs_f64(),
                (i + 1) as f64 / (cpu_seconds() - cpu0).max(1e-9),
                10_000.0 / lap.elapsed().as_secs_f64(),
                c.number_of_stories(),
                evicted,
                status("VmRSS:"),
                status("VmHWM:")
            );
            lap = Instant::now();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "total {n} articles in {secs:.2} s wall, {cpu:.2} s CPU: {:.0} articles/s wall, {:.0} per CPU second; copies {copies}, new stories {new_stories}, breaking flags {breaking}; peak RSS {}",
        n as f64 / secs,
        n as f64 / cpu.max(1e-9),
        status("VmHWM:")
    );
    Ok(())
}
