//! Fuzz target: a feed as a server sends it (bytes, then a `Content-Type` and a
//! `Content-Location` taken from the input's tail), through every repair and the parser.
//! Invariant: no panic, and every item link is an absolute http(s) URL.
#![no_main]

use ingest::feeds::{FeedSource, parse_feed_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `body \0 content-type \0 content-location`, the headers optional.
    let mut parts = data.splitn(3, |&b| b == 0);
    let body = parts.next().unwrap_or_default();
    let content_type = parts.next().and_then(|h| std::str::from_utf8(h).ok());
    let content_location = parts.next().and_then(|h| std::str::from_utf8(h).ok());
    let source = FeedSource {
        url: Some("https://feeds.example/path/feed.xml"),
        content_type,
        content_location,
    };
    if let Ok(feed) = parse_feed_from(body, &source) {
        for item in feed.items {
            if let Some(url) = item.url {
                assert!(url.starts_with("http://") || url.starts_with("https://"), "{url}");
            }
        }
    }
});
