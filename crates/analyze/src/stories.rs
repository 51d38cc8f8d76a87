//! Stories, online: each arriving article joins an existing story or starts a new one, in
//! arrival order, with bounded memory; syndicated copies join their origin's story; breaking
//! stories are flagged.
//!
//! An article becomes a vector of weighted features (see `features`): stemmed words, names,
//! numbers and dates, with the title and lead weighted above the rest. Weights use an IDF that is
//! learnt online (document frequencies are updated as documents arrive, so the result depends only
//! on the input order). A story is the sum of its articles' normalised vectors, truncated to its
//! strongest terms; an inverted index over those terms finds candidate stories quickly. The
//! similarity of an article and a story is a weighted mean of cosines over views (the whole
//! vector, and names), nudged by the story's size and damped by the time since the story's last
//! independent report. The damping's half-life depends on the evidence: a headline shares a
//! word or two with a story and needs same-day proximity (6 hours), while a full report that
//! shares the story's names keeps its pull for longer (up to 48 hours), so the next-day
//! follow-up of an event (a revised toll, a denial, a confirmation) continues its story. The
//! article joins the most similar candidate if that similarity clears a
//! threshold that depends on how much text the article has: a headline alone shares fewer terms
//! with a story than a full report does.
//!
//! Two events of one kind (two earthquakes) differ in names, places, numbers and dates, which
//! carry extra weight, so they make two stories. The specifics of a lead (years, dates, weekdays,
//! ages, names, places) are also compared directly: when the article and the story both give a
//! year or a date and none agree, the similarity is cut; when they agree it is raised a little
//! (see [`StoryConfig::spec_weights`]). A lead with no year is no evidence either way.
//!
//! The first report of a second event of one kind often arrives while the first event's story
//! has one or two articles, and shares its kind, its place and often its organisation names,
//! while the details that differ are absent from one side (ECB+ has no times, so nothing but the
//! text separates such events). Two corrections after the fact handle it while a story is young
//! (open, up to [`StoryConfig::split_max_articles`] independent articles): a story whose full
//! reports form two tight groups that are two events splits; and when a full report joins a
//! story, the full reports of the open stories it was near are checked again, and move there if
//! they now fit it clearly better than their own story without them (a lone report that started
//! a story of its own merges into its event's story). See [`StoryConfig::reassign`] and
//! [`Clusterer::take_moves`]. What remains on ECB+ (docs/BENCHMARKS.md) is one topic whose two
//! emergency patches no partition of the reports separates, and a few reports that never score
//! above the threshold with their event.
//!
//! Invariants: synchronous, deterministic (no clock, no random state: the same input in the same
//! order gives the same stories), no IO, no panics on any input.

mod features;

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dedupe::{DedupeConfig, Deduper, IdMap, hash_str};
use features::{DocFeatures, Extractor, Kind, Weights};

/// Settings of story clustering. One configuration serves full reports and bare headlines; the
/// defaults were chosen on the development sets (ECB+ full texts, UCI headlines) and are
/// deliberately round numbers on flat parts of the score curves, not fitted optima.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StoryConfig {
    /// Similarity (after time damping) an article with a full text needs to join a story.
    /// Default 0.30: two reports of one event share their names and most of their lead (0.35 and
    /// up), while a report of another event of the same kind shares the vocabulary of the kind
    /// but not the names (typically below 0.3). Scores are flat within ±0.02 of it.
    pub threshold: f32,
    /// The threshold for an article with very few features (a bare headline). Default 0.05: a
    /// headline shares only one or two terms with a story, so a cosine over a few words is small
    /// even when they are the story's defining names; a same-day story sharing no rare term
    /// scores ~0.
    pub short_threshold: f32,
    /// Number of distinct features at or below which an article counts as short (default 20,
    /// a headline with its names). An article with `n` features uses `short_threshold +
    /// (threshold - short_threshold) * min(1, (n - short) / (4 * short))`: a length-aware rule,
    /// the full threshold from about 100 features (a few paragraphs) on.
    pub short_features: usize,
    /// Weight of the whole-vector cosine in the similarity (default 0.5).
    pub view_all: f32,
    /// Weight of the cosine over names: people, places, organisations (default 0.25). A view
    /// only counts when both the article and the story have something in it, so a story with
    /// other names scores lower while an article without names is not penalised.
    pub view_names: f32,
    /// Weight of the cosine over numbers and dates (default 0: numbers already count in the whole
    /// vector, and as a separate view they hurt headlines, whose figures are rounded and
    /// converted differently by every outlet).
    pub view_numbers: f32,
    /// Factor applied to the similarity when the article's main name is not among the story's
    /// three main names and one of the story's two main names is absent from the article (full
    /// texts only: a headline names too few people to tell). Default 0.8: two arrests of
    /// different players of one team share the team, the charge and the city, and differ in
    /// who; a follow-up on the same arrest names the same player.
    pub protagonist_conflict: f32,
    /// Weights of conflicting specifics, per kind: year, date, weekday, age, name, place
    /// (default `[0.8, 0.6, 0.2, 0, 0.2, 0.2]`). The specifics of an article are those of its
    /// title and first `spec_words` body words; a story's are those seen in the lead of any of
    /// its articles. A kind is *evidence* only when both the article and the story have at least
    /// one specific of it: then it agrees when they share one (dates: two within
    /// `spec_date_days`) and conflicts when they share none. The similarity is multiplied by
    /// `exp(spec_agree * (weights of agreeing kinds) - (weights of conflicting kinds))`, the
    /// exponent capped at `spec_cap`. Names and places count only for full texts (a headline
    /// names too few to tell). Two reports of one event rarely disagree on the year or the date in their
    /// leads, while two events of one kind (two emergency patches five years apart, two
    /// elections, two arrests of players of one team) usually do, when both leads say; a lead
    /// without a year or date is no evidence either way, so headlines are barely affected.
    /// Weekdays, names and places are weaker: reports of one event quote other people and
    /// give the day of the event or of the report. Ages (weight 0 by default) rarely appear
    /// on both sides. Measured on ECB+ dev (mean over the file, two pairs of random halves and
    /// the reversed order): B-cubed F1 0.897 without specifics, 0.91 with.
    pub spec_weights: [f32; 6],
    /// Share of a kind's weight an agreement on it earns (default 1: a shared year is as good
    /// as a conflicting one is bad).
    pub spec_agree: f32,
    /// Most net agreement can raise the similarity, as a log factor (default 0.2, ×1.22):
    /// agreement breaks ties between two stories of one kind without joining unrelated ones.
    pub spec_cap: f32,
    /// Dates at most this many days apart agree (default 3): outlets date the same event a day
    /// or two apart (the day it happened, the day they report it).
    pub spec_date_days: i64,
    /// Body words read for specifics, after the title (default 60, the first two or three
    /// sentences: the dateline and the who, where and when).
    pub spec_words: usize,
    /// Size prior: similarity is multiplied by `1 + size_prior * ln(independent articles)`.
    /// Default 0.05 (×1.23 at 100 articles): coverage attracts coverage, but only a nudge.
    pub size_prior: f32,
    /// Weight of title words relative to body words (default 3: the headline names the event).
    pub title_weight: f32,
    /// Weight of lead words, the first `lead_words` words of the body (default 2: the lead says
    /// who, what, where and when; later paragraphs drift into background).
    pub lead_weight: f32,
    /// Number of body words counted as the lead (default 50, about the first two sentences).
    pub lead_words: usize,
    /// Body words read at most (default 600); later paragraphs add little and cost time.
    pub max_words: usize,
    /// Extra weight of a name token or name phrase, added to the word's own weight (default 2:
    /// names are what tells two earthquakes apart).
    pub entity_weight: f32,
    /// Weight of a number, year or date (default 1, like a word).
    pub number_weight: f32,
    /// Time damping: similarity is multiplied by `0.5^(gap / half_life)`, where `gap` is the
    /// time between the article and the story's nearest independent report, and `half_life` is
    /// this for a headline (see `long_half_life_hours` for longer reports). Default 6 hours: a
    /// live story gets reports every few hours, so its gap stays small; a headline a day after
    /// a story went silent needs 16 times the similarity to continue it rather than start a new
    /// story (on UCI headlines, 24 hours for all dropped pairwise F1 from 0.852 to 0.803).
    /// Articles without a time are not damped, so the feature degrades gracefully.
    pub time_half_life_hours: f64,
    /// The longest half-life of time damping, in hours (default 48), reached by a full report
    /// whose names are those of the story. The half-life runs from `time_half_life_hours` for
    /// a headline to this, in proportion to the article's length (the same ramp as the
    /// threshold, see `short_features`) times the cosine of its names with the story's. A
    /// headline shares a word or two with a story, which same-day proximity must back up; a
    /// full report that names the same ship, company or minister is a follow-up of the same
    /// event even a day or two later (the second-day story: a revised toll, a denial, a
    /// confirmation), while a report of another event of one kind shares few names and keeps
    /// the short half-life. Headline streams (UCI, titles only) are unaffected by design.
    pub long_half_life_hours: f64,
    /// A story with no article for this many hours is quiet: it can no longer be joined, and
    /// [`Clusterer::evict_quiet`] moves it out of memory. Default 72 hours: by then a headline's
    /// damping is below 0.0003 and even a full report naming the same people is damped to a
    /// third, so little could join it anyway.
    pub quiet_hours: f64,
    /// A story with no article among this many arrivals is quiet too (the window in documents,
    /// which also bounds memory when articles carry no time). Default 100,000.
    pub quiet_docs: u64,
    /// Breaking: at least this many independent outlets (syndicated copies count once) report a
    /// new story within `breaking_minutes` of its first article. Default 3: one outlet is a
    /// scoop, two may be a wire and its client; three separate newsrooms covering it within the
    /// hour is what editors call a breaking story.
    pub breaking_outlets: usize,
    /// The breaking window in minutes (default 60).
    pub breaking_minutes: i64,
    /// Breaking for an existing story: its independent articles within the last
    /// `breaking_minutes` reach `breaking_outlets` and are this many times its average rate over
    /// its earlier life (default 4: a sudden rise, not a busy day).
    pub rate_rise: f32,
    /// A breaking story goes back to developing after this many hours without a new trigger
    /// (default 6).
    pub breaking_hold_hours: f64,
    /// Terms kept per story vector (default 300: more than a long report has distinct content
    /// terms, so truncation only trims the long tail of big stories).
    pub story_terms: usize,
    /// Strongest terms of an article used to look up candidate stories in the inverted index
    /// (default 24: a story sharing none of an article's 24 strongest terms cannot reach the
    /// threshold).
    pub probe_terms: usize,
    /// Retroactive split: each side of a split needs at least this many independent articles
    /// that are not short (more than `short_features` features), default 2. See
    /// [`StoryConfig::split_max_articles`].
    pub split_min: usize,
    /// Retroactive split: the least margin by which each side's articles are closer to their
    /// own side than to the other (mean leave-one-out cosine minus mean cross cosine), default
    /// 0.05: two coherent groups, not a story with a few odd reports.
    pub split_margin: f32,
    /// Retroactive split: a story is re-checked each time it gains an independent article, as
    /// long as it has at most this many (default 24; 0 turns splitting off). The first report
    /// of a second event of one kind can join the first event's story while that story has
    /// one or two articles and nothing yet tells the events apart; once each event has a few
    /// reports, the story's articles form two groups (on ECB+ dev every split
    /// happens well before 24 reports). The story splits when a two-way
    /// partition of its full reports gives two tight groups (`split_margin`) of at least
    /// `split_min` reports each and either the second group as a whole would not join the first
    /// (its similarity is below `threshold`), or the specifics most of each group's leads give
    /// (years, dates, weekdays, names, places) conflict in some kind and agree in none. The
    /// group holding the story's earliest full report keeps the story; the other becomes a new
    /// story (see [`Clusterer::take_moves`]). Past this size, or past eight times it in
    /// articles of any kind (a story gathering copies of a few reports), a story is settled: it
    /// keeps no per-article state and never splits, which bounds memory and time.
    pub split_max_articles: usize,
    /// A headline or very short text (at most `short_features` features) that shares a single
    /// feature with a story, and that not a name, has its similarity multiplied by this (default
    /// 0.7). Headlines join on little evidence (`short_threshold`), and a lone shared word
    /// ("season", "trailer", "recall") is how the first headline of one story slips into a
    /// same-day story of the same kind, taking the rest of its story along. Over ten halves of
    /// the UCI dev set by story the mean pairwise F1 rose from 0.872 to 0.886 (the worst half
    /// from 0.789 to 0.839), the whole set staying at 0.852 (docs/BENCHMARKS.md).
    pub lone_term: f32,
    /// Retroactive reassignment (default on): when a full report joins a story, the full
    /// reports of other open stories it was also close to (see `reassign_near`) are checked
    /// again, and one that now scores at least `threshold` with that story and more than
    /// `reassign_margin` above its own story without it moves there (a story left with no
    /// article is dropped). An article is placed with what was known when it arrived; a second
    /// event's story that had not started yet, or had one report, could not attract it. This
    /// is the online form of the reassignment step of k-means, kept to open stories (see
    /// `split_max_articles`), which bounds its cost.
    pub reassign: bool,
    /// Reassignment: other open stories are checked when the arriving full report scored at
    /// least this fraction of its threshold with them (default 0.5): stories it was nowhere
    /// near hold nothing it could draw away.
    pub reassign_near: f32,
    /// Reassignment: how much better (similarity, after every factor) the other story must
    /// score than the article's own story without it (default 0.05, the split margin: a
    /// clear preference, not a near tie).
    pub reassign_margin: f32,
    /// Copy detection settings.
    pub dedupe: DedupeConfig,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            threshold: 0.30,
            short_threshold: 0.05,
            short_features: 20,
            view_all: 0.5,
            view_names: 0.25,
            view_numbers: 0.0,
            protagonist_conflict: 0.8,
            spec_weights: [0.8, 0.6, 0.2, 0.0, 0.2, 0.2],
            spec_agree: 1.0,
            spec_cap: 0.2,
            spec_date_days: 3,
            spec_words: 60,
            size_prior: 0.05,
            title_weight: 3.0,
            lead_weight: 2.0,
            lead_words: 50,
            max_words: 600,
            entity_weight: 2.0,
            number_weight: 1.0,
            time_half_life_hours: 6.0,
            long_half_life_hours: 48.0,
            quiet_hours: 72.0,
            quiet_docs: 100_000,
            breaking_outlets: 3,
            breaking_minutes: 60,
            rate_rise: 4.0,
            breaking_hold_hours: 6.0,
            story_terms: 300,
            probe_terms: 24,
            split_min: 2,
            split_margin: 0.05,
            split_max_articles: 24,
            lone_term: 0.7,
            reassign: true,
            reassign_near: 0.5,
            reassign_margin: 0.05,
            dedupe: DedupeConfig::default(),
        }
    }
}

