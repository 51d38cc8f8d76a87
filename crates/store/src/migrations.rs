//! The SQLite schema as an ordered list of migration steps, tracked with `PRAGMA user_version`.
//!
//! Invariant: a step, once released, never changes. A database at version `n` has had exactly
//! steps `1..=n` applied; a change to the schema is a new step at the end. The frozen file
//! `test_data/store/v1.sqlite3` holds a database made by step 1 alone, and a test checks both
//! that step 1 still produces the same schema and that it upgrades cleanly.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// One step of the schema: the SQL that takes a database from `version - 1` to `version`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The schema version the step produces (the first step produces 1).
    pub version: i64,
    /// What the step adds, for logs.
    pub description: &'static str,
    /// The SQL, run as one batch inside the step's transaction.
    pub sql: &'static str,
}

/// Every step, oldest first. `MIGRATIONS[i].version == i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "documents and their versions",
        sql: r#"
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    url           TEXT,
    canonical_url TEXT,
    outlet        TEXT,
    source_kind   TEXT NOT NULL,
    origin        TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL
);
CREATE TABLE versions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    content_kind TEXT NOT NULL,
    content      TEXT NOT NULL,
    title        TEXT,
    published    TEXT,
    fetched_at   TEXT NOT NULL,
    diagnostics  TEXT NOT NULL DEFAULT '[]',
    UNIQUE (document_id, version)
);
"#,
    },
    Migration {
        version: 2,
        description: "feeds, version processing state, latest-version pointer, indexes",
        sql: r#"
ALTER TABLE versions ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';

-- The latest version number, kept on the document so the ingest check for "same content as
-- last time" is one indexed lookup, and stats can join latest versions without a GROUP BY.
ALTER TABLE documents ADD COLUMN latest_version INTEGER NOT NULL DEFAULT 0;
UPDATE documents
   SET latest_version = (SELECT coalesce(max(version), 0) FROM versions
                          WHERE versions.document_id = documents.id);

-- Covering indexes for `stats`: a version row holds its content before `fetched_at` and
-- `state`, so without them counting would read every document's text.
CREATE INDEX documents_outlet ON documents(outlet);
CREATE INDEX versions_fetched_at ON versions(fetched_at);
CREATE INDEX versions_latest_state ON versions(document_id, version, state);

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    site_url      TEXT,
    added_at      TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_fetch    TEXT,
    last_status   INTEGER,
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_due      TEXT,
    state         TEXT NOT NULL DEFAULT 'new'
);
"#,
    },
    Migration {
        version: 3,
        description: "index versions by content hash, so re-ingesting any earlier version is a no-op",
        sql: "CREATE INDEX versions_doc_hash ON versions(document_id, content_hash);",
    },
    Migration {
        version: 4,
        description: "articles: the analysis of each version",
        sql: r#"
CREATE TABLE articles (
    version_id   INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
    analyzer     TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    title        TEXT,
    published    TEXT,
    language     TEXT,
    site_name    TEXT,
    body         TEXT NOT NULL,
    article_json TEXT NOT NULL,
    diagnostics  TEXT NOT NULL DEFAULT '[]'
);
"#,
    },
    Migration {
        version: 5,
        description: "entities with aliases across articles, statements, entities per version",
        sql: r#"
CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    surname    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX entities_surname ON entities(kind, surname);
CREATE TABLE entity_aliases (
    kind      TEXT NOT NULL,
    alias_key TEXT NOT NULL,
    alias     TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    evidence  TEXT,
    source    TEXT NOT NULL DEFAULT 'auto',
    PRIMARY KEY (kind, alias_key)
);
CREATE INDEX entity_aliases_entity ON entity_aliases(entity_id);
CREATE TABLE version_entities (
    version_id  INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    local_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    alias_key   TEXT NOT NULL,
    entity_id   INTEGER NOT NULL REFERENCES entities(id),
    name        TEXT NOT NULL,
    role        TEXT,
    affiliation TEXT,
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (version_id, local_id)
);
CREATE INDEX version_entities_entity ON version_entities(entity_id);
CREATE INDEX version_entities_alias ON version_entities(kind, alias_key);
CREATE TABLE statements (
    id            INTEGER PRIMARY KEY,
    version_id    INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    text          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    speaker       TEXT,
    speaker_start INTEGER,
    speaker_end   INTEGER,
    speaker_local TEXT,
    cue           TEXT,
    via           TEXT,
    confidence    REAL NOT NULL
);
CREATE INDEX statements_version ON statements(version_id);
"#,
    },
    Migration {
        version: 6,
        description: "stories and the story of each document",
        sql: r#"
CREATE TABLE stories (
    id             TEXT PRIMARY KEY,
    label          TEXT NOT NULL,
    first_seen     TEXT,
    last_updated   TEXT,
    state          TEXT NOT NULL,
    breaking_since TEXT,
    articles       INTEGER NOT NULL,
    copies         INTEGER NOT NULL,
    outlets        TEXT NOT NULL,
    entities       TEXT NOT NULL,
    state_json     TEXT NOT NULL
);
CREATE INDEX stories_last_updated ON stories(last_updated);
CREATE TABLE story_articles (
    document_id  INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    story_id     TEXT NOT NULL REFERENCES stories(id),
    duplicate_of TEXT,
    wire_agency  TEXT
);
CREATE INDEX story_articles_story ON story_articles(story_id);
"#,
    },
    Migration {
        version: 7,
        description: "stored findings and timelines of stories",
        sql: r#"
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    story_id    TEXT NOT NULL REFERENCES stories(id),
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL,
    confidence  REAL NOT NULL,
    explanation TEXT NOT NULL,
    outlets     TEXT NOT NULL,
    first       TEXT NOT NULL,
    second      TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    UNIQUE (story_id, fingerprint)
);
CREATE INDEX findings_found_at ON findings(found_at);
CREATE TABLE story_timelines (
    story_id TEXT PRIMARY KEY REFERENCES stories(id),
    entries  TEXT NOT NULL,
    updated  TEXT NOT NULL
);
CREATE TABLE story_changes_pending (
    story_id TEXT PRIMARY KEY
);
INSERT INTO story_changes_pending (story_id) SELECT id FROM stories;
"#,
    },
    Migration {
        version: 8,
        description: "live alerts: the events outbox and webhooks with delivery cursors",
        sql: r#"
-- AUTOINCREMENT so an id is never reused after old events are pruned: SSE clients resume with
-- Last-Event-ID and webhooks keep a cursor, and both must never mistake a new event for an old one.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    story   TEXT,
    entity  INTEGER,
    payload TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX events_created ON events(created);
CREATE INDEX events_story ON events(story, kind);
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    kinds        TEXT NOT NULL,
    story        TEXT,
    entity       INTEGER,
    query        TEXT,
    created      TEXT NOT NULL,
    cursor       INTEGER NOT NULL,
    delivered    INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER,
    last_error   TEXT,
    last_attempt TEXT
);
-- A webhook from the config file is known by its URL, so a restart finds its cursor again.
CREATE UNIQUE INDEX webhooks_config_url ON webhooks(url) WHERE source = 'config';
"#,
    },
    Migration {
        version: 9,
        description: "entity counts kept by triggers; statements indexed by their speaker entity; \
                      stored story digests; timelines redone (capped report lists)",
        sql: r#"
-- A story's digest (what its page shows beyond the record: articles in time order, coverage by
-- outlet, who said what) is computed with its findings and timeline and stored. It exists only
-- while it is current: every change to what it is made of deletes it (the triggers below), and
-- the page computes it live until the next refresh stores it again.
CREATE TABLE story_digests (
    story_id TEXT PRIMARY KEY,
    digest   TEXT NOT NULL,
    updated  TEXT NOT NULL
);
-- The entity pages and the entity list read these counts on every request; counting mentions and
-- statements of a much-quoted entity per request took ~100 ms over 100,000 articles. Triggers
-- keep them exact through every write path (analysis replaced, alias merged or split, versions
-- deleted by a cascade).
ALTER TABLE entities ADD COLUMN mention_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN statement_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statements ADD COLUMN entity_id INTEGER;
UPDATE statements SET entity_id = (
    SELECT ve.entity_id FROM version_entities ve
     WHERE ve.version_id = statements.version_id AND ve.local_id = statements.speaker_local)
 WHERE speaker_local IS NOT NULL;
