//! Fuzz target: OPML subscription lists, and writing back what was subscribed.
//! Invariant: no panic; the feeds `feeds add --opml` would subscribe (URLs canonicalised as it
//! does) are written by `feeds export` so that they read back as the same feeds.
#![no_main]

use ingest::feeds::{OpmlOutline, parse_opml, write_opml};
use libfuzzer_sys::fuzz_target;
use model::FeedRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(outlines) = parse_opml(data) {
        let now = chrono::Utc::now();
        let records: Vec<FeedRecord> = outlines
            .iter()
            .filter_map(|o| {
                let url = model::url::canonicalize(&o.url)?;
                Some(FeedRecord::new(url, o.title.clone(), o.site_url.clone(), now))
            })
            .collect();
        let written = write_opml(&records);
        let again = parse_opml(written.as_bytes()).expect("our own OPML reads");
        let urls = |v: &[OpmlOutline]| {
            v.iter().filter_map(|o| model::url::canonicalize(&o.url)).collect::<Vec<_>>()
        };
        let mut subscribed: Vec<String> = records.iter().map(|r| r.url.clone()).collect();
        subscribed.dedup();
        assert_eq!(urls(&again), subscribed);
    }
});
