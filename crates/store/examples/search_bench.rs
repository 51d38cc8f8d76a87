//! Search latency over a synthetic store: `cargo run --release -p wirewatch-store --example
//! search_bench -- [ARTICLES]` (default 100000) builds a store of generated articles with
//! statements, entities and stories in a temporary directory, indexes it, and prints the time per
//! query (p50, p99, max) for word, phrase, filtered and empty queries.

use std::time::{Duration, Instant};
use store::prelude::*;

use chrono::{TimeZone, Utc};
use model::{
    Analysis, ContentKind, DocEntity, DocKey, RawDocument, SourceKind, Statement, StoryAssignment,
    StoryRecord,
};
use store::SqliteStore;
use store::search::{SearchQuery, SearchWriter};

/// A small deterministic generator (xorshift), so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Roughly Zipf-distributed index below `n`: common words are common.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

const OUTLETS: &[&str] = &["Reuters", "AP", "BBC", "Le Monde", "TASS", "Al Jazeera", "DW", "NHK"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(100_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocab: Vec<String> = (0..20_000)
        .map(|i| {
            let syl = ["ka", "lo", "mi", "ne", "ru", "sta", "ver", "dip", "ex", "pel", "tor", "an"];
            let mut w = String::new();
            let mut x = i + 7;
            while x > 0 {
                w.push_str(syl[x % syl.len()]);
                x /= syl.len();
            }
            w
        })
        .collect();
    let tmp = tempfile::tempdir()?;
    let mut store = SqliteStore::open(tmp.path())?;
    let t0 = Instant::now();
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    for start in (0..n).step_by(1000) {
        let mut docs = Vec::new();
        let mut assignments = Vec::new();
        for i in start..(start + 1000).min(n) {
            let words = |rng: &mut Rng, k: usize| {
                (0..k).map(|_| vocab[rng.zipf(vocab.len())].as_str()).collect::<Vec<_>>().join(" ")
            };
            let title = words(&mut rng, 8);
            let body = words(&mut rng, 300);
            let quote = words(&mut rng, 15);
            let published = base + chrono::Duration::minutes(i as i64 * 5);
            let key = format!("https://news.example/{i}");
            let person = format!("person {}", rng.next() % 500);
            docs.push(RawDocument {
                key: DocKey(key.clone()),
                url: Some(key.clone()),
                canonical_url: Some(key.clone()),
                outlet: Some(OUTLETS[i % OUTLETS.len()].to_string()),
                title: Some(title.clone()),
                published: Some(published),
                fetched_at: published,
                source_kind: SourceKind::Jsonl,
                origin: "bench".to_string(),
                content_kind: ContentKind::Text,
                content: body.clone(),
                diagnostics: Vec::new(),
                analysis: Some(Analysis {
                    analyzer: "bench".to_string(),
                    ok: true,
                    title: Some(title),
                    published: Some(published.to_rfc3339()),
                    language: Some(if i % 5 == 0 { "fr" } else { "en" }.to_string()),
                    site_name: None,
                    body,
                    article_json: "{}".to_string(),
                    diagnostics: Vec::new(),
                    statements: vec![Statement {
                        start: 0,
                        end: 10,
                        text: quote,
                        kind: "direct".to_string(),
                        speaker: Some(person.clone()),
                        speaker_start: None,
                        speaker_end: None,
                        speaker_entity: Some("e1".to_string()),
                        cue: Some("said".to_string()),
                        via: None,
                        confidence: 0.9,
                    }],
                    entities: vec![DocEntity {
                        id: "e1".to_string(),
                        name: person.clone(),
                        kind: "organization".to_string(),
                        key: person,
                        aliases: Vec::new(),
                        role: None,
                        affiliation: None,
                        mentions: 1,
                    }],
                    facts_json: None,
                }),
            });
            assignments.push(StoryAssignment {
                document: key,
                story: format!("s{}", i / 20),
                duplicate_of: None,
                wire_agency: None,
            });
        }
        store.put(&docs)?;
        let stories: Vec<StoryRecord> = (start / 20..=(start + 999) / 20)
            .map(|s| StoryRecord {
                id: format!("s{s}"),
                label: String::new(),
                first_seen: None,
                last_updated: None,
                state: "developing".to_string(),
                breaking_since: None,
                articles: 20,
                copies: 0,
                outlets: Vec::new(),
                entities: Vec::new(),
                state_json: String::new(),
            })
            .collect();
        store.save_stories(&stories, &assignments)?;
    }
    println!("stored {n} articles in {:.1} s", t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    let (mut writer, _) = SearchWriter::open(tmp.path())?;
    let report = writer.sync(&store, &mut |_, _| {})?;
    println!("indexed {} articles in {:.1} s", report.indexed, t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    let again = writer.sync(&store, &mut |_, _| {})?;
    println!(
        "a sync with nothing to do: {:.3} s ({} indexed)",
        t0.elapsed().as_secs_f64(),
        again.indexed
    );
    writer.finish()?;
    let index = store::search::SearchIndex::open(tmp.path())?;

    let mut queries: Vec<(&str, SearchQuery)> = Vec::new();
    for i in 0..200 {
        let common = &vocab[i % 20];
        let rare = &vocab[1000 + i * 37 % 15_000];
        let q = |text: String| SearchQuery { q: text, ..SearchQuery::default() };
        queries.push(("common word", q(common.clone())));
        queries.push(("rare word", q(rare.clone())));
        queries.push(("two words", q(format!("{common} {}", vocab[(i * 7) % 200]))));
        queries.push(("phrase", q(format!("\"{} {}\"", vocab[i % 10], vocab[i % 13]))));
        let mut f = q(common.clone());
        f.from = Some("2024-03-01".to_string());
        f.to = Some("2024-06-30".to_string());
        f.outlet = Some(OUTLETS[i % OUTLETS.len()].to_string());
        queries.push(("word + date + outlet", f));
        let mut s = q(String::new());
        s.story = Some(format!("s{}", i * 13 % (n / 20).max(1)));
        queries.push(("story, no words", s));
        queries.push(("everything, newest first", q(String::new())));
    }
    let mut by_kind: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (kind, query) in &queries {
        let t = Instant::now();
        let r = index.search(query)?;
        let took = t.elapsed();
        std::hint::black_box(r);
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(took),
            None => by_kind.push((kind, vec![took])),
        }
    }
    let mut all: Vec<Duration> = Vec::new();
    for (kind, mut times) in by_kind {
        times.sort();
        let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
        println!("{kind:26} p50 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms", p(0.5), p(0.99), p(1.0));
        all.extend(times);
    }
    all.sort();
    let p99 = all[(all.len() - 1) * 99 / 100].as_secs_f64() * 1000.0;
    println!("all {} queries: p99 {p99:.2} ms", all.len());
    Ok(())
}
