//! Feature extraction for stance: how much a text is about a claim, and which cues it carries.
//!
//! Two feature vectors come out of one pass: one for relatedness (is the text about the claim at
//! all?) and one for stance (among related texts: support, deny or neutral). Features are named
//! strings hashed into a fixed space, so the model file is a plain table of weights. Every cue
//! feature is emitted twice, once general and once tagged with the kind of text (headline,
//! statement, body), so one model can weigh a cue differently in a headline and in a long article.

use std::borrow::Borrow;

use rustc_hash::{FxHashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use super::text::{Token, is_content, is_negation, numbers, sentences, stem, tokenize};

/// A sparse feature vector: (hashed index, value) pairs; an index may repeat.
pub type Sparse = Vec<(u32, f32)>;

/// What feature extraction produces for one (claim, text) pair.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Features for the related-vs-unrelated decision.
    pub rel: Sparse,
    /// Features for the support/deny/neutral decision.
    pub stance: Sparse,
    /// The sentence sharing most words with the claim (the first such sentence on ties).
    pub evidence: Option<String>,
    /// The sentence carrying the strongest deny cue near claim words, if any.
    pub deny_evidence: Option<String>,
    /// Names of the stance features, parallel to `stance` (filled only by [`explain`]).
    pub stance_names: Vec<String>,
}

/// Whether a hashed index is a word feature (upper half of a `bits`-bit space).
pub fn is_word_index(i: usize, bits: u32) -> bool {
    i >= 1 << bits.clamp(4, 24).saturating_sub(1)
}

/// FNV-1a hash of a feature name into `bits` bits.
pub fn hash_feature(name: &str, bits: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h & ((1u64 << bits) - 1)) as u32
}

struct Builder<'a> {
    bits: u32,
    dom: &'a str,
    out: Sparse,
    /// Feature names, kept only when explaining a decision.
    names: Option<Vec<String>>,
}

impl Builder<'_> {
    /// A feature plus its copy tagged with the text kind.
    fn add(&mut self, name: &str, v: f32) {
        if v == 0.0 || !v.is_finite() {
            return;
        }
        self.out.push((hash_feature(name, self.bits - 1), v));
        self.out.push((hash_feature(&format!("{}|{name}", self.dom), self.bits - 1), v));
        if let Some(n) = &mut self.names {
            n.push(name.to_string());
            n.push(format!("{}|{name}", self.dom));
        }
    }
    /// A feature with no text-kind copy.
    fn plain(&mut self, name: &str, v: f32) {
        if v == 0.0 || !v.is_finite() {
            return;
        }
        self.out.push((hash_feature(name, self.bits - 1), v));
        if let Some(n) = &mut self.names {
            n.push(name.to_string());
        }
    }
    /// A hashed word feature: these live in the upper half of the space, so training can
    /// penalise them apart from the cue features.
    fn word(&mut self, name: &str) {
        self.out.push(((1 << (self.bits - 1)) | hash_feature(name, self.bits - 1), 1.0));
        if let Some(n) = &mut self.names {
            n.push(name.to_string());
        }
    }
}

struct Lexicons {
    refute: HashSet<String>,
    strong: HashSet<String>,
    hedge: HashSet<String>,
    reverse: HashSet<String>,
    /// Words whose identity may be a feature: cue words and function words, never topic words.
    vocab: HashSet<String>,
    antonyms: Vec<(String, String)>,
    /// Per stem, which of the cue lexicons hold it (one bit each, in [`Cues`] order): one
    /// lookup per token instead of eight.
    cue_bits: FxHashMap<String, u8>,
    /// First words of [`REFUTE_PHRASES`].
    phrase_starts: HashSet<&'static str>,
}

