//! What each page shows, assembled from the store: one serialisable view per page, which the
//! JSON API returns as is and the HTML pages render. Keeping one view per page means the API
//! always carries every page's data.
//!
//! Everything here is synchronous store work and runs inside [`crate::db::Db::run`].

use model::{DocKey, StoryRecord};
use serde::Serialize;
use store::prelude::*;

pub use model::digest::{
    ArticleRef, CARRIERS_SHOWN, Carried, CarriedBy, CoveragePoint, OutletCoverage, SPEAKERS_SHOWN,
    STATEMENTS_SHOWN, SpeakerGroup, StoryDigest,
};

use crate::{Error, Result};

/// Most items one page of a list returns.
pub const MAX_LIMIT: usize = 100;
/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// A page of a list, with the link to the next page when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// Page size used.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
    /// Path and query of the next page, if more items exist.
    pub next: Option<String>,
}

/// Cuts `items` (fetched with one extra beyond `offset + limit`) to the page, and builds the
/// `next` link from `base` (a path with its other query parameters).
pub fn page<T>(mut items: Vec<T>, limit: usize, offset: usize, base: &str) -> Paged<T> {
    let more = items.len() > offset + limit;
    let items: Vec<T> = items.drain(..).skip(offset).take(limit).collect();
    Paged { items, limit, offset, next: next_link(more, base, limit, offset) }
}

/// The link to the page after `offset..offset + limit` of `base` (a path, maybe with a query),
/// when `more` items exist.
pub fn next_link(more: bool, base: &str, limit: usize, offset: usize) -> Option<String> {
    let sep = if base.contains('?') { '&' } else { '?' };
    more.then(|| format!("{base}{sep}limit={limit}&offset={}", offset + limit))
}

/// Like [`page`] for `items` fetched from `offset` on (with one extra beyond `limit`).
pub fn page_from<T>(mut items: Vec<T>, limit: usize, offset: usize, base: &str) -> Paged<T> {
    let more = items.len() > limit;
    items.truncate(limit);
    Paged { items, limit, offset, next: next_link(more, base, limit, offset) }
}

/// A stored finding (reversal, contradiction, overstatement or correction, with both pieces of
/// evidence), with the ids of the two articles for links.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// The finding as stored.
    #[serde(flatten)]
    pub finding: model::StoryFinding,
    /// Article id of the first piece of evidence.
    pub first_article: Option<i64>,
    /// Article id of the second.
    pub second_article: Option<i64>,
    /// The story's label, where the page shows findings of several stories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story_label: Option<String>,
}

/// One timeline entry, with the id of the article that first reported it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    /// The entry as stored.
    #[serde(flatten)]
    pub entry: model::TimelineEntry,
    /// Article id of the first report.
    pub first_article: Option<i64>,
}

/// Everything the story page shows.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    /// The story.
    pub story: StoryRecord,
    /// The first report (the earliest article that is not a copy).
    pub first_report: Option<ArticleRef>,
    /// One page of the articles, first reported first.
    pub articles: Vec<ArticleRef>,
    /// How many articles the story has.
    pub articles_total: usize,
    /// Articles per page.
    pub limit: usize,
    /// Articles skipped.
    pub offset: usize,
    /// Path and query of the next page of articles, if any.
    pub next: Option<String>,
    /// Coverage by outlet, earliest first.
    pub outlets: Vec<OutletCoverage>,
    /// Every article's outlet, time and whether it is a copy, oldest first: what the coverage
    /// plot draws (not serialised: `outlets` and the article pages carry the same facts).
    #[serde(skip)]
    pub coverage: Vec<CoveragePoint>,
    /// Who said what, grouped by speaker: the [`SPEAKERS_SHOWN`] speakers with the most
    /// statements, named speakers before unattributed statements.
    pub speakers: Vec<SpeakerGroup>,
    /// How many speakers the story has.
    pub speakers_total: usize,
    /// Statements and claims in the order they were first reported, with who repeated and
    /// who copied them.
    pub timeline: Vec<TimelineView>,
    /// What changed between the articles and their versions.
    pub findings: Vec<FindingView>,
}

fn not_found(what: impl std::fmt::Display) -> Error {
    Error::NotFound(format!("no {what}"))
}