/// An article as clustering sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterDoc {
    /// The article's id (unique in the stream).
    pub id: String,
    /// Publication time, if known.
    pub time: Option<DateTime<Utc>>,
    /// The outlet, if known (normalised with `model::normalize_outlet`).
    pub source: Option<String>,
    /// Headline, if any.
    pub title: Option<String>,
    /// Body text, if any.
    pub text: Option<String>,
    /// Names found by an earlier stage (the who-said-what stage), if any.
    pub entities: Vec<String>,
}

/// What happened to one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The story it belongs to (a stable id such as `"s1"`).
    pub cluster: String,
    /// The earliest document it copies, if it is a syndicated copy.
    pub duplicate_of: Option<String>,
    /// The wire agency credited in it or in its origin, if any.
    pub wire_agency: Option<String>,
    /// Whether it started a new story.
    pub new_story: bool,
    /// Whether its arrival raised the story's breaking flag.
    pub breaking_raised: bool,
}

/// An article a retroactive split or reassignment moved from one story to another (see
/// [`StoryConfig::split_max_articles`], [`StoryConfig::reassign`] and [`Clusterer::take_moves`]).
/// A story whose last article moves away no longer exists: its articles went to `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Move {
    /// The article's id.
    pub article: String,
    /// The story it was in.
    pub from: String,
    /// The story it is in now.
    pub to: String,
    /// The earliest document it copies, if it is a syndicated copy.
    pub duplicate_of: Option<String>,
    /// The wire agency credited in it or in its origin, if any.
    pub wire_agency: Option<String>,
}

/// The lifecycle state of a story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoryStatus {
    /// Receiving articles at an ordinary rate.
    Developing,
    /// Flagged as breaking (see [`StoryConfig::breaking_outlets`]).
    Breaking,
    /// No article for the quiet window; out of memory until revived.
    Quiet,
}

/// A story as clustering keeps it; what [`Clusterer::evict_quiet`] hands over for storage and
/// [`Clusterer::revive`] takes back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryState {
    /// Stable id, e.g. `"s12"`.
    pub id: String,
    /// Its most central headline.
    pub label: String,
    /// Time of its earliest article, if any article had a time.
    pub first_seen: Option<DateTime<Utc>>,
    /// Time of its latest article, if any article had a time.
    pub last_updated: Option<DateTime<Utc>>,
    /// Its articles' ids, in arrival order (copies included).
    pub articles: Vec<String>,
    /// Distinct outlets that reported it independently (copies counted once), sorted.
    pub outlets: Vec<String>,
    /// How many of its articles are syndicated copies.
    pub copies: usize,
    /// The names most involved, most first.
    pub entities: Vec<String>,
    /// Its most characteristic terms, most first.
    pub terms: Vec<String>,
    /// Developing, breaking or quiet.
    pub state: StoryStatus,
    /// When the breaking flag was last raised, if ever.
    pub breaking_since: Option<DateTime<Utc>>,
    /// Matching state (the story vector and bookkeeping), kept so a stored story can be revived.
    #[serde(default)]
    model: StoryModel,
}

impl StoryState {
    /// A story with no article yet: a new one, or one being rebuilt after a split.
    fn empty(id: String, model: StoryModel) -> StoryState {
        StoryState {
            id,
            label: String::new(),
            first_seen: None,
            last_updated: None,
            articles: Vec::new(),
            outlets: Vec::new(),
            copies: 0,
            entities: Vec::new(),
            terms: Vec::new(),
            state: StoryStatus::Developing,
            breaking_since: None,
            model,
        }
    }
}

/// The parts of a story only clustering reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct StoryModel {
    /// Story vector: the sum of its articles' normalised TF-IDF vectors (IDF as of each
    /// article's arrival), sorted by feature id.
    centroid: Vec<(u64, f32)>,
    /// Its norms: whole vector, names, numbers and dates.
    norm: [f32; 3],
    /// Its three strongest single names, heaviest first ([`top_names`]): read for every
    /// article the story is compared with, so found once each time the vector changes.
    #[serde(skip)]
    top_names: [Option<u64>; 3],
    /// Where each feature of `centroid` is, by hash ([`centroid_table`]), so that an article
    /// is compared by looking up its own features rather than by walking the whole vector.
    #[serde(skip)]
    table: Vec<u32>,
    /// The kinds of `specifics` present, one bit per [`features::Spec`] kind.
    #[serde(skip)]
    spec_kinds: u8,
    /// Arrival number of its latest article (for the window in documents).
    last_seq: u64,
    /// Arrival number at which it was revived, if it was.
    revived_seq: Option<u64>,
    /// Headline candidates for the label: (title, title feature ids, centrality).
    label_cands: Vec<(String, Vec<u64>)>,
    /// Names with accumulated weight: (id, display, weight).
    names: Vec<(u64, String, f32)>,
    /// Display forms of word features: (id, word).
    words: Vec<(u64, String)>,
    /// Recent independent articles: (time, outlet hash) within the breaking window.
    recent: VecDeque<(DateTime<Utc>, u64)>,
    /// First and last time of its independent (non-copy) articles: time damping measures from
    /// these, since a late republished copy adds no new reporting.
    content_span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Independent (non-copy) articles so far.
    independent: u64,
    /// Outlet hashes of independent articles, sorted (for fast membership).
    outlet_hashes: Vec<u64>,
    /// Feature ids this story is indexed under.
    indexed: Vec<u64>,
    /// Specifics seen in its articles' leads (sorted, at most `SPECIFICS_CAP`).
    #[serde(default)]
    specifics: Vec<u64>,
    /// Whether it may still split (see [`StoryConfig::split_max_articles`]); then `members`
    /// holds its articles. Not stored: a revived story is settled.
    #[serde(skip)]
    open: bool,
    /// Its articles in arrival order, while it is open.
    #[serde(skip)]
    members: Vec<Member>,
}

impl StoryModel {
    /// Recomputes what is derived from the story vector: its norms per view, and what
    /// [`StoryModel::derive`] keeps.
    fn refresh(&mut self) {
        let mut sq = [0.0f32; 3];
        for &(t, c) in &self.centroid {
            sq[0] += c * c;
            if let Some(v) = view_of(t) {
                sq[v] += c * c;
            }
        }
        self.norm = sq.map(f32::sqrt);
        self.derive();
    }

    /// Recomputes what only speeds up matching: the strongest names, the table of the
    /// vector's features and the kinds of specifics (none of it is stored).
    fn derive(&mut self) {
        self.top_names = top_names(&self.centroid);
        self.table = centroid_table(&self.centroid);
        self.spec_kinds = spec_kinds(&self.specifics);
    }
}

/// An article of an open story: what [`Clusterer::join`] needs to add it again when the story
/// is rebuilt after a split. It keeps the article's normalised TF-IDF vector as computed on
/// arrival (IDF as of then), so a split check or a rebuild reads it instead of recomputing it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Member {
    id: String,
    time: Option<DateTime<Utc>>,
    source: Option<String>,
    title: Option<String>,
    /// Its TF-IDF vector, normalised when `weighted` (sorted by feature id).
    vec: Vec<(u64, f32)>,
    /// Whether the vector has a positive norm (only then does it move the story vector).
    weighted: bool,
    title_terms: Vec<u64>,
    names: Vec<(u64, Kind, String)>,
    specifics: Vec<u64>,
    duplicate_of: Option<String>,
    wire_agency: Option<String>,
}

impl Member {
    /// Whether it is an independent full report (more than `short` features): only those
    /// decide a split or move in a reassignment; headlines say too little to place.
    fn is_full_report(&self, short: usize) -> bool {
        self.duplicate_of.is_none() && self.weighted && self.vec.len() > short
    }

    /// The article as [`Clusterer::join`] reads it.
    fn joining(&self) -> Joining<'_> {
        Joining {
            id: &self.id,
            time: self.time,
            source: self.source.as_deref(),
            title: self.title.as_deref(),
            vec: &self.vec,
            weighted: self.weighted,
            title_terms: &self.title_terms,
            names: &self.names,
            specifics: &self.specifics,
            is_copy: self.duplicate_of.is_some(),
        }
    }
}

/// An article being added to a story, borrowed from the input or from a [`Member`], so that
/// joining copies no text unless the story keeps the article.
#[derive(Clone, Copy)]
struct Joining<'a> {
    id: &'a str,
    time: Option<DateTime<Utc>>,
    source: Option<&'a str>,
    title: Option<&'a str>,
    /// Its TF-IDF vector, normalised when `weighted`.
    vec: &'a [(u64, f32)],
    weighted: bool,
    title_terms: &'a [u64],
    names: &'a [(u64, Kind, String)],
    specifics: &'a [u64],
    is_copy: bool,
}

/// An article as matching sees it: its normalised vector, time, number of features, lead
/// specifics and strongest name, plus what every comparison with a story would otherwise
/// recompute (the squared norms of its views, a hash table of its feature ids).
struct Probe<'a> {
    vec: &'a [(u64, f32)],
    time: Option<DateTime<Utc>>,
    n_features: usize,
    specifics: &'a [u64],
    top: Option<u64>,
    /// Squared norms per view: whole vector (1, it is normalised), names, numbers and dates.
    dn: [f32; 3],
    lookup: Lookup,
}

