//! The predicate lexicon (lemma groups → normalised actions), modality and negation cues, and
//! the reading of one segment's claims: trigger, modality, polarity, actor, quantity, time.

#![warn(missing_docs)]

use super::quantity::{Quantity, STOP, number_at, unit_word};
use super::{Claim, Modality, Polarity, Tok, side_of_word};
use crate::entities::Entity;
use crate::text::{MONTH_NAMES, slice};

/// Action lemma groups. A pattern is words; `x*` matches any word starting with `x`; `~` skips
/// up to three words.
const ACTIONS: &[(&str, &[&str])] = &[
    (
        "expel",
        &[
            "declar* persona non grata",
            "expel*",
            "expuls*",
            "kick* out",
            "kicked out",
            "persona non grata",
            "order* out",
            "ordered to leave",
        ],
    ),
    ("impose sanctions", &["sanction*"]),
    ("resign", &["resign*", "step* down", "stepped down", "quit", "quits", "quitting"]),
    (
        "cut jobs",
        &[
            "cut* ~ job*",
            "job cut*",
            "jobs cut*",
            "job* to go",
            "lay* off",
            "laid off",
            "layoff*",
            "job losses",
            "redundanc*",
        ],
    ),
    (
        "casualties",
        &[
            "kill*",
            "dead",
            "die",
            "died",
            "dies",
            "death toll",
            "toll",
            "fatalit*",
            "drown*",
            "victims",
        ],
    ),
    (
        "close",
        &[
            "close", "closes", "closed", "closing", "closure", "closures", "shut", "shuts",
            "shutting",
        ],
    ),
    ("arrest", &["arrest*", "detain*", "detention"]),
    ("ban", &["ban", "bans", "banned", "banning"]),
];

/// Units a quantity of the action may have (empty: any).
fn unit_fits(action: &str, unit: &str) -> bool {
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
        "live",
        "life",
        "soldier",
        "civilian",
        "child",
        "children",
        "crew",
        "personnel",
        "russian",
        "american",
        "citizen",
        "resident",
        "spy",
        "agent",
        "officer",
    ];
    match action {
        "expel" | "casualties" | "arrest" => PEOPLE.contains(&unit),
        "cut jobs" => {
            unit == "job" || unit == "post" || unit == "position" || PEOPLE.contains(&unit)
        }
        _ => true,
    }
}

/// The modality a speech cue verb gives what it introduces ("denied that …", "proposed …").
pub(crate) fn cue_modality(cue: &str) -> Option<Modality> {
    let w = cue.to_lowercase();
    let w = w.split_whitespace().next().unwrap_or("");
    let words = [w];
    Some(if any(&words, RETRACT) {
        Modality::Retracted
    } else if any(&words, DENY) {
        Modality::Denied
    } else if any(&words, &["demand*", "urg*"]) {
        Modality::Demanded
    } else if any(&words, &["propos*", "suggest*", "recommend*"]) {
        Modality::Proposed
    } else {
        return None;
    })
}

/// A country named by its capital, seat of government or own name.
pub(crate) fn metonym(w: &str) -> Option<&'static str> {
    Some(match w {
        "russia" | "moscow" | "kremlin" | "russians" => "Russia",
        "america" | "washington" | "americans" | "united states" => "United States",
        "china" | "beijing" => "China",
        "ukraine" | "kyiv" | "kiev" => "Ukraine",
        "britain" | "london" | "uk" => "United Kingdom",
        "france" | "paris" => "France",
        "germany" | "berlin" => "Germany",
        _ => return None,
    })
}

