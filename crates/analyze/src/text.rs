//! Tokenisation, paragraph and sentence splitting for news text, with character offsets.
//!
//! Offsets are Unicode code point indices (as Python string indices), never byte offsets, so the
//! whole module works on a `Vec<char>` and cannot split a UTF-8 sequence.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// Letters (with internal apostrophes, hyphens and abbreviation periods) or digits.
    Word,
    /// A quotation mark (or a `''` pair used as one).
    Quote,
    /// Any other punctuation character.
    Punct,
}

/// One token with its character span.
#[derive(Debug, Clone)]
pub struct Token {
    /// First character (code point index).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The token text as it appears.
    pub text: String,
    /// Lower-cased text with typographic apostrophes folded to `'`.
    pub lower: String,
    /// Kind of token.
    pub kind: TokKind,
    /// Index of the paragraph the token is in.
    pub para: usize,
    /// Index of the sentence the token is in.
    pub sent: usize,
    /// Whitespace precedes the token (or it starts the text).
    pub space_before: bool,
}

impl Token {
    /// The token starts with an upper-case letter.
    pub fn is_cap(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }
    /// The token is a word made only of lower-case letters (and internal marks).
    pub fn is_lower_word(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(|c| c.is_lowercase())
    }
    /// The token is this punctuation or word (lower-case comparison).
    pub fn is(&self, s: &str) -> bool {
        self.lower == s
    }
}

/// A tokenised text: characters, tokens, paragraphs and sentences.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The characters of the text.
    pub chars: Vec<char>,
    /// Tokens in order.
    pub toks: Vec<Token>,
    /// Token ranges `[start, end)` of paragraphs.
    pub paras: Vec<(usize, usize)>,
    /// Token ranges `[start, end)` of sentences.
    pub sents: Vec<(usize, usize)>,
}

/// Abbreviations whose final period is part of the token.
const ABBREVS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "jr",
    "sr", "inc", "corp", "co", "ltd", "vs", "etc", "jan", "feb", "mar", "apr", "aug", "sept",
    "sep", "oct", "nov", "dec", "prof", "rev", "ft", "mt", "pres", "sec", "atty", "adm", "cmdr",
    "supt", "dept", "univ", "assn", "bros", "messrs", "mme", "gens", "reps", "sens", "govs",
    "approx", "fig", "ave", "blvd", "rd", "pp", "vol", "ed", "al", "e.g", "i.e", "u.s", "u.k",
    "u.n", "d.c", "a.m", "p.m",
];

/// Abbreviations that stand before a name and so never end a sentence.
const TITLE_ABBREVS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "prof",
    "rev", "mt", "pres", "atty", "adm", "cmdr", "supt", "messrs", "mme", "gens", "reps", "sens",
    "govs", "ft", "vs",
];

/// Words that typically open a sentence: after an ambiguous abbreviation period they mark a new one.
const SENT_STARTERS: &[&str] = &[
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "but",
    "and",
    "in",
    "a",
    "an",
    "this",
    "that",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "on",
    "at",
    "for",
    "if",
    "when",
    "while",
    "after",
    "as",
    "so",
    "yet",
    "however",
    "meanwhile",
    "still",
    "those",
    "these",
    "some",
    "many",
    "most",
    "what",
    "why",
    "how",
    "who",
    "one",
    "since",
    "during",
    "then",
    "now",
    "also",
];

fn is_open_quote_char(c: char) -> bool {
    matches!(c, '“' | '„' | '«' | '‘' | '‹' | '‚')
}

fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '’' | '‹' | '›' | '‚' | '\'' | '`' | '‟')
}

fn is_apos(c: char) -> bool {
    matches!(c, '\'' | '’')
}

fn lower_of(s: &str) -> String {
    s.chars().map(|c| if c == '’' { '\'' } else { c }).flat_map(char::to_lowercase).collect()
}

