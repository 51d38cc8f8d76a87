//! What changed in each story, as stored: findings (reversals, contradictions, overstatements,
//! corrections) and the story's timeline, redone whenever a story gains an article or one of
//! its articles a new analysis (the `story_changes_pending` mark, set in the same transaction).

use chrono::Utc;
use model::event::FINDING_NEW;
use model::{StoryFinding, TimelineEntry};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::docs::ts;
use crate::events::append_event;
use crate::{Result, SqliteStore};

const COLUMNS: &str =
    "id, story_id, kind, confidence, explanation, outlets, first, second, found_at";

/// A row as stored: the JSON columns still text.
type Row = (i64, String, String, f64, String, String, String, String, String);

fn read(
    stmt: &mut rusqlite::CachedStatement<'_>,
    p: impl rusqlite::Params,
) -> Result<Vec<StoryFinding>> {
    let rows: Vec<Row> = stmt
        .query_map(p, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, story, kind, confidence, explanation, outlets, first, second, found_at)| {
            Ok(StoryFinding {
                id,
                story,
                kind,
                confidence: confidence as f32,
                explanation,
                outlets: serde_json::from_str(&outlets)?,
                first: serde_json::from_str(&first)?,
                second: serde_json::from_str(&second)?,
                found_at,
            })
        })
        .collect()
}