impl<'a> Probe<'a> {
    fn new(
        vec: &'a [(u64, f32)],
        time: Option<DateTime<Utc>>,
        n_features: usize,
        specifics: &'a [u64],
    ) -> Probe<'a> {
        let mut dn = [0.0f32; 3];
        dn[0] = 1.0;
        for (t, w) in vec {
            if let Some(v) = view_of(*t) {
                dn[v] += w * w;
            }
        }
        Probe {
            vec,
            time,
            n_features,
            specifics,
            top: top_entity(vec),
            dn,
            lookup: Lookup::new(vec),
        }
    }

    /// [`view_dots`] of the article with a story vector, the same sums in the same order (by
    /// feature id), found the cheaper way: the article's ids are looked up in the story's
    /// [`centroid_table`] (`table`); failing a table, a short article binary-searches the
    /// story vector, and a long one probes its own hash table with each of the story's ids,
    /// which avoids the unpredictable branches of a merge of two long lists.
    fn dots(&self, centroid: &[(u64, f32)], table: &[u32]) -> [f32; 3] {
        if !table.is_empty() && self.vec.len() <= centroid.len() {
            return table_dots(self.vec, centroid, table);
        }
        if self.vec.len() * 8 <= centroid.len() {
            let mut dot = [0.0f32; 3];
            let mut rest = centroid;
            for &(t, w) in self.vec {
                match rest.binary_search_by_key(&t, |x| x.0) {
                    Ok(j) => {
                        let d = w * rest[j].1;
                        dot[0] += d;
                        if let Some(v) = view_of(t) {
                            dot[v] += d;
                        }
                        rest = &rest[j + 1..];
                    }
                    Err(j) => rest = &rest[j..],
                }
            }
            return dot;
        }
        // Without branches on whether an id matches: an absent id adds +0, which leaves each
        // sum exactly as it was (weights are not negative, so no sum is -0), and the three
        // sums are separate chains the processor runs side by side.
        let (mut all, mut names, mut numbers) = (0.0f32, 0.0f32, 0.0f32);
        for &(t, c) in centroid {
            let (k, w) = self.lookup.find(t);
            let d = if k == t { w * c } else { 0.0 };
            let v = VIEW_OF_KIND[(t & 7) as usize];
            all += d;
            names += if v == 1 { d } else { 0.0 };
            numbers += if v == 2 { d } else { 0.0 };
        }
        [all, names, numbers]
    }
}

/// An empty place in a [`centroid_table`].
const NO_TERM: u32 = u32::MAX;

/// An open-addressing hash table over a story vector's feature ids: each place holds the
/// index of a feature in the vector (low 16 bits) and 16 other bits of its id, so that a
/// lookup of an absent id seldom reads the vector. Empty for an empty vector, or one too long
/// to index in 16 bits (comparisons then walk the vector).
fn centroid_table(centroid: &[(u64, f32)]) -> Vec<u32> {
    if centroid.is_empty() || centroid.len() >= 0xffff {
        return Vec::new();
    }
    // At most half full.
    let cap = (centroid.len() * 2).next_power_of_two();
    let mask = cap - 1;
    let mut table = vec![NO_TERM; cap];
    for (j, &(t, _)) in centroid.iter().enumerate() {
        let mut i = (t >> 3) as usize & mask;
        while table[i] != NO_TERM {
            i = (i + 1) & mask;
        }
        table[i] = (((t >> 48) as u32) << 16) | j as u32;
    }
    table
}

/// [`view_dots`] through a [`centroid_table`]: the article's features are looked up in id
/// order, so the sums are the same, added in the same order.
fn table_dots(vec: &[(u64, f32)], centroid: &[(u64, f32)], table: &[u32]) -> [f32; 3] {
    let mask = table.len() - 1;
    let mut dot = [0.0f32; 3];
    for &(t, w) in vec {
        let tag = (t >> 48) as u32;
        let mut i = (t >> 3) as usize & mask;
        loop {
            let e = table[i];
            if e == NO_TERM {
                break;
            }
            if e >> 16 == tag
                && let Some(&(ct, c)) = centroid.get((e & 0xffff) as usize)
                && ct == t
            {
                let d = w * c;
                dot[0] += d;
                if let Some(v) = view_of(t) {
                    dot[v] += d;
                }
                break;
            }
            i = (i + 1) & mask;
        }
    }
    dot
}

/// [`view_of`] by the low three bits of a feature id (0: the whole vector only).
const VIEW_OF_KIND: [u8; 8] = [0, 0, 1, 1, 2, 2, 2, 0];

/// A small open-addressing hash table from an article's feature ids to their weights (ids are
/// well-mixed hashes and never 0, so 0 marks an empty place).
struct Lookup {
    mask: usize,
    /// (id, weight) per place.
    slots: Vec<(u64, f32)>,
}

impl Lookup {
    fn new(vec: &[(u64, f32)]) -> Lookup {
        // At most an eighth full, so a probe for an absent id almost always stops at once.
        let cap = (vec.len() * 8).next_power_of_two().max(8);
        let mut l = Lookup { mask: cap - 1, slots: vec![(0, 0.0); cap] };
        for &(t, w) in vec {
            let mut i = l.slot(t);
            while l.slots[i].0 != 0 && l.slots[i].0 != t {
                i = (i + 1) & l.mask;
            }
            l.slots[i] = (t, w);
        }
        l
    }

    fn slot(&self, t: u64) -> usize {
        // The low three bits of an id are its kind; the bits above are hash bits.
        (t >> 3) as usize & self.mask
    }

