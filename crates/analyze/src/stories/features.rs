//! Turning an article into weighted features for story matching: stemmed words, named entities
//! (capitalised tokens and name phrases), numbers and dates, with the title and lead weighted
//! above the rest of the body.
//!
//! Capitalisation is only trusted where it is informative: a title in Title Case or a line in
//! ALL CAPS says nothing about which words are names, so there a word counts as a name only if
//! it was seen capitalised mid-sentence elsewhere in the same article, or often enough in earlier
//! articles (a small online table, pruned to stay bounded).

use frostem::{Algorithm, Stemmer};

use crate::dedupe::{IdMap, hash_lower, hash_str};

/// Kinds of feature, each hashed in its own namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A stemmed content word.
    Word = 1,
    /// A single name token ("Lohan").
    Entity = 2,
    /// Two adjacent name tokens ("Lindsay Lohan").
    Phrase = 3,
    /// A number ("6.1", "2008").
    Number = 4,
    /// A calendar date ("dec 11").
    Date = 5,
    /// A year ("2008").
    Year = 6,
}

/// The weights that shape a document vector (copied from the story config).
#[derive(Clone, Debug)]
pub(crate) struct Weights {
    pub title: f32,
    pub lead: f32,
    pub lead_words: usize,
    pub max_words: usize,
    pub entity: f32,
    pub number: f32,
    /// Body words read for specifics (see [`Spec`]), after the title.
    pub spec_words: usize,
}

/// Kinds of specific, the details that tell two events of one kind apart; see
/// [`DocFeatures::specifics`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spec {
    /// A year ("2013").
    Year = 0,
    /// A calendar date ("dec 14").
    Date = 1,
    /// A weekday ("Thursday").
    Weekday = 2,
    /// An age ("36-year-old").
    Age = 3,
    /// A name phrase that is not a place ("Jamal Williams").
    Name = 4,
    /// A place: the name after "in", "at", "near" ("in San Diego").
    Place = 5,
}

/// Number of [`Spec`] kinds.
pub(crate) const SPEC_KINDS: usize = 6;

/// The id of a specific: a hash of its text with the kind in the low three bits.
pub(crate) fn spec_id(kind: Spec, s: &str) -> u64 {
    (hash_str(64 + kind as u64, s) & !7) | kind as u64
}

/// The specific of a calendar date: not hashed but the day of the year (months of 31 days) in
/// the bits above the kind, so that nearby dates can be recognised ([`date_of_spec`]).
pub(crate) fn date_spec(month: u8, day: u32) -> u64 {
    ((u64::from(month) * 31 + u64::from(day)) << 3) | Spec::Date as u64
}

/// The day of the year of a date specific (see [`date_spec`]).
pub(crate) fn date_of_spec(id: u64) -> i64 {
    (id >> 3) as i64
}

/// The kind of a specific's id (an index below [`SPEC_KINDS`]).
pub(crate) fn spec_kind(id: u64) -> usize {
    ((id & 7) as usize).min(SPEC_KINDS - 1)
}

/// A document's features before IDF: `(feature id, weight)` sorted by id, plus display names
/// for name features and the title's feature ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DocFeatures {
    pub terms: Vec<(u64, f32)>,
    /// Feature ids found in the title (sorted, distinct).
    pub title_terms: Vec<u64>,
    /// Display forms of names, phrases and words: `(id, kind, text)`.
    pub names: Vec<(u64, Kind, String)>,
    /// Specifics of the title and lead (sorted, distinct [`spec_id`]s): years, dates, weekdays,
    /// ages, names and places, the details that tell two events of one kind apart.
    pub specifics: Vec<u64>,
}

/// One token as the tokenizer sees it.
#[derive(Clone, Copy, Debug)]
struct Tok<'a> {
    s: &'a str,
    /// [`hash_lower`] of `s` (seed 0): the key of the lower-cased word.
    key: u64,
    /// First letter upper case.
    cap: bool,
    /// Starts a sentence (or a quotation, or a line).
    initial: bool,
    /// Has a digit.
    digit: bool,
    /// Adjacent to the previous token (no punctuation between them except spaces).
    joined: bool,
}