-- The index first: the counts below use it (without it, one scan of statements per entity).
CREATE INDEX statements_entity ON statements(entity_id, version_id, start)
    WHERE entity_id IS NOT NULL;
UPDATE entities SET
    mention_count = (SELECT count(*) FROM version_entities ve WHERE ve.entity_id = entities.id),
    statement_count = (SELECT count(*) FROM statements s WHERE s.entity_id = entities.id);
CREATE INDEX entities_mentions ON entities(mention_count DESC, id);
CREATE INDEX version_entities_roles ON version_entities(entity_id)
    WHERE role IS NOT NULL OR affiliation IS NOT NULL;
CREATE TRIGGER version_entities_counted AFTER INSERT ON version_entities BEGIN
    UPDATE entities SET mention_count = mention_count + 1 WHERE id = NEW.entity_id;
END;
CREATE TRIGGER version_entities_uncounted AFTER DELETE ON version_entities BEGIN
    UPDATE entities SET mention_count = mention_count - 1 WHERE id = OLD.entity_id;
END;
CREATE TRIGGER version_entities_moved AFTER UPDATE OF entity_id ON version_entities
    WHEN OLD.entity_id IS NOT NEW.entity_id BEGIN
    UPDATE entities SET mention_count = mention_count - 1 WHERE id = OLD.entity_id;
    UPDATE entities SET mention_count = mention_count + 1 WHERE id = NEW.entity_id;
    UPDATE statements SET entity_id = NEW.entity_id
     WHERE version_id = NEW.version_id AND speaker_local = NEW.local_id;
    -- Who said what in the article's story changes with the speaker's entity.
    DELETE FROM story_digests WHERE story_id IN (
        SELECT sa.story_id FROM versions v JOIN story_articles sa ON sa.document_id = v.document_id
         WHERE v.id = NEW.version_id);
