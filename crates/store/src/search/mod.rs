//! Full-text search over articles and statements: a tantivy index in `<data_dir>/search/`.
//!
//! The index is derived data. It holds, for each stored document, its latest analysed version
//! (headline, body, outlet, publication time, language, story, the entities it mentions) and each
//! statement of that version (quoted text, speaker, speaker's entity, relay); the store stays the
//! only source of truth. An index that is missing, damaged or stamped with another schema is
//! rebuilt from the store by [`SearchWriter::open`] and [`SearchWriter::sync`], which ingest and
//! poll run before indexing their batches; `wirewatch reindex` rebuilds it on demand.
//!
//! # Query syntax
//!
//! `q` is read by tantivy's query parser over the headline (boosted ×3), body or quoted text,
//! speaker and relay:
//!
//! - `expel diplomats`: every word must match (words are lower-cased, accents folded and English
//!   words stemmed, so `expel` also finds "expelled");
//! - `"expel diplomats"`: a phrase; `expel OR sanction`, `expel -embassy`, `+a +b`, parentheses;
//! - `title:expel`, `body:...`, `speaker:lavrov`, `via:tass`, `outlet:reuters`, `language:en`,
//!   `story:s3`, `kind:statement` (`kind:article`) restrict a term to one field;
//! - `published:[2024-01-01T00:00:00Z TO 2024-02-01T00:00:00Z]` is a date range;
//! - an empty `q` matches everything, newest first.
//!
//! Any other text is searched for as typed: when the syntax cannot read it (`Putin's plan`,
//! `Breaking: Lavrov`, an unbalanced quote or bracket, a word before `:` that is not a field), its
//! words are searched instead, a word with punctuation inside (`Putin's`, `U.S.`) as the phrase
//! of its parts. Only a malformed range is an [`Error::InvalidQuery`], a user error; no query is
//! ever a panic or a server error.
//!
//! # Concurrency
//!
//! Any number of processes may search (a reader reloads shortly after each commit); one process
//! at a time writes. Only ingest, poll and reindex write: a second writer gets
//! [`Error::IndexBusy`] at once rather than waiting.

mod schema;
mod source;
mod writer;

use std::ops::Bound;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};

use crate::{Error, Result};
use schema::Fields;

pub use writer::{SearchWriter, SyncReport};

/// The index directory's name inside the data directory.
pub const SEARCH_DIR: &str = "search";

/// The most hits one query returns in one page.
pub const MAX_LIMIT: usize = 1000;

/// Characters of context in a snippet.
const SNIPPET_CHARS: usize = 200;

/// Hits per page when a query does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// A search: the query text, filters, and the page wanted. Deserialising fills missing fields
/// from [`SearchQuery::default`] (everything, first page of [`DEFAULT_LIMIT`] hits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// The query text (see the [module documentation](self) for its syntax); empty for all.
    pub q: String,
    /// Only items published at or after this time (RFC 3339, or `YYYY-MM-DD` for that UTC day).
    pub from: Option<String>,
    /// Only items published at or before this time (RFC 3339, or `YYYY-MM-DD`: to that UTC
    /// day's end).
    pub to: Option<String>,
    /// Only this outlet (case-insensitive, the whole name).
    pub outlet: Option<String>,
    /// Only articles that mention this entity, and statements it made (store-wide entity id).
    pub entity: Option<i64>,
    /// Only this story (`s3`).
    pub story: Option<String>,
    /// Only this language code (`en`).
    pub language: Option<String>,
    /// Hits per page (at most [`MAX_LIMIT`]; 0 returns only the total).
    pub limit: usize,
    /// Hits to skip, for later pages.
    pub offset: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            q: String::new(),
            from: None,
            to: None,
            outlet: None,
            entity: None,
            story: None,
            language: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// How many items match in all.
    pub total: usize,
    /// The requested page, best match first (newest first for an empty query).
    pub hits: Vec<SearchHit>,
}

/// One matching article or statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// `article` or `statement`.
    pub kind: String,
    /// The document's key (for a statement, the document it was found in).
    pub document: String,
    /// The version indexed (the latest analysed one).
    pub version: i64,
    /// The headline (for a statement, its article's headline).
    pub title: Option<String>,
    /// The outlet.
    pub outlet: Option<String>,
    /// Publication time (RFC 3339), if known.
    pub published: Option<String>,
    /// The story the document belongs to.
    pub story: Option<String>,
    /// The speaker as written (statements only).
    pub speaker: Option<String>,
    /// A passage of the body (or the quote), HTML-escaped, with matches wrapped in `<b>..</b>`.
    pub snippet_html: String,
    /// Relevance (0 for an empty query, whose hits are in date order).
    pub score: f32,
}

