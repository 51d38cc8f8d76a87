//! Claims (who did, will do or proposes what, to whom, how many) and change detection inside a
//! story: reversals, contradictions, overstatements and corrections (issue 6).
//!
//! [`extract_claims`] reads one article body together with its quotes-stage analysis
//! ([`crate::quotes::TextAnalysis`]): every statement (direct, mixed or reported speech) and
//! every narrative sentence outside the statements is scanned for predicates from a small
//! lexicon of lemma groups ("expel", "expulsion", "declare persona non grata" → `expel`), and
//! each hit becomes a [`Claim`] with the modality and polarity read from cue words before it
//! ("proposed", "will not", "no plans to", "had … expelled"), an actor (the nearest subject
//! before it, a passive "by X" after it, or the speaker for "we"/"I" and subject-less
//! statements), its political *side* (an entity's affiliation, a country for its demonym,
//! capital or seat of government) and a quantity ([`parse_quantity`]).
//!
//! [`find_changes`] compares the claims of the articles of one story ([`ArticleClaims`]) and is
//! tuned for precision: a wrong alarm is worse than a miss. Rules, no model; pure and
//! deterministic; offsets are code points in the body.

#![warn(missing_docs)]

mod changes;
mod lexicon;
mod meaning;
mod quantity;
mod report;

use serde::{Deserialize, Serialize};

use crate::entities::{Entity, EntityKind};
use crate::quotes::{QuoteKind, TextAnalysis};
use crate::text::slice;

pub use changes::{ArticleClaims, Finding, FindingKind, find_changes};
pub use meaning::TOPIC_MIN;
pub use quantity::{Quantity, parse_quantity};
pub use report::{
    FactQuote, MAX_TIMELINE, StoryChanges, StoryVersion, VersionFacts, story_changes, version_facts,
};

/// Whether the claim is asserted or negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// "expelled", "will expel".
    Affirmed,
    /// "will not expel", "no plans to cut jobs".
    Negated,
}

/// How far the action has gone, as the text presents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Happened ("expelled", "has resigned", "expels").
    Done,
    /// Announced for the future ("will expel", "to cut").
    Will,
    /// Proposed, suggested, sought or planned.
    Proposed,
    /// Considered or possible ("may", "could", "weighs").
    Considered,
    /// Demanded or urged by someone.
    Demanded,
    /// Denied ("denied", "rejected", "the report is false").
    Denied,
    /// Retracted or recanted.
    Retracted,
}

/// One claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The actor as written in the document's entity list (canonical name), if found.
    pub actor: Option<String>,
    /// The actor's side: its affiliation or country ("Russia" for Lavrov, Putin, the Kremlin).
    pub side: Option<String>,
    /// Normalised predicate ("expel", "cut jobs", "resign", "casualties").
    pub action: String,
    /// The word or phrase that named the action.
    pub trigger: String,
    /// What the action applies to, as written (the words after the trigger), if any.
    pub object: Option<String>,
    /// Number and unit.
    pub quantity: Option<Quantity>,
    /// Affirmed or negated.
    pub polarity: Polarity,
    /// Done, will, proposed, …
    pub modality: Modality,
    /// A time expression in the sentence ("on Friday"), if any.
    pub time: Option<String>,
    /// Speaker of the statement the claim is in (canonical entity name when resolved).
    pub speaker: Option<String>,
    /// The speaker's side.
    pub speaker_side: Option<String>,
    /// The speaker is unnamed ("officials", "people familiar with the plans").
    pub anonymous: bool,
    /// The outlet or channel the statement came through.
    pub via: Option<String>,
    /// From the article's own narrative, not from a statement.
    pub narrative: bool,
    /// Inside a verbatim quotation (direct or mixed), not the reporter's paraphrase.
    pub quoted: bool,
    /// First code point of the sentence (or statement part) the claim is in.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// That text.
    pub text: String,
}