    /// The place holding `t`, or the empty place where its search ends.
    fn find(&self, t: u64) -> (u64, f32) {
        let mut i = self.slot(t);
        loop {
            let e = self.slots[i];
            if e.0 == t || e.0 == 0 {
                return e;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn get(&self, t: u64) -> Option<f32> {
        let (k, w) = self.find(t);
        (k == t).then_some(w)
    }
}

/// Online story clustering with copy detection. See the module documentation.
#[derive(Debug)]
pub struct Clusterer {
    cfg: StoryConfig,
    weights: Weights,
    extractor: Extractor,
    dedupe: Deduper,
    /// Document frequencies learnt online.
    df: IdMap<u64, u32>,
    /// Documents counted in `df`.
    n_docs: u64,
    /// Live stories by internal key (deterministic order).
    stories: BTreeMap<u64, StoryState>,
    /// Story id hash -> internal key.
    keys: IdMap<u64, u64>,
    /// Feature id -> stories indexed under it (may hold stale keys; checked on use).
    index: IdMap<u64, Vec<u64>>,
    /// Entries in `index`, to decide when to compact it.
    index_entries: usize,
    next_key: u64,
    next_id: u64,
    seq: u64,
    clock: Option<DateTime<Utc>>,
    /// Articles moved by splits and reassignments since [`Clusterer::take_moves`] was last
    /// called.
    moves: Vec<Move>,
}

/// Bound on the document-frequency table; past it rare terms are forgotten.
const DF_CAP: usize = 2_000_000;
/// Headline candidates kept per story for its label.
const LABEL_CANDS: usize = 8;
/// Names and words remembered per story for display.
const NAMES_CAP: usize = 48;
/// An open story keeps at most this many times [`StoryConfig::split_max_articles`] members
/// (copies included) before it is settled.
const MEMBERS_PER_SPLIT: usize = 8;
/// Specifics remembered per story: past it a story is broad enough to agree with anything.
const SPECIFICS_CAP: usize = 256;

impl Clusterer {
    /// A clusterer with the given settings.
    pub fn new(cfg: StoryConfig) -> Self {
        let weights = Weights {
            title: cfg.title_weight,
            lead: cfg.lead_weight,
            lead_words: cfg.lead_words,
            max_words: cfg.max_words,
            entity: cfg.entity_weight,
            number: cfg.number_weight,
            spec_words: cfg.spec_words,
        };
        Clusterer {
            dedupe: Deduper::new(cfg.dedupe.clone()),
            weights,
            extractor: Extractor::new(),
            df: IdMap::default(),
            n_docs: 0,
            stories: BTreeMap::new(),
            keys: IdMap::default(),
            index: IdMap::default(),
            index_entries: 0,
            next_key: 0,
            next_id: 1,
            seq: 0,
            clock: None,
            moves: Vec::new(),
            cfg,
        }
    }

    /// Continues story numbering from `next` (after a restart, so new ids do not collide with
    /// stored ones).
    pub fn resume_ids(&mut self, next: u64) {
        self.next_id = self.next_id.max(next);
    }

    /// The settings in use.
    pub fn config(&self) -> &StoryConfig {
        &self.cfg
    }

    /// Assigns one article to a story (starting one if none is close enough) and says what
    /// happened. Articles must be added in arrival order. Adding an id that is still remembered
    /// returns its earlier story without adding it twice.
    pub fn add(&mut self, doc: &ClusterDoc) -> Assignment {
        self.add_inner(doc, None, None)
    }

    /// For tuning only: like [`Clusterer::add`], but first reports similarity components
    /// against every live story (those of `breakdown`, then the evidence of each kind of
    /// specific, the protagonist conflict, independent articles, the similarity before and
    /// after every factor, and the threshold the article must clear); then, if `force` is given, joins the story it names (a new
    /// story if that is `None` or unknown) instead of deciding.
    #[doc(hidden)]
    pub fn debug_add(
        &mut self,
        doc: &ClusterDoc,
        force: Option<Option<&str>>,
    ) -> (Vec<(String, Vec<f32>)>, Assignment) {
        let mut rows = Vec::new();
        let a = self.add_inner(doc, force, Some(&mut rows));
        (rows, a)
    }

    fn add_inner(
        &mut self,
        doc: &ClusterDoc,
        force: Option<Option<&str>>,
        debug: Option<&mut Vec<(String, Vec<f32>)>>,
    ) -> Assignment {
        self.moves.clear();
        if let Some(tag) = self.dedupe.tag(&doc.id) {
            return Assignment {
                cluster: tag.to_string(),
                duplicate_of: None,
                wire_agency: None,
                new_story: false,
                breaking_raised: false,
            };
        }
        self.seq += 1;
        if let Some(t) = doc.time {
            self.clock = Some(self.clock.map_or(t, |c| c.max(t)));
        }
        let title = doc.title.as_deref().unwrap_or("");
        let text = doc.text.as_deref().unwrap_or("");
        let copy = self.dedupe.check(&doc.id, doc.title.as_deref(), doc.text.as_deref());
        let feats = self.extractor.extract(title, text, &doc.entities, &self.weights);

        // Online IDF: count this document first so its own terms are known.
        self.n_docs += 1;
        for (t, _) in &feats.terms {
            *self.df.entry(*t).or_insert(0) += 1;
        }
        if self.df.len() > DF_CAP {
            self.df.retain(|_, v| *v > 1);
        }
        let mut vec: Vec<(u64, f32)> =
            feats.terms.iter().map(|(t, w)| (*t, w * self.idf(*t))).collect();
        let norm = vec.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut vec {
                x.1 /= norm;
            }
        }

        // A copy joins its origin's story when that story is still live.
        let mut target: Option<u64> = None;
        if let Some(origin) = &copy.duplicate_of
            && let Some(tag) = self.dedupe.tag(origin)
        {
            target = self.keys.get(&hash_str(0, tag)).copied();
        }
        let is_copy = copy.duplicate_of.is_some();
        let n_features = feats.terms.len();
        if let Some(rows) = debug {
            let probe = Probe::new(&vec, doc.time, n_features, &feats.specifics);
            for s in self.stories.values() {
                let mut b = breakdown(&vec, s, doc.time, &feats);
                b.extend(spec_evidence(&feats.specifics, &s.model.specifics, 3));
                b.push(f32::from(u8::from(protagonist_conflict(
                    probe.top,
                    |t| probe.lookup.get(t).is_some(),
                    &s.model.top_names,
                ))));
                b.push(s.model.independent as f32);
                b.push(self.similarity(&probe, &s.model));
                b.push(self.score(&probe, &s.model));
                b.push(self.threshold(n_features));
                rows.push((s.id.clone(), b));
            }
        }
        let mut near = Vec::new();
        if let Some(f) = force {
            target = f.and_then(|id| self.keys.get(&hash_str(0, id)).copied());
        } else if target.is_none() && !vec.is_empty() {
            (target, near) = self.best_story(&vec, doc.time, n_features, &feats.specifics);
        }
        let new_story = target.is_none();
        let key = match target {
            Some(k) => k,
            None => self.new_story(),
        };
        let joining = Joining {
            id: &doc.id,
            time: doc.time,
            source: doc.source.as_deref(),
            title: doc.title.as_deref(),
            vec: &vec,
            weighted: norm > 0.0,
            title_terms: &feats.title_terms,
            names: &feats.names,
            specifics: &feats.specifics,
            is_copy,
        };
        let breaking_raised = self.join(key, &joining);
        let mut key = key;
        let max = self.cfg.split_max_articles;
        if let Some(s) = self.stories.get_mut(&key)
            && s.model.open
        {
            // Copies and headlines do not count as independent reports, so a story that
            // mostly gathers copies would stay open (and keep every member) forever; past
            // MEMBERS_PER_SPLIT times the limit in all, it is settled too.
            if s.model.independent as usize > max
                || s.model.members.len() >= max.saturating_mul(MEMBERS_PER_SPLIT)
            {
                s.model.open = false;
                s.model.members = Vec::new();
            } else {
                s.model.members.push(Member {
                    id: doc.id.clone(),
                    time: doc.time,
                    source: doc.source.clone(),
                    title: doc.title.clone(),
                    vec,
                    weighted: norm > 0.0,
                    title_terms: feats.title_terms,
                    names: feats.names,
                    specifics: feats.specifics,
                    duplicate_of: copy.duplicate_of.clone(),
                    wire_agency: copy.wire_agency.clone(),
                });
                // Only full reports decide a split, so only a new one can change the verdict.
                if !is_copy && n_features > self.cfg.short_features {
                    key = self.split(key, &doc.id).unwrap_or(key);
                }
            }
        }
        if self.cfg.reassign && !is_copy && n_features > self.cfg.short_features {
            for o in near {
                if o != key {
                    self.reassign(o, key);
                }
            }
        }
        let cluster = self.stories.get(&key).map(|s| s.id.clone()).unwrap_or_default();
        self.dedupe.set_tag(&doc.id, &cluster);
        Assignment {
            cluster,
            duplicate_of: copy.duplicate_of,
            wire_agency: copy.wire_agency,
            new_story,
            breaking_raised,
        }
    }

    /// The live stories, oldest first.
    pub fn stories(&self) -> impl Iterator<Item = &StoryState> {
        self.stories.values()
    }

    /// The live story with this id, if any.
    pub fn story(&self, id: &str) -> Option<&StoryState> {
        self.stories.get(self.keys.get(&hash_str(0, id))?)
    }

    /// Moves quiet stories out of memory and returns them (state [`StoryStatus::Quiet`]) for the
    /// caller to store. A story is quiet when its last article is more than `quiet_hours` before
    /// `now`, or more than `quiet_docs` arrivals ago. Pass `None` when times are unknown.
    /// Eviction never changes later assignments: quiet stories cannot be joined anyway.
    pub fn evict_quiet(&mut self, now: impl Into<Option<DateTime<Utc>>>) -> Vec<StoryState> {
        let now = now.into();
        let keys: Vec<u64> =
            self.stories.iter().filter(|(_, s)| self.is_quiet(s, now)).map(|(k, _)| *k).collect();
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(mut s) = self.stories.remove(&k) {
                self.keys.remove(&hash_str(0, &s.id));
                for t in &s.model.indexed {
                    if let Some(v) = self.index.get_mut(t) {
                        if let Some(p) = v.iter().position(|x| *x == k) {
                            v.swap_remove(p);
                            self.index_entries = self.index_entries.saturating_sub(1);
                        }
                        if v.is_empty() {
                            self.index.remove(t);
                        }
                    }
                }
                s.model.indexed.clear();
                s.model.recent.clear();
                s.state = StoryStatus::Quiet;
                out.push(s);
            }
        }
        out
    }

    /// Brings a stored story back into memory so later articles can join it. Its quiet window
    /// restarts now (in arrival terms); its id is kept.
    pub fn revive(&mut self, mut s: StoryState) {
        if let Some(&k) = self.keys.get(&hash_str(0, &s.id))
            && self.stories.contains_key(&k)
        {
            return;
        }
        if let Some(n) = s.id.strip_prefix('s').and_then(|n| n.parse::<u64>().ok()) {
            self.next_id = self.next_id.max(n.saturating_add(1));
        }
        s.state = StoryStatus::Developing;
        s.model.revived_seq = Some(self.seq);
        s.model.indexed.clear();
        // Not stored: derived from the stored vector and specifics.
        s.model.derive();
        let key = self.next_key;
        self.next_key += 1;
        self.keys.insert(hash_str(0, &s.id), key);
        self.stories.insert(key, s);
        self.reindex(key);
    }

    /// Number of live stories.
    pub fn number_of_stories(&self) -> usize {
        self.stories.len()
    }

    /// The latest article time seen so far: a clock for [`Clusterer::evict_quiet`].
    pub fn clock(&self) -> Option<DateTime<Utc>> {
        self.clock
    }

    /// The articles the latest [`Clusterer::add`] moved to another story by a retroactive split
    /// or reassignment (see [`StoryConfig::split_max_articles`] and [`StoryConfig::reassign`]),
    /// in arrival order. That article's own
    /// [`Assignment`] already names the story it is in after the split, so only articles
    /// assigned earlier appear here. Callers that keep assignments (the store, the output of
    /// `wirewatch cluster`) call this after each `add` and move them; the next `add` forgets
    /// them, so memory stays bounded.
    pub fn take_moves(&mut self) -> Vec<Move> {
        std::mem::take(&mut self.moves)
    }

    /// Whether the articles of this story can no longer be moved by a split or reassignment:
    /// the story is not live (quiet, evicted, merged away, or unknown) or it is past
    /// [`StoryConfig::split_max_articles`].
    pub fn is_settled(&self, story: &str) -> bool {
        self.story(story).is_none_or(|s| !s.model.open)
    }

    fn idf(&self, t: u64) -> f32 {
        let df = self.df.get(&t).copied().unwrap_or(0) as f32;
        (1.0 + self.n_docs as f32 / (df + 0.5)).ln()
    }

    fn is_quiet(&self, s: &StoryState, now: Option<DateTime<Utc>>) -> bool {
        let since = s.model.revived_seq.unwrap_or(0).max(s.model.last_seq);
        if self.seq.saturating_sub(since) > self.cfg.quiet_docs {
            return true;
        }
        if s.model.revived_seq.is_some_and(|r| r >= s.model.last_seq) {
            return false;
        }
        match (now, s.last_updated) {
            (Some(n), Some(l)) => (n - l).num_seconds() as f64 > self.cfg.quiet_hours * 3600.0,
            _ => false,
        }
    }

    fn threshold(&self, n_features: usize) -> f32 {
        let short = self.cfg.short_features.max(1);
        if n_features <= short {
            return self.cfg.short_threshold;
        }
        let f = ((n_features - short) as f32 / (4 * short) as f32).min(1.0);
        self.cfg.short_threshold + (self.cfg.threshold - self.cfg.short_threshold) * f
    }

    /// The best live story for a normalised vector, if it clears the threshold, and the other
    /// live stories that scored at least `reassign_near` of the threshold (by key).
    fn best_story(
        &self,
        vec: &[(u64, f32)],
        time: Option<DateTime<Utc>>,
        n_features: usize,
        specifics: &[u64],
    ) -> (Option<u64>, Vec<u64>) {
        // Probe the index with the article's strongest terms. Which terms are probed matters,
        // not in which order (the candidates are sorted below), so a selection of the
        // strongest replaces a full sort.
        let mut order: Vec<usize> = (0..vec.len()).collect();
        let probes = self.cfg.probe_terms.max(1);
        if order.len() > probes {
            order.select_nth_unstable_by(probes - 1, |&a, &b| {
                vec[b].1.total_cmp(&vec[a].1).then(a.cmp(&b))
            });
        }
        let mut cands: Vec<u64> = Vec::new();
        for &i in order.iter().take(probes) {
            if let Some(v) = self.index.get(&vec[i].0) {
                cands.extend_from_slice(v);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        let threshold = self.threshold(n_features);
        let probe = Probe::new(vec, time, n_features, specifics);
        let near_at = threshold * self.cfg.reassign_near;
        let mut best: Option<(u64, f32)> = None;
        let mut near = Vec::new();
        for k in cands {
            let Some(s) = self.stories.get(&k) else { continue };
            if self.is_quiet(s, time) {
                continue;
            }
            let sim = self.score(&probe, &s.model);
            if sim >= threshold && best.is_none_or(|(_, b)| sim > b) {
                best = Some((k, sim));
            }
            if sim >= near_at && s.model.open {
                near.push(k);
            }
        }
        let best = best.map(|(k, _)| k);
        near.retain(|k| Some(*k) != best);
        (best, near)
    }

    /// The similarity of an article (normalised vector, feature count, lead specifics) and a
    /// live story, with every factor applied: the number compared with the threshold.
    fn score(&self, p: &Probe<'_>, m: &StoryModel) -> f32 {
        let (time, n_features, specifics) = (p.time, p.n_features, p.specifics);
        let full_text = n_features > 2 * self.cfg.short_features;
        let (mut sim, names) = self.views(p, m);
        // Two events of one kind: the article is about someone the story does not feature,
        // and the story's main name is nowhere in the article.
        if full_text && protagonist_conflict(p.top, |t| p.lookup.get(t).is_some(), &m.top_names) {
            sim *= self.cfg.protagonist_conflict;
        }
        sim *= self.spec_factor(specifics, m, full_text);
        // A headline that shares one word with a story and no name is weak evidence: a word
        // like "season" or "trailer" links two shows' stories as easily as two reports of one.
        if n_features <= self.cfg.short_features && sim > 0.0 && thin_overlap(p.vec, &m.centroid) {
            sim *= self.cfg.lone_term;
        }
        // Coverage attracts coverage: a story many outlets already cover is the likelier
        // home of one more report (the prior of a Chinese restaurant process).
        sim *= 1.0 + self.cfg.size_prior * (m.independent.max(1) as f32).ln();
        // A story just revived by the caller is not damped by its quiet gap: reviving it
        // says a follow-up is expected.
        let just_revived = m.revived_seq.is_some_and(|r| r >= m.last_seq);
        if let Some(t) = time.filter(|_| !just_revived) {
            let gap = match (m.content_span.map(|x| x.0), m.content_span.map(|x| x.1)) {
                (Some(f), _) if t < f => (f - t).num_seconds(),
                (_, Some(l)) if t > l => (t - l).num_seconds(),
                _ => 0,
            };
            let h = self.half_life(n_features, names).max(1e-6);
            sim *= 0.5f64.powf(gap as f64 / 3600.0 / h) as f32;
        }
        sim
    }

    /// The half-life of time damping, in hours, for an article with `n_features` features
    /// whose names have cosine `names` with a story's: `time_half_life_hours` for a headline,
    /// stretched towards `long_half_life_hours` as the article has more text and shares more of
    /// the story's names (see [`StoryConfig::long_half_life_hours`]).
    fn half_life(&self, n_features: usize, names: f32) -> f64 {
        let short = self.cfg.short_features.max(1);
        let len = (n_features.saturating_sub(short) as f64 / (4 * short) as f64).min(1.0);
        let h = self.cfg.time_half_life_hours;
        let long = self.cfg.long_half_life_hours.max(h);
        h + (long - h) * len * f64::from(names.clamp(0.0, 1.0))
    }

    /// The factor conflicting and agreeing specifics put on a similarity (at most
    /// `exp(spec_cap)`); see [`StoryConfig::spec_weights`]. `names`: whether names and places
    /// count (full texts only).
    fn spec_factor(&self, doc: &[u64], m: &StoryModel, names: bool) -> f32 {
        let ev = spec_evidence_with(doc, &m.specifics, m.spec_kinds, self.cfg.spec_date_days);
        let mut e = 0.0f32;
        for (k, v) in ev.iter().enumerate() {
            let naming = k == features::Spec::Name as usize || k == features::Spec::Place as usize;
            if *v == 0.0 || (naming && !names) {
                continue;
            }
            let w = self.cfg.spec_weights[k];
            e += if *v > 0.0 { self.cfg.spec_agree * w } else { -w };
        }
        e.min(self.cfg.spec_cap.max(0.0)).exp()
    }

    /// Multi-view similarity: a weighted mean of the cosines over the whole vector, over names
    /// and over numbers and dates. A view counts only when both sides have something in it
    /// (no numbers on one side is no evidence either way).
    fn similarity(&self, p: &Probe<'_>, m: &StoryModel) -> f32 {
        self.views(p, m).0
    }

    /// [`Clusterer::similarity`] and the cosine over names alone (0 when either side has none).
    fn views(&self, p: &Probe<'_>, m: &StoryModel) -> (f32, f32) {
        let dots = p.dots(&m.centroid, &m.table);
        let dn = p.dn;
        let weights = [self.cfg.view_all, self.cfg.view_names, self.cfg.view_numbers];
        let (mut num, mut den) = (0.0f32, 0.0f32);
        let mut names = 0.0;
        for v in 0..3 {
            let a = dn[v].sqrt();
            let b = m.norm[v];
            if a > 0.0 && b > 0.0 {
                let c = dots[v] / (a * b);
                if v == 1 {
                    names = c;
                }
                if weights[v] > 0.0 {
                    num += weights[v] * c;
                    den += weights[v];
                }
            }
        }
        (if den > 0.0 { num / den } else { 0.0 }, names)
    }

    fn new_story(&mut self) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        let id = format!("s{}", self.next_id);
        self.next_id += 1;
        self.keys.insert(hash_str(0, &id), key);
        self.stories.insert(
            key,
            StoryState::empty(
                id,
                StoryModel { open: self.cfg.split_max_articles > 0, ..StoryModel::default() },
            ),
        );
        key
    }

    /// Adds an article to a story; returns whether that raised the breaking flag.
    fn join(&mut self, key: u64, doc: &Joining<'_>) -> bool {
        let cfg = self.cfg.clone();
        let seq = self.seq;
        let is_copy = doc.is_copy;
        let Some(s) = self.stories.get_mut(&key) else { return false };
        s.articles.push(doc.id.to_string());
        s.model.last_seq = seq;
        if let Some(t) = doc.time {
            s.first_seen = Some(s.first_seen.map_or(t, |f| f.min(t)));
            s.last_updated = Some(s.last_updated.map_or(t, |l| l.max(t)));
            if !is_copy {
                s.model.content_span =
                    Some(s.model.content_span.map_or((t, t), |(f, l)| (f.min(t), l.max(t))));
            }
        }
        let outlet = doc.source.map(model::normalize_outlet).filter(|o| !o.is_empty());
        if is_copy {
            s.copies += 1;
        } else {
            s.model.independent += 1;
            if let Some(o) = &outlet {
                let h = hash_str(3, o);
                if let Err(p) = s.model.outlet_hashes.binary_search(&h) {
                    s.model.outlet_hashes.insert(p, h);
                    if let Err(q) = s.outlets.binary_search(o) {
                        s.outlets.insert(q, o.clone());
                    }
                }
            }
        }

        // Copies repeat their origin's words: they do not move the story vector.
        if !is_copy && doc.weighted {
            s.model.centroid = merge_add(&s.model.centroid, doc.vec);
            let limit = cfg.story_terms.max(8);
            if s.model.centroid.len() > limit + limit / 2 {
                // The strongest `limit` terms (ties by id: a total order, so selecting them
                // keeps exactly the terms a full sort would), back in id order.
                let mut c = std::mem::take(&mut s.model.centroid);
                c.select_nth_unstable_by(limit - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                c.truncate(limit);
                c.sort_unstable_by_key(|x| x.0);
                s.model.centroid = c;
            }
            s.model.refresh();
        }

        // Specifics of the lead, for telling events of one kind apart.
        if s.model.specifics.len() < SPECIFICS_CAP && !doc.specifics.is_empty() {
            let mut m = s.model.specifics.clone();
            m.extend_from_slice(doc.specifics);
            m.sort_unstable();
            m.dedup();
            m.truncate(SPECIFICS_CAP);
            s.model.specifics = m;
            s.model.spec_kinds = spec_kinds(&s.model.specifics);
        }

        // Names and words for display.
        for (id, kind, text) in doc.names {
            match kind {
                Kind::Entity | Kind::Phrase => {
                    let w = if *kind == Kind::Phrase { 2.0 } else { 1.0 };
                    if let Some(e) = s.model.names.iter_mut().find(|e| e.0 == *id) {
                        e.2 += w;
                    } else {
                        s.model.names.push((*id, text.clone(), w));
                    }
                }
                Kind::Word if !s.model.words.iter().any(|e| e.0 == *id) => {
                    s.model.words.push((*id, text.clone()));
                }
                _ => {}
            }
        }
        if s.model.names.len() > NAMES_CAP * 2 {
            s.model.names.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
            s.model.names.truncate(NAMES_CAP);
        }
        if s.model.words.len() > NAMES_CAP * 4 {
            let cen = &s.model.centroid;
            s.model.words.retain(|(id, _)| cen.binary_search_by_key(id, |x| x.0).is_ok());
            s.model.words.truncate(NAMES_CAP * 2);
        }

        // Label: the most central headline among a few candidates.
        if let Some(t) = doc.title.map(str::trim).filter(|t| !t.is_empty())
            && !s.model.label_cands.iter().any(|(x, _)| x == t)
        {
            s.model.label_cands.push((t.to_string(), doc.title_terms.to_vec()));
        }
        let df = &self.df;
        let n = self.n_docs as f32;
        let idfw = |t: u64| {
            let d = df.get(&t).copied().unwrap_or(0) as f32;
            (1.0 + n / (d + 0.5)).ln()
        };
        let cen = &s.model.centroid;
        // Each term's IDF is looked up once (the table is large, so lookups miss the cache).
        let mut idfs: Vec<f32> = Vec::new();
        let mut central = |terms: &[u64]| -> f32 {
            if terms.is_empty() {
                return 0.0;
            }
            idfs.clear();
            idfs.extend(terms.iter().map(|t| idfw(*t)));
            let dot: f32 = terms
                .iter()
                .filter_map(|t| cen.binary_search_by_key(t, |x| x.0).ok().map(|i| cen[i].1))
                .zip(idfs.iter())
                .map(|(c, i)| c * i)
                .sum();
            let tn: f32 = idfs.iter().map(|i| i * i).sum::<f32>().sqrt();
            dot / tn.max(1e-6)
        };
        let mut scored: Vec<(f32, usize)> =
            s.model.label_cands.iter().enumerate().map(|(i, (_, t))| (central(t), i)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        if let Some(&(_, i)) = scored.first() {
            s.label = s.model.label_cands[i].0.clone();
        }
        if s.model.label_cands.len() > LABEL_CANDS {
            let keep: Vec<usize> = scored.iter().take(LABEL_CANDS).map(|x| x.1).collect();
            let mut i = 0;
            s.model.label_cands.retain(|_| {
                let k = keep.contains(&i);
                i += 1;
                k
            });
        }

        // Top names and terms.
        let mut names: Vec<&(u64, String, f32)> = s.model.names.iter().collect();
        names.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        s.entities = Vec::new();
        for (_, text, _) in names {
            if s.entities.len() >= 10 {
                break;
            }
            // Skip a single name already inside a listed phrase.
            if s.entities.iter().any(|e| e.split(' ').any(|p| p == text)) {
                continue;
            }
            s.entities.push(text.clone());
        }
        let mut terms: Vec<(f32, &str, usize)> = s
            .model
            .words
            .iter()
            .filter_map(|(id, w)| {
                cen.binary_search_by_key(id, |x| x.0).ok().map(|i| (cen[i].1, w.as_str()))
            })
            .enumerate()
            .map(|(i, (c, w))| (c, w, i))
            .collect();
        // The ten strongest, selected before sorting; the position breaks the last ties, as
        // the stable sort this replaces did, so the order is total and the selection keeps
        // what that sort kept.
        let by_weight = |a: &(f32, &str, usize), b: &(f32, &str, usize)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2))
        };
        if terms.len() > 10 {
            terms.select_nth_unstable_by(9, by_weight);
            terms.truncate(10);
        }
        terms.sort_unstable_by(by_weight);
        s.terms = terms.into_iter().map(|x| x.1.to_string()).collect();

        // Breaking.
        let mut raised = false;
        if let (Some(t), false) = (doc.time, is_copy) {
            // Configured spans are clamped to a year so no arithmetic on times can overflow.
            let window = chrono::Duration::minutes(cfg.breaking_minutes.clamp(1, 525_600));
            let oh = outlet.as_deref().map_or(hash_str(5, doc.id), |o| hash_str(3, o));
            s.model.recent.push_back((t, oh));
            let since = t.checked_sub_signed(window).unwrap_or(t);
            while s.model.recent.front().is_some_and(|(x, _)| *x < since) {
                s.model.recent.pop_front();
            }
            let mut outlets: Vec<u64> = s.model.recent.iter().map(|x| x.1).collect();
            outlets.sort_unstable();
            outlets.dedup();
            let k = cfg.breaking_outlets.max(1);
            let age = s.first_seen.map_or(chrono::Duration::zero(), |f| t - f);
            let fresh = age <= window;
            let mut trigger = fresh && outlets.len() >= k;
            if !fresh && outlets.len() >= k {
                let before = s.model.independent.saturating_sub(s.model.recent.len() as u64);
                let earlier = (age - window).num_seconds().max(window.num_seconds()) as f32;
                let base = before as f32 / earlier * window.num_seconds() as f32;
                trigger = s.model.recent.len() as f32 >= cfg.rate_rise * base.max(0.5);
            }
            let hold_s = (cfg.breaking_hold_hours * 3600.0).clamp(0.0, 31_536_000.0);
            let hold = chrono::Duration::seconds(hold_s as i64);
            if trigger {
                if s.state != StoryStatus::Breaking {
                    s.state = StoryStatus::Breaking;
                    s.breaking_since = Some(t);
                    raised = true;
                }
            } else if s.state == StoryStatus::Breaking
                && s.breaking_since.is_some_and(|b| t - b > hold)
            {
                s.state = StoryStatus::Developing;
            }
        }
        self.reindex(key);
        raised
    }

    /// Checks whether an open story's articles form two events and, if so, splits it (see
    /// [`StoryConfig::split_max_articles`]); returns the key of the story `current` is in
    /// after the split.
    fn split(&mut self, key: u64, current: &str) -> Option<u64> {
        let cfg = &self.cfg;
        let s = self.stories.get(&key)?;
        let min = cfg.split_min.max(1);
        // Full reports decide; headlines and very short texts say too little to place.
        let is_long = |m: &Member| m.is_full_report(cfg.short_features);
        // Checked on every new full report while the story is small, then on every fourth:
        // a story that has grown changes its shape slowly, and each check costs time in
        // proportion to its size.
        let n = s.model.members.iter().filter(|m| is_long(m)).count();
        if n < 2 * min || (n > 16 && n % 4 != 0) {
            return None;
        }
        let long: Vec<(usize, &[(u64, f32)])> = s
            .model
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| is_long(m))
            .map(|(i, m)| (i, m.vec.as_slice()))
            .collect();
        let vecs: Vec<&[(u64, f32)]> = long.iter().map(|x| x.1).collect();
        let (g, margin) = two_means(&vecs, min)?;
        if margin < cfg.split_margin {
            return None;
        }
        let members = &s.model.members;
        let group: Vec<&Member> =
            long.iter().zip(&g).filter(|x| !*x.1).map(|x| &members[x.0.0]).collect();
        let other: Vec<&Member> =
            long.iter().zip(&g).filter(|x| *x.1).map(|x| &members[x.0.0]).collect();
        if !self.two_events(&group, &other) {
            return None;
        }

        // Which members move: the other group's full reports, the short reports closer to
        // it, and the copies of any of those.
        let (mut ca, mut cb) = (Vec::new(), Vec::new());
        for ((_, v), b) in long.iter().zip(&g) {
            if *b {
                cb = merge_add(&cb, v);
            } else {
                ca = merge_add(&ca, v);
            }
        }
        let (na, nb) = (norm2(&ca).max(1e-6), norm2(&cb).max(1e-6));
        let mut moved: Vec<&str> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let to_b = match &m.duplicate_of {
                Some(o) => moved.contains(&o.as_str()),
                None => match long.iter().position(|x| x.0 == i) {
                    Some(j) => g[j],
                    None => dot(&m.vec, &cb) / nb > dot(&m.vec, &ca) / na,
                },
            };
            if to_b {
                moved.push(&m.id);
            }
        }
        let moved: Vec<String> = moved.into_iter().map(str::to_string).collect();

