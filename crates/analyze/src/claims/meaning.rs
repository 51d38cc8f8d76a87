//! Reversals and denials that use no negation word: "the sanctions were merely under
//! consideration", "has shelved its plan", "dismissed the report as pure speculation".
//!
//! The lexical rules of [`super::find_changes`] need an action from the claims lexicon met by a
//! negation or a retraction. This rule compares whole statements ([`super::extract_statements`])
//! instead. A later statement by a named party that takes something back — its modality is a
//! possibility ("under consideration", "weighing"), a retreat ("shelved", "suspended",
//! "postponed") or a dismissal ("speculation", "unfounded") — is set against the earlier
//! statements of the story:
//! - a **reversal** when the same party had made it a commitment (will, plans, did);
//! - a **denial** when an unnamed source's or the narrative's report about that party said it.
//!
//! Precision first: a wrong alarm on a story page is worse than a miss. The two statements must
//! be about the same thing in meaning (sentence vectors from [`crate::semantic`] at least
//! [`TOPIC_MIN`] in cosine) and in matter (two content words in common beyond the parties'
//! names); a party that is one of the story's outlets answers nothing; two statements that quote
//! the same words are one utterance; the first report must not already carry the answer; and a
//! story gets at most one such finding per kind and side, the closest pair. The stance model is
//! not consulted: on such pairs it was no better than chance (docs/BENCHMARKS.md, issue 13).
//! Deterministic: candidates are ranked in a fixed order and ties broken by position.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::changes::{Ctx, Finding, FindingKind, norm_side, same_side};
use super::{Claim, Modality, Polarity};
use crate::semantic;
use crate::stance::text::{is_content, tokenize};

/// Least cosine between two statements' vectors for them to be about the same thing.
pub const TOPIC_MIN: f32 = 0.45;
/// Most statement pairs classified per story (the most similar first).
pub const MAX_PAIRS: usize = 300;

struct Candidate {
    cos: f32,
    a: usize,
    i: usize,
    b: usize,
    j: usize,
    kind: FindingKind,
}

fn norm(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the text names the party (its side or actor), word-bounded and case-blind.
fn mentions(text: &str, party: &str) -> bool {
    let (t, p) = (format!(" {} ", norm(text)), norm(party));
    !p.is_empty() && t.contains(&format!(" {p} "))
}

/// Quoted passages of two words or more, normalised.
fn quotes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for c in text.chars() {
        match (c, &mut cur) {
            ('"' | '\u{201c}' | '\u{201d}', Some(q)) => {
                let n = norm(q);
                if n.split(' ').count() >= 2 {
                    out.push(n);
                }
                cur = None;
            }
            ('"' | '\u{201c}', None) => cur = Some(String::new()),
            (_, Some(q)) => q.push(c),
            _ => {}
        }
    }
    out
}

/// Whether two statements quote the same words: one utterance reported twice, not two.
fn same_utterance(u1: &Claim, u2: &Claim) -> bool {
    let (t1, t2) = (format!(" {} ", norm(&u1.text)), format!(" {} ", norm(&u2.text)));
    quotes(&u1.text).iter().any(|q| t2.contains(&format!(" {q} ")))
        || quotes(&u2.text).iter().any(|q| t1.contains(&format!(" {q} ")))
}

/// All that [`answerable`], [`matter`] and [`relation`] read of a statement: two statements with
/// the same key (a syndicated copy's) relate to any other alike.
type ClaimKey<'c> =
    (&'c str, Option<&'c str>, Option<&'c str>, Option<&'c str>, bool, Modality, Polarity);

fn claim_key(c: &Claim) -> ClaimKey<'_> {
    (
        c.text.as_str(),
        c.actor.as_deref(),
        c.side.as_deref(),
        c.speaker.as_deref(),
        c.anonymous,
        c.modality,
        c.polarity,
    )
}

