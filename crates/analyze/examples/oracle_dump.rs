//! Tuning aid: replays a labelled JSONL file (`"story"` field) joining each article to its gold
//! story, and prints the similarity components of every (article, live story) pair as TSV:
//! `same_story  components...`.

use std::io::{BufRead, BufReader, Write};

use analyze::stories::{ClusterDoc, Clusterer, StoryConfig};
use chrono::{DateTime, Utc};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: oracle_dump FILE.jsonl [CONFIG.json]")?;
    let cfg: StoryConfig = match args.get(1) {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
        None => StoryConfig::default(),
    };
    // `FREE=1`: let the clusterer decide (a real run), still printing the components.
    let free = std::env::var("FREE").is_ok_and(|v| v == "1");
    let mut c = Clusterer::new(cfg);
    let mut gold_to_story: std::collections::HashMap<String, String> = Default::default();
    let mut story_to_gold: std::collections::HashMap<String, String> = Default::default();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for line in BufReader::new(std::fs::File::open(path)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let gold = s("story").unwrap_or_default();
        let doc = ClusterDoc {
            id: s("id").unwrap_or_default(),
            time: s("time")
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
            source: s("source"),
            title: s("title"),
            text: s("text"),
            entities: Vec::new(),
        };
        let force = gold_to_story.get(&gold).cloned();
        let (rows, a) =
            if free { c.debug_add(&doc, None) } else { c.debug_add(&doc, Some(force.as_deref())) };
        for (sid, comps) in rows {
            let same = story_to_gold.get(&sid).is_some_and(|g| *g == gold);
            let comps: Vec<String> = comps.iter().map(|x| format!("{x:.4}")).collect();
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                u8::from(same),
                doc.id,
                sid,
                comps.join("\t"),
                a.cluster
            )?;
        }
        gold_to_story.entry(gold.clone()).or_insert(a.cluster.clone());
        story_to_gold.entry(a.cluster).or_insert(gold);
    }
    Ok(())
}