END;
CREATE TRIGGER statements_counted AFTER INSERT ON statements
    WHEN NEW.entity_id IS NOT NULL BEGIN
    UPDATE entities SET statement_count = statement_count + 1 WHERE id = NEW.entity_id;
END;
CREATE TRIGGER statements_uncounted AFTER DELETE ON statements
    WHEN OLD.entity_id IS NOT NULL BEGIN
    UPDATE entities SET statement_count = statement_count - 1 WHERE id = OLD.entity_id;
END;
CREATE TRIGGER story_changes_pending_digest AFTER INSERT ON story_changes_pending BEGIN
    DELETE FROM story_digests WHERE story_id = NEW.story_id;
END;
-- BEFORE: an INSERT OR REPLACE moving an article between stories fires no delete trigger.
CREATE TRIGGER story_articles_added_digest BEFORE INSERT ON story_articles BEGIN
    DELETE FROM story_digests WHERE story_id = NEW.story_id
        OR story_id IN (SELECT story_id FROM story_articles WHERE document_id = NEW.document_id);
END;
CREATE TRIGGER story_articles_removed_digest AFTER DELETE ON story_articles BEGIN
    DELETE FROM story_digests WHERE story_id = OLD.story_id;
END;
CREATE TRIGGER story_articles_moved_digest AFTER UPDATE ON story_articles BEGIN
    DELETE FROM story_digests WHERE story_id IN (OLD.story_id, NEW.story_id);
END;
-- Timelines now list the first reports of each entry and count the rest, and digests are new:
-- redo every story.
INSERT OR IGNORE INTO story_changes_pending (story_id) SELECT id FROM stories;
CREATE TRIGGER statements_moved AFTER UPDATE OF entity_id ON statements
    WHEN OLD.entity_id IS NOT NEW.entity_id BEGIN
    UPDATE entities SET statement_count = statement_count - 1 WHERE id = OLD.entity_id;
    UPDATE entities SET statement_count = statement_count + 1 WHERE id = NEW.entity_id;
