//! The analysis stage's view of the store: versions still to analyse (never analysed, or by
//! another analyser), and writing analyses back — the article, its statements and its entities,
//! each entity resolved to a store-wide one — a batch per transaction. Shared by both backends.

use std::collections::HashMap;

use chrono::Utc;
use model::{Analysis, DocKey, RawDocument, SourceKind};

use crate::db::{self, Database};
use crate::docs::{VERSION_COLUMNS, decode_version, ts};
use crate::sql::{Param, Sql, params};
use crate::{Error, Result};

/// A stored version waiting for analysis: its row id and the document as ingest made it.
#[derive(Debug, Clone)]
pub struct PendingVersion {
    /// The version's row id, to hand back with its analysis.
    pub version_id: i64,
    /// The document (content, identity, provenance) of that version.
    pub document: RawDocument,
}

/// Reading versions to analyse and storing their analyses, on either backend.
pub trait AnalysisStore: Database {
    /// Up to `limit` versions with row id above `after` that have no analysis by `analyzer`,
    /// oldest first.
    fn versions_to_analyze(
        &self,
        analyzer: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<PendingVersion>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| {
            select_versions(
                db,
                "v.id > ?1 AND (a.analyzer IS NULL OR a.analyzer != ?2)",
                params![after, analyzer, limit],
            )
        })?;
        Ok(rows.into_iter().map(|(p, _)| p).collect())
    }

    /// Writes analyses of stored versions in one transaction.
    fn put_analyses(&mut self, items: &[(i64, Analysis)]) -> Result<()> {
        db::write(self, |db| write_analyses(db, items))
    }
}

impl<T: Database + ?Sized> AnalysisStore for T {}

/// Versions matching `filter` (over `v` versions, `d` documents and `a` their analysis, if
/// any), oldest first, at most the last parameter's number, each with the analyser that
/// analysed it.
pub(crate) fn select_versions(
    db: &mut dyn Sql,
    filter: &str,
    params: &[crate::sql::Param<'_>],
) -> Result<Vec<(PendingVersion, Option<String>)>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS}, v.id, d.canonical_url, d.source_kind, d.origin, a.analyzer
           FROM versions v JOIN documents d ON d.id = v.document_id
           LEFT JOIN articles a ON a.version_id = v.id
          WHERE {filter}
          ORDER BY v.id LIMIT ?{}",
        params.len()
    );
    let rows = db.query(&sql, params)?;
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        let v = decode_version(&mut row)?;
        let (version_id, canonical_url, kind, origin): (i64, Option<String>, String, String) =
            (row.get(11)?, row.take(12)?, row.take(13)?, row.take(14)?);
        let analyzer: Option<String> = row.take(15)?;
        let source_kind = SourceKind::parse(&kind)
            .ok_or_else(|| Error::Corrupt(format!("source kind {kind:?}")))?;
        let pending = PendingVersion {
            version_id,
            document: RawDocument {
                key: DocKey(v.key.0),
                url: v.url,
                canonical_url,
                outlet: v.outlet,
                title: v.title,
                published: v.published,
                fetched_at: v.fetched_at,
                source_kind,
                origin,
                content_kind: v.content_kind,
                content: v.content,
                diagnostics: Vec::new(),
                analysis: None,
            },
        };
        out.push((pending, analyzer));
    }
    Ok(out)
}

/// The advisory lock that analysis writes on PostgreSQL take (`"wwanalys"`).
const ANALYSIS_LOCK: i64 = 0x7777_616e_616c_7973;

/// Stores analyses in the caller's transaction, marking the stories of articles already in one.
///
/// On PostgreSQL the transaction first takes an advisory lock, so writers of analyses (several
/// workers) commit one at a time: each analysis resolves entities against the store-wide ones
/// and bumps their counts, so two concurrent writers would lock the same popular entity rows in
/// different orders (deadlocks) and race to create the same new entity (unique violations),
/// and be rolled back and retried. The analysis itself, where the time goes, stays parallel.
pub(crate) fn write_analyses(db: &mut dyn Sql, items: &[(i64, Analysis)]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    if db.backend() == crate::sql::Backend::Postgres {
        db.execute("SELECT pg_advisory_xact_lock(?1)", params![ANALYSIS_LOCK])?;
    }
    for (version_id, a) in items {
        write_analysis(db, *version_id, a)?;
    }
    // A new analysis of an article already in a story (a corrected page's new version, or a
    // newer analyser) changes what the story's findings are made of.
    for (version_id, _) in items {
        db.execute(
            "INSERT INTO story_changes_pending (story_id)
             SELECT sa.story_id FROM versions v
               JOIN story_articles sa ON sa.document_id = v.document_id
              WHERE v.id = ?1
             ON CONFLICT DO NOTHING",
            params![*version_id],
        )?;
    }
    Ok(())
}

