//! Quotations and reported speech with speakers, cue verbs and relays (the outlet a statement
//! came through), for one article; [`analyze_text`] is the entry point.
//!
//! Rules, no model: quotation-mark regions are paired per paragraph (an opening mark at the start
//! of the next paragraph continues an unclosed quote); a region is a statement when a speech cue
//! attributes it (before, after, or a colon ending the previous paragraph), or it continues or
//! follows an attributed quote; reported speech is found from cue verbs ("X said that …",
//! "…, X said", "according to X, …"). Offsets are character (code point) offsets.

use crate::entities::{EntityKind, EntitySet, find_entities};
use crate::gazetteer as gz;
use crate::text::{Doc, TokKind, analyze, opens_here, slice};
use model::Diagnostic;
use serde::Serialize;

/// How a statement is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A full quotation in quotation marks.
    Direct,
    /// A partial quotation inside a reported sentence.
    Mixed,
    /// Reported speech without quotation marks.
    Indirect,
}

/// One statement in an article.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    /// First character of the quoted content inside the marks (or of the reported content).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The content text.
    pub text: String,
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// Speaker as written (a name, pronoun or role phrase), if found.
    pub speaker: Option<String>,
    /// First character of the speaker string.
    pub speaker_start: Option<usize>,
    /// One past the last character of the speaker string.
    pub speaker_end: Option<usize>,
    /// Id of the speaker's entity in this document (`e3`), if resolved.
    pub speaker_entity: Option<String>,
    /// The cue verb or phrase ("said", "according to").
    pub cue: Option<String>,
    /// The outlet, agency or channel the statement came through, if stated.
    pub via: Option<String>,
    /// Confidence in 0..1.
    pub confidence: f32,
}

/// Everything found in one text.
#[derive(Debug, Clone, Serialize)]
pub struct TextAnalysis {
    /// Statements in text order.
    pub quotes: Vec<Quote>,
    /// Entities, ids in order of first mention.
    pub entities: Vec<crate::entities::Entity>,
    /// Notes on doubtful input (unbalanced quotation marks, truncation).
    pub diagnostics: Vec<Diagnostic>,
}

/// Texts longer than this many characters are cut (and a diagnostic says so).
pub const MAX_CHARS: usize = 2_000_000;

/// A quotation-mark region (token indices).
#[derive(Debug, Clone)]
struct Region {
    open: usize,
    /// First content token and one past the last.
    cs: usize,
    ce: usize,
    close: Option<usize>,
    para: usize,
    /// Continues the (unclosed) region before it, across a paragraph break.
    cont_of: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    After,
    Before,
    Colon,
    Carry,
    /// A cue later in the sentence, not right after the quote.
    Late,
    Guess,
}

#[derive(Debug, Clone, Copy)]
struct Attr {
    /// Speaker token span.
    sp: Option<(usize, usize)>,
    /// Cue token span.
    cue: Option<(usize, usize)>,
    how: How,
}

/// Analyse one article: quotations, reported speech and entities.
pub fn analyze_text(text: &str) -> TextAnalysis {
    let mut diagnostics = Vec::new();
    let owned;
    let text = if text.chars().count() > MAX_CHARS {
        diagnostics.push(Diagnostic::warning(
            "truncated_input",
            format!("text longer than {MAX_CHARS} characters; only the start was analysed"),
        ));
        owned = text.chars().take(MAX_CHARS).collect::<String>();
        owned.as_str()
    } else {
        text
    };
    let doc = analyze(text);
    let ents = find_entities(&doc);
    let mut a = Analyzer { doc: &doc, ents: &ents, diags: &mut diagnostics };
    let quotes = a.run();
    TextAnalysis { quotes, entities: ents.entities.clone(), diagnostics }
}

/// The CLI's output line for one input: `{"id", "quotes": [...], "entities": [...]}`.
pub fn quotes_json_line(id: &serde_json::Value, text: &str) -> serde_json::Value {
    let a = analyze_text(text);
    serde_json::json!({ "id": id, "quotes": a.quotes, "entities": a.entities })
}

struct Analyzer<'a> {
    doc: &'a Doc,
    ents: &'a EntitySet,
    diags: &'a mut Vec<Diagnostic>,
}

fn toks_sent(doc: &Doc, i: usize) -> usize {
    doc.toks[i].sent
}

fn is_double(s: &str) -> bool {
    matches!(s, "\"" | "“" | "”" | "„" | "«" | "»" | "''" | "``" | "‟" | "‘‘" | "’’")
}

fn is_single(s: &str) -> bool {
    matches!(s, "‘" | "’" | "‹" | "›" | "‚")
}

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that", "these",
    "those", "one", "another", "some", "many", "several", "two", "three", "both", "most", "other",
];

const NP_STOP: &[&str] = &[
    "and", "but", "or", "that", "which", "when", "while", "after", "before", "because", "as", "if",
    "so", "in", "on", "at", "to", "with", "from", "by", "about", "into", "than", "then", "where",
    "though", "although", "since", "until", "during", "over", "under", "against", "without", "not",
    "is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "will", "would",
    "can", "could", "should", "may", "might", "must", "do", "does", "did", "also", "who", "whom",
    "what", "why", "how", "it's", "there", "here", "just", "even", "only", "still", "yet", "now",
];

/// Cue verbs that can precede their subject ("…,” said Smith).
const INVERTIBLE: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "wrote",
    "writes",
    "asked",
    "asks",
    "continued",
    "explained",
    "noted",
    "notes",
    "recalled",
    "tweeted",
    "argued",
    "argues",
    "insisted",
    "declared",
    "warned",
    "replied",
    "responded",
    "quipped",
    "joked",
    "stated",
    "remarked",
    "countered",
    "observed",
    "concluded",
    "admitted",
    "acknowledged",
    "cautioned",
    "reacted",
    "pressed",
    "shouted",
    "yelled",
    "exclaimed",
    "answered",
    "recounted",
    "mused",
    "offered",
    "predicted",
    "reads",
    "read",
    "conceded",
    "laughed",
    "sighed",
    "boasted",
    "complained",
];

const TIME_WORDS: &[&str] = &[
    "today",
    "yesterday",
    "tonight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "recently",
    "earlier",
    "later",
    "last",
    "this",
    "next",
    "again",
    "then",
    "repeatedly",
    "previously",
    "once",
    "afterward",
    "afterwards",
    "flatly",
    "simply",
];

