//! Property tests: re-ingest is idempotent and versions follow content changes exactly.

use std::collections::{HashMap, HashSet};

use model::{IngestOutcome, RawDocument, Store};
use proptest::prelude::*;
use store::SqliteStore;

use crate::conformance::doc;

const CONTENTS: [&str; 4] = ["alpha", "beta", "alpha \r\n", "gamma"];

fn docs(seq: &[(u8, u8)]) -> Vec<RawDocument> {
    seq.iter().map(|&(k, c)| doc(&format!("k{k}"), CONTENTS[c as usize])).collect()
}

/// What a correct store answers, from a map of key to every content hash stored for it.
fn reference(
    seen: &mut HashMap<String, HashSet<String>>,
    docs: &[RawDocument],
) -> Vec<IngestOutcome> {
    docs.iter()
        .map(|d| match seen.get_mut(d.key.as_str()) {
            None => {
                seen.insert(d.key.0.clone(), HashSet::from([d.content_hash()]));
                IngestOutcome::New
            }
            Some(hashes) => {
                if hashes.insert(d.content_hash()) {
                    IngestOutcome::NewVersion
                } else {
                    IngestOutcome::Unchanged
                }
            }
        })
        .collect()
}

fn put_chunked(store: &mut SqliteStore, docs: &[RawDocument], chunk: usize) -> Vec<IngestOutcome> {
    docs.chunks(chunk).flat_map(|c| store.put_documents(c).unwrap()).collect()
}

fn snapshot(
    store: &SqliteStore,
    docs: &[RawDocument],
) -> (model::Stats, Vec<model::StoredVersion>) {
    let mut versions = Vec::new();
    let mut keys: Vec<_> = docs.iter().map(|d| d.key.clone()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        versions.extend(store.versions(&k).unwrap());
    }
    (Store::stats(store).unwrap(), versions)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any sequence, in any batching, gets the outcomes of the reference model, also when
    /// ingested a second time; versions per key = number of content changes for that key.
    #[test]
    fn outcomes_follow_content_changes(
        seq in prop::collection::vec((0u8..5, 0u8..4), 0..40),
        chunk in 1usize..8,
    ) {
        let docs = docs(&seq);
        let mut store = SqliteStore::open_in_memory().unwrap();
        let mut seen = HashMap::new();
        let want = reference(&mut seen, &docs);
        prop_assert_eq!(put_chunked(&mut store, &docs, chunk), want.clone());
        let want_again = reference(&mut seen, &docs);
        prop_assert_eq!(put_chunked(&mut store, &docs, chunk.max(3) - 2), want_again.clone());

        let mut changes: HashMap<&str, u64> = HashMap::new();
        for (d, o) in docs.iter().chain(&docs).zip(want.iter().chain(&want_again)) {
            if *o != IngestOutcome::Unchanged {
                *changes.entry(d.key.as_str()).or_default() += 1;
            }
        }
        for (key, n) in &changes {
            let stored = store.versions(&model::DocKey(key.to_string())).unwrap();
            prop_assert_eq!(stored.len() as u64, *n);
        }
        prop_assert_eq!(Store::stats(&store).unwrap().versions, changes.values().sum::<u64>());
    }

    /// Ingesting again what the store already holds as latest (or any sequence in which each key
    /// keeps one content) is all `Unchanged` and leaves the store exactly as it was.
    #[test]
    fn reingest_is_idempotent(
        seq in prop::collection::vec((0u8..5, 0u8..4), 0..40),
        chunk in 1usize..8,
    ) {
        let docs = docs(&seq);
        let mut store = SqliteStore::open_in_memory().unwrap();
        put_chunked(&mut store, &docs, chunk);
        let before = snapshot(&store, &docs);

        // The latest document of each key, in first-seen order.
        let mut latest: Vec<RawDocument> = Vec::new();
        for d in &docs {
            match latest.iter_mut().find(|l| l.key == d.key) {
                Some(l) => *l = d.clone(),
                None => latest.push(d.clone()),
            }
        }
        let again = put_chunked(&mut store, &latest, chunk);
        prop_assert!(again.iter().all(|o| *o == IngestOutcome::Unchanged));
        // Twice over, in one batch, duplicates included.
        let twice: Vec<_> = latest.iter().chain(&latest).cloned().collect();
        prop_assert!(store.put_documents(&twice).unwrap().iter().all(|o| *o == IngestOutcome::Unchanged));
        prop_assert_eq!(snapshot(&store, &docs), before);
    }
}
