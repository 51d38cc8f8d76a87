//! Golden test of the seed article's reading (issue 4) plus whole-pipeline invariants of
//! `analyze::quotes`.

use analyze::entities::{EntityKind, canonical_key, merge_aliases};
use analyze::quotes::{QuoteKind, TextAnalysis, analyze_text, quotes_json_line};

fn seed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test_data/quotes/seed-article.txt");
    std::fs::read_to_string(path).expect("seed article")
}

/// Character (code point) slice, as Python indexes strings.
fn chars(text: &str, s: usize, e: usize) -> String {
    text.chars().skip(s).take(e - s).collect()
}

/// The one quote whose text starts with `prefix`.
fn quote<'a>(a: &'a TextAnalysis, prefix: &str) -> &'a analyze::quotes::Quote {
    let hits: Vec<_> = a.quotes.iter().filter(|q| q.text.starts_with(prefix)).collect();
    assert_eq!(hits.len(), 1, "quotes starting {prefix:?}: {:#?}", a.quotes);
    hits[0]
}

fn entity_name(a: &TextAnalysis, id: Option<&str>) -> String {
    let id = id.expect("speaker entity");
    a.entities.iter().find(|e| e.id == id).map(|e| e.name.clone()).expect("entity id")
}

#[test]
fn issue_4_seed_article_golden_reading() {
    let text = seed();
    let a = analyze_text(&text);
    // Offsets are code points and agree with the text field.
    for q in &a.quotes {
        assert_eq!(chars(&text, q.start, q.end), q.text);
        if let (Some(s), Some(e), Some(sp)) = (q.speaker_start, q.speaker_end, &q.speaker) {
            assert_eq!(&chars(&text, s, e), sp);
        }
    }
    let direct: Vec<_> = a.quotes.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();

    // Putin.
    let q = quote(&a, "We will not expel anyone.");
    assert_eq!(q.kind, QuoteKind::Direct);
    assert_eq!(entity_name(&a, q.speaker_entity.as_deref()), "Vladimir Putin");

    // Obama: the partial quote and three paragraphs, one speaker; no separate 'persona non grata'.
    let partial = quote(&a, "in response to Russia’s malicious cyber activity and harassment");
    assert_eq!(partial.kind, QuoteKind::Mixed);
    for p in [
        "in response to Russia’s malicious",
        "Today, I have ordered",
        "These actions follow",
        "The U.S State Department is also shutting down",
    ] {
        let q = direct.iter().find(|q| q.text.starts_with(p)).expect(p);
        assert_eq!(entity_name(&a, q.speaker_entity.as_deref()), "Barack Obama", "{p}");
    }
    assert!(!a.quotes.iter().any(|q| q.text.trim_end_matches(['’', '‘']) == "persona non grata"));
    assert!(!direct.iter().any(|q| q.text.starts_with("persona non grata")));

    // Lavrov's three, the second carried over from the first.
    for p in [
        "We, of course, cannot leave unanswered",
        "Thus, the Russian Foreign Ministry",
        "The outgoing US administration",
    ] {
        let q = direct.iter().find(|q| q.text.starts_with(p)).expect(p);
        assert_eq!(entity_name(&a, q.speaker_entity.as_deref()), "Sergey Lavrov", "{p}");
    }
    assert_eq!(direct.len(), 8, "{direct:#?}");

    // Reported speech: Putin's "has said that …" and Lavrov's declaration via TASS.
    let putin = a
        .quotes
        .iter()
        .find(|q| {
            q.kind == QuoteKind::Indirect
                && q.text.contains("Russia will not expel any U.S diplomats")
        })
        .expect("Putin's reported speech");
    assert_eq!(entity_name(&a, putin.speaker_entity.as_deref()), "Vladimir Putin");
    assert_eq!(putin.cue.as_deref(), Some("said"));
    let lavrov = a
        .quotes
        .iter()
        .find(|q| {
            q.kind == QuoteKind::Indirect
                && q.text.contains("Russia had equally expelled 35 U.S diplomats")
        })
        .expect("Lavrov's declaration");
    assert_eq!(entity_name(&a, lavrov.speaker_entity.as_deref()), "Sergey Lavrov");
    assert_eq!(lavrov.via.as_deref(), Some("TASS"));
    // No reported speech swallows a direct quotation and its attribution.
    assert!(
        !a.quotes.iter().any(|q| q.kind == QuoteKind::Indirect && q.text.contains("Lavrov said")),
        "{:#?}",
        a.quotes
    );

    // Entities.
    let ent = |name: &str| a.entities.iter().find(|e| e.name == name);
    let obama = ent("Barack Obama").expect("Barack Obama");
    assert!(obama.aliases.iter().any(|x| x == "Barrack Obama"), "{obama:?}");
    assert_eq!(obama.kind, EntityKind::Person);
    let lav = ent("Sergey Lavrov").expect("Lavrov");
    assert_eq!(lav.role.as_deref(), Some("foreign minister"));
    assert_eq!(lav.affiliation.as_deref(), Some("Russia"));
    let putin = ent("Vladimir Putin").expect("Putin");
    assert!(putin.aliases.iter().any(|x| x == "Putin"));
    assert!(putin.aliases.iter().any(|x| x == "Russian President"), "{putin:?}");
    assert_eq!(ent("TASS").map(|e| e.kind), Some(EntityKind::Organization));
    for (name, kind) in [
        ("U.S State Department", EntityKind::Organization),
        ("Russian Foreign Ministry", EntityKind::Organization),
        ("Maryland", EntityKind::Place),
        ("New York", EntityKind::Place),
        ("Moscow", EntityKind::Place),
        ("St. Petersburg", EntityKind::Place),
    ] {
        assert_eq!(ent(name).map(|e| e.kind), Some(kind), "{name}: {:#?}", a.entities);
    }
}

