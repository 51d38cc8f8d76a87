//! Stance: labels on small hand-written pairs, the JSON line, robustness, and the trainer.

use analyze::stance::text::{sentences, stem, tokenize};
use analyze::stance::train::{Example, TrainConfig, extract_all, fit, negative_pairs, report};
use analyze::stance::{Model, StanceLabel, classify, stance_json_line};

fn check(claim: &str, text: &str, expected: StanceLabel) {
    let r = classify(claim, text);
    assert_eq!(r.label, expected, "claim {claim:?}\ntext {text:?}\nresult {r:?}");
}

const SEED_CLAIM: &str = "Russia will expel 35 US diplomats";

#[test]
fn issue_6_seed_reversal_is_deny() {
    check(SEED_CLAIM, "Putin said: We will not expel anyone.", StanceLabel::Deny);
    let r = classify(SEED_CLAIM, "Putin said: We will not expel anyone.");
    assert_eq!(r.evidence.as_deref(), Some("Putin said: We will not expel anyone."));
}

#[test]
fn issue_6_seed_report_points_at_the_recanting_sentence() {
    let body = "Breaking: Putin overrules his minister, says Russia'll not expel any U.S diplomats\n\n\
                Russia's foreign minister had said on Friday that Russia would expel 35 U.S. \
                diplomats in retaliation.\n\nHowever, Putin said: \"We will not expel anyone.\"";
    let r = classify(SEED_CLAIM, body);
    assert_eq!(r.label, StanceLabel::Deny, "{r:?}");
    let ev = r.evidence.unwrap_or_default();
    assert!(ev.contains("not expel"), "{ev}");
}

#[test]
fn overruling_and_revised_figures_are_deny() {
    check(
        "The health minister said the vaccine would be free for everyone over 60.",
        "The prime minister overruled the health minister, saying the vaccine would only be free \
         for those over 75.",
        StanceLabel::Deny,
    );
    check(
        "Officials said on Monday that 12 people had died in the hotel fire.",
        "Officials raised the death toll from the hotel fire to 31 on Friday.",
        StanceLabel::Deny,
    );
    check(
        "The port authority announced on Monday that it would build a new container terminal.",
        "The port authority cancelled the container terminal on Friday, citing costs.",
        StanceLabel::Deny,
    );
}

#[test]
fn reaffirmation_is_support_and_follow_up_is_neutral() {
    check(
        "The central bank said on Tuesday that it would keep interest rates unchanged this year.",
        "The central bank reaffirmed on Thursday that interest rates would stay unchanged for the \
         rest of the year.",
        StanceLabel::Support,
    );
    check(
        "The port authority announced on Monday that it would build a new container terminal.",
        "Environmental groups said on Tuesday that the new container terminal would harm wetlands.",
        StanceLabel::Neutral,
    );
}

#[test]
fn confirmation_is_support() {
    check(
        SEED_CLAIM,
        "Russia announced on Friday that it is expelling 35 American diplomats in retaliation for \
         US sanctions.",
        StanceLabel::Support,
    );
}

#[test]
fn other_topic_is_unrelated() {
    let text = "The Bank of England raised interest rates by a quarter point on Thursday, citing \
                persistent inflation.";
    check(SEED_CLAIM, text, StanceLabel::Unrelated);
    assert_eq!(classify(SEED_CLAIM, text).evidence, None);
}

#[test]
fn debunking_headline_is_deny() {
    check(
        "A Florida woman got a third breast surgically added",
        "Three-breasted woman story is a hoax, police say the photos are fake",
        StanceLabel::Deny,
    );
}

#[test]
fn retraction_is_deny() {
    check(
        "A magazine reported on May 9 that investigators had found guards flushed a holy book \
         down a toilet, citing a government source.",
        "The magazine said on May 16 that it was retracting the report about the guards after \
         its source became unsure of what he had seen.",
        StanceLabel::Deny,
    );
}

