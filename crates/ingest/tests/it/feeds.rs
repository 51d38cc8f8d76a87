//! Feed, sitemap and OPML parsing on fixtures.

use chrono::Utc;
use ingest::feeds::{OpmlOutline, parse_feed, parse_opml, write_opml};
use model::FeedRecord;

use crate::fixture;

#[test]
fn windows_1252_feed() {
    let bytes = std::fs::read(fixture("feed-windows-1252.xml")).unwrap();
    let (title, items) = parse_feed(&bytes, "http://news.example/feed.xml").unwrap();
    assert_eq!(title.as_deref(), Some("Café Press – Latest"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].title.as_deref(), Some("“We will not expel anyone,” says president"));
    assert_eq!(items[0].url.as_deref(), Some("http://news.example/2016/12/30/no-expulsions.html"));
    assert_eq!(items[0].summary.as_deref(), Some("Naïve résumé of the day’s events."));
    assert_eq!(items[0].published.unwrap().to_rfc3339(), "2016-12-30T13:05:00+00:00");
}

#[test]
fn malformed_and_hostile_feeds_are_errors() {
    let bad = std::fs::read(fixture("malformed-feed.xml")).unwrap();
    assert!(parse_feed(&bad, "http://x.example/").is_err());
    let lol = std::fs::read(fixture("billion-laughs.xml")).unwrap();
    let err = parse_feed(&lol, "http://x.example/").unwrap_err().to_string();
    assert!(err.contains("entity"), "{err}");
    assert!(parse_feed(b"", "http://x.example/").is_err());
    assert!(parse_feed(b"\xff\xfe\x00garbage", "http://x.example/").is_err());
}

#[test]
fn atom_and_json_feed() {
    let atom = br#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom T</title><id>urn:x</id><updated>2024-05-01T00:00:00Z</updated>
<entry><title>E1</title><id>urn:e1</id><link rel="alternate" href="https://a.example/e1"/><updated>2024-05-01T00:00:00Z</updated></entry>
</feed>"#;
    let (t, items) = parse_feed(atom, "https://a.example/atom").unwrap();
    assert_eq!(t.as_deref(), Some("Atom T"));
    assert_eq!(items[0].url.as_deref(), Some("https://a.example/e1"));
    let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": "https://j.example/1", "title": "One", "date_published": "2024-05-01T00:00:00Z"}]}"#;
    let (t, items) = parse_feed(json, "https://j.example/feed.json").unwrap();
    assert_eq!(t.as_deref(), Some("J"));
    assert_eq!(items[0].title.as_deref(), Some("One"));
    assert!(items[0].published.is_some());
}

#[test]
fn opml_import_export_round_trip() {
    let outlines = parse_opml(&std::fs::read(fixture("subscriptions.opml")).unwrap()).unwrap();
    assert_eq!(
        outlines,
        vec![
            OpmlOutline {
                url: "https://www.vanguardngr.com/feed/".into(),
                title: Some("Vanguard".into()),
                site_url: Some("https://www.vanguardngr.com/".into()),
            },
            OpmlOutline {
                url: "https://www.premiumtimesng.com/feed".into(),
                title: Some("Premium Times & Co".into()),
                site_url: None,
            },
            OpmlOutline {
                url: "http://feeds.bbci.co.uk/news/world/rss.xml?edition=uk".into(),
                title: Some("BBC World".into()),
                site_url: Some("https://www.bbc.co.uk/news/world".into()),
            },
        ]
    );
    let now = Utc::now();
    let records: Vec<FeedRecord> = outlines
        .iter()
        .map(|o| FeedRecord::new(o.url.clone(), o.title.clone(), o.site_url.clone(), now))
        .collect();
    let xml = write_opml(&records);
    assert_eq!(parse_opml(xml.as_bytes()).unwrap(), outlines);
    assert!(parse_opml(b"<rss></rss>").is_err());
    assert!(parse_opml(b"<opml><body><outline xmlUrl=").is_err());
}

#[test]
fn rss_091_with_doctype_and_rss_10() {
    let rss091 = br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link><description>d</description>
<item><title>Old item</title><link>http://old.example/1</link></item></channel></rss>"#;
    let (t, items) = parse_feed(rss091, "http://old.example/rss").unwrap();
    assert_eq!(t.as_deref(), Some("Old"));
    assert_eq!(items[0].url.as_deref(), Some("http://old.example/1"));
    let rdf = br#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://r.example/"><title>RDF</title><link>http://r.example/</link></channel>
<item rdf:about="http://r.example/1"><title>R1</title><link>http://r.example/1</link><dc:date>2024-05-01T00:00:00Z</dc:date></item>
</rdf:RDF>"#;
    let (t, items) = parse_feed(rdf, "http://r.example/rss").unwrap();
    assert_eq!(t.as_deref(), Some("RDF"));
    assert_eq!(items[0].url.as_deref(), Some("http://r.example/1"));
    assert!(items[0].published.is_some());
}