/// Content-word stems of a statement, less the words of its parties' names.
fn matter(c: &Claim) -> HashSet<String> {
    let names: HashSet<String> = [c.actor.as_deref(), c.side.as_deref(), c.speaker.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(|n| tokenize(n).into_iter().map(|t| t.stem))
        .collect();
    tokenize(&c.text)
        .into_iter()
        .filter(|t| is_content(t) && !t.num && !names.contains(&t.stem))
        .map(|t| t.stem)
        .collect()
}

/// A name as compared with the story's outlets: normalised, without a leading "the".
fn outlet_key(name: &str) -> String {
    let n = norm(name);
    n.strip_prefix("the ").map(str::to_string).unwrap_or(n)
}

/// The party a statement speaks for when it takes something back (a possibility, a retreat or
/// a dismissal, by a named party that is not one of the story's `outlets`, given as
/// [`outlet_key`]s): what makes it a possible answer to an earlier statement. `None` for nearly
/// every statement, so the pairwise work below runs only for the few that are.
fn answering_party<'c>(u2: &'c Claim, outlets: &HashSet<String>) -> Option<&'c str> {
    let side2 = u2.side.as_deref().or(u2.actor.as_deref())?;
    // Only a named party answers for itself: it says so, or the sentence opens with its name
    // and takes something back ("Castellan Air has shelved its plan").
    let takes_back =
        matches!(u2.modality, Modality::Considered | Modality::Retracted | Modality::Denied);
    if u2.anonymous || !takes_back {
        return None;
    }
    let actor2 = u2.actor.as_deref()?;
    if !actor2.starts_with(char::is_uppercase) {
        return None;
    }
    let is_outlet = |p: &str| outlets.contains(&outlet_key(p));
    if is_outlet(side2) || is_outlet(actor2) {
        return None;
    }
    Some(side2)
}

/// Whether an earlier statement can be taken back at all: an affirmed commitment (will, plans,
/// did).
fn answerable(u1: &Claim) -> bool {
    u1.polarity == Polarity::Affirmed
        && matches!(u1.modality, Modality::Will | Modality::Proposed | Modality::Done)
}

/// How the later statement `u2` (speaking for `side2`, see [`answering_party`]) relates to the
/// [`answerable`] earlier `u1`, given both statements' [`matter`].
fn relation(
    u1: &Claim,
    u2: &Claim,
    side2: &str,
    matter1: &HashSet<String>,
    matter2: &HashSet<String>,
) -> Option<FindingKind> {
    // Both must be about the same matter: two content words in common beyond the names.
    if matter1.intersection(matter2).take(2).count() < 2 || same_utterance(u1, u2) {
        return None;
    }
    let actor2 = u2.actor.as_deref()?;
    // A denial: the party named in an unnamed source's (or the narrative's) report dismisses it.
    if (u1.anonymous || u1.speaker.is_none())
        && u2.modality == Modality::Denied
        && mentions(&u1.text, side2)
    {
        return Some(FindingKind::Contradiction);
    }
    // A walk-back: the same party, speaking for itself both times, turns a commitment into a
    // possibility or takes it back. The same party is one actor, or each statement names the
    // other's (the company and its chief executive).
    let same_party = u1.actor.as_deref().is_some_and(|a1| {
        norm(a1) == norm(actor2) || (mentions(&u1.text, actor2) && mentions(&u2.text, a1))
    });
    if !u1.anonymous && u1.speaker.is_some() && same_party {
        return Some(FindingKind::Reversal);
    }
    None
}

