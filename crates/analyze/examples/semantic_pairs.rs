//! How well sentence vectors separate ECB+ stories: for every pair of documents in one topic
//! (two events of one kind), the ROC AUC of "same story" by the table's cosine, by a plain
//! TF-IDF cosine, and by blends of the two.
//!
//! `cargo run --release -p wirewatch-analyze --example semantic_pairs -- ecbplus-dev.jsonl`

use std::collections::HashMap;
use std::io::BufRead;

use analyze::semantic;

fn auc(scores: &[(f32, bool)]) -> f64 {
    let mut s = scores.to_vec();
    s.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut pos, mut neg) = (0f64, 0f64, 0f64);
    for (i, (_, y)) in s.iter().enumerate() {
        if *y {
            rank_sum += (i + 1) as f64;
            pos += 1.0;
        } else {
            neg += 1.0;
        }
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: semantic_pairs FILE.jsonl")?;
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let id = v["id"].as_str().unwrap_or("").to_string();
        let story = v["story"].as_str().unwrap_or("").to_string();
        let text =
            format!("{}\n{}", v["title"].as_str().unwrap_or(""), v["text"].as_str().unwrap_or(""));
        docs.push((id, story, text));
    }
    let mut df: HashMap<String, f32> = HashMap::new();
    let bags: Vec<HashMap<String, f32>> = docs
        .iter()
        .map(|(_, _, t)| {
            let mut b = HashMap::new();
            for w in t.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 2) {
                *b.entry(w.to_lowercase()).or_insert(0.0) += 1.0;
            }
            for w in b.keys() {
                *df.entry(w.clone()).or_insert(0.0) += 1.0;
            }
            b
        })
        .collect();
    let n = docs.len() as f32;
    let tfidf: Vec<HashMap<String, f32>> = bags
        .iter()
        .map(|b| {
            let mut v: HashMap<String, f32> =
                b.iter().map(|(w, c)| (w.clone(), (1.0 + c.ln()) * (n / df[w]).ln())).collect();
            let norm = v.values().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
            v.values_mut().for_each(|x| *x /= norm);
            v
        })
        .collect();
    let cos = |a: &HashMap<String, f32>, b: &HashMap<String, f32>| -> f32 {
        a.iter().filter_map(|(w, x)| b.get(w).map(|y| x * y)).sum()
    };
    for lead in [200usize, 600, 1500, usize::MAX] {
        let sem: Vec<Vec<f32>> = docs
            .iter()
            .map(|(_, _, t)| {
                let end = t.char_indices().nth(lead).map_or(t.len(), |x| x.0);
                semantic::embed(&t[..end])
            })
            .collect();
        let mut rows: Vec<(f32, f32, bool)> = Vec::new();
        let mut rows_all: Vec<(f32, f32, bool)> = Vec::new();
        for i in 0..docs.len() {
            for j in i + 1..docs.len() {
                let topic = |s: &str| s.split('_').next().unwrap_or("").to_string();
                let same = docs[i].1 == docs[j].1;
                let r = (semantic::cosine(&sem[i], &sem[j]), cos(&tfidf[i], &tfidf[j]), same);
                if topic(&docs[i].1) == topic(&docs[j].1) {
                    rows.push(r);
                }
                rows_all.push(r);
            }
        }
        for (name, rs) in [("within topic", &rows), ("all pairs", &rows_all)] {
            let chars = if lead == usize::MAX { "all".to_string() } else { lead.to_string() };
            let mut line = format!(
                "first {chars:>4} chars, {name:>12}: sem {:.3} tfidf {:.3}",
                auc(&rs.iter().map(|r| (r.0, r.2)).collect::<Vec<_>>()),
                auc(&rs.iter().map(|r| (r.1, r.2)).collect::<Vec<_>>())
            );
            for a in [0.1f32, 0.2, 0.3, 0.5] {
                line += &format!(
                    " blend{a} {:.3}",
                    auc(&rs.iter().map(|r| (a * r.0 + (1.0 - a) * r.1, r.2)).collect::<Vec<_>>())
                );
            }
            println!("{line}");
        }
    }
    Ok(())
}
