//! Documents, their versions, feed subscriptions and the store's counts: the queries behind
//! `model::Store`, written once in the common SQL dialect ([`crate::sql`]) and run by both
//! backends inside the transaction each one opens.

use chrono::{DateTime, SecondsFormat, Utc};
use model::{
    Analysis, ContentKind, Diagnostic, DocKey, FeedRecord, FeedState, IngestOutcome, RawDocument,
    SourceKind, Stats, StoredVersion,
};

use crate::analysis::write_analysis;
use crate::db::{self, Database};
use crate::sql::{Param, Row, Sql, params};
use crate::{Error, Result};

/// One stored document, without its content: what listings show.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInfo {
    /// The numeric id.
    pub id: i64,
    /// The identity key.
    pub key: DocKey,
    /// The URL it was first stored with, if any.
    pub url: Option<String>,
    /// The canonical URL, if any.
    pub canonical_url: Option<String>,
    /// The outlet, if known.
    pub outlet: Option<String>,
    /// What kind of source it first came from.
    pub source_kind: SourceKind,
    /// Where exactly it first came from.
    pub origin: String,
    /// The fetch time of its first version.
    pub first_seen: DateTime<Utc>,
    /// The latest fetch time at which it was seen, changed or not.
    pub last_seen: DateTime<Utc>,
    /// The number of its latest version (= how many versions it has).
    pub latest_version: i64,
}

/// Reading stored documents and versions, on either backend.
pub trait DocumentStore: Database {
    /// The document stored under `key`, if any.
    fn document(&self, key: &DocKey) -> Result<Option<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE key = ?1");
        db::read(self, |db| db.query_opt(&sql, params![key.as_str()]))?.map(decode_doc).transpose()
    }

    /// The document with numeric id `id`, if any.
    fn document_by_id(&self, id: i64) -> Result<Option<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1");
        db::read(self, |db| db.query_opt(&sql, params![id]))?.map(decode_doc).transpose()
    }

    /// Up to `limit` documents with ids above `after_id`, by id: a page of a listing. Start
    /// with `after_id = 0`, then pass the last id of each page.
    fn list_documents(&self, after_id: i64, limit: usize) -> Result<Vec<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db::read(self, |db| db.query(&sql, params![after_id, limit]))?;
        rows.into_iter().map(decode_doc).collect()
    }

    /// Whether a document is stored under `key`: one index lookup.
    fn contains(&self, key: &DocKey) -> Result<bool> {
        db::read(self, |db| contains(db, key))
    }

    /// How many documents are stored.
    fn document_count(&self) -> Result<u64> {
        db::read(self, |db| count(db, "SELECT count(*) FROM documents"))
    }

    /// The latest version of the document stored under `key`, if any.
    fn latest_version(&self, key: &DocKey) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM documents d
               JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
              WHERE d.key = ?1"
        );
        let row = db::read(self, |db| db.query_opt(&sql, params![key.as_str()]))?;
        row.map(|mut r| decode_version(&mut r)).transpose()
    }

    /// Version `version` of document `document_id`, if stored.
    fn version(&self, document_id: i64, version: i64) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM documents d JOIN versions v ON v.document_id = d.id
              WHERE d.id = ?1 AND v.version = ?2"
        );
        let row = db::read(self, |db| db.query_opt(&sql, params![document_id, version]))?;
        row.map(|mut r| decode_version(&mut r)).transpose()
    }

    /// All versions of a document, oldest first; see [`model::Store::versions`].
    fn all_versions(&self, key: &DocKey) -> Result<Vec<StoredVersion>> {
        db::read(self, |db| all_versions(db, key))
    }

    /// The diagnostics stored with version `version` of document `document_id` (empty if
    /// none, or no such version).
    fn diagnostics(&self, document_id: i64, version: i64) -> Result<Vec<Diagnostic>> {
        let row = db::read(self, |db| {
            db.query_opt(
                "SELECT diagnostics FROM versions WHERE document_id = ?1 AND version = ?2",
                params![document_id, version],
            )
        })?;
        Ok(match row {
            Some(r) => serde_json::from_str(&r.get::<String>(0)?)?,
            None => Vec::new(),
        })
    }

    /// The stored analysis of one version, if it has been analysed.
    fn analysis(&self, document_id: i64, version: i64) -> Result<Option<Analysis>> {
        db::read(self, |db| analysis(db, document_id, version))
    }

    /// Stores a batch in one transaction; see [`model::Store::put_documents`].
    fn put(&mut self, docs: &[RawDocument]) -> Result<Vec<IngestOutcome>> {
        let hashes: Vec<String> = docs.iter().map(RawDocument::content_hash).collect();
        Ok(self.put_versions(docs, &hashes)?.into_iter().map(|(o, _)| o).collect())
    }

    /// [`put`](Self::put) with each document's [`RawDocument::content_hash`] computed by the
    /// caller (`hashes[i]` is that of `docs[i]`; a reader thread hashes while the writer writes),
    /// also giving the row id of the version each document is now (a new version's, or the
    /// stored one with the same content), so its analysis can be written without reading the
    /// content back.
    fn put_versions(
        &mut self,
        docs: &[RawDocument],
        hashes: &[String],
    ) -> Result<Vec<(IngestOutcome, i64)>> {
        if docs.len() != hashes.len() {
            return Err(Error::Corrupt(format!(
                "{} documents given with {} content hashes",
                docs.len(),
                hashes.len()
            )));
        }
        db::write(self, |db| put(db, docs, hashes))
    }

    /// Sets the processing state (`pending`, `extracted`, `failed`...) of one version; false
    /// if there is no such version.
    fn set_state(&mut self, document_id: i64, version: i64, state: &str) -> Result<bool> {
        let n = db::write(self, |db| {
            db.execute(
                "UPDATE versions SET state = ?3 WHERE document_id = ?1 AND version = ?2",
                params![document_id, version, state],
            )
        })?;
        Ok(n > 0)
    }
}

