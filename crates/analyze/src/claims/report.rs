//! A story's findings and timeline as the store keeps them: the claims of every version of the
//! story's articles compared by [`find_changes`], and the statements and narrative claims
//! grouped into a timeline with provenance (first report, independent repeats, syndicated
//! copies, and who repeated something after it had been corrected or reversed elsewhere).
//!
//! Pure and deterministic like the rest of the crate: the caller loads the versions, this module
//! reads only their bodies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::{ClaimEvidence, StoryFinding, TimelineEntry, TimelineReport};

use serde::{Deserialize, Serialize};

use super::{
    ArticleClaims, Claim, Finding, correction_notice, extract_claims_and_statements, find_changes,
};
use crate::quotes::{TextAnalysis, analyze_text};

/// At most this many timeline entries are kept per story.
pub const MAX_TIMELINE: usize = 400;

/// What a story's findings and timeline need from one version's body: its claims, its
/// sentence-level statements, its correction notice and its quotations. [`version_facts`] makes
/// it when the version is analysed, and the store keeps it with the analysis, so redoing a
/// story's findings each time it gains an article does not analyse every earlier body again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionFacts {
    /// Claims, from [`super::extract_claims`].
    pub claims: Vec<Claim>,
    /// Sentence-level statements, from [`super::extract_statements`].
    pub statements: Vec<Claim>,
    /// A correction notice in the body ([`super::correction_notice`]).
    pub correction_notice: Option<String>,
    /// The body's quotations and reported speech, in text order.
    pub quotes: Vec<FactQuote>,
}

/// One quotation of a [`VersionFacts`], as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactQuote {
    /// The content.
    pub text: String,
    /// Its span in the body, in code points.
    pub start: usize,
    /// One past its end.
    pub end: usize,
    /// The speaker: the resolved entity's name, else as written.
    pub speaker: Option<String>,
    /// The outlet or agency it came through.
    pub via: Option<String>,
}

/// The [`VersionFacts`] of a body, from its quotations and entities (`said`, by
/// [`analyze_text`] of the same body).
pub fn version_facts(body: &str, said: &TextAnalysis) -> VersionFacts {
    let (claims, statements) = extract_claims_and_statements(body, said);
    let quotes = said
        .quotes
        .iter()
        .map(|q| FactQuote {
            text: q.text.clone(),
            start: q.start,
            end: q.end,
            speaker: q
                .speaker_entity
                .as_ref()
                .and_then(|id| said.entities.iter().find(|e| &e.id == id))
                .map(|e| e.name.clone())
                .or_else(|| q.speaker.clone()),
            via: q.via.clone(),
        })
        .collect();
    VersionFacts { claims, statements, correction_notice: correction_notice(body), quotes }
}

/// One stored version of one article of a story.
#[derive(Debug, Clone)]
pub struct StoryVersion {
    /// The article's document key.
    pub article: String,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Publication (or, for a later version, modification) time.
    pub time: Option<DateTime<Utc>>,
    /// Version number (1 for the first ingest).
    pub version: i64,
    /// The document it copies, when it is a syndicated copy.
    pub duplicate_of: Option<String>,
    /// The extracted body text.
    pub body: String,
    /// The body's facts as stored with its analysis; made from `body` when absent (a version
    /// analysed before they were stored).
    pub facts: Option<VersionFacts>,
}

/// What [`story_changes`] finds in a story.
#[derive(Debug, Clone, Default)]
pub struct StoryChanges {
    /// The findings, with `id`, `story` and `found_at` left for the store to fill.
    pub findings: Vec<StoryFinding>,
    /// The timeline, earliest first.
    pub timeline: Vec<TimelineEntry>,
}