/// Stores (or replaces) the analysis of one version and sets the version's state to match.
pub(crate) fn write_analysis(db: &mut dyn Sql, version_id: i64, a: &Analysis) -> Result<()> {
    let diagnostics = serde_json::to_string(&a.diagnostics)?;
    db.execute(
        "INSERT INTO articles (version_id, analyzer, ok, title, published, language, site_name,
                               body, article_json, diagnostics, facts_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (version_id) DO UPDATE SET
             analyzer = excluded.analyzer, ok = excluded.ok, title = excluded.title,
             published = excluded.published, language = excluded.language,
             site_name = excluded.site_name, body = excluded.body,
             article_json = excluded.article_json, diagnostics = excluded.diagnostics,
             facts_json = excluded.facts_json",
        params![
            version_id,
            &a.analyzer,
            a.ok,
            &a.title,
            &a.published,
            &a.language,
            &a.site_name,
            &a.body,
            &a.article_json,
            &diagnostics,
            &a.facts_json,
        ],
    )?;
    db.execute(
        "UPDATE versions SET state = ?2 WHERE id = ?1",
        params![version_id, if a.ok { "extracted" } else { "failed" }],
    )?;
    db.execute("DELETE FROM statements WHERE version_id = ?1", params![version_id])?;
    db.execute("DELETE FROM version_entities WHERE version_id = ?1", params![version_id])?;
    let now = ts(&Utc::now());
    // Each statement records its speaker's store-wide entity, so an entity's statements are one
    // index range (the entity page) and its count is kept by a trigger.
    let mut entity_of: HashMap<&str, i64> = HashMap::new();
    let mut entity_rows: Vec<(&model::DocEntity, i64)> = Vec::with_capacity(a.entities.len());
    for e in &a.entities {
        if e.key.is_empty() {
            continue;
        }
        let entity_id = resolve_entity(db, e, &now)?;
        entity_of.insert(e.id.as_str(), entity_id);
        // Other multi-word spellings the article itself uses for it ("Barrack Obama" beside
        // "Barack Obama") become aliases too, unless that spelling already names something.
        for alias in &e.aliases {
            let key = alias_key(alias);
            // Only spellings of the same name: role phrases ("U.S President") are not names.
            let same_name = model::names::variant_evidence_keys(&key, &e.key).is_some();
            if key != e.key && key.contains(' ') && same_name {
                let evidence = format!("the same article also calls {} so", e.name);
                db.execute(
                    "INSERT INTO entity_aliases (kind, alias_key, alias, entity_id, evidence, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'auto')
                     ON CONFLICT DO NOTHING",
                    params![&e.kind, &key, alias, entity_id, &evidence],
                )?;
            }
        }
        entity_rows.push((e, entity_id));
    }
    let mentions: Vec<i64> =
        entity_rows.iter().map(|(e, _)| i64::try_from(e.mentions).unwrap_or(i64::MAX)).collect();
    let mut rows: Vec<Vec<Param<'_>>> = Vec::with_capacity(entity_rows.len());
    for ((e, entity_id), m) in entity_rows.iter().zip(&mentions) {
        rows.push(vec![
            Param::from(version_id),
            Param::from(&e.id),
            Param::from(&e.kind),
            Param::from(&e.key),
            Param::from(*entity_id),
            Param::from(&e.name),
            Param::from(&e.role),
            Param::from(&e.affiliation),
            Param::from(*m),
        ]);
    }
    insert_rows(
        db,
        "INSERT INTO version_entities (version_id, local_id, kind, alias_key, entity_id, name,
                                       role, affiliation, mentions) VALUES",
        " ON CONFLICT DO NOTHING",
        &rows,
    )?;
    let as_i64 = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    let mut rows: Vec<Vec<Param<'_>>> = Vec::with_capacity(a.statements.len());
    for st in &a.statements {
        let entity = st.speaker_entity.as_deref().and_then(|l| entity_of.get(l)).copied();
        rows.push(vec![
            Param::from(version_id),
            Param::from(as_i64(st.start)),
            Param::from(as_i64(st.end)),
            Param::from(&st.text),
            Param::from(&st.kind),
            Param::from(&st.speaker),
            st.speaker_start.map(as_i64).into(),
            st.speaker_end.map(as_i64).into(),
            Param::from(&st.speaker_entity),
            Param::from(&st.cue),
            Param::from(&st.via),
            Param::from(f64::from(st.confidence)),
            entity.into(),
        ]);
    }
    insert_rows(
        db,
        "INSERT INTO statements (version_id, start, \"end\", text, kind, speaker, speaker_start,
                                 speaker_end, speaker_local, cue, via, confidence, entity_id)
         VALUES",
        "",
        &rows,
    )?;
    Ok(())
}