impl<T: Database + ?Sized> DocumentStore for T {}

/// Feed subscriptions, on either backend.
pub trait FeedStore: Database {
    /// Subscribes a feed; false if already subscribed. See [`model::Store::add_feed`].
    fn insert_feed(&mut self, feed: &FeedRecord) -> Result<bool> {
        db::write(self, |db| insert_feed(db, feed))
    }

    /// Unsubscribes a feed; false if it was not subscribed.
    fn delete_feed(&mut self, url: &str) -> Result<bool> {
        db::write(self, |db| delete_feed(db, url))
    }

    /// Every subscribed feed, in the order added.
    fn list_feeds(&self) -> Result<Vec<FeedRecord>> {
        db::read(self, list_feeds)
    }

    /// Saves every field of a subscribed feed (matched by URL); [`Error::FeedNotFound`] if it
    /// is not subscribed.
    fn save_feed(&mut self, feed: &FeedRecord) -> Result<()> {
        db::write(self, |db| save_feed(db, feed))
    }
}

impl<T: Database + ?Sized> FeedStore for T {}

/// `model::Store` for a backend, from the shared queries and the backend's own `stats` (each
/// reads its counts from one snapshot its own way). A macro, not a blanket implementation:
/// `model::Store` is another crate's trait.
macro_rules! impl_model_store {
    ($backend:ty) => {
        impl model::Store for $backend {
            fn put_documents(
                &mut self,
                docs: &[model::RawDocument],
            ) -> model::StoreResult<Vec<model::IngestOutcome>> {
                Ok($crate::DocumentStore::put(self, docs)?)
            }
            fn versions(
                &self,
                key: &model::DocKey,
            ) -> model::StoreResult<Vec<model::StoredVersion>> {
                Ok($crate::DocumentStore::all_versions(self, key)?)
            }
            fn has_document(&self, key: &model::DocKey) -> model::StoreResult<bool> {
                Ok($crate::DocumentStore::contains(self, key)?)
            }
            fn stats(&self) -> model::StoreResult<model::Stats> {
                Ok(<$backend>::stats(self)?)
            }
            fn add_feed(&mut self, feed: &model::FeedRecord) -> model::StoreResult<bool> {
                Ok($crate::docs::FeedStore::insert_feed(self, feed)?)
            }
            fn remove_feed(&mut self, url: &str) -> model::StoreResult<bool> {
                Ok($crate::docs::FeedStore::delete_feed(self, url)?)
            }
            fn feeds(&self) -> model::StoreResult<Vec<model::FeedRecord>> {
                Ok($crate::docs::FeedStore::list_feeds(self)?)
            }
            fn update_feed(&mut self, feed: &model::FeedRecord) -> model::StoreResult<()> {
                Ok($crate::docs::FeedStore::save_feed(self, feed)?)
            }
        }
    };
}
pub(crate) use impl_model_store;