impl Analyzer<'_> {
    fn run(&mut self) -> Vec<Quote> {
        let regions = self.regions();
        let mut out: Vec<Quote> = Vec::new();
        let mut attrs: Vec<Option<Attr>> = Vec::with_capacity(regions.len());
        let mut accepted = vec![false; regions.len()];
        let mut last_speaker: Option<(Attr, usize)> = None; // (attr, region idx)
        for (ri, r) in regions.iter().enumerate() {
            let after = self.after_quote(r);
            let before = self.before_quote(r, &regions);
            // A quotation that ends its sentence, with an attribution before it in the sentence
            // and a new sentence after it: the one before is the speaker.
            let new_sentence_after = after.and_then(|a| a.sp).is_some_and(|(a0, _)| {
                r.close.is_some_and(|c| toks_sent(self.doc, a0) != toks_sent(self.doc, c))
            });
            let before_ok = before.is_some_and(|b| b.sp.is_some());
            let mut attr = if new_sentence_after && before_ok { before } else { after.or(before) };
            if attr.is_none() {
                attr = self.colon_before(r).or_else(|| self.dash_after(r));
            }
            let explicit = attr.is_some_and(|a| a.sp.is_some());
            if !explicit {
                // Continuation, or a quote in a run of quotation paragraphs / same paragraph.
                let carried = if let Some(p) = r.cont_of {
                    attrs[p].filter(|_| accepted[p])
                } else if let Some((la, li)) = last_speaker {
                    let prev = &regions[li];
                    let gap_ok = r.para == prev.para
                        || (r.para <= prev.para + 2 && self.only_quotes_between(prev, r));
                    if gap_ok { Some(la) } else { None }
                } else {
                    None
                };
                if let Some(c) = carried {
                    attr = Some(Attr { how: How::Carry, ..c });
                }
            }
            let mut ok = self.is_statement(r, attr.as_ref());
            if ok && attr.is_none() {
                attr = self.guess(r);
                // A short unattributed quotation is a scare quote or a term, not a statement.
                let short = self.words_in(r.cs, r.ce) <= 4;
                if short && attr.is_none_or(|a| a.how == How::Guess) {
                    ok = false;
                }
            }
            accepted[ri] = ok;
            attrs.push(attr);
            if !ok {
                continue;
            }
            if let Some(a) = attr
                && a.sp.is_some()
                && !matches!(a.how, How::Guess | How::Late)
            {
                last_speaker = Some((a, ri));
            }
            let kind = self.direct_kind(r, attr.as_ref());
            if let Some(q) = self.make_quote(r.cs, r.ce, kind, attr.as_ref()) {
                out.push(q);
            }
        }
        let direct_spans: Vec<(usize, usize)> = regions
            .iter()
            .zip(&accepted)
            .filter(|(_, ok)| **ok)
            .map(|(r, _)| (r.open, r.close.unwrap_or(r.ce)))
            .collect();
        let in_region: Vec<bool> = {
            let mut v = vec![false; self.doc.toks.len()];
            for r in &regions {
                for x in v
                    .iter_mut()
                    .take(r.close.unwrap_or(r.ce).min(self.doc.toks.len()) + 1)
                    .skip(r.open)
                {
                    *x = true;
                }
            }
            v
        };
        self.reported(&mut out, &direct_spans, &in_region);
        out.sort_by_key(|q| (q.start, q.end));
        out.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        out
    }

    fn toks(&self) -> &[crate::text::Token] {
        &self.doc.toks
    }

    /// Pair quotation marks into regions, paragraph by paragraph.
    fn regions(&mut self) -> Vec<Region> {
        let toks = &self.doc.toks;
        let mut regions: Vec<Region> = Vec::new();
        let mut unbalanced = 0usize;
        for (pi, &(ps, pe)) in self.doc.paras.iter().enumerate() {
            let mut open_d: Option<usize> = None;
            let mut open_s: Option<usize> = None;
            for i in ps..pe {
                let t = &toks[i];
                if t.kind != TokKind::Quote {
                    continue;
                }
                let s = t.text.as_str();
                let mut opener = opens_here(toks, i);
                // A straight mark with space on both sides closes an open quotation.
                let both_space = t.space_before
                    && toks.get(i + 1).is_none_or(|n| n.space_before || n.para != t.para);
                if open_d.is_some() && both_space && matches!(s, "\"" | "''") {
                    opener = false;
                }
                if is_double(s) {
                    match open_d {
                        None => {
                            if opener {
                                open_d = Some(i);
                                open_s = None;
                            }
                        }
                        Some(o) => {
                            let german_close = toks[o].text == "„" && s == "“";
                            if !opener || german_close {
                                regions.push(Region {
                                    open: o,
                                    cs: o + 1,
                                    ce: i,
                                    close: Some(i),
                                    para: pi,
                                    cont_of: None,
                                });
                                open_d = None;
                            } else {
                                // A second opener: the first was never closed.
                                unbalanced += 1;
                                open_d = Some(i);
                            }
                        }
                    }
                } else if is_single(s) && open_d.is_none() {
                    match open_s {
                        None if opener && s != "’" => open_s = Some(i),
                        Some(o) if !opener => {
                            regions.push(Region {
                                open: o,
                                cs: o + 1,
                                ce: i,
                                close: Some(i),
                                para: pi,
                                cont_of: None,
                            });
                            open_s = None;
                        }
                        _ => {}
                    }
                }
            }
            if let Some(o) = open_d {
                regions.push(Region {
                    open: o,
                    cs: o + 1,
                    ce: pe,
                    close: None,
                    para: pi,
                    cont_of: None,
                });
            }
        }
        regions.retain(|r| r.cs < r.ce);
        // Link paragraph continuations.
        for k in 1..regions.len() {
            let (p, r) = (&regions[k - 1], &regions[k]);
            if p.close.is_none() && r.para == p.para + 1 && r.open == self.doc.paras[r.para].0 {
                regions[k].cont_of = Some(k - 1);
            }
        }
        for k in 0..regions.len() {
            let r = &regions[k];
            if r.close.is_none() {
                let next_cont = regions.get(k + 1).is_some_and(|n| n.cont_of == Some(k));
                let ends_para = self.doc.paras[r.para].1 == r.ce;
                if !next_cont && ends_para {
                    unbalanced += 1;
                }
            }
        }
        if unbalanced > 0 {
            self.diags.push(Diagnostic::info(
                "unbalanced_quotes",
                format!("{unbalanced} quotation mark(s) without a partner; quotes ended at paragraph ends"),
            ));
        }
        regions
    }

    fn words_in(&self, a: usize, b: usize) -> usize {
        self.toks()[a..b].iter().filter(|t| t.kind == TokKind::Word).count()
    }

    fn only_quotes_between(&self, prev: &Region, r: &Region) -> bool {
        // Paragraphs strictly between the previous region's end and this region hold no words
        // outside quotation marks, and this region starts its paragraph.
        let pend = prev.close.unwrap_or(prev.ce);
        let para_start = self.doc.paras[r.para].0;
        if r.open != para_start {
            return false;
        }
        // Text after the previous quote in its paragraph must be short (an attribution).
        let toks = self.toks();
        let mut words = 0;
        for t in &toks[(pend + 1).min(r.open)..r.open] {
            if t.kind == TokKind::Quote {
                return false;
            }
            if t.kind == TokKind::Word {
                words += 1;
            }
        }
        words <= 8
    }

    /// Is this region a statement (not a title, scare quote or nickname)?
    fn is_statement(&self, r: &Region, attr: Option<&Attr>) -> bool {
        let toks = self.toks();
        let content = &toks[r.cs..r.ce];
        let nwords = content.iter().filter(|t| t.kind == TokKind::Word).count();
        if nwords == 0 {
            return false;
        }
        let first = &content[0];
        if first.text.starts_with('@')
            || content.iter().any(|t| t.lower.starts_with("http") || t.lower.starts_with("www"))
        {
            return false;
        }
        if content
            .iter()
            .all(|t| t.kind != TokKind::Word || t.text.chars().all(|c| c.is_ascii_digit()))
        {
            return false;
        }
        let title_case = content
            .iter()
            .filter(|t| t.kind == TokKind::Word && t.text.chars().count() > 3)
            .all(|t| t.is_cap())
            && content.iter().any(|t| t.is_cap());
        let prev = if r.open > 0 { Some(&toks[r.open - 1]) } else { None };
        let prev2 = if r.open > 1 { Some(&toks[r.open - 2]) } else { None };
        let naming = prev.is_some_and(|p| {
            matches!(
                p.lower.as_str(),
                "dubbed" | "nicknamed" | "titled" | "entitled" | "so-called" | "headlined"
            )
        }) || prev2.is_some_and(|p| p.lower == "so-called");
        let after_strong = attr.is_some_and(|a| a.sp.is_some() && a.how == How::After)
            && content.last().is_some_and(|t| matches!(t.text.as_str(), "," | "?" | "!"));
        if naming && (title_case || nwords <= 4) {
            return false;
        }
        // Titles of shows and works: "on “Meet the Press,”", "ABC’s “This Week”", "“…,” by X".
        let title_ctx = prev.is_some_and(|p| {
            matches!(
                p.lower.as_str(),
                "on" | "with"
                    | "in"
                    | "of"
                    | "and"
                    | "watch"
                    | "read"
                    | "film"
                    | "show"
                    | "book"
                    | "program"
                    | "song"
                    | "movie"
                    | "series"
                    | "album"
                    | "column"
                    | "essay"
                    | "headline"
                    | "op-ed"
            ) || p.lower.ends_with("'s")
        });
        if title_case && title_ctx {
            return false;
        }
        // `“Pop-up art show strives to …,” by DNAinfo's Eddie Small`: a headline with a byline.
        if let Some(c) = r.close {
            let comma =
                toks[r.ce - 1].text == "," || toks.get(c + 1).is_some_and(|t| t.text == ",");
            let n = if toks.get(c + 1).is_some_and(|t| t.text == ",") { c + 2 } else { c + 1 };
            if (comma || title_case)
                && toks.get(n).is_some_and(|t| t.text == "by")
                && !toks[r.cs..r.ce].iter().any(|t| t.text == "." || t.text == "?" || t.text == "!")
            {
                return false;
            }
        }
        if content
            .iter()
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| t.text.chars().filter(|c| c.is_alphanumeric()).count())
            .sum::<usize>()
            <= 2
        {
            return false;
        }
        let whole_para = r.open == self.doc.paras[r.para].0
            && r.close.is_none_or(|c| c + 2 >= self.doc.paras[r.para].1);
        // Introduced right after its cue: `declared “What a Super Tuesday!”`.
        let introduced = attr.and_then(|a| a.cue).is_some_and(|c| {
            let mut p = r.open;
            while p > 0 && matches!(toks[p - 1].text.as_str(), "," | ":") {
                p -= 1;
            }
            c.1 == p
        });
        if title_case
            && nwords <= 14
            && r.close.is_some()
            && !after_strong
            && !whole_para
            && !introduced
        {
            return false;
        }
        true
    }

    fn direct_kind(&self, r: &Region, attr: Option<&Attr>) -> QuoteKind {
        let toks = self.toks();
        let sent = toks[r.open].sent;
        let (ss, se) = self.doc.sents[sent];
        let first_lower = toks[r.cs].is_lower_word();
        if first_lower && r.open != ss {
            return QuoteKind::Mixed;
        }
        // Introduced by the cue: `said, “…` / `said: “…` / `said that “We …`.
        let mut p = r.open;
        while p > ss && matches!(toks[p - 1].text.as_str(), "," | ":" | "that" | "—" | "-") {
            p -= 1;
        }
        let introduced = attr.and_then(|a| a.cue).is_some_and(|c| c.1 == p)
            || attr.and_then(|a| a.sp).is_some_and(|s| s.1 == p);
        // Quotation runs to the sentence end (possibly followed by the attribution).
        let close = r.close.unwrap_or(r.ce);
        let tail_words = self.words_in((close + 1).min(se), se);
        let tail_attr = attr.is_some_and(|a| a.how == How::After);
        let to_end = tail_words == 0 || tail_attr && tail_words <= 8;
        if (r.open == ss || introduced) && to_end || r.open == ss && tail_words <= 8 {
            QuoteKind::Direct
        } else {
            QuoteKind::Mixed
        }
    }

    /// `“…,” Lavrov said.` / `“…,” said Mr. Brown` / `“…,” according to X`.
    fn after_quote(&self, r: &Region) -> Option<Attr> {
        let close = r.close?;
        let toks = self.toks();
        let mut j = close + 1;
        // A stray mark from nested quotes (`''' said`), then a comma or dash.
        while j < toks.len() && toks[j].kind == TokKind::Quote && !toks[j].space_before {
            j += 1;
        }
        if j < toks.len() && matches!(toks[j].text.as_str(), "," | "—" | "–" | "-" | "--") {
            j += 1;
        }
        if j >= toks.len() || toks[j].para != toks[close].para {
            return None;
        }
        // A quotation that ended its own sentence is attributed by what follows only when the
        // following clause is short ("… .” Lavrov said.), not a new statement ("He warns that …").
        let full_stop = toks[r.ce - 1].text == "." || toks[r.ce - 1].text.ends_with("..");
        let sent_end = {
            let s = toks[j].sent;
            let mut e = self.doc.sents[s].1;
            while e > j && toks[e - 1].kind != TokKind::Word {
                e -= 1;
            }
            e
        };
        let short_tail = |from: usize| -> bool { !full_stop || self.tail_is_short(from, sent_end) };
        let t = &toks[j];
        if t.text == "according" && toks.get(j + 1).is_some_and(|n| n.lower == "to") {
            let sp = self.np_right(j + 2)?;
            return Some(Attr { sp: Some(sp), cue: Some((j, j + 2)), how: How::After });
        }
        if t.is_lower_word() && t.lower.ends_with("ing") {
            // "…,” adding that …: a participle continues the sentence's own attribution.
            return None;
        }
        if gz::is_cue_verb(&t.lower) && t.is_lower_word() && self.verb_use(j) {
            let sp = self.np_right(j + 1);
            if !short_tail(sp.map_or(j + 1, |s| s.1)) {
                return None;
            }
            return Some(Attr { sp, cue: Some((j, j + 1)), how: How::After });
        }
        let first = &toks[j];
        let function_word = matches!(
            first.lower.as_str(),
            "the"
                | "this"
                | "that"
                | "these"
                | "those"
                | "there"
                | "it"
                | "but"
                | "and"
                | "or"
                | "so"
                | "if"
                | "when"
                | "while"
                | "as"
                | "in"
                | "on"
                | "at"
                | "for"
                | "with"
                | "after"
                | "before"
                | "what"
                | "why"
                | "how"
                | "then"
                | "now"
                | "yet"
                | "still"
                | "also"
        );
        let ok_start = (first.is_cap() && !function_word && !gz::is_month_or_day(&first.lower))
            || (gz::is_subject_pronoun(&first.lower) && first.lower != "who")
            || matches!(
                first.lower.as_str(),
                "the" | "a" | "an" | "his" | "her" | "their" | "its" | "one" | "another"
            )
            || gz::is_role_noun(&first.lower)
            // "former congressman Dan Maffei said": modifiers before a name.
            || first.is_lower_word()
                && (gz::is_person_title(&first.lower)
                    || matches!(
                        first.lower.as_str(),
                        "longtime" | "veteran" | "retired" | "fellow" | "top" | "senior" | "then"
                            | "republican" | "democratic" | "conservative" | "liberal"
                    ))
                && toks[j + 1..(j + 5).min(toks.len())]
                    .iter()
                    .take_while(|t| t.kind == TokKind::Word)
                    .any(|t| t.is_cap());
        if !ok_start {
            return None;
        }
        // NP then cue.
        let mut k = j;
        let mut depth = 0i32;
        let mut commas = 0;
        while k < toks.len() && k < j + 16 && toks[k].para == t.para {
            let tk = &toks[k];
            if tk.text == "(" {
                depth += 1;
            } else if tk.text == ")" {
                depth -= 1;
            } else if depth <= 0 {
                // "Sanders’ campaign manager": a possessive apostrophe, not a quotation mark.
                let possessive = tk.kind == TokKind::Quote
                    && !tk.space_before
                    && k > 0
                    && toks[k - 1].text.ends_with('s')
                    && matches!(tk.text.as_str(), "’" | "'");
                if tk.kind == TokKind::Quote && !possessive {
                    return None;
                }
                if tk.text == "," {
                    commas += 1;
                } else if tk.kind == TokKind::Punct && !matches!(tk.text.as_str(), "-" | "—") {
                    return None;
                }
                if k > j && tk.is_lower_word() && gz::is_cue_verb(&tk.lower) && self.verb_use(k) {
                    break;
                }
                if k > j
                    && matches!(
                        tk.lower.as_str(),
                        "and"
                            | "but"
                            | "that"
                            | "because"
                            | "if"
                            | "when"
                            | "to"
                            | "was"
                            | "is"
                            | "were"
                            | "are"
                            | "who"
                            | "which"
                    )
                {
                    return None;
                }
            }
            k += 1;
        }
        if k >= toks.len() || k >= j + 16 || !gz::is_cue_verb(&toks[k].lower) {
            return None;
        }
        // With commas, only "Name, appositive, said" qualifies.
        if commas > 0 && !(first.is_cap() || gz::is_subject_pronoun(&first.lower)) {
            return None;
        }
        if commas > 0 && toks[j + 1..k].iter().position(|x| x.text == ",").is_some_and(|p| p > 5) {
            return None;
        }
        if !short_tail(k + 1) {
            return None;
        }
        // "Compaq, she predicted, would …": the pronoun right before the cue is the subject.
        if commas > 0 {
            let mut e = k;
            while e > j && gz::is_aux_or_adv(&toks[e - 1].lower) && !toks[e - 1].is_cap() {
                e -= 1;
            }
            if e >= j + 2
                && toks[e - 2].text == ","
                && matches!(toks[e - 1].lower.as_str(), "he" | "she" | "they" | "we" | "i")
            {
                return Some(Attr { sp: Some((e - 1, e)), cue: Some((k, k + 1)), how: How::After });
            }
        }
        // Trim auxiliaries before the cue.
        let mut e = k;
        while e > j
            && !toks[e - 1].is_cap()
            && (gz::is_aux_or_adv(&toks[e - 1].lower) || toks[e - 1].lower.ends_with("ly"))
        {
            e -= 1;
        }
        let mut end = e;
        while end > j && matches!(toks[end - 1].text.as_str(), "," | "-" | "—") {
            end -= 1;
        }
        if end <= j {
            return None;
        }
        Some(Attr { sp: Some((j, end)), cue: Some((k, k + 1)), how: How::After })
    }

    /// `Lavrov said, “…”` / `Putin said that “…”` / `… saying the actions were “…”`.
    fn before_quote(&self, r: &Region, regions: &[Region]) -> Option<Attr> {
        let toks = self.toks();
        let sent = toks[r.open].sent;
        let ss = self.doc.sents[sent].0;
        let lo = ss.max(r.open.saturating_sub(40));
        let mut k = r.open;
        while k > lo {
            k -= 1;
            let t = &toks[k];
            if t.kind == TokKind::Quote {
                // Skip back over a previous region in the same sentence.
                if let Some(p) = regions.iter().find(|p| p.close == Some(k)) {
                    k = p.open;
                    continue;
                }
                return None;
            }
            if t.lower == "according" && toks.get(k + 1).is_some_and(|n| n.lower == "to") {
                let sp = self.np_right(k + 2)?;
                return Some(Attr { sp: Some(sp), cue: Some((k, k + 2)), how: How::Before });
            }
            let put_it = t.lower == "put" && toks.get(k + 1).is_some_and(|n| n.lower == "it");
            if t.is_lower_word()
                && (gz::is_cue_verb(&t.lower) || put_it)
                && !(k > 0 && toks[k - 1].lower == "to")
                && self.verb_use(k)
            {
                // Inverted: `said Smith: “…”`.
                let sp = self.cue_subject(k, ss, r.open);
                let near = Attr { sp, cue: Some((k, k + 1)), how: How::Before };
                // A nested clause ("Trump said he wants “…”"): prefer the outer speech verb
                // when the near one is weak or has a pronoun subject.
                let weak = !gz::is_speech_verb(&t.lower)
                    || sp.is_some_and(|s| {
                        s.1 == s.0 + 1 && gz::is_subject_pronoun(&toks[s.0].lower)
                    });
                if weak {
                    let mut m = k;
                    while m > lo {
                        m -= 1;
                        let u = &toks[m];
                        if u.is_lower_word()
                            && gz::is_speech_verb(&u.lower)
                            && let Some(osp) = self.np_left(m)
                            && (!(osp.1 == osp.0 + 1 && gz::is_subject_pronoun(&toks[osp.0].lower))
                                || sp.is_none())
                        {
                            return Some(Attr {
                                sp: Some(osp),
                                cue: Some((m, m + 1)),
                                how: How::Before,
                            });
                        }
                    }
                }
                return Some(near);
            }
        }
        None
    }

    /// The speaker of a cue verb at `k` in a sentence starting at `ss`; `limit` bounds an
    /// inverted subject ("said Smith: …").
    fn cue_subject(&self, k: usize, ss: usize, limit: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let l = toks[k].lower.as_str();
        let participle = l.ends_with("ing");
        let prev_comma = k > ss && toks[k - 1].text == ",";
        if participle {
            // "…, he said, adding that …": the subject of an earlier cue in the sentence.
            let mut m = k;
            while m > ss {
                m -= 1;
                let u = &toks[m];
                if u.is_lower_word() && gz::is_speech_verb(&u.lower) && !u.lower.ends_with("ing") {
                    let sp = self.np_left(m).or_else(|| self.inverted(m, limit));
                    if sp.is_some() {
                        return sp;
                    }
                }
            }
            if prev_comma {
                // "Trump has targeted Mexico, calling …": the clause's capitalised subject.
                return self
                    .sentence_subject(ss, k)
                    .or_else(|| self.leading_name(ss, k))
                    .or_else(|| self.np_left(k));
            }
            return self.sentence_subject(ss, k).or_else(|| self.np_left(k));
        }
        let sp = self.np_left(k);
        // "Rubio says he feels …": a pronoun subject of a clause reported by an earlier speech
        // verb in the sentence stands for that verb's subject.
        if let Some((a, b)) = sp
            && b == a + 1
            && matches!(toks[a].lower.as_str(), "he" | "she" | "they" | "it" | "who")
        {
            let mut m = a;
            while m > ss && m + 12 > a {
                m -= 1;
                let u = &toks[m];
                if u.kind == TokKind::Quote || u.text == "." {
                    break;
                }
                if u.is_lower_word() && gz::is_speech_verb(&u.lower) && !u.lower.ends_with("ing") {
                    if let Some(o) = self.np_left(m)
                        && !(o.1 == o.0 + 1 && gz::is_subject_pronoun(&toks[o.0].lower))
                    {
                        return Some(o);
                    }
                    break;
                }
            }
        }
        sp.or_else(|| self.inverted(k, limit)).or_else(|| self.sentence_subject(ss, k))
    }

    /// A capitalised name opening the sentence and followed by a lower-case word ("Trump has …").
    fn leading_name(&self, ss: usize, limit: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let t = toks.get(ss)?;
        if !t.is_cap() || gz::is_common_cap(&t.lower) || gz::is_month_or_day(&t.lower) {
            return None;
        }
        let mut b = ss;
        while b < limit && toks[b].is_cap() {
            b += 1;
        }
        (b < limit && toks[b].is_lower_word()).then_some((ss, b))
    }

    /// An inverted subject right after the cue, closed by punctuation or a quotation mark.
    fn inverted(&self, k: usize, limit: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        if !INVERTIBLE.contains(&toks[k].lower.as_str()) {
            return None;
        }
        let s = self.np_right(k + 1)?;
        if s.1 > limit {
            return None;
        }
        let next = toks.get(s.1)?;
        // "says political scientist Dossym Satpayev in Almaty.": a place or affiliation after.
        let pp = matches!(next.lower.as_str(), "in" | "of" | "at" | "from")
            && limit <= s.1 + 6
            && (s.1 + 1..limit).all(|m| toks[m].kind == TokKind::Word);
        (next.kind != TokKind::Word || pp).then_some(s)
    }

    /// A quotation paragraph followed by a paragraph "- Bernie Sanders." (fact-check style).
    fn dash_after(&self, r: &Region) -> Option<Attr> {
        let toks = self.toks();
        let (ps, pe) = self.doc.paras[r.para];
        if r.open != ps || r.close.is_some_and(|c| c + 2 < pe) {
            return None;
        }
        let &(ns, ne) = self.doc.paras.get(r.para + 1)?;
        if !matches!(toks[ns].text.as_str(), "-" | "—" | "–" | "--") || self.words_in(ns, ne) > 8
        {
            return None;
        }
        let sp = self.np_right(ns + 1)?;
        Some(Attr { sp: Some(sp), cue: None, how: How::After })
    }

    /// `Mr. Ridge said:` ending the previous paragraph.
    fn colon_before(&self, r: &Region) -> Option<Attr> {
        let toks = self.toks();
        let (ps, _) = self.doc.paras[r.para];
        if r.open != ps || ps == 0 || toks[ps - 1].text != ":" {
            return None;
        }
        let sent = toks[ps - 1].sent;
        let ss = self.doc.sents[sent].0;
        let mut k = ps - 1;
        while k > ss {
            k -= 1;
            if toks[k].is_lower_word() && gz::is_cue_verb(&toks[k].lower) {
                let sp = self.np_left(k).or_else(|| self.np_right(k + 1));
                return Some(Attr { sp, cue: Some((k, k + 1)), how: How::Colon });
            }
        }
        None
    }

    /// A low-confidence speaker: a cue later in the sentence, the sentence's subject, or the
    /// last person mentioned before the quote.
    fn guess(&self, r: &Region) -> Option<Attr> {
        let toks = self.toks();
        let sent = toks[r.open].sent;
        let (ss, se) = self.doc.sents[sent];
        let after = r.close.map_or(r.ce, |c| c + 1);
        #[allow(clippy::needless_range_loop)] // `k` is a token index used by np_left too
        for k in after..se {
            if toks[k].kind == TokKind::Quote {
                break;
            }
            if toks[k].is_lower_word() && is_reporting_verb(&toks[k].lower) {
                let sp = self
                    .np_left(k)
                    .filter(|s| s.0 >= after)
                    .or_else(|| self.inverted(k, se))
                    .or_else(|| self.sentence_subject(ss, r.open));
                if sp.is_some() {
                    return Some(Attr { sp, cue: Some((k, k + 1)), how: How::Late });
                }
            }
        }
        // A quotation paragraph after a paragraph about someone: that paragraph's subject.
        let (ps, _) = self.doc.paras[r.para];
        if r.open == ps && r.para > 0 {
            let (pps, ppe) = self.doc.paras[r.para - 1];
            let last_sent = toks[ppe - 1].sent;
            let (lss, lse) = self.doc.sents[last_sent];
            if lss >= pps
                && !self.has_quote(pps, ppe)
                && let Some(sp) = self.sentence_subject(lss, lse)
                && (sp.1 == sp.0 + 1 && matches!(toks[sp.0].lower.as_str(), "he" | "she")
                    || self
                        .ents
                        .entity_in(sp.0, sp.1)
                        .is_some_and(|e| self.ents.entities[e].kind == EntityKind::Person))
            {
                return Some(Attr { sp: Some(sp), cue: None, how: How::Guess });
            }
        }
        if r.open > ss + 2
            && let Some(sp) = self.sentence_subject(ss, r.open)
        {
            return Some(Attr { sp: Some(sp), cue: None, how: How::Guess });
        }
        let lo = r.open.saturating_sub(150);
        for i in (lo..r.open).rev() {
            if let Some(e) = self.ents.tok_entity[i]
                && self.ents.entities[e].kind == EntityKind::Person
            {
                let mut a = i;
                while a > 0 && self.ents.tok_entity[a - 1] == Some(e) {
                    a -= 1;
                }
                return Some(Attr { sp: Some((a, i + 1)), cue: None, how: How::Guess });
            }
        }
        None
    }

    /// The noun phrase ending just before token `k` (the subject of a cue at `k`).
    fn np_left(&self, k: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let sent = toks.get(k)?.sent;
        let ss = self.doc.sents[sent].0;
        let mut j = k;
        while j > ss
            && (gz::is_aux_or_adv(&toks[j - 1].lower)
                || toks[j - 1].is_lower_word()
                    && toks[j - 1].lower.ends_with("ly")
                    && toks[j - 1].lower.len() > 4)
        {
            j -= 1;
        }
        if j <= ss {
            return None;
        }
        // "The State Department less than two weeks ago said", "Trump on Monday said".
        let time_noun = j >= ss + 2
            && matches!(
                toks[j - 1].lower.as_str(),
                "week"
                    | "weeks"
                    | "month"
                    | "months"
                    | "year"
                    | "years"
                    | "weekend"
                    | "night"
                    | "morning"
                    | "afternoon"
                    | "evening"
                    | "day"
                    | "days"
            )
            && matches!(
                toks[j - 2].lower.as_str(),
                "last" | "this" | "next" | "earlier" | "the" | "that" | "previous" | "same"
            );
        if toks[j - 1].lower == "ago"
            || time_noun
            || gz::is_month_or_day(&toks[j - 1].lower)
            || TIME_WORDS.contains(&toks[j - 1].lower.as_str())
        {
            let mut m = j - 1;
            while m > ss
                && (matches!(
                    toks[m].lower.as_str(),
                    "ago"
                        | "than"
                        | "less"
                        | "more"
                        | "about"
                        | "just"
                        | "a"
                        | "few"
                        | "several"
                        | "on"
                        | "last"
                        | "this"
                        | "earlier"
                        | "week"
                        | "weeks"
                        | "month"
                        | "months"
                        | "year"
                        | "years"
                        | "day"
                        | "days"
                        | "night"
                        | "morning"
                        | "afternoon"
                        | "evening"
                        | "weekend"
                        | "over"
                        | "the"
                ) || gz::is_month_or_day(&toks[m].lower)
                    || TIME_WORDS.contains(&toks[m].lower.as_str())
                    || toks[m].text.chars().all(|c| c.is_ascii_digit())
                    || matches!(toks[m].lower.as_str(), "two" | "three" | "four" | "five" | "six"))
            {
                m -= 1;
            }
            if m + 1 < j && toks[m].kind == TokKind::Word {
                j = m + 1;
            }
        }
        // "Beck, who has in the past described": skip a short prepositional phrase.
        for p in (j.saturating_sub(5).max(ss)..j).rev() {
            if matches!(
                toks[p].lower.as_str(),
                "in" | "at" | "on" | "during" | "over" | "throughout" | "since"
            ) && (toks[p + 1..j].iter().all(|x| {
                x.is_lower_word()
                    || x.text.chars().all(|c| c.is_ascii_digit())
                    || gz::is_month_or_day(&x.lower)
            }) || toks[p + 1..j].iter().all(|x| x.kind == TokKind::Word)
                // "Jeb Bush in a Medium post said": the channel, named or not.
                && (gz::is_cue_noun(&toks[j - 1].lower)
                    || matches!(
                        toks[j - 1].lower.as_str(),
                        "op-ed" | "column" | "video" | "ad" | "appearance" | "email" | "memo"
                            | "book" | "call" | "conference" | "briefing" | "hearing"
                    )))
                && p + 1 < j
            {
                j = p;
                while j > ss && gz::is_aux_or_adv(&toks[j - 1].lower) {
                    j -= 1;
                }
                break;
            }
        }
        if j <= ss {
            return None;
        }
        // Parenthesis: "Ted Cruz (R-Texas) said".
        if toks[j - 1].text == ")" {
            let mut m = j - 1;
            while m > ss && toks[m].text != "(" {
                m -= 1;
            }
            if toks[m].text == "(" {
                j = m;
            }
        }
        if j <= ss {
            return None;
        }
        let p = &toks[j - 1];
        if gz::is_subject_pronoun(&p.lower) && p.lower != "who" {
            return Some((j - 1, j));
        }
        let end = j;
        if p.lower == "who" {
            return Some((j - 1, j));
        }
        if p.text == "," {
            return self.np_before_commas(j - 1, ss);
        }
        self.np_collect_left(end)
    }

    /// The subject before comma-separated material ending at the comma `c`:
    /// "Lavrov, the minister, said", "X had, in a report by Y, TASS, made", "Paul, R-Ky., told".
    fn np_before_commas(&self, c: usize, ss: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let seg_start = |end: usize| -> (usize, Option<usize>) {
            let lim = end.saturating_sub(20).max(ss);
            let mut q = end;
            while q > lim {
                q -= 1;
                if toks[q].text == "," {
                    return (q + 1, Some(q));
                }
                if toks[q].kind == TokKind::Quote {
                    return (q + 1, None);
                }
            }
            (lim, None)
        };
        let is_prep = |i: usize| {
            matches!(
                toks[i].lower.as_str(),
                "in" | "at"
                    | "on"
                    | "according"
                    | "during"
                    | "after"
                    | "before"
                    | "by"
                    | "with"
                    | "for"
                    | "from"
                    | "under"
                    | "speaking"
                    | "citing"
                    | "while"
                    | "when"
                    | "as"
            ) || toks[i].is_lower_word() && toks[i].lower.ends_with("ing")
        };
        let mut end = c;
        let mut rightmost = true;
        for _ in 0..4 {
            let (st, prev) = seg_start(end);
            if st >= end {
                return None;
            }
            if is_prep(st) {
                let pc = prev?;
                end = pc;
                rightmost = false;
                continue;
            }
            if rightmost && let Some(pc) = prev {
                let (lst, _) = seg_start(pc);
                if lst < pc && is_prep(lst) {
                    end = pc;
                    rightmost = false;
                    continue;
                }
            }
            let mut z = end;
            while z > st && gz::is_aux_or_adv(&toks[z - 1].lower) {
                z -= 1;
            }
            if z < end {
                return self.np_collect_left(z);
            }
            let pc = prev?;
            // Appositive chain ("Giovanni Maria Vian, chief of the paper, L'Osservatore Romano,
            // said"): the leftmost segment that starts with a name or pronoun is the subject.
            let mut best: Option<usize> = None;
            let (mut cst, mut cprev) = (st, prev);
            for _ in 0..4 {
                let f = &toks[cst];
                if f.is_cap() && !gz::is_common_cap(&f.lower)
                    || gz::is_subject_pronoun(&f.lower) && f.lower != "who"
                {
                    best = Some(cst);
                }
                let Some(p) = cprev else { break };
                let (lst, lprev) = seg_start(p);
                if lst >= p || is_prep(lst) || end - lst > 30 {
                    break;
                }
                cst = lst;
                cprev = lprev;
            }
            if let Some(b) = best
                && b < st
            {
                return Some((b, end));
            }
            if end - st <= 12
                && let Some(head) = self.np_collect_left(pc)
            {
                return Some((head.0, end));
            }
            return self.np_collect_left(end);
        }
        None
    }

    /// Collect a noun phrase leftwards from `end` (exclusive).
    fn np_collect_left(&self, end: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        if end == 0 {
            return None;
        }
        let sent = toks[end - 1].sent;
        let ss = self.doc.sents[sent].0;
        let last = &toks[end - 1];
        // "47% say": a percentage subject.
        if last.text == "%" && end >= 2 && toks[end - 2].kind == TokKind::Word {
            return Some((end - 2, end));
        }
        if last.kind != TokKind::Word {
            return None;
        }
        if gz::is_subject_pronoun(&last.lower) {
            return Some((end - 1, end));
        }
        // "Some said", "Many say", "Most argued": a quantifier standing as the subject.
        if matches!(
            last.lower.as_str(),
            "some" | "many" | "most" | "others" | "few" | "several" | "both" | "all" | "none"
        ) {
            let mut a = end - 1;
            if a > ss
                && matches!(toks[a - 1].lower.as_str(), "nearly" | "almost" | "about" | "very")
            {
                a -= 1;
            }
            return Some((a, end));
        }
        // "those surveyed say" is a subject; "having suggested" is not.
        let those = end >= 2
            && matches!(
                toks[end - 2].lower.as_str(),
                "those" | "people" | "voters" | "respondents"
            );
        if last.is_lower_word()
            && (last.lower.ends_with("ing") || last.lower.ends_with("ed"))
            && !those
        {
            return None;
        }
        let mut a = end;
        let cap_head = last.is_cap();
        while a > ss && a + 10 > end {
            let t = &toks[a - 1];
            if t.kind != TokKind::Word {
                break;
            }
            let l = t.lower.as_str();
            if cap_head {
                // Names and the titles or determiners before them.
                if t.is_cap() && !gz::is_common_cap(l)
                    || gz::is_person_title(l)
                    || gz::is_role_noun(l)
                    || gz::nationality(l).is_some()
                    || l.ends_with("'s")
                    || l == "former"
                    || l == "of"
                    // "A spokeswoman for Fiorina said".
                    || l == "for" && a >= ss + 2 && gz::is_role_noun(&toks[a - 2].lower)
                {
                    a -= 1;
                    continue;
                }
                if DETERMINERS.contains(&l) && a < end {
                    a -= 1;
                }
                break;
            }
            if NP_STOP.contains(&l)
                || t.is_lower_word() && gz::is_cue_verb(l) && a < end
                || gz::is_subject_pronoun(l)
                || gz::is_common_cap(l)
                    && !DETERMINERS.contains(&l)
                    && !matches!(l, "of" | "for" | "former" | "new")
            {
                break;
            }
            a -= 1;
            if DETERMINERS.contains(&l)
                && !(a > ss && matches!(toks[a - 1].lower.as_str(), "of" | "for"))
            {
                break;
            }
        }
        if a >= end {
            return None;
        }
        // Strip a leading "of"/"for".
        while a < end && matches!(toks[a].lower.as_str(), "of" | "for") {
            a += 1;
        }
        (a < end).then_some((a, end))
    }

    /// The noun phrase starting at `k` (after an inverted cue: "said Dennis B. Ross, …").
    fn np_right(&self, k: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let t = toks.get(k)?;
        if t.kind != TokKind::Word {
            return None;
        }
        if gz::is_subject_pronoun(&t.lower) {
            return Some((k, k + 1));
        }
        let name_soon = || {
            toks[k..(k + 5).min(toks.len())]
                .iter()
                .take_while(|x| x.kind == TokKind::Word && !NP_STOP.contains(&x.lower.as_str()))
                .any(|x| x.is_cap())
        };
        let lw = t.lower.as_str();
        let fn_word = matches!(
            lw,
            "that"
                | "this"
                | "these"
                | "those"
                | "there"
                | "it"
                | "but"
                | "and"
                | "or"
                | "so"
                | "if"
                | "when"
                | "while"
                | "as"
                | "in"
                | "on"
                | "at"
                | "for"
                | "with"
                | "after"
                | "before"
                | "what"
                | "then"
                | "now"
                | "yet"
                | "still"
                | "also"
                | "not"
                | "no"
        );
        let ok = !fn_word
            && (t.is_cap()
                || DETERMINERS.contains(&lw)
                || gz::is_role_noun(lw)
                || gz::is_person_title(lw)
                || name_soon());
        if !ok || TIME_WORDS.contains(&lw) || gz::is_month_or_day(lw) {
            return None;
        }
        let mut e = k;
        while e < toks.len() && e < k + 9 && toks[e].sent == t.sent {
            let x = &toks[e];
            if x.kind != TokKind::Word {
                break;
            }
            let l = x.lower.as_str();
            if e > k
                && (NP_STOP.contains(&l)
                    || TIME_WORDS.contains(&l)
                    || gz::is_month_or_day(l)
                    || x.is_lower_word() && gz::is_cue_verb(l))
            {
                break;
            }
            e += 1;
        }
        (e > k).then_some((k, e))
    }

    /// The subject of the sentence (for "… by warning that …" with no subject at the cue): a
    /// pronoun or entity after an introductory phrase, else the last person or pronoun before `limit`.
    fn sentence_subject(&self, ss: usize, limit: usize) -> Option<(usize, usize)> {
        let toks = self.toks();
        let mut i = ss;
        let first = toks[ss].lower.as_str();
        let intro = NP_STOP.contains(&first) && !matches!(first, "there" | "who")
            || TIME_WORDS.contains(&first)
            || matches!(
                first,
                "however"
                    | "meanwhile"
                    | "instead"
                    | "indeed"
                    | "for"
                    | "despite"
                    | "like"
                    | "unlike"
                    | "according"
                    | "asked"
                    | "speaking"
                    | "still"
                    | "but"
                    | "and"
                    | "yet"
                    | "so"
            )
            || toks[ss].kind != TokKind::Word;
        if intro && let Some(c) = (ss..limit).find(|&c| toks[c].text == ",") {
            i = c + 1;
            // Further introductory segments: "In Ames, Iowa, on Sunday, Mrs. Clinton …".
            for _ in 0..3 {
                let Some(n) = toks.get(i) else { break };
                let place = self.ents.tok_entity[i]
                    .is_some_and(|e| self.ents.entities[e].kind == EntityKind::Place);
                let lead = n.lower.as_str();
                let intro_seg = place
                    || NP_STOP.contains(&lead) && !matches!(lead, "there" | "who")
                    || TIME_WORDS.contains(&lead)
                    || gz::is_month_or_day(lead);
                if !intro_seg {
                    break;
                }
                match (i..limit).find(|&c| toks[c].text == ",") {
                    Some(c) if c - i <= 8 => i = c + 1,
                    _ => break,
                }
            }
        }
        // The first person/organisation mention, pronoun or role phrase near the start.
        let mut m = i;
        while m < limit && m < i + 8 {
            let t = &toks[m];
            if t.kind != TokKind::Word || t.lower == "that" || t.lower == "who" {
                break;
            }
            if gz::is_subject_pronoun(&t.lower) && t.lower != "it" {
                return Some((m, m + 1));
            }
            if let Some(e) = self.ents.tok_entity[m]
                && self.ents.entities[e].kind != EntityKind::Place
            {
                let mut b = m;
                while b < limit && self.ents.tok_entity[b] == Some(e) {
                    b += 1;
                }
                return Some((m, b));
            }
            if t.is_lower_word() && gz::is_role_noun(&t.lower) {
                return Some((i, m + 1));
            }
            m += 1;
        }
        while i < limit && toks[i].kind != TokKind::Word {
            i += 1;
        }
        if i < limit {
            let t = &toks[i];
            if gz::is_subject_pronoun(&t.lower) && t.lower != "who" && t.lower != "it" {
                return Some((i, i + 1));
            }
            if let Some(e) = self.ents.tok_entity[i] {
                let mut b = i;
                while b < limit && self.ents.tok_entity[b] == Some(e) {
                    b += 1;
                }
                return Some((i, b));
            }
        }
        let mut q = false;
        #[allow(clippy::needless_range_loop)] // `m` is a token index used for spans
        for m in ss..limit {
            let t = &toks[m];
            if t.kind == TokKind::Quote {
                q = !q;
                continue;
            }
            if q {
                continue;
            }
            if matches!(t.lower.as_str(), "he" | "she" | "they" | "we" | "i") {
                return Some((m, m + 1));
            }
            if let Some(e) = self.ents.tok_entity[m]
                && self.ents.entities[e].kind == EntityKind::Person
            {
                let mut b = m;
                while b < limit && self.ents.tok_entity[b] == Some(e) {
                    b += 1;
                }
                return Some((m, b));
            }
        }
        None
    }

    fn resolve_entity(&self, sp: (usize, usize)) -> Option<usize> {
        let toks = self.toks();
        if let Some(e) = self.ents.entity_in(sp.0, sp.1) {
            return Some(e);
        }
        let head = &toks[sp.1 - 1];
        if head.lower == "who" {
            let lo = sp.0.saturating_sub(5);
            return (lo..sp.0).rev().find_map(|i| self.ents.tok_entity[i]);
        }
        if matches!(head.lower.as_str(), "he" | "she" | "him" | "her") {
            // The most recent person mentioned before.
            let lo = sp.0.saturating_sub(300);
            for i in (lo..sp.0).rev() {
                if let Some(e) = self.ents.tok_entity[i]
                    && self.ents.entities[e].kind == EntityKind::Person
                {
                    return Some(e);
                }
            }
            return None;
        }
        if gz::is_role_noun(&head.lower) {
            let affil = toks[sp.0..sp.1].iter().find_map(|t| gz::nationality(&t.lower));
            return self.ents.person_with_role(&head.lower, affil);
        }
        None
    }

    /// The outlet or channel a statement came through, searched in the cue's sentence.
    fn via(&self, sent: usize, speaker_entity: Option<usize>) -> Option<String> {
        let toks = self.toks();
        let (ss, se) = self.doc.sents[sent];
        let mut i = ss;
        while i < se {
            let Some(e) = self.ents.tok_entity[i] else {
                i += 1;
                continue;
            };
            let mut b = i;
            while b < se && self.ents.tok_entity[b] == Some(e) {
                b += 1;
            }
            let ent = &self.ents.entities[e];
            if Some(e) != speaker_entity && ent.kind == EntityKind::Organization {
                let name_l = ent.name.to_lowercase();
                let outlet =
                    gz::is_outlet(&name_l) || gz::is_outlet(name_l.trim_start_matches("the "));
                let lo = i.saturating_sub(7).max(ss);
                let window: Vec<&str> = toks[lo..i].iter().map(|t| t.lower.as_str()).collect();
                let trig = window.iter().any(|w| {
                    matches!(
                        *w,
                        "by" | "with"
                            | "told"
                            | "tells"
                            | "telling"
                            | "via"
                            | "through"
                            | "to"
                            | "on"
                    ) || matches!(
                        *w,
                        "agency"
                            | "television"
                            | "channel"
                            | "outlet"
                            | "newspaper"
                            | "broadcaster"
                    )
                });
                let released =
                    window.iter().any(|w| matches!(*w, "released" | "issued" | "published"));
                let after_tv = toks.get(b).is_some_and(|t| {
                    matches!(t.lower.as_str(), "television" | "tv" | "radio" | "channel")
                });
                if (outlet && (trig || after_tv)) || released {
                    return Some(ent.name.clone());
                }
            }
            i = b;
        }
        None
    }

    fn make_quote(
        &self,
        cs: usize,
        ce: usize,
        kind: QuoteKind,
        attr: Option<&Attr>,
    ) -> Option<Quote> {
        let toks = self.toks();
        if cs >= ce {
            return None;
        }
        let start = toks[cs].start;
        let end = toks[ce - 1].end;
        let text = slice(&self.doc.chars, start, end);
        let (mut speaker, mut ss, mut se, mut ent, mut cue, mut via) =
            (None, None, None, None, None, None);
        let mut conf: f32 = 0.3;
        if let Some(a) = attr {
            if let Some((x, y)) = a.sp {
                let s0 = toks[x].start;
                let mut s1 = toks[y - 1].end;
                // Drop a possessive from the speaker string.
                let last = &toks[y - 1].text;
                for suf in ["'s", "’s"] {
                    if last.ends_with(suf) && last.chars().count() > 2 {
                        s1 -= 2;
                    }
                }
                speaker = Some(slice(&self.doc.chars, s0, s1));
                ss = Some(s0);
                se = Some(s1);
                let e = self.resolve_entity((x, y));
                ent = e.map(|e| self.ents.entities[e].id.clone());
                let sent = a.cue.map_or(toks[x].sent, |c| toks[c.0].sent);
                via = self.via(sent, e);
            }
            if let Some((c0, c1)) = a.cue {
                cue = Some(
                    toks[c0..c1]
                        .iter()
                        .map(|t| t.lower.trim_end_matches(':'))
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            conf = match a.how {
                How::After => 0.9,
                How::Before => 0.85,
                How::Colon => 0.8,
                How::Carry => 0.7,
                How::Late => 0.6,
                How::Guess => 0.35,
            };
            if kind == QuoteKind::Indirect {
                conf -= 0.25;
            }
        }
        Some(Quote {
            start,
            end,
            text,
            kind,
            speaker,
            speaker_start: ss,
            speaker_end: se,
            speaker_entity: ent,
            cue,
            via,
            confidence: conf,
        })
    }

    /// Reported speech: "X said (that) …", "…, X said.", "according to X, …".
    fn reported(&self, out: &mut Vec<Quote>, direct: &[(usize, usize)], in_region: &[bool]) {
        let toks = self.toks();
        for (si, &(ss, se)) in self.doc.sents.iter().enumerate() {
            let _ = si;
            // Sentence end without final punctuation and closing marks.
            let mut send = se;
            while send > ss && (toks[send - 1].kind == TokKind::Punct && toks[send - 1].text != ")")
            {
                send -= 1;
            }
            self.colon_speaker(si, out, in_region);
            self.block_quote(si, out);
            let mut k = ss;
            while k < send {
                let t = &toks[k];
                if in_region[k] || t.kind != TokKind::Word {
                    k += 1;
                    continue;
                }
                // `…,” said Smith`: the quotation is the content, handled as a direct quote.
                let after_quote = k > ss
                    && (toks[k - 1].kind == TokKind::Quote
                        || toks[k - 1].text == ","
                            && k > ss + 1
                            && toks[k - 2].kind == TokKind::Quote)
                    // "Mr. Manafort, citing ''the magic,'' said …": the quotation is inside the
                    // subject's parenthesis, not the content.
                    && !self.np_left(k).is_some_and(|sp| {
                        let q = if toks[k - 1].kind == TokKind::Quote { k - 1 } else { k - 2 };
                        (sp.1..q).any(|m| toks[m].kind == TokKind::Quote) && sp.1 < q
                    });
                let headline_cue = !t.is_lower_word()
                    && matches!(
                        t.lower.as_str(),
                        "says"
                            | "said"
                            | "tells"
                            | "told"
                            | "claims"
                            | "admits"
                            | "warns"
                            | "denies"
                            | "thinks"
                            | "wants"
                            | "asks"
                            | "calls"
                            | "slams"
                            | "blasts"
                            | "explains"
                            | "reveals"
                            | "insists"
                            | "vows"
                    )
                    && self.is_headline(si);
                let cue_shape = t.is_lower_word()
                    || t.lower == "according"
                    || headline_cue
                    || (t.lower == "asked" && k == ss);
                if after_quote
                    && cue_shape
                    && t.is_lower_word()
                    && INVERTIBLE.contains(&t.lower.as_str())
                {
                    // `… have engaged in “consistent activity …,” says the lawsuit.`: a partial
                    // quotation inside reported content; the whole clause is the content.
                    let qend = if toks[k - 1].text == "," { k - 2 } else { k - 1 };
                    let qopen = (ss..qend)
                        .rev()
                        .find(|&m| toks[m].kind == TokKind::Quote && opens_here(toks, m));
                    if let Some(o) = qopen
                        && self.words_in(ss, o) >= 3
                        && !self.has_quote(ss, o)
                        && let Some(sp) = self.inverted(k, send).or_else(|| self.np_left(k))
                    {
                        let attr = Attr { sp: Some(sp), cue: Some((k, k + 1)), how: How::After };
                        self.push_indirect_min(out, ss, qend + 1, &attr, in_region, 3);
                    }
                }
                if after_quote || !cue_shape {
                    k += 1;
                    continue;
                }
                let l = t.lower.as_str();
                // according to X, CONTENT  /  CONTENT, according to X
                if l == "according" && toks.get(k + 1).is_some_and(|n| n.lower == "to") {
                    // The source runs to the next comma: "according to early results of exit
                    // polls conducted for … by Edison Research, …".
                    let src_end = (k + 2..send.min(k + 30))
                        .find(|&m| toks[m].text == "," || toks[m].kind == TokKind::Quote)
                        .unwrap_or(send.min(k + 30));
                    let src = (src_end > k + 2).then_some((k + 2, src_end));
                    if let Some(sp) = self.np_right(k + 2).or(src) {
                        let attr = Attr { sp: Some(sp), cue: Some((k, k + 2)), how: How::Before };
                        // "… view Trump unfavorably according to the poll": no comma.
                        let bare = k > ss + 2 && toks[k - 1].kind == TokKind::Word;
                        if bare {
                            self.push_indirect(out, ss, k, &attr, direct, in_region);
                        } else if k == ss || (k > ss && toks[k - 1].text == ",") {
                            // content: after the NP's comma to the end, or before "according".
                            let (a, b) = if k == ss {
                                let c = (sp.1..send)
                                    .find(|&c| toks[c].text == ",")
                                    .map_or(sp.1, |c| c + 1);
                                (c, send)
                            } else {
                                (ss, k - 1)
                            };
                            self.push_indirect(out, a, b, &attr, direct, in_region);
                        }
                    }
                    k += 2;
                    continue;
                }
                // "O'Malley's move was first reported by MSNBC.": the passive agent is the source
                // and the subject the content.
                if matches!(l, "reported" | "confirmed" | "announced" | "disclosed" | "revealed")
                    && toks.get(k + 1).is_some_and(|n| n.lower == "by")
                {
                    let mut p = k;
                    while p > ss
                        && (toks[p - 1].lower.ends_with("ly")
                            || matches!(toks[p - 1].lower.as_str(), "first" | "also" | "later"))
                    {
                        p -= 1;
                    }
                    if p > ss + 1
                        && matches!(
                            toks[p - 1].lower.as_str(),
                            "was" | "were" | "is" | "are" | "been"
                        )
                    {
                        let mut be = p - 1;
                        if be > ss && matches!(toks[be - 1].lower.as_str(), "has" | "have" | "had")
                        {
                            be -= 1;
                        }
                        let src_end =
                            (k + 2..send).find(|&m| toks[m].kind != TokKind::Word).unwrap_or(send);
                        if src_end > k + 2 && be > ss {
                            let attr = Attr {
                                sp: Some((k + 2, src_end)),
                                cue: Some((k, k + 2)),
                                how: How::After,
                            };
                            self.push_indirect_min(out, ss, be, &attr, in_region, 1);
                            k += 2;
                            continue;
                        }
                    }
                }
                // "Asked about X, Rubio said …" / "When asked whether …": the question, no source.
                if l == "asked"
                    && (k == ss || toks[k - 1].lower == "when" || toks[k - 1].lower == "if")
                    && k + 1 < send
                {
                    let mut c = k + 1;
                    if toks[c].lower == "by" {
                        while c < send
                            && toks[c].text != ","
                            && !matches!(
                                toks[c].lower.as_str(),
                                "about" | "whether" | "if" | "why" | "how" | "what" | "to"
                            )
                        {
                            c += 1;
                        }
                    }
                    if let Some(b) = (c..send).find(|&m| toks[m].text == ",")
                        && b > c
                        && b - c <= 40
                        && let Some(q) = self.make_quote(
                            c,
                            b,
                            QuoteKind::Indirect,
                            Some(&Attr { sp: None, cue: Some((k, k + 1)), how: How::Before }),
                        )
                    {
                        out.push(q);
                    }
                    k += 1;
                    continue;
                }
                // "made a declaration (early Friday) that …".
                if gz::is_cue_noun(l) && k >= ss + 2 {
                    let made = (k.saturating_sub(3).max(ss)..k).find(|&m| {
                        matches!(
                            toks[m].lower.as_str(),
                            "made" | "issued" | "make" | "makes" | "making" | "released" | "gave"
                        )
                    });
                    let that = (k + 1..(k + 8).min(send)).find(|&m| toks[m].lower == "that");
                    if let (Some(m), Some(t)) = (made, that)
                        && !toks[k + 1..t].iter().any(|x| x.kind != TokKind::Word)
                        && let Some(sp) = self.cue_subject(m, ss, send)
                    {
                        let attr = Attr { sp: Some(sp), cue: Some((m, k + 1)), how: How::Before };
                        self.push_indirect(out, t, send, &attr, direct, in_region);
                        k = t;
                        continue;
                    }
                }
                // "Trump is expected to speak", "the race seemed to be his to lose": an
                // attribution without a stated source; subject and predicate are the content.
                if let Some(b) = self.raising(k, send) {
                    // "Clinton was asked about her speeches": only the question is content.
                    let a = if l == "asked" {
                        if toks[k + 1].lower == "about" { k + 2 } else { k + 1 }
                    } else {
                        self.clause_start(k, ss)
                    };
                    if a != k && a < b && !in_region[a] {
                        let attr = Attr { sp: None, cue: Some((k, k + 1)), how: How::Late };
                        self.push_indirect_min(out, a, b, &attr, in_region, 3);
                    }
                    k += 1;
                    continue;
                }
                let before = out.len();
                if !is_reporting_verb(l)
                    || (k > 0 && toks[k - 1].lower == "to")
                    || !self.verb_use(k)
                {
                    self.complement(k, ss, send, out, in_region);
                    k += 1;
                    continue;
                }
                // "…, X said." / "…, said X."
                let sp_left = self.np_left(k);
                let opens_clause = self.content_start(k, send).is_some();
                if let Some(sp) = sp_left {
                    let parenthetical = toks.get(k + 1).is_some_and(|n| n.text == ",")
                        && self.words_in(k + 1, send) >= 3
                        && !(sp.0 > ss && toks[sp.0 - 1].kind == TokKind::Quote)
                        && !toks.get(k + 2).is_some_and(|n| {
                            matches!(n.lower.as_str(), "a" | "an" | "the" | "who" | "which")
                        });
                    // `…, Kilfoyle said.` or `… are “very, very pro-Bernie,” Kilfoyle said.`
                    // The closing-mark form only when no cue before the quotation attributes it
                    // already ("… had declared that “…,” Lavrov said.").
                    let no_cue_before = || {
                        !(ss..sp.0).any(|m| {
                            !in_region[m]
                                && toks[m].is_lower_word()
                                && gz::is_cue_verb(&toks[m].lower)
                                && self.verb_use(m)
                        })
                    };
                    let comma_before = sp.0 >= ss + 2 && toks[sp.0 - 1].text == ","
                        || sp.0 >= ss + 2
                            && toks[sp.0 - 1].kind == TokKind::Quote
                            && toks[sp.0 - 2].text == ","
                            && no_cue_before();
                    if sp.0 >= ss + 2
                        && comma_before
                        && !opens_clause
                        && (self.tail_is_short(k + 1, send) || parenthetical)
                        && !self.has_quote(k + 1, se)
                    {
                        let attr = Attr { sp: Some(sp), cue: Some((k, k + 1)), how: How::After };
                        // "In the long run, many economists say, this effect …": both sides.
                        let end = if parenthetical {
                            send
                        } else if toks[sp.0 - 1].kind == TokKind::Quote {
                            sp.0
                        } else {
                            sp.0 - 1
                        };
                        self.push_indirect(out, ss, end, &attr, direct, in_region);
                        k += 1;
                        continue;
                    }
                }
                if k > ss + 2
                    && toks[k - 1].text == ","
                    && let Some(sp) = self.inverted(k, send)
                {
                    let appositive = toks.get(sp.1).is_some_and(|n| n.text == ",");
                    if (self.tail_is_short(sp.1, send) || appositive) && !self.has_quote(k + 1, se)
                    {
                        let attr = Attr { sp: Some(sp), cue: Some((k, k + 1)), how: How::After };
                        self.push_indirect(out, ss, k - 1, &attr, direct, in_region);
                        k += 1;
                        continue;
                    }
                }
                // "the kind of job that many economists say is the future": the content is the
                // relative word and the predicate after the cue.
                if let Some((rel, sp)) = self.gapped_relative(k, ss) {
                    let b = self.clause_end(k + 1, send);
                    let attr = Attr { sp: Some(sp), cue: Some((k, k + 1)), how: How::Before };
                    self.push_indirect_min(out, rel, b, &attr, in_region, 3);
                    k += 1;
                    continue;
                }
                // "X said (that) CONTENT" (but not "…, said Rita Katz, the director …").
                let inverted_here =
                    k > ss && toks[k - 1].text == "," && self.inverted(k, send).is_some();
                if let Some(c) = self.content_start(k, send).filter(|_| !inverted_here) {
                    let sp = self.cue_subject(k, ss, send);
                    if sp.is_some() {
                        let attr = Attr { sp, cue: Some((k, k + 1)), how: How::Before };
                        // Content runs to the sentence end, or to the next reporting clause.
                        let mut b = self.clause_end(c, send);
                        // "While Ramos said that …, he appears …": a subordinate clause ends at
                        // its comma.
                        let sub = matches!(
                            toks[ss].lower.as_str(),
                            "while"
                                | "although"
                                | "though"
                                | "if"
                                | "when"
                                | "as"
                                | "because"
                                | "since"
                                | "whereas"
                                | "even"
                                | "after"
                                | "before"
                                | "once"
                        ) && !(ss..k).any(|m| toks[m].text == ",");
                        if sub
                            && let Some(cm) =
                                (c + 1..b).find(|&m| toks[m].text == "," && !in_region[m])
                        {
                            b = cm;
                        }
                        self.push_indirect(out, c, b, &attr, direct, in_region);
                    }
                }
                if out.len() == before {
                    self.complement(k, ss, send, out, in_region);
                }
                k += 1;
            }
        }
    }

    /// Where reported content starting at `c` ends: the sentence end, or a clause boundary (", but
    /// …", ", according to …", "and suspected …", "; …").
    fn clause_end(&self, c: usize, send: usize) -> usize {
        let toks = self.toks();
        let mut depth = 0i32;
        for m in c + 1..send {
            let t = &toks[m];
            if t.kind == TokKind::Quote {
                continue;
            }
            match t.text.as_str() {
                "(" | "[" => depth += 1,
                ")" | "]" => depth -= 1,
                _ => {}
            }
            if depth > 0 {
                continue;
            }
            // A dash or colon adds an elaboration, still part of the content, unless a new
            // clause follows ("– although …"); a semicolon ends it.
            if t.text == ";" {
                return m;
            }
            if matches!(t.text.as_str(), "—" | "–" | "--" | "-")
                && t.space_before
                && toks.get(m + 1).is_some_and(|n| {
                    matches!(
                        n.lower.as_str(),
                        "although" | "though" | "while" | "but" | "whereas" | "and" | "even"
                    )
                })
            {
                return m;
            }
            let mut nn = m + 1;
            while nn < send && toks[nn].kind == TokKind::Quote {
                nn += 1;
            }
            let n = toks.get(nn);
            // ", but that …": a second clause of the same report.
            let second_that = n.is_some_and(|n| n.lower == "but" || n.lower == "and")
                && toks.get(nn + 1).is_some_and(|x| x.lower == "that");
            if t.text == "," && !second_that {
                if n.is_some_and(|n| {
                    matches!(
                        n.lower.as_str(),
                        "according"
                            | "but"
                            | "while"
                            | "although"
                            | "though"
                            | "whereas"
                            | "even"
                            | "compared"
                            | "a"
                            | "an"
                            | "up"
                            | "down"
                            | "despite"
                            | "far"
                            | "nearly"
                            | "almost"
                            | "well"
                    ) || (is_reporting_verb(&n.lower) && n.lower != "saying")
                }) {
                    return m;
                }
                // ", and he railed": a new clause with its own subject.
                if n.is_some_and(|n| n.lower == "and" || n.lower == "but")
                    && toks.get(m + 2).is_some_and(|x| {
                        matches!(x.lower.as_str(), "he" | "she" | "they" | "we" | "i" | "it")
                    })
                {
                    return m;
                }
                // ", and more than 4 in 10 said …": a second report with its own source.
                if n.is_some_and(|n| n.lower == "and" || n.lower == "but")
                    && (m + 3..(m + 10).min(send))
                        .take_while(|&x| toks[x].kind == TokKind::Word)
                        .any(|x| {
                            toks[x].is_lower_word()
                                && gz::is_speech_verb(&toks[x].lower)
                                && !toks[x].lower.ends_with("ing")
                                && self.verb_use(x)
                        })
                {
                    return m;
                }
            }
            // "but did not say …": a second verb phrase of the reporting subject.
            if t.lower == "but"
                && n.is_some_and(|n| {
                    matches!(
                        n.lower.as_str(),
                        "did"
                            | "didn't"
                            | "also"
                            | "said"
                            | "declined"
                            | "refused"
                            | "added"
                            | "noted"
                            | "insisted"
                            | "has"
                            | "had"
                    )
                })
            {
                return m;
            }
            // "and suspected …": a second verb phrase of the reporting subject.
            if t.lower == "and"
                && n.is_some_and(|n| {
                    n.is_lower_word()
                        && (n.lower.ends_with("ed") && n.lower.len() > 4
                            || is_reporting_verb(&n.lower)
                            || gz::is_cue_verb(&n.lower) && n.lower.ends_with('s')
                            || matches!(
                                n.lower.as_str(),
                                "has"
                                    | "have"
                                    | "had"
                                    | "would"
                                    | "will"
                                    | "could"
                                    | "did"
                                    | "does"
                                    | "also"
                            ))
                })
            {
                return m;
            }
        }
        send
    }

    /// After "said" at `k`: where the reported content starts, if the verb introduces one.
    fn content_start(&self, k: usize, send: usize) -> Option<usize> {
        let toks = self.toks();
        let n = toks.get(k + 1)?;
        if k + 1 >= send {
            return None;
        }
        if n.lower == "that" {
            return Some(k + 1);
        }
        // An embedded question: "explained how …", "did not say who …", "asked whether …".
        let asking = matches!(
            toks[k].lower.as_str(),
            "asked" | "asks" | "ask" | "asking" | "wondered" | "wonders" | "wonder" | "wondering"
        );
        if matches!(n.lower.as_str(), "how" | "why" | "whether" | "what" | "who" | "where")
            || asking && n.lower == "if"
        {
            return Some(k + 1);
        }
        let tell = matches!(toks[k].lower.as_str(), "told" | "tells" | "tell" | "telling");
        // "said of a list that included …": "of" names the topic, not a clause.
        if n.lower == "of" {
            return None;
        }
        // "said he eventually came to recognize that …": the clause starts right away.
        if !tell && matches!(n.lower.as_str(), "he" | "she" | "they" | "we" | "i" | "it" | "there")
        {
            return Some(k + 1);
        }
        // "says tonight he's a step closer …".
        if (TIME_WORDS.contains(&n.lower.as_str()) || gz::is_month_or_day(&n.lower))
            && toks.get(k + 2).is_some_and(|x| {
                matches!(
                    x.lower.as_str(),
                    "he" | "she"
                        | "they"
                        | "we"
                        | "i"
                        | "he's"
                        | "she's"
                        | "they're"
                        | "we're"
                        | "i'm"
                        | "it's"
                )
            })
        {
            return Some(k + 2);
        }
        // "said if elected he could …".
        let plain_verb = matches!(
            toks[k].lower.as_str(),
            "said"
                | "says"
                | "say"
                | "added"
                | "argued"
                | "insisted"
                | "noted"
                | "warned"
                | "predicted"
                | "suggested"
        );
        if plain_verb
            && matches!(
                n.lower.as_str(),
                "if" | "when" | "because" | "although" | "once" | "unless"
            )
        {
            return Some(k + 1);
        }
        // "said in a statement that", "told reporters that", "said Friday that" (not "reported
        // 20 victims at a center that …", where "that" opens a relative clause).
        let window = if tell { 16 } else { 8 };
        let nl = n.lower.as_str();
        let quantity = nl == "at"
            && toks.get(k + 2).is_some_and(|x| matches!(x.lower.as_str(), "least" | "most"));
        let adjunct = !quantity && tell
            || n.is_cap()
            || n.kind != TokKind::Word
            || TIME_WORDS.contains(&nl)
            || gz::is_month_or_day(nl)
            || gz::is_aux_or_adv(nl)
            || nl.ends_with("ly")
            || !quantity
                && matches!(
                    nl,
                    "in" | "on"
                        | "at"
                        | "during"
                        | "after"
                        | "before"
                        | "through"
                        | "to"
                        | "with"
                        | "over"
                        | "via"
                        | "by"
                        | "from"
                        | "of"
                        | "for"
                        | "under"
                        | "while"
                        | "when"
                        | "me"
                        | "us"
                        | "him"
                        | "her"
                        | "them"
                        | "reporters"
                );
        for m in k + 1..if adjunct { (k + window + 4).min(send) } else { k + 1 } {
            let t = &toks[m];
            // A quoted title may stand in between ("said on ABC's “This Week” that").
            if t.kind == TokKind::Quote && !(m > k + 2 && self.words_in(k + 1, m) <= 6) {
                break;
            }
            if t.lower == "that" && m > k + 1 {
                let prev = &toks[m - 1];
                if prev.kind == TokKind::Word && !DETERMINERS.contains(&prev.lower.as_str()) {
                    return Some(m);
                }
            }
            if t.kind == TokKind::Punct && t.text != "," {
                break;
            }
        }
        if plain_verb {
            // `said "local forces" must lead`: a partial quotation opens the clause.
            if n.kind == TokKind::Quote && opens_here(toks, k + 1) {
                return Some(k + 1);
            }
            // `said, the media considered him …` (no quotation follows).
            if n.text == ","
                && let Some(x) = toks.get(k + 2)
                && k + 2 < send
                && x.kind == TokKind::Word
                && (gz::is_subject_pronoun(&x.lower) && x.lower != "who"
                    || DETERMINERS.contains(&x.lower.as_str()) && x.lower != "that")
            {
                return Some(k + 2);
            }
            // `has said 2,093 of the emails were …`.
            if n.text.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return Some(k + 1);
            }
        }
        if n.kind != TokKind::Word {
            return None;
        }
        let l = n.lower.as_str();
        if NP_STOP.contains(&l) && !matches!(l, "there" | "it's")
            || TIME_WORDS.contains(&l)
            || gz::is_month_or_day(l)
        {
            return None;
        }
        let verb = toks[k].lower.as_str();
        // "told Flint residents not to drink …": the hearer and the order are the content.
        if tell
            && let Some(to) = (k + 2..(k + 7).min(send)).find(|&m| toks[m].lower == "to")
            && toks[k + 1..to].iter().all(|x| {
                x.kind == TokKind::Word && !NP_STOP.contains(&x.lower.as_str()) || x.lower == "not"
            })
        {
            return Some(k + 1);
        }
        // "told POLITICO they were …", "told me photo …": skip the hearer.
        if tell {
            let mut m = k + 1;
            if matches!(
                l,
                "me" | "us" | "him" | "her" | "them" | "reporters" | "supporters" | "voters"
            ) {
                m += 1;
            } else if n.is_cap() && !gz::is_common_cap(l) {
                while m < send && toks[m].is_cap() {
                    m += 1;
                }
            } else {
                return None;
            }
            let x = toks.get(m).filter(|_| m < send)?;
            let xl = x.lower.as_str();
            if gz::is_subject_pronoun(xl) && xl != "who"
                || DETERMINERS.contains(&xl) && xl != "that"
                || x.is_cap()
                || xl == "there"
            {
                return Some(m);
            }
            return None;
        }
        if matches!(
            verb,
            "told"
                | "tells"
                | "tell"
                | "telling"
                | "asked"
                | "asks"
                | "called"
                | "calls"
                | "calling"
                | "accused"
                | "praised"
                | "criticized"
                | "blamed"
                | "described"
                | "urged"
                | "read"
        ) {
            return None;
        }
        if !is_core_reporting_verb(verb) {
            return None;
        }
        // A clause start: pronoun, determiner, name, "there".
        if gz::is_subject_pronoun(l)
            || DETERMINERS.contains(&l)
            || n.is_cap()
            || l == "there"
            || l == "it's"
            || matches!(l, "we're" | "he's" | "she's" | "they're" | "i'm" | "no")
        {
            return Some(k + 1);
        }
        // After a plain speech verb, any other content word starts the clause ("said comments
        // from … were").
        let plain = matches!(
            verb,
            "said"
                | "says"
                | "say"
                | "added"
                | "adds"
                | "argued"
                | "argues"
                | "insisted"
                | "insists"
                | "noted"
                | "notes"
                | "claimed"
                | "claims"
                | "believes"
                | "believe"
                | "think"
                | "thinks"
                | "warned"
                | "predicted"
                | "acknowledged"
                | "admitted"
                | "conceded"
                | "suggested"
                | "stressed"
                | "explained"
                | "declared"
                | "wrote"
                | "writes"
                | "tweeted"
        );
        if plain
            && n.is_lower_word()
            && !l.ends_with("ly")
            && !gz::is_aux_or_adv(l)
            && !matches!(l, "of" | "for" | "after" | "before" | "during" | "upon" | "via")
        {
            return Some(k + 1);
        }
        None
    }

    /// A subject that can be a source: a person or organisation mention, a personal pronoun,
    /// or a role noun.
    fn is_agent(&self, sp: (usize, usize)) -> bool {
        let toks = self.toks();
        let head = &toks[sp.1 - 1];
        if matches!(head.lower.as_str(), "he" | "she" | "they" | "we" | "i" | "you" | "who") {
            return true;
        }
        if let Some(e) = self.ents.entity_in(sp.0, sp.1) {
            return self.ents.entities[e].kind != EntityKind::Place || sp.1 - sp.0 == 1;
        }
        gz::is_role_noun(&head.lower)
            || head.is_cap()
            || matches!(
                head.lower.as_str(),
                "critics"
                    | "analysts"
                    | "experts"
                    | "officials"
                    | "aides"
                    | "advisers"
                    | "advisors"
                    | "strategists"
                    | "commentators"
                    | "observers"
                    | "supporters"
                    | "opponents"
                    | "voters"
                    | "economists"
                    | "lawmakers"
                    | "leaders"
                    | "activists"
                    | "conservatives"
                    | "liberals"
                    | "progressives"
                    | "pundits"
                    | "insiders"
                    | "donors"
                    | "members"
                    | "people"
                    | "residents"
                    | "respondents"
                    | "historians"
                    | "scholars"
                    | "investigators"
                    | "prosecutors"
                    | "lawyers"
                    | "allies"
                    | "rivals"
                    | "campaign"
                    | "administration"
                    | "government"
                    | "committee"
                    | "group"
                    | "poll"
                    | "survey"
                    | "report"
                    | "study"
            )
    }

    /// "X criticized/endorsed/wants …": the complement of an attitude verb is the attributed
    /// content.
    fn complement(
        &self,
        k: usize,
        ss: usize,
        send: usize,
        out: &mut Vec<Quote>,
        in_region: &[bool],
    ) {
        let toks = self.toks();
        let t = &toks[k];
        let l = t.lower.as_str();
        // Prepositional cues: "referring to", "pointed to", "talking about", "called for".
        let particle = toks
            .get(k + 1)
            .is_some_and(|n| matches!(n.lower.as_str(), "to" | "for" | "about" | "of" | "on"))
            && matches!(
                l,
                "referring"
                    | "referred"
                    | "refers"
                    | "pointing"
                    | "pointed"
                    | "points"
                    | "talking"
                    | "speaking"
                    | "talked"
                    | "voted"
                    | "voting"
                    | "complained"
                    | "complaining"
                    | "warned"
                    | "warning"
                    | "asked"
                    | "asking"
                    | "calling"
                    | "called"
                    | "calls"
                    | "argued"
                    | "arguing"
                    | "pushed"
                    | "pushing"
                    | "advocated"
                    | "advocating"
            );
        if !((is_complement_verb(l) || particle) && self.verb_use(k) && t.is_lower_word())
            || k > 0 && toks[k - 1].lower == "to"
        {
            return;
        }
        // Passive ("was criticized by", "was first reported"): not the subject's statement.
        let mut p = k;
        while p > ss
            && (toks[p - 1].lower.ends_with("ly")
                || matches!(
                    toks[p - 1].lower.as_str(),
                    "first" | "also" | "later" | "since" | "then"
                ))
        {
            p -= 1;
        }
        if p > 0
            && matches!(
                toks[p - 1].lower.as_str(),
                "was" | "were" | "is" | "are" | "been" | "be" | "being" | "got"
            )
        {
            return;
        }
        let Some(sp) = self.cue_subject(k, ss, send).filter(|sp| self.is_agent(*sp)) else {
            return;
        };
        let mut c = k + 1;
        if c < send
            && (particle
                || matches!(toks[c].lower.as_str(), "for" | "on" | "to" | "that" | "about")
                    && l.starts_with("call"))
        {
            c += 1;
        }
        if c >= send
            || toks[c].kind != TokKind::Word
            || toks[c].lower.ends_with("ly")
            || matches!(
                toks[c].lower.as_str(),
                "from"
                    | "in"
                    | "on"
                    | "at"
                    | "during"
                    | "by"
                    | "with"
                    | "into"
                    | "over"
                    | "after"
                    | "before"
                    | "since"
                    | "recently"
                    | "earlier"
                    | "later"
                    | "again"
                    | "also"
                    | "not"
                    | "himself"
                    | "herself"
                    | "itself"
                    | "themselves"
                    | "of"
            )
        {
            return;
        }
        let mut b = c;
        while b < send {
            let x = &toks[b];
            if matches!(x.text.as_str(), ";" | ":" | "—" | "–" | "--")
                || x.text == "-" && x.space_before
            {
                break;
            }
            if x.text == ","
                && toks.get(b + 1).is_some_and(|n| {
                    COMPLEMENT_STOP.contains(&n.lower.as_str()) || n.lower.ends_with("ing")
                })
            {
                break;
            }
            b += 1;
        }
        let clausal = matches!(
            toks[c].lower.as_str(),
            "to" | "that" | "whether" | "if" | "how" | "what" | "why" | "who" | "when" | "where"
        );
        if !clausal {
            b = self.np_object_end(c, b);
        }
        if b > c {
            let attr = Attr { sp: Some(sp), cue: Some((k, k + 1)), how: How::Before };
            self.push_indirect_min(out, c, b, &attr, in_region, COMPLEMENT_MIN_WORDS);
        }
    }

    /// A block quotation: a paragraph without quotation marks after a paragraph that ends with
    /// an attribution and a colon ("Obama said in a statement:").
    fn block_quote(&self, si: usize, out: &mut Vec<Quote>) {
        let toks = self.toks();
        let (ss, _) = self.doc.sents[si];
        let p = toks[ss].para;
        let (ps, pe) = self.doc.paras[p];
        if ps != ss || p == 0 || ps == 0 || toks[ps - 1].text != ":" {
            return;
        }
        if self.has_quote(ps, pe) || self.words_in(ps, pe) < 5 {
            return;
        }
        let (pps, _) = self.doc.paras[p - 1];
        let lsent = toks[ps - 1].sent;
        let lss = self.doc.sents[lsent].0.max(pps);
        let Some(k) = (lss..ps - 1).rev().find(|&m| {
            toks[m].is_lower_word() && gz::is_cue_verb(&toks[m].lower) && self.verb_use(m)
        }) else {
            return;
        };
        let sp = self.cue_subject(k, lss, ps - 1);
        if sp.is_none() {
            return;
        }
        let attr = Attr { sp, cue: Some((k, k + 1)), how: How::Colon };
        if let Some(q) = self.make_quote(ps, pe, QuoteKind::Direct, Some(&attr)) {
            out.push(q);
        }
    }

    /// Transcript and headline form at a paragraph start: "Q: …", "Alex Seitz-Wald: …",
    /// "Bernie Sanders: …".
    fn colon_speaker(&self, si: usize, out: &mut Vec<Quote>, in_region: &[bool]) {
        let toks = self.toks();
        let (ss, _) = self.doc.sents[si];
        let p = toks[ss].para;
        let (ps, pe) = self.doc.paras[p];
        if ps != ss {
            return;
        }
        let Some(c) = (ss..(ss + 5).min(pe)).find(|&m| toks[m].text == ":") else { return };
        if c == ss
            || !toks[ss..c]
                .iter()
                .all(|t| t.is_cap() && !gz::is_common_cap(&t.lower) || t.text == "-")
        {
            return;
        }
        if self.words_in(c + 1, pe) < 3 {
            return;
        }
        let attr = Attr { sp: Some((ss, c)), cue: Some((c, c + 1)), how: How::Before };
        // Quotations inside are already statements; add the rest as reported content.
        let direct_only =
            (c + 1..pe).filter(|&i| toks[i].kind == TokKind::Word).all(|i| in_region[i]);
        if direct_only {
            return;
        }
        if let Some(q) = self.make_quote(c + 1, pe, QuoteKind::Indirect, Some(&attr)) {
            out.push(q);
        }
    }

    /// Whether the cue word at `k` is used as a verb: not after a determiner or possessive
    /// ("its claims", "Pyongyang's claims", "the reported bomber").
    fn verb_use(&self, k: usize) -> bool {
        let toks = self.toks();
        if k == 0 {
            return true;
        }
        let p = &toks[k - 1];
        let l = p.lower.as_str();
        if toks[k].lower == "think" && toks.get(k + 1).is_some_and(|n| n.lower == "tank") {
            return false;
        }
        // "Many say", "some argued" (but "some claims" is a noun).
        if matches!(l, "many" | "some") && !toks[k].lower.ends_with('s') {
            return true;
        }
        !(matches!(
            l,
            "the"
                | "a"
                | "an"
                | "its"
                | "his"
                | "her"
                | "their"
                | "our"
                | "my"
                | "your"
                | "this"
                | "these"
                | "those"
                | "many"
                | "some"
                | "such"
                | "of"
        ) || l.ends_with("'s") && p.kind == TokKind::Word
            || p.is_cap() && toks[k].lower.ends_with('s') && gz::nationality(l).is_some())
    }

    /// A title-case sentence that is a whole paragraph (a headline).
    fn is_headline(&self, si: usize) -> bool {
        let toks = self.toks();
        let (ss, se) = self.doc.sents[si];
        let p = toks[ss].para;
        if self.doc.paras[p] != (ss, se)
            && !(self.doc.paras[p].0 == ss && self.doc.paras[p].1 <= se + 2)
        {
            return false;
        }
        let long: Vec<_> = toks[ss..se]
            .iter()
            .filter(|t| t.kind == TokKind::Word && t.text.chars().count() > 3)
            .collect();
        long.len() >= 3 && long.iter().filter(|t| t.is_cap()).count() * 10 >= long.len() * 8
    }

    fn has_quote(&self, a: usize, b: usize) -> bool {
        let toks = self.toks();
        let b = b.min(toks.len());
        (a.min(b)..b).any(|i| {
            let t = &toks[i];
            // "Sanders’ plan": a possessive apostrophe, not a quotation mark.
            let possessive = !t.space_before
                && i > 0
                && toks[i - 1].kind == TokKind::Word
                && toks[i - 1].lower.ends_with('s')
                && matches!(t.text.as_str(), "’" | "'")
                && toks.get(i + 1).is_some_and(|n| n.space_before);
            t.kind == TokKind::Quote && !possessive
        })
    }

    fn tail_is_short(&self, from: usize, send: usize) -> bool {
        send <= from
            || self.words_in(from, send) <= 6
                && !self.toks()[from..send].iter().any(|t| t.lower == "that")
    }

    fn push_indirect(
        &self,
        out: &mut Vec<Quote>,
        a: usize,
        b: usize,
        attr: &Attr,
        direct: &[(usize, usize)],
        in_region: &[bool],
    ) {
        let toks = self.toks();
        let mut a = a;
        let mut b = b;
        while a < b && toks[a].kind == TokKind::Punct {
            a += 1;
        }
        while b > a && matches!(toks[b - 1].kind, TokKind::Punct) {
            b -= 1;
        }
        if b <= a {
            return;
        }
        // Content that starts inside a quotation belongs to that quotation.
        if in_region[a] && toks[a].kind != TokKind::Quote {
            return;
        }
        // "said that “…”": the content is the quotation itself.
        let mut a2 = a;
        if toks[a2].lower == "that" {
            a2 += 1;
        }
        if a2 < b && toks[a2].kind == TokKind::Quote {
            // Only when the quotation runs (nearly) to the end of the content.
            let close =
                (a2 + 1..b).find(|&m| toks[m].kind == TokKind::Quote && !opens_here(toks, m));
            if close.is_none_or(|c| self.words_in(c, b) <= 2) {
                return;
            }
        }
        // Words outside quotation marks: if the content is essentially a direct quote, skip.
        let total = self.words_in(a, b);
        let outside = (a..b).filter(|&i| !in_region[i] && toks[i].kind == TokKind::Word).count();
        if total < 2 || outside < 2 {
            return;
        }
        let _ = direct;
        if let Some(q) = self.make_quote(a, b, QuoteKind::Indirect, Some(attr)) {
            out.push(q);
        }
    }

    /// A reporting verb inside a relative clause whose gap is the reported subject ("a probe
    /// that the agency said was ongoing", "what she said is growing demand"): the relative
    /// word's index and the cue's subject.
    fn gapped_relative(&self, k: usize, ss: usize) -> Option<(usize, (usize, usize))> {
        let toks = self.toks();
        let n = toks.get(k + 1)?;
        let finite = matches!(
            n.lower.as_str(),
            "is" | "was"
                | "are"
                | "were"
                | "will"
                | "would"
                | "could"
                | "can"
                | "should"
                | "had"
                | "has"
                | "have"
                | "may"
                | "might"
                | "must"
                | "posed"
                | "poses"
                | "remains"
                | "remained"
        );
        if !finite || !toks[k].is_lower_word() {
            return None;
        }
        let sp = self.np_left(k)?;
        if sp.0 <= ss || !self.is_agent(sp) {
            return None;
        }
        let rel = sp.0 - 1;
        matches!(toks[rel].lower.as_str(), "that" | "which" | "what" | "who" | "whom")
            .then_some((rel, sp))
    }

    /// Where a noun-phrase object starting at `c` ends (before `b`): at a time or place
    /// adjunct ("endorsed Trump last week", "praised him at a rally"), a relative clause, a
    /// second verb phrase ("… and has appeared"), a parenthesis or an appositive.
    fn np_object_end(&self, c: usize, b: usize) -> usize {
        let toks = self.toks();
        let mut inq = false;
        for m in c + 1..b {
            let t = &toks[m];
            if t.kind == TokKind::Quote {
                inq = opens_here(toks, m);
                continue;
            }
            if inq {
                continue;
            }
            let l = t.lower.as_str();
            let n = toks.get(m + 1).filter(|_| m + 1 < b);
            let nl = n.map_or("", |n| n.lower.as_str());
            let stop = matches!(l, "who" | "which" | "whose" | "where" | "(" | ";" | ":")
                || matches!(l, "and" | "but")
                    && n.is_some_and(|n| {
                        n.is_lower_word()
                            && (gz::is_aux_or_adv(nl)
                                || nl.ends_with("ed")
                                || is_reporting_verb(nl)
                                || is_complement_verb(nl))
                    })
                || l == ","
                    && n.is_some_and(|n| {
                        DETERMINERS.contains(&nl)
                            || n.is_lower_word() && nl.ends_with("ing")
                            || matches!(nl, "who" | "which" | "when" | "where" | "saying")
                    });
            if stop {
                return m;
            }
        }
        b
    }

    /// A raising cue at `k` ("is expected to", "seems to", "appeared likely"): where its
    /// content ends, if it is one.
    fn raising(&self, k: usize, send: usize) -> Option<usize> {
        let toks = self.toks();
        let t = &toks[k];
        let n = toks.get(k + 1).filter(|_| k + 1 < send)?;
        let nl = n.lower.as_str();
        let passive = || {
            let mut p = k;
            while p > 0 && toks[p - 1].is_lower_word() && toks[p - 1].lower.ends_with("ly") {
                p -= 1;
            }
            p > 0
                && matches!(
                    toks[p - 1].lower.as_str(),
                    "is" | "are" | "was" | "were" | "be" | "been" | "being"
                )
        };
        let ok = match t.lower.as_str() {
            "expected" => passive() && nl == "to",
            "asked" => {
                passive()
                    && matches!(nl, "about" | "whether" | "if" | "why" | "how" | "what" | "to")
            }
            // "Sanders is seen as empowering voters", "he is believed to have left".
            "seen" | "viewed" | "regarded" | "perceived" | "considered" | "characterized"
            | "portrayed" | "billed" | "believed" | "thought" | "said" | "rumored" | "reported"
            | "known" | "understood" | "projected" | "predicted" => {
                passive()
                    && (nl == "to" || nl == "as" && !matches!(t.lower.as_str(), "said" | "thought"))
            }
            "seem" | "seems" | "seemed" | "appear" | "appears" | "appeared" => {
                matches!(nl, "to" | "like" | "certain" | "likely" | "unlikely" | "poised" | "set")
                    || t.lower.starts_with("seem")
                        && n.is_lower_word()
                        && !NP_STOP.contains(&nl)
                        && nl != "it"
            }
            _ => false,
        };
        if !ok || !t.is_lower_word() {
            return None;
        }
        let b = self.tight_end(k + 1, self.clause_end(k + 1, send));
        (b > k + 2).then_some(b)
    }

    /// A short content's end: the first comma, semicolon, dash or parenthesis outside
    /// quotation marks, or "and who" / "but", before `b`.
    fn tight_end(&self, c: usize, b: usize) -> usize {
        let toks = self.toks();
        let mut inq = false;
        for m in c..b {
            let t = &toks[m];
            if t.kind == TokKind::Quote {
                inq = opens_here(toks, m);
                continue;
            }
            if inq {
                continue;
            }
            if matches!(t.text.as_str(), "," | ";" | ":" | "—" | "–" | "--" | "(")
                || t.text == "-" && t.space_before
                || t.lower == "but"
                || t.lower == "and"
                    && toks.get(m + 1).is_some_and(|n| matches!(n.lower.as_str(), "who" | "which"))
            {
                return m;
            }
        }
        b
    }

    /// Where the clause holding the verb at `k` starts: after the last clause boundary before
    /// it (punctuation, a conjunction or complementizer); a relative pronoun is kept.
    fn clause_start(&self, k: usize, ss: usize) -> usize {
        let toks = self.toks();
        let lo = k.saturating_sub(20).max(ss);
        let mut a = k;
        while a > lo {
            let p = &toks[a - 1];
            if p.kind == TokKind::Quote
                || matches!(p.text.as_str(), "," | ";" | ":" | "—" | "–" | "--" | "(" | ")")
            {
                break;
            }
            let l = p.lower.as_str();
            if matches!(l, "who" | "which" | "what") {
                a -= 1;
                break;
            }
            if matches!(
                l,
                "that"
                    | "where"
                    | "when"
                    | "while"
                    | "because"
                    | "although"
                    | "though"
                    | "if"
                    | "but"
                    | "and"
                    | "as"
                    | "so"
                    | "whereas"
                    | "since"
                    | "than"
                    | "whether"
            ) {
                break;
            }
            a -= 1;
        }
        a
    }

    /// Like `push_indirect` with a minimum word count and no quotation check.
    fn push_indirect_min(
        &self,
        out: &mut Vec<Quote>,
        a: usize,
        b: usize,
        attr: &Attr,
        in_region: &[bool],
        min_words: usize,
    ) {
        let toks = self.toks();
        let (mut a, mut b) = (a, b);
        while a < b && toks[a].kind == TokKind::Punct {
            a += 1;
        }
        while b > a && toks[b - 1].kind == TokKind::Punct {
            b -= 1;
        }
        if b <= a || self.words_in(a, b) < min_words {
            return;
        }
        if (a..b).all(|i| in_region[i] || toks[i].kind != TokKind::Word) {
            return;
        }
        if let Some(q) = self.make_quote(a, b, QuoteKind::Indirect, Some(attr)) {
            out.push(q);
        }
    }
}