        let new_key = self.new_story();
        let went = self.redistribute(key, new_key, &moved, current);
        Some(if went { new_key } else { key })
    }

    /// Checks the full reports of the open story `from` against the story `to` a new full
    /// report has just joined, and moves those that now belong there, with their copies (see
    /// [`StoryConfig::reassign`]).
    fn reassign(&mut self, from: u64, to: u64) {
        let (Some(o), Some(s)) = (self.stories.get(&from), self.stories.get(&to)) else { return };
        if !o.model.open {
            return;
        }
        let members = &o.model.members;
        let mut moved: Vec<String> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if !m.is_full_report(self.cfg.short_features) {
                continue;
            }
            let n_features = m.vec.len();
            let probe = Probe::new(&m.vec, m.time, n_features, &m.specifics);
            let there = self.score(&probe, &s.model);
            if there < self.threshold(n_features) {
                continue;
            }
            let here = if o.model.independent <= 1 {
                0.0
            } else {
                self.score(&probe, &without(&o.model, members, i))
            };
            if there > here + self.cfg.reassign_margin {
                moved.push(m.id.clone());
            }
        }
        if moved.is_empty() {
            return;
        }
        for m in members {
            if m.duplicate_of.as_ref().is_some_and(|d| moved.contains(d)) {
                moved.push(m.id.clone());
            }
        }
        self.redistribute(from, to, &moved, "");
    }

    /// Rebuilds the open story `key` by adding its articles again in arrival order, except
    /// those in `moved`, which are added to the story `to` (after its own articles) and
    /// recorded as moves, unless it is `current` (the article being assigned, whose assignment
    /// says where it went). A story left with no article is dropped. Returns whether `current`
    /// went to `to`.
    fn redistribute(&mut self, key: u64, to: u64, moved: &[String], current: &str) -> bool {
        let Some(mut old) = self.stories.remove(&key) else { return false };
        let members = std::mem::take(&mut old.model.members);
        let fresh = StoryState::empty(
            old.id.clone(),
            StoryModel {
                open: true,
                indexed: std::mem::take(&mut old.model.indexed),
                ..StoryModel::default()
            },
        );
        self.stories.insert(key, fresh);
        let to_id = self.stories.get(&to).map(|s| s.id.clone()).unwrap_or_default();
        let mut went = false;
        for m in members {
            let moves = moved.contains(&m.id);
            let k = if moves { to } else { key };
            self.join(k, &m.joining());
            if moves {
                self.dedupe.set_tag(&m.id, &to_id);
                if m.id == current {
                    went = true;
                } else {
                    self.moves.push(Move {
                        article: m.id.clone(),
                        from: old.id.clone(),
                        to: to_id.clone(),
                        duplicate_of: m.duplicate_of.clone(),
                        wire_agency: m.wire_agency.clone(),
                    });
                }
            }
            if let Some(s) = self.stories.get_mut(&k)
                && s.model.open
            {
                s.model.members.push(m);
            }
        }
        if self.stories.get(&key).is_some_and(|s| s.articles.is_empty()) {
            if let Some(s) = self.stories.get_mut(&key) {
                s.model.centroid.clear();
            }
            self.reindex(key);
            self.stories.remove(&key);
            self.keys.remove(&hash_str(0, &old.id));
        }
        went
    }

    /// Whether two groups of a story's full reports are two events: the second group as a
    /// whole would not join the first, or the specifics most of each group's leads give
    /// conflict in some kind and agree in none.
    fn two_events(&self, a: &[&Member], b: &[&Member]) -> bool {
        let model = model_of(a.iter().copied());
        let mut vb: Vec<(u64, f32)> = Vec::new();
        let mut specs_b: Vec<u64> = Vec::new();
        for m in b {
            vb = merge_add(&vb, &m.vec);
            specs_b.extend(&m.specifics);
        }
        specs_b.sort_unstable();
        specs_b.dedup();
        let n = norm2(&vb).max(1e-6);
        for x in &mut vb {
            x.1 /= n;
        }
        let n_features = vb.len().max(2 * self.cfg.short_features + 1);
        let probe = Probe::new(&vb, None, n_features, &specs_b);
        if self.score(&probe, &model) < self.cfg.threshold {
            return true;
        }
        let ev = spec_evidence(&core_specifics(b), &core_specifics(a), self.cfg.spec_date_days);
        let counts = |k: usize| self.cfg.spec_weights[k] > 0.0;
        let conflict = (0..features::SPEC_KINDS).any(|k| counts(k) && ev[k] < 0.0);
        let agree = (0..features::SPEC_KINDS).any(|k| counts(k) && ev[k] > 0.0);
        conflict && !agree
    }

    /// Re-indexes a story under its strongest terms.
    fn reindex(&mut self, key: u64) {
        let Some(s) = self.stories.get_mut(&key) else { return };
        // The strongest terms (ties by id, a total order, so a selection keeps what a full
        // sort would), in id order.
        let n = self.cfg.story_terms.max(8) / 3;
        let mut byw: Vec<(u64, f32)> = s.model.centroid.to_vec();
        if byw.len() > n {
            byw.select_nth_unstable_by(n - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            byw.truncate(n);
        }
        let mut want: Vec<u64> = byw.iter().map(|x| x.0).collect();
        want.sort_unstable();
        let old = std::mem::take(&mut s.model.indexed);
        for t in &old {
            if want.binary_search(t).is_err()
                && let Some(v) = self.index.get_mut(t)
            {
                if let Some(p) = v.iter().position(|x| *x == key) {
                    v.swap_remove(p);
                    self.index_entries = self.index_entries.saturating_sub(1);
                }
                if v.is_empty() {
                    self.index.remove(t);
                }
            }
        }
        for t in &want {
            if old.binary_search(t).is_err() {
                self.index.entry(*t).or_default().push(key);
                self.index_entries += 1;
            }
        }
        s.model.indexed = want;
    }
}