/// A word token with code-point offsets.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub(crate) s: String,
    pub(crate) low: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// A paragraph break precedes it.
    pub(crate) para: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits text into word and punctuation tokens; internal `.,'’-` stay inside words ("U.S",
/// "2,000", "Russia’s", "thirty-five"); a currency sign sticks to the number after it.
pub(crate) fn tokenize(chars: &[char]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut para = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            if c == '\n' {
                para = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        let currency = matches!(c, '$' | '€' | '£' | '¥' | '₽')
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if is_word_char(c) || currency {
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                // Inner punctuation joins a word ("U.S", "1,200", "co-op"); a comma only
                // between digits.
                let joins = matches!(d, '.' | ',' | '\'' | '’' | '-')
                    && chars.get(i + 1).is_some_and(|n| is_word_char(*n))
                    && (d != ',' || chars[i - 1].is_ascii_digit());
                if is_word_char(d) || joins {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            i += 1;
        }
        let s: String = chars[start..i].iter().collect();
        let low = s.to_lowercase();
        out.push(Tok { s, low, start, end: i, para });
        para = false;
    }
    out
}

/// Sentence token ranges.
fn sentences(toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for i in 0..toks.len() {
        if i > s && toks[i].para {
            out.push((s, i));
            s = i;
        }
        let t = &toks[i];
        if matches!(t.s.as_str(), "." | "!" | "?") {
            let prev = i.checked_sub(1).map(|p| toks[p].s.as_str()).unwrap_or("");
            let abbrev = prev.contains('.') && prev.len() <= 5
                || (prev.len() == 1 && prev.chars().all(char::is_uppercase))
                || matches!(
                    prev,
                    "Mr" | "Mrs"
                        | "Ms"
                        | "Dr"
                        | "St"
                        | "Gen"
                        | "Jan"
                        | "Feb"
                        | "Dec"
                        | "Nov"
                        | "Oct"
                        | "Sept"
                        | "Aug"
                );
            let next_lower =
                toks.get(i + 1).is_some_and(|n| n.s.chars().next().is_some_and(char::is_lowercase));
            if !abbrev && !next_lower || toks.get(i + 1).is_some_and(|n| n.para) {
                // Keep a closing quotation mark with its sentence.
                let mut e = i + 1;
                while toks
                    .get(e)
                    .is_some_and(|n| matches!(n.s.as_str(), "”" | "\"" | "’" | ")") && !n.para)
                {
                    e += 1;
                }
                out.push((s, e));
                s = e;
            }
        }
    }
    if s < toks.len() {
        out.push((s, toks.len()));
    }
    out.into_iter().filter(|(a, b)| a < b).collect()
}

/// A paragraph that is a correction or clarification notice ("Correction: An earlier version
/// of this article …"), if the body has one: its text.
pub fn correction_notice(body: &str) -> Option<String> {
    body.split('\n').map(str::trim).find(|p| is_correction_paragraph(p)).map(str::to_string)
}

fn is_correction_paragraph(p: &str) -> bool {
    let low = p.to_lowercase();
    ["correction:", "corrections:", "clarification:", "correction –", "correction —"]
        .iter()
        .any(|c| low.starts_with(c))
        || (low.starts_with("editor’s note") || low.starts_with("editor's note"))
            && (low.contains("earlier version") || low.contains("corrected"))
        || low.starts_with("an earlier version of this")
}

/// The side (country or affiliation) a name stands for, if the name itself says so.
pub(crate) fn side_of_word(w: &str) -> Option<String> {
    let low = w.to_lowercase();
    let low = low.trim_end_matches("’s").trim_end_matches("'s");
    if let Some(c) = lexicon::metonym(low) {
        return Some(c.to_string());
    }
    if w == "US" || w == "U.S" || w == "U.S." {
        return Some("United States".to_string());
    }
    if low == "us" {
        return None;
    }
    crate::gazetteer::nationality(low).map(str::to_string)
}

/// The side of an entity: its affiliation, else a country its name contains.
fn entity_side(e: &Entity) -> Option<String> {
    if let Some(a) = &e.affiliation {
        return side_of_word(a).or_else(|| Some(a.clone()));
    }
    for w in e.name.split([' ', '-']) {
        if let Some(s) = side_of_word(w) {
            return Some(s);
        }
    }
    if e.kind == crate::entities::EntityKind::Person {
        return None;
    }
    Some(e.name.clone())
}

/// Sourcing phrases that make a sentence's statement anonymous.
const ANON_SOURCING: &[&str] = &[
    "familiar with",
    "condition of anonymity",
    "sources said",
    "sources say",
    "people close to",
    "declined to be named",
    "not authorised to speak",
    "not authorized to speak",
];

/// Anonymous or collective speakers.
fn anonymous_speaker(s: &str) -> bool {
    let low = s.to_lowercase();
    let first = low.split_whitespace().next().unwrap_or("");
    [
        "officials",
        "sources",
        "people",
        "person",
        "two",
        "three",
        "several",
        "a",
        "an",
        "one",
        "some",
        "insiders",
        "report",
        "reports",
    ]
    .contains(&first)
        || low.contains("familiar with")
        || low.contains("anonymity")
        || low.contains("official")
}

/// A person mention followed by a speech verb in the sentence ("Lavrov said").
fn person_saying<'a>(
    toks: &[Tok],
    (s, e): (usize, usize),
    ent_at: &[(usize, usize, usize)],
    entities: &'a [Entity],
) -> Option<&'a Entity> {
    (s..e.saturating_sub(1)).find_map(|j| {
        let t = &toks[j];
        let &(_, _, ei) = ent_at.iter().find(|(a, b, _)| t.start >= *a && t.end <= *b)?;
        let en = entities.get(ei)?;
        (en.kind == EntityKind::Person
            && matches!(
                toks[j + 1].low.as_str(),
                "said" | "says" | "told" | "added" | "declared" | "stated"
            ))
        .then_some(en)
    })
}

