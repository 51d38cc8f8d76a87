//! Fuzz target: the search query as a person types it (`q`, then `from` and `to` after `\0`s),
//! against an empty index. Invariant: an answer, or a user error (`InvalidQuery`) for a
//! malformed range or date — never another error or a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use store::search::{SearchIndex, SearchQuery};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let index = SearchIndex::open(dir.path()).expect("an empty index");
            (dir, index)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\0');
    let q = SearchQuery {
        q: parts.next().unwrap_or_default().to_string(),
        from: parts.next().map(str::to_string),
        to: parts.next().map(str::to_string),
        limit: 10,
        ..SearchQuery::default()
    };
    match index().search(&q) {
        Ok(_) => {}
        Err(store::Error::InvalidQuery { .. }) => {}
        Err(e) => panic!("{q:?}: {e}"),
    }
});
