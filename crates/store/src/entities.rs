//! Entities across articles: listing them with their aliases and statements, and the user's
//! overrides of a merge (an alias moved to another entity) or a split (an alias made its own
//! entity). Overrides are alias rows with `source = 'user'`; resolution consults alias rows first,
//! so an override also holds for every article analysed later.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::{Error, Result, SqliteStore};

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

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntitySummary> {
    Ok(EntitySummary {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        aliases: r.get::<_, i64>(3)? as u64,
        documents: r.get::<_, i64>(4)? as u64,
        statements: r.get::<_, i64>(5)? as u64,
    })
}

impl SqliteStore {
    /// Entities, most mentioned first; `query` filters names and aliases (case-insensitive).
    pub fn entities(&self, query: Option<&str>, limit: usize) -> Result<Vec<EntitySummary>> {
        let pattern = format!("%{}%", query.unwrap_or("").to_lowercase());
        let sql = format!(
            "{SUMMARY} WHERE EXISTS (SELECT 1 FROM entity_aliases a WHERE a.entity_id = e.id
                                  AND lower(a.alias) LIKE ?1)
             ORDER BY e.mention_count DESC, e.id LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![pattern, limit as i64], summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One entity in full, if it exists.
    pub fn entity(&self, id: i64) -> Result<Option<EntityDetail>> {
        self.entity_page(id, usize::MAX, 0)
    }

    /// One entity with one page of its statements (`limit` of them after skipping `offset`,
    /// oldest first), so pages of much-quoted people stay fast.
    pub fn entity_page(
        &self,
        id: i64,
        limit: usize,
        offset: usize,
    ) -> Result<Option<EntityDetail>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let sql = format!("{SUMMARY} WHERE e.id = ?1");
        let Some(summary) = self.conn.prepare_cached(&sql)?.query_row([id], summary).optional()?
        else {
            return Ok(None);
        };
        let alias_list = self
            .conn
            .prepare_cached(
                "SELECT alias, alias_key, evidence, source FROM entity_aliases
                  WHERE entity_id = ?1 ORDER BY source DESC, alias",
            )?
            .query_map([id], |r| {
                Ok(AliasInfo {
                    alias: r.get(0)?,
                    key: r.get(1)?,
                    evidence: r.get(2)?,
                    source: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let roles = self
            .conn
            .prepare_cached(
                "SELECT trim(coalesce(role, '') || ' ' || coalesce('of ' || affiliation, '')) AS r,
                        count(*) AS n
                   FROM version_entities WHERE entity_id = ?1
                    AND (role IS NOT NULL OR affiliation IS NOT NULL)
                  GROUP BY r ORDER BY n DESC, r",
            )?
            .query_map([id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        // One index range (statements by speaker entity, in the order they were stored), then
        // the page's articles and stories joined to the page's rows only.
        let statement_list = self
            .conn
            .prepare_cached(
                "SELECT d.key, v.version, a.title, s.kind, s.text, s.cue, s.via, v.fetched_at,
                        d.id, sa.story_id
                   FROM (SELECT id, version_id, start, kind, text, cue, via FROM statements
                          WHERE entity_id = ?1 ORDER BY version_id, start LIMIT ?2 OFFSET ?3) s
                   JOIN versions v ON v.id = s.version_id
                   JOIN documents d ON d.id = v.document_id
                   LEFT JOIN articles a ON a.version_id = v.id
                   LEFT JOIN story_articles sa ON sa.document_id = d.id
                  ORDER BY s.version_id, s.start",
            )?
            .query_map([id, limit, offset], |r| {
                Ok(EntityStatement {
                    document: r.get(0)?,
                    version: r.get(1)?,
                    title: r.get(2)?,
                    kind: r.get(3)?,
                    text: r.get(4)?,
                    cue: r.get(5)?,
                    via: r.get(6)?,
                    fetched_at: r.get(7)?,
                    document_id: r.get(8)?,
                    story: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(EntityDetail { summary, alias_list, roles, statement_list }))
    }

    /// Override a merge: the spelling `alias` (matched under `key`) now names entity `into`, in
    /// every stored article and every later one.
    pub fn merge_alias(&mut self, alias: &str, key: &str, into: i64) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let kind: String = tx
            .query_row("SELECT kind FROM entities WHERE id = ?1", [into], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("entity {into}")))?;
        tx.execute(
            "INSERT OR REPLACE INTO entity_aliases (kind, alias_key, alias, entity_id, evidence, source)
             VALUES (?1, ?2, ?3, ?4, 'merged by a user', 'user')",
            params![kind, key, alias, into],
        )?;
        tx.execute(
            "UPDATE version_entities SET entity_id = ?3 WHERE kind = ?1 AND alias_key = ?2",
            params![kind, key, into],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Override a merge the other way: the spelling `alias` (matched under `key`, of `kind`)
    /// becomes an entity of its own, in every stored article and every later one. Returns its id.
    pub fn split_alias(&mut self, alias: &str, key: &str, kind: &str) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT entity_id FROM entity_aliases WHERE kind = ?1 AND alias_key = ?2",
                params![kind, key],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound(format!("{kind} alias {alias:?}")));
        }
        let surname = if kind == "person" { model::names::surname_key(key) } else { None };
        tx.execute(
            "INSERT INTO entities (kind, name, surname, created_at)
             VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            params![kind, alias, surname],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT OR REPLACE INTO entity_aliases (kind, alias_key, alias, entity_id, evidence, source)
             VALUES (?1, ?2, ?3, ?4, 'split by a user', 'user')",
            params![kind, key, alias, id],
        )?;
        tx.execute(
            "UPDATE version_entities SET entity_id = ?3 WHERE kind = ?1 AND alias_key = ?2",
            params![kind, key, id],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The store-wide entity id of each entity of one version, by its id within the article
    /// (`e3` → 45): what links an article's speakers and mentions to entity pages.
    pub fn version_entity_ids(
        &self,
        document_id: i64,
        version: i64,
    ) -> Result<std::collections::HashMap<String, i64>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT ve.local_id, ve.entity_id FROM version_entities ve
                   JOIN versions v ON v.id = ve.version_id
                  WHERE v.document_id = ?1 AND v.version = ?2 AND ve.entity_id IS NOT NULL",
            )?
            .query_map([document_id, version], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