/// A segment of text to read claims from.
struct Segment {
    toks: (usize, usize),
    /// Start of the reporting frame (the sentence start for reported speech).
    frame: usize,
    narrative: bool,
    speaker: Option<String>,
    speaker_side: Option<String>,
    anonymous: bool,
    via: Option<String>,
    quoted: bool,
    cue: Option<String>,
}

/// An article body split into tokens, sentences and statement segments, shared by
/// [`extract_claims`] and [`extract_statements`].
struct Segmented {
    chars: Vec<char>,
    toks: Vec<Tok>,
    /// Entity mention spans (code points) with the entity's index, sorted.
    ent_at: Vec<(usize, usize, usize)>,
    /// Each sentence's token range and its segments, in text order.
    sentences: Vec<((usize, usize), Vec<Segment>)>,
}

fn segment(body: &str, analysis: &TextAnalysis) -> Segmented {
    let chars: Vec<char> = body.chars().collect();
    let toks = tokenize(&chars);
    // Entity per character, for actor lookup.
    let mut ent_at: Vec<(usize, usize, usize)> = Vec::new();
    for (i, e) in analysis.entities.iter().enumerate() {
        for m in &e.mentions {
            ent_at.push((m.start, m.end, i));
        }
    }
    ent_at.sort();
    let quote_of = |t: &Tok| {
        analysis.quotes.iter().position(|q| t.start >= q.start && t.end <= q.end && q.start < q.end)
    };
    let mut out = Vec::new();
    for (s, e) in sentences(&toks) {
        // Skip correction notices.
        let para_start = (0..=s).rev().find(|&i| toks[i].para || i == 0).unwrap_or(0);
        let para_text: String = chars[toks[para_start].start..].iter().take(60).collect();
        if is_correction_paragraph(&para_text) {
            continue;
        }
        let mut segments = Vec::new();
        let mut i = s;
        while i < e {
            let q = quote_of(&toks[i]);
            let mut j = i + 1;
            while j < e && quote_of(&toks[j]) == q {
                j += 1;
            }
            let seg = match q {
                None => Segment {
                    toks: (i, j),
                    frame: i,
                    narrative: true,
                    speaker: None,
                    speaker_side: None,
                    anonymous: false,
                    via: None,
                    quoted: false,
                    cue: None,
                },
                Some(qi) => {
                    let quote = &analysis.quotes[qi];
                    let mut ent = quote
                        .speaker_entity
                        .as_ref()
                        .and_then(|id| analysis.entities.iter().find(|e| &e.id == id));
                    let mut via = quote.via.clone();
                    // "X said …, according to TASS" / "X said …, TASS reported": the person is
                    // the speaker, the agency the relay.
                    if ent.is_some_and(|e| e.kind != EntityKind::Person)
                        && let Some(p) = person_saying(&toks, (s, e), &ent_at, &analysis.entities)
                    {
                        via = via.or_else(|| ent.map(|x| x.name.clone()));
                        ent = Some(p);
                    }
                    let speaker = ent.map(|e| e.name.clone()).or_else(|| quote.speaker.clone());
                    let speaker_side = ent.and_then(entity_side).or_else(|| {
                        quote
                            .speaker
                            .as_deref()
                            .and_then(|s| s.split_whitespace().find_map(side_of_word))
                    });
                    let sentence: String =
                        slice(&chars, toks[s].start, toks[e - 1].end).to_lowercase();
                    let anonymous = (ent.is_none()
                        && quote.speaker.as_deref().is_none_or(anonymous_speaker))
                        || ANON_SOURCING.iter().any(|p| sentence.contains(p));
                    let quoted = quote.kind != QuoteKind::Indirect;
                    Segment {
                        toks: (i, j),
                        frame: if quoted { i } else { s },
                        narrative: false,
                        speaker,
                        speaker_side,
                        anonymous,
                        via,
                        quoted,
                        cue: quote.cue.clone(),
                    }
                }
            };
            segments.push(seg);
            i = j;
        }
        out.push(((s, e), segments));
    }
    Segmented { chars, toks, ent_at, sentences: out }
}