/// Timestamps are stored as fixed-width RFC 3339 UTC text with nanoseconds, so they sort as text,
/// their first ten characters are the UTC day, and they read back exactly.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn parse_opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

/// Stores a batch and says what happened to each document, in order, with the row id of its
/// version; the caller commits. A document's analysis is stored with it when the stored version
/// lacks one (or has one from another analyser).
pub(crate) fn put(
    db: &mut dyn Sql,
    docs: &[RawDocument],
    hashes: &[String],
) -> Result<Vec<(IngestOutcome, i64)>> {
    let mut outcomes = Vec::with_capacity(docs.len());
    for (doc, hash) in docs.iter().zip(hashes) {
        let fetched = ts(&doc.fetched_at);
        let found = db.query_opt(
            "SELECT d.id, d.latest_version FROM documents d WHERE d.key = ?1",
            params![doc.key.as_str()],
        )?;
        let (id, version, outcome) = match found {
            Some(row) => {
                let (id, latest): (i64, i64) = (row.get(0)?, row.get(1)?);
                let known = db.query_opt(
                    "SELECT v.id, a.analyzer FROM versions v
                       LEFT JOIN articles a ON a.version_id = v.id
                      WHERE v.document_id = ?1 AND v.content_hash = ?2 LIMIT 1",
                    params![id, hash],
                )?;
                if let Some(row) = known {
                    let (version_id, analyzer): (i64, Option<String>) = (row.get(0)?, row.get(1)?);
                    // Same content as a stored version (the latest, or an old copy read again
                    // after a corrected one): not news. Only a newer analyser's output is taken,
                    // so re-ingesting re-analyses. The `last_seen < ?2` guard skips the row
                    // write when nothing would change.
                    db.execute(
                        "UPDATE documents SET last_seen = ?2 WHERE id = ?1 AND last_seen < ?2",
                        params![id, &fetched],
                    )?;
                    if let Some(a) = &doc.analysis
                        && analyzer.as_deref() != Some(a.analyzer.as_str())
                    {
                        write_analysis(db, version_id, a)?;
                    }
                    outcomes.push((IngestOutcome::Unchanged, version_id));
                    continue;
                }
                db.execute(
                    "UPDATE documents SET latest_version = ?2,
                            last_seen = CASE WHEN last_seen < ?3 THEN ?3 ELSE last_seen END
                      WHERE id = ?1",
                    params![id, latest + 1, &fetched],
                )?;
                (id, latest + 1, IngestOutcome::NewVersion)
            }
            None => {
                let id = db.query_i64(
                    "INSERT INTO documents (key, url, canonical_url, outlet, source_kind, origin,
                                            first_seen, last_seen, latest_version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1) RETURNING id",
                    params![
                        doc.key.as_str(),
                        &doc.url,
                        &doc.canonical_url,
                        &doc.outlet,
                        doc.source_kind.as_str(),
                        &doc.origin,
                        &fetched,
                    ],
                )?;
                (id, 1, IngestOutcome::New)
            }
        };
        let diagnostics = if doc.diagnostics.is_empty() {
            "[]".to_string()
        } else {
            serde_json::to_string(&doc.diagnostics)?
        };
        let published = doc.published.as_ref().map(ts);
        let version_id = db.query_i64(
            "INSERT INTO versions (document_id, version, content_hash, content_kind, title,
                                   published, fetched_at, diagnostics)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            params![
                id,
                version,
                hash,
                doc.content_kind.as_str(),
                &doc.title,
                &published,
                &fetched,
                &diagnostics,
            ],
        )?;
        db.execute(
            "INSERT INTO version_contents (version_id, content) VALUES (?1, ?2)",
            params![version_id, &doc.content],
        )?;
        if let Some(a) = &doc.analysis {
            write_analysis(db, version_id, a)?;
        }
        outcomes.push((outcome, version_id));
    }
    Ok(outcomes)
}

