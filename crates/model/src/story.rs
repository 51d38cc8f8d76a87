//! Stories as stored: groups of reports of one real-world event, and which story each document
//! joined (or which document it copies).

use serde::{Deserialize, Serialize};

/// A story as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryRecord {
    /// Stable id (`s17`).
    pub id: String,
    /// Its most central headline.
    pub label: String,
    /// Time of its first report (RFC 3339), if known.
    pub first_seen: Option<String>,
    /// Time of its latest report, if known.
    pub last_updated: Option<String>,
    /// `developing`, `breaking` or `quiet`.
    pub state: String,
    /// When it was flagged breaking, if it was.
    pub breaking_since: Option<String>,
    /// Articles in it, copies included.
    pub articles: u64,
    /// Copies among them (counted once where coverage is counted).
    pub copies: u64,
    /// Distinct independent outlets.
    pub outlets: Vec<String>,
    /// The entities most involved.
    pub entities: Vec<String>,
    /// The clustering state, so the story can be revived into memory after a restart.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub state_json: String,
}

/// Which story a document joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryAssignment {
    /// The document's key.
    pub document: String,
    /// The story's id.
    pub story: String,
    /// The key of the document it copies (the origin), if it is a copy.
    pub duplicate_of: Option<String>,
    /// A wire agency credited in the text or its origin's ("AFP"), if any.
    pub wire_agency: Option<String>,
}

/// One article of a story, for listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryArticle {
    /// The document's key.
    pub document: String,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication time, if known.
    pub published: Option<String>,
    /// When it was first fetched.
    pub first_seen: String,
    /// The document it copies, if it is a copy.
    pub duplicate_of: Option<String>,
    /// Wire agency credit, if any.
    pub wire_agency: Option<String>,
}

/// A claim as a finding or timeline entry cites it: what was said or reported, where, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimEvidence {
    /// The article's document key.
    pub article: String,
    /// The version of the article the text is in.
    pub version: i64,
    /// The article's outlet.
    pub outlet: Option<String>,
    /// Publication (or modification) time of that version, RFC 3339.
    pub time: Option<String>,
    /// Who does the action, as the text names it.
    pub actor: Option<String>,
    /// The actor's side (its government, company or country).
    pub side: Option<String>,
    /// The normalised action ("expel", "cut jobs").
    pub action: String,
    /// `affirmed` or `negated`.
    pub polarity: String,
    /// `done`, `will`, `proposed`, `considered`, `demanded`, `denied` or `retracted`.
    pub modality: String,
    /// The quantity as written ("35 diplomats"), if any.
    pub quantity: Option<String>,
    /// Its value.
    pub value: Option<f64>,
    /// Who said it, when it is a statement.
    pub speaker: Option<String>,
    /// The agency or channel it came through ("TASS").
    pub via: Option<String>,
    /// Whether it is a verbatim quotation.
    pub quoted: bool,
    /// The quoted or reported text.
    pub text: String,
    /// Its first code point in the article body.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
}

/// A change found inside a story: a reversal, contradiction, overstatement or correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryFinding {
    /// Stable id, unique in the store.
    pub id: i64,
    /// The story it was found in.
    pub story: String,
    /// `reversal`, `contradiction`, `overstatement` or `correction`.
    pub kind: String,
    /// Confidence in 0..1.
    pub confidence: f32,
    /// One sentence saying what changed.
    pub explanation: String,
    /// Outlets of the two reports.
    pub outlets: Vec<String>,
    /// The earlier (or quoted) claim.
    pub first: ClaimEvidence,
    /// The later (or narrative) claim.
    pub second: ClaimEvidence,
    /// When wirewatch first found it, RFC 3339.
    pub found_at: String,
}

impl StoryFinding {
    /// A stable identity across re-runs: the kind and where both claims are. The store keeps a
    /// finding's id and `found_at` while its fingerprint is found again.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.kind,
            self.first.article,
            self.first.version,
            self.first.start,
            self.second.article,
            self.second.version,
            self.second.start
        )
    }
}

/// One report of a timeline entry: an article that carried the statement or claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineReport {
    /// The article's document key.
    pub article: String,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its time, RFC 3339.
    pub time: Option<String>,
    /// The version of the article.
    pub version: i64,
    /// Where the text is in the body (code points).
    pub start: usize,
    /// One past its end.
    pub end: usize,
}

/// Reports listed per timeline entry and kind (repeats, copies): a statement carried by
/// thousands of articles is listed by its first few, and counted.
pub const TIMELINE_REPORTS: usize = 10;

/// One entry of a story's timeline: a statement or a claim, with who reported it first, who
/// repeated it and who copied it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Time of its first report, RFC 3339.
    pub time: Option<String>,
    /// `statement` (a quotation or reported speech) or `claim` (the reporter's own narrative).
    pub kind: String,
    /// The text as first reported.
    pub text: String,
    /// Who said it (statements).
    pub speaker: Option<String>,
    /// The agency or channel it came through.
    pub via: Option<String>,
    /// The normalised action, for claims and statements that make one.
    pub action: Option<String>,
    /// The quantity as written, if any.
    pub quantity: Option<String>,
    /// The first report.
    pub first: TimelineReport,
    /// Later independent reports carrying the same statement or claim: the earliest
    /// [`TIMELINE_REPORTS`] of them (`repeats` counts them all).
    pub repeated_by: Vec<TimelineReport>,
    /// How many later independent reports carried it.
    #[serde(default)]
    pub repeats: usize,
    /// Syndicated copies carrying it (counted once): the earliest [`TIMELINE_REPORTS`].
    pub copied_by: Vec<TimelineReport>,
    /// How many syndicated copies carried it.
    #[serde(default)]
    pub copies: usize,
    /// When a finding shows it was later corrected, contradicted or reversed: that finding's
    /// explanation.
    pub superseded: Option<String>,
    /// Outlets that repeated it after it had been corrected, contradicted or reversed elsewhere.
    pub repeated_after_correction: Vec<String>,
}