#[rustfmt::skip]
const REFUTE: &[&str] = &[
    "fake", "faked", "fakes", "hoax", "hoaxes", "false", "falsely", "deny", "denies", "denied",
    "denial", "debunk", "debunked", "debunks", "fabricated", "fabrication", "bogus", "untrue",
    "myth", "prank", "pranked", "satire", "satirical", "parody", "troll", "trolled", "misleading",
    "lie", "lies", "lied", "refute", "refuted", "refutes", "dismiss", "dismissed", "dismisses",
    "reject", "rejected", "rejects", "spoof", "photoshopped", "doctored", "nonsense", "baseless",
    "wrong", "incorrect", "erroneous", "mistaken", "dispute", "disputed", "disputes",
    "contradict", "contradicted", "contradicts", "despite", "actually", "scam", "fiction",
    "fictional", "unfounded", "discredited", "invented", "made-up", "phony", "sham", "duped",
    "fooled", "alive", "rumour", "nope", "misreported", "disproved", "fraud", "doubt", "doubts",
    "doubted", "questions", "questioned", "skeptical", "sceptical", "skeptics", "unlikely",
    "inaccurate", "misinformation", "bs", "bullshit", "ridiculous", "absurd", "conspiracy",
    "legend", "nonexistent", "impossible", "rubbish", "garbage", "falsehood", "lying",
    "rebuff", "rebuffs", "rebuffed", "rubbished", "rubbishes", "quash", "quashed", "quashes",
    "dispel", "dispels", "dispelled", "scotch", "scotched", "slams", "slammed", "unproven",
    "unsubstantiated", "exaggerated", "overblown", "misquoted", "misinterpreted", "wrongly",
    "erroneously", "sorry", "safe", "unharmed", "fine",
];
#[rustfmt::skip]
/// Multi-word refutations, matched on lower-cased tokens.
const REFUTE_PHRASES: &[&[&str]] = &[
    &["not", "real"], &["not", "true"], &["isn't", "real"], &["isn't", "true"], &["no", "evidence"],
    &["no", "truth"], &["no", "proof"], &["not", "the", "case"], &["turns", "out"],
    &["turned", "out"], &["casts", "doubt"],
    &["cast", "doubt"], &["too", "good", "to"], &["no", "such"], &["not", "so"], &["nothing", "to"],
    &["made", "up"], &["never", "happened"], &["did", "not"], &["didn't", "happen"],
    &["no", "longer"], &["after", "all"], &["not", "go", "ahead"], &["would", "not"],
    &["will", "not"], &["won't", "be"], &["no", "plans"], &["ruled", "out"], &["rule", "out"],
    &["backed", "down"], &["back", "down"], &["step", "back"], &["rather", "than"],
    &["put", "to", "rest"], &["made", "it", "up"], &["made", "it", "all"], &["pants", "on", "fire"],
    &["not", "among"], &["isn't", "going"], &["aren't", "going"], &["is", "not", "going"],
    &["set", "the", "record"], &["fake", "news"], &["shot", "down"], &["shoots", "down"],
    &["laughs", "off"], &["laughed", "off"], &["good", "one"], &["no", "sign"], &["no", "basis"],
];
/// Words that call a report false outright, a strict subset of [`REFUTE`]: where the broad list
/// also holds doubt and contrast ("questions", "despite"), these leave no room for support.
#[rustfmt::skip]
const STRONG_REFUTE: &[&str] = &[
    "hoax", "hoaxes", "fake", "faked", "false", "falsely", "debunk", "debunked", "debunks",
    "untrue", "fabricated", "fabrication", "bogus", "satire", "satirical", "prank", "myth",
    "baseless", "unfounded", "deny", "denies", "denied", "denial", "refute", "refuted", "spoof",
    "photoshopped", "doctored", "phony", "misreported", "disproved", "retract", "retracted",
    "rebuff", "rebuffs", "rebuffed", "rubbished", "quash", "quashed", "dispel", "dispelled",
    "unsubstantiated",
    "retraction", "recant", "recanted", "nonexistent", "falsehood", "misinformation",
];
#[rustfmt::skip]
const HEDGE: &[&str] = &[
    "reportedly", "allegedly", "alleged", "claim", "claims", "claimed", "claiming", "rumor",
    "rumors", "rumored", "rumours", "rumoured", "unconfirmed", "unverified", "purportedly",
    "purported", "supposedly", "apparently", "possibly", "perhaps", "may", "might", "could",
    "appears", "appear", "seems", "seem", "suggests", "suggest", "believed", "speculation",
    "speculate", "unclear", "whether", "if", "reports", "reported", "sources", "source",
    "viral", "circulating", "rumour", "likely", "unknown", "investigating", "unsure", "uncertain",
];
#[rustfmt::skip]
const CONFIRM: &[&str] = &[
    "confirm", "confirmed", "confirms", "official", "officially", "announced", "announces",
    "proof", "proves", "proved", "true", "real", "indeed", "verified", "revealed", "reveals",
    "shows", "showed", "finally", "now", "has", "have",
];
#[rustfmt::skip]
const REVERSE: &[&str] = &[
    "scrap", "scrapped", "scrapping", "scraps", "drop", "dropped", "dropping", "drops",
    "abandon", "abandoned", "abandons", "overrule", "overruled", "overrules", "retract",
    "retracted", "retracting", "retraction", "withdraw", "withdrew", "withdrawn", "withdrawing",
    "reverse", "reversed", "reversal", "reverses", "u-turn", "climbdown", "backtrack",
    "backtracked", "backpedal", "backpedaled", "postpone", "postponed", "delay", "delayed",
    "cancel", "cancelled", "canceled", "cancels", "admit", "admitted", "admits", "acknowledge",
    "acknowledged", "acknowledges", "instead", "clarify", "clarified", "clarification",
    "correction", "corrected", "error", "errors", "faulty", "flawed", "misconduct", "halt",
    "halted", "suspend", "suspended", "concede", "conceded", "rescind", "rescinded", "repeal",
    "repealed", "overturn", "overturned", "contrary", "mistake", "mistakenly",
    "unintentionally", "apologise", "apologize", "apologised", "apologized", "reconsider",
    "shelved", "shelve", "ditch", "ditched", "vouch", "restated", "restate", "revoked", "revoke",
    "axed", "nixed", "reneged", "renege", "hold", "recant", "recants", "recanted", "retreat",
    "retreated", "climbed",
];
#[rustfmt::skip]
const REAFFIRM: &[&str] = &[
    "reaffirm", "reaffirmed", "reaffirms", "remain", "remained", "remains", "still", "maintain",
    "maintained", "maintains", "committed", "commitment", "intact", "upheld", "uphold",
    "consistent", "backed", "reiterate", "reiterated", "continue", "continued", "keep", "kept",
    "acknowledged", "confirmed", "stands", "stood", "again", "more",
];
/// Words that set a later statement against an earlier one.
#[rustfmt::skip]
const CONTRAST: &[&str] = &[
    "however", "but", "although", "though", "whereas", "nevertheless", "nonetheless", "earlier",
    "previously", "initially", "originally", "had", "former", "prior", "until", "days",
];
#[rustfmt::skip]
const CHANGE: &[&str] = &[
    "revise", "revised", "raised", "raise", "lowered", "lower", "cut", "cuts", "increased",
    "decreased", "upgraded", "downgraded", "updated", "higher", "actual", "new", "all",
];
#[rustfmt::skip]
const ATTRIB: &[&str] = &[
    "says", "said", "say", "claims", "according", "reports", "report", "reportedly", "told",
    "tells", "insists", "insisted", "alleges", "sources", "source", "spokesman", "spokeswoman",
    "statement", "tweeted", "wrote", "posted", "website", "twitter", "facebook", "internet",
    "story", "stories", "viral", "media", "tabloid", "outlet", "outlets", "site", "sites",
];
#[rustfmt::skip]
const EXTRA_VOCAB: &[&str] = &[
    "truth", "evidence", "proof", "real", "really", "official", "police", "satire", "joke",
    "rumors", "hoax", "update", "updated", "video", "photo", "picture", "image", "footage",
    "warning", "legit", "genuine", "authentic", "image", "shows", "shown", "watch", "here", "why",
    "how", "what", "did", "does", "is", "was", "will", "won't", "isn't", "wasn't", "didn't",
    "doesn't", "hasn't", "haven't", "aren't", "weren't", "can't", "couldn't", "wouldn't",
    "yes", "no", "not", "never", "nothing", "none", "nobody", "neither", "nor", "without",
    "killed", "dead", "dies", "died", "alive", "arrested", "found", "missing", "plan", "plans",
    "planned", "end", "ends", "ended", "stop", "stops", "stopped", "ready", "sure", "certain",
    "definitely", "probably", "completely", "totally", "entirely", "simply", "just", "only",
    "already", "first", "latest", "breaking", "exclusive", "shocking", "amazing", "incredible",
    "believe", "believes", "think", "thinks", "know", "knows", "knew", "learn", "learned",
    "turns", "turned", "emerged", "exposed", "expose", "revealed", "investigation", "probe",
    "investigate", "investigated", "checked", "check", "fact", "facts", "snopes", "debunk",
];
#[rustfmt::skip]
const ANTONYMS: &[(&str, &str)] = &[
    ("approve", "reject"), ("approved", "rejected"), ("confirm", "deny"), ("win", "lose"),
    ("won", "lost"), ("alive", "dead"), ("dead", "alive"), ("died", "alive"), ("killed", "alive"),
    ("killed", "survived"), ("rise", "fall"), ("raise", "cut"), ("increase", "decrease"),
    ("open", "close"), ("accept", "reject"), ("guilty", "innocent"), ("arrested", "released"),
    ("buy", "sell"), ("launch", "cancel"), ("abolished", "keep"), ("ban", "lift"),
    ("agree", "refuse"), ("true", "false"), ("real", "fake"), ("split", "together"),
    ("join", "leave"), ("resign", "stay"), ("found", "missing"), ("captured", "free"),
    ("captured", "fine"), ("attack", "accident"), ("murder", "suicide"), ("certain", "admitted"),
    ("no", "seek"), ("not", "admitted"), ("cheaper", "expensive"), ("sooner", "consistent"),
    ("buy", "not"), ("pregnant", "not"), ("married", "divorce"), ("stolen", "found"),
];