/// Tokenise and split `text`.
pub fn analyze(text: &str) -> Doc {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut toks: Vec<Token> = Vec::with_capacity(n / 5 + 1);
    let mut paras = Vec::new();
    let mut para = 0usize;
    let mut para_start_tok = 0usize;
    let mut i = 0usize;
    let mut newlines = 0usize;
    let mut space = true;
    while i < n {
        let c = chars[i];
        if c.is_whitespace() {
            if (c == '\n' || c == '\u{2029}' || c == '\r')
                && (c != '\r' || chars.get(i + 1) != Some(&'\n'))
            {
                newlines += 1;
            }
            space = true;
            i += 1;
            continue;
        }
        if newlines > 0 && !toks.is_empty() {
            paras.push((para_start_tok, toks.len()));
            para += 1;
            para_start_tok = toks.len();
        }
        newlines = 0;
        let start = i;
        let kind;
        if c.is_alphanumeric() {
            let mut j = i + 1;
            loop {
                if j >= n {
                    break;
                }
                let d = chars[j];
                if d.is_alphanumeric() || d == '\u{00AD}' {
                    j += 1;
                    continue;
                }
                let next_alnum = chars.get(j + 1).is_some_and(|x| x.is_alphanumeric());
                // Internal apostrophe (don't, Russia’s), hyphen (Rossiya-24), period (U.S),
                // and digit separators (1,000 / 3.5).
                if next_alnum
                    && (is_apos(d)
                        || d == '-'
                        || d == '‑'
                        || d == '&'
                        || (d == '.'
                            && (chars[j - 1].is_alphabetic()
                                && chars[j + 1].is_alphabetic()
                                && short_piece(&chars, start, j)
                                || chars[j - 1].is_ascii_digit() && chars[j + 1].is_ascii_digit()))
                        || (d == ','
                            && chars[j - 1].is_ascii_digit()
                            && chars[j + 1].is_ascii_digit()))
                {
                    // `''` after a word is a quote mark, not an apostrophe.
                    if is_apos(d) && chars.get(j + 1).is_some_and(|x| is_apos(*x)) {
                        break;
                    }
                    j += 2;
                    continue;
                }
                break;
            }
            // A trailing abbreviation period belongs to the token.
            if j < n && chars[j] == '.' {
                let w: String = chars[start..j].iter().collect::<String>().to_lowercase();
                let single_cap = j - start == 1 && chars[start].is_uppercase();
                let dotted = w.contains('.') && w.chars().all(|c| c.is_alphabetic() || c == '.');
                // "then-Sen.": the abbreviation after a hyphenated prefix.
                let base = w.rsplit('-').next().unwrap_or(w.as_str());
                if ABBREVS.contains(&w.as_str()) || ABBREVS.contains(&base) || single_cap || dotted
                {
                    j += 1;
                }
            }
            i = j;
            kind = TokKind::Word;
        } else if is_apos(c) && chars.get(i + 1).is_some_and(|x| is_apos(*x))
            || c == '`' && chars.get(i + 1) == Some(&'`')
            || c == '‘' && chars.get(i + 1) == Some(&'‘')
        {
            i += 2;
            kind = TokKind::Quote;
        } else if is_quote_char(c) {
            i += 1;
            kind = TokKind::Quote;
        } else {
            i += 1;
            // Keep runs of the same punctuation (--, ...) together.
            while i < n && chars[i] == c && matches!(c, '-' | '.' | '!' | '?') {
                i += 1;
            }
            kind = TokKind::Punct;
        }
        let text: String = chars[start..i].iter().collect();
        let lower = lower_of(&text);
        toks.push(Token { start, end: i, text, lower, kind, para, sent: 0, space_before: space });
        space = false;
    }
    if para_start_tok < toks.len() {
        paras.push((para_start_tok, toks.len()));
    }
    let sents = split_sentences(&mut toks, &paras);
    Doc { chars, toks, paras, sents }
}

