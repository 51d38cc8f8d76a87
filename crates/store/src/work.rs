//! The shared work of `wirewatch worker`, claimed through the store so that any number of
//! workers on any number of machines divide it without a coordinator of their own.
//!
//! - **Analysis** is claimed a batch at a time: [`WorkStore::claim_versions`] takes a lease on
//!   each version still to analyse that nobody holds (`version:<id>`), and
//!   [`WorkStore::put_claimed_analyses`] writes back only the analyses whose lease the worker
//!   still holds, releasing them in the same transaction. A worker killed mid-batch leaves its
//!   leases to expire; another worker then claims those versions again. An analysis is
//!   therefore written by one worker (its lease's holder) and the store never holds two.
//! - **Story assignment** is order-dependent, so one worker at a time does it, holding the
//!   `stories` lease. It takes versions in row order after the `stories.assigned_through`
//!   progress mark, a fixed-size chunk at a time, and only once every version of the chunk is
//!   analysed ([`WorkStore::next_to_assign`]): the chunks, and so the stories, are the same
//!   however many workers analysed them and in whatever order. The assignments and the new
//!   mark commit together, only while the lease is held ([`WorkStore::save_assigned`]).

use std::time::Duration;

use model::{StoryAssignment, StoryRecord};

use crate::Result;
use crate::analysis::{PendingVersion, select_versions, write_analyses};
use crate::db::{self, Database};
use crate::leases;
use crate::sql::{Sql, params};

/// The lease of the worker that assigns stories.
pub const STORIES_LEASE: &str = "stories";
/// The progress mark of story assignment: the last version row assigned.
const ASSIGNED_THROUGH: &str = "stories.assigned_through";

/// What is left to do, for `wirewatch worker --once` to know when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct PendingWork {
    /// Versions with no analysis by the running analyser.
    pub to_analyze: u64,
    /// Versions not yet through story assignment.
    pub to_assign: u64,
    /// Stories whose findings and timeline wait to be redone.
    pub story_changes: u64,
}

impl PendingWork {
    /// Whether nothing is left.
    pub fn is_empty(&self) -> bool {
        *self == PendingWork::default()
    }
}

