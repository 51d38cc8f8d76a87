//! Raw documents as ingest produces them, their identity keys, and ingest outcomes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Diagnostic;

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A local file (HTML or plain text).
    File,
    /// A line of a JSONL file.
    Jsonl,
    /// A response record of a WARC archive.
    Warc,
    /// A single web page fetched by URL.
    Url,
    /// An article page linked from a polled feed or sitemap.
    Feed,
    /// Standard input.
    Stdin,
}

impl SourceKind {
    /// The stable name stored and printed for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::File => "file",
            SourceKind::Jsonl => "jsonl",
            SourceKind::Warc => "warc",
            SourceKind::Url => "url",
            SourceKind::Feed => "feed",
            SourceKind::Stdin => "stdin",
        }
    }
    /// Parses a stored name back.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "file" => SourceKind::File,
            "jsonl" => SourceKind::Jsonl,
            "warc" => SourceKind::Warc,
            "url" => SourceKind::Url,
            "feed" => SourceKind::Feed,
            "stdin" => SourceKind::Stdin,
            _ => return None,
        })
    }
}

/// What the document's content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// An HTML page.
    Html,
    /// A plain-text report (like the seed article) or Markdown.
    Text,
}

impl ContentKind {
    /// The stable name stored and printed for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Html => "html",
            ContentKind::Text => "text",
        }
    }
    /// Parses a stored name back.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "html" => Some(ContentKind::Html),
            "text" => Some(ContentKind::Text),
            _ => None,
        }
    }
}

/// A document's identity: its canonical URL, or a hash of its content when it has no URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocKey(pub String);

impl DocKey {
    /// The key of a document: the canonical URL when known, else `sha256:<hash of content>`.
    pub fn for_document(canonical_url: Option<&str>, content: &str) -> Self {
        match canonical_url {
            Some(u) if !u.is_empty() => DocKey(u.to_string()),
            _ => DocKey(format!("sha256:{}", content_hash(content))),
        }
    }
    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DocKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hex SHA-256 of content after normalising line endings and trailing white space, so that the
/// same text saved on another platform hashes the same.
pub fn content_hash(content: &str) -> String {
    let mut h = Sha256::new();
    for line in content.lines() {
        h.update(line.trim_end().as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// Normalises an outlet name or host: lower case, no `www.`/`m.`/`amp.` prefix, no port,
/// no trailing dot. `"WWW.Vanguardngr.com:443"` → `"vanguardngr.com"`.
pub fn normalize_outlet(raw: &str) -> String {
    let mut s = raw.trim().to_lowercase();
    if let Some(rest) = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://")) {
        s = rest.split('/').next().unwrap_or("").to_string();
    }
    if !s.contains(' ') {
        // A host: drop port, trailing dot and the usual mobile/www prefixes.
        if let Some((host, _port)) = s.rsplit_once(':')
            && !host.contains(':')
        {
            s = host.to_string();
        }
        s = s.trim_end_matches('.').to_string();
        for prefix in ["www.", "m.", "amp.", "mobile."] {
            if let Some(rest) = s.strip_prefix(prefix) {
                if rest.contains('.') {
                    s = rest.to_string();
                }
                break;
            }
        }
    } else {
        s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    s
}

/// A document as ingest hands it to the store: decoded text, identity and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawDocument {
    /// The identity key (canonical URL or content hash).
    pub key: DocKey,
    /// The URL it was fetched from or declared with, if any.
    pub url: Option<String>,
    /// The canonical URL (tracking parameters stripped, `rel=canonical` honoured), if any.
    pub canonical_url: Option<String>,
    /// The normalised source outlet (site name or host), if known.
    pub outlet: Option<String>,
    /// A title declared by the source (feed item, JSONL field, `<title>`), if any.
    pub title: Option<String>,
    /// A publication time declared by the source, if any.
    pub published: Option<DateTime<Utc>>,
    /// When wirewatch fetched or read it.
    pub fetched_at: DateTime<Utc>,
    /// What kind of source it came from.
    pub source_kind: SourceKind,
    /// Where exactly: a file path, `path#line`, `archive.warc#record`, a URL, `-`.
    pub origin: String,
    /// Whether `content` is HTML or plain text.
    pub content_kind: ContentKind,
    /// The decoded content (UTF-8; invalid bytes replaced).
    pub content: String,
    /// What was doubtful while reading it (encoding guesses, truncation...).
    pub diagnostics: Vec<Diagnostic>,
    /// What the analysis stages made of it, when they ran before storing. Stored with the
    /// version in the same transaction, so a version never exists half-analysed.
    pub analysis: Option<Analysis>,
}

/// The analysis of one document version: the extracted article and what later stages add.
///
/// The full result is kept as JSON (`article_json`, the analyze crate's `Article`), so the store
/// needs no schema change when a stage adds a field; the columns here are the ones queried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Which analyser produced it (e.g. `extract-1`): when it differs from the running one,
    /// re-ingesting the same content re-analyses it.
    pub analyzer: String,
    /// False when extraction found nothing usable (the version's state becomes `failed`).
    pub ok: bool,
    /// The headline.
    pub title: Option<String>,
    /// Publication time (RFC 3339), if found.
    pub published: Option<String>,
    /// Language code, if detected.
    pub language: Option<String>,
    /// The outlet's own name, if the page gives it.
    pub site_name: Option<String>,
    /// The article body as plain text.
    pub body: String,
    /// The whole extracted article as JSON.
    pub article_json: String,
    /// What the analysis found doubtful.
    pub diagnostics: Vec<Diagnostic>,
    /// Quotations and reported speech in the body, with speakers and relays.
    pub statements: Vec<Statement>,
    /// People, organisations and places mentioned in the body.
    pub entities: Vec<DocEntity>,
    /// What a story's findings need from the body (`analyze::claims::VersionFacts` as JSON),
    /// kept so that redoing a story's findings does not analyse every body again; `None` when
    /// not made (the findings then make it from the body). Internal: never serialised.
    #[serde(skip)]
    pub facts_json: Option<String>,
}

/// One statement found in an article body: a quotation or reported speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Start of the quoted or reported content, in Unicode code points of the body.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The content.
    pub text: String,
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// The speaker as written ("Lavrov", "the president", "he").
    pub speaker: Option<String>,
    /// The speaker's span, in code points.
    pub speaker_start: Option<usize>,
    /// End of the speaker's span.
    pub speaker_end: Option<usize>,
    /// The speaker's entity id within the article (`e3`), if resolved.
    pub speaker_entity: Option<String>,
    /// The cue verb ("said", "told", "according to").
    pub cue: Option<String>,
    /// The outlet, agency or channel it came through ("TASS").
    pub via: Option<String>,
    /// How sure the attribution is, 0 to 1.
    pub confidence: f32,
}

/// An entity as one article mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocEntity {
    /// Its id within the article (`e1`...).
    pub id: String,
    /// Its fullest name in the article.
    pub name: String,
    /// `person`, `organization` or `place`.
    pub kind: String,
    /// The key its spellings meet under across articles (see `model::names`).
    pub key: String,
    /// Other names the article uses for it.
    pub aliases: Vec<String>,
    /// Its role, when the text gives one ("foreign minister").
    pub role: Option<String>,
    /// Its affiliation, when the text gives one ("Russia").
    pub affiliation: Option<String>,
    /// How many times it is mentioned.
    pub mentions: usize,
}