/// The matching model of some articles of an open story, built as [`Clusterer::join`] builds
/// a story's (copies left out; the centroid untruncated): for scoring one group of a story
/// against another.
fn model_of<'a>(members: impl Iterator<Item = &'a Member> + Clone) -> StoryModel {
    let mut model = others_of(members.clone());
    for m in members.filter(|m| m.duplicate_of.is_none() && m.weighted) {
        model.centroid = merge_add(&model.centroid, &m.vec);
    }
    model.refresh();
    model
}

/// The matching model of an open story without its member `i` (an independent article with a
/// normalised vector): its vector less the article's, the specifics and times of the others.
/// One subtraction instead of adding every other member again, since this runs for each member
/// a reassignment checks.
fn without(model: &StoryModel, members: &[Member], i: usize) -> StoryModel {
    let mut out = others_of(members.iter().enumerate().filter(|x| x.0 != i).map(|x| x.1));
    let minus: Vec<(u64, f32)> = members[i].vec.iter().map(|&(t, w)| (t, -w)).collect();
    out.centroid = merge_add(&model.centroid, &minus);
    // What only this article gave is gone (rounding leaves crumbs), and a term the story's
    // vector had dropped (past `story_terms`) must not come back negative.
    out.centroid.retain(|x| x.1 > 1e-6);
    out.last_seq = model.last_seq;
    out.refresh();
    out
}

/// What a story's model holds of some of its articles besides the vector: their specifics,
/// the span of their times and how many are independent (copies left out).
fn others_of<'a>(members: impl Iterator<Item = &'a Member>) -> StoryModel {
    let mut model = StoryModel::default();
    for m in members.filter(|m| m.duplicate_of.is_none()) {
        model.specifics.extend_from_slice(&m.specifics);
        model.independent += 1;
        if let Some(t) = m.time {
            model.content_span =
                Some(model.content_span.map_or((t, t), |(f, l)| (f.min(t), l.max(t))));
        }
    }
    model.specifics.sort_unstable();
    model.specifics.dedup();
    model
}

/// Whether an article shares at most one feature with a story vector and that one is not a
/// name (see [`StoryConfig::lone_term`]).
fn thin_overlap(vec: &[(u64, f32)], centroid: &[(u64, f32)]) -> bool {
    let mut shared = 0;
    for &(t, _) in vec {
        if centroid.binary_search_by_key(&t, |x| x.0).is_ok() {
            if matches!(features::kind_of(t), Kind::Entity | Kind::Phrase) {
                return false;
            }
            shared += 1;
            if shared > 1 {
                return false;
            }
        }
    }
    true
}

/// The view (1 names, 2 numbers and dates) a feature belongs to besides the whole vector.
fn view_of(t: u64) -> Option<usize> {
    match features::kind_of(t) {
        Kind::Entity | Kind::Phrase => Some(1),
        Kind::Number | Kind::Date | Kind::Year => Some(2),
        Kind::Word => None,
    }
}