/// Findings and timeline of one story from all stored versions of its articles.
pub fn story_changes(versions: &[StoryVersion]) -> StoryChanges {
    let made: Vec<Option<VersionFacts>> = versions
        .iter()
        .map(|v| v.facts.is_none().then(|| version_facts(&v.body, &analyze_text(&v.body))))
        .collect();
    let facts: Vec<&VersionFacts> =
        versions.iter().zip(&made).filter_map(|(v, m)| v.facts.as_ref().or(m.as_ref())).collect();
    let all: Vec<ArticleClaims> = versions
        .iter()
        .zip(&facts)
        .map(|(v, f)| ArticleClaims {
            article: v.article.clone(),
            outlet: v.outlet.clone(),
            time: v.time,
            version: v.version,
            claims: f.claims.clone(),
            statements: f.statements.clone(),
            correction_notice: f.correction_notice.clone(),
        })
        .collect();
    let found = find_changes(&all);
    let findings: Vec<StoryFinding> = found.iter().map(|f| to_record(f, versions)).collect();
    let timeline = timeline(versions, &facts, &findings);
    StoryChanges { findings, timeline }
}

fn lower<T: std::fmt::Debug>(x: T) -> String {
    format!("{x:?}").to_lowercase()
}

fn evidence(article: &str, version: i64, c: &Claim, versions: &[StoryVersion]) -> ClaimEvidence {
    let v = versions.iter().find(|v| v.article == article && v.version == version);
    ClaimEvidence {
        article: article.to_string(),
        version,
        outlet: v.and_then(|v| v.outlet.clone()),
        time: v.and_then(|v| v.time).map(|t| t.to_rfc3339()),
        actor: c.actor.clone(),
        side: c.side.clone(),
        action: c.action.clone(),
        polarity: lower(c.polarity),
        modality: lower(c.modality),
        quantity: c.quantity.as_ref().map(|q| q.text.clone()),
        value: c.quantity.as_ref().map(|q| q.value),
        speaker: c.speaker.clone(),
        via: c.via.clone(),
        quoted: c.quoted,
        text: c.text.clone(),
        start: c.start,
        end: c.end,
    }
}

fn to_record(f: &Finding, versions: &[StoryVersion]) -> StoryFinding {
    StoryFinding {
        id: 0,
        story: String::new(),
        kind: lower(f.kind),
        confidence: f.confidence,
        explanation: f.explanation.clone(),
        outlets: f.outlets.clone(),
        first: evidence(&f.first.0, f.versions.0, &f.first.1, versions),
        second: evidence(&f.second.0, f.versions.1, &f.second.1, versions),
        found_at: String::new(),
    }
}

/// Lower-cased words of a text, for matching the same statement across reports.
fn norm_words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An item before grouping.
struct Item<'a> {
    key: String,
    kind: &'static str,
    text: String,
    speaker: Option<String>,
    via: Option<String>,
    action: Option<String>,
    quantity: Option<String>,
    v: &'a StoryVersion,
    start: usize,
    end: usize,
}

fn report(it: &Item<'_>) -> TimelineReport {
    TimelineReport {
        article: it.v.article.clone(),
        outlet: it.v.outlet.clone(),
        time: it.v.time.map(|t| t.to_rfc3339()),
        version: it.v.version,
        start: it.start,
        end: it.end,
    }
}

