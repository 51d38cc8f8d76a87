//! Entities across articles: listing them with their aliases and statements, and the user's
//! overrides of a merge (an alias moved to another entity) or a split (an alias made its own
//! entity). Overrides are alias rows with `source = 'user'`; resolution consults alias rows first,
//! so an override also holds for every article analysed later.

use std::collections::HashMap;

use chrono::Utc;
use serde::Serialize;

use crate::analysis::add_alias;
use crate::db::{self, Database};
use crate::docs::ts;
use crate::sql::{Row, params};
use crate::{Error, Result};

/// One entity in a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitySummary {
    /// Store-wide id.
    pub id: i64,
    /// `person`, `organization` or `place`.
    pub kind: String,
    /// Its name (as first seen, or as a user set it).
    pub name: String,
    /// How many spellings point at it.
    pub aliases: u64,
    /// How many document versions mention it (each version counts once).
    pub documents: u64,
    /// How many statements it made.
    pub statements: u64,
}

/// One alias of an entity, with why it was merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasInfo {
    /// The spelling.
    pub alias: String,
    /// The name key it is matched under.
    pub key: String,
    /// Why it points at this entity.
    pub evidence: Option<String>,
    /// `auto` (analysis) or `user` (an override).
    pub source: String,
}

/// A statement made by an entity, with where it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityStatement {
    /// The document's key.
    pub document: String,
    /// The version it was found in.
    pub version: i64,
    /// The article's headline, if any.
    pub title: Option<String>,
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// The content.
    pub text: String,
    /// The cue verb.
    pub cue: Option<String>,
    /// The relay, if any.
    pub via: Option<String>,
    /// When the version was fetched.
    pub fetched_at: String,
    /// The article's document id.
    pub document_id: i64,
    /// The story the article is in, if any.
    pub story: Option<String>,
}

/// An entity with its aliases, roles and statements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityDetail {
    /// The summary.
    #[serde(flatten)]
    pub summary: EntitySummary,
    /// Every alias.
    pub alias_list: Vec<AliasInfo>,
    /// Roles and affiliations the articles give it, most frequent first.
    pub roles: Vec<String>,
    /// Its statements, in the order they were stored (the order versions were fetched).
    pub statement_list: Vec<EntityStatement>,
}

// The counts are kept by triggers (schema v9): reading them is one row, however quoted the
// entity is.
const SUMMARY: &str = "SELECT e.id, e.kind, e.name,
        (SELECT count(*) FROM entity_aliases a WHERE a.entity_id = e.id),
        e.mention_count, e.statement_count
   FROM entities e";

fn decode_summary(mut r: Row) -> Result<EntitySummary> {
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(EntitySummary {
        id: r.get(0)?,
        kind: r.take(1)?,
        name: r.take(2)?,
        aliases: count(r.get(3)?),
        documents: count(r.get(4)?),
        statements: count(r.get(5)?),
    })
}