/// Dot products of an article's normalised TF-IDF vector with a story vector, per view: whole,
/// names, numbers.
fn view_dots(vec: &[(u64, f32)], centroid: &[(u64, f32)]) -> [f32; 3] {
    let (mut i, mut j) = (0, 0);
    let mut dot = [0.0f32; 3];
    while i < vec.len() && j < centroid.len() {
        match vec[i].0.cmp(&centroid[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let d = vec[i].1 * centroid[j].1;
                dot[0] += d;
                if let Some(v) = view_of(vec[i].0) {
                    dot[v] += d;
                }
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Cosine of a normalised article vector with a story vector over the whole vector.
fn cosine(vec: &[(u64, f32)], centroid: &[(u64, f32)], norm: [f32; 3]) -> f32 {
    if norm[0] <= 0.0 {
        return 0.0;
    }
    view_dots(vec, centroid)[0] / norm[0]
}

/// Similarity components of an article against a story, for tuning: cosine over all features,
/// words, names, numbers/dates, title terms; share of the article's name weight absent from the
/// story; story size; article feature count; time gap in hours (-1 when unknown).
fn breakdown(
    vec: &[(u64, f32)],
    s: &StoryState,
    time: Option<DateTime<Utc>>,
    feats: &DocFeatures,
) -> Vec<f32> {
    let cen = &s.model.centroid;
    // Cosine restricted to some kinds of feature.
    let part = |f: &dyn Fn(Kind) -> bool| -> f32 {
        let v: Vec<(u64, f32)> =
            vec.iter().copied().filter(|x| f(features::kind_of(x.0))).collect();
        let vn = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        let cn = cen
            .iter()
            .filter(|x| f(features::kind_of(x.0)))
            .map(|&(_, c)| c * c)
            .sum::<f32>()
            .sqrt();
        if vn <= 0.0 || cn <= 0.0 {
            return 0.0;
        }
        let dot: f32 = v
            .iter()
            .filter_map(|(t, w)| cen.binary_search_by_key(t, |x| x.0).ok().map(|j| w * cen[j].1))
            .sum();
        dot / (vn * cn)
    };
    let all = cosine(vec, cen, s.model.norm);
    let words = part(&|k| k == Kind::Word);
    let names = part(&|k| matches!(k, Kind::Entity | Kind::Phrase));
    let nums = part(&|k| matches!(k, Kind::Number | Kind::Date | Kind::Year));
    let title: Vec<(u64, f32)> =
        vec.iter().copied().filter(|x| feats.title_terms.binary_search(&x.0).is_ok()).collect();
    let tn = title.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    let tdot: f32 = title
        .iter()
        .map(|(t, w)| cen.binary_search_by_key(t, |x| x.0).map(|j| w * cen[j].1).unwrap_or(0.0))
        .sum();
    let tcos = if tn > 0.0 && s.model.norm[0] > 0.0 { tdot / (tn * s.model.norm[0]) } else { 0.0 };
    let mut ent_total = 0.0;
    let mut ent_novel = 0.0;
    for (t, w) in vec {
        if matches!(features::kind_of(*t), Kind::Entity | Kind::Phrase) {
            ent_total += w * w;
            if cen.binary_search_by_key(t, |x| x.0).is_err() {
                ent_novel += w * w;
            }
        }
    }
    let novel = if ent_total > 0.0 { ent_novel / ent_total } else { 0.0 };
    // Novel share among the article's three strongest names.
    let mut top: Vec<(u64, f32)> = vec
        .iter()
        .copied()
        .filter(|x| matches!(features::kind_of(x.0), Kind::Entity | Kind::Phrase))
        .collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    top.truncate(3);
    let tt: f32 = top.iter().map(|x| x.1 * x.1).sum();
    let tn: f32 = top
        .iter()
        .filter(|x| cen.binary_search_by_key(&x.0, |c| c.0).is_err())
        .map(|x| x.1 * x.1)
        .sum();
    let novel_top = if tt > 0.0 { tn / tt } else { 0.0 };
    let years_d: Vec<u64> =
        vec.iter().filter(|x| features::kind_of(x.0) == Kind::Year).map(|x| x.0).collect();
    let years_s: Vec<u64> =
        cen.iter().filter(|x| features::kind_of(x.0) == Kind::Year).map(|x| x.0).collect();
    let year_conflict = if years_d.is_empty() || years_s.is_empty() {
        0.0
    } else if years_d.iter().any(|y| years_s.contains(y)) {
        -1.0
    } else {
        1.0
    };
    let gap = match (time, s.first_seen, s.last_updated) {
        (Some(t), Some(f), _) if t < f => (f - t).num_seconds() as f32 / 3600.0,
        (Some(t), _, Some(l)) if t > l => (t - l).num_seconds() as f32 / 3600.0,
        (Some(_), Some(_), Some(_)) => 0.0,
        _ => -1.0,
    };
    vec![
        all,
        words,
        names,
        nums,
        tcos,
        novel,
        s.articles.len() as f32,
        vec.len() as f32,
        gap,
        novel_top,
        year_conflict,
    ]
}

/// The strongest single-name feature of a vector, if any.
fn top_entity(v: &[(u64, f32)]) -> Option<u64> {
    v.iter()
        .filter(|x| features::kind_of(x.0) == Kind::Entity)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|x| x.0)
}

/// A story vector's three strongest single names (heaviest first, ties by id), in one pass
/// (sorting the whole vector was a tenth of clustering's time); the places past the story's
/// names are `None`.
fn top_names(cen: &[(u64, f32)]) -> [Option<u64>; 3] {
    let first = |a: (u64, f32), b: (u64, f32)| {
        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)) == std::cmp::Ordering::Less
    };
    let mut top: [Option<(u64, f32)>; 3] = [None; 3];
    for &x in cen.iter().filter(|x| features::kind_of(x.0) == Kind::Entity) {
        if let Some(i) = top.iter().position(|t| t.is_none_or(|t| first(x, t))) {
            top.copy_within(i..2, i + 1);
            top[i] = Some(x);
        }
    }
    top.map(|t| t.map(|x| x.0))
}

/// Whether an article's main name is not among a story's three main names ([`top_names`])
/// while one of the story's two main names is absent from the article (`in_doc` says whether
/// the article has a feature).
fn protagonist_conflict(
    doc_top: Option<u64>,
    in_doc: impl Fn(u64) -> bool,
    names: &[Option<u64>; 3],
) -> bool {
    let Some(d) = doc_top else { return false };
    if names[0].is_none() {
        return false;
    }
    let doc_in_story = names.iter().flatten().any(|x| *x == d);
    let story_in_doc = names.iter().take(2).flatten().all(|n| in_doc(*n));
    !doc_in_story && !story_in_doc
}

/// Evidence of specifics per kind (see [`features::Spec`]): 1 when the article and the story
/// share a specific of that kind (dates: two within `date_days` days), -1 when both have some
/// but share none, 0 when either has none. Both lists are sorted.
fn spec_evidence(doc: &[u64], story: &[u64], date_days: i64) -> [f32; features::SPEC_KINDS] {
    spec_evidence_with(doc, story, spec_kinds(story), date_days)
}

/// One bit per kind of specific present.
fn spec_kinds(specifics: &[u64]) -> u8 {
    specifics.iter().fold(0, |m, x| m | 1 << features::spec_kind(*x))
}

/// [`spec_evidence`] with the kinds of the story's specifics known ([`spec_kinds`]). A shared
/// specific is found from the article's few specifics (a story can have hundreds); only
/// dates, which agree when close, are compared pairwise.
fn spec_evidence_with(
    doc: &[u64],
    story: &[u64],
    story_kinds: u8,
    date_days: i64,
) -> [f32; features::SPEC_KINDS] {
    let date = features::Spec::Date as usize;
    let mut has = [false; features::SPEC_KINDS];
    let mut agree = [false; features::SPEC_KINDS];
    let in_story = |k: usize| story_kinds & (1 << k) != 0;
    for x in doc {
        let k = features::spec_kind(*x);
        has[k] = true;
        if k != date && !agree[k] && in_story(k) && story.binary_search(x).is_ok() {
            agree[k] = true;
        }
    }
    if has[date] && in_story(date) {
        // Days of the year, on a circle of 12 months of 31 days.
        agree[date] = story.iter().filter(|x| features::spec_kind(**x) == date).any(|x| {
            let a = features::date_of_spec(*x);
            doc.iter().filter(|y| features::spec_kind(**y) == date).any(|y| {
                let d = (features::date_of_spec(*y) - a).rem_euclid(372);
                d.min(372 - d) <= date_days
            })
        });
    }
    let mut out = [0.0f32; features::SPEC_KINDS];
    for k in 0..features::SPEC_KINDS {
        if has[k] && in_story(k) {
            out[k] = if agree[k] { 1.0 } else { -1.0 };
        }
    }
    out
}

/// The specification [`spec_evidence_with`] is checked against in tests: each of the story's
/// specifics looked up among the article's.
#[cfg(test)]
fn spec_evidence_by_story(
    doc: &[u64],
    story: &[u64],
    date_days: i64,
) -> [f32; features::SPEC_KINDS] {
    let mut has = [[false; features::SPEC_KINDS]; 2];
    let mut agree = [false; features::SPEC_KINDS];
    let date = features::Spec::Date as usize;
    for x in doc {
        has[0][features::spec_kind(*x)] = true;
    }
    for x in story {
        let k = features::spec_kind(*x);
        has[1][k] = true;
        if agree[k] || !has[0][k] {
            continue;
        }
        if k == date {
            // Days of the year, on a circle of 12 months of 31 days.
            let a = features::date_of_spec(*x);
            agree[k] = doc.iter().filter(|y| features::spec_kind(**y) == date).any(|y| {
                let d = (features::date_of_spec(*y) - a).rem_euclid(372);
                d.min(372 - d) <= date_days
            });
        } else if doc.binary_search(x).is_ok() {
            agree[k] = true;
        }
    }
    let mut out = [0.0f32; features::SPEC_KINDS];
    for k in 0..features::SPEC_KINDS {
        if has[0][k] && has[1][k] {
            out[k] = if agree[k] { 1.0 } else { -1.0 };
        }
    }
    out
}

/// The specifics found in the leads of at least half of a group's articles.
fn core_specifics(group: &[&Member]) -> Vec<u64> {
    let mut count: BTreeMap<u64, usize> = BTreeMap::new();
    for m in group {
        for x in &m.specifics {
            *count.entry(*x).or_default() += 1;
        }
    }
    count.into_iter().filter(|x| 2 * x.1 >= group.len()).map(|x| x.0).collect()
}

/// Dot product of two id-sorted sparse vectors.
fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    let (mut i, mut j) = (0, 0);
    let mut d = 0.0;
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                d += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    d
}

/// Euclidean norm of a sparse vector.
fn norm2(a: &[(u64, f32)]) -> f32 {
    a.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt()
}

/// A few reports' vectors over one dense index of their features, so that the arithmetic of a
/// split check (cosines with group sums, leave-one-out) needs no allocation per step.
struct Dense {
    /// Each vector as (dense index, weight).
    v: Vec<Vec<(u32, f32)>>,
    /// Squared norm of each vector.
    vv: Vec<f32>,
    /// Number of distinct features.
    dims: usize,
}

/// Sums of the two groups of a partition with their squared norms and sizes.
struct Sums {
    sum: [Vec<f32>; 2],
    sq: [f32; 2],
    n: [usize; 2],
}

impl Dense {
    fn new(vecs: &[&[(u64, f32)]]) -> Dense {
        let mut ids: IdMap<u64, u32> = IdMap::default();
        let mut v = Vec::with_capacity(vecs.len());
        for x in vecs {
            let mut d = Vec::with_capacity(x.len());
            for (t, w) in x.iter() {
                let next = ids.len() as u32;
                d.push((*ids.entry(*t).or_insert(next), *w));
            }
            v.push(d);
        }
        let vv = v.iter().map(|d| d.iter().map(|x| x.1 * x.1).sum()).collect();
        Dense { v, vv, dims: ids.len() }
    }

    fn len(&self) -> usize {
        self.v.len()
    }

    fn dot(&self, i: usize, sum: &[f32]) -> f32 {
        self.v[i].iter().map(|(j, w)| w * sum[*j as usize]).sum()
    }

    /// Sums of the groups of partition `g`; `only` limits them to two seeds.
    fn sums(&self, g: &[bool], only: Option<(usize, usize)>) -> Sums {
        let mut s =
            Sums { sum: [vec![0.0; self.dims], vec![0.0; self.dims]], sq: [0.0; 2], n: [0; 2] };
        self.sums_into(g, only, &mut s);
        s
    }

    /// [`Dense::sums`] into buffers already allocated.
    fn sums_into(&self, g: &[bool], only: Option<(usize, usize)>, s: &mut Sums) {
        for k in 0..2 {
            s.sum[k].clear();
            s.sum[k].resize(self.dims, 0.0);
            s.sq[k] = 0.0;
            s.n[k] = 0;
        }
        for (i, v) in self.v.iter().enumerate() {
            let k = match only {
                Some((a, _)) if i == a => 0,
                Some((_, b)) if i == b => 1,
                Some(_) => continue,
                None => usize::from(g[i]),
            };
            for (j, w) in v {
                s.sum[k][*j as usize] += w;
            }
            s.n[k] += 1;
        }
        for k in 0..2 {
            s.sq[k] = s.sum[k].iter().map(|x| x * x).sum();
        }
    }

    /// Cosine of vector `i` with group `k`'s sum, or with that sum minus vector `i` when
    /// `own` (leave-one-out; 0 when nothing is left).
    fn cos(&self, i: usize, s: &Sums, k: usize, own: bool) -> f32 {
        let d = self.dot(i, &s.sum[k]);
        if own {
            let rest = s.sq[k] - 2.0 * d + self.vv[i];
            // Rounding leaves a tiny remainder when the sum is the vector itself.
            if rest <= 1e-5 * (s.sq[k] + self.vv[i]) { 0.0 } else { (d - self.vv[i]) / rest.sqrt() }
        } else {
            d / s.sq[k].sqrt().max(1e-6)
        }
    }

    /// How well a partition separates: for each group, the mean leave-one-out cosine of its
    /// members with it minus their mean cosine with the other group; the smaller of the two.
    fn margin(&self, g: &[bool]) -> f32 {
        let s = self.sums(g, None);
        let mut acc = [0.0f32; 2];
        for (i, b) in g.iter().enumerate() {
            let k = usize::from(*b);
            acc[k] += self.cos(i, &s, k, true) - self.cos(i, &s, 1 - k, false);
        }
        (0..2).map(|k| acc[k] / s.n[k].max(1) as f32).fold(f32::MAX, f32::min)
    }
}