/// The trigger patterns of [`ACTIONS`] in order, indexed by their first word, so that a token
/// is matched against the few patterns that can start at it rather than all of them. Same
/// results as trying every pattern in order: the candidates keep that order.
struct TriggerIndex {
    /// `(action, pattern)`, in the order of [`ACTIONS`].
    pats: Vec<(&'static str, &'static str)>,
    /// Patterns by their first word, when it is a whole word.
    exact: rustc_hash::FxHashMap<&'static str, Vec<usize>>,
    /// Patterns whose first word is a prefix (`expel*`), with the prefix.
    prefixes: Vec<(&'static str, usize)>,
}

impl TriggerIndex {
    /// The patterns that can match at a token whose lower-cased text is `low`, in order.
    fn candidates(&self, low: &str, out: &mut Vec<usize>) {
        out.clear();
        if let Some(v) = self.exact.get(low) {
            out.extend_from_slice(v);
        }
        out.extend(self.prefixes.iter().filter(|(p, _)| low.starts_with(p)).map(|&(_, i)| i));
        out.sort_unstable();
    }
}

fn trigger_index() -> &'static TriggerIndex {
    static INDEX: std::sync::OnceLock<TriggerIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let pats: Vec<(&'static str, &'static str)> =
            ACTIONS.iter().flat_map(|(a, ps)| ps.iter().map(move |p| (*a, *p))).collect();
        let mut exact: rustc_hash::FxHashMap<&'static str, Vec<usize>> = Default::default();
        let mut prefixes = Vec::new();
        for (i, (_, p)) in pats.iter().enumerate() {
            let first = p.split(' ').next().unwrap_or_default();
            // A pattern opening with a gap could start anywhere: none does, and none may.
            assert_ne!(first, "~", "trigger pattern {p:?} opens with a gap");
            match first.strip_suffix('*') {
                Some(prefix) => prefixes.push((prefix, i)),
                None => exact.entry(first).or_default().push(i),
            }
        }
        TriggerIndex { pats, exact, prefixes }
    })
}

fn word_matches(pat: &str, low: &str) -> bool {
    match pat.strip_suffix('*') {
        Some(p) => low.starts_with(p),
        None => pat == low,
    }
}

/// Matches `pat` at token `i` (words only); returns one past the last token.
fn match_at(toks: &[Tok], i: usize, end: usize, pat: &str) -> Option<usize> {
    let mut k = i;
    let mut words = pat.split(' ').peekable();
    while let Some(w) = words.next() {
        if w == "~" {
            let next = words.next()?;
            let mut found = None;
            for skip in 0..=3 {
                if k + skip < end && word_matches(next, &toks[k + skip].low) {
                    found = Some(k + skip + 1);
                    break;
                }
                if k + skip < end && !toks[k + skip].s.chars().any(char::is_alphanumeric) {
                    break;
                }
            }
            k = found?;
            continue;
        }
        if k >= end || !word_matches(w, &toks[k].low) {
            return None;
        }
        k += 1;
    }
    Some(k)
}

fn any(words: &[&str], cues: &[&str]) -> bool {
    words.iter().any(|w| cues.iter().any(|c| word_matches(c, w)))
}

const NEG: &[&str] = &[
    "not", "no", "never", "n't", "won't", "cannot", "can't", "don't", "didn't", "without",
    "nobody", "none", "neither", "nor",
];
/// Whether a lower-cased word negates ("not", "no", "won't").
pub(crate) fn is_negation(w: &str) -> bool {
    NEG.contains(&w) || w.ends_with("n't") || w.ends_with("n’t")
}

const RETRACT: &[&str] = &["retract*", "recant*", "withdrew", "withdraw*", "backtrack*"];
/// Words that take back a plan or a decision without negating it ("shelved", "put on hold").
const RETREAT: &[&str] = &[
    "shelv*",
    "scrap*",
    "suspend*",
    "postpon*",
    "halt*",
    "paus*",
    "abandon*",
    "cancel*",
    "rescind*",
    "revok*",
    "revers*",
    "u-turn*",
    "backtrack*",
    "retract*",
    "withdrew",
    "withdraw*",
    "defer*",
    "mothball*",
    "ditch*",
];
/// Words that dismiss a report without negating it ("pure speculation").
const DISMISS: &[&str] = &[
    "deny",
    "denies",
    "denied",
    "denial*",
    "reject*",
    "dismiss*",
    "false",
    "untrue",
    "speculat*",
    "rumour*",
    "rumor*",
    "unfounded",
    "baseless",
    "groundless",
    "fabricat*",
    "inaccurate",
];

/// Whether the words take something back: a retreat from a plan or a dismissal of a report.
pub(crate) fn retreat_or_dismissal(words: &[&str]) -> Option<Modality> {
    if any(words, DISMISS) {
        Some(Modality::Denied)
    } else if any(words, RETREAT) {
        Some(Modality::Retracted)
    } else {
        None
    }
}
const DENY: &[&str] =
    &["deny", "denies", "denied", "denial*", "reject*", "refus*", "false", "untrue", "dismiss*"];