const DOC_COLUMNS: &str = "id, key, url, canonical_url, outlet, source_kind, origin, first_seen, \
                           last_seen, latest_version";

fn decode_doc(mut r: Row) -> Result<DocumentInfo> {
    let kind: String = r.take(5)?;
    let source_kind =
        SourceKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("source kind {kind:?}")))?;
    Ok(DocumentInfo {
        id: r.get(0)?,
        key: DocKey(r.take(1)?),
        url: r.take(2)?,
        canonical_url: r.take(3)?,
        outlet: r.take(4)?,
        source_kind,
        origin: r.take(6)?,
        first_seen: parse_ts(&r.take::<String>(7)?)?,
        last_seen: parse_ts(&r.take::<String>(8)?)?,
        latest_version: r.get(9)?,
    })
}

fn contains(db: &mut dyn Sql, key: &DocKey) -> Result<bool> {
    Ok(db.query_opt("SELECT 1 FROM documents WHERE key = ?1", params![key.as_str()])?.is_some())
}

/// A count query's result.
pub(crate) fn count(db: &mut dyn Sql, sql: &str) -> Result<u64> {
    Ok(u64::try_from(db.query_i64(sql, &[])?).unwrap_or(0))
}

/// The columns [`decode_version`] reads, from `documents d JOIN versions v`.
pub(crate) const VERSION_COLUMNS: &str = "d.id, v.version, d.key, d.url, d.outlet, v.title, \
                                          v.published, v.fetched_at, v.content_kind, \
                                          (SELECT c.content FROM version_contents c \
                                            WHERE c.version_id = v.id), \
                                          v.content_hash";

/// A version read with [`VERSION_COLUMNS`] (first in the select list).
pub(crate) fn decode_version(r: &mut Row) -> Result<StoredVersion> {
    let kind: String = r.take(8)?;
    let content_kind = ContentKind::parse(&kind)
        .ok_or_else(|| Error::Corrupt(format!("content kind {kind:?}")))?;
    Ok(StoredVersion {
        document_id: r.get(0)?,
        version: r.get(1)?,
        key: DocKey(r.take(2)?),
        url: r.take(3)?,
        outlet: r.take(4)?,
        title: r.take(5)?,
        published: parse_opt_ts(r.take(6)?)?,
        fetched_at: parse_ts(&r.take::<String>(7)?)?,
        content_kind,
        content: r.take(9)?,
        content_hash: r.take(10)?,
    })
}

pub(crate) fn all_versions(db: &mut dyn Sql, key: &DocKey) -> Result<Vec<StoredVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM documents d JOIN versions v ON v.document_id = d.id
          WHERE d.key = ?1 ORDER BY v.version"
    );
    db.query(&sql, params![key.as_str()])?.into_iter().map(|mut r| decode_version(&mut r)).collect()
}

