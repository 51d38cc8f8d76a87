//! What a story page shows beyond the story record, computed once per change of the story and
//! stored (a story of thousands of articles and tens of thousands of statements is summarised
//! when it changes, not on every read): its articles in time order, coverage by outlet, and who
//! said what, bounded to what a reader can follow.

use serde::{Deserialize, Serialize};

/// A story's summary (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryDigest {
    /// The first report (the earliest article that is not a copy).
    pub first_report: Option<ArticleRef>,
    /// Document ids of every article, first reported first: pages of articles are slices.
    pub order: Vec<i64>,
    /// Coverage by outlet, earliest first.
    pub outlets: Vec<OutletCoverage>,
    /// What the coverage plot draws: the busiest outlets' articles, those at nearly the same
    /// time merged into one point with a count.
    pub coverage: Vec<CoveragePoint>,
    /// Who said what: the [`SPEAKERS_SHOWN`] speakers with the most statements.
    pub speakers: Vec<SpeakerGroup>,
    /// How many speakers the story has.
    pub speakers_total: usize,
}

/// One article of a story, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRef {
    /// Document id: the article's page is `/articles/{id}`.
    pub id: i64,
    /// Its identity key (canonical URL or content hash).
    pub key: String,
    /// Headline.
    pub title: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Publication time, if known.
    pub published: Option<String>,
    /// First fetch time.
    pub first_seen: String,
    /// Key of the article it copies, if it is a copy.
    pub copy_of: Option<String>,
    /// Id of the article it copies.
    pub copy_of_id: Option<i64>,
    /// Wire agency credited.
    pub wire_agency: Option<String>,
    /// How many versions are stored.
    pub versions: i64,
}

impl ArticleRef {
    /// Publication time, else first fetch.
    pub fn time(&self) -> &str {
        self.published.as_deref().unwrap_or(&self.first_seen)
    }
}

/// One outlet's coverage of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletCoverage {
    /// The outlet.
    pub outlet: String,
    /// Its articles in the story.
    pub articles: usize,
    /// How many of them are copies of another outlet's report.
    pub copies: usize,
    /// Its earliest article's time.
    pub first: Option<String>,
    /// Whether it reported first.
    pub first_report: bool,
}

/// One statement of a speaker, with every article that carried it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    /// The content.
    pub text: String,
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// The cue verb.
    pub cue: Option<String>,
    /// Relays ("TASS") it came through.
    pub via: Vec<String>,
    /// Distinct outlets that carried it.
    pub outlets: Vec<String>,
    /// The articles that carried it, earliest first, with their outlets (at most
    /// [`CARRIERS_SHOWN`]; `carried_total` counts them all).
    pub carried_by: Vec<CarriedBy>,
    /// How many articles carried it.
    pub carried_total: usize,
    /// How many distinct outlets carried it (`outlets` lists at most [`CARRIERS_SHOWN`]).
    pub outlets_total: usize,
    /// The earliest of those articles' times.
    pub first: Option<String>,
}

/// One article carrying a statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarriedBy {
    /// Article id.
    pub article: i64,
    /// Its outlet, if known.
    pub outlet: Option<String>,
}

/// What one speaker said in a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerGroup {
    /// The speaker's name ("unattributed" when none was found).
    pub speaker: String,
    /// Their entity id, when resolved.
    pub entity: Option<i64>,
    /// Their most carried statements (at most [`STATEMENTS_SHOWN`]), earliest first.
    pub statements: Vec<Carried>,
    /// How many distinct statements they made in the story.
    pub statements_total: usize,
}

/// One point of the coverage plot: articles of one outlet at (nearly) one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoveragePoint {
    /// Its outlet (`(unknown)` when none).
    pub outlet: String,
    /// Seconds since the epoch (`i64::MAX` when unknown).
    pub instant: i64,
    /// Whether it copies another outlet's report.
    pub copy: bool,
    /// How many articles of the outlet the point stands for.
    pub count: usize,
}

/// Speakers a story digest keeps; a story carried by thousands of articles has hundreds.
pub const SPEAKERS_SHOWN: usize = 20;
/// Statements shown per speaker (the most carried).
pub const STATEMENTS_SHOWN: usize = 8;
/// Articles and outlets listed as carrying one statement.
pub const CARRIERS_SHOWN: usize = 6;
/// Outlets drawn in the coverage plot: the busiest, so a story carried by hundreds stays a
/// readable plot (the outlet table lists them all).
pub const COVERAGE_OUTLETS: usize = 20;
/// Steps of the coverage plot's time axis (about one per pixel of its width).
pub const COVERAGE_STEPS: usize = 550;