const DEMAND: &[&str] = &["demand*", "urg*", "called", "calls", "calling"];
const PROPOSE: &[&str] =
    &["propos*", "asking", "suggest*", "recommend*", "seek*", "sought", "plan*", "intend*"];
const CONSIDER: &[&str] =
    &["consider*", "weigh*", "mull*", "may", "might", "could", "possib*", "threat*"];
const WILL: &[&str] = &["will", "would", "shall", "’ll", "'ll", "going", "vow*", "promis*", "set"];
const BOUNDARY: &[&str] = &[
    ";", ":", "—", "–", "but", "while", "whereas", "after", "before", "because", "since",
    "although",
];
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
];

/// Reads the claims of tokens `[s, e)` (one segment) and passes each to `emit`; the caller fills
/// in speaker, relay and the narrative flag. An actor given by "we"/"I" has side `@speaker`.
/// Cues and subjects are also looked for in `[frame, s)`: the reporting frame of reported
/// speech ("Acme plans to …", "the ministry was asking the president to …").
pub(crate) fn claims_in(
    chars: &[char],
    toks: &[Tok],
    (s, e): (usize, usize),
    frame: usize,
    ent_at: &[(usize, usize, usize)],
    entities: &[Entity],
    emit: &mut dyn FnMut(Claim),
) {
    // Triggers.
    let mut hits: Vec<(usize, usize, &'static str)> = Vec::new();
    let index = trigger_index();
    let mut candidates = Vec::new();
    let mut i = s;
    while i < e {
        let mut best: Option<(usize, &'static str)> = None;
        index.candidates(&toks[i].low, &mut candidates);
        for &c in &candidates {
            let (action, p) = index.pats[c];
            if let Some(k) = match_at(toks, i, e, p)
                && best.is_none_or(|(bk, _)| k > bk)
            {
                best = Some((k, action));
            }
        }
        if let Some((k, action)) = best {
            hits.push((i, k, action));
            i = k;
        } else {
            i += 1;
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (h, &(ti, tk, action)) in hits.iter().enumerate() {
        if seen.contains(&action) {
            continue;
        }
        seen.push(action);
        // Clause start.
        let frame = frame.min(s);
        let mut cs = if h > 0 { hits[h - 1].1 } else { frame };
        cs = cs.max(ti.saturating_sub(14)).max(frame);
        for j in (cs..ti).rev() {
            if BOUNDARY.contains(&toks[j].low.as_str()) {
                cs = j + 1;
                break;
            }
        }
        let window: Vec<&str> = toks[cs..ti].iter().map(|t| t.low.as_str()).collect();
        let near: Vec<&str> =
            toks[ti.saturating_sub(6).max(cs)..ti].iter().map(|t| t.low.as_str()).collect();
        let trig_text: Vec<&str> = toks[ti..tk].iter().map(|t| t.low.as_str()).collect();
        let negated = any(&near, NEG);
        let modality = if any(&window, RETRACT) {
            Modality::Retracted
        } else if any(&window, DENY) {
            Modality::Denied
        } else if any(&window, DEMAND) {
            Modality::Demanded
        } else if any(&window, PROPOSE) {
            Modality::Proposed
        } else if any(&window, CONSIDER) {
            Modality::Considered
        } else if any(&window, WILL)
            || window.last() == Some(&"to")
            || trig_text.ends_with(&["to", "go"])
        {
            Modality::Will
        } else {
            Modality::Done
        };
        let polarity = if negated || modality == Modality::Denied {
            Polarity::Negated
        } else {
            Polarity::Affirmed
        };
        // Actor: passive "by X", else the nearest subject before the trigger.
        let mut actor: Option<(Option<String>, Option<String>)> = None;
        for j in tk..(tk + 3).min(e) {
            if toks[j].low == "by" {
                actor = subject_at(toks, j + 1, ent_at, entities);
                break;
            }
        }
        if actor.is_none() {
            for j in (cs..ti).rev() {
                if j > 0
                    && matches!(
                        toks[j - 1].low.as_str(),
                        "against" | "on" | "upon" | "from" | "with" | "of"
                    )
                {
                    continue;
                }
                if let Some(a) = subject_at(toks, j, ent_at, entities) {
                    actor = Some(a);
                    break;
                }
            }
        }
        let (actor, side) = actor.unwrap_or((None, None));
        // Quantity: after the trigger first, then before it in the clause.
        let mut quantity = None;
        let stop = (ti + 1..e)
            .find(|&j| matches!(toks[j].s.as_str(), ";" | "—" | "–"))
            .unwrap_or(e)
            .min(tk + 16);
        let after = (ti + 1..stop).collect::<Vec<_>>();
        let before = (cs..ti).rev().collect::<Vec<_>>();
        for j in after.into_iter().chain(before) {
            if let Some(q) = quantity_at(toks, j, e, action) {
                quantity = Some(q);
                break;
            }
        }
        let object_end = (tk..(tk + 8).min(e))
            .find(|&j| !toks[j].s.chars().any(char::is_alphanumeric))
            .unwrap_or((tk + 8).min(e));
        let object =
            (object_end > tk).then(|| slice(chars, toks[tk].start, toks[object_end - 1].end));
        let time = (s..e).find_map(|j| {
            let t = &toks[j];
            if DAYS.contains(&t.low.as_str()) {
                let from = if j > s
                    && matches!(toks[j - 1].low.as_str(), "on" | "last" | "next" | "this")
                {
                    j - 1
                } else {
                    j
                };
                Some(slice(chars, toks[from].start, t.end))
            } else if MONTH_NAMES.contains(&t.low.trim_end_matches('.'))
                && t.s.chars().next().is_some_and(char::is_uppercase)
                && toks.get(j + 1).is_some_and(|n| n.s.chars().all(|c| c.is_ascii_digit()))
            {
                Some(slice(chars, t.start, toks[j + 1].end))
            } else {
                None
            }
        });
        let (start, end) = (toks[s].start, toks[e - 1].end);
        emit(Claim {
            actor,
            side,
            action: action.to_string(),
            trigger: slice(chars, toks[ti].start, toks[tk - 1].end),
            object,
            quantity,
            polarity,
            modality,
            time,
            speaker: None,
            speaker_side: None,
            anonymous: false,
            via: None,
            narrative: false,
            quoted: false,
            start,
            end,
            text: slice(chars, start, end),
        });
    }
}

/// The actor named at token `j`: an entity mention, a country word, or "we"/"I" (the speaker).
fn subject_at(
    toks: &[Tok],
    j: usize,
    ent_at: &[(usize, usize, usize)],
    entities: &[Entity],
) -> Option<(Option<String>, Option<String>)> {
    let t = toks.get(j)?;
    if matches!(t.low.as_str(), "we" | "i" | "our") {
        return Some((None, Some("@speaker".to_string())));
    }
    if let Some(&(_, _, ei)) = ent_at.iter().find(|(a, b, _)| t.start >= *a && t.end <= *b) {
        let en = entities.get(ei)?;
        // A place is an actor only as a country or seat of government ("Moscow", "Russia").
        if en.kind == crate::entities::EntityKind::Place
            && !en.name.split_whitespace().any(|w| metonym(&w.to_lowercase()).is_some())
        {
            return None;
        }
        return Some((Some(en.name.clone()), super::entity_side(en)));
    }
    // Country names, capitals and seats of government stand for their country; demonym
    // adjectives ("Russian compounds") do not name an actor.
    let bare = t.low.trim_end_matches("’s").trim_end_matches("'s");
    if t.s.chars().next().is_some_and(char::is_uppercase)
        && (metonym(bare).is_some() || matches!(t.s.as_str(), "US" | "U.S" | "U.S."))
        && let Some(side) = side_of_word(&t.s)
    {
        return Some((
            Some(t.s.trim_end_matches("’s").trim_end_matches("'s").to_string()),
            Some(side),
        ));
    }
    None
}

/// A quantity starting at token `j` whose unit fits `action`.
fn quantity_at(toks: &[Tok], j: usize, e: usize, action: &str) -> Option<Quantity> {
    let words: Vec<&str> = toks[j..e.min(j + 6)].iter().map(|t| t.s.as_str()).collect();
    let (value, cur, used) = number_at(&words)?;
    // Dates, years, and increments ("15 more") are not counts.
    let prev = j.checked_sub(1).map(|p| toks[p].low.as_str()).unwrap_or("");
    let next = toks.get(j + used).map(|t| t.low.as_str()).unwrap_or("");
    if MONTH_NAMES.contains(&prev.trim_end_matches('.')) || MONTH_NAMES.contains(&next) {
        return None;
    }
    if matches!(
        next,
        "more"
            | "other"
            | "additional"
            | "extra"
            | "percent"
            | "%"
            | "per"
            | "years"
            | "year"
            | "days"
            | "hours"
            | "minutes"
            | "am"
            | "pm"
            | "a.m"
            | "p.m"
    ) {
        return None;
    }
    if cur.is_none() && used == 1 && (1900.0..2100.0).contains(&value) && words[0].len() == 4 {
        return None;
    }
    if used == 1 && (words[0] == "one" || words[0] == "One") {
        return None;
    }
    // Unit: the first lower-case content word in the next three, skipping modifiers.
    let mut unit = cur.map(str::to_string);
    let mut k = j + used;
    if unit.is_none() {
        while k < e && k < j + used + 3 {
            let t = &toks[k];
            if !t.s.chars().next().is_some_and(char::is_alphabetic) {
                break;
            }
            if STOP.contains(&t.low.as_str()) {
                break;
            }
            if t.s.chars().next().is_some_and(char::is_lowercase)
                || side_of_word(&t.s).is_none() && k > j + used
            {
                unit = Some(unit_word(&t.s));
                if toks
                    .get(k + 1)
                    .is_some_and(|n| n.s.chars().next().is_some_and(char::is_lowercase))
                    && !STOP.contains(&toks[k + 1].low.as_str())
                    && unit_fits(action, &unit_word(&toks[k + 1].s))
                {
                    k += 1;
                    unit = Some(unit_word(&toks[k].s));
                }
                k += 1;
                break;
            }
            if side_of_word(&t.s).is_some()
                && k + 1 < e
                && toks[k + 1].s.chars().next().is_some_and(char::is_lowercase)
            {
                k += 1;
                continue;
            }
            unit = Some(unit_word(&t.s));
            k += 1;
            break;
        }
    }
    if let Some(u) = &unit
        && cur.is_none()
        && !unit_fits(action, u)
    {
        return None;
    }
    if unit.is_none() && !matches!(action, "casualties" | "cut jobs" | "expel") {
        return None;
    }
    // Parts: "… and four …", "… + 4".
    let mut parts = Vec::new();
    for m in k..(k + 10).min(e) {
        let w = toks[m].low.as_str();
        if matches!(w, "and" | "+" | "plus") {
            let rest: Vec<&str> = toks[m + 1..e.min(m + 5)].iter().map(|t| t.s.as_str()).collect();
            if let Some((v2, cur2, used2)) = number_at(&rest)
                && cur2 == cur
            {
                let u2 = toks.get(m + 1 + used2).filter(|t| {
                    t.s.chars().next().is_some_and(char::is_lowercase)
                        && !STOP.contains(&t.low.as_str())
                });
                let ok = u2.is_none_or(|t| {
                    unit_fits(action, &unit_word(&t.s))
                        && (unit.is_none() || unit_fits(action, unit.as_deref().unwrap_or("")))
                }) || toks.get(m + 2).is_some_and(|t| unit_fits(action, &unit_word(&t.s)));
                if ok {
                    parts = vec![value, v2];
                }
            }
            break;
        }
        if !toks[m].s.chars().any(char::is_alphanumeric) {
            break;
        }
    }
    let from = if j >= 2
        && matches!(
            (toks[j - 2].low.as_str(), toks[j - 1].low.as_str()),
            ("at", "least") | ("more", "than") | ("up", "to") | ("at", "most")
        ) {
        j - 2
    } else if j >= 1
        && matches!(
            toks[j - 1].low.as_str(),
            "about"
                | "around"
                | "nearly"
                | "almost"
                | "roughly"
                | "approximately"
                | "some"
                | "over"
        )
    {
        j - 1
    } else {
        j
    };
    let last = k.max(j + used).min(e).saturating_sub(1).max(j);
    let text = toks[from..=last].iter().map(|t| t.s.as_str()).collect::<Vec<_>>().join(" ");
    let total = if parts.is_empty() { value } else { parts.iter().sum() };
    Some(Quantity { value: total, unit, parts, text })
}
