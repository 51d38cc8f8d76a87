//! Writes the frozen schema-v1 database `test_data/store/v1.sqlite3`.
//!
//! Run once, when the fixture is made, and never again for the same version:
//! `WIREWATCH_WRITE_STORE_FIXTURES=1 cargo test -p wirewatch-store --test it fixture::`

use std::path::Path;

use rusqlite::{Connection, params};
use store::migrations;

/// document id, version, kind, content, title, published, fetched_at, diagnostics.
type VersionRow<'a> =
    (i64, i64, &'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str, &'a str);

#[test]
fn make_v1_fixture() {
    if std::env::var_os("WIREWATCH_WRITE_STORE_FIXTURES").is_none() {
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/store/v1.sqlite3");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    let mut conn = Connection::open(&out).unwrap();
    // Only step 1, exactly as a wirewatch of schema version 1 would have left the file.
    migrations::migrate_to(&mut conn, 1, &out).unwrap();
    let a = "https://old.example/a";
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(
        "INSERT INTO documents (id, key, url, canonical_url, outlet, source_kind, origin,
                                first_seen, last_seen)
         VALUES (1, ?1, ?1, ?1, 'old.example', 'feed', ?1,
                 '2026-01-05T08:00:00.000000000Z', '2026-01-06T09:30:00.000000000Z'),
                (2, 'sha256:b', NULL, NULL, NULL, 'file', 'notes/b.txt',
                 '2026-01-06T10:00:00.000000000Z', '2026-01-06T10:00:00.000000000Z')",
        [a],
    )
    .unwrap();
    let mut version = conn
        .prepare(
            "INSERT INTO versions (document_id, version, content_hash, content_kind, content, title,
                                   published, fetched_at, diagnostics)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .unwrap();
    let rows: [VersionRow<'static>; 3] = [
        (
            1,
            1,
            "html",
            "Old text of a.",
            Some("A"),
            Some("2026-01-05T07:00:00.000000000Z"),
            "2026-01-05T08:00:00.000000000Z",
            "[]",
        ),
        (
            1,
            2,
            "html",
            "Old text of a, corrected.",
            Some("A, corrected"),
            None,
            "2026-01-06T09:30:00.000000000Z",
            "[]",
        ),
        (
            2,
            1,
            "text",
            "Old text of b.",
            None,
            None,
            "2026-01-06T10:00:00.000000000Z",
            r#"[{"severity":"warning","code":"encoding_guess","message":"guessed latin-1"}]"#,
        ),
    ];
    for (doc, n, kind, content, title, published, fetched, diags) in rows {
        let hash = model::content_hash(content);
        version
            .execute(params![doc, n, hash, kind, content, title, published, fetched, diags])
            .unwrap();
    }
    drop(version);
    conn.execute_batch("COMMIT; VACUUM;").unwrap();
}