#[test]
fn scores_and_confidence_are_probabilities() {
    for (c, t) in [(SEED_CLAIM, "Putin said: We will not expel anyone."), ("", ""), ("a", "b")] {
        let r = classify(c, t);
        let sum: f32 = r.scores.iter().sum();
        assert!((sum - 1.0).abs() < 1e-3, "{r:?}");
        assert!(r.scores.iter().all(|s| (0.0..=1.0).contains(s)));
        assert!((0.0..=1.0).contains(&r.confidence));
    }
}

#[test]
fn json_line_has_id_label_evidence_confidence() {
    let id = serde_json::json!("p-1");
    let v = stance_json_line(&id, SEED_CLAIM, "Putin said: We will not expel anyone.");
    assert_eq!(v["id"], "p-1");
    assert_eq!(v["label"], "deny");
    assert!(v["evidence"].is_string());
    assert!(v["confidence"].as_f64().is_some_and(|c| c > 0.3 && c <= 1.0));
    let n = stance_json_line(&serde_json::json!(7), "", "");
    assert_eq!(n["id"], 7);
}

#[test]
fn labels_serialise_snake_case() {
    assert_eq!(serde_json::to_string(&StanceLabel::Unrelated).unwrap(), "\"unrelated\"");
    for l in StanceLabel::ALL {
        assert_eq!(StanceLabel::parse(l.as_str()), Some(l));
        assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let long = "Not true. ".repeat(30_000);
    let odd = [
        "",
        " ",
        "?!.",
        "\u{feff}\u{200b}",
        "é",
        "Ünïcödé… “quoted” ’s — 1,000,000,000,000,000,000,000,000,000,000 billion 99999999999999999999",
        "a.b.c. D. e? F! \n\n\n",
        "日本語のテキスト。もう一つの文。",
        "1e309 NaN inf -0 2,975 3.5.6 ,,, '' 'x",
        &long,
    ];
    for c in odd {
        for t in odd {
            let r = classify(c, t);
            assert!(r.scores.iter().all(|s| s.is_finite()));
        }
    }
}

#[test]
fn figure_heavy_and_unbroken_texts_stay_bounded() {
    // Once quadratic in the number of figures; now bounded.
    let claim = "level 5 accounts 3 billion ".repeat(200);
    let text = "level 7 accounts 1 billion ".repeat(8000);
    let r = classify(&claim, &text);
    // A text with no sentence break gives a clipped evidence string, not the whole text.
    assert!(
        r.evidence.as_ref().is_none_or(|e| e.len() < 1100),
        "{}",
        r.evidence.unwrap_or_default().len()
    );
}

#[test]
fn classification_is_deterministic() {
    let t = "Officials said the report was false and no diplomats would be expelled.";
    assert_eq!(classify(SEED_CLAIM, t), classify(SEED_CLAIM, t));
}

#[test]
fn sentences_keep_abbreviations_and_dates_together() {
    let s = sentences(
        "Kwarteng spoke on Oct. 3, 2022, in the U.S. capital. He left. Mr. Smith stayed!",
    );
    assert_eq!(
        s,
        vec![
            "Kwarteng spoke on Oct. 3, 2022, in the U.S. capital.",
            "He left.",
            "Mr. Smith stayed!"
        ]
    );
}

#[test]
fn stems_meet_across_inflections() {
    assert_eq!(stem("denied"), stem("denies"));
    assert_eq!(stem("deny"), stem("denies"));
    assert_eq!(stem("scrapped"), stem("scrap"));
    let t = tokenize("Putin won’t expel 1,000 diplomats");
    assert_eq!(t[1].lower, "won't");
    assert!(t[3].num);
}

fn tiny_set() -> Vec<Example> {
    let ex =
        |c: &str, t: &str, l| Example { claim: c.into(), text: t.into(), label: l, weight: 1.0 };
    vec![
        ex(
            "The mayor will close the bridge",
            "The mayor closed the bridge today.",
            StanceLabel::Support,
        ),
        ex(
            "The mayor will close the bridge",
            "The mayor denied he would close the bridge.",
            StanceLabel::Deny,
        ),
        ex(
            "The mayor will close the bridge",
            "Reports say the mayor may close the bridge.",
            StanceLabel::Neutral,
        ),
        ex(
            "The mayor will close the bridge",
            "A storm hit the coast overnight.",
            StanceLabel::Unrelated,
        ),
        ex(
            "A shark was seen in the lake",
            "Shark seen in the lake, officials confirm.",
            StanceLabel::Support,
        ),
        ex(
            "A shark was seen in the lake",
            "Lake shark sighting was a hoax, not real.",
            StanceLabel::Deny,
        ),
        ex(
            "A shark was seen in the lake",
            "Was a shark seen in the lake? Locals claim so.",
            StanceLabel::Neutral,
        ),
        ex(
            "A shark was seen in the lake",
            "Bond markets rallied on Tuesday.",
            StanceLabel::Unrelated,
        ),
    ]
}

#[test]
fn training_is_deterministic_and_round_trips() {
    let data = tiny_set();
    let cfg = TrainConfig { steps: 60, ..TrainConfig::default() };
    let x = extract_all(&data, &cfg);
    let idx: Vec<usize> = (0..data.len()).collect();
    let a = fit(&data, &x, &idx, &cfg);
    let b = fit(&data, &x, &idx, &cfg);
    assert_eq!(a, b);
    let back = Model::from_json(&a.to_json()).expect("model file parses");
    for (e, xi) in data.iter().zip(&x) {
        assert_eq!(back.predict(xi).label, a.predict(xi).label, "{e:?}");
    }
    // It learns its own training data.
    let pred: Vec<StanceLabel> = x.iter().map(|xi| a.predict(xi).label).collect();
    let gold: Vec<StanceLabel> = data.iter().map(|e| e.label).collect();
    let (_, macro_f1, _) = report(&gold, &pred);
    assert!(macro_f1 > 0.7, "{pred:?}");
}

#[test]
fn bad_model_files_are_rejected() {
    assert!(Model::from_json("").is_none());
    assert!(Model::from_json("{}").is_none());
    assert!(Model::from_json("{\"format\":\"wirewatch-stance-1\",\"bits\":99}").is_none());
}

#[test]
fn negative_pairs_never_pair_a_claim_with_its_own_text() {
    let data = tiny_set();
    let neg = negative_pairs(&data, 2, 42, 1.0);
    assert_eq!(neg.len(), 4);
    for n in &neg {
        assert_eq!(n.label, StanceLabel::Unrelated);
        assert!(!data.iter().any(|e| e.claim == n.claim && e.text == n.text));
    }
    assert_eq!(neg, negative_pairs(&data, 2, 42, 1.0));
}

#[test]
fn refutation_aimed_at_the_claim_is_seen() {
    use analyze::stance::features::explain;
    let claim = "Graffiti artist Banksy arrested in London";
    let names = |text: &str| explain(claim, text, 14, true).stance_names;
    let denied = names(
        "Banksy has not been arrested. The story of his arrest in London is a hoax, \
         made up by a satire site.",
    );
    for f in ["ent_ref", "negpred_foc", "strong_near", "ref30", "refbal:firm"] {
        assert!(denied.iter().any(|n| n == f), "{f} missing from {denied:?}");
    }
    // A text that repeats the claim without refuting it carries none of them.
    let repeated = names("Banksy was arrested in London on Monday, police said.");
    for f in ["ent_ref", "negpred_foc", "strong_near", "ref30"] {
        assert!(!repeated.iter().any(|n| n == f), "{f} present in {repeated:?}");
    }
    assert!(repeated.iter().any(|n| n == "refbal:none"), "{repeated:?}");
    // New refutation words count: "rebuffs" and "put to rest" refute in a headline.
    let rebuffed = names("Banksy rebuffs rumours of his arrest in London");
    assert!(rebuffed.iter().any(|n| n == "strong_near"), "{rebuffed:?}");
}
