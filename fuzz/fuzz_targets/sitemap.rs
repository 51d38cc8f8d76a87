//! Fuzz target: news sitemaps and sitemap indexes (the input is the inside of a `<urlset>` or,
//! when it starts with `i`, of a `<sitemapindex>`). Invariant: no panic; entries are bounded.
#![no_main]

use ingest::feeds::{MAX_ITEMS, parse_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (root, inner) = match data.split_first() {
        Some((b'i', rest)) => ("sitemapindex", rest),
        _ => ("urlset", data),
    };
    let mut doc = format!(
        "<?xml version=\"1.0\"?><{root} xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
    )
    .into_bytes();
    doc.extend_from_slice(inner);
    doc.extend_from_slice(format!("</{root}>").as_bytes());
    if let Ok((_, items)) = parse_feed(&doc, "https://news.example/sitemap.xml") {
        assert!(items.len() <= MAX_ITEMS);
    }
});
