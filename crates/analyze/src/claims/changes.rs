//! Change detection inside one story: reversal, contradiction (including revised figures and
//! denials), overstatement and correction. Precision first: every rule needs the same action,
//! compatible sides, and a clear opposition; each finding is reported once per action and side.
//!
//! - **Reversal**: a named speaker's statement committing its side (proposed, will, done) and a
//!   later statement by a speaker of the same side (matched across articles by surname: Lavrov
//!   and Putin are both "Russia") negating or retracting it. The first report is the earliest
//!   one that does not already carry the reversal; the speaker's own words are preferred.
//! - **Contradiction**: an affirmed claim denied later by a named speaker or a "denied" cue,
//!   when the first came from the narrative or anonymous sources (otherwise it is a reversal);
//!   or incompatible figures for the same action and side. Totals agree with their parts
//!   (31 + 4 = 35), "about" allows 10%, a round figure 5%; figures without an actor are compared
//!   only when the later report says the figure changed ("risen to 27": a revised figure).
//! - **Overstatement**: inside one article, the reporter's wording (narrative or paraphrase)
//!   says done what a verbatim quote of the same side only proposes, considers or demands.
//! - **Correction**: a later version of the same article changes a claim's figure or polarity.
//!
//! Only the latest version of an article takes part in the cross-article rules.

#![warn(missing_docs)]

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Claim, Modality, Polarity, Quantity};

/// The claims of one article version.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleClaims {
    /// The article's id or key (the canonical URL); versions of one page share it.
    pub article: String,
    /// The outlet's name.
    pub outlet: Option<String>,
    /// Publication (or, for a later version, modification) time.
    pub time: Option<DateTime<Utc>>,
    /// Version number of the page (1 for the first ingest).
    pub version: i64,
    /// Claims from [`super::extract_claims`].
    pub claims: Vec<Claim>,
    /// Sentence-level statements from [`super::extract_statements`], for the meaning-based
    /// rules (walk-backs and denials that use no negation word).
    pub statements: Vec<Claim>,
    /// A correction notice in the body ([`super::correction_notice`]).
    pub correction_notice: Option<String>,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// The same actor or its side later says the opposite or backs down.
    Reversal,
    /// Outlets or speakers disagree: opposite polarity (a denial) or incompatible numbers
    /// (including a revised figure).
    Contradiction,
    /// A report's narrative states as done what its own quoted source only proposed.
    Overstatement,
    /// The same outlet's later version changes a claim, or carries a correction notice.
    Correction,
}

/// One detected change.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Kind of change.
    pub kind: FindingKind,
    /// The earlier (or quoted) claim and its article key.
    pub first: (String, Claim),
    /// The later (or narrative) claim and its article key.
    pub second: (String, Claim),
    /// The article versions the two claims are in.
    pub versions: (i64, i64),
    /// Outlets of the two articles (one when the same).
    pub outlets: Vec<String>,
    /// Times of the two articles, RFC 3339.
    pub times: Vec<Option<String>>,
    /// Confidence in 0..1.
    pub confidence: f32,
    /// One sentence saying what changed.
    pub explanation: String,
}

pub(super) fn norm_side(s: &str) -> String {
    s.to_lowercase()
}

/// Same side: equal, or one name's words start the other's ("Norvale" / "Norvale Motors").
pub(super) fn same_side(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (norm_side(a), norm_side(b));
            a == b || {
                let (x, y) = if a.len() < b.len() { (&a, &b) } else { (&b, &a) };
                y.starts_with(x.as_str()) && y[x.len()..].starts_with(' ')
            }
        }
        _ => false,
    }
}

const PEOPLE: &[&str] = &[
    "diplomat",
    "staff",
    "people",
    "person",
    "employee",
    "worker",
    "official",
    "dead",
    "body",
    "victim",
    "passenger",
    "member",
    "national",
    "russian",
    "american",
    "citizen",
];

/// Whether two quantities count the same kind of thing.
fn comparable(a: &Quantity, b: &Quantity) -> bool {
    match (&a.unit, &b.unit) {
        (Some(x), Some(y)) => {
            x == y || PEOPLE.contains(&x.as_str()) && PEOPLE.contains(&y.as_str())
        }
        _ => true,
    }
}

