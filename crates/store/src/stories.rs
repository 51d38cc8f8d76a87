//! Stories in the store: saving the clustering's output, listing stories, reading one with its
//! articles, and the states to revive into memory after a restart.

use std::collections::HashMap;

use crate::Result;
use crate::db::{self, Database};
use crate::events::append_event;
use crate::sql::{Row, Sql, params};
use model::event::{STORY_BREAKING, STORY_MERGED, STORY_NEW};
use model::{StoryArticle, StoryAssignment, StoryRecord};

/// What a story event carries.
fn story_payload(s: &StoryRecord) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "label": s.label,
        "outlets": s.outlets,
        "articles": s.articles,
        "breaking_since": s.breaking_since,
    })
}

const COLUMNS: &str = "id, label, first_seen, last_updated, state, breaking_since, articles, \
                       copies, outlets, entities, state_json";
/// The same columns for reads that drop the clustering state: it averages ~9 KB a story (up to
/// hundreds), and lists and pages never need it.
const READ_COLUMNS: &str = "id, label, first_seen, last_updated, state, breaking_since, \
                            articles, copies, outlets, entities, '' AS state_json";

fn decode_story(mut r: Row, keep_state: bool) -> Result<StoryRecord> {
    let outlets: String = r.take(8)?;
    let entities: String = r.take(9)?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(StoryRecord {
        id: r.take(0)?,
        label: r.take(1)?,
        first_seen: r.take(2)?,
        last_updated: r.take(3)?,
        state: r.take(4)?,
        breaking_since: r.take(5)?,
        articles: count(r.get(6)?),
        copies: count(r.get(7)?),
        outlets: serde_json::from_str(&outlets)?,
        entities: serde_json::from_str(&entities)?,
        state_json: if keep_state { r.take(10)? } else { String::new() },
    })
}

/// Deletes a story all of whose articles moved to `into` (what it stored goes with it),
/// remembers where they went (see [`StoryStore::merged_into`]) and tells the outbox
/// (`story.merged`), in the caller's transaction.
fn drop_merged(db: &mut dyn Sql, story: &str, into: &str) -> Result<()> {
    for table in ["findings", "story_timelines", "story_digests", "story_changes_pending"] {
        db.execute(&format!("DELETE FROM {table} WHERE story_id = ?1"), params![story])?;
    }
    db.execute("DELETE FROM stories WHERE id = ?1", params![story])?;
    db.execute(
        "INSERT INTO story_merges (story_id, into_id, merged_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (story_id) DO UPDATE SET into_id = excluded.into_id,
                                              merged_at = excluded.merged_at",
        params![story, into, &chrono::Utc::now().to_rfc3339()],
    )?;
    let payload = serde_json::json!({ "id": story, "into": into });
    append_event(db, STORY_MERGED, Some(story), None, &payload)?;
    Ok(())
}