#[test]
fn json_line_shape() {
    let v = quotes_json_line(&serde_json::json!("seed"), &seed());
    assert_eq!(v["id"], "seed");
    assert!(v["quotes"].as_array().is_some_and(|q| q.len() >= 10));
    assert!(v["entities"].as_array().is_some_and(|e| !e.is_empty()));
    let q = &v["quotes"][0];
    for k in [
        "start",
        "end",
        "text",
        "kind",
        "speaker",
        "speaker_start",
        "speaker_end",
        "speaker_entity",
        "cue",
        "via",
        "confidence",
    ] {
        assert!(q.get(k).is_some(), "missing {k}");
    }
}

#[test]
fn cross_article_merge() {
    assert_eq!(canonical_key("Barack Obama"), canonical_key("barack obama"));
    let names = vec!["Barrack Obama".to_string(), "Barack Obama".into(), "Barack Obama".into()];
    let g = merge_aliases(&names);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].canonical, "Barack Obama");
    assert!(!g[0].evidence.is_empty());
}

#[test]
fn never_panics_on_messy_text() {
    let seed = seed();
    // Every prefix cut on a char boundary, and some hostile strings.
    let cs: Vec<char> = seed.chars().collect();
    for n in (0..cs.len()).step_by(37) {
        let s: String = cs[..n].iter().collect();
        let a = analyze_text(&s);
        for q in &a.quotes {
            assert!(q.start <= q.end && q.end <= n);
        }
    }
    for s in [
        "“”„«»‘’''\"\"",
        "\u{0}\u{feff}“x",
        "said said said, “",
        "Mr. Mr. Mr.",
        "🙂 “🙂,” 🙂 said.",
    ] {
        let _ = analyze_text(s);
    }
}

#[test]
fn never_panics_on_generated_marks() {
    // A deterministic generator (LCG) over quote marks, punctuation, cue words and names, so
    // odd pairings, unclosed marks and empty paragraphs all occur.
    let pieces = [
        "“",
        "”",
        "„",
        "«",
        "»",
        "‘",
        "’",
        "''",
        "\"",
        "'",
        "`",
        ".",
        ",",
        ":",
        ";",
        "—",
        "-",
        "(",
        ")",
        " ",
        " ",
        " ",
        "\n\n",
        "\n",
        "said",
        "told",
        "according to",
        "that",
        "Mr.",
        "U.S.",
        "Putin",
        "Lavrov",
        "TASS",
        "he",
        "the president",
        "Barack Obama",
        "é",
        "🙂",
        "a",
        "We",
    ];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..2000 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let n = (x >> 58) as usize + 1;
        let mut s = String::new();
        for _ in 0..n * 3 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            s.push_str(pieces[(x >> 33) as usize % pieces.len()]);
        }
        let a = analyze_text(&s);
        let len = s.chars().count();
        for q in &a.quotes {
            assert!(q.start <= q.end && q.end <= len, "{s:?}");
            assert_eq!(chars(&s, q.start, q.end), q.text);
        }
        for e in &a.entities {
            for m in &e.mentions {
                assert_eq!(chars(&s, m.start, m.end), m.text);
            }
        }
    }
}