fn eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Whether two quantities agree: equal values, or one is a part or the total of the other's
/// parts ("31 + 4" agrees with 35).
fn consistent(a: &Quantity, b: &Quantity) -> bool {
    let approx = |q: &Quantity| {
        let t = q.text.to_lowercase();
        ["about ", "around ", "nearly ", "almost ", "roughly ", "approximately ", "some "]
            .iter()
            .any(|w| t.starts_with(w))
    };
    // "about 2,000" agrees with 1,900 to 2,100.
    if (approx(a) || approx(b))
        && (a.value - b.value).abs() <= 0.1 * a.value.abs().max(b.value.abs())
    {
        return true;
    }
    // A round figure (2,000) agrees with a precise one within 5% (2,050): rounding.
    let round = |v: f64| {
        v >= 100.0 && {
            let p = 10f64.powi(v.log10().floor() as i32 - 1);
            (v / p).fract() == 0.0 && ((v / p) as i64) % 5 == 0
        }
    };
    if (round(a.value) || round(b.value))
        && (a.value - b.value).abs() <= 0.05 * a.value.abs().max(b.value.abs())
    {
        return true;
    }
    eq(a.value, b.value)
        || a.parts.iter().any(|p| eq(*p, b.value))
        || b.parts.iter().any(|p| eq(*p, a.value))
}

fn quantities_agree(a: &Option<Quantity>, b: &Option<Quantity>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => !comparable(a, b) || consistent(a, b),
        _ => true,
    }
}

fn fmt_q(q: &Option<Quantity>) -> String {
    q.as_ref().map(|q| q.text.clone()).unwrap_or_default()
}

pub(super) struct Ctx<'a> {
    pub(super) arts: Vec<&'a ArticleClaims>,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)] // One finding names both claims, both articles and why.
    pub(super) fn finding(
        &self,
        kind: FindingKind,
        a: usize,
        c1: &Claim,
        b: usize,
        c2: &Claim,
        confidence: f32,
        explanation: String,
    ) -> Finding {
        let (x, y) = (self.arts[a], self.arts[b]);
        let mut outlets: Vec<String> =
            [&x.outlet, &y.outlet].iter().filter_map(|o| (*o).clone()).collect();
        outlets.dedup();
        Finding {
            kind,
            first: (x.article.clone(), c1.clone()),
            second: (y.article.clone(), c2.clone()),
            versions: (x.version, y.version),
            outlets,
            times: vec![x.time.map(|t| t.to_rfc3339()), y.time.map(|t| t.to_rfc3339())],
            confidence,
            explanation,
        }
    }
}

fn is_reversing(c: &Claim) -> bool {
    c.polarity == Polarity::Negated || c.modality == Modality::Retracted
}

fn names_speaker(c: &Claim) -> bool {
    !c.narrative && !c.anonymous && c.speaker_side.is_some()
}

/// A statement that announces or proposes an action by the speaker's side.
fn committing(c: &Claim) -> bool {
    names_speaker(c)
        && c.polarity == Polarity::Affirmed
        && matches!(
            c.modality,
            Modality::Proposed
                | Modality::Considered
                | Modality::Will
                | Modality::Done
                | Modality::Demanded
        )
        && same_side(c.side.as_deref(), c.speaker_side.as_deref())
}

