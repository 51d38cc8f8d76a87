//! What changed in each story, as stored: findings (reversals, contradictions, overstatements,
//! corrections) and the story's timeline, redone whenever a story gains an article or one of
//! its articles a new analysis (the `story_changes_pending` mark, set in the same transaction).

use crate::Result;
use crate::db::{self, Database};
use crate::docs::ts;
use crate::events::append_event;
use crate::sql::{Backend, Row, Sql, params};
use chrono::Utc;
use model::event::FINDING_NEW;
use model::{StoryFinding, TimelineEntry};

const COLUMNS: &str =
    "id, story_id, kind, confidence, explanation, outlets, first, second, found_at";

fn decode_finding(mut r: Row) -> Result<StoryFinding> {
    let (outlets, first, second): (String, String, String) = (r.take(5)?, r.take(6)?, r.take(7)?);
    Ok(StoryFinding {
        id: r.get(0)?,
        story: r.take(1)?,
        kind: r.take(2)?,
        confidence: r.get::<f64>(3)? as f32,
        explanation: r.take(4)?,
        outlets: serde_json::from_str(&outlets)?,
        first: serde_json::from_str(&first)?,
        second: serde_json::from_str(&second)?,
        found_at: r.take(8)?,
    })
}

/// Findings and timelines of stories, on either backend.
pub trait ChangeStore: Database {
    /// Stories whose findings and timeline wait to be redone, oldest mark first.
    fn pending_story_changes(&self, limit: usize) -> Result<Vec<String>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        db::read(self, |db| {
            let sql = match db.backend() {
                Backend::Sqlite => {
                    "SELECT story_id FROM story_changes_pending ORDER BY rowid LIMIT ?1"
                }
                Backend::Postgres => {
                    "SELECT story_id FROM story_changes_pending ORDER BY seq LIMIT ?1"
                }
            };
            db.query(sql, params![limit])?.into_iter().map(|mut r| r.take(0)).collect()
        })
    }

    /// Replaces a story's findings and timeline and clears its pending mark, in one
    /// transaction. A finding found again (same [`StoryFinding::fingerprint`]) keeps its id and
    /// `found_at`; the ones found for the first time are returned with theirs, and each appends
    /// a `finding.new` event (payload: the finding) to the outbox in the same transaction.
    fn save_story_changes(
        &mut self,
        story: &str,
        findings: &[StoryFinding],
        timeline: &[TimelineEntry],
    ) -> Result<Vec<StoryFinding>> {
        self.save_many_story_changes(&[(story, findings, timeline)])
    }

    /// [`ChangeStore::save_story_changes`] for several stories in one transaction (one commit,
    /// so one sync to disk, for a whole round of stories).
    fn save_many_story_changes(
        &mut self,
        stories: &[(&str, &[StoryFinding], &[TimelineEntry])],
    ) -> Result<Vec<StoryFinding>> {
        let now = ts(&Utc::now());
        db::write(self, |db| {
            let mut new = Vec::new();
            for (story, findings, timeline) in stories {
                new.extend(save_one(db, story, findings, timeline, &now)?);
            }
            Ok(new)
        })
    }

    /// A story's findings, by kind then id.
    fn findings(&self, story: &str) -> Result<Vec<StoryFinding>> {
        let sql = format!("SELECT {COLUMNS} FROM findings WHERE story_id = ?1 ORDER BY kind, id");
        let rows = db::read(self, |db| db.query(&sql, params![story]))?;
        rows.into_iter().map(decode_finding).collect()
    }

    /// The latest findings over all stories, newest first.
    fn recent_findings(&self, limit: usize) -> Result<Vec<StoryFinding>> {
        let sql =
            format!("SELECT {COLUMNS} FROM findings ORDER BY found_at DESC, id DESC LIMIT ?1");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| db.query(&sql, params![limit]))?;
        rows.into_iter().map(decode_finding).collect()
    }

    /// A story's timeline, earliest first (empty until its changes were first computed).
    fn timeline(&self, story: &str) -> Result<Vec<TimelineEntry>> {
        let row = db::read(self, |db| {
            db.query_opt("SELECT entries FROM story_timelines WHERE story_id = ?1", params![story])
        })?;
        Ok(match row {
            Some(r) => serde_json::from_str(&r.get::<String>(0)?)?,
            None => Vec::new(),
        })
    }

    /// Every analysed version of every article of a story, in one query (in storage order).
    fn story_texts(&self, story: &str) -> Result<Vec<StoryText>> {
        let rows = db::read(self, |db| {
            db.query(
                "SELECT d.key, v.version, d.outlet, a.site_name, a.published, v.published,
                        sa.duplicate_of,
                        CASE WHEN a.facts_json IS NULL THEN a.body ELSE '' END, a.facts_json
                   FROM story_articles sa
                   JOIN documents d ON d.id = sa.document_id
                   JOIN versions v ON v.document_id = d.id
                   JOIN articles a ON a.version_id = v.id
                  WHERE sa.story_id = ?1
                  ORDER BY d.id, v.version",
                params![story],
            )
        })?;
        rows.into_iter()
            .map(|mut r| {
                Ok(StoryText {
                    document: r.take(0)?,
                    version: r.get(1)?,
                    outlet: r.take(2)?,
                    site_name: r.take(3)?,
                    published: r.take(4)?,
                    version_published: r.take(5)?,
                    duplicate_of: r.take(6)?,
                    body: r.take(7)?,
                    facts_json: r.take(8)?,
                })
            })
            .collect()
    }
}