/// Whether the piece of a word before a period at `j` is short (an abbreviation like U.S or e.g).
fn short_piece(chars: &[char], start: usize, j: usize) -> bool {
    let mut k = j;
    while k > start && chars[k - 1].is_alphabetic() {
        k -= 1;
    }
    j - k <= 2
}

fn split_sentences(toks: &mut [Token], paras: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sents = Vec::new();
    for &(ps, pe) in paras {
        let mut s = ps;
        // Dateline: "MOSCOW (Reuters) -" at the start of a paragraph.
        if let Some(d) = dateline_end(toks, ps, pe) {
            sents.push((ps, d));
            s = d;
        }
        let mut i = s;
        while i < pe {
            if ends_sentence(toks, i, pe) {
                let mut e = i + 1;
                // Closing quotes and brackets after the period belong to the sentence.
                while e < pe
                    && (toks[e].kind == TokKind::Quote && !opens_here(toks, e)
                        || matches!(toks[e].text.as_str(), ")" | "]"))
                {
                    e += 1;
                }
                // A quote ending in "." or "!" followed by a lower-case word continues.
                if e < pe && toks[e].is_lower_word() && toks[i].text != "." {
                    i = e;
                    continue;
                }
                sents.push((s, e));
                s = e;
                i = e;
            } else {
                i += 1;
            }
        }
        if s < pe {
            sents.push((s, pe));
        }
    }
    for (k, &(a, b)) in sents.iter().enumerate() {
        for t in &mut toks[a..b] {
            t.sent = k;
        }
    }
    sents
}

/// A quote token at `i` opens a quotation (judged by the space around it).
pub fn opens_here(toks: &[Token], i: usize) -> bool {
    let t = &toks[i];
    let c = t.text.chars().next().unwrap_or(' ');
    if is_open_quote_char(c) {
        return true;
    }
    if matches!(c, '”' | '»' | '’' | '›') {
        return false;
    }
    let next_adjacent = toks.get(i + 1).is_some_and(|n| !n.space_before && n.para == t.para);
    let prev_adjacent = i > 0 && !t.space_before && toks[i - 1].para == t.para;
    if t.space_before || i == 0 || toks[i - 1].para != t.para {
        return next_adjacent || !prev_adjacent;
    }
    if prev_adjacent && matches!(toks[i - 1].text.as_str(), "(" | "[" | "—" | "–" | "-" | ":") {
        return true;
    }
    false
}

fn dateline_end(toks: &[Token], ps: usize, pe: usize) -> Option<usize> {
    let mut i = ps;
    let mut caps = 0;
    while i < pe && i < ps + 8 {
        let t = &toks[i];
        if t.kind == TokKind::Word
            && t.text.chars().any(|c| c.is_alphabetic())
            && t.text.chars().all(|c| !c.is_lowercase())
        {
            caps += 1;
            i += 1;
            continue;
        }
        if t.text == "," && caps > 0 {
            i += 1;
            continue;
        }
        if t.text == "(" {
            // (Reuters)
            if i + 2 < pe && toks[i + 2].text == ")" {
                i += 3;
                continue;
            }
        }
        break;
    }
    if caps > 0 && i < pe && matches!(toks[i].text.as_str(), "-" | "—" | "–" | "--") && i + 1 < pe
    {
        return Some(i + 1);
    }
    None
}