/// The search index of a data directory, open for searching.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The state of an index directory on disk.
enum OnDisk {
    /// Readable and stamped with our schema (or freshly created and still empty).
    Ready(Index),
    /// No index yet.
    Missing,
    /// Unusable, for the reason given: damaged, or made by another schema.
    Stale(String),
}

/// Opens what is in `dir`, telling a current index from a missing or unusable one.
fn inspect(dir: &Path) -> OnDisk {
    if !dir.join("meta.json").exists() {
        return OnDisk::Missing;
    }
    let index = match Index::open_in_dir(dir) {
        Ok(i) => i,
        Err(e) => return OnDisk::Stale(format!("cannot be read: {e}")),
    };
    let metas = match index.load_metas() {
        Ok(m) => m,
        Err(e) => return OnDisk::Stale(format!("cannot be read: {e}")),
    };
    let want = schema::payload();
    match metas.payload.as_deref() {
        Some(p) if p == want => {}
        // An index created but never committed to holds nothing: it is as good as new.
        None if metas.segments.is_empty() => {}
        Some(p) => return OnDisk::Stale(format!("made by another schema ({p}, want {want})")),
        None => return OnDisk::Stale("has no schema stamp".to_string()),
    }
    if index.schema() != schema::build().0 {
        return OnDisk::Stale("its fields differ from this build's".to_string());
    }
    OnDisk::Ready(index)
}

/// Creates an empty index in `dir` (which must not hold one).
fn create(dir: &Path) -> Result<Index> {
    std::fs::create_dir_all(dir)
        .map_err(|source| Error::IndexIo { path: dir.to_owned(), source })?;
    let index = Index::create_in_dir(dir, schema::build().0).map_err(|e| index_err(dir, e))?;
    Ok(index)
}

fn index_err(dir: &Path, source: tantivy::TantivyError) -> Error {
    Error::Search { path: dir.to_owned(), source: Box::new(source) }
}

impl SearchIndex {
    /// Opens the index of `data_dir` for searching, creating an empty one if there is none.
    ///
    /// An index that is damaged or was made by another schema is an [`Error::IndexStale`]: only
    /// a writer ([`SearchWriter::open`], run by ingest, poll and reindex) rebuilds it.
    pub fn open(data_dir: &Path) -> Result<SearchIndex> {
        let dir = data_dir.join(SEARCH_DIR);
        let index = match inspect(&dir) {
            OnDisk::Ready(index) => index,
            OnDisk::Missing => create(&dir)?,
            OnDisk::Stale(reason) => return Err(Error::IndexStale { path: dir, reason }),
        };
        Self::from_index(index, dir)
    }

    fn from_index(index: Index, dir: PathBuf) -> Result<SearchIndex> {
        schema::register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| index_err(&dir, e))?;
        let (_, fields) = schema::build();
        Ok(SearchIndex { index, reader, fields, dir })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many articles the index holds (statements not counted).
    pub fn article_count(&self) -> Result<u64> {
        // A count, not the term's document frequency, which still includes deleted entries.
        let term = Term::from_field_text(self.fields.kind, "article");
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let n = self.reader.searcher().search(&query, &Count).map_err(|e| self.err(e))?;
        Ok(n as u64)
    }

    /// A fingerprint of what searches see now (the segments and their deletes): it changes when
    /// the reader picks up a commit (of this process or another), and only then, so caches of
    /// search results know when they are stale. (The reader's own generation number also moves
    /// on reloads that change nothing.)
    pub fn generation(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (segment, deletes) in self.reader.searcher().generation().segments() {
            segment.uuid_string().hash(&mut h);
            deletes.hash(&mut h);
        }
        h.finish()
    }