impl<T: Database + ?Sized> ChangeStore for T {}

/// Replaces one story's findings and timeline in `db`'s transaction; returns the first-found
/// findings.
fn save_one(
    db: &mut dyn Sql,
    story: &str,
    findings: &[StoryFinding],
    timeline: &[TimelineEntry],
    now: &str,
) -> Result<Vec<StoryFinding>> {
    let mut new = Vec::new();
    let prints: Vec<String> = findings.iter().map(StoryFinding::fingerprint).collect();
    let mut old: Vec<(i64, String)> = Vec::new();
    for mut r in
        db.query("SELECT id, fingerprint FROM findings WHERE story_id = ?1", params![story])?
    {
        old.push((r.get(0)?, r.take(1)?));
    }
    for (id, print) in &old {
        if !prints.contains(print) {
            db.execute("DELETE FROM findings WHERE id = ?1", params![*id])?;
        }
    }
    // Found again: the same row, its id and `found_at` kept; found first: a new row.
    for (f, print) in findings.iter().zip(&prints) {
        let (outlets, first, second) = (
            serde_json::to_string(&f.outlets)?,
            serde_json::to_string(&f.first)?,
            serde_json::to_string(&f.second)?,
        );
        let id = db.query_i64(
            "INSERT INTO findings (story_id, fingerprint, kind, confidence, explanation,
                                   outlets, first, second, found_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (story_id, fingerprint) DO UPDATE SET
                kind = excluded.kind, confidence = excluded.confidence,
                explanation = excluded.explanation, outlets = excluded.outlets,
                first = excluded.first, second = excluded.second
             RETURNING id",
            params![
                story,
                print,
                &f.kind,
                f64::from(f.confidence),
                &f.explanation,
                &outlets,
                &first,
                &second,
                now
            ],
        )?;
        let known = old.iter().any(|(_, p)| p == print)
            || new.iter().any(|n: &StoryFinding| n.story == *story && n.fingerprint() == *print);
        if !known {
            let found = StoryFinding {
                id,
                story: story.to_string(),
                found_at: now.to_string(),
                ..f.clone()
            };
            // The live outbox learns of a first-found finding in this transaction.
            append_event(db, FINDING_NEW, Some(story), None, &serde_json::to_value(&found)?)?;
            new.push(found);
        }
    }
    db.execute(
        "INSERT INTO story_timelines (story_id, entries, updated) VALUES (?1, ?2, ?3)
         ON CONFLICT (story_id) DO UPDATE SET entries = excluded.entries,
                                              updated = excluded.updated",
        params![story, &serde_json::to_string(timeline)?, now],
    )?;
    db.execute("DELETE FROM story_changes_pending WHERE story_id = ?1", params![story])?;
    // The page's digest, from the same state (a later change deletes it again).
    crate::digest::save(db, story, now)?;
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
    /// The extracted body, when `facts_json` is absent (the findings need no more than the
    /// facts); empty otherwise.
    pub body: String,
    /// What the findings need from the body, as stored with its analysis (JSON), if it was.
    pub facts_json: Option<String>,
}
