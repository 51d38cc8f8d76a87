//! Stories in the store: saving the clustering's output, listing stories, reading one with its
//! articles, and the states to revive into memory after a restart.

use std::collections::HashMap;

use model::event::{STORY_BREAKING, STORY_MERGED, STORY_NEW};
use model::{StoryArticle, StoryAssignment, StoryRecord};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::events::append_event;
use crate::{Result, SqliteStore};

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

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoryRecord, String, String)> {
    Ok((
        StoryRecord {
            id: r.get(0)?,
            label: r.get(1)?,
            first_seen: r.get(2)?,
            last_updated: r.get(3)?,
            state: r.get(4)?,
            breaking_since: r.get(5)?,
            articles: r.get::<_, i64>(6)? as u64,
            copies: r.get::<_, i64>(7)? as u64,
            outlets: Vec::new(),
            entities: Vec::new(),
            state_json: r.get(10)?,
        },
        r.get(8)?,
        r.get(9)?,
    ))
}

fn finish(rows: Vec<(StoryRecord, String, String)>, keep_state: bool) -> Result<Vec<StoryRecord>> {
    rows.into_iter()
        .map(|(mut s, outlets, entities)| {
            s.outlets = serde_json::from_str(&outlets)?;
            s.entities = serde_json::from_str(&entities)?;
            if !keep_state {
                s.state_json.clear();
            }
            Ok(s)
        })
        .collect()
}

/// Deletes a story all of whose articles moved to `into` (what it stored goes with it),
/// remembers where they went (see [`SqliteStore::merged_into`]) and tells the outbox
/// (`story.merged`), in the caller's transaction.
fn drop_merged(tx: &rusqlite::Transaction<'_>, story: &str, into: &str) -> Result<()> {
    for table in ["findings", "story_timelines", "story_digests", "story_changes_pending"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE story_id = ?1"))?.execute([story])?;
    }
    tx.prepare_cached("DELETE FROM stories WHERE id = ?1")?.execute([story])?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO story_merges (story_id, into_id, merged_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![story, into, chrono::Utc::now().to_rfc3339()])?;
    let payload = serde_json::json!({ "id": story, "into": into });
    append_event(tx, STORY_MERGED, Some(story), None, &payload)?;
    Ok(())
}

