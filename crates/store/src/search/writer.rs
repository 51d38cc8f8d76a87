//! Writing the search index: indexing documents from the store, syncing the index with the store
//! (catching up whatever a killed or locked-out run missed), and rebuilding it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::DateTime;
use serde::Serialize;
use tantivy::directory::error::LockError;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use super::schema::{self, Fields};
use super::source::IndexRow;
use super::{OnDisk, SEARCH_DIR, SearchIndex, create, index_err, inspect};
use crate::db::Database;
use crate::search::source::SearchSource;
use crate::{Error, Result};

/// The writer's memory budget: segments are flushed to disk when it fills, so indexing any
/// number of documents stays within it (tantivy's minimum per thread is 15 MB).
const WRITER_MEMORY: usize = 48 * 1024 * 1024;

/// Documents read from the store per round of a sync.
const SYNC_CHUNK: usize = 512;

/// What a sync or rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Documents (re)indexed, with their statements.
    pub indexed: u64,
    /// Documents removed because the store no longer has them.
    pub removed: u64,
    /// Documents the index holds afterwards.
    pub total: u64,
}

/// The one writer of a data directory's search index; dropping it releases the lock.
pub struct SearchWriter {
    index: SearchIndex,
    writer: IndexWriter<TantivyDocument>,
}

impl std::fmt::Debug for SearchWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchWriter").field("dir", &self.index.dir).finish_non_exhaustive()
    }
}

