//! No panics on any input: arbitrary bytes through every parser and reader.

use chrono::Utc;
use ingest::files::{ReadOptions, read_stdin};
use proptest::prelude::*;

fn small_opts() -> ReadOptions {
    ReadOptions {
        max_file_bytes: 1 << 16,
        max_decompressed_bytes: 1 << 16,
        max_line_bytes: 1 << 12,
    }
}

/// Bytes biased towards the markup the parsers look for.
fn markup() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"<"[..],
        b">",
        b"</",
        b"<title>",
        b"<link rel=canonical href=",
        b"<meta property='og:url' content=\"",
        b"\"",
        b"'",
        b"&amp;",
        b"&#x",
        b";",
        b"<!--",
        b"-->",
        b"<?xml version=\"1.0\" encoding=\"",
        b"?>",
        b"<rss><channel><item><link>",
        b"</item>",
        b"<urlset><url><loc>",
        b"</loc>",
        b"<opml><body><outline xmlUrl=\"",
        b"WARC/1.0\r\n",
        b"Content-Length: 5\r\n",
        b"WARC-Type: response\r\n",
        b"\r\n",
        b"HTTP/1.1 200 OK\r\n",
        b"Content-Type: text/html\r\n",
        b"{\"text\":\"",
        b"\"}\n",
        b"\xff",
        b"\xe9",
        b"\x1f\x8b",
        b"a",
        b" ",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![markup(), prop::collection::vec(any::<u8>(), 0..512)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(bytes in any_input()) {
        let (text, _) = ingest::decode::decode(&bytes, Some("text/html; charset=\"x"));
        let _ = ingest::page::head_meta(&text);
        let _ = ingest::page::parse_date(&text);
        let _ = ingest::feeds::parse_feed(&bytes, "https://base.example/feed");
        let _ = ingest::feeds::parse_opml(&bytes);
        let _ = ingest::limits::capped_gunzip(&bytes, 1 << 16);
        let mut n = 0;
        read_stdin(&bytes[..], &small_opts(), Utc::now(), &mut |_| n += 1);
        prop_assert!(n >= 1, "every input yields a document or an error");
    }

    #[test]
    fn documents_always_have_keys(bytes in any_input(), url in "(https?://[a-z]{1,5}\\.example/[a-z?=&_]{0,10})?") {
        let (content, diagnostics) = ingest::decode::decode(&bytes, None);
        let doc = ingest::page::build_document(ingest::page::DocInput {
            url: (!url.is_empty()).then_some(url),
            content,
            content_kind: model::ContentKind::Html,
            title: None,
            published: None,
            source: None,
            source_kind: model::SourceKind::File,
            origin: "t".into(),
            fetched_at: Utc::now(),
            diagnostics,
        });
        prop_assert!(!doc.key.as_str().is_empty());
        if let Some(c) = &doc.canonical_url {
            prop_assert_eq!(doc.key.as_str(), c.as_str());
        }
    }
}