const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "around",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "year",
    "years",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "according",
    "told",
    "week",
    "day",
    "time",
    "people",
    "first",
    "s",
    "t",
    "mr",
    "mrs",
    "ms",
    "dr",
    "re",
    "ve",
    "ll",
    "d",
    "m",
    "don",
    "didn",
    "doesn",
    "won",
    "isn",
    "wasn",
    "aren",
    "weren",
    "hasn",
    "haven",
    "hadn",
    "couldn",
    "wouldn",
    "shouldn",
    "can't",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tomorrow",
    "tonight",
    "morning",
    "afternoon",
    "evening",
    "night",
    "via",
    "update",
    "updated",
    "breaking",
    "news",
    "video",
    "photos",
    "watch",
    "read",
    "report",
    "reports",
    "reported",
    "copyright",
    "rights",
    "reserved",
    "advertisement",
    "click",
    "here",
];

const MONTHS: &[(&str, &str)] = &[
    ("january", "jan"),
    ("jan", "jan"),
    ("february", "feb"),
    ("feb", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("apr", "apr"),
    ("may", "may"),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("aug", "aug"),
    ("september", "sep"),
    ("sept", "sep"),
    ("sep", "sep"),
    ("october", "oct"),
    ("oct", "oct"),
    ("november", "nov"),
    ("nov", "nov"),
    ("december", "dec"),
    ("dec", "dec"),
];

/// What a lower-cased word is, cached per distinct word.
#[derive(Clone, Copy, Debug)]
struct WordInfo {
    /// The stemmed word's feature id, or 0 for a stopword or a too-short word.
    word_id: u64,
    /// The entity feature id (unstemmed).
    entity_id: u64,
    /// A stopword (never a feature, never a name).
    stop: bool,
    /// The month abbreviation index + 1, or 0.
    month: u8,
}

/// Feature extraction state: the stemmer, a bounded word cache, and capitalisation statistics
/// learnt online.
pub(crate) struct Extractor {
    stemmer: Stemmer,
    cache: IdMap<u64, WordInfo>,
    /// Lower-cased word id -> (times capitalised, times seen) at informative positions.
    caps: IdMap<u64, (u32, u32)>,
    stop: IdMap<u64, ()>,
    months: IdMap<u64, u8>,
    /// Weekday name -> 1..=7.
    weekdays: IdMap<u64, u8>,
    /// Keys of the words that put a place after them ("in", "at", "near").
    place_preps: [u64; 3],
    /// Scratch accumulator reused across documents.
    acc: IdMap<u64, f32>,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor").field("cache", &self.cache.len()).finish()
    }
}

/// Bound on cached words and capitalisation entries; past it the tables are thinned.
const CACHE_CAP: usize = 400_000;

/// The id of a feature: a hash of its text with the kind in the low three bits.
pub(crate) fn feature_id(kind: Kind, s: &str) -> u64 {
    (hash_str(kind as u64, s) & !7) | kind as u64
}

/// The kind of a feature id.
pub(crate) fn kind_of(id: u64) -> Kind {
    match id & 7 {
        2 => Kind::Entity,
        3 => Kind::Phrase,
        4 => Kind::Number,
        5 => Kind::Date,
        6 => Kind::Year,
        _ => Kind::Word,
    }
}

impl Extractor {
    pub(crate) fn new() -> Self {
        let mut stop = IdMap::default();
        for w in STOPWORDS {
            stop.insert(hash_lower(0, w), ());
        }
        let mut months = IdMap::default();
        let abbrs =
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        for (m, a) in MONTHS {
            let i = abbrs.iter().position(|x| x == a).unwrap_or(0) as u8 + 1;
            months.insert(hash_lower(0, m), i);
        }
        let mut weekdays = IdMap::default();
        for (i, d) in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            .iter()
            .enumerate()
        {
            weekdays.insert(hash_lower(0, d), i as u8 + 1);
        }
        Extractor {
            weekdays,
            place_preps: [hash_lower(0, "in"), hash_lower(0, "at"), hash_lower(0, "near")],
            stemmer: Stemmer::new(Algorithm::English),
            cache: IdMap::default(),
            caps: IdMap::default(),
            stop,
            months,
            acc: IdMap::default(),
        }
    }