END;
"#,
    },
    Migration {
        version: 10,
        description: "stories merged away by reassignment, so their ids redirect and are never reused",
        sql: r#"
-- Clustering may move every article of a young story into another (a lone first report that a
-- later story turns out to hold): the emptied story is deleted and remembered here, so links to
-- it lead to where its articles went and its id is never given to a new story.
CREATE TABLE story_merges (
    story_id  TEXT PRIMARY KEY,
    into_id   TEXT NOT NULL,
    merged_at TEXT NOT NULL
);
"#,
    },
    Migration {
        version: 11,
        description: "leases and progress marks, for workers sharing the store",
        sql: r#"
-- Who does which piece of shared work (a webhook's deliveries, a feed's poll) until when, in
-- milliseconds since the epoch by the database's clock. See `leases.rs`.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
);
-- How far ordered shared work has got (the last version assigned to stories). See `work.rs`.
CREATE TABLE progress (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"#,
    },
    Migration {
        version: 12,
        description: "version content in a table of its own, so updating a version's state no longer rewrites its page",
        sql: r#"
-- SQLite rewrites a whole row on any update: with the page's HTML in `versions`, marking a
-- version analysed copied its hundreds of kilobytes again (read, journalled, checkpointed).
CREATE TABLE version_contents (
    version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
    content    TEXT NOT NULL
);
INSERT INTO version_contents (version_id, content) SELECT id, content FROM versions;
ALTER TABLE versions DROP COLUMN content;
"#,
    },
    Migration {
        version: 13,
        description: "each analysis keeps what its story's findings need, so they are not made again",
        sql: r#"
-- `analyze::claims::VersionFacts` as JSON; NULL for analyses made before (the findings then
-- make it from the body).
ALTER TABLE articles ADD COLUMN facts_json TEXT;
"#,
    },
];

/// The newest schema version this build knows.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The schema version recorded in the database.
pub fn current_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the database up to `target` (at most [`LATEST_VERSION`]), one transaction per step,
/// so a failure leaves it at the last version that fully applied. `path` names the database in
/// errors.
pub fn migrate_to(conn: &mut Connection, target: i64, path: &Path) -> Result<()> {
    // The common case, an up-to-date database, needs no write lock.
    let found = current_version(conn).map_err(|e| classify_open_error(e, path))?;
    check_known(conn, found, path)?;
    if found >= target {
        return Ok(());
    }
    loop {
        // Each step reads the version again inside an IMMEDIATE transaction, so two processes
        // opening an old database at once apply each step once: the second waits for the lock,
        // then sees the step done.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify_open_error(e, path))?;
        let found = current_version(&tx)?;
        check_known(&tx, found, path)?;
        let Some(step) = MIGRATIONS.iter().find(|m| m.version == found + 1 && m.version <= target)
        else {
            return Ok(());
        };
        let fail =
            |source| Error::Migration { path: path.to_owned(), version: step.version, source };
        tx.execute_batch(step.sql).map_err(fail)?;
        // `user_version` is written in the same transaction, so the step and its record commit
        // together or not at all.
        tx.pragma_update(None, "user_version", step.version).map_err(fail)?;
        tx.commit().map_err(fail)?;
        tracing::info!(version = step.version, what = step.description, "migrated store schema");
    }
}

/// Refuses a database from a newer wirewatch, and one with tables but no version (not one we
/// made: better to refuse than to create our tables beside someone else's).
fn check_known(conn: &Connection, found: i64, path: &Path) -> Result<()> {
    if found > LATEST_VERSION {
        return Err(Error::SchemaTooNew { path: path.to_owned(), found, known: LATEST_VERSION });
    }
    if found == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(Error::NotADatabase {
                path: path.to_owned(),
                reason: format!("an SQLite database with {tables} unknown tables or indexes"),
            });
        }
    }
    Ok(())
}

/// Turns SQLite's "file is not a database" into an error naming the file.
pub(crate) fn classify_open_error(e: rusqlite::Error, path: &Path) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotADatabase {
            path: path.to_owned(),
            reason: "the file is not an SQLite database".to_string(),
        },
        _ => Error::Open { path: path.to_owned(), source: e },
    }
}