    /// Makes the latest commit visible now rather than after the reload delay.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| self.err(e))
    }

    fn err(&self, e: tantivy::TantivyError) -> Error {
        index_err(&self.dir, e)
    }

    /// Runs a search: one page of hits, best first, with highlighted snippets.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let text = self.parse(&q.q, true)?;
        match self.run(q, text) {
            // The syntax read it but the index cannot answer it (`speaker: *` asks for every
            // value of a field that keeps none): its words are searched instead.
            Err(Error::InvalidQuery { .. }) if !q.q.trim().is_empty() => {
                self.run(q, self.parse(&q.q, false)?)
            }
            r => r,
        }
    }

    /// Runs a search whose text was parsed (see [`SearchIndex::parse`]).
    fn run(&self, q: &SearchQuery, text: Option<Box<dyn Query>>) -> Result<SearchResults> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(t) = &text {
            clauses.push((Occur::Must, t.box_clone()));
        }
        let keyword = |field, value: &str| -> Box<dyn Query> {
            let term = Term::from_field_text(field, &value.trim().to_lowercase());
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                0.0,
            ))
        };
        if let Some(o) = &q.outlet {
            clauses.push((Occur::Must, keyword(f.outlet, o)));
        }
        if let Some(s) = &q.story {
            clauses.push((Occur::Must, keyword(f.story, s)));
        }
        if let Some(l) = &q.language {
            clauses.push((Occur::Must, keyword(f.language, l)));
        }
        if let Some(e) = q.entity {
            let id = u64::try_from(e).map_err(|_| Error::InvalidQuery {
                input: format!("entity {e}"),
                reason: "entity ids are positive".to_string(),
            })?;
            let term = Term::from_field_u64(f.entity, id);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.0,
                )),
            ));
        }
        let from = q.from.as_deref().map(|s| parse_bound(s, "from", false)).transpose()?;
        let to = q.to.as_deref().map(|s| parse_bound(s, "to", true)).transpose()?;
        if from.is_some() || to.is_some() {
            let term = |t: DateTime<Utc>| {
                Term::from_field_date_for_search(f.published, writer::tantivy_time(t))
            };
            let lower = from.map_or(Bound::Unbounded, |(t, _)| Bound::Included(term(t)));
            let upper = match to {
                Some((t, true)) => Bound::Excluded(term(t)),
                Some((t, false)) => Bound::Included(term(t)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(RangeQuery::new(lower, upper)), 0.0)),
            ));
        }
        let query: Box<dyn Query> = match clauses.len() {
            0 => Box::new(AllQuery),
            1 if text.is_some() => clauses.pop().map(|(_, q)| q).unwrap_or(Box::new(AllQuery)),
            _ => Box::new(BooleanQuery::new(clauses)),
        };

        let searcher = self.reader.searcher();
        let limit = q.limit.min(MAX_LIMIT);
        // The offset cannot usefully pass the number of documents, and capping it keeps the
        // collector's heap (offset + limit) bounded whatever a client asks for.
        let offset = q.offset.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX));
        // A query can parse and still name a field that is not there (`0:*`, an "exists"
        // query): that is the user's query, not a broken index.
        let err = |e| match e {
            tantivy::TantivyError::FieldNotFound(field) => Error::InvalidQuery {
                input: q.q.clone(),
                reason: format!("no field {field:?} (see the query syntax)"),
            },
            tantivy::TantivyError::SchemaError(why)
            | tantivy::TantivyError::InvalidArgument(why) => {
                Error::InvalidQuery { input: q.q.clone(), reason: why }
            }
            e => self.err(e),
        };
        let (total, page): (usize, Vec<(f32, DocAddress)>) = if limit == 0 {
            (searcher.search(&query, &Count).map_err(err)?, Vec::new())
        } else if text.is_some() {
            let top = TopDocs::with_limit(limit).and_offset(offset).order_by_score();
            let (total, top) = searcher.search(&query, &(Count, top)).map_err(err)?;
            (total, top)
        } else {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_fast_field::<tantivy::DateTime>("published", Order::Desc);
            let (total, top) = searcher.search(&query, &(Count, top)).map_err(err)?;
            (total, top.into_iter().map(|(_, addr)| (0.0, addr)).collect())
        };

        let snippets = match &text {
            Some(t) if !page.is_empty() => {
                let mut g = SnippetGenerator::create(&searcher, t.as_ref(), f.body).map_err(err)?;
                g.set_max_num_chars(SNIPPET_CHARS);
                Some(g)
            }
            _ => None,
        };
        let mut hits = Vec::with_capacity(page.len());
        for (score, addr) in page {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let s = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
            let body = s(f.body).unwrap_or_default();
            let snippet_html = match &snippets {
                Some(g) => {
                    let snip = g.snippet(&body);
                    if snip.highlighted().is_empty() { lead(&body) } else { to_html(&snip) }
                }
                None => lead(&body),
            };
            hits.push(SearchHit {
                kind: s(f.kind).unwrap_or_default(),
                document: s(f.document).unwrap_or_default(),
                version: doc.get_first(f.version).and_then(|v| v.as_i64()).unwrap_or(0),
                title: s(f.title).or_else(|| s(f.article_title)),
                outlet: s(f.outlet),
                published: s(f.published_text),
                story: s(f.story),
                speaker: s(f.speaker),
                snippet_html,
                score,
            });
        }
        Ok(SearchResults { total, hits })
    }

    /// Parses the query text; `None` for an empty query (everything matches).
    /// `strict`: try the query syntax first; else read the text as words straight away.
    fn parse(&self, q: &str, strict: bool) -> Result<Option<Box<dyn Query>>> {
        if q.trim().is_empty() {
            return Ok(None);
        }
        let f = self.fields;
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.title, f.body, f.speaker, f.via]);
        parser.set_field_boost(f.title, 3.0);
        parser.set_conjunction_by_default();
        // Text as people type it (apostrophes, colons, stray quotes and dashes) is read as
        // words when the query syntax cannot read it; only a malformed range stays an error.
        let strict = if strict && names_only_known_fields(q) {
            parser.parse_query(q).map_err(|e| e.to_string())
        } else {
            Err("a word before ':' that is not a field".to_string())
        };
        let reason = match strict {
            Ok(query) => return Ok(Some(query)),
            Err(reason) => reason,
        };
        if looks_like_range(q) {
            return Err(Error::InvalidQuery {
                input: q.to_string(),
                reason: format!(
                    "{reason} (a range is written published:[2024-01-01T00:00:00Z TO 2024-02-01T00:00:00Z])"
                ),
            });
        }
        for keep_fields in [true, false] {
            let plain = plain_query(q, keep_fields);
            if plain.trim().is_empty() {
                // Nothing searchable was typed (only punctuation): nothing matches.
                return Ok(Some(Box::new(tantivy::query::EmptyQuery)));
            }
            if let Ok(query) = parser.parse_query(&plain) {
                return Ok(Some(query));
            }
        }
        let (query, _) = parser.parse_query_lenient(q);
        Ok(Some(query))
    }
}