/// Stories `offset..offset + limit + 1`, latest development first (breaking first on the home
/// page is the page's choice); the extra one tells [`page_from`] whether more exist.
pub fn stories(
    store: &dyn AnyStore,
    breaking: bool,
    since: Option<&str>,
    limit: usize,
    offset: usize,
) -> Result<Vec<StoryRecord>> {
    if let Some(s) = since {
        let ok = chrono::DateTime::parse_from_rfc3339(s).is_ok()
            || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok();
        if !ok {
            return Err(Error::BadRequest(format!(
                "since={s:?}: expected RFC 3339 (2026-11-26T10:00:00Z) or a date (2026-11-26)"
            )));
        }
    }
    Ok(store.stories_page(breaking, since, limit + 1, offset)?)
}

/// A story's view, or where a story merged into another went.
pub enum Found<T> {
    /// The story is here.
    Here(T),
    /// Every article of the story moved to this one (it was merged away by clustering).
    MergedInto(String),
}

/// Like [`story`], but a story that no longer exists because clustering merged it into
/// another says which one (pages and the API answer with a permanent redirect).
pub fn story_or_merged(
    store: &dyn AnyStore,
    id: &str,
    limit: usize,
    offset: usize,
    base: &str,
) -> Result<Found<StoryView>> {
    match story(store, id, limit, offset, base) {
        Err(Error::NotFound(m)) => match store.merged_into(id)? {
            Some(to) => Ok(Found::MergedInto(to)),
            None => Err(Error::NotFound(m)),
        },
        other => other.map(Found::Here),
    }
}

/// One story with everything its page shows, and articles `offset..offset + limit`; `base` is
/// the path the `next` link continues. What is shown of a big story is bounded (the speakers
/// and statements most carried, one page of articles), and read from the story's stored digest
/// (`store::digest`), so a story of thousands of articles answers in milliseconds; a story
/// changed since its digest was stored is summarised live.
pub fn story(
    store: &dyn AnyStore,
    id: &str,
    limit: usize,
    offset: usize,
    base: &str,
) -> Result<StoryView> {
    let story = store.story_record(id)?.ok_or_else(|| not_found(format!("story {id:?}")))?;
    let (digest, articles) = match store.story_digest(id)? {
        Some(d) => {
            let ids: Vec<i64> = d.order.iter().skip(offset).take(limit).copied().collect();
            let page = store.article_refs(&ids)?;
            (d, page)
        }
        None => {
            let (d, all) = store
                .compute_story_digest(id)?
                .ok_or_else(|| not_found(format!("story {id:?}")))?;
            (d, all.into_iter().skip(offset).take(limit).collect())
        }
    };
    let findings = store.findings(id)?;
    let timeline = store.timeline(id)?;
    // Links to the articles of the evidence and first reports shown.
    let keys: Vec<&str> = findings
        .iter()
        .flat_map(|f| [f.first.article.as_str(), f.second.article.as_str()])
        .chain(timeline.iter().map(|e| e.first.article.as_str()))
        .collect();
    let ids = store.document_ids(&keys)?;
    let findings = findings
        .into_iter()
        .map(|f| FindingView {
            first_article: ids.get(f.first.article.as_str()).copied(),
            second_article: ids.get(f.second.article.as_str()).copied(),
            story_label: None,
            finding: f,
        })
        .collect();
    let timeline = timeline
        .into_iter()
        .map(|e| TimelineView {
            first_article: ids.get(e.first.article.as_str()).copied(),
            entry: e,
        })
        .collect();
    let articles_total = digest.order.len();
    let next = next_link(articles_total > offset.saturating_add(limit), base, limit, offset);
    Ok(StoryView {
        story,
        first_report: digest.first_report,
        articles,
        articles_total,
        limit,
        offset,
        next,
        outlets: digest.outlets,
        coverage: digest.coverage,
        speakers: digest.speakers,
        speakers_total: digest.speakers_total,
        timeline,
        findings,
    })
}

