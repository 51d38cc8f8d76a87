//! Copying a whole store into an empty one of either backend (`wirewatch migrate --to`): every
//! table, row for row with the same ids, in pages of one transaction each, then a count and a
//! content fingerprint of every table on both sides. Leases are left behind: they are who does
//! what right now among the processes on the old store, meaningless on the new one.

use crate::db::{self, Database};
use crate::sql::{Backend, Param, Row, Sql, Value};
use crate::{Error, Result};

/// Every table, parents before children, with its columns and the key its rows are read in
/// order of. Digests last: inserting articles into stories (and pending marks) deletes them.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "documents",
        "id, key, url, canonical_url, outlet, source_kind, origin, first_seen, last_seen, latest_version",
        "id",
    ),
    (
        "versions",
        "id, document_id, version, content_hash, content_kind, title, published, fetched_at, diagnostics, state",
        "id",
    ),
    ("version_contents", "version_id, content", "version_id"),
    (
        "articles",
        "version_id, analyzer, ok, title, published, language, site_name, body, article_json, diagnostics, facts_json",
        "version_id",
    ),
    (
        "feeds",
        "id, url, title, site_url, added_at, etag, last_modified, last_fetch, last_status, last_error, failures, next_due, state",
        "id",
    ),
    ("entities", "id, kind, name, surname, created_at, mention_count, statement_count", "id"),
    ("entity_aliases", "kind, alias_key, alias, entity_id, evidence, source", "kind, alias_key"),
    (
        "version_entities",
        "version_id, local_id, kind, alias_key, entity_id, name, role, affiliation, mentions",
        "version_id, local_id",
    ),
    (
        "statements",
        "id, version_id, start, \"end\", text, kind, speaker, speaker_start, speaker_end, speaker_local, cue, via, confidence, entity_id",
        "id",
    ),
    (
        "stories",
        "id, label, first_seen, last_updated, state, breaking_since, articles, copies, outlets, entities, state_json",
        "id",
    ),
    ("story_articles", "document_id, story_id, duplicate_of, wire_agency", "document_id"),
    ("story_merges", "story_id, into_id, merged_at", "story_id"),
    (
        "findings",
        "id, story_id, fingerprint, kind, confidence, explanation, outlets, first, second, found_at",
        "id",
    ),
    ("story_timelines", "story_id, entries, updated", "story_id"),
    ("story_changes_pending", "story_id", "story_id"),
    ("events", "id, kind, story, entity, payload, created", "id"),
    (
        "webhooks",
        "id, source, url, secret, kinds, story, entity, query, created, cursor, delivered, failed, last_status, last_error, last_attempt",
        "id",
    ),
    ("story_digests", "story_id, digest, updated", "story_id"),
];

/// Rows read and written per transaction.
const PAGE: i64 = 500;

/// One table as copied: its name, rows, and a fingerprint of its content on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// The table.
    pub table: &'static str,
    /// Rows in the source (and, after a successful copy, in the target).
    pub rows: u64,
    /// FNV-1a over every row in key order, as read from the source.
    pub source_hash: u64,
    /// The same over the target after the copy.
    pub target_hash: u64,
}