/// Verbs whose object is the attributed content ("Cruz endorsed Trump", "she wants to …").
fn is_complement_verb(l: &str) -> bool {
    MORE_COMPLEMENT_VERBS.contains(&l)
        || matches!(
            l,
            "criticized"
                | "criticizes"
                | "decried"
                | "decries"
                | "lamented"
                | "laments"
                | "coached"
                | "mocking"
                | "praised"
                | "praises"
                | "defended"
                | "defends"
                | "accused"
                | "accuses"
                | "endorsed"
                | "endorses"
                | "supported"
                | "rejected"
                | "rejects"
                | "proposed"
                | "proposes"
                | "urged"
                | "urges"
                | "wants"
                | "wanted"
                | "hopes"
                | "hoped"
                | "agreed"
                | "agrees"
                | "blamed"
                | "blames"
                | "mocked"
                | "mocks"
                | "attacked"
                | "questioned"
                | "questions"
                | "dismissed"
                | "dismisses"
                | "described"
                | "describes"
                | "pledged"
                | "promised"
                | "promises"
                | "vowed"
                | "vows"
                | "declined"
                | "refused"
                | "favors"
                | "favored"
                | "touted"
                | "touts"
                | "cited"
                | "cites"
                | "called"
                | "calls"
                | "slammed"
                | "blasted"
                | "condemned"
                | "condemns"
                | "welcomed"
                | "hailed"
                | "lauded"
                | "demanded"
                | "demands"
                | "sought"
                | "seeks"
                | "recommended"
                | "recommends"
                | "advocated"
                | "embraced"
                | "embraces"
                | "disputed"
                | "disputes"
                | "challenged"
                | "acknowledged"
                | "conceded"
                | "admitted"
                | "denied"
                | "denies"
                | "announced"
                | "announces"
                | "expressed"
                | "expresses"
                | "highlighted"
                | "emphasized"
                | "stressed"
                | "warned"
                | "predicted"
                | "predicts"
                | "argued"
                | "argues"
                | "noted"
                | "notes"
                | "insisted"
                | "reported"
                | "reports"
                | "revealed"
                | "confirmed"
                | "confirms"
                | "asked"
                | "asks"
                | "know"
                | "knows"
                | "believe"
                | "believes"
                | "think"
                | "thinks"
                | "want"
                | "hope"
                | "fear"
                | "fears"
                | "feared"
                | "expect"
                | "expects"
                | "suggested"
                | "suggests"
                | "showed"
                | "shows"
                | "show"
                | "found"
                | "finds"
        )
}