/// The latest findings across stories, newest first (`limit + 1` after `offset`, for paging).
pub fn recent_findings(
    store: &dyn AnyStore,
    limit: usize,
    offset: usize,
) -> Result<Vec<FindingView>> {
    store
        .recent_findings(offset + limit + 1)?
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            // Only the page's items need their links resolved.
            let wanted = i >= offset;
            Ok(FindingView {
                first_article: if wanted { article_id(store, &f.first.article)? } else { None },
                second_article: if wanted { article_id(store, &f.second.article)? } else { None },
                story_label: if wanted {
                    store.story_record(&f.story)?.map(|s| s.label)
                } else {
                    None
                },
                finding: f,
            })
        })
        .collect()
}

/// The latest findings across stories, reversals and contradictions first, for the home page.
pub fn latest_findings(store: &dyn AnyStore, limit: usize) -> Result<Vec<FindingView>> {
    let mut all = store.recent_findings(50)?;
    // Stable sort: newest first within each group.
    all.sort_by_key(|f| !matches!(f.kind.as_str(), "reversal" | "contradiction"));
    all.truncate(limit);
    all.into_iter()
        .map(|f| {
            Ok(FindingView {
                first_article: article_id(store, &f.first.article)?,
                second_article: article_id(store, &f.second.article)?,
                story_label: store.story_record(&f.story)?.map(|s| s.label),
                finding: f,
            })
        })
        .collect()
}

/// A story named in another page.
#[derive(Debug, Clone, Serialize)]
pub struct StoryRef {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// One version of an article, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    /// Version number, from 1.
    pub version: i64,
    /// When it was fetched.
    pub fetched_at: String,
    /// Its headline.
    pub title: Option<String>,
}

/// An entity of an article, with its store-wide id.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleEntity {
    /// Id within the article (`e1`).
    pub local: String,
    /// Store-wide id: `/entities/{id}`.
    pub entity: Option<i64>,
    /// Name.
    pub name: String,
    /// `person`, `organization` or `place`.
    pub kind: String,
    /// Role given in the text.
    pub role: Option<String>,
    /// Affiliation given in the text.
    pub affiliation: Option<String>,
    /// Mentions.
    pub mentions: usize,
}

/// One piece of a diff between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffPart {
    /// `equal`, `insert` or `delete`.
    pub op: &'static str,
    /// The text.
    pub text: String,
}

/// Everything the article page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// Document id.
    pub id: i64,
    /// Identity key.
    pub key: String,
    /// The URL it was fetched from, if any (shown as a link only when http or https).
    pub url: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// The story it belongs to.
    pub story: Option<StoryRef>,
    /// Every version.
    pub versions: Vec<VersionInfo>,
    /// The version shown.
    pub version: i64,
    /// Headline of that version.
    pub title: Option<String>,
    /// Publication time.
    pub published: Option<String>,
    /// Language.
    pub language: Option<String>,
    /// Extracted body text.
    pub body: String,
    /// Statements (offsets in code points of `body`).
    pub statements: Vec<model::Statement>,
    /// Entities mentioned.
    pub entities: Vec<ArticleEntity>,
    /// What changed from the previous version (absent for the first).
    pub diff: Option<Vec<DiffPart>>,
}

/// One article at one version (its latest when `version` is `None`).
pub fn article(store: &dyn AnyStore, id: i64, version: Option<i64>) -> Result<ArticleView> {
    let doc = store.document_by_id(id)?.ok_or_else(|| not_found(format!("article {id}")))?;
    let all = store.all_versions(&doc.key)?;
    let version = version.unwrap_or(doc.latest_version);
    let shown = all
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| not_found(format!("version {version} of article {id}")))?;
    let analysis = store.analysis(id, version)?;
    let ids = store.version_entity_ids(id, version)?;
    let versions = all
        .iter()
        .map(|v| VersionInfo {
            version: v.version,
            fetched_at: v.fetched_at.to_rfc3339(),
            title: v.title.clone(),
        })
        .collect();
    let body = analysis.as_ref().map(|a| a.body.clone()).unwrap_or_default();
    let diff = if version > 1 {
        let prev = store.analysis(id, version - 1)?.map(|a| a.body).unwrap_or_default();
        Some(diff_words(&prev, &body))
    } else {
        None
    };
    let story = match store.story_of(doc.key.as_str())? {
        Some(sid) => store.story_record(&sid)?.map(|s| StoryRef { id: s.id, label: s.label }),
        None => None,
    };
    let (title, published, language, statements, entities) = match analysis {
        Some(a) => (
            a.title.or_else(|| shown.title.clone()),
            a.published.or_else(|| shown.published.map(|p| p.to_rfc3339())),
            a.language,
            a.statements,
            a.entities
                .into_iter()
                .map(|e| ArticleEntity {
                    entity: ids.get(&e.id).copied(),
                    local: e.id,
                    name: e.name,
                    kind: e.kind,
                    role: e.role,
                    affiliation: e.affiliation,
                    mentions: e.mentions,
                })
                .collect(),
        ),
        None => (shown.title.clone(), None, None, Vec::new(), Vec::new()),
    };
    Ok(ArticleView {
        id,
        key: doc.key.0.clone(),
        url: doc.url.clone().or(doc.canonical_url.clone()),
        outlet: doc.outlet.clone(),
        story,
        versions,
        version,
        title,
        published,
        language,
        body,
        statements,
        entities,
        diff,
    })
}