fn stems(words: &[&str]) -> HashSet<String> {
    words.iter().map(|w| stem(w)).collect()
}

fn lexicons() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| Lexicons {
        refute: stems(REFUTE),
        strong: stems(STRONG_REFUTE),
        hedge: stems(HEDGE),
        reverse: stems(REVERSE),
        vocab: {
            let mut v = stems(EXTRA_VOCAB);
            for list in [REFUTE, HEDGE, CONFIRM, REVERSE, REAFFIRM, CHANGE, ATTRIB, CONTRAST] {
                v.extend(stems(list));
            }
            v.extend(super::text::STOP.iter().map(|w| stem(w)));
            v
        },
        antonyms: ANTONYMS.iter().map(|(a, b)| (stem(a), stem(b))).collect(),
        cue_bits: {
            let mut m = FxHashMap::default();
            let lists = [REFUTE, HEDGE, CONFIRM, REVERSE, REAFFIRM, CHANGE, ATTRIB, CONTRAST];
            for (bit, list) in lists.iter().enumerate() {
                for w in *list {
                    *m.entry(stem(w)).or_insert(0u8) |= 1 << bit;
                }
            }
            m
        },
        phrase_starts: REFUTE_PHRASES.iter().filter_map(|p| p.first().copied()).collect(),
    })
}

