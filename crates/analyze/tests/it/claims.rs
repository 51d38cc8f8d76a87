//! Claims and change detection (issue 6): the golden run over the sample corpus, whose expected
//! findings are listed in samples/README.md, plus quantity parsing.

use analyze::claims::{ArticleClaims, Finding, FindingKind, extract_claims, find_changes, parse_quantity};
use analyze::extract::{ExtractOptions, extract_html, extract_text};
use analyze::quotes::analyze_text;
use chrono::{DateTime, NaiveDate, Utc};

fn sample(rel: &str) -> String {
    let path = format!("{}/../../samples/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("sample file");
    String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect::<String>())
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).ok().or_else(|| {
        NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
    })
}

fn build(key: &str, outlet: &str, body: &str, time: Option<DateTime<Utc>>, version: i64) -> ArticleClaims {
    let a = analyze_text(body);
    let claims = extract_claims(body, &a);
    ArticleClaims {
        article: key.to_string(),
        outlet: Some(outlet.to_string()),
        time,
        version,
        correction_notice: analyze::claims::correction_notice(body),
        claims,
    }
}

/// A sample file: `page:`, `text:` or `jsonl:N` (1-based line of wire.jsonl).
fn load(spec: &str, outlet: &str, key: &str, version: i64) -> ArticleClaims {
    let opts = ExtractOptions::default();
    if let Some(line) = spec.strip_prefix("jsonl:") {
        let n: usize = line.parse().expect("line");
        let all = sample("wire.jsonl");
        let v: serde_json::Value =
            serde_json::from_str(all.lines().nth(n - 1).expect("jsonl line")).expect("json");
        let text = v["text"].as_str().unwrap_or_default();
        let (art, _) = extract_text(text, &opts);
        let time = v["published"].as_str().and_then(parse_time);
        return build(key, outlet, &art.body, time, version);
    }
    let raw = sample(spec);
    let (art, _) = if spec.ends_with(".html") { extract_html(&raw, &opts) } else { extract_text(&raw, &opts) };
    let time = art.modified.as_deref().filter(|_| version > 1).or(art.published.as_deref()).and_then(parse_time);
    build(key, outlet, &art.body, time, version)
}

fn stories() -> Vec<(&'static str, Vec<ArticleClaims>)> {
    let russia = vec![
        load("seed-article.txt", "Nigerian daily", "seed", 1),
        load("pages/northline-us-expels-35-russian-diplomats.html", "Northline Press", "northline-us-expels", 1),
        load("pages/wire-east-lavrov-proposes-expelling-35.html", "Wire East", "wire-east-lavrov", 1),
        load("pages/harbourtimes-moscow-proposes-expelling-35.html", "The Harbour Times", "harbourtimes-moscow", 1),
        load("pages/plainsgazette-lavrov-seeks-expulsion-cp1252.html", "The Plains Gazette", "plainsgazette-lavrov", 1),
        load("pages/meridianpost-putin-we-will-not-expel-anyone.html", "Meridian Post", "meridianpost-putin", 1),
        load("texts/continental-review-putin-holds-fire.txt", "Continental Review", "continental-putin", 1),
        load("jsonl:1", "Wire East", "wire-east-trump", 1),
    ];
    let ferry = vec![
        load("pages/harbourtimes-ferry-capsizes-sarn-strait.html", "The Harbour Times", "harbourtimes-ferry", 1),
        load("jsonl:2", "Northline Press", "northline-ferry", 1),
        load("pages/wire-east-ferry-toll-revised-to-27.html", "Wire East", "wire-east-ferry", 1),
        load("pages/tarrow-islander-vigil-for-27-ferry-victims.html", "The Tarrow Islander", "tarrow-vigil", 1),
    ];
    let norvale = vec![
        load("pages/bizledger-norvale-to-cut-2000-jobs.html", "The Business Ledger", "bizledger-norvale", 1),
        load("jsonl:3", "Wire East", "wire-east-norvale", 1),
        load("texts/brelsford-star-norvale-union-assurances.txt", "Brelsford Evening Star", "brelsford-norvale", 1),
        load("pages/continental-review-norvale-shares-recover.html", "Continental Review", "continental-norvale", 1),
    ];
    let aldmark = vec![
        load("pages/northern-courier-keller-resigns.html", "Northern Courier", "northern-courier-keller", 1),
        load("updates/northern-courier-keller-resigns-corrected.html", "Northern Courier", "northern-courier-keller", 2),
        load("pages/wire-east-aldmark-premier-confirms-keller-resignation.html", "Wire East", "wire-east-keller", 1),
        load("jsonl:4", "Northline Press", "northline-keller", 1),
    ];
    vec![("russia", russia), ("ferry", ferry), ("norvale", norvale), ("aldmark", aldmark)]
}

fn show(f: &Finding) -> String {
    format!(
        "{:?} {:.2} [{} | {}] vs [{} | {}] — {}",
        f.kind, f.confidence, f.first.0, f.first.1.text, f.second.0, f.second.1.text, f.explanation
    )
}

#[test]
fn dump_claims() {
    for (name, story) in stories() {
        println!("=== {name}");
        for a in &story {
            println!("--- {} v{} {:?} notice={:?}", a.article, a.version, a.time, a.correction_notice);
            for c in &a.claims {
                println!(
                    "  {} actor={:?}/{:?} q={:?} pol={:?} mod={:?} sp={:?}/{:?} via={:?} narr={} quoted={} | {}",
                    c.action,
                    c.actor, c.side,
                    c.quantity.as_ref().map(|q| (q.value, q.unit.clone(), q.parts.clone())),
                    c.polarity,
                    c.modality,
                    c.speaker, c.speaker_side, c.via,
                    c.narrative, c.quoted,
                    c.text
                );
            }
        }
        for f in find_changes(&story) {
            println!("FINDING {}", show(&f));
        }
    }
}
