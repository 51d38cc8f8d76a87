//! The embedded SQLite backend: [`SqliteStore`], its durability settings, and its queries.
//!
//! # Durability
//!
//! The promise is: once `put_documents` (or any other write) has returned `Ok`, what it stored
//! survives the process being killed at any moment afterwards, and a write that was interrupted
//! leaves no trace. Every write runs in one transaction, so a batch is committed whole or not at
//! all. The database is in WAL mode with `synchronous = FULL`: each commit appends to the WAL
//! and fsyncs it before returning. That is stronger than the process-kill promise needs (in WAL
//! mode `NORMAL` already survives a process kill, because a committed transaction is in the WAL
//! file in the OS page cache, which outlives the process; `NORMAL` only risks the last commits
//! on power loss or an OS crash). We pay one fsync per batch (~500 documents), which costs little,
//! and in exchange committed batches also survive power loss on disks that honour fsync.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use model::{
    Analysis, ContentKind, Diagnostic, DocKey, FeedRecord, FeedState, IngestOutcome, RawDocument,
    SourceKind, Stats, Store, StoreResult, StoredVersion,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::migrations::{self, LATEST_VERSION, classify_open_error};
use crate::{Error, Result};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "wirewatch.sqlite3";

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A wirewatch store in one SQLite database file (or in memory, for tests).
pub struct SqliteStore {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish_non_exhaustive()
    }
}

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

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`: the directory is created, the database
    /// is `data_dir/wirewatch.sqlite3`, and its schema is migrated to the newest version.
    ///
    /// Fails with a clear error when the file is not an SQLite database, is one wirewatch did not
    /// make, or was written by a newer wirewatch.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        fs::create_dir_all(data_dir)
            .map_err(|source| Error::CreateDir { path: data_dir.to_owned(), source })?;
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| classify_open_error(e, &path))?;
        Self::init(conn, Some(path))
    }

    /// A number that changes whenever another connection (this process's or another's) commits
    /// to the database: SQLite's `PRAGMA data_version`, read from the WAL index without touching
    /// the tables. What caches of derived views compare to know they are stale.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// A fresh store in memory, gone when dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        Self::init(conn, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        let on_disk = path.is_some();
        let setup = |conn: &Connection| -> rusqlite::Result<String> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            // The first statement that reads the file: a non-SQLite file fails here.
            let mode = if on_disk {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?
            } else {
                "memory".to_string()
            };
            conn.pragma_update(None, "synchronous", "FULL")?;
            Ok(mode)
        };
        let mode = setup(&conn).map_err(|e| classify_open_error(e, &shown))?;
        if on_disk && !mode.eq_ignore_ascii_case("wal") {
            // Still durable (rollback journal + FULL), only slower and with readers blocked.
            tracing::warn!(path = %shown.display(), %mode, "SQLite refused WAL mode");
        }
        conn.set_prepared_statement_cache_capacity(64);
        migrations::migrate_to(&mut conn, LATEST_VERSION, &shown)?;
        Ok(SqliteStore { conn, path })
    }

    /// The schema version of the open database (after migration, the newest this build knows).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(migrations::current_version(&self.conn)?)
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Stores a batch in one transaction; see [`Store::put_documents`].
    pub fn put(&mut self, docs: &[RawDocument]) -> Result<Vec<IngestOutcome>> {
        // IMMEDIATE takes the write lock up front, so two writers wait on `busy_timeout` instead
        // of one failing at its first write after both had read.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(docs.len());
        {
            let mut find = tx.prepare_cached(
                "SELECT d.id, d.latest_version, v.content_hash FROM documents d
                   LEFT JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
                  WHERE d.key = ?1",
            )?;
            let mut known_hash = tx.prepare_cached(
                "SELECT v.id, a.analyzer FROM versions v
                   LEFT JOIN articles a ON a.version_id = v.id
                  WHERE v.document_id = ?1 AND v.content_hash = ?2 LIMIT 1",
            )?;
            // The `last_seen < ?2` guard skips the row write when nothing would change.
            let mut touch = tx.prepare_cached(
                "UPDATE documents SET last_seen = ?2 WHERE id = ?1 AND last_seen < ?2",
            )?;
            let mut insert_doc = tx.prepare_cached(
                "INSERT INTO documents (key, url, canonical_url, outlet, source_kind, origin,
                                        first_seen, last_seen, latest_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1)",
            )?;
            let mut bump = tx.prepare_cached(
                "UPDATE documents SET latest_version = ?2, last_seen = max(last_seen, ?3)
                  WHERE id = ?1",
            )?;
            let mut insert_version = tx.prepare_cached(
                "INSERT INTO versions (document_id, version, content_hash, content_kind, content,
                                       title, published, fetched_at, diagnostics)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for doc in docs {
                let hash = doc.content_hash();
                let fetched = ts(&doc.fetched_at);
                let found = find
                    .query_row([doc.key.as_str()], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    })
                    .optional()?;
                let (id, version, outcome) = match found {
                    Some((id, latest, _)) => {
                        let known = known_hash
                            .query_row(params![id, hash], |r| {
                                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
                            })
                            .optional()?;
                        if let Some((version_id, analyzer)) = known {
                            // Same content as a stored version (the latest, or an old copy read
                            // again after a corrected one): not news. Only a newer analyser's
                            // output is taken, so re-ingesting re-analyses.
                            touch.execute(params![id, fetched])?;
                            if let Some(a) = &doc.analysis
                                && analyzer.as_deref() != Some(a.analyzer.as_str())
                            {
                                write_analysis(&tx, version_id, a)?;
                            }
                            outcomes.push(IngestOutcome::Unchanged);
                            continue;
                        }
                        bump.execute(params![id, latest + 1, fetched])?;
                        (id, latest + 1, IngestOutcome::NewVersion)
                    }
                    None => {
                        let id = insert_doc.insert(params![
                            doc.key.as_str(),
                            doc.url,
                            doc.canonical_url,
                            doc.outlet,
                            doc.source_kind.as_str(),
                            doc.origin,
                            fetched,
                        ])?;
                        (id, 1, IngestOutcome::New)
                    }
                };
                let diagnostics = if doc.diagnostics.is_empty() {
                    "[]".to_string()
                } else {
                    serde_json::to_string(&doc.diagnostics)?
                };
                insert_version.execute(params![
                    id,
                    version,
                    hash,
                    doc.content_kind.as_str(),
                    doc.content,
                    doc.title,
                    doc.published.as_ref().map(ts),
                    fetched,
                    diagnostics,
                ])?;
                if let Some(a) = &doc.analysis {
                    write_analysis(&tx, tx.last_insert_rowid(), a)?;
                }
                outcomes.push(outcome);
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// The document stored under `key`, if any.
    pub fn document(&self, key: &DocKey) -> Result<Option<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE key = ?1");
        let raw =
            self.conn.prepare_cached(&sql)?.query_row([key.as_str()], RawDoc::read).optional()?;
        raw.map(RawDoc::decode).transpose()
    }

    /// The document with numeric id `id`, if any.
    pub fn document_by_id(&self, id: i64) -> Result<Option<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1");
        let raw = self.conn.prepare_cached(&sql)?.query_row([id], RawDoc::read).optional()?;
        raw.map(RawDoc::decode).transpose()
    }

    /// Up to `limit` documents with ids above `after_id`, by id: a page of a listing. Start with
    /// `after_id = 0`, then pass the last id of each page.
    pub fn list_documents(&self, after_id: i64, limit: usize) -> Result<Vec<DocumentInfo>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![after_id, limit], RawDoc::read)?;
        rows.map(|r| RawDoc::decode(r?)).collect()
    }

    /// Whether a document is stored under `key`: one index lookup.
    pub fn contains(&self, key: &DocKey) -> Result<bool> {
        let found = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE key = ?1")?
            .query_row([key.as_str()], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }

    /// How many documents are stored.
    pub fn document_count(&self) -> Result<u64> {
        count(&self.conn, "SELECT count(*) FROM documents")
    }

    /// The latest version of the document stored under `key`, if any.
    pub fn latest_version(&self, key: &DocKey) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM documents d
               JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
              WHERE d.key = ?1"
        );
        let raw = self.conn.prepare_cached(&sql)?.query_row([key.as_str()], RawVersion::read);
        raw.optional()?.map(RawVersion::decode).transpose()
    }

    /// Version `version` of document `document_id`, if stored.
    pub fn version(&self, document_id: i64, version: i64) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM documents d JOIN versions v ON v.document_id = d.id
              WHERE d.id = ?1 AND v.version = ?2"
        );
        let raw =
            self.conn.prepare_cached(&sql)?.query_row([document_id, version], RawVersion::read);
        raw.optional()?.map(RawVersion::decode).transpose()
    }

    /// The diagnostics stored with version `version` of document `document_id` (empty if
    /// none, or no such version).
    pub fn diagnostics(&self, document_id: i64, version: i64) -> Result<Vec<Diagnostic>> {
        let json: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT diagnostics FROM versions WHERE document_id = ?1 AND version = ?2",
            )?
            .query_row([document_id, version], |r| r.get(0))
            .optional()?;
        Ok(match json {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        })
    }

    /// The stored analysis of one version, if it has been analysed.
    pub fn analysis(&self, document_id: i64, version: i64) -> Result<Option<Analysis>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT a.analyzer, a.ok, a.title, a.published, a.language, a.site_name, a.body,
                        a.article_json, a.diagnostics, v.id
                   FROM articles a JOIN versions v ON v.id = a.version_id
                  WHERE v.document_id = ?1 AND v.version = ?2",
            )?
            .query_row(params![document_id, version], |r| {
                Ok((
                    Analysis {
                        analyzer: r.get(0)?,
                        ok: r.get(1)?,
                        title: r.get(2)?,
                        published: r.get(3)?,
                        language: r.get(4)?,
                        site_name: r.get(5)?,
                        body: r.get(6)?,
                        article_json: r.get(7)?,
                        diagnostics: Vec::new(),
                        statements: Vec::new(),
                        entities: Vec::new(),
                    },
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                ))
            })
            .optional()?;
        let Some((mut a, diags, version_id)) = row else { return Ok(None) };
        a.diagnostics = serde_json::from_str(&diags)?;
        a.statements = self
            .conn
            .prepare_cached(
                "SELECT start, end, text, kind, speaker, speaker_start, speaker_end, speaker_local,
                        cue, via, confidence
                   FROM statements WHERE version_id = ?1 ORDER BY start, id",
            )?
            .query_map([version_id], |r| {
                Ok(model::Statement {
                    start: r.get::<_, i64>(0)? as usize,
                    end: r.get::<_, i64>(1)? as usize,
                    text: r.get(2)?,
                    kind: r.get(3)?,
                    speaker: r.get(4)?,
                    speaker_start: r.get::<_, Option<i64>>(5)?.map(|v| v as usize),
                    speaker_end: r.get::<_, Option<i64>>(6)?.map(|v| v as usize),
                    speaker_entity: r.get(7)?,
                    cue: r.get(8)?,
                    via: r.get(9)?,
                    confidence: r.get::<_, f64>(10)? as f32,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        a.entities = self
            .conn
            .prepare_cached(
                "SELECT local_id, name, kind, alias_key, role, affiliation, mentions
                   FROM version_entities WHERE version_id = ?1 ORDER BY local_id",
            )?
            .query_map([version_id], |r| {
                Ok(model::DocEntity {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    key: r.get(3)?,
                    aliases: Vec::new(),
                    role: r.get(4)?,
                    affiliation: r.get(5)?,
                    mentions: r.get::<_, i64>(6)? as usize,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(a))
    }

    /// Sets the processing state (`pending`, `extracted`, `failed`...) of one version; returns
    /// false if there is no such version.
    pub fn set_state(&mut self, document_id: i64, version: i64, state: &str) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE versions SET state = ?3 WHERE document_id = ?1 AND version = ?2",
            )?
            .execute(params![document_id, version, state])?;
        Ok(n > 0)
    }

    /// All versions of a document, oldest first; see [`Store::versions`].
    pub fn all_versions(&self, key: &DocKey) -> Result<Vec<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM documents d JOIN versions v ON v.document_id = d.id
              WHERE d.key = ?1 ORDER BY v.version"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([key.as_str()], RawVersion::read)?;
        rows.map(|r| RawVersion::decode(r?)).collect()
    }

    /// Counts over the whole store; see [`Store::stats`]. `by_source`, `by_state` and `by_kind`
    /// are ordered most first, then by name; `by_day` oldest first. Empty outlets count as
    /// `(unknown)`.
    pub fn stats(&self) -> Result<Stats> {
        // One read transaction, so the counts agree with each other even while a writer commits.
        let tx = self.conn.unchecked_transaction()?;
        let stats = Stats {
            documents: count(&tx, "SELECT count(*) FROM documents")?,
            versions: count(&tx, "SELECT count(*) FROM versions")?,
            feeds: count(&tx, "SELECT count(*) FROM feeds")?,
            by_source: groups(
                &tx,
                "SELECT coalesce(nullif(outlet, ''), '(unknown)') AS g, count(*) AS n
                   FROM documents GROUP BY g ORDER BY n DESC, g",
            )?,
            by_day: groups(
                &tx,
                "SELECT substr(fetched_at, 1, 10) AS g, count(*) FROM versions
                  GROUP BY g ORDER BY g",
            )?,
            by_state: groups(
                &tx,
                "SELECT v.state AS g, count(*) AS n FROM documents d
                   JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
                  GROUP BY g ORDER BY n DESC, g",
            )?,
            by_kind: groups(
                &tx,
                "SELECT source_kind AS g, count(*) AS n FROM documents
                  GROUP BY g ORDER BY n DESC, g",
            )?,
        };
        tx.finish()?;
        Ok(stats)
    }

    /// Subscribes a feed; false if already subscribed. See [`Store::add_feed`].
    pub fn insert_feed(&mut self, feed: &FeedRecord) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO feeds (url, title, site_url, added_at, etag, last_modified, last_fetch,
                                    last_status, last_error, failures, next_due, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (url) DO NOTHING",
            )?
            .execute(feed_params(feed))?;
        Ok(n > 0)
    }

    /// Unsubscribes a feed; false if it was not subscribed.
    pub fn delete_feed(&mut self, url: &str) -> Result<bool> {
        let n = self.conn.prepare_cached("DELETE FROM feeds WHERE url = ?1")?.execute([url])?;
        Ok(n > 0)
    }

    /// Every subscribed feed, in the order added.
    pub fn list_feeds(&self) -> Result<Vec<FeedRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT url, title, site_url, added_at, etag, last_modified, last_fetch, last_status,
                    last_error, failures, next_due, state
               FROM feeds ORDER BY id",
        )?;
        let rows = stmt.query_map([], RawFeed::read)?;
        rows.map(|r| RawFeed::decode(r?)).collect()
    }

    /// Saves every field of a subscribed feed (matched by URL); [`Error::FeedNotFound`] if it is
    /// not subscribed.
    pub fn save_feed(&mut self, feed: &FeedRecord) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE feeds SET title = ?2, site_url = ?3, added_at = ?4, etag = ?5,
                        last_modified = ?6, last_fetch = ?7, last_status = ?8, last_error = ?9,
                        failures = ?10, next_due = ?11, state = ?12
                  WHERE url = ?1",
            )?
            .execute(feed_params(feed))?;
        if n == 0 {
            return Err(Error::FeedNotFound(feed.url.clone()));
        }
        Ok(())
    }
}

impl Store for SqliteStore {
    fn put_documents(&mut self, docs: &[RawDocument]) -> StoreResult<Vec<IngestOutcome>> {
        Ok(self.put(docs)?)
    }
    fn versions(&self, key: &DocKey) -> StoreResult<Vec<StoredVersion>> {
        Ok(self.all_versions(key)?)
    }
    fn has_document(&self, key: &DocKey) -> StoreResult<bool> {
        Ok(self.contains(key)?)
    }
    fn stats(&self) -> StoreResult<Stats> {
        Ok(SqliteStore::stats(self)?)
    }
    fn add_feed(&mut self, feed: &FeedRecord) -> StoreResult<bool> {
        Ok(self.insert_feed(feed)?)
    }
    fn remove_feed(&mut self, url: &str) -> StoreResult<bool> {
        Ok(self.delete_feed(url)?)
    }
    fn feeds(&self) -> StoreResult<Vec<FeedRecord>> {
        Ok(self.list_feeds()?)
    }
    fn update_feed(&mut self, feed: &FeedRecord) -> StoreResult<()> {
        Ok(self.save_feed(feed)?)
    }
}

/// Timestamps are stored as fixed-width RFC 3339 UTC text with nanoseconds, so they sort as text,
/// their first ten characters are the UTC day, and they read back exactly.
/// Stores (or replaces) the analysis of one version and sets the version's state to match.
pub(crate) fn write_analysis(
    tx: &rusqlite::Transaction<'_>,
    version_id: i64,
    a: &Analysis,
) -> Result<()> {
    let diagnostics = serde_json::to_string(&a.diagnostics)?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO articles (version_id, analyzer, ok, title, published, language,
                                          site_name, body, article_json, diagnostics)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        version_id,
        a.analyzer,
        a.ok,
        a.title,
        a.published,
        a.language,
        a.site_name,
        a.body,
        a.article_json,
        diagnostics,
    ])?;
    tx.prepare_cached("UPDATE versions SET state = ?2 WHERE id = ?1")?
        .execute(params![version_id, if a.ok { "extracted" } else { "failed" }])?;
    tx.prepare_cached("DELETE FROM statements WHERE version_id = ?1")?.execute([version_id])?;
    tx.prepare_cached("DELETE FROM version_entities WHERE version_id = ?1")?
        .execute([version_id])?;
    let now = ts(&Utc::now());
    // Each statement records its speaker's store-wide entity, so an entity's statements are one
    // index range (the entity page) and its count is kept by a trigger.
    let mut entity_of: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for e in &a.entities {
        if e.key.is_empty() {
            continue;
        }
        let entity_id = resolve_entity(tx, e, &now)?;
        entity_of.insert(e.id.as_str(), entity_id);
        // Other multi-word spellings the article itself uses for it ("Barrack Obama" beside
        // "Barack Obama") become aliases too, unless that spelling already names something.
        for alias in &e.aliases {
            let key = alias_key(alias);
            // Only spellings of the same name: role phrases ("U.S President") are not names.
            let same_name = model::names::variant_evidence_keys(&key, &e.key).is_some();
            if key != e.key && key.contains(' ') && same_name {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO entity_aliases
                         (kind, alias_key, alias, entity_id, evidence, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'auto')",
                )?
                .execute(params![
                    e.kind,
                    key,
                    alias,
                    entity_id,
                    format!("the same article also calls {} so", e.name)
                ])?;
            }
        }
        tx.prepare_cached(
            "INSERT OR IGNORE INTO version_entities (version_id, local_id, kind, alias_key,
                                                     entity_id, name, role, affiliation, mentions)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            version_id,
            e.id,
            e.kind,
            e.key,
            entity_id,
            e.name,
            e.role,
            e.affiliation,
            e.mentions as i64
        ])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO statements (version_id, start, end, text, kind, speaker, speaker_start,
                                 speaker_end, speaker_local, cue, via, confidence, entity_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for st in &a.statements {
        let entity = st.speaker_entity.as_deref().and_then(|l| entity_of.get(l)).copied();
        insert.execute(params![
            version_id,
            st.start as i64,
            st.end as i64,
            st.text,
            st.kind,
            st.speaker,
            st.speaker_start.map(|v| v as i64),
            st.speaker_end.map(|v| v as i64),
            st.speaker_entity,
            st.cue,
            st.via,
            f64::from(st.confidence),
            entity,
        ])?;
    }
    Ok(())
}

/// The store-wide entity an article's entity is: the one its name key is an alias of (a user's
/// override first, as every override is an alias row), else a person whose alias is a spelling
/// variant of it (recorded with the evidence), else a new entity.
fn resolve_entity(tx: &rusqlite::Transaction<'_>, e: &model::DocEntity, now: &str) -> Result<i64> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT entity_id FROM entity_aliases WHERE kind = ?1 AND alias_key = ?2")?
        .query_row(params![e.kind, e.key], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let surname = if e.kind == "person" { model::names::surname_key(&e.key) } else { None };
    if let Some(surname) = surname {
        let mut stmt = tx.prepare_cached(
            "SELECT a.alias_key, a.entity_id FROM entity_aliases a
               JOIN entities n ON n.id = a.entity_id
              WHERE n.kind = ?1 AND n.surname = ?2
              ORDER BY a.entity_id, a.alias_key",
        )?;
        let candidates: Vec<(String, i64)> = stmt
            .query_map(params![e.kind, surname], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (alias_key, id) in candidates {
            if let Some(evidence) = model::names::variant_evidence_keys(&alias_key, &e.key) {
                add_alias(tx, &e.kind, &e.key, &e.name, id, &evidence, "auto")?;
                // "V. Putin" first, "Vladimir Putin" later: show the fuller spelling.
                tx.prepare_cached(
                    "UPDATE entities SET name = ?2 WHERE id = ?1 AND length(?2) > length(name)",
                )?
                .execute(params![id, e.name])?;
                return Ok(id);
            }
        }
    }
    tx.prepare_cached(
        "INSERT INTO entities (kind, name, surname, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![e.kind, e.name, surname, now])?;
    let id = tx.last_insert_rowid();
    add_alias(tx, &e.kind, &e.key, &e.name, id, "first seen under this name", "auto")?;
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

fn add_alias(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    key: &str,
    alias: &str,
    entity_id: i64,
    evidence: &str,
    source: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO entity_aliases (kind, alias_key, alias, entity_id, evidence, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![kind, key, alias, entity_id, evidence, source])?;
    Ok(())
}

pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn parse_opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    let n: i64 = conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn groups(conn: &Connection, sql: &str) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const DOC_COLUMNS: &str = "id, key, url, canonical_url, outlet, source_kind, origin, first_seen, \
                           last_seen, latest_version";

/// A documents row as read, before its text columns are parsed.
struct RawDoc {
    id: i64,
    key: String,
    url: Option<String>,
    canonical_url: Option<String>,
    outlet: Option<String>,
    source_kind: String,
    origin: String,
    first_seen: String,
    last_seen: String,
    latest_version: i64,
}

impl RawDoc {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDoc> {
        Ok(RawDoc {
            id: r.get(0)?,
            key: r.get(1)?,
            url: r.get(2)?,
            canonical_url: r.get(3)?,
            outlet: r.get(4)?,
            source_kind: r.get(5)?,
            origin: r.get(6)?,
            first_seen: r.get(7)?,
            last_seen: r.get(8)?,
            latest_version: r.get(9)?,
        })
    }

    fn decode(self) -> Result<DocumentInfo> {
        let source_kind = SourceKind::parse(&self.source_kind)
            .ok_or_else(|| Error::Corrupt(format!("source kind {:?}", self.source_kind)))?;
        Ok(DocumentInfo {
            id: self.id,
            key: DocKey(self.key),
            url: self.url,
            canonical_url: self.canonical_url,
            outlet: self.outlet,
            source_kind,
            origin: self.origin,
            first_seen: parse_ts(&self.first_seen)?,
            last_seen: parse_ts(&self.last_seen)?,
            latest_version: self.latest_version,
        })
    }
}

pub(crate) const VERSION_COLUMNS: &str = "d.id, v.version, d.key, d.url, d.outlet, v.title, v.published, \
                               v.fetched_at, v.content_kind, v.content, v.content_hash";

/// A version joined with its document, as read.
pub(crate) struct RawVersion {
    document_id: i64,
    version: i64,
    key: String,
    url: Option<String>,
    outlet: Option<String>,
    title: Option<String>,
    published: Option<String>,
    fetched_at: String,
    content_kind: String,
    content: String,
    content_hash: String,
}

impl RawVersion {
    pub(crate) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawVersion> {
        Ok(RawVersion {
            document_id: r.get(0)?,
            version: r.get(1)?,
            key: r.get(2)?,
            url: r.get(3)?,
            outlet: r.get(4)?,
            title: r.get(5)?,
            published: r.get(6)?,
            fetched_at: r.get(7)?,
            content_kind: r.get(8)?,
            content: r.get(9)?,
            content_hash: r.get(10)?,
        })
    }

    pub(crate) fn decode(self) -> Result<StoredVersion> {
        let content_kind = ContentKind::parse(&self.content_kind)
            .ok_or_else(|| Error::Corrupt(format!("content kind {:?}", self.content_kind)))?;
        Ok(StoredVersion {
            document_id: self.document_id,
            version: self.version,
            key: DocKey(self.key),
            url: self.url,
            outlet: self.outlet,
            title: self.title,
            published: parse_opt_ts(self.published)?,
            fetched_at: parse_ts(&self.fetched_at)?,
            content_kind,
            content: self.content,
            content_hash: self.content_hash,
        })
    }
}

fn feed_params(f: &FeedRecord) -> [Box<dyn rusqlite::ToSql + '_>; 12] {
    [
        Box::new(&f.url),
        Box::new(&f.title),
        Box::new(&f.site_url),
        Box::new(ts(&f.added_at)),
        Box::new(&f.etag),
        Box::new(&f.last_modified),
        Box::new(f.last_fetch.as_ref().map(ts)),
        Box::new(f.last_status),
        Box::new(&f.last_error),
        Box::new(f.failures),
        Box::new(f.next_due.as_ref().map(ts)),
        Box::new(f.state.as_str()),
    ]
}

/// A feeds row as read.
struct RawFeed {
    url: String,
    title: Option<String>,
    site_url: Option<String>,
    added_at: String,
    etag: Option<String>,
    last_modified: Option<String>,
    last_fetch: Option<String>,
    last_status: Option<i64>,
    last_error: Option<String>,
    failures: i64,
    next_due: Option<String>,
    state: String,
}

impl RawFeed {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawFeed> {
        Ok(RawFeed {
            url: r.get(0)?,
            title: r.get(1)?,
            site_url: r.get(2)?,
            added_at: r.get(3)?,
            etag: r.get(4)?,
            last_modified: r.get(5)?,
            last_fetch: r.get(6)?,
            last_status: r.get(7)?,
            last_error: r.get(8)?,
            failures: r.get(9)?,
            next_due: r.get(10)?,
            state: r.get(11)?,
        })
    }

    fn decode(self) -> Result<FeedRecord> {
        let state = FeedState::parse(&self.state)
            .ok_or_else(|| Error::Corrupt(format!("feed state {:?}", self.state)))?;
        let last_status = self
            .last_status
            .map(u16::try_from)
            .transpose()
            .map_err(|_| Error::Corrupt(format!("HTTP status {:?}", self.last_status)))?;
        let failures = u32::try_from(self.failures)
            .map_err(|_| Error::Corrupt(format!("failure count {}", self.failures)))?;
        Ok(FeedRecord {
            url: self.url,
            title: self.title,
            site_url: self.site_url,
            added_at: parse_ts(&self.added_at)?,
            etag: self.etag,
            last_modified: self.last_modified,
            last_fetch: parse_opt_ts(self.last_fetch)?,
            last_status,
            last_error: self.last_error,
            failures,
            next_due: parse_opt_ts(self.next_due)?,
            state,
        })
    }
}