/// The stored analysis of one version, if it has been analysed.
pub(crate) fn analysis(
    db: &mut dyn Sql,
    document_id: i64,
    version: i64,
) -> Result<Option<Analysis>> {
    let row = db.query_opt(
        "SELECT a.analyzer, a.ok, a.title, a.published, a.language, a.site_name, a.body,
                a.article_json, a.diagnostics, v.id, a.facts_json
           FROM articles a JOIN versions v ON v.id = a.version_id
          WHERE v.document_id = ?1 AND v.version = ?2",
        params![document_id, version],
    )?;
    let Some(mut r) = row else { return Ok(None) };
    let version_id: i64 = r.get(9)?;
    let mut a = Analysis {
        analyzer: r.take(0)?,
        ok: r.get(1)?,
        title: r.take(2)?,
        published: r.take(3)?,
        language: r.take(4)?,
        site_name: r.take(5)?,
        body: r.take(6)?,
        article_json: r.take(7)?,
        diagnostics: serde_json::from_str(&r.take::<String>(8)?)?,
        statements: Vec::new(),
        entities: Vec::new(),
        facts_json: r.take(10)?,
    };
    let usize_of = |v: i64| usize::try_from(v).unwrap_or(0);
    for mut r in db.query(
        "SELECT start, \"end\", text, kind, speaker, speaker_start, speaker_end, speaker_local,
                cue, via, confidence
           FROM statements WHERE version_id = ?1 ORDER BY start, id",
        params![version_id],
    )? {
        a.statements.push(model::Statement {
            start: usize_of(r.get(0)?),
            end: usize_of(r.get(1)?),
            text: r.take(2)?,
            kind: r.take(3)?,
            speaker: r.take(4)?,
            speaker_start: r.get::<Option<i64>>(5)?.map(usize_of),
            speaker_end: r.get::<Option<i64>>(6)?.map(usize_of),
            speaker_entity: r.take(7)?,
            cue: r.take(8)?,
            via: r.take(9)?,
            confidence: r.get::<f64>(10)? as f32,
        });
    }
    for mut r in db.query(
        "SELECT local_id, name, kind, alias_key, role, affiliation, mentions
           FROM version_entities WHERE version_id = ?1 ORDER BY local_id",
        params![version_id],
    )? {
        a.entities.push(model::DocEntity {
            id: r.take(0)?,
            name: r.take(1)?,
            kind: r.take(2)?,
            key: r.take(3)?,
            aliases: Vec::new(),
            role: r.take(4)?,
            affiliation: r.take(5)?,
            mentions: usize_of(r.get(6)?),
        });
    }
    Ok(Some(a))
}

fn groups(db: &mut dyn Sql, sql: &str) -> Result<Vec<(String, u64)>> {
    db.query(sql, &[])?
        .into_iter()
        .map(|mut r| Ok((r.take::<String>(0)?, u64::try_from(r.get::<i64>(1)?).unwrap_or(0))))
        .collect()
}

/// Counts over the whole store, in the caller's (read) transaction so they agree with each
/// other. `by_source`, `by_state` and `by_kind` are ordered most first, then by name; `by_day`
/// oldest first. Empty outlets count as `(unknown)`.
pub(crate) fn stats(db: &mut dyn Sql) -> Result<Stats> {
    Ok(Stats {
        documents: count(db, "SELECT count(*) FROM documents")?,
        versions: count(db, "SELECT count(*) FROM versions")?,
        feeds: count(db, "SELECT count(*) FROM feeds")?,
        by_source: groups(
            db,
            "SELECT coalesce(nullif(outlet, ''), '(unknown)') AS g, count(*) AS n
               FROM documents GROUP BY g ORDER BY n DESC, g",
        )?,
        by_day: groups(
            db,
            "SELECT substr(fetched_at, 1, 10) AS g, count(*) FROM versions
              GROUP BY g ORDER BY g",
        )?,
        by_state: groups(
            db,
            "SELECT v.state AS g, count(*) AS n FROM documents d
               JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
              GROUP BY g ORDER BY n DESC, g",
        )?,
        by_kind: groups(
            db,
            "SELECT source_kind AS g, count(*) AS n FROM documents
              GROUP BY g ORDER BY n DESC, g",
        )?,
    })
}