/// A word-level diff; long unchanged runs are kept whole (the page shortens them).
pub fn diff_words(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_words(old, new);
    let mut out: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => "equal",
            similar::ChangeTag::Insert => "insert",
            similar::ChangeTag::Delete => "delete",
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(DiffPart { op, text: change.value().to_string() }),
        }
    }
    out
}

/// A statement an entity made, with the article it is in.
#[derive(Debug, Clone, Serialize)]
pub struct EntityStatementView {
    /// The stored statement.
    #[serde(flatten)]
    pub statement: store::EntityStatement,
    /// Article id.
    pub article: Option<i64>,
    /// The story of the article.
    pub story: Option<String>,
}

/// Everything the entity page shows.
#[derive(Debug, Clone, Serialize)]
pub struct EntityView {
    /// Summary, aliases with evidence, roles.
    #[serde(flatten)]
    pub entity: store::EntityDetail,
    /// One page of statements over time (oldest first), with their articles and stories.
    pub statements: Vec<EntityStatementView>,
    /// Statements per page.
    pub limit: usize,
    /// Statements skipped.
    pub offset: usize,
    /// Path and query of the next page of statements, if any.
    pub next: Option<String>,
}

/// One entity, with statements `offset..offset + limit`; `base` is the path for `next`.
pub fn entity(
    store: &dyn AnyStore,
    id: i64,
    limit: usize,
    offset: usize,
    base: &str,
) -> Result<EntityView> {
    let mut entity = store
        .entity_page(id, limit + 1, offset)?
        .ok_or_else(|| not_found(format!("entity {id}")))?;
    let more = entity.statement_list.len() > limit;
    entity.statement_list.truncate(limit);
    let next = next_link(more, base, limit, offset);
    let statements = std::mem::take(&mut entity.statement_list)
        .into_iter()
        .map(|s| EntityStatementView {
            article: Some(s.document_id),
            story: s.story.clone(),
            statement: s,
        })
        .collect();
    Ok(EntityView { entity, statements, limit, offset, next })
}

/// Finds a document's id by key (for links from stored keys).
pub fn article_id(store: &dyn AnyStore, key: &str) -> Result<Option<i64>> {
    Ok(store.document(&DocKey(key.to_string()))?.map(|d| d.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_to_the_next_only_when_more_exist() {
        let p = page((0..11).collect::<Vec<_>>(), 5, 5, "/api/stories?breaking=true");
        assert_eq!(p.items, vec![5, 6, 7, 8, 9]);
        assert_eq!(p.next.as_deref(), Some("/api/stories?breaking=true&limit=5&offset=10"));
        let last = page((0..10).collect::<Vec<_>>(), 5, 5, "/api/stories");
        assert_eq!(last.items.len(), 5);
        assert_eq!(last.next, None);
    }

    #[test]
    fn word_diff_marks_what_changed() {
        let d = diff_words("Three people died.", "Five people died.");
        assert!(d.iter().any(|p| p.op == "delete" && p.text.contains("Three")), "{d:?}");
        assert!(d.iter().any(|p| p.op == "insert" && p.text.contains("Five")), "{d:?}");
        assert!(d.iter().any(|p| p.op == "equal" && p.text.contains("people died.")), "{d:?}");
    }
}
