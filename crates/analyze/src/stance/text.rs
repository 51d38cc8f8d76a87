//! Text handling for stance: tokens, a light stemmer, stop words, sentences and numbers.

use std::borrow::Borrow;

/// One word of a text, with the forms the stance features compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lower-cased surface form (curly apostrophes made straight).
    pub lower: String,
    /// Light stem of `lower`, used to match words across inflections.
    pub stem: String,
    /// Whether the surface form starts with an upper-case letter.
    pub cap: bool,
    /// Whether the token is made of digits (commas and dots allowed inside).
    pub num: bool,
}

/// Splits `text` into word tokens; apostrophes inside words are kept ("won't").
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let c = if c == '\u{2019}' || c == '\u{2018}' { '\'' } else { c };
        let next = chars.get(i + 1).copied();
        let inner = (c == '\'' || c == ',' || c == '.')
            && !cur.is_empty()
            && next.is_some_and(|n| {
                if c == '\'' { n.is_alphabetic() } else { n.is_ascii_digit() && cur_is_num(&cur) }
            });
        if c.is_alphanumeric() || inner {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(make_token(&cur));
            cur.clear();
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(make_token(&cur));
    }
    out
}

fn cur_is_num(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn make_token(raw: &str) -> Token {
    let lower = raw.to_lowercase();
    let cap = raw.chars().next().is_some_and(char::is_uppercase);
    let num = raw.chars().next().is_some_and(|c| c.is_ascii_digit()) && cur_is_num(raw);
    let stem = stem(&lower);
    Token { lower, stem, cap, num }
}

/// A light suffix-stripping stemmer: enough to match "denied"/"denies"/"deny".
pub fn stem(word: &str) -> String {
    // Clitics ("Russia's", "Russia'll", "they're") go; "n't" stays, it carries the negation.
    let mut w = word;
    for clitic in ["'s", "'ll", "'re", "'ve", "'d", "'m"] {
        if let Some(base) = w.strip_suffix(clitic) {
            w = base;
            break;
        }
    }
    let mut w = w.to_string();
    if w.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return w.replace(',', "");
    }
    for suf in ["ing", "ed", "es", "s", "ly"] {
        if w.ends_with(suf)
            && w.chars().count() >= suf.len() + 3
            && w.is_char_boundary(w.len() - suf.len())
        {
            w.truncate(w.len() - suf.len());
            break;
        }
    }
    if w.ends_with('y') && w.chars().count() > 2 {
        w.pop();
        w.push('i');
    }
    if w.ends_with('e') && w.chars().count() > 3 {
        w.pop();
    }
    // Doubled final consonants ("stopped" -> "stopp") meet their single form ("stop").
    let cs: Vec<char> = w.chars().collect();
    if cs.len() > 4 && cs[cs.len() - 1] == cs[cs.len() - 2] && !"aeiouls".contains(cs[cs.len() - 1])
    {
        w.pop();
    }
    w
}

#[rustfmt::skip]
/// English function words and news boilerplate that say nothing about a topic.
pub const STOP: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "me", "more", "most", "my", "myself", "of", "off", "on", "once", "only",
    "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "would", "you", "your", "yours", "said", "says", "say", "told", "new", "one", "two",
    "may", "might", "must", "shall", "us", "mr", "mrs", "ms", "per", "via", "yet", "now", "s",
    "t", "according", "year", "years", "day", "days", "week", "time", "people", "like", "get",
    "got", "make", "made", "first", "last", "back", "many", "much", "even", "still", "well",
    "jan", "feb", "march", "april", "june", "july", "aug", "sept", "sep", "oct", "nov", "dec",
    "january", "february", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "news", "report",
    "reports", "reported", "video", "photo", "photos", "image", "images", "st", "th", "nd", "rd",
];

/// Whether `lower` is a function word that says nothing about the topic.
pub fn is_stop(lower: &str) -> bool {
    STOP.contains(&lower)
}

/// Whether the token carries topic content (not a stop word, not a negation, not punctuation).
pub fn is_content(t: &Token) -> bool {
    !is_stop(&t.lower) && !is_negation(&t.lower) && t.lower.chars().count() > 1
}