/// The feed's fields in the column order of the `feeds` writes below, with owned timestamps.
struct FeedRow {
    added_at: String,
    last_fetch: Option<String>,
    next_due: Option<String>,
}

impl FeedRow {
    fn of(f: &FeedRecord) -> FeedRow {
        FeedRow {
            added_at: ts(&f.added_at),
            last_fetch: f.last_fetch.as_ref().map(ts),
            next_due: f.next_due.as_ref().map(ts),
        }
    }

    fn params<'a>(&'a self, f: &'a FeedRecord) -> [Param<'a>; 12] {
        [
            Param::from(&f.url),
            Param::from(&f.title),
            Param::from(&f.site_url),
            Param::from(&self.added_at),
            Param::from(&f.etag),
            Param::from(&f.last_modified),
            Param::from(&self.last_fetch),
            Param::from(f.last_status),
            Param::from(&f.last_error),
            Param::from(f.failures),
            Param::from(&self.next_due),
            Param::from(f.state.as_str()),
        ]
    }
}

/// Subscribes a feed; false if already subscribed.
pub(crate) fn insert_feed(db: &mut dyn Sql, feed: &FeedRecord) -> Result<bool> {
    let row = FeedRow::of(feed);
    let n = db.execute(
        "INSERT INTO feeds (url, title, site_url, added_at, etag, last_modified, last_fetch,
                            last_status, last_error, failures, next_due, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (url) DO NOTHING",
        &row.params(feed),
    )?;
    Ok(n > 0)
}

/// Unsubscribes a feed; false if it was not subscribed.
pub(crate) fn delete_feed(db: &mut dyn Sql, url: &str) -> Result<bool> {
    Ok(db.execute("DELETE FROM feeds WHERE url = ?1", params![url])? > 0)
}

/// Every subscribed feed, in the order added.
pub(crate) fn list_feeds(db: &mut dyn Sql) -> Result<Vec<FeedRecord>> {
    let rows = db.query(
        "SELECT url, title, site_url, added_at, etag, last_modified, last_fetch, last_status,
                last_error, failures, next_due, state
           FROM feeds ORDER BY id",
        &[],
    )?;
    rows.into_iter().map(decode_feed).collect()
}

/// Saves every field of a subscribed feed (matched by URL); [`Error::FeedNotFound`] if it is
/// not subscribed.
pub(crate) fn save_feed(db: &mut dyn Sql, feed: &FeedRecord) -> Result<()> {
    let row = FeedRow::of(feed);
    let n = db.execute(
        "UPDATE feeds SET title = ?2, site_url = ?3, added_at = ?4, etag = ?5,
                last_modified = ?6, last_fetch = ?7, last_status = ?8, last_error = ?9,
                failures = ?10, next_due = ?11, state = ?12
          WHERE url = ?1",
        &row.params(feed),
    )?;
    if n == 0 {
        return Err(Error::FeedNotFound(feed.url.clone()));
    }
    Ok(())
}

fn decode_feed(mut r: Row) -> Result<FeedRecord> {
    let state: String = r.take(11)?;
    let state =
        FeedState::parse(&state).ok_or_else(|| Error::Corrupt(format!("feed state {state:?}")))?;
    let last_status: Option<i64> = r.get(7)?;
    let last_status = last_status
        .map(u16::try_from)
        .transpose()
        .map_err(|_| Error::Corrupt(format!("HTTP status {last_status:?}")))?;
    let failures: i64 = r.get(9)?;
    let failures =
        u32::try_from(failures).map_err(|_| Error::Corrupt(format!("failure count {failures}")))?;
    Ok(FeedRecord {
        url: r.take(0)?,
        title: r.take(1)?,
        site_url: r.take(2)?,
        added_at: parse_ts(&r.take::<String>(3)?)?,
        etag: r.take(4)?,
        last_modified: r.take(5)?,
        last_fetch: parse_opt_ts(r.take(6)?)?,
        last_status,
        last_error: r.take(8)?,
        failures,
        next_due: parse_opt_ts(r.take(10)?)?,
        state,
    })
}