/// Further attitude and communication verbs seen as attribution cues in news text.
const MORE_COMPLEMENT_VERBS: &[&str] = &[
    "supports",
    "backs",
    "backed",
    "oppose",
    "opposes",
    "opposed",
    "opposing",
    "denounced",
    "denounces",
    "denouncing",
    "ordered",
    "encouraged",
    "mentioned",
    "mentions",
    "discussed",
    "preferred",
    "prefers",
    "questioning",
    "thanking",
    "thanked",
    "requested",
    "considers",
    "invoked",
    "pushed",
    "challenging",
    "blasting",
    "assailed",
    "recognized",
    "threatening",
    "threatened",
    "disclosed",
    "retweeted",
    "trumpeting",
    "slamming",
    "asserting",
    "voiced",
    "knocked",
    "highlighting",
    "stating",
    "reminding",
    "hoping",
    "seeking",
    "sees",
    "saw",
    "plans",
    "offering",
    "listed",
    "referencing",
    "realized",
    "shared",
    "understood",
    "ignored",
    "rejecting",
    "criticizing",
    "praising",
    "defending",
    "accusing",
    "calling",
    "claiming",
    "describing",
    "mentioning",
    "insisting",
    "suggesting",
    "warning",
    "promising",
    "vowing",
    "blaming",
    "urging",
    "labeling",
    "dismissing",
    "see",
    "view",
    "views",
    "viewed",
    "citing",
    "endorsing",
    "supporting",
];