/// Punctuation that may end a typed word (`Putin's,`).
fn is_punct(c: char) -> bool {
    !c.is_alphanumeric() && c != '\'' && c != '’'
}

/// The fields a query may name (see the module documentation).
const QUERY_FIELDS: &[&str] = &[
    "title",
    "body",
    "speaker",
    "via",
    "outlet",
    "language",
    "story",
    "kind",
    "published",
    "entity",
];

/// Whether every `name:` outside a phrase names a queryable field.
fn names_only_known_fields(q: &str) -> bool {
    let mut in_phrase = false;
    let mut word_start = 0;
    for (i, c) in q.char_indices() {
        match c {
            '"' => in_phrase = !in_phrase,
            ':' if !in_phrase => {
                let name = q[word_start..i].trim_start_matches(['+', '-', '(']);
                if !QUERY_FIELDS.contains(&name) {
                    return false;
                }
            }
            c if c.is_whitespace() || c == '(' => word_start = i + c.len_utf8(),
            _ => {}
        }
        if c == '"' {
            word_start = i + 1;
        }
    }
    true
}

/// Whether the text tries a range (`published:[a TO b]`, `published:{a TO b}`), whose mistakes
/// are worth a message.
fn looks_like_range(q: &str) -> bool {
    QUERY_FIELDS.iter().any(|f| {
        q.match_indices(f).any(|(i, _)| {
            let after = &q[i + f.len()..];
            after.starts_with(":[") || after.starts_with(":{")
        })
    })
}

/// The query as plain words: balanced `"phrases"`, `AND`/`OR`/`NOT`, a leading `+`/`-` and (if
/// `keep_fields`) a known `field:` prefix are kept; a possessive `'s` goes; a word with
/// punctuation inside (`U.S.`, `9/11`, `tit-for-tat`) becomes the phrase of its parts; other
/// punctuation goes.
fn plain_query(q: &str, keep_fields: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut rest = q;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let (token, after) = if rest.starts_with('"') {
            match rest[1..].find('"') {
                Some(end) => (&rest[..end + 2], &rest[end + 2..]),
                // An unbalanced quote is dropped; what follows is words.
                None => {
                    rest = &rest[1..];
                    continue;
                }
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        rest = after;
        if matches!(token, "AND" | "OR" | "NOT") {
            out.push(token.to_string());
            continue;
        }
        let (sign, body) = match token.chars().next() {
            Some(c @ ('+' | '-')) => (c.to_string(), &token[1..]),
            _ => (String::new(), token),
        };
        let (field, body) = match body.split_once(':') {
            Some((f, v)) if keep_fields && QUERY_FIELDS.contains(&f) && f != "published" => {
                (format!("{f}:"), v)
            }
            _ => (String::new(), body),
        };
        // A possessive is the word itself: "Putin's plan" finds Putin's plan and Putin's plans.
        let body = ["'s", "’s", "'S", "’S"]
            .iter()
            .find_map(|p| body.trim_end_matches(is_punct).strip_suffix(p))
            .unwrap_or(body);
        let words: Vec<&str> =
            body.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let text = match words.as_slice() {
            [] => continue,
            [one] => (*one).to_string(),
            many => format!("\"{}\"", many.join(" ")),
        };
        out.push(format!("{sign}{field}{text}"));
    }
    // A trailing or leading operator has nothing to join.
    while out.last().is_some_and(|t| matches!(t.as_str(), "AND" | "OR" | "NOT")) {
        out.pop();
    }
    while out.first().is_some_and(|t| matches!(t.as_str(), "AND" | "OR")) {
        out.remove(0);
    }
    out.join(" ")
}

/// Reads a `from`/`to` filter: RFC 3339, or a date meaning the start of that UTC day (`from`) or
/// the start of the next one, excluded (`to`). The flag says whether the bound is exclusive.
fn parse_bound(s: &str, name: &str, upper: bool) -> Result<(DateTime<Utc>, bool)> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok((t.with_timezone(&Utc), false));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let day = if upper { d.succ_opt().unwrap_or(d) } else { d };
        let t = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        if let Some(t) = t {
            return Ok((t, upper));
        }
    }
    Err(Error::InvalidQuery {
        input: format!("{name} {s:?}"),
        reason: "expected an RFC 3339 time (2024-05-01T12:00:00Z) or a date (2024-05-01)"
            .to_string(),
    })
}