/// Findings for one story's article versions, in a deterministic order (by kind, then the
/// articles' order in time). Articles are ordered by time (unknown times last, input order
/// breaking ties); for cross-article rules only the latest version of each article is used.
pub fn find_changes(story: &[ArticleClaims]) -> Vec<Finding> {
    let filled = fill_sides(story);
    let story = &filled[..];
    let mut order: Vec<usize> = (0..story.len()).collect();
    order.sort_by_key(|&i| (story[i].time.is_none(), story[i].time, i));
    let arts: Vec<&ArticleClaims> = order.iter().map(|&i| &story[i]).collect();
    let ctx = Ctx { arts };
    let n = ctx.arts.len();
    let mut newest: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for a in &ctx.arts {
        let v = newest.entry(a.article.as_str()).or_insert(a.version);
        *v = (*v).max(a.version);
    }
    let latest: Vec<bool> =
        ctx.arts.iter().map(|a| newest[a.article.as_str()] <= a.version).collect();
    let mut out = Vec::new();
    let mut groups_done: Vec<(FindingKind, String, Option<String>)> = Vec::new();

    // Reversal: a named speaker's side commits, a later statement by the same side backs down.
    for a in (0..n).filter(|&a| latest[a]) {
        for c1 in ctx.arts[a].claims.iter().filter(|c| committing(c)) {
            let key =
                (FindingKind::Reversal, c1.action.clone(), c1.side.clone().map(|s| norm_side(&s)));
            if groups_done.contains(&key) {
                continue;
            }
            let reverses = |c: &Claim| {
                names_speaker(c)
                    && c.action == c1.action
                    && is_reversing(c)
                    && same_side(c.side.as_deref(), c1.side.as_deref())
                    && same_side(c.speaker_side.as_deref(), c1.speaker_side.as_deref())
            };
            // The first report must not already know of the reversal.
            if ctx.arts[a].claims.iter().any(reverses) {
                continue;
            }
            if let Some((b, c2)) = (a + 1..n)
                .filter(|&b| latest[b] && ctx.arts[b].article != ctx.arts[a].article)
                .find_map(|b| {
                    // Prefer the speaker's own words.
                    let cs = &ctx.arts[b].claims;
                    cs.iter()
                        .find(|c| c.quoted && reverses(c))
                        .or_else(|| cs.iter().find(|c| reverses(c)))
                        .map(|c| (b, c))
                })
            {
                groups_done.push(key);
                let expl = format!(
                    "{} ({}) {} after {} ({}) {}",
                    c2.speaker.clone().unwrap_or_default(),
                    c2.side.clone().unwrap_or_default(),
                    if c2.modality == Modality::Retracted { "retracts" } else { "rules out" },
                    c1.speaker.clone().unwrap_or_default(),
                    c1.side.clone().unwrap_or_default(),
                    format!("{:?}", c1.modality).to_lowercase() + " to " + &c1.action,
                );
                out.push(ctx.finding(FindingKind::Reversal, a, c1, b, c2, 0.8, expl));
            }
        }
    }

    // Contradiction.
    let mut contra = Vec::new();
    for a in (0..n).filter(|&a| latest[a]) {
        for c1 in ctx.arts[a].claims.iter().filter(|c| c.polarity == Polarity::Affirmed) {
            let side_key = c1.side.clone().map(|s| norm_side(&s));
            let key = (FindingKind::Contradiction, c1.action.clone(), side_key);
            if groups_done.contains(&key)
                || out_has(&groups_done, FindingKind::Reversal, &c1.action, &c1.side)
            {
                continue;
            }
            let sides_ok = |c: &Claim| {
                same_side(c.side.as_deref(), c1.side.as_deref())
                    || (c.side.is_none()
                        && c1.side.is_none()
                        && c.quantity.is_some()
                        && c1.quantity.is_some())
            };
            // A denial: a named statement negating what c1 asserts, from another speaker.
            let denies = |c: &Claim| {
                c.action == c1.action
                    && sides_ok(c)
                    && c.polarity == Polarity::Negated
                    && (names_speaker(c) || c.modality == Modality::Denied)
                    && (c1.narrative
                        || c1.anonymous
                        || !same_side(c1.speaker_side.as_deref(), c.speaker_side.as_deref()))
            };
            // Incompatible numbers for the same affirmed action.
            let differs = |c: &Claim| {
                c.action == c1.action
                    && sides_ok(c)
                    && c.polarity == Polarity::Affirmed
                    && matches!(c.modality, Modality::Done | Modality::Will)
                    && matches!(c1.modality, Modality::Done | Modality::Will)
                    && c.quantity.is_some()
                    && c1.quantity.is_some()
                    && !quantities_agree(&c.quantity, &c1.quantity)
                    // Without an actor to tie the two claims together, only a figure the
                    // later report says has changed ("risen to 27") is compared.
                    && (c.side.is_some() || revision_cue(&c.text))
            };
            if ctx.arts[a].claims.iter().any(denies) {
                continue;
            }
            let found = (a + 1..n)
                .filter(|&b| latest[b] && ctx.arts[b].article != ctx.arts[a].article)
                .find_map(|b| {
                    // A denial in the speaker's own words is the clearest evidence.
                    let cs = &ctx.arts[b].claims;
                    cs.iter()
                        .find(|c| c.quoted && denies(c))
                        .or_else(|| cs.iter().find(|c| denies(c) || differs(c)))
                        .map(|c| (b, c))
                });
            if let Some((b, c2)) = found {
                groups_done.push(key);
                let (conf, expl) = if c2.polarity == Polarity::Negated {
                    (
                        0.75,
                        format!(
                            "denial: {} says no to {} ({}), reported by {}",
                            c2.speaker.clone().unwrap_or_else(|| "a later report".into()),
                            c1.action,
                            fmt_q(&c1.quantity),
                            ctx.arts[a].outlet.clone().unwrap_or_default()
                        ),
                    )
                } else {
                    let (q1, q2) = (
                        c1.quantity.as_ref().map(|q| q.value).unwrap_or(0.0),
                        c2.quantity.as_ref().map(|q| q.value).unwrap_or(0.0),
                    );
                    let lower_bound = fmt_q(&c1.quantity).to_lowercase().starts_with("at least")
                        || fmt_q(&c1.quantity).to_lowercase().starts_with("more than");
                    if revision_cue(&c2.text) || q2 > q1 && lower_bound {
                        (
                            0.7,
                            format!(
                                "revised figure: {} → {} ({})",
                                fmt_q(&c1.quantity),
                                fmt_q(&c2.quantity),
                                c1.action
                            ),
                        )
                    } else {
                        (
                            0.6,
                            format!(
                                "incompatible figures: {} vs {} ({})",
                                fmt_q(&c1.quantity),
                                fmt_q(&c2.quantity),
                                c1.action
                            ),
                        )
                    }
                };
                contra.push(ctx.finding(FindingKind::Contradiction, a, c1, b, c2, conf, expl));
            }
        }
    }
    out.extend(contra);

    // Reversals and denials read from meaning: the stance model on pairs of statements.
    let lexical: Vec<(usize, usize)> = out
        .iter()
        .filter_map(|f| {
            let a = ctx.arts.iter().position(|x| x.article == f.first.0)?;
            let b = ctx.arts.iter().position(|x| x.article == f.second.0)?;
            Some((a, b))
        })
        .collect();
    out.extend(super::meaning::findings(&ctx, &latest, &groups_done, &lexical));

    // Overstatement: the narrative says done what the article's own statement only proposes.
    for a in (0..n).filter(|&a| latest[a]) {
        let claims = &ctx.arts[a].claims;
        let mut seen: Vec<(String, Option<String>)> = Vec::new();
        // The report's own wording: narrative or reported (paraphrased) speech.
        for nc in claims.iter().filter(|c| {
            !c.quoted
                && c.modality == Modality::Done
                && c.polarity == Polarity::Affirmed
                && c.side.is_some()
        }) {
            let k = (nc.action.clone(), nc.side.clone());
            if seen.contains(&k) {
                continue;
            }
            let same = |c: &Claim| {
                c.quoted
                    && c.action == nc.action
                    && same_side(c.side.as_deref(), nc.side.as_deref())
            };
            if claims.iter().any(|c| {
                same(c) && c.modality == Modality::Done && c.polarity == Polarity::Affirmed
            }) {
                continue;
            }
            if let Some(st) = claims.iter().find(|c| {
                same(c)
                    && c.polarity == Polarity::Affirmed
                    && matches!(
                        c.modality,
                        Modality::Proposed | Modality::Considered | Modality::Demanded
                    )
                    && quantities_agree(&c.quantity, &nc.quantity)
            }) {
                seen.push(k);
                let expl = format!(
                    "the report states as done ({}) what its quoted source only {} ({})",
                    nc.trigger,
                    match st.modality {
                        Modality::Considered => "considers",
                        Modality::Demanded => "demands",
                        _ => "proposes",
                    },
                    st.speaker.clone().unwrap_or_default()
                );
                out.push(ctx.finding(FindingKind::Overstatement, a, st, a, nc, 0.75, expl));
            }
        }
    }

    // Correction: a later version of the same article changes a claim.
    for b in 0..n {
        let Some(a) = (0..n)
            .filter(|&a| {
                ctx.arts[a].article == ctx.arts[b].article
                    && ctx.arts[a].version < ctx.arts[b].version
            })
            .max_by_key(|&a| ctx.arts[a].version)
        else {
            continue;
        };
        let pair = ctx.arts[b].claims.iter().find_map(|c2| {
            ctx.arts[a]
                .claims
                .iter()
                .find(|c1| {
                    c1.action == c2.action
                        && c1.text != c2.text
                        && (c1.polarity != c2.polarity
                            || !quantities_agree(&c1.quantity, &c2.quantity))
                })
                .map(|c1| (c1, c2))
        });
        if let Some((c1, c2)) = pair {
            let notice = ctx.arts[b].correction_notice.is_some();
            let expl = if c1.polarity != c2.polarity {
                format!("later version changes the claim to {:?}", c2.polarity).to_lowercase()
            } else {
                format!("later version changes {} to {}", fmt_q(&c1.quantity), fmt_q(&c2.quantity))
            } + if notice { ", with a correction notice" } else { "" };
            out.push(ctx.finding(
                FindingKind::Correction,
                a,
                c1,
                b,
                c2,
                if notice { 0.9 } else { 0.7 },
                expl,
            ));
        }
    }
    out.sort_by_key(|f| f.kind);
    out
}