/// Saves stories and assignments in the caller's transaction; see [`StoryStore::save_stories`].
pub(crate) fn save_stories_in(
    db: &mut dyn Sql,
    stories: &[StoryRecord],
    assignments: &[StoryAssignment],
) -> Result<()> {
    let put = format!(
        "INSERT INTO stories ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (id) DO UPDATE SET
             label = excluded.label, first_seen = excluded.first_seen,
             last_updated = excluded.last_updated, state = excluded.state,
             breaking_since = excluded.breaking_since, articles = excluded.articles,
             copies = excluded.copies, outlets = excluded.outlets, entities = excluded.entities,
             state_json = excluded.state_json"
    );
    let count = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    for s in stories {
        // The outbox learns of a new story and of a first breaking flag in this same
        // transaction, so `serve` sees the event exactly when it sees the change.
        let was_breaking: Option<bool> = db
            .query_opt(
                "SELECT breaking_since IS NOT NULL FROM stories WHERE id = ?1",
                params![&s.id],
            )?
            .map(|r| r.get(0))
            .transpose()?;
        if was_breaking.is_none() {
            append_event(db, STORY_NEW, Some(&s.id), None, &story_payload(s))?;
        }
        if s.breaking_since.is_some() && was_breaking != Some(true) {
            append_event(db, STORY_BREAKING, Some(&s.id), None, &story_payload(s))?;
        }
        let (outlets, entities) =
            (serde_json::to_string(&s.outlets)?, serde_json::to_string(&s.entities)?);
        db.execute(
            &put,
            params![
                &s.id,
                &s.label,
                &s.first_seen,
                &s.last_updated,
                &s.state,
                &s.breaking_since,
                count(s.articles),
                count(s.copies),
                &outlets,
                &entities,
                &s.state_json,
            ],
        )?;
    }
    // Stories that lost an article, with where the last one went.
    let mut left: Vec<(String, String)> = Vec::new();
    // A document assigned twice in one call (placed, then moved by a later arrival of the same
    // batch) keeps only its last assignment: the story it was first placed in may have been
    // merged away before it was ever stored.
    let last: HashMap<&str, usize> =
        assignments.iter().enumerate().map(|(i, a)| (a.document.as_str(), i)).collect();
    // A story that gained or lost articles has its findings and timeline redone (see
    // `changes.rs`); the mark commits with the articles, so a crash cannot lose it.
    let pending = "INSERT INTO story_changes_pending (story_id) VALUES (?1) ON CONFLICT DO NOTHING";
    for (i, a) in assignments.iter().enumerate() {
        if last[a.document.as_str()] != i {
            continue;
        }
        let was: Option<String> = db
            .query_opt(
                "SELECT sa.story_id FROM story_articles sa
                   JOIN documents d ON d.id = sa.document_id
                  WHERE d.key = ?1",
                params![&a.document],
            )?
            .map(|mut r| r.take(0))
            .transpose()?;
        if let Some(was) = was.filter(|w| *w != a.story) {
            db.execute(pending, params![&was])?;
            left.retain(|(w, _)| *w != was);
            left.push((was, a.story.clone()));
        }
        db.execute(
            "INSERT INTO story_articles (document_id, story_id, duplicate_of, wire_agency)
             SELECT id, ?2, ?3, ?4 FROM documents WHERE key = ?1
             ON CONFLICT (document_id) DO UPDATE SET
                 story_id = excluded.story_id, duplicate_of = excluded.duplicate_of,
                 wire_agency = excluded.wire_agency",
            params![&a.document, &a.story, &a.duplicate_of, &a.wire_agency],
        )?;
        db.execute(pending, params![&a.story])?;
    }
    for (story, into) in &left {
        let empty: bool = db
            .query_one(
                "SELECT NOT EXISTS (SELECT 1 FROM story_articles WHERE story_id = ?1)",
                params![story],
            )?
            .get(0)?;
        if empty {
            drop_merged(db, story, into)?;
        }
    }
    Ok(())
}

/// Stories: saving the clustering's output and reading it back, on either backend.
pub trait StoryStore: Database {
    /// Saves updated stories and new assignments in one transaction (stories first, so every
    /// assignment points at a stored story; of several assignments of one document, the last
    /// wins). An assignment of a document already in another story moves it (a retroactive
    /// split or reassignment), and both stories get their changes redone; a story left with no
    /// article is deleted and remembered as merged into the story its last article went to
    /// ([`StoryStore::merged_into`]). A story saved for the first time appends a `story.new`
    /// event to the outbox, and one whose `breaking_since` is first set a `story.breaking`
    /// event, in the same transaction.
    fn save_stories(
        &mut self,
        stories: &[StoryRecord],
        assignments: &[StoryAssignment],
    ) -> Result<()> {
        db::write(self, |db| save_stories_in(db, stories, assignments))
    }