impl SqliteStore {
    /// Stories whose findings and timeline wait to be redone, oldest mark first.
    pub fn pending_story_changes(&self, limit: usize) -> Result<Vec<String>> {
        let ids = self
            .conn
            .prepare_cached("SELECT story_id FROM story_changes_pending ORDER BY rowid LIMIT ?1")?
            .query_map(params![limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Replaces a story's findings and timeline and clears its pending mark, in one
    /// transaction. A finding found again (same [`StoryFinding::fingerprint`]) keeps its id and
    /// `found_at`; the ones found for the first time are returned with theirs, and each appends
    /// a `finding.new` event (payload: the finding) to the outbox in the same transaction.
    pub fn save_story_changes(
        &mut self,
        story: &str,
        findings: &[StoryFinding],
        timeline: &[TimelineEntry],
    ) -> Result<Vec<StoryFinding>> {
        self.save_many_story_changes(&[(story, findings, timeline)])
    }

    /// [`SqliteStore::save_story_changes`] for several stories in one transaction (one commit,
    /// so one sync to disk, for a whole round of stories).
    pub fn save_many_story_changes(
        &mut self,
        stories: &[(&str, &[StoryFinding], &[TimelineEntry])],
    ) -> Result<Vec<StoryFinding>> {
        let now = ts(&Utc::now());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut new = Vec::new();
        for (story, findings, timeline) in stories {
            new.extend(save_one(&tx, story, findings, timeline, &now)?);
        }
        tx.commit()?;
        Ok(new)
    }

    /// A story's findings, by kind then id.
    pub fn findings(&self, story: &str) -> Result<Vec<StoryFinding>> {
        let sql = format!("SELECT {COLUMNS} FROM findings WHERE story_id = ?1 ORDER BY kind, id");
        read(&mut self.conn.prepare_cached(&sql)?, params![story])
    }

    /// The latest findings over all stories, newest first.
    pub fn recent_findings(&self, limit: usize) -> Result<Vec<StoryFinding>> {
        let sql =
            format!("SELECT {COLUMNS} FROM findings ORDER BY found_at DESC, id DESC LIMIT ?1");
        read(&mut self.conn.prepare_cached(&sql)?, params![limit as i64])
    }

    /// A story's timeline, earliest first (empty until its changes were first computed).
    pub fn timeline(&self, story: &str) -> Result<Vec<TimelineEntry>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT entries FROM story_timelines WHERE story_id = ?1")?
            .query_row(params![story], |r| r.get(0))
            .optional()?;
        Ok(match json {
            Some(j) => serde_json::from_str(&j)?,
            None => Vec::new(),
        })
    }
}

/// Replaces one story's findings and timeline inside `tx`; returns the first-found findings.
fn save_one(
    tx: &rusqlite::Transaction<'_>,
    story: &str,
    findings: &[StoryFinding],
    timeline: &[TimelineEntry],
    now: &str,
) -> Result<Vec<StoryFinding>> {
    let mut new = Vec::new();
    {
        let prints: Vec<String> = findings.iter().map(StoryFinding::fingerprint).collect();
        let old: Vec<(i64, String)> = tx
            .prepare_cached("SELECT id, fingerprint FROM findings WHERE story_id = ?1")?
            .query_map(params![story], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut delete = tx.prepare_cached("DELETE FROM findings WHERE id = ?1")?;
        for (id, print) in &old {
            if !prints.contains(print) {
                delete.execute(params![id])?;
            }
        }
        // Found again: the same row, its id and `found_at` kept; found first: a new row.
        let mut upsert = tx.prepare_cached(
            "INSERT INTO findings (story_id, fingerprint, kind, confidence, explanation,
                                   outlets, first, second, found_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (story_id, fingerprint) DO UPDATE SET
                kind = excluded.kind, confidence = excluded.confidence,
                explanation = excluded.explanation, outlets = excluded.outlets,
                first = excluded.first, second = excluded.second",
        )?;
        for (f, print) in findings.iter().zip(&prints) {
            upsert.execute(params![
                story,
                print,
                f.kind,
                f.confidence as f64,
                f.explanation,
                serde_json::to_string(&f.outlets)?,
                serde_json::to_string(&f.first)?,
                serde_json::to_string(&f.second)?,
                now
            ])?;
            let known = old.iter().any(|(_, p)| p == print)
                || new
                    .iter()
                    .any(|n: &StoryFinding| n.story == *story && n.fingerprint() == *print);
            if !known {
                let found = StoryFinding {
                    id: tx.last_insert_rowid(),
                    story: story.to_string(),
                    found_at: now.to_string(),
                    ..f.clone()
                };
                // The live outbox learns of a first-found finding in this transaction.
                append_event(tx, FINDING_NEW, Some(story), None, &serde_json::to_value(&found)?)?;
                new.push(found);
            }
        }
        tx.prepare_cached(
            "INSERT OR REPLACE INTO story_timelines (story_id, entries, updated)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![story, serde_json::to_string(timeline)?, now])?;
        tx.prepare_cached("DELETE FROM story_changes_pending WHERE story_id = ?1")?
            .execute(params![story])?;
        // The page's digest, from the same state (a later change deletes it again).
        crate::digest::save(tx, story, now)?;
    }
    Ok(new)
}

/// The analysed text of one version of one article of a story, for redoing its findings.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryText {
    /// The document's key.
    pub document: String,
    /// Version number.
    pub version: i64,
    /// The document's outlet (host or feed source).
    pub outlet: Option<String>,
    /// The site name the page gives, if any.
    pub site_name: Option<String>,
    /// Publication time the extraction found (RFC 3339), if any.
    pub published: Option<String>,
    /// Publication time the source gave with the version, if any.
    pub version_published: Option<String>,
    /// The document it copies, if it is a copy.
    pub duplicate_of: Option<String>,
    /// The extracted body.
    pub body: String,
}

impl SqliteStore {
    /// Every analysed version of every article of a story, in one query (in storage order).
    pub fn story_texts(&self, story: &str) -> Result<Vec<StoryText>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT d.key, v.version, d.outlet, a.site_name, a.published, v.published,
                        sa.duplicate_of, a.body
                   FROM story_articles sa
                   JOIN documents d ON d.id = sa.document_id
                   JOIN versions v ON v.document_id = d.id
                   JOIN articles a ON a.version_id = v.id
                  WHERE sa.story_id = ?1
                  ORDER BY d.id, v.version",
            )?
            .query_map(params![story], |r| {
                Ok(StoryText {
                    document: r.get(0)?,
                    version: r.get(1)?,
                    outlet: r.get(2)?,
                    site_name: r.get(3)?,
                    published: r.get(4)?,
                    version_published: r.get(5)?,
                    duplicate_of: r.get(6)?,
                    body: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