impl SearchWriter {
    /// Opens the index of `data_dir` for writing, creating it if missing and replacing it with an
    /// empty one if it is damaged or was made by another schema. The second value says why the
    /// index was replaced, if it was: the caller then runs [`SearchWriter::sync`] to fill it.
    ///
    /// Fails with [`Error::IndexBusy`] at once if another process is writing the index.
    pub fn open(data_dir: &Path) -> Result<(SearchWriter, Option<String>)> {
        let dir = data_dir.join(SEARCH_DIR);
        let (index, replaced) = match inspect(&dir) {
            OnDisk::Ready(index) => (index, None),
            OnDisk::Missing => (create(&dir)?, None),
            OnDisk::Stale(reason) => {
                discard(&dir)?;
                (create(&dir)?, Some(reason))
            }
        };
        let index = SearchIndex::from_index(index, dir)?;
        let writer =
            index.index.writer_with_num_threads(1, WRITER_MEMORY).map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => {
                    Error::IndexBusy { path: index.dir.clone() }
                }
                e => index_err(&index.dir, e),
            })?;
        Ok((SearchWriter { index, writer }, replaced))
    }

    /// The index, for searching what this writer committed.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Replaces the entries of the documents stored under `keys` with their latest analysed
    /// version (a document without one, or no longer stored, is only removed). Nothing is
    /// visible until [`SearchWriter::commit`]. Returns how many documents were indexed.
    pub fn index_documents<K: AsRef<str>>(
        &mut self,
        store: &dyn Database,
        keys: &[K],
    ) -> Result<u64> {
        let f = self.index.fields;
        let mut seen = HashSet::new();
        let mut n = 0;
        for key in keys {
            let key = key.as_ref();
            if !seen.insert(key) {
                continue;
            }
            // Delete first: tantivy applies a delete to documents added before it only, so the
            // entries added below survive it in the same commit.
            self.writer.delete_term(Term::from_field_text(f.document, key));
            let Some(row) = store.search_row(key)? else { continue };
            for doc in documents(&f, &row) {
                self.writer.add_document(doc).map_err(|e| self.index.err(e))?;
            }
            n += 1;
        }
        Ok(n)
    }

    /// Commits what was indexed, stamped with the schema version, and shows it to this
    /// process's searches at once (other processes see it after their reload delay).
    pub fn commit(&mut self) -> Result<()> {
        let mut prepared = self.writer.prepare_commit().map_err(|e| self.index.err(e))?;
        prepared.set_payload(&schema::payload());
        prepared.commit().map_err(|e| self.index.err(e))?;
        self.index.reload()
    }

    /// Brings the index in line with the store: documents whose entry is missing or stale (a new
    /// version, a re-analysis, a story assigned, entity ids changed by an alias override) are
    /// reindexed, and entries of documents the store no longer has are removed; then commits.
    /// `progress(done, todo)` is called as documents are indexed.
    pub fn sync(
        &mut self,
        store: &dyn Database,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SyncReport> {
        let started = std::time::Instant::now();
        let (indexed, duplicated) = self.indexed_signatures()?;
        let read_index = started.elapsed();
        let wanted = store.search_signatures()?;
        tracing::debug!(
            "search sync: index fingerprints read in {:.3} s, store's in {:.3} s",
            read_index.as_secs_f64(),
            (started.elapsed() - read_index).as_secs_f64()
        );
        let keys: HashSet<&str> = wanted.iter().map(|r| r.key.as_str()).collect();
        let stale: Vec<&str> = wanted
            .iter()
            .filter(|r| indexed.get(&r.key) != Some(&r.sig) || duplicated.contains(&r.key))
            .map(|r| r.key.as_str())
            .collect();
        let f = self.index.fields;
        let mut report = SyncReport::default();
        for key in indexed.keys().filter(|k| !keys.contains(k.as_str())) {
            self.writer.delete_term(Term::from_field_text(f.document, key));
            report.removed += 1;
        }
        report.indexed = self.index_in_chunks(store, &stale, progress)?;
        if report.indexed > 0 || report.removed > 0 {
            self.commit()?;
        }
        report.total = self.index.article_count()?;
        Ok(report)
    }

    /// Empties the index and indexes every document of the store again, committing once at the
    /// end (searches see the old index until then).
    pub fn rebuild(
        &mut self,
        store: &dyn Database,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SyncReport> {
        let before = self.index.article_count()?;
        self.writer.delete_all_documents().map_err(|e| self.index.err(e))?;
        let wanted = store.search_signatures()?;
        let keys: Vec<&str> = wanted.iter().map(|r| r.key.as_str()).collect();
        let indexed = self.index_in_chunks(store, &keys, progress)?;
        self.commit()?;
        let total = self.index.article_count()?;
        Ok(SyncReport { indexed, removed: before.saturating_sub(total), total })
    }

    /// Waits for background merges, so the index is left in few segments, and releases the lock.
    pub fn finish(self) -> Result<()> {
        let dir = self.index.dir.clone();
        self.writer.wait_merging_threads().map_err(|e| index_err(&dir, e))
    }

    fn index_in_chunks(
        &mut self,
        store: &dyn Database,
        keys: &[&str],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        let todo = keys.len() as u64;
        let mut done = 0;
        let mut indexed = 0;
        progress(0, todo);
        for chunk in keys.chunks(SYNC_CHUNK) {
            indexed += self.index_documents(store, chunk)?;
            done += chunk.len() as u64;
            progress(done, todo);
        }
        Ok(indexed)
    }

    /// The fingerprint of every article entry by document key, read from fast fields (no stored
    /// document is loaded), and the keys that have more than one entry.
    fn indexed_signatures(&self) -> Result<(HashMap<String, u64>, HashSet<String>)> {
        let err = |e| self.index.err(e);
        let searcher = self.index.reader.searcher();
        let mut sigs = HashMap::new();
        let mut duplicated = HashSet::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let Some(keys) = fast.str("document").map_err(err)? else { continue };
            let Some(sig) = fast.column_opt::<u64>("sig").map_err(err)? else { continue };
            // The segment's keys in ordinal order, read in one pass over the dictionary (a
            // lookup per ordinal would decode a dictionary block per document).
            let dict = keys.dictionary();
            let mut names = Vec::with_capacity(dict.num_terms());
            let mut stream = dict.stream().map_err(|e| err(TantivyError::from(e)))?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                // Statements have no fingerprint: only article entries are counted.
                let Some(s) = sig.first(doc) else { continue };
                let Some(key) = keys.ords().first(doc).and_then(|o| names.get(o as usize)) else {
                    continue;
                };
                if sigs.insert(key.clone(), s).is_some() {
                    duplicated.insert(key.clone());
                }
            }
        }
        Ok((sigs, duplicated))
    }
}

