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

use chrono::Utc;
use model::{
    Analysis, Diagnostic, DocKey, FeedRecord, IngestOutcome, RawDocument, Stats, Store,
    StoreResult, StoredVersion,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::docs::{self, DocumentInfo, ts};
use crate::migrations::{self, LATEST_VERSION, classify_open_error};
use crate::sql::Lite;
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

    /// The connection as the shared query layer sees it.
    pub(crate) fn sql(&self) -> Lite<'_> {
        Lite(&self.conn)
    }

    /// Stores a batch in one transaction; see [`Store::put_documents`].
    pub fn put(&mut self, docs: &[RawDocument]) -> Result<Vec<IngestOutcome>> {
        // IMMEDIATE takes the write lock up front, so two writers wait on `busy_timeout` instead
        // of one failing at its first write after both had read.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcomes = docs::put(&mut Lite(&tx), docs, &mut |_, version_id, a| {
            write_analysis(&tx, version_id, a)
        })?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// The document stored under `key`, if any.
    pub fn document(&self, key: &DocKey) -> Result<Option<DocumentInfo>> {
        docs::document(&mut self.sql(), key)
    }

    /// The document with numeric id `id`, if any.
    pub fn document_by_id(&self, id: i64) -> Result<Option<DocumentInfo>> {
        docs::document_by_id(&mut self.sql(), id)
    }

    /// Up to `limit` documents with ids above `after_id`, by id: a page of a listing. Start with
    /// `after_id = 0`, then pass the last id of each page.
    pub fn list_documents(&self, after_id: i64, limit: usize) -> Result<Vec<DocumentInfo>> {
        docs::list_documents(&mut self.sql(), after_id, limit)
    }

    /// Whether a document is stored under `key`: one index lookup.
    pub fn contains(&self, key: &DocKey) -> Result<bool> {
        docs::contains(&mut self.sql(), key)
    }

    /// How many documents are stored.
    pub fn document_count(&self) -> Result<u64> {
        docs::count(&mut self.sql(), "SELECT count(*) FROM documents")
    }

    /// The latest version of the document stored under `key`, if any.
    pub fn latest_version(&self, key: &DocKey) -> Result<Option<StoredVersion>> {
        docs::latest_version(&mut self.sql(), key)
    }

    /// Version `version` of document `document_id`, if stored.
    pub fn version(&self, document_id: i64, version: i64) -> Result<Option<StoredVersion>> {
        docs::version(&mut self.sql(), document_id, version)
    }

    /// The diagnostics stored with version `version` of document `document_id` (empty if
    /// none, or no such version).
    pub fn diagnostics(&self, document_id: i64, version: i64) -> Result<Vec<Diagnostic>> {
        docs::diagnostics(&mut self.sql(), document_id, version)
    }

    /// The stored analysis of one version, if it has been analysed.
    pub fn analysis(&self, document_id: i64, version: i64) -> Result<Option<Analysis>> {
        docs::analysis(&mut self.sql(), document_id, version)
    }

    /// Sets the processing state (`pending`, `extracted`, `failed`...) of one version; returns
    /// false if there is no such version.
    pub fn set_state(&mut self, document_id: i64, version: i64, state: &str) -> Result<bool> {
        docs::set_state(&mut self.sql(), document_id, version, state)
    }

    /// All versions of a document, oldest first; see [`Store::versions`].
    pub fn all_versions(&self, key: &DocKey) -> Result<Vec<StoredVersion>> {
        docs::all_versions(&mut self.sql(), key)
    }

    /// Counts over the whole store; see [`Store::stats`]. `by_source`, `by_state` and `by_kind`
    /// are ordered most first, then by name; `by_day` oldest first. Empty outlets count as
    /// `(unknown)`.
    pub fn stats(&self) -> Result<Stats> {
        // One read transaction, so the counts agree with each other even while a writer commits.
        let tx = self.conn.unchecked_transaction()?;
        let stats = docs::stats(&mut Lite(&tx))?;
        tx.finish()?;
        Ok(stats)
    }

    /// Subscribes a feed; false if already subscribed. See [`Store::add_feed`].
    pub fn insert_feed(&mut self, feed: &FeedRecord) -> Result<bool> {
        docs::insert_feed(&mut self.sql(), feed)
    }

    /// Unsubscribes a feed; false if it was not subscribed.
    pub fn delete_feed(&mut self, url: &str) -> Result<bool> {
        docs::delete_feed(&mut self.sql(), url)
    }

    /// Every subscribed feed, in the order added.
    pub fn list_feeds(&self) -> Result<Vec<FeedRecord>> {
        docs::list_feeds(&mut self.sql())
    }

    /// Saves every field of a subscribed feed (matched by URL); [`Error::FeedNotFound`] if it is
    /// not subscribed.
    pub fn save_feed(&mut self, feed: &FeedRecord) -> Result<()> {
        docs::save_feed(&mut self.sql(), feed)
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