/// A snippet as HTML: every character of the text escaped, only our `<b>` tags added.
fn to_html(snip: &Snippet) -> String {
    let text = snip.fragment();
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for r in tantivy::snippet::collapse_overlapped_ranges(snip.highlighted()) {
        if r.start < at || r.end > text.len() {
            continue;
        }
        escape_into(&mut out, &text[at..r.start]);
        out.push_str("<b>");
        escape_into(&mut out, &text[r.start..r.end]);
        out.push_str("</b>");
        at = r.end;
    }
    escape_into(&mut out, &text[at..]);
    out
}

/// The start of a text, escaped: the snippet when nothing in the body matched (a headline or
/// speaker match, or a filter-only search).
fn lead(text: &str) -> String {
    let mut end = text.len();
    if let Some((i, _)) = text.char_indices().nth(SNIPPET_CHARS) {
        // Cut at the last space before the limit, so no word is split.
        end = text[..i].rfind(char::is_whitespace).unwrap_or(i);
    }
    let mut out = String::new();
    escape_into(&mut out, text[..end].trim_end());
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Appends `s` HTML-escaped, with every run of white space (line breaks between paragraphs)
/// made one space, so a snippet reads as one line.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_but_our_tags() {
        assert_eq!(lead("<script>alert('x')</script> & more"), {
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"
        });
    }

    #[test]
    fn typed_text_becomes_words() {
        assert_eq!(plain_query("Putin's plan", true), "Putin plan");
        assert_eq!(plain_query("Putin’s, tit-for-tat", true), "Putin \"tit for tat\"");
        assert_eq!(plain_query("Breaking: Lavrov -embassy", true), "Breaking Lavrov -embassy");
        assert_eq!(plain_query("\"ten diplomats\" OR U.S.", true), "\"ten diplomats\" OR \"U S\"");
        assert_eq!(plain_query("speaker:o'neill (", true), "speaker:\"o neill\"");
        assert_eq!(plain_query("speaker:lavrov's", false), "\"speaker lavrov\"");
        assert_eq!(plain_query("unbalanced \"quote AND", true), "unbalanced quote");
        assert_eq!(plain_query("''' --- ::: \"", true), "");
        assert!(names_only_known_fields("title:x \"a:b\" -speaker:y"));
        assert!(!names_only_known_fields("Breaking: x"));
        assert!(!names_only_known_fields("0:*"));
    }

    #[test]
    fn white_space_is_one_space() {
        assert_eq!(lead("a.\n\n“We  said”\tb"), "a. “We said” b");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        let long = "word ".repeat(100);
        let l = lead(&long);
        assert!(l.ends_with("word…"), "{l}");
        assert!(l.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn bounds() {
        let (t, excl) = parse_bound("2024-05-01", "to", true).unwrap();
        assert_eq!((t.to_rfc3339(), excl), ("2024-05-02T00:00:00+00:00".to_string(), true));
        let (t, excl) = parse_bound("2024-05-01T10:00:00+02:00", "from", false).unwrap();
        assert_eq!((t.to_rfc3339(), excl), ("2024-05-01T08:00:00+00:00".to_string(), false));
        let e = parse_bound("yesterday", "from", false).unwrap_err();
        assert!(e.to_string().contains("from \"yesterday\""), "{e}");
        assert!(e.is_user_error());
    }
}