fn out_has(
    done: &[(FindingKind, String, Option<String>)],
    kind: FindingKind,
    action: &str,
    side: &Option<String>,
) -> bool {
    done.iter().any(|(k, a, s)| {
        *k == kind && a == action && s.as_deref() == side.as_ref().map(|x| norm_side(x)).as_deref()
    })
}

/// Surname of a full personal name ("Sergei Lavrov" → "lavrov"); `None` for one-word names.
fn surname(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    (words.len() >= 2 && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase)))
        .then(|| words[words.len() - 1].to_lowercase())
}

/// Fills unknown sides from what other articles of the story say about the same person
/// (matched by surname: "Sergey Lavrov" and "Sergei Lavrov"); a surname given two different
/// sides is left alone.
fn fill_sides(story: &[ArticleClaims]) -> Vec<ArticleClaims> {
    use std::collections::BTreeMap;
    let mut map: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut note = |name: &Option<String>, side: &Option<String>| {
        if let (Some(n), Some(s)) = (name, side)
            && let Some(k) = surname(n)
            && !norm_side(n).contains(&norm_side(s))
        {
            let e = map.entry(k).or_insert_with(|| Some(s.clone()));
            if e.as_deref().is_some_and(|x| !same_side(Some(x), Some(s))) {
                *e = None;
            }
        }
    };
    for a in story {
        for c in &a.claims {
            note(&c.speaker, &c.speaker_side);
            note(&c.actor, &c.side);
        }
    }
    let look = |name: &Option<String>| {
        name.as_deref().and_then(surname).and_then(|k| map.get(&k).cloned().flatten())
    };
    story
        .iter()
        .map(|a| {
            let mut a = a.clone();
            for c in &mut a.claims {
                if c.speaker_side.is_none() {
                    c.speaker_side = look(&c.speaker);
                }
                if c.side.is_none() {
                    c.side = look(&c.actor);
                }
            }
            a
        })
        .collect()
}

/// Words saying a figure has changed.
fn revision_cue(text: &str) -> bool {
    let t = text.to_lowercase();
    t.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "rose"
                | "risen"
                | "rises"
                | "revised"
                | "raised"
                | "climbed"
                | "increased"
                | "updated"
                | "corrected"
                | "lowered"
                | "fell"
                | "fallen"
                | "reduced"
                | "jumped"
        )
    })
}