/// Text kind: a body (long), a statement (whole sentences, as in a wire report or a quote) or a
/// headline (short, usually without a final full stop).
fn domain(n_words: usize, text: &str) -> &'static str {
    let ends_sentence = text.trim_end().ends_with(['.', '!', '"', '\u{201d}']);
    if n_words > 150 {
        "b"
    } else if ends_sentence && n_words >= 6 {
        "p"
    } else {
        "h"
    }
}

fn bucket(v: f32, step: f32, max: u32) -> u32 {
    ((v / step).floor().max(0.0) as u32).min(max)
}

fn years<T: Borrow<Token>>(tokens: &[T]) -> Vec<i32> {
    numbers(tokens).iter().filter(|n| n.year).map(|n| n.value as i32).collect()
}

/// Counts of cue words from each lexicon in a token slice.
#[derive(Default, Clone, Copy)]
struct Cues {
    refute: f32,
    hedge: f32,
    confirm: f32,
    reverse: f32,
    reaffirm: f32,
    change: f32,
    attrib: f32,
    contrast: f32,
    phrase: f32,
    neg: f32,
}

fn cues<T: Borrow<Token>>(tokens: &[T]) -> Cues {
    let l = lexicons();
    let mut c = Cues::default();
    for w in 0..tokens.len() {
        // Most words start no phrase: one set lookup rejects them.
        if !l.phrase_starts.contains(tokens[w].borrow().lower.as_str()) {
            continue;
        }
        for p in REFUTE_PHRASES {
            if tokens.len() - w >= p.len()
                && p.iter().zip(&tokens[w..]).all(|(a, t)| *a == t.borrow().lower)
            {
                c.phrase += 1.0;
            }
        }
    }
    for t in tokens {
        let t = t.borrow();
        let bits = l.cue_bits.get(t.stem.as_str()).copied().unwrap_or(0);
        let has = |bit: u8| f32::from((bits >> bit) & 1);
        c.refute += has(0);
        c.hedge += has(1);
        c.confirm += has(2);
        c.reverse += has(3);
        c.reaffirm += has(4);
        c.change += has(5);
        c.attrib += has(6);
        c.contrast += has(7);
        c.neg += f32::from(u8::from(is_negation(&t.lower)));
    }
    c
}

fn emit_cues(b: &mut Builder<'_>, prefix: &str, c: &Cues, norm: f32) {
    let items = [
        ("refute", c.refute),
        ("hedge", c.hedge),
        ("confirm", c.confirm),
        ("reverse", c.reverse),
        ("reaffirm", c.reaffirm),
        ("change", c.change),
        ("attrib", c.attrib),
        ("contrast", c.contrast),
        ("phrase", c.phrase),
        ("neg", c.neg),
    ];
    for (name, v) in items {
        if v > 0.0 {
            b.add(&format!("{prefix}:{name}"), 1.0);
            b.add(&format!("{prefix}:{name}:log"), (v / norm).ln_1p());
        }
    }
}