fn ends_sentence(toks: &[Token], i: usize, pe: usize) -> bool {
    let t = &toks[i];
    match t.kind {
        TokKind::Punct => {
            let c = t.text.chars().next().unwrap_or(' ');
            if !matches!(c, '.' | '!' | '?') {
                return false;
            }
            if t.text.starts_with("..") {
                // An ellipsis ends a sentence only before a capital.
                return toks.get(i + 1).is_some_and(|n| n.is_cap());
            }
            // "R-Ky., told" / "Inc. and": a period before a comma or lower-case word is an
            // abbreviation's.
            if c == '.'
                && let Some(n) = toks.get(i + 1)
                && n.para == t.para
                && (n.text == "," || n.text == ")" || n.is_lower_word())
            {
                return false;
            }
            true
        }
        TokKind::Word => {
            if !t.text.ends_with('.') {
                return false;
            }
            let w = t.lower.trim_end_matches('.');
            if TITLE_ABBREVS.contains(&w)
                || TITLE_ABBREVS.contains(&w.rsplit('-').next().unwrap_or(w))
            {
                return false;
            }
            let single_cap = w.chars().count() == 1;
            if single_cap {
                // An initial ("George W. Bush") does not end a sentence.
                return false;
            }
            match toks.get(i + 1) {
                None => true,
                Some(n) if n.para != t.para || i + 1 >= pe => true,
                Some(n) => {
                    n.kind == TokKind::Word && SENT_STARTERS.contains(&n.lower.as_str())
                        || n.kind == TokKind::Quote && opens_here(toks, i + 1)
                }
            }
        }
        TokKind::Quote => false,
    }
}

/// Characters `[s, e)` of the text as a `String`, clamped to the text.
pub fn slice(chars: &[char], s: usize, e: usize) -> String {
    let e = e.min(chars.len());
    let s = s.min(e);
    chars[s..e].iter().collect()
}

/// English month names and their abbreviations, lower-case (dates in datelines and claims).
pub(crate) const MONTH_NAMES: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let d = analyze(text);
        d.sents.iter().map(|&(a, b)| slice(&d.chars, d.toks[a].start, d.toks[b - 1].end)).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        let s = sentences(
            "Mr. Smith went to St. Petersburg on Jan. 5. He met U.S. officials. It rained.",
        );
        assert_eq!(
            s,
            vec![
                "Mr. Smith went to St. Petersburg on Jan. 5.",
                "He met U.S. officials.",
                "It rained."
            ]
        );
    }

    #[test]
    fn abbreviation_ends_sentence_before_starter() {
        let s = sentences("He lives in the U.S. The president agreed.");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn initials_do_not_split() {
        let s = sentences("George W. Bush spoke. Then J. K. Rowling wrote.");
        assert_eq!(s, vec!["George W. Bush spoke.", "Then J. K. Rowling wrote."]);
    }

    #[test]
    fn quotes_end_sentences() {
        let s = sentences("He said, “We will not go.” Then he left. “Why?” he asked.");
        assert_eq!(s, vec!["He said, “We will not go.”", "Then he left.", "“Why?” he asked."]);
    }

    #[test]
    fn dateline_is_its_own_piece() {
        let s = sentences("MOSCOW (Reuters) - Russia said no. Fine.");
        assert_eq!(s[0], "MOSCOW (Reuters) -");
        assert_eq!(s[1], "Russia said no.");
    }

    #[test]
    fn char_offsets_not_bytes() {
        let d = analyze("Ünïcödé “quoted” text");
        let q = d.toks.iter().find(|t| t.text == "quoted").unwrap();
        assert_eq!((q.start, q.end), (9, 15));
    }

    #[test]
    fn words_keep_internal_marks() {
        let d = analyze("Russia’s Rossiya-24 didn't say ''no'' in U.S diplomats");
        let w: Vec<&str> = d.toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            w,
            vec![
                "Russia’s",
                "Rossiya-24",
                "didn't",
                "say",
                "''",
                "no",
                "''",
                "in",
                "U.S",
                "diplomats"
            ]
        );
    }

    #[test]
    fn no_panic_on_odd_input() {
        for s in [
            "",
            ".",
            "''",
            "\n\n“",
            "a.b.c.",
            "Mr.",
            "’’’",
            "x'",
            "1,2.3,",
            "\r\n\r\n\"",
            "A. B. C.",
        ] {
            let _ = analyze(s);
        }
    }
}