    fn info(&mut self, key: u64, s: &str) -> (u64, WordInfo) {
        if let Some(i) = self.cache.get(&key) {
            return (key, *i);
        }
        let lower = s.to_lowercase();
        let lower = lower.trim_matches('\'').trim_end_matches("'s").trim_end_matches("’s");
        let stop = self.stop.contains_key(&hash_lower(0, lower)) || lower.chars().count() < 2;
        let month = self.months.get(&hash_lower(0, lower)).copied().unwrap_or(0);
        let has_digit = lower.chars().any(|c| c.is_ascii_digit());
        let word_id = if stop || has_digit {
            0
        } else {
            let stem = self.stemmer.stem(lower);
            feature_id(Kind::Word, &stem)
        };
        let info = WordInfo { word_id, entity_id: feature_id(Kind::Entity, lower), stop, month };
        if self.cache.len() >= CACHE_CAP {
            self.cache.clear();
        }
        self.cache.insert(key, info);
        (key, info)
    }

    /// Extracts the features of one document. `entities` are names supplied by an earlier stage.
    pub(crate) fn extract(
        &mut self,
        title: &str,
        text: &str,
        entities: &[String],
        w: &Weights,
    ) -> DocFeatures {
        // Skip a body that starts by repeating the title: the title already counts.
        let title_t = title.trim();
        let mut body = text.trim_start();
        if !title_t.is_empty() && body.starts_with(title_t) {
            body = &body[title_t.len()..];
        }
        let mut segments: Vec<(Vec<Tok<'_>>, bool)> = Vec::new();
        segments.push((tokenize(title_t, usize::MAX), true));
        let mut budget = w.max_words;
        for line in body.lines() {
            if budget == 0 {
                break;
            }
            let toks = tokenize(line, budget);
            budget = budget.saturating_sub(toks.len());
            if !toks.is_empty() {
                segments.push((toks, false));
            }
        }

        // Which segments carry usable capitalisation, and which words this document itself
        // shows capitalised mid-sentence.
        let mut reliable = Vec::with_capacity(segments.len());
        let mut local_caps: IdMap<u64, ()> = IdMap::default();
        for (toks, _) in &segments {
            let r = caps_informative(toks, &self.stop);
            reliable.push(r);
            if r {
                for t in toks.iter() {
                    if !t.digit && !t.initial {
                        let k = t.key;
                        if t.cap {
                            local_caps.insert(k, ());
                        }
                        let e = self.caps.entry(k).or_insert((0, 0));
                        e.1 = e.1.saturating_add(1);
                        if t.cap {
                            e.0 = e.0.saturating_add(1);
                        }
                    }
                }
            }
        }
        if self.caps.len() > CACHE_CAP {
            self.caps.retain(|_, v| v.1 > 2);
            if self.caps.len() > CACHE_CAP / 2 {
                self.caps.clear();
            }
        }

        self.acc.clear();
        let mut names: Vec<(u64, Kind, String)> = Vec::new();
        let mut title_terms: Vec<u64> = Vec::new();
        let mut word_pos = 0usize;
        let mut specifics: Vec<u64> = Vec::new();
        for (si, (toks, is_title)) in segments.iter().enumerate() {
            let rel = reliable[si];
            let mut prev_entity: Option<(&str, u64)> = None;
            let mut prev_month: Option<u8> = None;
            let mut prev_num: Option<u32> = None;
            // Inside a place name ("in San Diego"): the previous token was "in"/"at"/"near" or
            // a name token of the same place.
            let mut place = false;
            let mut prev_key = 0u64;
            for (ti, t) in toks.iter().enumerate() {
                let field = if *is_title {
                    w.title
                } else {
                    word_pos += 1;
                    if word_pos <= w.lead_words { w.lead } else { 1.0 }
                };
                let spec = *is_title || word_pos <= w.spec_words;
                let after_prep = self.place_preps.contains(&prev_key);
                prev_key = t.key;
                if t.digit {
                    let n: String = t.s.chars().filter(|c| *c != ',').collect();
                    let year = n.len() == 4
                        && (n.starts_with("19") || n.starts_with("20"))
                        && n.bytes().all(|b| b.is_ascii_digit());
                    let kind = if year { Kind::Year } else { Kind::Number };
                    let id = feature_id(kind, &n.to_lowercase());
                    *self.acc.entry(id).or_insert(0.0) += field * w.number;
                    if *is_title {
                        title_terms.push(id);
                    }
                    place = false;
                    if spec {
                        if year {
                            specifics.push(spec_id(Spec::Year, &n));
                        } else if n.len() <= 3
                            && toks.get(ti + 1).is_some_and(|x| x.s.eq_ignore_ascii_case("year"))
                            && toks.get(ti + 2).is_some_and(|x| x.s.eq_ignore_ascii_case("old"))
                        {
                            specifics.push(spec_id(Spec::Age, &n));
                        }
                    }
                    let day = n.parse::<u32>().ok().filter(|d| (1..=31).contains(d));
                    if let (Some(m), Some(d)) = (prev_month, day) {
                        let did = feature_id(Kind::Date, &format!("{m}-{d}"));
                        *self.acc.entry(did).or_insert(0.0) += field * w.number;
                        if spec {
                            specifics.push(date_spec(m, d));
                        }
                    }
                    prev_num = day;
                    prev_month = None;
                    prev_entity = None;
                    continue;
                }
                let (key, info) = self.info(t.key, t.s);
                if spec && let Some(&d) = self.weekdays.get(&t.key) {
                    specifics.push(spec_id(Spec::Weekday, &d.to_string()));
                }
                if info.month > 0 && info.month != 5 {
                    if let Some(d) = prev_num {
                        let did = feature_id(Kind::Date, &format!("{}-{d}", info.month));
                        *self.acc.entry(did).or_insert(0.0) += field * w.number;
                        if spec {
                            specifics.push(date_spec(info.month, d));
                        }
                    }
                    prev_month = Some(info.month);
                } else if info.month == 5 && t.cap && !t.initial {
                    prev_month = Some(5);
                } else {
                    prev_month = None;
                }
                prev_num = None;
                if info.stop {
                    prev_entity = None;
                    place = false;
                    continue;
                }
                if info.word_id != 0 {
                    *self.acc.entry(info.word_id).or_insert(0.0) += field;
                    if *is_title {
                        title_terms.push(info.word_id);
                    }
                }
                // Mid-sentence capitals in ordinary text are names. At a sentence start, a
                // capital is a name unless the word is known to be mostly lower case; in Title
                // Case or ALL CAPS it is a name only with positive evidence.
                let is_entity = t.cap
                    && info.month == 0
                    && if rel {
                        !t.initial || local_caps.contains_key(&key) || !self.caps_say_common(key)
                    } else {
                        local_caps.contains_key(&key) || self.caps_say_name(key)
                    };
                if is_entity {
                    let joined_prev = prev_entity.is_some() && t.joined;
                    place = after_prep || (place && joined_prev);
                    if spec && place {
                        specifics.push(spec_id(Spec::Place, &t.s.to_lowercase()));
                    }
                    *self.acc.entry(info.entity_id).or_insert(0.0) += field * w.entity;
                    if *is_title {
                        title_terms.push(info.entity_id);
                    }
                    if names.len() < 64 {
                        names.push((info.entity_id, Kind::Entity, t.s.to_string()));
                    }
                    if let Some((p, _)) = prev_entity.filter(|_| t.joined) {
                        let phrase = format!("{} {}", p, t.s);
                        let lower = phrase.to_lowercase();
                        let pid = feature_id(Kind::Phrase, &lower);
                        *self.acc.entry(pid).or_insert(0.0) += field * w.entity;
                        if spec && !place {
                            specifics.push(spec_id(Spec::Name, &lower));
                        }
                        if *is_title {
                            title_terms.push(pid);
                        }
                        if names.len() < 96 {
                            names.push((pid, Kind::Phrase, phrase));
                        }
                    }
                    prev_entity = Some((t.s, info.entity_id));
                } else {
                    prev_entity = None;
                    place = false;
                    if info.word_id != 0 && *is_title && names.len() < 96 {
                        names.push((info.word_id, Kind::Word, t.s.to_lowercase()));
                    }
                }
            }
        }
        for e in entities {
            let e = e.trim();
            if e.is_empty() {
                continue;
            }
            let lower = e.to_lowercase();
            let kind = if lower.contains(' ') { Kind::Phrase } else { Kind::Entity };
            let id = feature_id(kind, &lower);
            *self.acc.entry(id).or_insert(0.0) += w.entity;
            names.push((id, kind, e.to_string()));
        }
        let mut terms: Vec<(u64, f32)> =
            self.acc.iter().map(|(&k, &v)| (k, (1.0 + v).ln())).collect();
        terms.sort_unstable_by_key(|x| x.0);
        title_terms.sort_unstable();
        title_terms.dedup();
        specifics.sort_unstable();
        specifics.dedup();
        DocFeatures { terms, title_terms, names, specifics }
    }

    fn caps_say_name(&self, key: u64) -> bool {
        self.caps.get(&key).is_some_and(|&(c, n)| c >= 1 && c * 2 >= n)
    }

    fn caps_say_common(&self, key: u64) -> bool {
        self.caps.get(&key).is_some_and(|&(c, n)| c * 2 < n)
    }
}

/// Whether capitalisation in a run of tokens says anything: not Title Case, not ALL CAPS.
fn caps_informative(toks: &[Tok<'_>], stop: &IdMap<u64, ()>) -> bool {
    let mut words = 0;
    let mut caps = 0;
    let mut upper = 0;
    let mut stop_caps = 0;
    let mut stops = 0;
    for t in toks.iter().skip(1) {
        if t.digit {
            continue;
        }
        if stop.contains_key(&t.key) {
            stops += 1;
            if t.cap && !t.initial {
                stop_caps += 1;
            }
            continue;
        }
        words += 1;
        if t.cap {
            caps += 1;
        }
        if t.s.chars().all(|c| !c.is_lowercase()) && t.s.chars().count() > 1 {
            upper += 1;
        }
    }
    if words == 0 {
        return false;
    }
    if upper * 2 > words {
        return false;
    }
    // Title Case capitalises most content words and often the short function words too.
    if stops >= 2 && stop_caps * 2 >= stops {
        return false;
    }
    !(words >= 3 && caps * 4 >= words * 3)
}

/// Splits a line into word tokens, marking sentence starts and adjacency.
fn tokenize(line: &str, max: usize) -> Vec<Tok<'_>> {
    // A word is a run of letters and digits, also across an apostrophe between letters
    // ("O'Brien", "Reid's") and a point or comma between digits ("6.1", "14,000"). Hand-written
    // rather than full Unicode word segmentation, which cost a sixth of all clustering time.
    let mut out: Vec<Tok<'_>> = Vec::new();
    let mut initial = true;
    let mut joined = false;
    let mut chars = line.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if out.len() >= max {
            break;
        }
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            let mut prev = c;
            let mut digit = c.is_ascii_digit();
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    digit |= d.is_ascii_digit();
                    prev = d;
                    end = i + d.len_utf8();
                    chars.next();
                    continue;
                }
                let inner = match d {
                    '\'' | '’' => prev.is_alphabetic(),
                    '.' | ',' => prev.is_ascii_digit(),
                    _ => false,
                };
                if !inner {
                    break;
                }
                // Look one further: the joiner only counts between two word characters.
                let mut ahead = line[i + d.len_utf8()..].chars();
                let next = ahead.next();
                let ok = match d {
                    '.' | ',' => next.is_some_and(|n| n.is_ascii_digit()),
                    _ => next.is_some_and(char::is_alphabetic),
                };
                if !ok {
                    break;
                }
                chars.next();
                prev = d;
            }
            let seg = &line[start..end];
            let cap = c.is_uppercase();
            out.push(Tok { s: seg, key: hash_lower(0, seg), cap, initial, digit, joined });
            initial = false;
            joined = true;
        } else if c.is_whitespace() {
            // Spaces keep adjacency.
        } else {
            joined = false;
            if matches!(
                c,
                '.' | '!' | '?' | ':' | ';' | '"' | '“' | '”' | '(' | '[' | '|' | '—' | '–'
            ) {
                initial = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w() -> Weights {
        Weights {
            title: 2.0,
            lead: 1.5,
            lead_words: 40,
            max_words: 500,
            entity: 1.0,
            number: 1.0,
            spec_words: 60,
        }
    }

    #[test]
    fn names_and_title_case() {
        let mut x = Extractor::new();
        let f = x.extract(
            "Lindsay Lohan Checks Into Rehab",
            "The actress Lindsay Lohan checked into a clinic in Malibu on May 3.",
            &[],
            &w(),
        );
        let lohan = feature_id(Kind::Entity, "lohan");
        let checks = feature_id(Kind::Entity, "checks");
        let phrase = feature_id(Kind::Phrase, "lindsay lohan");
        assert!(f.terms.iter().any(|t| t.0 == lohan));
        assert!(f.terms.iter().any(|t| t.0 == phrase));
        assert!(!f.terms.iter().any(|t| t.0 == checks));
        assert!(f.terms.iter().any(|t| t.0 == feature_id(Kind::Date, "5-3")));
    }

    #[test]
    fn tokens() {
        let t: Vec<&str> = tokenize("O'Brien's 6.1-magnitude quake, 14,000 hit. (AP) Reid’s", 100)
            .iter()
            .map(|t| t.s)
            .collect();
        assert_eq!(t, ["O'Brien's", "6.1", "magnitude", "quake", "14,000", "hit", "AP", "Reid’s"]);
        let t = tokenize("He left. Lohan said", 100);
        assert!(t[0].initial && !t[1].initial && t[2].initial && !t[3].initial);
        assert!(tokenize("end.' '", 100).len() == 1);
    }

    #[test]
    fn specifics_of_the_lead() {
        let mut x = Extractor::new();
        let f = x.extract(
            "Chargers lineman faces DUI charge",
            "Chargers lineman Jamal Williams was arrested in San Diego early on Sunday, February \
             1, 2009, police said. The 32-year-old was released.",
            &[],
            &w(),
        );
        let has = |id: u64| f.specifics.binary_search(&id).is_ok();
        assert!(has(spec_id(Spec::Year, "2009")));
        assert!(has(date_spec(2, 1)));
        assert!(has(spec_id(Spec::Weekday, "7")));
        assert!(has(spec_id(Spec::Age, "32")));
        assert!(has(spec_id(Spec::Name, "jamal williams")));
        assert!(has(spec_id(Spec::Place, "diego")));
        assert!(!has(spec_id(Spec::Name, "san diego")));
        assert!(f.specifics.iter().all(|s| spec_kind(*s) < SPEC_KINDS));
        // Past the lead, nothing counts.
        let long = format!("{} In 1999 it rained on Monday.", "word ".repeat(200));
        let g = x.extract("", &long, &[], &w());
        assert!(g.specifics.is_empty());
    }

    #[test]
    fn empty_input() {
        let mut x = Extractor::new();
        let f = x.extract("", "", &[], &w());
        assert!(f.terms.is_empty());
    }
}