impl SqliteStore {
    /// Saves updated stories and new assignments in one transaction (stories first, so every
    /// assignment points at a stored story; of several assignments of one document, the last
    /// wins). An assignment of a document already in another story moves it (a retroactive split
    /// or reassignment), and both stories get their changes redone; a story left with no article
    /// is deleted and remembered as merged into the story its last article went to
    /// ([`SqliteStore::merged_into`]). A story saved for the first time appends a `story.new`
    /// event to the outbox, and one whose `breaking_since` is first set a `story.breaking` event,
    /// in the same transaction.
    pub fn save_stories(
        &mut self,
        stories: &[StoryRecord],
        assignments: &[StoryAssignment],
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut put = tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO stories ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?;
            let mut before =
                tx.prepare_cached("SELECT breaking_since IS NOT NULL FROM stories WHERE id = ?1")?;
            for s in stories {
                // The outbox learns of a new story and of a first breaking flag in this same
                // transaction, so `serve` sees the event exactly when it sees the change.
                let was_breaking: Option<bool> =
                    before.query_row([&s.id], |r| r.get(0)).optional()?;
                if was_breaking.is_none() {
                    append_event(&tx, STORY_NEW, Some(&s.id), None, &story_payload(s))?;
                }
                if s.breaking_since.is_some() && was_breaking != Some(true) {
                    append_event(&tx, STORY_BREAKING, Some(&s.id), None, &story_payload(s))?;
                }
                put.execute(params![
                    s.id,
                    s.label,
                    s.first_seen,
                    s.last_updated,
                    s.state,
                    s.breaking_since,
                    s.articles as i64,
                    s.copies as i64,
                    serde_json::to_string(&s.outlets)?,
                    serde_json::to_string(&s.entities)?,
                    s.state_json,
                ])?;
            }
            let mut assign = tx.prepare_cached(
                "INSERT OR REPLACE INTO story_articles (document_id, story_id, duplicate_of, wire_agency)
                 SELECT id, ?2, ?3, ?4 FROM documents WHERE key = ?1",
            )?;
            // A story that gained or lost articles has its findings and timeline redone (see
            // `changes.rs`); the mark commits with the articles, so a crash cannot lose it.
            let mut pending = tx.prepare_cached(
                "INSERT OR IGNORE INTO story_changes_pending (story_id) VALUES (?1)",
            )?;
            let mut current = tx.prepare_cached(
                "SELECT sa.story_id FROM story_articles sa JOIN documents d ON d.id = sa.document_id
                  WHERE d.key = ?1",
            )?;
            // Stories that lost an article, with where the last one went.
            let mut left: Vec<(String, String)> = Vec::new();
            // A document assigned twice in one call (placed, then moved by a later arrival of the
            // same batch) keeps only its last assignment: the story it was first placed in may
            // have been merged away before it was ever stored.
            let last: HashMap<&str, usize> =
                assignments.iter().enumerate().map(|(i, a)| (a.document.as_str(), i)).collect();
            for (i, a) in assignments.iter().enumerate() {
                if last[a.document.as_str()] != i {
                    continue;
                }
                let was: Option<String> =
                    current.query_row([&a.document], |r| r.get(0)).optional()?;
                if let Some(was) = was.filter(|w| *w != a.story) {
                    pending.execute(params![was])?;
                    left.retain(|(w, _)| *w != was);
                    left.push((was, a.story.clone()));
                }
                assign.execute(params![a.document, a.story, a.duplicate_of, a.wire_agency])?;
                pending.execute(params![a.story])?;
            }
            let mut empty = tx.prepare_cached(
                "SELECT NOT EXISTS (SELECT 1 FROM story_articles WHERE story_id = ?1)",
            )?;
            for (story, into) in &left {
                if empty.query_row([story], |r| r.get::<_, bool>(0))? {
                    drop_merged(&tx, story, into)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Stories, latest update first: only breaking ones if asked, only those updated at or after
    /// `since` (RFC 3339 or a date) if given.
    pub fn stories(
        &self,
        breaking_only: bool,
        since: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoryRecord>> {
        self.stories_page(breaking_only, since, limit, 0)
    }

    /// Like [`SqliteStore::stories`], skipping the first `offset` (in the database, so a deep
    /// page reads only its own rows).
    pub fn stories_page(
        &self,
        breaking_only: bool,
        since: Option<&str>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StoryRecord>> {
        let sql = format!(
            "SELECT {READ_COLUMNS} FROM stories
              WHERE (?1 = 0 OR breaking_since IS NOT NULL)
                AND (?2 IS NULL OR last_updated >= ?2)
              ORDER BY last_updated DESC, id LIMIT ?3 OFFSET ?4"
        );
        let (limit, offset) =
            (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![breaking_only, since, limit, offset], record)?
            .collect::<rusqlite::Result<_>>()?;
        finish(rows, false)
    }

    /// One story's record, without its articles.
    pub fn story_record(&self, id: &str) -> Result<Option<StoryRecord>> {
        let sql = format!("SELECT {READ_COLUMNS} FROM stories WHERE id = ?1");
        let Some(row) = self.conn.prepare_cached(&sql)?.query_row([id], record).optional()? else {
            return Ok(None);
        };
        Ok(Some(finish(vec![row], false)?.remove(0)))
    }

    /// One story and its articles, first reported first.
    pub fn story(&self, id: &str) -> Result<Option<(StoryRecord, Vec<StoryArticle>)>> {
        story_in(&self.conn, id)
    }

    /// Stories to hold in memory when clustering resumes: those not quiet, with their state.
    pub fn live_stories(&self) -> Result<Vec<StoryRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM stories WHERE state != 'quiet' ORDER BY id");
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], record)?
            .collect::<rusqlite::Result<_>>()?;
        finish(rows, true)
    }

    /// The highest story number stored (`s17` → 17), so new ids never collide.
    pub fn max_story_number(&self) -> Result<u64> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached("SELECT id FROM stories UNION ALL SELECT story_id FROM story_merges")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids
            .iter()
            .filter_map(|id| id.trim_start_matches(|c: char| !c.is_ascii_digit()).parse().ok())
            .max()
            .unwrap_or(0))
    }