/// Words after a comma that end a complement.
const COMPLEMENT_STOP: &[&str] = &[
    "a",
    "an",
    "compared",
    "including",
    "and",
    "but",
    "while",
    "which",
    "who",
    "as",
    "according",
    "although",
    "because",
    "even",
    "though",
    "where",
    "when",
    "so",
    "yet",
    "or",
    "after",
    "before",
    "since",
    "if",
    "unless",
];

/// Shortest complement (in words) kept as reported content.
const COMPLEMENT_MIN_WORDS: usize = 1;

fn is_reporting_verb(l: &str) -> bool {
    is_core_reporting_verb(l) || gz::is_clause_verb(l) && !matches!(l, "state" | "states")
}

/// Reporting verbs that also introduce a clause without "that" after a determiner or a name
/// ("said the party …"); the broad lexicon (`gz::is_clause_verb`) often takes a plain object
/// ("maintained a lead"), so there only "that" or a subject pronoun opens the clause.
fn is_core_reporting_verb(l: &str) -> bool {
    gz::is_speech_verb(l)
        || matches!(
            l,
            "think"
                | "thinks"
                | "believe"
                | "believes"
                | "believed"
                | "know"
                | "knows"
                | "hopes"
                | "expects"
                | "show"
                | "shows"
                | "showed"
                | "found"
                | "suggest"
                | "feels"
                | "felt"
                | "fears"
                | "worried"
                | "worries"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Vec<Quote> {
        analyze_text(text).quotes
    }

    #[test]
    fn speaker_after_quote() {
        let v = q("“We cannot leave this unanswered,” Lavrov said.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].speaker.as_deref(), Some("Lavrov"));
        assert_eq!(v[0].cue.as_deref(), Some("said"));
        assert_eq!(v[0].kind, QuoteKind::Direct);
        assert_eq!(v[0].text, "We cannot leave this unanswered,");
    }

    #[test]
    fn inverted_cue_after_quote() {
        let v = q("''It is over,'' said Dennis B. Ross, a former envoy.");
        assert_eq!(v[0].speaker.as_deref(), Some("Dennis B. Ross"));
    }

    #[test]
    fn speaker_before_quote_and_pronoun() {
        let v = q(
            "Senator John Smith spoke on Friday. He said: \"We will win this fight in the end.\"",
        );
        let d: Vec<_> = v.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].speaker.as_deref(), Some("He"));
        assert_eq!(d[0].speaker_entity.as_deref(), Some("e1"));
    }

    #[test]
    fn cue_verbs_reported_speech() {
        let v = q("Putin has said that Russia will not expel any diplomats.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, QuoteKind::Indirect);
        assert_eq!(v[0].speaker.as_deref(), Some("Putin"));
        assert!(v[0].text.starts_with("that Russia"));
        let v = q("The economy is growing, the minister said.");
        assert_eq!(v[0].speaker.as_deref(), Some("the minister"));
        assert_eq!(v[0].text, "The economy is growing");
        let v = q("According to Reuters, the talks failed on Monday.");
        assert_eq!(v[0].speaker.as_deref(), Some("Reuters"));
    }

    #[test]
    fn scare_quotes_titles_and_nicknames_rejected() {
        assert!(q("He appeared on “Meet the Press” on Sunday.").is_empty());
        assert!(q("The so-called “deal” fell apart.").is_empty());
        assert!(q("Voters call him “Little Marco” often.").is_empty());
        assert!(q("His tweet linked to \"http://example.com\" again.").is_empty());
    }

    #[test]
    fn quotes_across_paragraphs_carry_the_speaker() {
        let t = "Obama said: “First paragraph of the statement goes here.\n\n“Second paragraph of the statement goes here too.”";
        let v = q(t);
        let d: Vec<_> = v.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();
        assert_eq!(d.len(), 2, "{v:?}");
        assert!(d.iter().all(|q| q.speaker.as_deref() == Some("Obama")));
    }

    #[test]
    fn relay_via_outlet() {
        let v = q("Lavrov told Rossiya-24 television that the decision was final.");
        assert_eq!(v[0].via.as_deref(), Some("Rossiya-24"));
    }

    #[test]
    fn guillemets_low_marks_and_nested_quotes() {
        let v = q("Lavrov said: «We cannot accept this.» Merkel said: „Das ist gut.“");
        let d: Vec<_> = v.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();
        assert_eq!(d.len(), 2, "{v:?}");
        assert_eq!(d[0].text, "We cannot accept this.");
        assert_eq!(d[1].speaker.as_deref(), Some("Merkel"));
        let v = q("“They call it ‘persona non grata’ in diplomacy,” the minister said.");
        let d: Vec<_> = v.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();
        assert_eq!(d.len(), 1, "{v:?}");
        assert_eq!(d[0].speaker.as_deref(), Some("the minister"));
    }

    #[test]
    fn block_quote_after_colon() {
        let t =
            "Obama said in a statement:\n\nToday I have ordered a number of actions in response.";
        let v = q(t);
        let d: Vec<_> = v.iter().filter(|q| q.kind == QuoteKind::Direct).collect();
        assert_eq!(d.len(), 1, "{v:?}");
        assert_eq!(d[0].speaker.as_deref(), Some("Obama"));
    }

    #[test]
    fn speaker_resolution_pronoun_and_role() {
        let t = "Russia President, Vladimir Putin spoke on Friday. The Russian President said: “We will not expel anyone.” Later he said, “Nobody will be expelled at all.”";
        let a = analyze_text(t);
        let d: Vec<_> = a.quotes.iter().filter(|q| q.kind != QuoteKind::Indirect).collect();
        assert_eq!(d.len(), 2, "{:?}", a.quotes);
        let putin = a.entities.iter().find(|e| e.name == "Vladimir Putin").unwrap();
        assert!(d.iter().all(|q| q.speaker_entity.as_deref() == Some(putin.id.as_str())), "{d:?}");
    }

    #[test]
    fn raising_cues_without_a_source() {
        let v = q("The House is expected to pass the bill next week, aides said.");
        let e: Vec<_> = v.iter().filter(|q| q.cue.as_deref() == Some("expected")).collect();
        assert_eq!(e.len(), 1, "{v:?}");
        assert_eq!(e[0].text, "The House is expected to pass the bill next week");
        assert_eq!(e[0].speaker, None);
        let v = q("But the race seemed to be his to lose.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].text, "the race seemed to be his to lose");
        assert!(q("She appeared on television on Sunday.").is_empty());
    }

    #[test]
    fn gapped_relatives_and_embedded_questions() {
        let v = q("It helped adapt to what she said is growing demand for pools.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].speaker.as_deref(), Some("she"));
        assert_eq!(v[0].text, "what she said is growing demand for pools");
        let v = q("Trump explained how he would be free of conflicts of interest.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].text, "how he would be free of conflicts of interest");
        let v = q("Authorities reported at least 20 victims at a center that works with adults.");
        assert!(v.iter().all(|q| !q.text.starts_with("that")), "{v:?}");
    }

    #[test]
    fn broad_reporting_verbs() {
        let v = q("Rubio conceded that the plan had failed.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].speaker.as_deref(), Some("Rubio"));
        assert_eq!(v[0].text, "that the plan had failed");
        let v = q("The senator speculated he would run again in 2020.");
        assert_eq!(v[0].cue.as_deref(), Some("speculated"));
        // A plain object is not a reported clause.
        assert!(q("The campaign projected a loss in Iowa.").is_empty());
        assert!(q("Kasich won several states that vote on March 1.").is_empty());
    }

    #[test]
    fn inverted_speaker_with_place_and_orders() {
        let v =
            q("Even India has more resonance, says political scientist Dossym Satpayev in Almaty.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].speaker.as_deref(), Some("political scientist Dossym Satpayev"));
        assert_eq!(v[0].text, "Even India has more resonance");
        let v = q("Since October, officials have told Flint residents not to drink the water.");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].text, "Flint residents not to drink the water");
        let v = q("He says he respects Clinton and calls her an intelligent woman.");
        assert_eq!(v[0].text, "he respects Clinton", "{v:?}");
        let v =
            q("Nearly half said they were worried, and more than 4 in 10 said Trump would win.");
        assert_eq!(v[0].text, "they were worried", "{v:?}");
        let v = q("Some said they have cringed at the remarks.");
        assert_eq!(v[0].speaker.as_deref(), Some("Some"), "{v:?}");
    }

    #[test]
    fn no_panic_on_odd_input() {
        for s in [
            "",
            "“",
            "”",
            "\"",
            "''",
            "“a",
            "a”",
            "said",
            "said that",
            ", said",
            "“x,” said",
            "according to",
            "\n\n“\n\n“",
            "„ “",
            "‘’",
            "Mr. “",
            "said: \n\n“",
            "X, who said",
            ", ,said",
        ] {
            let _ = analyze_text(s);
            let _ = quotes_json_line(&serde_json::json!(1), s);
        }
    }
}