/// Evidence is a sentence; text with no sentence breaks is cut at about 1,000 bytes.
fn clip_sentence(s: &str) -> String {
    const MAX: usize = 1000;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Content stems next to the number at `i` (two tokens either side), which say what it counts.
fn number_context(tokens: &[&Token], i: usize) -> Vec<String> {
    let lo = i.saturating_sub(2);
    let hi = (i + 3).min(tokens.len());
    tokens[lo..hi]
        .iter()
        .enumerate()
        .filter(|(j, t)| lo + j != i && !t.num && is_content(t))
        .filter(|(_, t)| {
            !matches!(t.lower.as_str(), "million" | "billion" | "thousand" | "trillion")
        })
        .map(|(_, t)| t.stem.clone())
        .collect()
}

struct Sent<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    overlap: f32,
    /// [`cues`] of `tokens`.
    cues: Cues,
}

/// Extracts both feature vectors for a (claim, text) pair, hashed into `bits` bits.
pub fn extract(claim: &str, text: &str, bits: u32, lexical: bool) -> Extracted {
    extract_inner(claim, text, bits, lexical, false)
}

/// Like [`extract`], also naming each stance feature (for debugging a decision).
pub fn explain(claim: &str, text: &str, bits: u32, lexical: bool) -> Extracted {
    extract_inner(claim, text, bits, lexical, true)
}

