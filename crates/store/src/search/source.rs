//! What the search index is built from: the latest analysed version of each document, read from
//! the store with its story, the entities it mentions and its statements.

use crate::Result;
use crate::db::{self, Database};
use crate::sql::{Backend, params};

/// The version of a document that the index holds: its latest version that has an analysis.
const LATEST_ANALYSED: &str = "v.id = (SELECT v2.id FROM versions v2
                                         JOIN articles a2 ON a2.version_id = v2.id
                                        WHERE v2.document_id = d.id
                                        ORDER BY v2.version DESC LIMIT 1)";

/// One document as the index sees it.
#[derive(Debug, Clone)]
pub(crate) struct IndexRow {
    pub key: String,
    pub version_id: i64,
    pub version: i64,
    pub title: Option<String>,
    pub body: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub story: Option<String>,
    pub analyzer: String,
    /// Store-wide ids of the entities it mentions, ascending.
    pub entities: Vec<i64>,
    pub statements: Vec<StatementRow>,
}

/// One statement of an indexed version.
#[derive(Debug, Clone)]
pub(crate) struct StatementRow {
    pub text: String,
    pub speaker: Option<String>,
    pub via: Option<String>,
    /// The speaker's store-wide entity id, when the speaker was resolved to one.
    pub speaker_entity: Option<i64>,
}

/// What a sync compares: the key of an indexable document and the fingerprint of its entry.
#[derive(Debug, Clone)]
pub(crate) struct RowSig {
    pub key: String,
    pub sig: u64,
}

/// Reading what the index is built from, on either backend.
pub(crate) trait SearchSource: Database {
    /// The index row of the document stored under `key`, or `None` if it has no analysed
    /// version.
    fn search_row(&self, key: &str) -> Result<Option<IndexRow>> {
        let sql = format!(
            "SELECT d.key, v.id, v.version, coalesce(a.title, v.title), a.body,
                    coalesce(d.outlet, a.site_name), coalesce(a.published, v.published),
                    a.language, sa.story_id, a.analyzer
               FROM documents d
               JOIN versions v ON {LATEST_ANALYSED}
               JOIN articles a ON a.version_id = v.id
               LEFT JOIN story_articles sa ON sa.document_id = d.id
              WHERE d.key = ?1"
        );
        db::read(self, |db| {
            let Some(mut r) = db.query_opt(&sql, params![key])? else { return Ok(None) };
            let mut row = IndexRow {
                key: r.take(0)?,
                version_id: r.get(1)?,
                version: r.get(2)?,
                title: r.take(3)?,
                body: r.take(4)?,
                outlet: r.take(5)?,
                published: r.take(6)?,
                language: r.take(7)?,
                story: r.take(8)?,
                analyzer: r.take(9)?,
                entities: Vec::new(),
                statements: Vec::new(),
            };
            for r in db.query(
                "SELECT DISTINCT entity_id FROM version_entities WHERE version_id = ?1
                  ORDER BY entity_id",
                params![row.version_id],
            )? {
                row.entities.push(r.get(0)?);
            }
            for mut r in db.query(
                "SELECT s.text, s.speaker, s.via, ve.entity_id
                   FROM statements s
                   LEFT JOIN version_entities ve
                          ON ve.version_id = s.version_id AND ve.local_id = s.speaker_local
                  WHERE s.version_id = ?1
                  ORDER BY s.id",
                params![row.version_id],
            )? {
                row.statements.push(StatementRow {
                    text: r.take(0)?,
                    speaker: r.take(1)?,
                    via: r.take(2)?,
                    speaker_entity: r.get(3)?,
                });
            }
            Ok(Some(row))
        })
    }

    /// Every indexable document with the fingerprint its index entry should have, by key.
    fn search_signatures(&self) -> Result<Vec<RowSig>> {
        db::read(self, |db| {
            let entity_list = match db.backend() {
                Backend::Sqlite => "group_concat(entity_id, ',' ORDER BY entity_id)",
                Backend::Postgres => "string_agg(CAST(entity_id AS TEXT), ',' ORDER BY entity_id)",
            };
            let sql = format!(
                "SELECT d.key, v.id, a.analyzer, sa.story_id,
                        (SELECT {entity_list} FROM version_entities WHERE version_id = v.id)
                   FROM documents d
                   JOIN versions v ON {LATEST_ANALYSED}
                   JOIN articles a ON a.version_id = v.id
                   LEFT JOIN story_articles sa ON sa.document_id = d.id
                  ORDER BY d.id"
            );
            db.query(&sql, &[])?
                .into_iter()
                .map(|mut r| {
                    let key: String = r.take(0)?;
                    let version_id: i64 = r.get(1)?;
                    let analyzer: String = r.take(2)?;
                    let story: Option<String> = r.take(3)?;
                    let entities: Option<String> = r.take(4)?;
                    let sig =
                        signature(version_id, &analyzer, story.as_deref(), entities.as_deref());
                    Ok(RowSig { key, sig })
                })
                .collect()
        })
    }
}

impl<T: Database + ?Sized> SearchSource for T {}

impl IndexRow {
    /// The fingerprint of this row, equal to what [`SearchSource::search_signatures`] computes.
    pub(crate) fn sig(&self) -> u64 {
        let entities = self.entities.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let entities = (!entities.is_empty()).then_some(entities);
        signature(self.version_id, &self.analyzer, self.story.as_deref(), entities.as_deref())
    }
}

/// FNV-1a over the parts that decide an entry's content: the version (its text), the analyser
/// (its extraction), the story (assigned after analysis) and the entity ids (which a user's
/// alias merge or split can change). A stable hash of our own, so fingerprints survive a
/// toolchain upgrade.
fn signature(version_id: i64, analyzer: &str, story: Option<&str>, entities: Option<&str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(&version_id.to_le_bytes());
    eat(analyzer.as_bytes());
    eat(story.unwrap_or("\u{0}none").as_bytes());
    eat(entities.unwrap_or("").as_bytes());
    h
}