/// The index entries of one document: its article, then each statement.
fn documents(f: &Fields, row: &IndexRow) -> Vec<TantivyDocument> {
    let published = row
        .published
        .as_deref()
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(tantivy_time);
    let common = |doc: &mut TantivyDocument, kind: &str| {
        doc.add_text(f.kind, kind);
        doc.add_text(f.document, &row.key);
        doc.add_i64(f.version, row.version);
        if let Some(o) = &row.outlet {
            doc.add_text(f.outlet, o);
        }
        if let Some(l) = &row.language {
            doc.add_text(f.language, l);
        }
        if let Some(s) = &row.story {
            doc.add_text(f.story, s);
        }
        if let Some(t) = published {
            doc.add_date(f.published, t);
        }
        if let Some(p) = &row.published {
            doc.add_text(f.published_text, p);
        }
    };
    let mut out = Vec::with_capacity(1 + row.statements.len());
    let mut article = TantivyDocument::default();
    common(&mut article, "article");
    article.add_u64(f.sig, row.sig());
    if let Some(t) = &row.title {
        article.add_text(f.title, t);
    }
    article.add_text(f.body, &row.body);
    for e in &row.entities {
        if let Ok(id) = u64::try_from(*e) {
            article.add_u64(f.entity, id);
        }
    }
    out.push(article);
    for st in &row.statements {
        let mut doc = TantivyDocument::default();
        common(&mut doc, "statement");
        if let Some(t) = &row.title {
            doc.add_text(f.article_title, t);
        }
        doc.add_text(f.body, &st.text);
        if let Some(s) = &st.speaker {
            doc.add_text(f.speaker, s);
        }
        if let Some(v) = &st.via {
            doc.add_text(f.via, v);
        }
        if let Some(id) = st.speaker_entity.and_then(|e| u64::try_from(e).ok()) {
            doc.add_u64(f.entity, id);
        }
        out.push(doc);
    }
    out
}

/// Moves an unusable index out of the way and deletes it. It is derived data: the store holds
/// everything it was built from.
fn discard(dir: &Path) -> Result<()> {
    let aside = dir.with_file_name(format!("{SEARCH_DIR}.stale-{}", std::process::id()));
    let gone = match std::fs::rename(dir, &aside) {
        Ok(()) => std::fs::remove_dir_all(&aside),
        Err(_) => std::fs::remove_dir_all(dir),
    };
    gone.map_err(|source| Error::IndexIo { path: dir.to_owned(), source })
}

/// A time as the index stores it (nanoseconds in an `i64`, years 1677 to 2262): times outside
/// that range saturate at its ends instead of overflowing (tantivy's own conversion panics).
pub(crate) fn tantivy_time<Tz: chrono::TimeZone>(t: DateTime<Tz>) -> tantivy::DateTime {
    let nanos =
        t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 { i64::MIN } else { i64::MAX });
    tantivy::DateTime::from_timestamp_nanos(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_outside_the_index_range_saturate() {
        // These panicked in tantivy's own conversion (found by the search_query fuzz target).
        let old = DateTime::parse_from_rfc3339("0202-01-01T00:00:00Z").unwrap();
        let far = DateTime::parse_from_rfc3339("9999-12-31T23:59:59+05:00").unwrap();
        assert_eq!(tantivy_time(old), tantivy::DateTime::MIN);
        assert_eq!(tantivy_time(far), tantivy::DateTime::MAX);
        let now = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(tantivy_time(now).into_timestamp_secs(), now.timestamp());
    }
}
