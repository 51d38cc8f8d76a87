//! Claims and change detection (issue 6): the golden run over the sample corpus, whose expected
//! findings are listed in samples/README.md, plus quantity parsing.

use analyze::claims::{
    ArticleClaims, Finding, FindingKind, Modality, Polarity, StoryVersion, extract_claims,
    extract_statements, find_changes, parse_quantity, story_changes,
};
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

fn build(
    key: &str,
    outlet: &str,
    body: &str,
    time: Option<DateTime<Utc>>,
    version: i64,
) -> ArticleClaims {
    let a = analyze_text(body);
    let claims = extract_claims(body, &a);
    ArticleClaims {
        article: key.to_string(),
        outlet: Some(outlet.to_string()),
        time,
        version,
        correction_notice: analyze::claims::correction_notice(body),
        statements: extract_statements(body, &a),
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
    let (art, _) =
        if spec.ends_with(".html") { extract_html(&raw, &opts) } else { extract_text(&raw, &opts) };
    let time = art
        .modified
        .as_deref()
        .filter(|_| version > 1)
        .or(art.published.as_deref())
        .and_then(parse_time);
    build(key, outlet, &art.body, time, version)
}

fn stories() -> Vec<(&'static str, Vec<ArticleClaims>)> {
    let russia = vec![
        load("seed-article.txt", "Nigerian daily", "seed", 1),
        load(
            "pages/northline-us-expels-35-russian-diplomats.html",
            "Northline Press",
            "northline-us-expels",
            1,
        ),
        load(
            "pages/wire-east-lavrov-proposes-expelling-35.html",
            "Wire East",
            "wire-east-lavrov",
            1,
        ),
        load(
            "pages/harbourtimes-moscow-proposes-expelling-35.html",
            "The Harbour Times",
            "harbourtimes-moscow",
            1,
        ),
        load(
            "pages/plainsgazette-lavrov-seeks-expulsion-cp1252.html",
            "The Plains Gazette",
            "plainsgazette-lavrov",
            1,
        ),
        load(
            "pages/meridianpost-putin-we-will-not-expel-anyone.html",
            "Meridian Post",
            "meridianpost-putin",
            1,
        ),
        load(
            "texts/continental-review-putin-holds-fire.txt",
            "Continental Review",
            "continental-putin",
            1,
        ),
        load("jsonl:1", "Wire East", "wire-east-trump", 1),
    ];
    let ferry = vec![
        load(
            "pages/harbourtimes-ferry-capsizes-sarn-strait.html",
            "The Harbour Times",
            "harbourtimes-ferry",
            1,
        ),
        load("jsonl:2", "Northline Press", "northline-ferry", 1),
        load("pages/wire-east-ferry-toll-revised-to-27.html", "Wire East", "wire-east-ferry", 1),
        load(
            "pages/tarrow-islander-vigil-for-27-ferry-victims.html",
            "The Tarrow Islander",
            "tarrow-vigil",
            1,
        ),
    ];
    let norvale = vec![
        load(
            "pages/bizledger-norvale-to-cut-2000-jobs.html",
            "The Business Ledger",
            "bizledger-norvale",
            1,
        ),
        load("jsonl:3", "Wire East", "wire-east-norvale", 1),
        load(
            "texts/brelsford-star-norvale-union-assurances.txt",
            "Brelsford Evening Star",
            "brelsford-norvale",
            1,
        ),
        load(
            "pages/continental-review-norvale-shares-recover.html",
            "Continental Review",
            "continental-norvale",
            1,
        ),
    ];
    let aldmark = vec![
        load(
            "pages/northern-courier-keller-resigns.html",
            "Northern Courier",
            "northern-courier-keller",
            1,
        ),
        load(
            "updates/northern-courier-keller-resigns-corrected.html",
            "Northern Courier",
            "northern-courier-keller",
            2,
        ),
        load(
            "pages/wire-east-aldmark-premier-confirms-keller-resignation.html",
            "Wire East",
            "wire-east-keller",
            1,
        ),
        load("jsonl:4", "Northline Press", "northline-keller", 1),
    ];
    // Walk-backs and a denial that use no negation word (issue 13).
    let velmora = vec![
        load(
            "texts/northline-velmora-steel-sanctions.txt",
            "Northline Press",
            "northline-velmora",
            1,
        ),
        load(
            "texts/wire-east-velmora-sanctions-under-consideration.txt",
            "Wire East",
            "wire-east-velmora",
            1,
        ),
    ];
    let castellan = vec![
        load(
            "texts/harbourtimes-castellan-air-to-close-pellow-base.txt",
            "The Harbour Times",
            "harbourtimes-castellan",
            1,
        ),
        load(
            "texts/continental-review-castellan-air-shelves-pellow-closure.txt",
            "Continental Review",
            "continental-castellan",
            1,
        ),
    ];
    let halvard = vec![
        load(
            "texts/business-ledger-halvard-shipping-tanker-sale.txt",
            "The Business Ledger",
            "bizledger-halvard",
            1,
        ),
        load(
            "texts/wire-east-halvard-dismisses-sale-report.txt",
            "Wire East",
            "wire-east-halvard",
            1,
        ),
    ];
    vec![
        ("russia", russia),
        ("ferry", ferry),
        ("norvale", norvale),
        ("aldmark", aldmark),
        ("velmora", velmora),
        ("castellan", castellan),
        ("halvard", halvard),
    ]
}

fn show(f: &Finding) -> String {
    format!(
        "{:?} {:.2} [{} | {}] vs [{} | {}] — {}",
        f.kind, f.confidence, f.first.0, f.first.1.text, f.second.0, f.second.1.text, f.explanation
    )
}

#[test]
fn issue_6_sample_corpus_expected_findings() {
    let mut all: Vec<(&str, Finding)> = Vec::new();
    for (name, story) in stories() {
        let f1 = find_changes(&story);
        let f2 = find_changes(&story);
        assert_eq!(format!("{f1:?}"), format!("{f2:?}"), "deterministic");
        all.extend(f1.into_iter().map(|f| (name, f)));
    }
    let listing: Vec<String> = all.iter().map(|(n, f)| format!("{n}: {}", show(f))).collect();
    assert_eq!(all.len(), 8, "exactly the expected findings:\n{}", listing.join("\n"));
    let get = |story: &str, kind: FindingKind| {
        let hits: Vec<&Finding> =
            all.iter().filter(|(n, f)| *n == story && f.kind == kind).map(|(_, f)| f).collect();
        assert_eq!(hits.len(), 1, "{story} {kind:?}:\n{}", listing.join("\n"));
        hits[0]
    };
    let originals = ["wire-east-lavrov", "harbourtimes-moscow", "plainsgazette-lavrov"];

    // 1. Putin's refusal reverses the Foreign Ministry's proposal (via Lavrov and TASS).
    let r = get("russia", FindingKind::Reversal);
    assert!(originals.contains(&r.first.0.as_str()), "{}", show(r));
    assert_eq!(r.first.1.action, "expel");
    assert_eq!(r.first.1.modality, Modality::Proposed);
    assert_eq!(r.second.0, "meridianpost-putin");
    assert_eq!(r.second.1.polarity, Polarity::Negated);
    assert!(r.second.1.text.contains("We will not expel anyone"), "{}", show(r));
    assert!(r.outlets.contains(&"Meridian Post".to_string()));

    // 2. The seed states as done what the Lavrov statement it quotes only proposes.
    let o = get("russia", FindingKind::Overstatement);
    assert_eq!((o.first.0.as_str(), o.second.0.as_str()), ("seed", "seed"));
    assert!(o.second.1.text.contains("had equally expelled 35"), "{}", show(o));
    assert_eq!(o.second.1.modality, Modality::Done);
    assert_eq!(o.first.1.modality, Modality::Proposed);
    assert!(o.first.1.quoted);

    // 3. 31 + 4 is consistent with 35: no contradiction in the Russia–US story.
    assert!(!all.iter().any(|(n, f)| *n == "russia" && f.kind == FindingKind::Contradiction));
    let story = stories().remove(0).1;
    let meridian = story.iter().find(|a| a.article == "meridianpost-putin").expect("meridian");
    let q = meridian
        .claims
        .iter()
        .find_map(|c| c.quantity.as_ref().filter(|q| q.parts.len() == 2))
        .expect("31 + 4");
    assert_eq!((q.parts.clone(), q.value), (vec![31.0, 4.0], 35.0));

    // 4. The ferry toll revised from 12 to 27.
    let c = get("ferry", FindingKind::Contradiction);
    assert!(["harbourtimes-ferry", "northline-ferry"].contains(&c.first.0.as_str()), "{}", show(c));
    assert_eq!(c.second.0, "wire-east-ferry");
    assert_eq!(c.first.1.quantity.as_ref().map(|q| q.value), Some(12.0));
    assert_eq!(c.second.1.quantity.as_ref().map(|q| q.value), Some(27.0));
    assert!(c.explanation.contains("revised"), "{}", show(c));

    // 5. The company denies the job-cuts report.
    let d = get("norvale", FindingKind::Contradiction);
    assert_eq!(
        (d.first.0.as_str(), d.second.0.as_str()),
        ("bizledger-norvale", "wire-east-norvale")
    );
    assert_eq!(d.first.1.action, "cut jobs");
    assert_eq!(d.second.1.polarity, Polarity::Negated);
    assert!(d.explanation.contains("denial"), "{}", show(d));

    // 6. The Northern Courier's corrected version.
    let k = get("aldmark", FindingKind::Correction);
    assert_eq!(
        (k.first.0.as_str(), k.second.0.as_str()),
        ("northern-courier-keller", "northern-courier-keller")
    );
    assert_eq!(k.first.1.quantity.as_ref().map(|q| q.value), Some(340e6));
    assert_eq!(k.second.1.quantity.as_ref().map(|q| q.value), Some(430e6));
    assert!(k.explanation.contains("correction notice"));
    assert!(!k.second.1.text.contains("Correction"), "the note itself is not a claim");

    // 7-9 (issue 13): walk-backs and a denial with no negation word, found from meaning.
    let no_negation = |f: &Finding| {
        let words: Vec<String> =
            f.second.1.text.split_whitespace().map(str::to_lowercase).collect();
        !words.iter().any(|w| {
            ["not", "no", "never", "none", "nothing"].contains(&w.as_str())
                || w.contains("n't")
                || w.contains("n’t")
        })
    };
    let v = get("velmora", FindingKind::Reversal);
    assert_eq!(
        (v.first.0.as_str(), v.second.0.as_str()),
        ("northline-velmora", "wire-east-velmora")
    );
    assert!(v.first.1.text.contains("will impose sanctions"), "{}", show(v));
    assert!(v.second.1.text.contains("merely under consideration"), "{}", show(v));
    assert!(no_negation(v), "{}", show(v));
    let c = get("castellan", FindingKind::Reversal);
    assert_eq!(
        (c.first.0.as_str(), c.second.0.as_str()),
        ("harbourtimes-castellan", "continental-castellan")
    );
    assert!(c.first.1.text.contains("will close its maintenance base"), "{}", show(c));
    assert!(c.second.1.text.contains("has shelved its plan"), "{}", show(c));
    assert!(no_negation(c), "{}", show(c));
    let h = get("halvard", FindingKind::Contradiction);
    assert_eq!(
        (h.first.0.as_str(), h.second.0.as_str()),
        ("bizledger-halvard", "wire-east-halvard")
    );
    assert!(h.second.1.text.contains("pure speculation"), "{}", show(h));
    assert!(h.explanation.contains("denial"), "{}", show(h));
    assert!(no_negation(h), "{}", show(h));
}

#[test]
fn claim_offsets_are_code_points() {
    for (_, story) in stories() {
        for a in &story {
            for c in &a.claims {
                assert!(c.start < c.end);
                assert!(!c.text.is_empty());
            }
        }
    }
    let body = "Überraschung: Acme Corp will not cut 1,500 jobs, a spokeswoman said.";
    let a = analyze_text(body);
    for c in extract_claims(body, &a) {
        let s: String = body.chars().skip(c.start).take(c.end - c.start).collect();
        assert_eq!(s, c.text);
    }
}

#[test]
fn parses_quantities() {
    let v = |s: &str| parse_quantity(s).map(|q| q.value);
    assert_eq!(v("35"), Some(35.0));
    assert_eq!(v("thirty-five diplomats"), Some(35.0));
    assert_eq!(v("four"), Some(4.0));
    assert_eq!(v("1.2 million people"), Some(1.2e6));
    assert_eq!(v("$3bn"), Some(3e9));
    assert_eq!(v("a dozen"), Some(12.0));
    assert_eq!(v("2,000 jobs"), Some(2000.0));
    assert_eq!(v("€430 million"), Some(430e6));
    assert_eq!(v("diplomats"), None);
    assert_eq!(parse_quantity("$3bn").and_then(|q| q.unit), Some("usd".to_string()));
    assert_eq!(
        parse_quantity("35 American diplomats").and_then(|q| q.unit),
        Some("american".to_string())
    );
    let q = parse_quantity("31 diplomats in Moscow and four in St Petersburg").expect("total");
    assert_eq!((q.value, q.parts), (35.0, vec![31.0, 4.0]));
    assert_eq!(q.unit.as_deref(), Some("diplomat"));
}

#[test]
fn general_rules_on_other_news() {
    let claims = |t: &str| extract_claims(t, &analyze_text(t));
    let c =
        claims("Acme Motors will cut 1,500 jobs at its Leeds plant, the company said on Monday.");
    let c = c.iter().find(|c| c.action == "cut jobs").expect("cut jobs");
    assert_eq!(c.modality, Modality::Will);
    assert_eq!(c.polarity, Polarity::Affirmed);
    assert_eq!(c.quantity.as_ref().map(|q| q.value), Some(1500.0));
    let c = claims("The minister has no plans to resign, her office said.");
    assert!(c.iter().any(|c| c.action == "resign" && c.polarity == Polarity::Negated));
    let c = claims("Officials proposed closing the border crossing.");
    assert!(c.iter().any(|c| c.action == "close" && c.modality == Modality::Proposed));
    let c = claims("At least thirty-five people died in the fire.");
    assert!(
        c.iter()
            .any(|c| c.action == "casualties"
                && c.quantity.as_ref().is_some_and(|q| q.value == 35.0))
    );
}

#[test]
#[ignore = "debugging aid: prints every claim and finding of the sample corpus"]
fn dump_claims() {
    for (name, story) in stories() {
        println!("=== {name}");
        for a in &story {
            println!(
                "--- {} v{} {:?} notice={:?}",
                a.article, a.version, a.time, a.correction_notice
            );
            for c in &a.claims {
                println!(
                    "  {} actor={:?}/{:?} q={:?} pol={:?} mod={:?} sp={:?}/{:?} via={:?} narr={} quoted={} | {}",
                    c.action,
                    c.actor,
                    c.side,
                    c.quantity.as_ref().map(|q| (q.value, q.unit.clone(), q.parts.clone())),
                    c.polarity,
                    c.modality,
                    c.speaker,
                    c.speaker_side,
                    c.via,
                    c.narrative,
                    c.quoted,
                    c.text
                );
            }
        }
        for f in find_changes(&story) {
            println!("FINDING {}", show(&f));
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn never_panics(s in "[ a-zA-Z0-9.,;:’'\"“”€$£\\n-]{0,300}") {
        let a = analyze_text(&s);
        let claims = extract_claims(&s, &a);
        let statements = extract_statements(&s, &a);
        let _ = parse_quantity(&s);
        let art = ArticleClaims {
            article: "x".into(), outlet: None, time: None, version: 1,
            correction_notice: analyze::claims::correction_notice(&s), claims, statements,
        };
        let _ = find_changes(&[art.clone(), ArticleClaims { version: 2, ..art }]);
    }
}

fn art(key: &str, outlet: &str, hour: u32, body: &str) -> ArticleClaims {
    let time = DateTime::parse_from_rfc3339(&format!("2024-05-02T{hour:02}:00:00Z"))
        .ok()
        .map(|t| t.with_timezone(&Utc));
    build(key, outlet, body, time, 1)
}

#[test]
fn precision_on_other_news() {
    // Approximate figures that agree, and the same claim repeated: nothing to report.
    let story = vec![
        art(
            "a",
            "Daily A",
            8,
            "Acme Motors will cut about 2,000 jobs at its Leeds plant, the company said on Monday.",
        ),
        art("b", "Daily B", 9, "Acme Motors will cut 2,050 jobs in Leeds, union officials said."),
        art(
            "c",
            "Daily C",
            10,
            "The carmaker Acme Motors is to cut 2,000 jobs, the company confirmed.",
        ),
    ];
    let f = find_changes(&story);
    assert!(f.is_empty(), "{:#?}", f.iter().map(show).collect::<Vec<_>>());
    // Different actors doing the same thing are not a contradiction.
    let story = vec![
        art("a", "Daily A", 8, "Germany expelled four Ruritanian diplomats on Monday."),
        art("b", "Daily B", 9, "Ruritania expelled two German diplomats on Tuesday in response."),
    ];
    let f = find_changes(&story);
    assert!(f.is_empty(), "{:#?}", f.iter().map(show).collect::<Vec<_>>());
    // Unrelated death tolls without a revision are not compared.
    let story = vec![
        art("a", "Daily A", 8, "At least 12 people were killed in the flood, officials said."),
        art("b", "Daily B", 9, "Three firefighters died in a separate blaze in the north."),
    ];
    let f = find_changes(&story);
    assert!(f.is_empty(), "{:#?}", f.iter().map(show).collect::<Vec<_>>());
}

#[test]
fn denial_and_revision_on_other_news() {
    let story = vec![
        art(
            "a",
            "Daily A",
            8,
            "Acme Motors plans to close its Leeds plant, people familiar with the matter said.",
        ),
        art(
            "b",
            "Wire",
            11,
            "“We have no plans to close the Leeds plant,” an Acme Motors spokesman said.",
        ),
    ];
    let f = find_changes(&story);
    assert_eq!(
        f.len(),
        1,
        "{:#?} {:#?}",
        f.iter().map(show).collect::<Vec<_>>(),
        story.iter().map(|a| &a.claims).collect::<Vec<_>>()
    );
    assert_eq!(
        f[0].kind,
        FindingKind::Contradiction,
        "{:#?}",
        story.iter().map(|a| &a.claims).collect::<Vec<_>>()
    );
    let story = vec![
        art(
            "a",
            "Daily A",
            8,
            "At least 40 people were killed when the bridge collapsed, police said.",
        ),
        art(
            "b",
            "Wire",
            20,
            "The death toll from the bridge collapse has risen to 52, police said.",
        ),
    ];
    let f = find_changes(&story);
    assert_eq!(f.len(), 1, "{:#?}", f.iter().map(show).collect::<Vec<_>>());
    assert!(f[0].explanation.contains("revised"));
}

fn version(key: &str, outlet: &str, hour: u32, copy_of: Option<&str>, body: &str) -> StoryVersion {
    StoryVersion {
        article: key.into(),
        outlet: Some(outlet.into()),
        time: DateTime::parse_from_rfc3339(&format!("2024-05-02T{hour:02}:00:00Z"))
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        version: 1,
        duplicate_of: copy_of.map(String::from),
        body: body.into(),
        facts: None,
    }
}

#[test]
fn story_timeline_tells_first_report_copies_repeats_and_corrected_errors() {
    let figure = "At least 12 people were killed when a passenger ferry capsized in the Sarn Strait \
                  on Tuesday morning, coast guard officials said.";
    let story = vec![
        version("d", "Daily D", 13, None, figure),
        version("a", "Daily A", 8, None, figure),
        version("b", "Daily B", 9, Some("a"), figure),
        version(
            "c",
            "Wire",
            11,
            None,
            "The death toll from the capsizing of the ferry in the Sarn Strait has risen to 27, \
             provincial officials said on Wednesday.",
        ),
        version("e", "Daily E", 10, None, figure),
    ];
    let changes = story_changes(&story);
    assert_eq!(changes.findings.len(), 1, "{:#?}", changes.findings);
    let f = &changes.findings[0];
    assert_eq!(f.kind, "contradiction");
    assert_eq!((f.first.article.as_str(), f.second.article.as_str()), ("a", "c"));
    assert_eq!(f.first.value, Some(12.0));
    assert_eq!(f.second.value, Some(27.0));
    // The figure's entry: first reported by A, copied by B, repeated by E and D, superseded by
    // the revision at 11:00, after which D repeated it.
    let e = changes
        .timeline
        .iter()
        .find(|e| e.text.contains("At least 12"))
        .expect("the figure's entry");
    assert_eq!(e.first.article, "a");
    assert_eq!(e.copied_by.iter().map(|r| r.article.as_str()).collect::<Vec<_>>(), ["b"]);
    assert_eq!(e.repeated_by.iter().map(|r| r.article.as_str()).collect::<Vec<_>>(), ["e", "d"]);
    assert!(e.superseded.as_deref().is_some_and(|s| s.contains("revised figure")), "{e:#?}");
    assert_eq!(e.repeated_after_correction, ["Daily D"]);
    // Time order.
    let times: Vec<_> = changes.timeline.iter().map(|e| e.time.clone()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    // Deterministic.
    let again = story_changes(&story);
    assert_eq!(again.timeline, changes.timeline);
    assert_eq!(again.findings, changes.findings);
}

#[test]
fn big_story_timeline_is_capped_keeping_the_widely_carried() {
    let many: String = (0..450)
        .map(|i| format!("“Statement number {i} about the harbour works,” the mayor said.\n\n"))
        .collect();
    let shared = "“The harbour will reopen in the spring,” the mayor said.";
    let story = vec![
        version("a", "Daily A", 8, None, &format!("{many}{shared}")),
        version("b", "Daily B", 9, None, shared),
    ];
    let t = story_changes(&story).timeline;
    assert_eq!(t.len(), analyze::claims::MAX_TIMELINE);
    assert!(t.iter().any(|e| e.text.contains("reopen in the spring") && e.repeated_by.len() == 1));
}

#[test]
fn widely_carried_entries_list_the_first_reports_and_count_the_rest() {
    let shared = "“The harbour will reopen in the spring,” the mayor said.";
    let keys: Vec<String> = (0..40).map(|i| format!("k{i:02}")).collect();
    let mut story = vec![version("a", "Daily A", 1, None, shared)];
    for (i, k) in keys.iter().enumerate() {
        // Even ones repeat it independently, odd ones copy the first report.
        let copy = (i % 2 == 1).then_some("a");
        story.push(version(k, &format!("Outlet {i}"), 2 + (i as u32 % 20), copy, shared));
    }
    let t = story_changes(&story).timeline;
    let e = t.iter().find(|e| e.text.contains("reopen in the spring")).expect("the entry");
    assert_eq!((e.repeats, e.copies), (20, 20));
    assert_eq!(e.repeated_by.len(), model::TIMELINE_REPORTS.min(20));
    assert_eq!(e.copied_by.len(), model::TIMELINE_REPORTS.min(20));
    let mut more = story.clone();
    more.push(version("z1", "Late 1", 23, None, shared));
    more.push(version("z2", "Late 2", 23, Some("a"), shared));
    let t = story_changes(&more).timeline;
    let e = t.iter().find(|e| e.text.contains("reopen in the spring")).expect("the entry");
    assert_eq!((e.repeats, e.copies), (21, 21));
    assert_eq!(e.repeated_by.len(), model::TIMELINE_REPORTS);
    assert_eq!(e.copied_by.len(), model::TIMELINE_REPORTS);
    // The earliest are the ones listed.
    assert!(e.repeated_by.iter().all(|r| r.article != "z1"));
}

/// A denial dated the same day as the report it answers, from outlets nobody named, is found in
/// either input order (plain-text reports carry only the day).
#[test]
fn same_day_denial_from_unnamed_outlets_in_either_order() {
    let mut story = stories().into_iter().find(|(n, _)| *n == "halvard").unwrap().1;
    for a in &mut story {
        a.outlet = None;
    }
    for round in 0..2 {
        let found = find_changes(&story);
        let listing: Vec<String> = found.iter().map(show).collect();
        assert_eq!(found.len(), 1, "round {round}:\n{}", listing.join("\n"));
        assert_eq!(found[0].kind, FindingKind::Contradiction);
        assert_eq!(found[0].second.0, "wire-east-halvard");
        story.reverse();
    }
}