fn timeline(
    versions: &[StoryVersion],
    facts: &[&VersionFacts],
    findings: &[StoryFinding],
) -> Vec<TimelineEntry> {
    // Reports in time order (unknown times last, input order breaking ties), so the first item
    // of each group is its first report.
    let mut order: Vec<usize> = (0..versions.len()).collect();
    order.sort_by_key(|&i| (versions[i].time.is_none(), versions[i].time, i));
    let mut groups: BTreeMap<String, Vec<Item<'_>>> = BTreeMap::new();
    for &i in &order {
        let claims = facts[i];
        let v = &versions[i];
        for q in &claims.quotes {
            let key = norm_words(&q.text);
            if key.split(' ').count() < 3 {
                continue;
            }
            let speaker = q.speaker.clone();
            let claim = claims.claims.iter().find(|c| !c.narrative && overlaps(c, q.start, q.end));
            groups.entry(format!("s:{key}")).or_default().push(Item {
                key: format!("s:{key}"),
                kind: "statement",
                text: q.text.clone(),
                speaker,
                via: q.via.clone(),
                action: claim.map(|c| c.action.clone()),
                quantity: claim.and_then(|c| c.quantity.as_ref().map(|q| q.text.clone())),
                v,
                start: q.start,
                end: q.end,
            });
        }
        for c in claims.claims.iter().filter(|c| c.narrative) {
            let key = format!(
                "c:{}|{}|{}|{}|{}",
                c.action,
                lower(c.polarity),
                lower(c.modality),
                c.side.as_deref().map(str::to_lowercase).unwrap_or_default(),
                c.quantity.as_ref().map(|q| q.value.to_string()).unwrap_or_default()
            );
            groups.entry(key.clone()).or_default().push(Item {
                key,
                kind: "claim",
                text: c.text.clone(),
                speaker: None,
                via: None,
                action: Some(c.action.clone()),
                quantity: c.quantity.as_ref().map(|q| q.text.clone()),
                v,
                start: c.start,
                end: c.end,
            });
        }
    }
    let mut out = Vec::new();
    for items in groups.values() {
        let first = &items[0];
        let mut seen = std::collections::HashSet::from([first.v.article.as_str()]);
        let (mut repeated_by, mut copied_by) = (Vec::new(), Vec::new());
        let (mut repeats, mut copies) = (0, 0);
        for it in &items[1..] {
            if !seen.insert(it.v.article.as_str()) {
                continue;
            }
            let (list, n) = if it.v.duplicate_of.is_some() {
                (&mut copied_by, &mut copies)
            } else {
                (&mut repeated_by, &mut repeats)
            };
            *n += 1;
            if list.len() < model::TIMELINE_REPORTS {
                list.push(report(it));
            }
        }
        // The earlier claim of a reversal, contradiction or correction is superseded; outlets
        // that carried it after the later claim appeared repeated a corrected error.
        let superseding = findings.iter().find(|f| {
            f.kind != "overstatement"
                && items.iter().any(|it| {
                    it.v.article == f.first.article
                        && it.v.version == f.first.version
                        && it.start < f.first.end
                        && f.first.start < it.end
                })
        });
        let mut repeated_after_correction = Vec::new();
        if let Some(f) = superseding
            && let Some(t) = f.second.time.as_deref().and_then(|t| t.parse::<DateTime<Utc>>().ok())
        {
            for it in items.iter().filter(|it| it.v.time.is_some_and(|x| x > t)) {
                if let Some(o) = &it.v.outlet
                    && !repeated_after_correction.contains(o)
                {
                    repeated_after_correction.push(o.clone());
                }
            }
        }
        debug_assert!(items.iter().all(|it| it.key == first.key));
        out.push(TimelineEntry {
            time: first.v.time.map(|t| t.to_rfc3339()),
            kind: first.kind.to_string(),
            text: first.text.clone(),
            speaker: first.speaker.clone(),
            via: items.iter().find_map(|it| it.via.clone()),
            action: first.action.clone(),
            quantity: first.quantity.clone(),
            first: report(first),
            repeated_by,
            repeats,
            copied_by,
            copies,
            superseded: superseding.map(|f| f.explanation.clone()),
            repeated_after_correction,
        });
    }
    // A big story says far more than a reader can follow: keep the entries a finding touches and
    // the most widely carried ones.
    if out.len() > MAX_TIMELINE {
        out.sort_by_key(|e| (e.superseded.is_none(), std::cmp::Reverse(e.repeats + e.copies)));
        out.truncate(MAX_TIMELINE);
    }
    out.sort_by(|a, b| {
        (a.time.is_none(), a.time.as_deref().and_then(|t| t.parse::<DateTime<Utc>>().ok()))
            .cmp(&(b.time.is_none(), b.time.as_deref().and_then(|t| t.parse().ok())))
            .then(a.first.article.cmp(&b.first.article))
            .then(a.first.start.cmp(&b.first.start))
            .then(a.text.cmp(&b.text))
    });
    out
}

fn overlaps(c: &Claim, start: usize, end: usize) -> bool {
    c.start < end && start < c.end
}