    /// The story whose articles a story that no longer exists were merged into (following
    /// later merges), if it was merged.
    pub fn merged_into(&self, id: &str) -> Result<Option<String>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT into_id FROM story_merges WHERE story_id = ?1")?;
        let mut at: Option<String> = None;
        // Bounded: merges only ever point at later stories, but a corrupt table must not hang.
        for _ in 0..64 {
            let from = at.as_deref().unwrap_or(id);
            match stmt.query_row([from], |r| r.get::<_, String>(0)).optional()? {
                Some(next) if next != from => at = Some(next),
                _ => break,
            }
        }
        Ok(at)
    }

    /// Whether a document already belongs to a story.
    pub fn has_story(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM story_articles sa JOIN documents d ON d.id = sa.document_id
                  WHERE d.key = ?1",
            )?
            .exists([key])?)
    }

    /// The story a document belongs to, if any.
    pub fn story_of(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT sa.story_id FROM story_articles sa JOIN documents d ON d.id = sa.document_id
                  WHERE d.key = ?1",
            )?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Document id and latest version of every article of a story, by key: what pages link with.
    pub fn story_documents(
        &self,
        id: &str,
    ) -> Result<std::collections::HashMap<String, (i64, i64)>> {
        story_documents_in(&self.conn, id)
    }

    /// Every statement in the latest versions of a story's articles, with its speaker's name and
    /// entity when resolved: who said what, in one query.
    pub fn story_statements(&self, id: &str) -> Result<Vec<StoryStatement>> {
        story_statements_in(&self.conn, id)
    }
}

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
    conn: &rusqlite::Connection,
    id: &str,
) -> Result<Option<(StoryRecord, Vec<StoryArticle>)>> {
    let sql = format!("SELECT {READ_COLUMNS} FROM stories WHERE id = ?1");
    let Some(row) = conn.prepare_cached(&sql)?.query_row([id], record).optional()? else {
        return Ok(None);
    };
    let story = finish(vec![row], false)?.remove(0);
    let articles = conn
        .prepare_cached(
            "SELECT d.key, coalesce(a.title, v.title), d.outlet, coalesce(a.published, v.published),
                    d.first_seen, sa.duplicate_of, sa.wire_agency
               FROM story_articles sa
               JOIN documents d ON d.id = sa.document_id
               JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
               LEFT JOIN articles a ON a.version_id = v.id
              WHERE sa.story_id = ?1
              ORDER BY d.id",
        )?
        .query_map([id], |r| {
            Ok(StoryArticle {
                document: r.get(0)?,
                title: r.get(1)?,
                outlet: r.get(2)?,
                published: r.get(3)?,
                first_seen: r.get(4)?,
                duplicate_of: r.get(5)?,
                wire_agency: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<StoryArticle>>>()?;
    // Times carry their own offsets: order by the instant, not by the text.
    let instant = |a: &StoryArticle| {
        a.published
            .as_deref()
            .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
            .map(|t| t.timestamp())
    };
    let mut articles = articles;
    articles.sort_by_key(|a| (instant(a).is_none(), instant(a)));
    Ok(Some((story, articles)))
}

/// Document id and latest version of every article of a story, by key: what pages link with.
pub(crate) fn story_documents_in(
    conn: &rusqlite::Connection,
    id: &str,
) -> Result<std::collections::HashMap<String, (i64, i64)>> {
    let rows = conn
        .prepare_cached(
            "SELECT d.key, d.id, d.latest_version FROM story_articles sa
               JOIN documents d ON d.id = sa.document_id
              WHERE sa.story_id = ?1",
        )?
        .query_map([id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every statement in the latest versions of a story's articles, with its speaker's name and
/// entity when resolved: who said what, in one query.
pub(crate) fn story_statements_in(
    conn: &rusqlite::Connection,
    id: &str,
) -> Result<Vec<StoryStatement>> {
    let rows = conn
        .prepare_cached(
            "SELECT d.id, s.text, s.kind, s.cue, s.via, s.speaker, ve.name, ve.entity_id
               FROM story_articles sa
               JOIN documents d ON d.id = sa.document_id
               JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
               JOIN statements s ON s.version_id = v.id
               LEFT JOIN version_entities ve
                      ON ve.version_id = v.id AND ve.local_id = s.speaker_local
              WHERE sa.story_id = ?1
              ORDER BY d.id, s.start, s.id",
        )?
        .query_map([id], |r| {
            Ok(StoryStatement {
                document_id: r.get(0)?,
                text: r.get(1)?,
                kind: r.get(2)?,
                cue: r.get(3)?,
                via: r.get(4)?,
                speaker: r.get(5)?,
                speaker_name: r.get(6)?,
                entity: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