fn extract_inner(claim: &str, text: &str, bits: u32, lexical: bool, debug: bool) -> Extracted {
    // Half the space holds word features, so a space under 16 slots makes no sense.
    let bits = bits.clamp(4, 24);
    let l = lexicons();
    let ctoks = tokenize(claim);
    let cstems: HashSet<&str> =
        ctoks.iter().filter(|t| is_content(t)).map(|t| t.stem.as_str()).collect();
    let ccaps: HashSet<&str> = ctoks
        .iter()
        .enumerate()
        .filter(|(i, t)| *i > 0 && t.cap && is_content(t))
        .map(|(_, t)| t.stem.as_str())
        .collect();
    let cbigrams: HashSet<(&str, &str)> = {
        let c: Vec<&str> =
            ctoks.iter().filter(|t| is_content(t)).map(|t| t.stem.as_str()).collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };

    let sents: Vec<Sent<'_>> = sentences(text)
        .into_iter()
        .take(400)
        .map(|s| {
            let tokens = tokenize(s);
            let hit: HashSet<&str> = tokens
                .iter()
                .filter(|t| cstems.contains(t.stem.as_str()))
                .map(|t| t.stem.as_str())
                .collect();
            let overlap = hit.len() as f32 / (cstems.len().max(1) as f32);
            let cues = cues(&tokens);
            Sent { text: s, tokens, overlap, cues }
        })
        .collect();
    let all: Vec<&Token> = sents.iter().flat_map(|s| s.tokens.iter()).collect();
    let n_words = all.len();
    let dom = domain(n_words, text);
    let tstems: HashSet<&str> = all.iter().map(|t| t.stem.as_str()).collect();
    let tcontent: Vec<&str> =
        all.iter().filter(|t| is_content(t)).map(|t| t.stem.as_str()).collect();
    let tbigrams: HashSet<(&str, &str)> = tcontent.windows(2).map(|w| (w[0], w[1])).collect();

    // Relatedness.
    let mut rb = Builder { bits, dom, out: Vec::new(), names: None };
    rb.plain("bias", 1.0);
    rb.plain(&format!("dom:{dom}"), 1.0);
    let hits = cstems.iter().filter(|s| tstems.contains(*s)).count();
    let ov = hits as f32 / cstems.len().max(1) as f32;
    rb.add("ov", ov);
    rb.add(&format!("ov_b{}", bucket(ov, 0.1, 10)), 1.0);
    rb.add("ov_hits_log", (hits as f32).ln_1p());
    rb.add(&format!("ov_hits_b{}", hits.min(8)), 1.0);
    let cap_hits = ccaps.iter().filter(|s| tstems.contains(*s)).count();
    if !ccaps.is_empty() {
        let cov = cap_hits as f32 / ccaps.len() as f32;
        rb.add("cap_ov", cov);
        rb.add(&format!("cap_ov_b{}", bucket(cov, 0.25, 4)), 1.0);
    } else {
        rb.add("cap_none", 1.0);
    }
    if !cbigrams.is_empty() {
        let bov = cbigrams.iter().filter(|b| tbigrams.contains(*b)).count() as f32
            / cbigrams.len() as f32;
        rb.add("bi_ov", bov);
        rb.add(&format!("bi_ov_b{}", bucket(bov, 0.2, 5)), 1.0);
    }
    let best = sents.iter().map(|s| s.overlap).fold(0.0f32, f32::max);
    rb.add("best_sent", best);
    rb.add(&format!("best_sent_b{}", bucket(best, 0.1, 10)), 1.0);
    let lead: f32 = sents.iter().take(2).map(|s| s.overlap).fold(0.0, f32::max);
    rb.add("lead_ov", lead);
    // How densely the text talks about the claim's words.
    let dens = all.iter().filter(|t| cstems.contains(t.stem.as_str())).count() as f32
        / (n_words.max(1) as f32).sqrt();
    rb.add("dens", dens.min(5.0));
    let cy = years(&ctoks);
    let ty: Vec<i32> = years(&all);
    if let (Some(c0), Some(t0)) = (cy.iter().min(), ty.iter().min()) {
        let gap = (t0 - c0).abs();
        let g = match gap {
            0 => "0",
            1 => "1",
            2..=3 => "2",
            _ => "4",
        };
        rb.add(&format!("ygap{g}"), 1.0);
    }
    let rel = rb.out;

    // Stance: focus on the sentences that share most words with the claim.
    let mut order: Vec<usize> = (0..sents.len()).collect();
    order.sort_by(|&a, &b| {
        sents[b]
            .overlap
            .partial_cmp(&sents[a].overlap)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let focus: Vec<usize> =
        order.iter().copied().filter(|&i| sents[i].overlap > 0.0).take(3).collect();
    let mut sb = Builder { bits, dom, out: Vec::new(), names: debug.then(Vec::new) };
    sb.plain("bias", 1.0);
    sb.plain(&format!("dom:{dom}"), 1.0);
    sb.add(&format!("ov_b{}", bucket(ov, 0.2, 5)), 1.0);
    sb.add(&format!("best_sent_b{}", bucket(best, 0.2, 5)), 1.0);
    sb.add("ov", ov);

    let nsent = (sents.len().max(1) as f32).sqrt();
    let whole: &[&Token] = &all;
    let wc = cues(whole);
    emit_cues(&mut sb, "all", &wc, nsent);
    let ftoks: Vec<&Token> = focus.iter().flat_map(|&i| sents[i].tokens.iter()).collect();
    let fc = cues(&ftoks);
    emit_cues(&mut sb, "foc", &fc, 1.0);
    let lead_toks: Vec<&Token> = sents.iter().take(2).flat_map(|s| s.tokens.iter()).collect();
    emit_cues(&mut sb, "lead", &cues(&lead_toks), 1.0);
    let cc = cues(&ctoks);
    emit_cues(&mut sb, "claim", &cc, 1.0);

    // Negation and refutation close to the claim's own words.
    let mut neg_near = 0.0f32;
    let mut refute_near = 0.0f32;
    let mut best_deny: Option<(f32, usize)> = None;
    for (si, s) in sents.iter().enumerate() {
        let mut score = 0.0f32;
        for (i, t) in s.tokens.iter().enumerate() {
            let neg = is_negation(&t.lower);
            let refute = l.refute.contains(&t.stem) || l.reverse.contains(&t.stem);
            if !neg && !refute {
                continue;
            }
            let lo = i.saturating_sub(5);
            let hi = (i + 6).min(s.tokens.len());
            let near = s.tokens[lo..hi].iter().any(|u| cstems.contains(u.stem.as_str()));
            if near {
                if neg {
                    neg_near += 1.0;
                }
                if refute {
                    refute_near += 1.0;
                }
                score += 1.0;
            }
        }
        if score > 0.0 {
            let sc = score + s.overlap;
            if best_deny.is_none_or(|(b, _)| sc > b) {
                best_deny = Some((sc, si));
            }
        }
    }
    // What a negation negates: the content words right after it. "will not expel" negates the
    // claim's own verb; "would not release photographs" negates something else.
    let mut neg_match = 0.0f32;
    let mut neg_other = 0.0f32;
    for t in 0..whole.len() {
        if !is_negation(&whole[t].lower) {
            continue;
        }
        let end = (t + 5).min(whole.len());
        let next: Vec<&Token> =
            whole[t + 1..end].iter().copied().filter(|u| is_content(u)).take(2).collect();
        if next.is_empty() {
            continue;
        }
        if next.iter().any(|u| cstems.contains(u.stem.as_str())) {
            neg_match += 1.0;
        } else {
            neg_other += 1.0;
        }
    }
    if neg_match > 0.0 {
        sb.add("negpred:match", 1.0);
    }
    if neg_other > 0.0 {
        sb.add(if neg_match > 0.0 { "negpred:both" } else { "negpred:other" }, 1.0);
    }
    if neg_near > 0.0 {
        sb.add("neg_near", 1.0);
        sb.add("neg_near:log", (neg_near / nsent).ln_1p());
    }
    if refute_near > 0.0 {
        sb.add("refute_near", 1.0);
        sb.add("refute_near:log", (refute_near / nsent).ln_1p());
    }
    let claim_neg = ctoks.iter().any(|t| is_negation(&t.lower));
    let foc_neg = ftoks.iter().any(|t| is_negation(&t.lower));
    sb.add(&format!("negpol:{}{}", u8::from(claim_neg), u8::from(foc_neg)), 1.0);
    for (a, b) in &l.antonyms {
        // Stop words such as "no" or "not" are not in `cstems`, so look at every claim token.
        let in_claim = ctoks.iter().any(|t| &t.stem == a);
        if in_claim && tstems.contains(b.as_str()) && !cstems.contains(b.as_str()) {
            sb.add("antonym", 1.0);
        }
    }
    // Polarity crosses: a claim that itself denies something, met by a text that does or does
    // not deny, flips the meaning of the text's cues.
    let claim_den = cc.refute + cc.neg + cc.phrase > 0.0;
    let foc_den = fc.refute + fc.neg + fc.reverse + fc.phrase > 0.0;
    let all_den = wc.refute + wc.phrase > 0.0;
    sb.add(&format!("pol:{}{}", u8::from(claim_den), u8::from(foc_den)), 1.0);
    sb.add(&format!("polall:{}{}", u8::from(claim_den), u8::from(all_den)), 1.0);
    let claim_hedge = cc.hedge + cc.attrib > 0.0 || claim.contains('?');
    sb.add(
        &format!("hedgepol:{}{}", u8::from(claim_hedge), u8::from(fc.hedge + fc.attrib > 0.0)),
        1.0,
    );
    // The single most refuting sentence among those about the claim.
    let mut max_ref = 0.0f32;
    for s in sents.iter().filter(|s| s.overlap >= 0.25) {
        let c = s.cues;
        max_ref = max_ref.max((c.refute + c.neg + c.phrase) * s.overlap);
    }
    if max_ref > 0.0 {
        sb.add("max_ref", max_ref.min(3.0));
    }
    let focus_denies = fc.refute + fc.neg + fc.phrase > 0.0;
    refutation_features(&mut sb, &sents, (&cstems, &ccaps, &ctoks), focus_denies, lexical);
    if text.contains('?') {
        sb.add("text_q", 1.0);
    }
    if claim.contains('?') {
        sb.add("claim_q", 1.0);
    }
    if sents.first().and_then(|s| s.tokens.first()).is_some_and(|t| is_negation(&t.lower)) {
        sb.add("starts_neg", 1.0);
    }

    // Numbers: a figure in the text that differs from the claim's figure.
    let cn: Vec<f64> =
        numbers(&ctoks).iter().filter(|n| !n.year && !n.day).map(|n| n.value).take(50).collect();
    let tn: Vec<f64> =
        numbers(whole).iter().filter(|n| !n.year && !n.day).map(|n| n.value).take(500).collect();
    let close = |a: f64, b: f64| (a - b).abs() <= 0.02 * a.abs().max(b.abs()).max(1e-9);
    if !cn.is_empty() && !tn.is_empty() {
        let t_new = tn.iter().any(|&t| !cn.iter().any(|&c| close(c, t)));
        let c_missing = cn.iter().any(|&c| !tn.iter().any(|&t| close(c, t)));
        let shared = cn.iter().any(|&c| tn.iter().any(|&t| close(c, t)));
        sb.add(&format!("num:{}{}{}", u8::from(t_new), u8::from(c_missing), u8::from(shared)), 1.0);
    }
    // The same quantity with a different figure ("level 5" then "level 7"): a revision.
    // Bounded: a text made of figures must not cost quadratic time.
    let ctx_of = |toks: &[&Token]| -> Vec<(f64, Vec<String>)> {
        numbers(toks)
            .iter()
            .filter(|n| !n.year && !n.day)
            .take(200)
            .map(|n| (n.value, number_context(toks, n.index)))
            .collect()
    };
    let cctx = ctx_of(&ctoks.iter().collect::<Vec<_>>());
    let tctx = ctx_of(whole);
    let mut ctx_conflict = false;
    let mut ctx_match = false;
    for (cv, cc) in cctx.iter().take(20) {
        for (tv, tc) in &tctx {
            if cc.iter().any(|w| tc.contains(w)) {
                if close(*cv, *tv) {
                    ctx_match = true;
                } else {
                    ctx_conflict = true;
                }
            }
        }
    }
    if ctx_conflict {
        sb.add(if ctx_match { "numctx:both" } else { "numctx:conflict" }, 1.0);
    } else if ctx_match {
        sb.add("numctx:match", 1.0);
    }
    if let (Some(c0), Some(t0)) = (cy.iter().min(), ty.iter().min()) {
        let gap = (t0 - c0).abs().min(4);
        sb.add(&format!("ygap{gap}"), 1.0);
    }
    // Text words the claim does not use: what the text adds.
    let novel = tcontent.iter().filter(|s| !cstems.contains(*s)).count() as f32;
    sb.add("novel_log", novel.ln_1p() / 5.0);

    // Which cue or function words a headline uses, word by word. Headlines only: a body's set
    // of function words fingerprints the body, which FNC-1 repeats across pairs.
    if lexical && dom == "h" {
        let mut seen = HashSet::default();
        let toks: Vec<&Token> = all.to_vec();
        for (i, t) in toks.iter().enumerate() {
            if t.num || !l.vocab.contains(&t.stem) || !seen.insert(t.stem.as_str()) {
                continue;
            }
            sb.word(&format!("w:{}", t.stem));
            if let Some(n) = toks.get(i + 1).filter(|n| l.vocab.contains(&n.stem)) {
                sb.word(&format!("w2:{}:{}", t.stem, n.stem));
            }
        }
    }

    let evidence = if sents.is_empty() {
        None
    } else {
        let ev = focus.first().copied().unwrap_or(0);
        Some(clip_sentence(sents[ev].text))
    };
    let deny_evidence = best_deny.map(|(_, i)| clip_sentence(sents[i].text));
    Extracted {
        rel,
        stance: sb.out,
        evidence,
        deny_evidence,
        stance_names: sb.names.unwrap_or_default(),
    }
}

/// Refutation aimed at the claim itself: how many sentences that are about the claim (share a
/// third, or half, of its content words) carry a refuting or negating cue; outright-false words
/// near the claim's named entities; a negation in a claim-like sentence that negates one of the
/// claim's own words; the balance of refuting against hedging cues; and, for the claim, which of
/// its cue words (a claim calling something a hoax, asking a question) meet a refuting text.
fn refutation_features(
    sb: &mut Builder<'_>,
    sents: &[Sent<'_>],
    (cstems, ccaps, ctoks): (&HashSet<&str>, &HashSet<&str>, &[Token]),
    focus_denies: bool,
    lexical: bool,
) {
    let l = lexicons();
    let (mut ref30, mut ref50, mut hed50, mut strong_near, mut ent_ref, mut negpred) =
        (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
    let (mut strong_all, mut hedge_all) = (0.0f32, 0.0f32);
    for s in sents {
        let c = s.cues;
        let strong = s.tokens.iter().filter(|t| l.strong.contains(&t.stem)).count() as f32;
        strong_all += strong;
        hedge_all += c.hedge;
        let refuting = c.refute + c.neg + c.phrase > 0.0;
        if refuting && s.overlap >= 0.3 {
            ref30 += 1.0;
        }
        if refuting && s.overlap >= 0.5 {
            ref50 += 1.0;
        }
        if c.hedge > 0.0 && s.overlap >= 0.5 {
            hed50 += 1.0;
        }
        if strong > 0.0 && s.overlap >= 0.3 {
            strong_near += 1.0;
        }
        if s.overlap < 0.2 {
            continue;
        }
        for (i, t) in s.tokens.iter().enumerate() {
            let neg = is_negation(&t.lower);
            if !neg && !l.strong.contains(&t.stem) {
                continue;
            }
            let lo = i.saturating_sub(8);
            let hi = (i + 9).min(s.tokens.len());
            if s.tokens[lo..hi].iter().any(|u| ccaps.contains(u.stem.as_str())) {
                ent_ref += 1.0;
            }
            if neg
                && s.tokens[i + 1..(i + 4).min(s.tokens.len())]
                    .iter()
                    .any(|u| is_content(u) && cstems.contains(u.stem.as_str()))
            {
                negpred += 1.0;
            }
        }
    }
    for (name, v) in [
        ("ref30", ref30),
        ("ref50", ref50),
        ("hed50", hed50),
        ("strong_near", strong_near),
        ("ent_ref", ent_ref),
        ("negpred_foc", negpred),
        ("strong_all", strong_all),
    ] {
        if v > 0.0 {
            sb.add(name, 1.0);
            sb.add(&format!("{name}:log"), v.ln_1p());
        }
    }
    let bal = match (strong_all > 0.0, hedge_all > strong_all) {
        (false, _) => "none",
        (true, true) => "hedged",
        (true, false) => "firm",
    };
    sb.add(&format!("refbal:{bal}"), 1.0);
    // The claim's own cue words against whether the text refutes: "X is a hoax" met by a
    // refuting text is support, "X happened" met by one is deny.
    let mut seen = HashSet::default();
    for t in ctoks.iter().filter(|_| lexical) {
        let cue = l.refute.contains(&t.stem) || l.hedge.contains(&t.stem) || is_negation(&t.lower);
        if cue && seen.insert(t.stem.as_str()) {
            sb.word(&format!("cx:{}:{}", t.stem, u8::from(focus_denies)));
        }
    }
}