/// Entities across articles and the user's overrides, on either backend.
pub trait EntityStore: Database {
    /// Entities, most mentioned first; `query` filters names and aliases (case-insensitive).
    fn entities(&self, query: Option<&str>, limit: usize) -> Result<Vec<EntitySummary>> {
        let pattern = format!("%{}%", query.unwrap_or("").to_lowercase());
        let sql = format!(
            "{SUMMARY} WHERE EXISTS (SELECT 1 FROM entity_aliases a WHERE a.entity_id = e.id
                                  AND lower(a.alias) LIKE ?1)
             ORDER BY e.mention_count DESC, e.id LIMIT ?2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| db.query(&sql, params![&pattern, limit]))?;
        rows.into_iter().map(decode_summary).collect()
    }

    /// One entity in full, if it exists.
    fn entity(&self, id: i64) -> Result<Option<EntityDetail>> {
        self.entity_page(id, usize::MAX, 0)
    }

    /// One entity with one page of its statements (`limit` of them after skipping `offset`,
    /// oldest first), so pages of much-quoted people stay fast.
    fn entity_page(&self, id: i64, limit: usize, offset: usize) -> Result<Option<EntityDetail>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let sql = format!("{SUMMARY} WHERE e.id = ?1");
        db::read(self, |db| {
            let Some(row) = db.query_opt(&sql, params![id])? else {
                return Ok(None);
            };
            let summary = decode_summary(row)?;
            let mut alias_list = Vec::new();
            for mut r in db.query(
                "SELECT alias, alias_key, evidence, source FROM entity_aliases
                  WHERE entity_id = ?1 ORDER BY source DESC, alias",
                params![id],
            )? {
                alias_list.push(AliasInfo {
                    alias: r.take(0)?,
                    key: r.take(1)?,
                    evidence: r.take(2)?,
                    source: r.take(3)?,
                });
            }
            let roles = db
                .query(
                    "SELECT trim(coalesce(role, '') || ' ' || coalesce('of ' || affiliation, ''))
                            AS r,
                            count(*) AS n
                       FROM version_entities WHERE entity_id = ?1
                        AND (role IS NOT NULL OR affiliation IS NOT NULL)
                      GROUP BY r ORDER BY n DESC, r",
                    params![id],
                )?
                .into_iter()
                .map(|mut r| r.take::<String>(0))
                .collect::<Result<Vec<_>>>()?;
            // One index range (statements by speaker entity, in the order they were stored),
            // then the page's articles and stories joined to the page's rows only.
            let mut statement_list = Vec::new();
            for mut r in db.query(
                "SELECT d.key, v.version, a.title, s.kind, s.text, s.cue, s.via, v.fetched_at,
                        d.id, sa.story_id
                   FROM (SELECT id, version_id, start, kind, text, cue, via FROM statements
                          WHERE entity_id = ?1 ORDER BY version_id, start LIMIT ?2 OFFSET ?3) s
                   JOIN versions v ON v.id = s.version_id
                   JOIN documents d ON d.id = v.document_id
                   LEFT JOIN articles a ON a.version_id = v.id
                   LEFT JOIN story_articles sa ON sa.document_id = d.id
                  ORDER BY s.version_id, s.start",
                params![id, limit, offset],
            )? {
                statement_list.push(EntityStatement {
                    document: r.take(0)?,
                    version: r.get(1)?,
                    title: r.take(2)?,
                    kind: r.take(3)?,
                    text: r.take(4)?,
                    cue: r.take(5)?,
                    via: r.take(6)?,
                    fetched_at: r.take(7)?,
                    document_id: r.get(8)?,
                    story: r.take(9)?,
                });
            }
            Ok(Some(EntityDetail { summary, alias_list, roles, statement_list }))
        })
    }

    /// Override a merge: the spelling `alias` (matched under `key`) now names entity `into`, in
    /// every stored article and every later one.
    fn merge_alias(&mut self, alias: &str, key: &str, into: i64) -> Result<()> {
        db::write(self, |db| {
            let kind: String = db
                .query_opt("SELECT kind FROM entities WHERE id = ?1", params![into])?
                .ok_or_else(|| Error::NotFound(format!("entity {into}")))?
                .take(0)?;
            add_alias(db, &kind, key, alias, into, "merged by a user", "user")?;
            db.execute(
                "UPDATE version_entities SET entity_id = ?3 WHERE kind = ?1 AND alias_key = ?2",
                params![&kind, key, into],
            )?;
            Ok(())
        })
    }

    /// Override a merge the other way: the spelling `alias` (matched under `key`, of `kind`)
    /// becomes an entity of its own, in every stored article and every later one. Returns its
    /// id.
    fn split_alias(&mut self, alias: &str, key: &str, kind: &str) -> Result<i64> {
        db::write(self, |db| {
            let exists = db.query_opt(
                "SELECT entity_id FROM entity_aliases WHERE kind = ?1 AND alias_key = ?2",
                params![kind, key],
            )?;
            if exists.is_none() {
                return Err(Error::NotFound(format!("{kind} alias {alias:?}")));
            }
            let surname = if kind == "person" { model::names::surname_key(key) } else { None };
            let id = db.query_i64(
                "INSERT INTO entities (kind, name, surname, created_at) VALUES (?1, ?2, ?3, ?4)
                 RETURNING id",
                params![kind, alias, surname, &ts(&Utc::now())],
            )?;
            add_alias(db, kind, key, alias, id, "split by a user", "user")?;
            db.execute(
                "UPDATE version_entities SET entity_id = ?3 WHERE kind = ?1 AND alias_key = ?2",
                params![kind, key, id],
            )?;
            Ok(id)
        })
    }

    /// The store-wide entity id of each entity of one version, by its id within the article
    /// (`e3` → 45): what links an article's speakers and mentions to entity pages.
    fn version_entity_ids(&self, document_id: i64, version: i64) -> Result<HashMap<String, i64>> {
        let rows = db::read(self, |db| {
            db.query(
                "SELECT ve.local_id, ve.entity_id FROM version_entities ve
                   JOIN versions v ON v.id = ve.version_id
                  WHERE v.document_id = ?1 AND v.version = ?2 AND ve.entity_id IS NOT NULL",
                params![document_id, version],
            )
        })?;
        rows.into_iter().map(|mut r| Ok((r.take(0)?, r.get(1)?))).collect()
    }
}

impl<T: Database + ?Sized> EntityStore for T {}