fn count(db: &mut dyn Sql, sql: &str, params: &[crate::sql::Param<'_>]) -> Result<u64> {
    Ok(u64::try_from(db.query_i64(sql, params)?).unwrap_or(0))
}

/// On PostgreSQL, lets this transaction commit without waiting for its WAL to reach the disk.
/// Only for claims and analyses: if the server crashed right after, the transaction is lost
/// whole (never half), and losing it only means the work is claimed and done again; the
/// transactions that move story state, which a worker keeps in memory, stay synchronous.
fn relaxed_commit(db: &mut dyn Sql) -> Result<()> {
    if db.backend() == crate::sql::Backend::Postgres {
        db.execute("SET LOCAL synchronous_commit = off", &[])?;
    }
    Ok(())
}

/// The stored analysis of version row `version_id`.
fn analysis_of(db: &mut dyn Sql, version_id: i64) -> Result<Option<model::Analysis>> {
    match db
        .query_opt("SELECT document_id, version FROM versions WHERE id = ?1", params![version_id])?
    {
        Some(r) => crate::docs::analysis(db, r.get(0)?, r.get(1)?),
        None => Ok(None),
    }
}

fn assigned_through(db: &mut dyn Sql) -> Result<i64> {
    Ok(
        match db
            .query_opt("SELECT value FROM progress WHERE name = ?1", params![ASSIGNED_THROUGH])?
        {
            Some(r) => r.get(0)?,
            None => 0,
        },
    )
}

/// Claiming and recording shared work; every backend has it.
pub trait WorkStore: Database {
    /// Takes leases for `owner`, for `ttl`, on up to `limit` versions with row id above `after`
    /// that have no analysis by `analyzer` and that nobody else holds, oldest first; returns
    /// those it got (none when every such version is held by others). A worker passes the last
    /// id it claimed, so it does not rescan the analysed part of the table, and 0 again when it
    /// finds nothing, to pick up versions a dead worker's expired leases left behind.
    fn claim_versions(
        &mut self,
        analyzer: &str,
        owner: &str,
        ttl: Duration,
        after: i64,
        limit: usize,
    ) -> Result<Vec<PendingVersion>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        db::write(self, |db| {
            relaxed_commit(db)?;
            let filter = format!(
                "v.id > ?2 AND (a.analyzer IS NULL OR a.analyzer != ?1)
                 AND NOT EXISTS (SELECT 1 FROM leases l
                                  WHERE l.name = 'version:' || CAST(v.id AS TEXT)
                                    AND l.expires_ms > {})",
                leases::now_ms(db)
            );
            let candidates = select_versions(db, &filter, params![analyzer, after, limit])?;
            let mut won = Vec::with_capacity(candidates.len());
            for (p, _) in candidates {
                // In row order, so two workers claiming at once never wait on each other in a
                // cycle; one that finds a version just taken skips it.
                if leases::take(db, &format!("version:{}", p.version_id), owner, ttl)? {
                    won.push(p);
                }
            }
            Ok(won)
        })
    }

    /// Writes the analyses of versions `owner` still holds the lease of, and gives those leases
    /// up, in one transaction; returns how many were written (an expired lease another worker
    /// took over is skipped: that worker writes its own).
    fn put_claimed_analyses(
        &mut self,
        items: &[(i64, model::Analysis)],
        owner: &str,
    ) -> Result<usize> {
        db::write(self, |db| {
            relaxed_commit(db)?;
            let mut held = Vec::with_capacity(items.len());
            for item in items {
                // Giving the lease up is the check that it is still held.
                if leases::give_up(db, &format!("version:{}", item.0), owner)? {
                    held.push(item.clone());
                }
            }
            write_analyses(db, &held)?;
            Ok(held.len())
        })
    }

    /// The next chunk of `limit` versions to assign to stories, in row order after the
    /// progress mark, each with its stored analysis; empty while any version of the chunk is
    /// still unanalysed (its analysis may come from another worker), and a shorter final chunk
    /// once the store holds no later version.
    fn next_to_assign(&self, analyzer: &str, limit: usize) -> Result<Vec<PendingVersion>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        db::read(self, |db| {
            let after = assigned_through(db)?;
            // Whether the chunk is ready, from ids alone, before reading any content.
            let unready = db.query_i64(
                "SELECT count(*) FROM (SELECT a.analyzer FROM versions v
                   LEFT JOIN articles a ON a.version_id = v.id
                  WHERE v.id > ?1 ORDER BY v.id LIMIT ?2) c
                  WHERE c.analyzer IS NULL OR c.analyzer != ?3",
                params![after, limit, analyzer],
            )?;
            if unready > 0 {
                return Ok(Vec::new());
            }
            let rows = select_versions(db, "v.id > ?1", params![after, limit])?;
            let mut out = Vec::with_capacity(rows.len());
            for (mut p, _) in rows {
                p.document.analysis = analysis_of(db, p.version_id)?;
                out.push(p);
            }
            Ok(out)
        })
    }

    /// Saves stories and assignments (as [`crate::StoryStore::save_stories`]) and moves the
    /// progress mark to version row `through`, in one transaction, if `owner` holds the
    /// stories lease; returns whether it did.
    fn save_assigned(
        &mut self,
        stories: &[StoryRecord],
        assignments: &[StoryAssignment],
        through: i64,
        owner: &str,
    ) -> Result<bool> {
        db::write(self, |db| {
            if !leases::holds(db, STORIES_LEASE, owner)? {
                return Ok(false);
            }
            crate::stories::save_stories_in(db, stories, assignments)?;
            db.execute(
                "INSERT INTO progress (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![ASSIGNED_THROUGH, through],
            )?;
            Ok(true)
        })
    }

    /// What is left to do.
    fn pending_work(&self, analyzer: &str) -> Result<PendingWork> {
        db::read(self, |db| {
            let through = assigned_through(db)?;
            Ok(PendingWork {
                to_analyze: count(
                    db,
                    "SELECT count(*) FROM versions v LEFT JOIN articles a ON a.version_id = v.id
                      WHERE a.analyzer IS NULL OR a.analyzer != ?1",
                    params![analyzer],
                )?,
                to_assign: count(
                    db,
                    "SELECT count(*) FROM versions WHERE id > ?1",
                    params![through],
                )?,
                story_changes: count(db, "SELECT count(*) FROM story_changes_pending", &[])?,
            })
        })
    }
}

impl<T: Database + ?Sized> WorkStore for T {}
