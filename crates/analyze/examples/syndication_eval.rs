//! Syndication eval: builds copies of dev articles in memory (other boilerplate, another
//! headline, a trimmed ending, sometimes a wire credit), streams originals and copies through
//! the clusterer and prints precision and recall of copy detection.
//!
//! `cargo run --release -p wirewatch-analyze --example syndication_eval -- ../shared/eval/stories/ecbplus-dev.jsonl`

use std::collections::HashMap;
use std::io::{BufRead, BufReader};

use analyze::stories::{ClusterDoc, Clusterer, StoryConfig};

/// A small deterministic generator (xorshift64*), so the test set is the same every run.
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

const HEADERS: &[&str] = &[
    "By Staff Writer | Published 10:32 AM",
    "Share this article: Facebook Twitter Email",
    "Advertisement",
    "Updated: 2 hours ago",
    "",
];
const FOOTERS: &[&str] = &[
    "Copyright 2024 Example Media. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our newsletter to get the latest news delivered to your inbox. Follow us on Twitter and Facebook.",
    "Read more: Top stories of the day. Related coverage and analysis from our correspondents.",
    "",
];
const CREDITS: &[&str] = &["(AFP) -", "(Reuters) -", "(AP) —", ""];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: syndication_eval ecbplus-dev.jsonl")?;
    let mut originals: Vec<(String, String, String)> = Vec::new();
    for line in BufReader::new(std::fs::File::open(path)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        originals.push((s("id"), s("title"), s("text")));
    }
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // Stream: every original, and after a while a copy of about two thirds of them.
    let mut stream: Vec<(ClusterDoc, Option<String>, Option<&'static str>)> = Vec::new();
    let mut pending: Vec<(usize, ClusterDoc, String, Option<&'static str>)> = Vec::new();
    for (i, (id, title, text)) in originals.iter().enumerate() {
        stream.push((
            ClusterDoc {
                id: id.clone(),
                title: Some(title.clone()),
                text: Some(text.clone()),
                ..Default::default()
            },
            None,
            None,
        ));
        if rng.below(3) < 2 {
            let lines: Vec<&str> = text.lines().collect();
            // Trim the ending: keep 60–100% of the lines (at least 2).
            let keep = (lines.len() * (60 + rng.below(41)) / 100).max(2).min(lines.len());
            let credit = CREDITS[rng.below(CREDITS.len())];
            let mut body = String::new();
            let header = HEADERS[rng.below(HEADERS.len())];
            if !header.is_empty() {
                body.push_str(header);
                body.push('\n');
            }
            for (k, l) in lines.iter().take(keep).enumerate() {
                if k == 0 && !credit.is_empty() {
                    body.push_str("PARIS ");
                    body.push_str(credit);
                    body.push(' ');
                }
                body.push_str(l);
                body.push('\n');
            }
            body.push_str(FOOTERS[rng.below(FOOTERS.len())]);
            // Another headline: the original's words reordered and cut, with a prefix.
            let words: Vec<&str> = title.split_whitespace().collect();
            let cut = words.len().min(6 + rng.below(4));
            let new_title = format!(
                "UPDATE: {}",
                words[..cut].iter().rev().cloned().collect::<Vec<_>>().join(" ")
            );
            let agency = match credit {
                "(AFP) -" => Some("AFP"),
                "(Reuters) -" => Some("Reuters"),
                "(AP) —" => Some("AP"),
                _ => None,
            };
            let copy = ClusterDoc {
                id: format!("{id}-copy"),
                title: Some(new_title),
                text: Some(body),
                ..Default::default()
            };
            pending.push((i + 3 + rng.below(40), copy, id.clone(), agency));
        }
        pending.sort_by_key(|p| p.0);
        while pending.first().is_some_and(|p| p.0 <= i) {
            let (_, d, o, a) = pending.remove(0);
            stream.push((d, Some(o), a));
        }
    }
    for (_, d, o, a) in pending {
        stream.push((d, Some(o), a));
    }

    // An optional second argument: a JSON StoryConfig (to try other copy thresholds).
    let cfg: StoryConfig = match std::env::args().nth(2) {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
        None => StoryConfig::default(),
    };
    let mut c = Clusterer::new(cfg);
    let (mut tp, mut fp, mut fn_, mut wrong_origin) = (0, 0, 0, 0);
    let (mut agency_ok, mut agency_total) = (0, 0);
    let mut flagged_originals: HashMap<String, String> = HashMap::new();
    let mut natural = 0;
    let mut origin_of: HashMap<String, String> = HashMap::new();
    let texts: HashMap<&str, &str> =
        originals.iter().map(|(i, _, t)| (i.as_str(), t.as_str())).collect();
    let t0 = std::time::Instant::now();
    for (doc, truth, agency) in &stream {
        let a = c.add(doc);
        if let Some(d) = &a.duplicate_of {
            origin_of.insert(doc.id.clone(), d.clone());
        }
        match (&a.duplicate_of, truth) {
            (Some(d), Some(o)) => {
                // The origin is the earliest of the family: the original's own origin if the
                // original was itself a copy.
                let want = origin_of.get(o).unwrap_or(o);
                tp += 1;
                if d != want {
                    wrong_origin += 1;
                }
            }
            (Some(d), None) => {
                // Two originals: a true copy if their exact 4-word-shingle sets say so.
                let (j, cont) = exact_similarity(
                    texts.get(doc.id.as_str()).unwrap_or(&""),
                    texts.get(d.as_str()).unwrap_or(&""),
                );
                if j >= 0.5 || cont >= 0.8 {
                    natural += 1;
                    tp += 1;
                } else {
                    fp += 1;
                    flagged_originals.insert(doc.id.clone(), format!("{d} (J {j:.2} C {cont:.2})"));
                }
            }
            (None, Some(_)) => fn_ += 1,
            (None, None) => {}
        }
        if let Some(ag) = agency {
            agency_total += 1;
            if a.wire_agency.as_deref() == Some(*ag) {
                agency_ok += 1;
            }
        }
    }
    println!(
        "copies among the originals themselves (exact J >= 0.5 or C >= 0.8), counted correct: {natural}"
    );
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    for (d, o) in &flagged_originals {
        println!("false positive: {d} -> {o}");
    }
    println!(
        "documents {} copies {} flagged {} wrong-origin {} agency {}/{} ({:.1} ms)",
        stream.len(),
        tp + fn_,
        tp + fp,
        wrong_origin,
        agency_ok,
        agency_total,
        t0.elapsed().as_secs_f64() * 1e3
    );
    println!("copy detection precision {p:.4} recall {r:.4}");
    Ok(())
}

/// Exact Jaccard and containment of two texts' 4-word-shingle sets.
fn exact_similarity(a: &str, b: &str) -> (f64, f64) {
    fn shingles(t: &str) -> std::collections::HashSet<Vec<String>> {
        let w: Vec<String> = t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|x| !x.is_empty())
            .map(str::to_lowercase)
            .collect();
        w.windows(4).map(|x| x.to_vec()).collect()
    }
    let (x, y) = (shingles(a), shingles(b));
    let inter = x.intersection(&y).count() as f64;
    let union = (x.len() + y.len()) as f64 - inter;
    (inter / union.max(1.0), inter / (x.len().min(y.len()).max(1)) as f64)
}
