//! The analysis stage's view of the store: versions still to analyse (never analysed, or by
//! another analyser) and writing their analyses back, a batch per transaction.

use model::{DocKey, RawDocument, SourceKind};
use rusqlite::TransactionBehavior;

use crate::docs::{VERSION_COLUMNS, decode_version};
use crate::sql::{Sql, params};
use crate::sqlite::write_analysis;
use crate::{Error, Result, SqliteStore};

/// A stored version waiting for analysis: its row id and the document as ingest made it.
#[derive(Debug, Clone)]
pub struct PendingVersion {
    /// The version's row id, to hand back with its analysis.
    pub version_id: i64,
    /// The document (content, identity, provenance) of that version.
    pub document: RawDocument,
}

impl SqliteStore {
    /// Up to `limit` versions with row id above `after` that have no analysis by `analyzer`,
    /// oldest first.
    pub fn versions_to_analyze(
        &self,
        analyzer: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<PendingVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS}, v.id, d.canonical_url, d.source_kind, d.origin
               FROM versions v JOIN documents d ON d.id = v.document_id
               LEFT JOIN articles a ON a.version_id = v.id
              WHERE v.id > ?1 AND (a.analyzer IS NULL OR a.analyzer != ?2)
              ORDER BY v.id LIMIT ?3"
        );
        let rows = self.sql().query(&sql, params![after, analyzer, limit as i64])?;
        let mut out = Vec::new();
        for mut row in rows {
            let v = decode_version(&mut row)?;
            let (version_id, canonical_url, kind, origin): (i64, Option<String>, String, String) =
                (row.get(11)?, row.take(12)?, row.take(13)?, row.take(14)?);
            let source_kind = SourceKind::parse(&kind)
                .ok_or_else(|| Error::Corrupt(format!("source kind {kind:?}")))?;
            out.push(PendingVersion {
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
            });
        }
        Ok(out)
    }

    /// Writes analyses of stored versions in one transaction.
    pub fn put_analyses(&mut self, items: &[(i64, model::Analysis)]) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (version_id, a) in items {
            write_analysis(&tx, *version_id, a)?;
        }
        // A new analysis of an article already in a story (a corrected page's new version, or a
        // newer analyser) changes what the story's findings are made of.
        {
            let mut mark = tx.prepare_cached(
                "INSERT OR IGNORE INTO story_changes_pending (story_id)
                 SELECT sa.story_id FROM versions v
                   JOIN story_articles sa ON sa.document_id = v.document_id
                  WHERE v.id = ?1",
            )?;
            for (version_id, _) in items {
                mark.execute([version_id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