/// Whether `lower` is a negation word ("not", "never", "won't", ...).
pub fn is_negation(lower: &str) -> bool {
    matches!(
        lower,
        "not"
            | "no"
            | "never"
            | "nobody"
            | "none"
            | "nothing"
            | "neither"
            | "nor"
            | "cannot"
            | "without"
            | "nowhere"
            | "nope"
    ) || lower.ends_with("n't")
}

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug",
    "sep", "sept", "oct", "nov", "dec", "january", "february", "august", "september", "october",
    "november", "december",
];

/// A number mentioned in a text: its value (with "million"/"billion" applied) and whether it
/// looks like a year or a day of a date, which say when rather than how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value, scaled by a following "thousand"/"million"/"billion".
    pub value: f64,
    /// A four-digit number between 1900 and 2100 with no separators.
    pub year: bool,
    /// A number right after a month name ("Oct. 3").
    pub day: bool,
    /// Position of the number in the token slice it came from.
    pub index: usize,
}

/// Pulls the numbers out of a token stream.
pub fn numbers<T: Borrow<Token>>(tokens: &[T]) -> Vec<Number> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let t = t.borrow();
        if !t.num {
            continue;
        }
        let Ok(mut v) = t.lower.replace(',', "").parse::<f64>() else { continue };
        if !v.is_finite() {
            continue;
        }
        let year =
            t.lower.len() == 4 && !t.lower.contains([',', '.']) && (1900.0..=2100.0).contains(&v);
        let day = i > 0 && MONTHS.contains(&tokens[i - 1].borrow().lower.as_str()) && v <= 31.0;
        match tokens.get(i + 1).map(|n| n.borrow().lower.as_str()) {
            Some("thousand") => v *= 1e3,
            Some("million") | Some("m") => v *= 1e6,
            Some("billion") | Some("bn") => v *= 1e9,
            Some("trillion") => v *= 1e12,
            _ => {}
        }
        out.push(Number { value: v, year: year && !day, day, index: i });
    }
    out
}

#[rustfmt::skip]
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "gen", "gov", "sen", "rep", "lt", "col", "sgt", "capt", "prof", "inc",
    "co", "corp", "jr", "sr", "no", "vs", "u.s", "u.k", "e.g", "i.e",
];

/// Splits a text into sentences (on `.`, `!`, `?` before a capital, and on line breaks).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let idx: Vec<(usize, char)> = text.char_indices().collect();
    for k in 0..idx.len() {
        let (pos, c) = idx[k];
        let end = pos + c.len_utf8();
        let split = if c == '\n' {
            true
        } else if matches!(c, '.' | '!' | '?') {
            // Closing quotes or brackets stay with the sentence they close.
            let mut j = k + 1;
            while j < idx.len() && matches!(idx[j].1, '"' | '\'' | '\u{201d}' | '\u{2019}' | ')') {
                j += 1;
            }
            let ws = j < idx.len() && idx[j].1.is_whitespace();
            let mut n = j;
            while n < idx.len() && idx[n].1.is_whitespace() && idx[n].1 != '\n' {
                n += 1;
            }
            let next_ok = n >= idx.len()
                || idx[n].1.is_uppercase()
                || matches!(idx[n].1, '"' | '\u{201c}' | '\'' | '\u{2018}' | '(' | '\n');
            let prev_word: String = text[start..pos]
                .rsplit(|ch: char| ch.is_whitespace())
                .next()
                .unwrap_or("")
                .trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '.')
                .to_lowercase();
            let abbrev = c == '.'
                && (ABBREV.contains(&prev_word.as_str())
                    || (prev_word.chars().count() == 1
                        && prev_word.chars().all(char::is_alphabetic)));
            (ws || j >= idx.len()) && next_ok && !abbrev
        } else {
            false
        };
        if split {
            let s = text[start..end].trim();
            if s.chars().any(char::is_alphanumeric) {
                out.push(s);
            }
            start = end;
        }
    }
    let s = text[start..].trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s);
    }
    out
}