/// Meaning-based findings of one story, skipping kinds and sides the lexical rules already
/// reported (`done`) and article pairs they already link (`lexical`).
///
/// Vectors, normalised texts and matter are computed on first use: a story's refresh embeds
/// only the statements a possible answer is compared with, not every sentence of every report.
pub(super) fn findings(
    ctx: &Ctx<'_>,
    latest: &[bool],
    done: &[(FindingKind, String, Option<String>)],
    lexical: &[(usize, usize)],
) -> Vec<Finding> {
    let arts = &ctx.arts;
    let n = arts.len();
    let outlets: HashSet<String> =
        arts.iter().filter_map(|a| a.outlet.as_deref()).map(outlet_key).collect();
    let answers: Vec<(usize, usize, &str)> = (0..n)
        .filter(|&b| latest[b])
        .flat_map(|b| {
            let outlets = &outlets;
            arts[b]
                .statements
                .iter()
                .enumerate()
                .filter_map(move |(j, u2)| Some((b, j, answering_party(u2, outlets)?)))
        })
        .collect();
    if answers.is_empty() {
        return Vec::new();
    }
    // Syndicated copies repeat the same statements: vectors and normalised texts are cached by
    // text, matter and the relation of two statements by their keys, so a story of many copies
    // embeds each distinct sentence once and compares each distinct pair once.
    let mut text_ids: HashMap<&str, usize> = HashMap::new();
    let mut claim_ids: HashMap<ClaimKey<'_>, usize> = HashMap::new();
    let ids: Vec<Vec<(usize, usize)>> = arts
        .iter()
        .map(|a| {
            a.statements
                .iter()
                .map(|c| {
                    let next = text_ids.len();
                    let t = *text_ids.entry(c.text.as_str()).or_insert(next);
                    let next = claim_ids.len();
                    let k = *claim_ids.entry(claim_key(c)).or_insert(next);
                    (t, k)
                })
                .collect()
        })
        .collect();
    fn cells<T>(n: usize) -> Vec<OnceCell<T>> {
        std::iter::repeat_with(OnceCell::new).take(n).collect()
    }
    let vec_cells: Vec<OnceCell<Vec<f32>>> = cells(text_ids.len());
    let norm_cells: Vec<OnceCell<String>> = cells(text_ids.len());
    let matter_cells: Vec<OnceCell<HashSet<String>>> = cells(claim_ids.len());
    let vec = |a: usize, i: usize| {
        vec_cells[ids[a][i].0].get_or_init(|| semantic::embed(&arts[a].statements[i].text))
    };
    let normed = |a: usize, i: usize| {
        norm_cells[ids[a][i].0].get_or_init(|| norm(&arts[a].statements[i].text))
    };
    let matter_of = |a: usize, i: usize| {
        matter_cells[ids[a][i].1].get_or_init(|| matter(&arts[a].statements[i]))
    };
    let mut pairs: HashMap<(usize, usize), Option<(f32, FindingKind)>> = HashMap::new();
    let mut cands = Vec::new();
    for &(b, j, side2) in &answers {
        let u2 = &arts[b].statements[j];
        for a in (0..n).filter(|&a| a != b && latest[a] && arts[a].article != arts[b].article) {
            // A walk-back needs a before and an after; a denial answers a report dated the
            // same (pages often carry only the day), whichever of the two came in first.
            let simultaneous = arts[a].time.is_some() && arts[a].time == arts[b].time;
            if a > b && !simultaneous {
                continue;
            }
            // The first report must not already carry the answer (a copy, or a later version
            // of the same report); asked only once a pair qualifies.
            let mut carries = None;
            for (i, u1) in arts[a].statements.iter().enumerate() {
                if !answerable(u1) {
                    continue;
                }
                let related = *pairs.entry((ids[a][i].1, ids[b][j].1)).or_insert_with(|| {
                    let cos = semantic::cosine(vec(a, i), vec(b, j));
                    if cos < TOPIC_MIN {
                        return None;
                    }
                    relation(u1, u2, side2, matter_of(a, i), matter_of(b, j)).map(|k| (cos, k))
                });
                let Some((cos, kind)) = related else { continue };
                if simultaneous && kind == FindingKind::Reversal {
                    continue;
                }
                let carries = *carries.get_or_insert_with(|| {
                    (0..arts[a].statements.len()).any(|k| {
                        normed(a, k) == normed(b, j) || semantic::cosine(vec(a, k), vec(b, j)) > 0.9
                    })
                });
                if carries {
                    break;
                }
                cands.push(Candidate { cos, a, i, b, j, kind });
            }
        }
    }
    cands.sort_by(|x, y| {
        y.cos.total_cmp(&x.cos).then((x.b, x.j, x.a, x.i).cmp(&(y.b, y.j, y.a, y.i)))
    });
    cands.truncate(MAX_PAIRS);
    // Earliest answer first, then the closest pair.
    let mut scored: Vec<(f32, &Candidate)> = cands.iter().map(|c| (c.cos, c)).collect();
    scored.sort_by(|x, y| {
        (x.1.b, x.1.a).cmp(&(y.1.b, y.1.a)).then(y.0.total_cmp(&x.0)).then(x.1.j.cmp(&y.1.j))
    });
    let mut out = Vec::new();
    let mut taken: Vec<(FindingKind, String)> = Vec::new();
    for (p, c) in scored {
        let (u1, u2) = (&arts[c.a].statements[c.i], &arts[c.b].statements[c.j]);
        let side = norm_side(u2.side.as_deref().or(u2.actor.as_deref()).unwrap_or_default());
        let lexical_side = done.iter().any(|(k, _, s)| {
            matches!(k, FindingKind::Reversal | FindingKind::Contradiction)
                && s.as_deref().is_some_and(|s| same_side(Some(s), Some(&side)))
        });
        if lexical_side
            || lexical.contains(&(c.a, c.b))
            || taken.iter().any(|(k, s)| *k == c.kind && same_side(Some(s), Some(&side)))
        {
            continue;
        }
        taken.push((c.kind, side));
        let who2 = u2.actor.clone().unwrap_or_default();
        let expl = match c.kind {
            FindingKind::Reversal => format!(
                "{who2} walks back what {} said earlier ({} report)",
                u1.actor.clone().unwrap_or_default(),
                arts[c.a].outlet.clone().unwrap_or_else(|| "an earlier".into()),
            ),
            _ => format!(
                "denial: {who2} disputes the report by {}",
                arts[c.a].outlet.clone().unwrap_or_else(|| "an earlier report".into()),
            ),
        };
        let conf = (0.6 + 0.3 * (p - TOPIC_MIN) / (1.0 - TOPIC_MIN)).clamp(0.6, 0.9);
        out.push(ctx.finding(c.kind, c.a, u1, c.b, u2, conf, expl));
    }
    out
}