/// The best two-way partition of normalised vectors with at least `min` in each group, and its
/// margin ([`Dense::margin`]); the first vector is always in group `false`. Candidates are
/// two-means runs from two pairs of seeds (the first report and the one least like it; the
/// report least like the rest and the one least like that) and a leave-one-out two-means that
/// keeps the first report in place. Deterministic: no random seeds.
fn two_means(vecs: &[&[(u64, f32)]], min: usize) -> Option<(Vec<bool>, f32)> {
    let n = vecs.len();
    if n < 2 {
        return None;
    }
    let d = Dense::new(vecs);
    let all = d.sums(&vec![false; n], None);
    let least_like = |s: usize| -> usize {
        let mut best = (f32::MAX, s);
        for (j, x) in vecs.iter().enumerate() {
            let c = dot(x, vecs[s]);
            if j != s && c < best.0 {
                best = (c, j);
            }
        }
        best.1
    };
    // The report least like the rest.
    let mut odd = 0;
    let mut low = f32::MAX;
    for i in 0..n {
        let c = d.cos(i, &all, 0, true);
        if c < low {
            low = c;
            odd = i;
        }
    }
    let mut cands: Vec<Vec<bool>> = Vec::new();
    for s1 in [0, odd] {
        let s2 = least_like(s1);
        if s2 == s1 {
            continue;
        }
        let mut sums = d.sums(&[], Some((s1, s2)));
        let mut g = vec![false; n];
        for _ in 0..10 {
            let ng: Vec<bool> =
                (0..n).map(|i| d.cos(i, &sums, 1, false) > d.cos(i, &sums, 0, false)).collect();
            if ng.iter().all(|x| *x) || !ng.iter().any(|x| *x) || ng == g {
                break;
            }
            g = ng;
            d.sums_into(&g, None, &mut sums);
        }
        cands.push(g);
    }
    cands.push(loo_two_means(&d, &all));
    let mut best: Option<(Vec<bool>, f32)> = None;
    for mut g in cands {
        if g[0] {
            g.iter_mut().for_each(|x| *x = !*x);
        }
        let nb = g.iter().filter(|x| **x).count();
        if nb < min || n - nb < min {
            continue;
        }
        let m = d.margin(&g);
        if best.as_ref().is_none_or(|b| m > b.1) {
            best = Some((g, m));
        }
    }
    best
}

/// Two-means with the first vector fixed in group `false`, seeded with the vector least like
/// the rest (`all`: the sums with every vector in group `false`), assigning each vector by its
/// leave-one-out cosine with its own group: small groups do not attract their own members.
fn loo_two_means(d: &Dense, all: &Sums) -> Vec<bool> {
    let n = d.len();
    let mut seed = 1;
    let mut low = f32::MAX;
    for i in 1..n {
        let c = d.cos(i, all, 0, true);
        if c < low {
            low = c;
            seed = i;
        }
    }
    let mut g = vec![false; n];
    g[seed] = true;
    let mut sums = d.sums(&[], Some((0, seed)));
    for _ in 0..10 {
        let mut ng = vec![false; n];
        for i in 1..n {
            let k = usize::from(g[i]);
            let own = d.cos(i, &sums, k, true);
            let other = d.cos(i, &sums, 1 - k, false);
            ng[i] = if g[i] { own >= other } else { other > own };
        }
        if !ng.iter().any(|x| *x) || ng == g {
            break;
        }
        g = ng;
        d.sums_into(&g, None, &mut sums);
    }
    g
}

/// Sum of two id-sorted sparse vectors.
fn merge_add(a: &[(u64, f32)], b: &[(u64, f32)]) -> Vec<(u64, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j >= b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i >= a.len() || b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}

/// The output of a clustering stream in input order, each article's assignment held until its
/// story can no longer be split (see [`StoryConfig::split_max_articles`]), so what is released
/// is final: `wirewatch cluster` prints its lines through this. A line is released once it and
/// every line before it belong to settled stories ([`Clusterer::is_settled`]: quiet, evicted,
/// or past the split size) or at [`HeldOutput::finish`]. How long a line waits is bounded by
/// the quiet window; callers that evict quiet stories release lines as they do.
#[derive(Debug)]
pub struct HeldOutput<T> {
    /// Held lines: (article id, caller's tag, assignment).
    queue: VecDeque<(String, T, Assignment)>,
    /// Number of lines released so far (the absolute position of the queue's front).
    released: u64,
    /// Article id -> absolute positions of its held lines.
    at: std::collections::HashMap<String, Vec<u64>>,
}

impl<T> Default for HeldOutput<T> {
    fn default() -> Self {
        HeldOutput { queue: VecDeque::new(), released: 0, at: std::collections::HashMap::new() }
    }
}

impl<T> HeldOutput<T> {
    /// An empty output.
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds the assignment of the article `id` (with a tag of the caller's, such as the input's
    /// JSON id). Call [`HeldOutput::apply`] with the clusterer's moves first, so the moves
    /// caused by this article reach earlier lines.
    pub fn push(&mut self, id: &str, tag: T, a: Assignment) {
        let pos = self.released + self.queue.len() as u64;
        self.at.entry(id.to_string()).or_default().push(pos);
        self.queue.push_back((id.to_string(), tag, a));
    }

    /// Applies moves from [`Clusterer::take_moves`] to the held lines.
    pub fn apply(&mut self, moves: &[Move]) {
        for m in moves {
            for &p in self.at.get(&m.article).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(x) = p
                    .checked_sub(self.released)
                    .and_then(|i| usize::try_from(i).ok().and_then(|i| self.queue.get_mut(i)))
                {
                    x.2.cluster = m.to.clone();
                }
            }
        }
    }

    /// Releases the lines at the front whose stories are settled.
    pub fn ready(&mut self, c: &Clusterer) -> Vec<(T, Assignment)> {
        let mut out = Vec::new();
        while self.queue.front().is_some_and(|x| c.is_settled(&x.2.cluster)) {
            out.extend(self.pop());
        }
        out
    }

    /// Releases every held line (at the end of the input).
    pub fn finish(mut self) -> Vec<(T, Assignment)> {
        let mut out = Vec::with_capacity(self.queue.len());
        while let Some(x) = self.pop() {
            out.push(x);
        }
        out
    }

    /// Number of lines held.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn pop(&mut self) -> Option<(T, Assignment)> {
        let (id, tag, a) = self.queue.pop_front()?;
        if let Some(v) = self.at.get_mut(&id) {
            v.retain(|p| *p != self.released);
            if v.is_empty() {
                self.at.remove(&id);
            }
        }
        self.released += 1;
        Some((tag, a))
    }
}

/// Reads one input line of `wirewatch cluster` (`{"id", "time"?, "source"?, "title"?, "text"?,
/// "entities"?}`) into a [`ClusterDoc`]. A non-string id is kept in its JSON form; a time that
/// is not RFC 3339 (or a bare `YYYY-MM-DD`) is treated as unknown. Never fails: messy input is
/// data.
pub fn cluster_doc_from_json(v: &serde_json::Value) -> ClusterDoc {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let id = match v.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let time = s("time").and_then(|t| {
        let t = t.trim();
        DateTime::parse_from_rfc3339(t).map(|x| x.with_timezone(&Utc)).ok().or_else(|| {
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
    });
    let entities = v
        .get("entities")
        .and_then(|e| e.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    ClusterDoc { id, time, source: s("source"), title: s("title"), text: s("text"), entities }
}

/// The output line of `wirewatch cluster` for one input: `{"id", "cluster", "duplicate_of"?}`.
pub fn cluster_json_line(a: &Assignment, id: &serde_json::Value) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), id.clone());
    m.insert("cluster".into(), serde_json::Value::String(a.cluster.clone()));
    if let Some(d) = &a.duplicate_of {
        m.insert("duplicate_of".into(), serde_json::Value::String(d.clone()));
    }
    serde_json::Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of numbers for the tests below.
    fn numbers(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        }
    }

    /// A sorted sparse vector over a small id space (so two vectors share ids), every kind.
    fn sparse(next: &mut impl FnMut() -> u64, n: u64) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = (0..n)
            .map(|_| {
                let id = ((next() % 600 + 1) << 3) | (next() % 7 + 1) | ((next() % 4) << 48);
                (id, (next() % 1000) as f32 / 997.0 + 0.001)
            })
            .collect();
        v.sort_by_key(|x| x.0);
        v.dedup_by_key(|x| x.0);
        v
    }

    /// Every way of computing an article's dot products with a story gives the merge's sums
    /// to the bit (the same products added in the same order).
    #[test]
    fn dot_products_match_the_merge_exactly() {
        let mut next = numbers(11);
        for _ in 0..3000 {
            let (a, b) = (next() % 400, next() % 500);
            let vec = sparse(&mut next, a);
            let cen = sparse(&mut next, b);
            let want = view_dots(&vec, &cen).map(f32::to_bits);
            let table = centroid_table(&cen);
            if !table.is_empty() {
                assert_eq!(table_dots(&vec, &cen, &table).map(f32::to_bits), want);
            }
            let probe = Probe::new(&vec, None, vec.len(), &[]);
            assert_eq!(probe.dots(&cen, &table).map(f32::to_bits), want);
            assert_eq!(probe.dots(&cen, &[]).map(f32::to_bits), want);
            for (t, w) in &vec {
                assert_eq!(probe.lookup.get(*t), Some(*w));
            }
            assert!(cen.iter().all(|c| vec.binary_search_by_key(&c.0, |x| x.0).is_ok()
                == probe.lookup.get(c.0).is_some()));
        }
    }

    /// The evidence of specifics found from the article's side is the evidence found from the
    /// story's side.
    #[test]
    fn specifics_evidence_matches_the_story_side_walk() {
        let mut next = numbers(5);
        for _ in 0..5000 {
            let mut list = |n: u64| {
                let n = next() % n;
                let mut v: Vec<u64> = (0..n).map(|_| ((next() % 90) << 3) | (next() % 8)).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let (doc, story) = (list(12), list(60));
            let days = (next() % 5) as i64;
            assert_eq!(
                spec_evidence(&doc, &story, days),
                spec_evidence_by_story(&doc, &story, days),
                "{doc:?} {story:?}"
            );
        }
    }

    /// The one-pass choice of a story's strongest names decides as the full sort did, ties
    /// included.
    #[test]
    fn protagonist_check_matches_sorting_the_whole_centroid() {
        fn by_sorting(doc_top: Option<u64>, vec: &[(u64, f32)], cen: &[(u64, f32)]) -> bool {
            let Some(d) = doc_top else { return false };
            let mut names: Vec<(u64, f32)> =
                cen.iter().copied().filter(|x| features::kind_of(x.0) == Kind::Entity).collect();
            if names.is_empty() {
                return false;
            }
            names.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let doc_in_story = names.iter().take(3).any(|x| x.0 == d);
            let story_in_doc =
                names.iter().take(2).all(|n| vec.binary_search_by_key(&n.0, |x| x.0).is_ok());
            !doc_in_story && !story_in_doc
        }
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        for _ in 0..2000 {
            // Ids with kind bits 2 (names) or others; few distinct weights, so ties happen.
            let mut cen: Vec<(u64, f32)> = (0..(next() % 12))
                .map(|_| ((next() % 40) << 3 | (next() % 3 + 1), (next() % 4) as f32))
                .collect();
            cen.sort_by_key(|x| x.0);
            cen.dedup_by_key(|x| x.0);
            let mut vec: Vec<(u64, f32)> =
                cen.iter().filter(|_| next() % 2 == 0).copied().collect();
            vec.sort_by_key(|x| x.0);
            let top = cen.iter().map(|x| x.0).find(|_| next() % 3 == 0).or(Some(8 << 3 | 2));
            let in_vec = |t: u64| vec.binary_search_by_key(&t, |x| x.0).is_ok();
            assert_eq!(
                protagonist_conflict(top, in_vec, &top_names(&cen)),
                by_sorting(top, &vec, &cen),
                "{top:?} {vec:?} {cen:?}"
            );
        }
    }
}