/// Rows inserted per statement: one round trip to PostgreSQL for up to this many, and a bounded
/// number of statement texts for the prepared-statement caches (one per row count).
const ROWS_PER_INSERT: usize = 32;

/// Inserts `rows` (each the same number of values) with `head` (`INSERT INTO t (cols) VALUES`)
/// and `tail` (an `ON CONFLICT` clause or nothing), several rows per statement.
fn insert_rows(db: &mut dyn Sql, head: &str, tail: &str, rows: &[Vec<Param<'_>>]) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let width = chunk[0].len();
        let mut sql = String::with_capacity(head.len() + chunk.len() * width * 5 + tail.len());
        sql.push_str(head);
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { " (" } else { ", (" });
            for j in 0..width {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push('?');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let params: Vec<Param<'_>> = chunk.iter().flatten().cloned().collect();
        db.execute(&sql, &params)?;
    }
    Ok(())
}

/// The store-wide entity an article's entity is: the one its name key is an alias of (a user's
/// override first, as every override is an alias row), else a person whose alias is a spelling
/// variant of it (recorded with the evidence), else a new entity.
fn resolve_entity(db: &mut dyn Sql, e: &model::DocEntity, now: &str) -> Result<i64> {
    let found = db.query_opt(
        "SELECT entity_id FROM entity_aliases WHERE kind = ?1 AND alias_key = ?2",
        params![&e.kind, &e.key],
    )?;
    if let Some(row) = found {
        return row.get(0);
    }
    let surname = if e.kind == "person" { model::names::surname_key(&e.key) } else { None };
    if let Some(surname) = surname {
        let candidates = db.query(
            "SELECT a.alias_key, a.entity_id FROM entity_aliases a
               JOIN entities n ON n.id = a.entity_id
              WHERE n.kind = ?1 AND n.surname = ?2
              ORDER BY a.entity_id, a.alias_key",
            params![&e.kind, surname],
        )?;
        for mut row in candidates {
            let (alias_key, id): (String, i64) = (row.take(0)?, row.get(1)?);
            if let Some(evidence) = model::names::variant_evidence_keys(&alias_key, &e.key) {
                add_alias(db, &e.kind, &e.key, &e.name, id, &evidence, "auto")?;
                // "V. Putin" first, "Vladimir Putin" later: show the fuller spelling.
                db.execute(
                    "UPDATE entities SET name = CAST(?2 AS TEXT)
                      WHERE id = ?1 AND length(CAST(?2 AS TEXT)) > length(name)",
                    params![id, &e.name],
                )?;
                return Ok(id);
            }
        }
    }
    let id = db.query_i64(
        "INSERT INTO entities (kind, name, surname, created_at) VALUES (?1, ?2, ?3, ?4)
         RETURNING id",
        params![&e.kind, &e.name, surname, now],
    )?;
    add_alias(db, &e.kind, &e.key, &e.name, id, "first seen under this name", "auto")?;
    Ok(id)
}

/// A name key for an alias spelling of an article's entity. The analysis gives the key of the
/// entity's main name only; its other spellings are keyed the same simple way (lower case,
/// punctuation dropped), which matches the analysis' key for plain names.
fn alias_key(alias: &str) -> String {
    alias
        .chars()
        .filter(|c| *c != '.' && *c != '\'' && *c != '’')
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Makes `key` (spelled `alias`) name `entity_id`, replacing what it named before.
pub(crate) fn add_alias(
    db: &mut dyn Sql,
    kind: &str,
    key: &str,
    alias: &str,
    entity_id: i64,
    evidence: &str,
    source: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO entity_aliases (kind, alias_key, alias, entity_id, evidence, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (kind, alias_key) DO UPDATE SET
             alias = excluded.alias, entity_id = excluded.entity_id,
             evidence = excluded.evidence, source = excluded.source",
        params![kind, key, alias, entity_id, evidence, source],
    )?;
    Ok(())
}