/// Claims of one article body, from its quotes-stage analysis (run on the same `body`):
/// statements give their speaker and relay; sentences outside statements are the narrative.
/// Correction notices are skipped (see [`correction_notice`]). Claims come in text order.
pub fn extract_claims(body: &str, analysis: &TextAnalysis) -> Vec<Claim> {
    claims_of(&segment(body, analysis), analysis)
}

/// [`extract_claims`] and [`extract_statements`] of one body from a single segmentation (what
/// a story's refresh needs for each of its reports).
pub fn extract_claims_and_statements(
    body: &str,
    analysis: &TextAnalysis,
) -> (Vec<Claim>, Vec<Claim>) {
    let seg = segment(body, analysis);
    (claims_of(&seg, analysis), statements_of(&seg, analysis))
}

fn claims_of(seg: &Segmented, analysis: &TextAnalysis) -> Vec<Claim> {
    let Segmented { chars, toks, ent_at, sentences } = seg;
    let segments: Vec<&Segment> = sentences.iter().flat_map(|(_, segs)| segs).collect();
    let mut out = Vec::new();
    for seg in segments {
        lexicon::claims_in(
            chars,
            toks,
            seg.toks,
            seg.frame,
            ent_at,
            &analysis.entities,
            &mut |mut c: Claim| {
                c.narrative = seg.narrative;
                c.speaker = seg.speaker.clone();
                c.speaker_side = seg.speaker_side.clone();
                c.anonymous = seg.anonymous;
                c.via = seg.via.clone();
                c.quoted = seg.quoted;
                if let Some(m) = seg.cue.as_deref().and_then(lexicon::cue_modality)
                    && matches!(c.modality, Modality::Done | Modality::Will)
                    && c.polarity == Polarity::Affirmed
                {
                    c.modality = m;
                    if m == Modality::Denied {
                        c.polarity = Polarity::Negated;
                    }
                }
                if c.action == "casualties" {
                    // Deaths have no agent to compare.
                    c.actor = None;
                    c.side = None;
                    out.push(c);
                    return;
                }
                if (!seg.narrative && c.actor.is_none()) || c.side.as_deref() == Some("@speaker") {
                    c.actor = seg.speaker.clone();
                    c.side = seg.speaker_side.clone();
                }
                out.push(c);
            },
        );
    }
    out
}