/// Copies every table of `from` into `to`, which must be empty (a fresh data directory or
/// database). `progress(table, rows_so_far)` is called after each page. Fails, naming the table,
/// if the target holds data or a table's count or fingerprint differs after the copy.
pub fn copy_store(
    from: &dyn Database,
    to: &mut dyn Database,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Vec<TableCopy>> {
    for (table, _, _) in TABLES {
        let n = db::read(to, |db| db.query_i64(&format!("SELECT count(*) FROM {table}"), &[]))?;
        if n > 0 {
            return Err(Error::NotEmpty(format!("the target's {table} table holds {n} rows")));
        }
    }
    let mut out = Vec::new();
    for &(table, columns, key) in TABLES {
        let select = format!("SELECT {columns} FROM {table} ORDER BY {key} LIMIT ?1 OFFSET ?2");
        let width = columns.split(',').count();
        let placeholders: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
        let insert =
            format!("INSERT INTO {table} ({columns}) VALUES ({})", placeholders.join(", "));
        let done = pages(from, &select, &mut |rows, done| {
            db::write(to, |db| {
                for r in rows {
                    let params: Vec<Param<'_>> = r.0.iter().map(param).collect();
                    db.execute(&insert, &params)?;
                }
                Ok(())
            })?;
            progress(table, done);
            Ok(())
        })?;
        out.push(TableCopy { table, rows: done, source_hash: 0, target_hash: 0 });
    }
    db::write(to, finish_copy)?;
    for (copy, &(table, columns, key)) in out.iter_mut().zip(TABLES) {
        copy.source_hash = fingerprint(from, table, columns, key)?;
        copy.target_hash = fingerprint(to, table, columns, key)?;
        let target_rows =
            db::read(to, |db| db.query_i64(&format!("SELECT count(*) FROM {table}"), &[]))?;
        if copy.source_hash != copy.target_hash || target_rows as u64 != copy.rows {
            return Err(Error::Corrupt(format!(
                "the copy of table {table} differs from its source ({} rows copied, {target_rows} \
                 in the target)",
                copy.rows
            )));
        }
    }
    Ok(out)
}

fn param(v: &Value) -> Param<'_> {
    match v {
        Value::Null => Param::Null,
        Value::Int(i) => Param::Int(*i),
        Value::Real(f) => Param::Real(*f),
        Value::Text(s) => Param::Text(s),
    }
}

/// After the rows are in: the counts the triggers kept while rows were inserted one by one are
/// set from the rows themselves (the copied counts were incremented again), and PostgreSQL's
/// identity sequences move past the copied ids (SQLite's follow inserted ids by themselves).
fn finish_copy(db: &mut dyn Sql) -> Result<()> {
    db.execute(
        "UPDATE entities SET
             mention_count = (SELECT count(*) FROM version_entities ve
                               WHERE ve.entity_id = entities.id),
             statement_count = (SELECT count(*) FROM statements s
                                 WHERE s.entity_id = entities.id)",
        &[],
    )?;
    if db.backend() == Backend::Postgres {
        for table in [
            "documents",
            "versions",
            "feeds",
            "entities",
            "statements",
            "findings",
            "events",
            "webhooks",
        ] {
            db.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                ),
                &[],
            )?;
        }
    }
    Ok(())
}

/// FNV-1a over every row of a table in key order: equal on both sides iff they hold the same.
fn fingerprint(db: &dyn Database, table: &str, columns: &str, key: &str) -> Result<u64> {
    let select = format!("SELECT {columns} FROM {table} ORDER BY {key} LIMIT ?1 OFFSET ?2");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    pages(db, &select, &mut |rows, _| {
        for r in rows {
            for v in &r.0 {
                match v {
                    Value::Null => eat(b"N"),
                    Value::Int(i) => {
                        eat(b"I");
                        eat(&i.to_le_bytes());
                    }
                    Value::Real(f) => {
                        eat(b"R");
                        eat(&f.to_bits().to_le_bytes());
                    }
                    Value::Text(s) => {
                        eat(b"T");
                        eat(&(s.len() as u64).to_le_bytes());
                        eat(s.as_bytes());
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(h)
}

/// Runs `select` (with `LIMIT ?1 OFFSET ?2`) page by page, handing each page and the rows read so
/// far to `f`; returns how many rows there were.
fn pages(
    db: &dyn Database,
    select: &str,
    f: &mut dyn FnMut(&[Row], u64) -> Result<()>,
) -> Result<u64> {
    let mut done = 0u64;
    loop {
        let offset = i64::try_from(done).unwrap_or(i64::MAX);
        let rows = db::read(db, |sql| sql.query(select, &[Param::Int(PAGE), Param::Int(offset)]))?;
        if rows.is_empty() {
            return Ok(done);
        }
        done += rows.len() as u64;
        f(&rows, done)?;
    }
}