    /// Stories, latest update first: only breaking ones if asked, only those updated at or
    /// after `since` (RFC 3339 or a date) if given.
    fn stories(
        &self,
        breaking_only: bool,
        since: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoryRecord>> {
        self.stories_page(breaking_only, since, limit, 0)
    }

    /// Like [`StoryStore::stories`], skipping the first `offset` (in the database, so a deep
    /// page reads only its own rows).
    fn stories_page(
        &self,
        breaking_only: bool,
        since: Option<&str>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StoryRecord>> {
        let sql = format!(
            "SELECT {READ_COLUMNS} FROM stories
              WHERE (?1 = 0 OR breaking_since IS NOT NULL)
                AND (CAST(?2 AS TEXT) IS NULL OR last_updated >= ?2)
              ORDER BY last_updated DESC NULLS LAST, id LIMIT ?3 OFFSET ?4"
        );
        let (limit, offset) =
            (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
        let rows =
            db::read(self, |db| db.query(&sql, params![breaking_only, since, limit, offset]))?;
        rows.into_iter().map(|r| decode_story(r, false)).collect()
    }

    /// One story's record, without its articles.
    fn story_record(&self, id: &str) -> Result<Option<StoryRecord>> {
        let sql = format!("SELECT {READ_COLUMNS} FROM stories WHERE id = ?1");
        db::read(self, |db| db.query_opt(&sql, params![id]))?
            .map(|r| decode_story(r, false))
            .transpose()
    }

    /// One story and its articles, first reported first.
    fn story(&self, id: &str) -> Result<Option<(StoryRecord, Vec<StoryArticle>)>> {
        db::read(self, |db| story_in(db, id))
    }

    /// Stories to hold in memory when clustering resumes: those not quiet, with their state.
    fn live_stories(&self) -> Result<Vec<StoryRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM stories WHERE state != 'quiet' ORDER BY id");
        let rows = db::read(self, |db| db.query(&sql, &[]))?;
        rows.into_iter().map(|r| decode_story(r, true)).collect()
    }

    /// The highest story number stored (`s17` → 17), so new ids never collide.
    fn max_story_number(&self) -> Result<u64> {
        let rows = db::read(self, |db| {
            db.query("SELECT id FROM stories UNION ALL SELECT story_id FROM story_merges", &[])
        })?;
        let mut max = 0;
        for r in rows {
            let id: String = r.get(0)?;
            if let Ok(n) = id.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<u64>() {
                max = max.max(n);
            }
        }
        Ok(max)
    }

    /// The story whose articles a story that no longer exists were merged into (following
    /// later merges), if it was merged.
    fn merged_into(&self, id: &str) -> Result<Option<String>> {
        db::read(self, |db| {
            let mut at: Option<String> = None;
            // Bounded: merges only ever point at later stories, but a corrupt table must not
            // hang.
            for _ in 0..64 {
                let from = at.as_deref().unwrap_or(id);
                let next: Option<String> = db
                    .query_opt(
                        "SELECT into_id FROM story_merges WHERE story_id = ?1",
                        params![from],
                    )?
                    .map(|mut r| r.take(0))
                    .transpose()?;
                match next {
                    Some(next) if next != from => at = Some(next),
                    _ => break,
                }
            }
            Ok(at)
        })
    }

    /// Whether a document already belongs to a story.
    fn has_story(&self, key: &str) -> Result<bool> {
        Ok(self.story_of(key)?.is_some())
    }

    /// The story a document belongs to, if any.
    fn story_of(&self, key: &str) -> Result<Option<String>> {
        let row = db::read(self, |db| {
            db.query_opt(
                "SELECT sa.story_id FROM story_articles sa JOIN documents d ON d.id = sa.document_id
                  WHERE d.key = ?1",
                params![key],
            )
        })?;
        row.map(|mut r| r.take(0)).transpose()
    }

    /// Document id and latest version of every article of a story, by key: what pages link
    /// with.
    fn story_documents(&self, id: &str) -> Result<HashMap<String, (i64, i64)>> {
        db::read(self, |db| story_documents_in(db, id))
    }

    /// Every statement in the latest versions of a story's articles, with its speaker's name
    /// and entity when resolved: who said what, in one query.
    fn story_statements(&self, id: &str) -> Result<Vec<StoryStatement>> {
        db::read(self, |db| story_statements_in(db, id))
    }
}

impl<T: Database + ?Sized> StoryStore for T {}

/// A statement of one of a story's articles (its latest version).
#[derive(Debug, Clone, PartialEq)]
pub struct StoryStatement {
    /// The article's document id.
    pub document_id: i64,
    /// The content.
    pub text: String,
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// The cue verb.
    pub cue: Option<String>,
    /// The relay.
    pub via: Option<String>,
    /// The speaker as written.
    pub speaker: Option<String>,
    /// The speaker entity's fullest name in the article, when resolved.
    pub speaker_name: Option<String>,
    /// The speaker's store-wide entity id, when resolved.
    pub entity: Option<i64>,
}

/// One story and its articles, first reported first.
pub(crate) fn story_in(
    db: &mut dyn Sql,
    id: &str,
) -> Result<Option<(StoryRecord, Vec<StoryArticle>)>> {
    let sql = format!("SELECT {READ_COLUMNS} FROM stories WHERE id = ?1");
    let Some(row) = db.query_opt(&sql, params![id])? else {
        return Ok(None);
    };
    let story = decode_story(row, false)?;
    let mut articles = Vec::new();
    for mut r in db.query(
        "SELECT d.key, coalesce(a.title, v.title), d.outlet, coalesce(a.published, v.published),
                d.first_seen, sa.duplicate_of, sa.wire_agency
           FROM story_articles sa
           JOIN documents d ON d.id = sa.document_id
           JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
           LEFT JOIN articles a ON a.version_id = v.id
          WHERE sa.story_id = ?1
          ORDER BY d.id",
        params![id],
    )? {
        articles.push(StoryArticle {
            document: r.take(0)?,
            title: r.take(1)?,
            outlet: r.take(2)?,
            published: r.take(3)?,
            first_seen: r.take(4)?,
            duplicate_of: r.take(5)?,
            wire_agency: r.take(6)?,
        });
    }
    // Times carry their own offsets: order by the instant, not by the text.
    let instant = |a: &StoryArticle| {
        a.published
            .as_deref()
            .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
            .map(|t| t.timestamp())
    };
    articles.sort_by_key(|a| (instant(a).is_none(), instant(a)));
    Ok(Some((story, articles)))
}

/// Document id and latest version of every article of a story, by key: what pages link with.
pub(crate) fn story_documents_in(
    db: &mut dyn Sql,
    id: &str,
) -> Result<HashMap<String, (i64, i64)>> {
    let rows = db.query(
        "SELECT d.key, d.id, d.latest_version FROM story_articles sa
           JOIN documents d ON d.id = sa.document_id
          WHERE sa.story_id = ?1",
        params![id],
    )?;
    rows.into_iter().map(|mut r| Ok((r.take(0)?, (r.get(1)?, r.get(2)?)))).collect()
}

/// Every statement in the latest versions of a story's articles, with its speaker's name and
/// entity when resolved: who said what, in one query.
pub(crate) fn story_statements_in(db: &mut dyn Sql, id: &str) -> Result<Vec<StoryStatement>> {
    let rows = db.query(
        "SELECT d.id, s.text, s.kind, s.cue, s.via, s.speaker, ve.name, ve.entity_id
           FROM story_articles sa
           JOIN documents d ON d.id = sa.document_id
           JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
           JOIN statements s ON s.version_id = v.id
           LEFT JOIN version_entities ve
                  ON ve.version_id = v.id AND ve.local_id = s.speaker_local
          WHERE sa.story_id = ?1
          ORDER BY d.id, s.start, s.id",
        params![id],
    )?;
    rows.into_iter()
        .map(|mut r| {
            Ok(StoryStatement {
                document_id: r.get(0)?,
                text: r.take(1)?,
                kind: r.take(2)?,
                cue: r.take(3)?,
                via: r.take(4)?,
                speaker: r.take(5)?,
                speaker_name: r.take(6)?,
                entity: r.get(7)?,
            })
        })
        .collect()
}