/// Statements of one article body, for the meaning-based rules of [`find_changes`]: one per
/// sentence that reports what a source said (named or not), or that opens with a named person
/// or organisation ("Castellan Air has shelved its plan …"). Each is a [`Claim`] with action
/// `"statement"` covering the whole sentence: the speaker fields come from the sentence's first
/// attributed segment; `actor` and `side` name who the sentence is about (the speaker, else the
/// opening entity); polarity and modality are read from the sentence's own cue words.
pub fn extract_statements(body: &str, analysis: &TextAnalysis) -> Vec<Claim> {
    statements_of(&segment(body, analysis), analysis)
}

fn statements_of(seg: &Segmented, analysis: &TextAnalysis) -> Vec<Claim> {
    let Segmented { chars, toks, ent_at, sentences } = seg;
    let mut out = Vec::new();
    for ((s, e), segs) in sentences {
        let (s, e) = (*s, *e);
        if e - s < 5 {
            continue;
        }
        let said = segs.iter().find(|g| !g.narrative);
        // The entity the sentence opens with, after a dateline ("VESSEN, Jan 10 (Wire East) —").
        let dash = (s..(s + 12).min(e)).find(|&i| matches!(toks[i].s.as_str(), "—" | "–" | "-"));
        let from = dash.map_or(s, |d| d + 1);
        let opening = (from..(from + 4).min(e)).find_map(|i| {
            let t = &toks[i];
            let &(_, _, ei) = ent_at.iter().find(|(a, b, _)| t.start >= *a && t.end <= *b)?;
            let en = analysis.entities.get(ei)?;
            (en.kind != EntityKind::Place).then_some(en)
        });
        let (actor, side, anonymous) = match said {
            Some(g) if g.speaker.is_some() || g.anonymous => {
                (g.speaker.clone(), g.speaker_side.clone(), g.anonymous)
            }
            _ => match opening {
                Some(en) => (Some(en.name.clone()), entity_side(en), false),
                None => continue,
            },
        };
        let words: Vec<&str> = toks[s..e].iter().map(|t| t.low.as_str()).collect();
        let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
        let polarity = if words.iter().any(|w| lexicon::is_negation(w)) {
            Polarity::Negated
        } else {
            Polarity::Affirmed
        };
        let modality = if let Some(m) = lexicon::retreat_or_dismissal(&words) {
            m
        } else if has(&["proposed", "proposes", "propose", "suggested", "plans", "plan"]) {
            Modality::Proposed
        } else if has(&["considering", "consideration", "considered", "weighs", "weighing"]) {
            Modality::Considered
        } else if has(&["will", "would", "shall", "’ll", "'ll"]) {
            Modality::Will
        } else {
            Modality::Done
        };
        let (start, end) = (toks[s].start, toks[e - 1].end);
        out.push(Claim {
            actor,
            side,
            action: "statement".to_string(),
            trigger: said.and_then(|g| g.cue.clone()).unwrap_or_default(),
            object: None,
            quantity: None,
            polarity,
            modality,
            time: None,
            speaker: said.and_then(|g| g.speaker.clone()),
            speaker_side: said.and_then(|g| g.speaker_side.clone()),
            anonymous,
            via: said.and_then(|g| g.via.clone()),
            narrative: said.is_none(),
            quoted: said.is_some_and(|g| g.quoted),
            start,
            end,
            text: slice(chars, start, end),
        });
    }
    out
}