impl RawDocument {
    /// The hash identifying this version's content.
    pub fn content_hash(&self) -> String {
        content_hash(&self.content)
    }
}

/// What storing one document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum IngestOutcome {
    /// A document not seen before.
    New,
    /// The same key with the same content: nothing changed.
    Unchanged,
    /// The same key with changed content: stored as a new version.
    NewVersion,
}

/// Totals of an ingest run, printed at its end (`--json` prints this as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestSummary {
    /// Documents seen for the first time.
    pub new: u64,
    /// Documents already stored with the same content.
    pub unchanged: u64,
    /// Documents whose content changed: a new version was stored.
    pub new_versions: u64,
    /// Inputs that could not be read or stored.
    pub failed: u64,
    /// Stored versions analysed by this run (new ones, and older ones whose analyser changed).
    #[serde(default)]
    pub analysed: u64,
}

impl IngestSummary {
    /// Counts one outcome.
    pub fn record(&mut self, outcome: IngestOutcome) {
        match outcome {
            IngestOutcome::New => self.new += 1,
            IngestOutcome::Unchanged => self.unchanged += 1,
            IngestOutcome::NewVersion => self.new_versions += 1,
        }
    }
    /// Adds another summary into this one.
    pub fn merge(&mut self, other: &IngestSummary) {
        self.new += other.new;
        self.unchanged += other.unchanged;
        self.new_versions += other.new_versions;
        self.failed += other.failed;
        self.analysed += other.analysed;
    }
}

/// A stored version of a document, as read back from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredVersion {
    /// The document's numeric id in the store.
    pub document_id: i64,
    /// The version number, from 1.
    pub version: i64,
    /// The document's key.
    pub key: DocKey,
    /// The URL, if any.
    pub url: Option<String>,
    /// The outlet, if any.
    pub outlet: Option<String>,
    /// The title declared by the source, if any.
    pub title: Option<String>,
    /// Declared publication time, if any.
    pub published: Option<DateTime<Utc>>,
    /// When this version was fetched.
    pub fetched_at: DateTime<Utc>,
    /// HTML or text.
    pub content_kind: ContentKind,
    /// The content of this version.
    pub content: String,
    /// Its content hash.
    pub content_hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlet_normalisation() {
        assert_eq!(normalize_outlet("WWW.Vanguardngr.com:443"), "vanguardngr.com");
        assert_eq!(normalize_outlet("https://m.bbc.co.uk/news/x"), "bbc.co.uk");
        assert_eq!(normalize_outlet("  The  Guardian "), "the guardian");
        assert_eq!(normalize_outlet("www.com"), "www.com");
    }

    #[test]
    fn hash_ignores_line_endings_and_trailing_space() {
        assert_eq!(content_hash("a \r\nb"), content_hash("a\nb"));
        assert_ne!(content_hash("a\nb"), content_hash("a\nc"));
    }

    #[test]
    fn key_prefers_url() {
        assert_eq!(DocKey::for_document(Some("https://x.org/a"), "t").as_str(), "https://x.org/a");
        assert!(DocKey::for_document(None, "t").as_str().starts_with("sha256:"));
    }
}
