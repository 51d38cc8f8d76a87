//! Numbers with units: "35", "thirty-five", "four", "1.2 million", "$3bn", "a dozen",
//! "€430 million", and totals written as parts ("31 … and four …" → 35 with parts [31, 4]).

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};

/// A number with its unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The value; for a total given as parts, their sum.
    pub value: f64,
    /// The unit as written, lower-cased and singular ("diplomat", "job", "eur"), if any.
    pub unit: Option<String>,
    /// The parts of a total ("31 … and four …" → [31, 4]); empty for a single number.
    pub parts: Vec<f64>,
    /// The text the quantity was read from.
    pub text: String,
}

const SMALL: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
];

const SCALES: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("millions", 1e6),
    ("m", 1e6),
    ("mn", 1e6),
    ("billion", 1e9),
    ("bn", 1e9),
    ("b", 1e9),
    ("trillion", 1e12),
    ("tn", 1e12),
    ("k", 1e3),
];

const CURRENCIES: &[(char, &str)] =
    &[('$', "usd"), ('€', "eur"), ('£', "gbp"), ('¥', "jpy"), ('₽', "rub")];

/// Value of a single number word or hyphenated compound ("thirty-five").
fn word_value(w: &str) -> Option<f64> {
    let w = w.to_lowercase();
    if let Some((_, v)) = SMALL.iter().find(|(s, _)| *s == w) {
        return Some(*v);
    }
    let (a, b) = w.split_once('-')?;
    let a = SMALL.iter().find(|(s, _)| *s == a)?.1;
    let b = SMALL.iter().find(|(s, _)| *s == b)?.1;
    (a >= 20.0 && a % 10.0 == 0.0 && b < 10.0).then_some(a + b)
}

/// Value of a numeral token ("2,000", "1.2", "3bn" → (3, Some(1e9))).
fn numeral(w: &str) -> Option<(f64, Option<f64>)> {
    let digits_end =
        w.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(w.len());
    let (num, rest) = w.split_at(digits_end);
    let num = num.trim_end_matches(['.', ',']);
    if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Commas as thousands separators only in groups of three.
    let plain: String = if num.contains(',') {
        let mut groups = num.split(',');
        let first = groups.next()?;
        if first.len() > 3 || groups.clone().any(|g| g.len() != 3 && !g.contains('.')) {
            return None;
        }
        num.replace(',', "")
    } else {
        num.to_string()
    };
    let v: f64 = plain.parse().ok()?;
    let rest = rest.to_lowercase();
    if rest.is_empty() {
        return Some((v, None));
    }
    let scale = SCALES.iter().find(|(s, _)| *s == rest)?.1;
    Some((v, Some(scale)))
}

/// Reads a number at the start of `words` (already split on whitespace): returns the value, the
/// currency unit if a symbol was attached, and how many words were used.
pub(crate) fn number_at(words: &[&str]) -> Option<(f64, Option<&'static str>, usize)> {
    let first = *words.first()?;
    let mut w = first;
    let mut cur = None;
    if let Some(c) = w.chars().next()
        && let Some((_, code)) = CURRENCIES.iter().find(|(s, _)| *s == c)
    {
        cur = Some(*code);
        w = &w[c.len_utf8()..];
    }
    let lw = w.to_lowercase();
    let (mut v, mut used) = if lw == "a" || lw == "an" {
        match words.get(1).map(|s| s.to_lowercase()).as_deref() {
            Some("dozen") => (12.0, 2),
            Some("hundred") => (100.0, 2),
            Some("thousand") => (1000.0, 2),
            Some("million") => (1e6, 2),
            Some("billion") => (1e9, 2),
            _ => return None,
        }
    } else if lw == "dozen" && cur.is_none() {
        (12.0, 1)
    } else if let Some((v, scale)) = numeral(w) {
        (v * scale.unwrap_or(1.0), 1)
    } else if let Some(v) = word_value(w) {
        (v, 1)
    } else {
        return None;
    };
    // Scale words after the number ("1.2 million", "two thousand", "four dozen").
    while let Some(next) = words.get(used) {
        let n = next.to_lowercase();
        if n == "dozen" && used == 1 {
            v *= 12.0;
        } else if let Some((_, s)) = SCALES.iter().find(|(s, _)| *s == n && s.len() > 2) {
            v *= s;
        } else {
            break;
        }
        used += 1;
    }
    Some((v, cur, used))
}

/// Singular, lower-cased unit word.
pub(crate) fn unit_word(w: &str) -> String {
    let w = w.to_lowercase();
    if let Some(s) = w.strip_suffix("ies")
        && w.len() > 4
    {
        return format!("{s}y");
    }
    if w.ends_with("ss") || w.len() <= 3 {
        return w;
    }
    w.strip_suffix('s').map(str::to_string).unwrap_or(w)
}

/// Parses a quantity phrase ("35 diplomats", "thirty-five", "1.2 million people", "$3bn",
/// "a dozen", "31 staff in Moscow and four in St Petersburg"). `None` when it does not start
/// with a number.
pub fn parse_quantity(s: &str) -> Option<Quantity> {
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '“' | '”' | ':' | ';')))
        .filter(|w| !w.is_empty())
        .collect();
    let (value, cur, used) = number_at(&words)?;
    let unit = cur.map(str::to_string).or_else(|| {
        words
            .get(used)
            .map(|w| w.trim_end_matches([',', '.']))
            .filter(|w| {
                w.chars().next().is_some_and(char::is_alphabetic)
                    && !STOP.contains(&w.to_lowercase().as_str())
            })
            .map(unit_word)
    });
    let mut parts = Vec::new();
    // "… and four …" / "… + 4" parts.
    if let Some(i) = words.iter().skip(used).position(|w| *w == "and" || *w == "+" || *w == "plus")
        && let Some((v2, cur2, _)) = number_at(&words[used + i + 1..])
        && cur2 == cur
    {
        parts = vec![value, v2];
    }
    let total = if parts.is_empty() { value } else { parts.iter().sum() };
    Some(Quantity { value: total, unit, parts, text: s.trim().to_string() })
}

/// Words that are not units.
pub(crate) const STOP: &[&str] = &[
    "and",
    "or",
    "of",
    "in",
    "on",
    "at",
    "to",
    "the",
    "a",
    "an",
    "by",
    "for",
    "from",
    "with",
    "more",
    "other",
    "others",
    "another",
    "additional",
    "percent",
    "per",
    "as",
    "than",
    "who",
    "which",
    "that",
    "were",
    "was",
    "are",
    "is",
    "had",
    "have",
    "has",
];
