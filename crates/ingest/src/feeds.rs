//! Feeds into items: RSS 0.9x/1.0/2.0, Atom and JSON Feed (via feed-rs), news sitemaps and
//! sitemap indexes (a small quick-xml reader), and OPML subscription lists in and out.
//!
//! XML with entity declarations is refused outright (billion laughs, external entities), and
//! counts are capped, so a hostile feed costs bounded time and memory.

use chrono::{DateTime, Utc};
use model::FeedRecord;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use crate::page::parse_date;
use crate::{Error, Result};

/// Most items taken from one feed or sitemap (sitemaps allow 50,000 URLs).
pub const MAX_ITEMS: usize = 50_000;
/// Largest decompressed gzipped feed or sitemap accepted (the sitemap protocol's own limit).
pub const MAX_FEED_BYTES: u64 = 50 << 20;
/// Most child sitemaps taken from one sitemap index.
pub const MAX_CHILD_SITEMAPS: usize = 1_000;

/// What a feed item points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// An article page.
    Article,
    /// A child sitemap listed by a sitemap index, to be fetched and parsed in turn.
    Sitemap,
}

/// One entry of a feed or sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The linked URL, absolute.
    pub url: String,
    /// The entry's title, if any.
    pub title: Option<String>,
    /// Publication (else update / lastmod) time, if any.
    pub published: Option<DateTime<Utc>>,
    /// The entry's summary, if any.
    pub summary: Option<String>,
    /// An article or a child sitemap.
    pub kind: ItemKind,
}

/// Parses a feed or sitemap. Returns the feed's title and its items, relative links resolved
/// against `base_url`. Entries without a usable link are skipped. Sitemap indexes yield
/// [`ItemKind::Sitemap`] items; `<urlset>` items come newest first.
pub fn parse_feed(bytes: &[u8], base_url: &str) -> Result<(Option<String>, Vec<FeedItem>)> {
    // Sitemaps are often served as `.xml.gz` files rather than with a Content-Encoding.
    let unzipped;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let (plain, cut) = crate::limits::capped_gunzip(bytes, MAX_FEED_BYTES).map_err(|e| {
            Error::Parse { what: "feed".into(), message: format!("bad gzip data: {e}") }
        })?;
        if cut {
            return Err(Error::Parse {
                what: "feed".into(),
                message: format!("larger than {MAX_FEED_BYTES} bytes once decompressed"),
            });
        }
        unzipped = plain;
        &unzipped[..]
    } else {
        bytes
    };
    let text = xml_text(bytes, "feed")?;
    match root_element(&text).as_deref() {
        Some("urlset") | Some("sitemapindex") => parse_sitemap(&text, base_url),
        _ => parse_syndication(&text, base_url),
    }
}

/// Decodes XML bytes to UTF-8 text whose declaration says UTF-8, refusing entity declarations.
fn xml_text(bytes: &[u8], what: &str) -> Result<String> {
    let (text, _) = crate::decode::decode(bytes, None);
    if text.contains("<!ENTITY") {
        return Err(Error::Parse {
            what: what.into(),
            message: "XML entity declarations are refused (entity expansion and external entities are unsafe)".into(),
        });
    }
    let text = text.trim_start_matches('\u{feff}');
    // The text is UTF-8 now; a parser that honours the declaration must not decode it again.
    if text.starts_with("<?xml")
        && let Some(end) = text.find("?>")
    {
        return Ok(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", &text[end + 2..]));
    }
    Ok(text.to_string())
}

/// The local name of the root element, if the text is XML.
fn root_element(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    for _ in 0..1000 {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return Some(e.local_name().as_ref().to_ascii_lowercase());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

fn parse_syndication(text: &str, base_url: &str) -> Result<(Option<String>, Vec<FeedItem>)> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base_url))
        .build()
        .parse(text.as_bytes())
        .map_err(|e| Error::Parse { what: "feed".into(), message: e.to_string() })?;
    let title = feed.title.map(|t| clean(&t.content)).filter(|t| !t.is_empty());
    let mut items = Vec::new();
    for entry in feed.entries.into_iter().take(MAX_ITEMS) {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| {
                (entry.id.starts_with("http://") || entry.id.starts_with("https://"))
                    .then(|| entry.id.clone())
            });
        let Some(url) = link.and_then(|l| model::url::resolve(Some(base_url), &l)) else {
            continue;
        };
        items.push(FeedItem {
            url,
            title: entry.title.map(|t| clean(&t.content)).filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated),
            summary: entry.summary.map(|s| s.content.trim().to_string()).filter(|s| !s.is_empty()),
            kind: ItemKind::Article,
        });
    }
    Ok((title, items))
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads `<urlset>` (with `news:` and `lastmod`) and `<sitemapindex>` documents.
fn parse_sitemap(text: &str, base_url: &str) -> Result<(Option<String>, Vec<FeedItem>)> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut items = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut current: Option<SitemapEntry> = None;
    let mut buf = String::new();
    let mut index = false;
    loop {
        let ev = reader.read_event().map_err(|e| Error::Parse {
            what: "sitemap".into(),
            message: format!("at byte {}: {e}", reader.buffer_position()),
        })?;
        match ev {
            Event::Start(e) => {
                let name = local(&e);
                if path.is_empty() && name == "sitemapindex" {
                    index = true;
                }
                if path.len() == 1 && (name == "url" || name == "sitemap") {
                    current = Some(SitemapEntry::default());
                }
                path.push(name);
                buf.clear();
                if path.len() > 64 {
                    return Err(Error::Parse {
                        what: "sitemap".into(),
                        message: "nested too deeply".into(),
                    });
                }
            }
            Event::Text(t) => buf.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::CData(t) => buf.push_str(&t),
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let c = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                if let Some(c) = c {
                    buf.push(c);
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let value = buf.trim().to_string();
                buf.clear();
                if let Some(cur) = current.as_mut() {
                    match name.as_str() {
                        "loc" if path.len() == 2 => cur.loc = Some(value),
                        "lastmod" if path.len() == 2 => cur.date = cur.date.take().or(Some(value)),
                        "title" if path.last().is_some_and(|p| p == "news") => {
                            cur.title = Some(value)
                        }
                        "publication_date" => cur.date = Some(value),
                        _ => {}
                    }
                }
                if path.len() == 1 && (name == "url" || name == "sitemap") {
                    if let Some(SitemapEntry { loc: Some(loc), title, date }) = current.take() {
                        let cap = if index { MAX_CHILD_SITEMAPS } else { MAX_ITEMS };
                        if items.len() < cap
                            && let Some(url) = model::url::resolve(Some(base_url), &loc)
                        {
                            items.push(FeedItem {
                                url,
                                title: title.map(|t| clean(&t)).filter(|t| !t.is_empty()),
                                published: date.as_deref().and_then(parse_date),
                                summary: None,
                                kind: if index { ItemKind::Sitemap } else { ItemKind::Article },
                            });
                        }
                    }
                    current = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !index {
        // Sitemaps are unordered; the newest entries matter most to a news tracker.
        items.sort_by_key(|i| std::cmp::Reverse(i.published));
    }
    Ok((None, items))
}

/// The fields of one `<url>` or `<sitemap>` entry being read.
#[derive(Default)]
struct SitemapEntry {
    loc: Option<String>,
    title: Option<String>,
    /// `news:publication_date`, else `lastmod`.
    date: Option<String>,
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_ascii_lowercase()
}

/// One feed of an OPML subscription list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlOutline {
    /// The feed URL (`xmlUrl`).
    pub url: String,
    /// Its title (`title`, else `text`).
    pub title: Option<String>,
    /// The site (`htmlUrl`).
    pub site_url: Option<String>,
}

/// Reads the feeds of an OPML file: every `<outline>` with an `xmlUrl`, at any nesting depth, in
/// document order, duplicates dropped.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlOutline>> {
    let text = xml_text(bytes, "OPML")?;
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out: Vec<OpmlOutline> = Vec::new();
    let mut saw_opml = false;
    loop {
        let ev = reader.read_event().map_err(|e| Error::Parse {
            what: "OPML".into(),
            message: format!("at byte {}: {e}", reader.buffer_position()),
        })?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = local(&e);
                if name == "opml" {
                    saw_opml = true;
                }
                if name != "outline" {
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut text_attr = None;
                let mut site = None;
                for attr in e.attributes().with_checks(false).flatten() {
                    let key = attr.key.local_name().as_ref().to_ascii_lowercase();
                    let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) else {
                        continue;
                    };
                    let value = value.trim().to_string();
                    if value.is_empty() {
                        continue;
                    }
                    match key.as_str() {
                        "xmlurl" => url = Some(value),
                        "title" => title = Some(value),
                        "text" => text_attr = Some(value),
                        "htmlurl" => site = Some(value),
                        _ => {}
                    }
                }
                if let Some(url) = url
                    && !out.iter().any(|o| o.url == url)
                    && out.len() < MAX_ITEMS
                {
                    out.push(OpmlOutline { url, title: title.or(text_attr), site_url: site });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(Error::Parse { what: "OPML".into(), message: "no <opml> element".into() });
    }
    Ok(out)
}

/// Writes subscriptions as an OPML 2.0 document that [`parse_opml`] and feed readers read back.
pub fn write_opml(feeds: &[FeedRecord]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>wirewatch subscriptions</title>\n  </head>\n  <body>\n",
    );
    for f in feeds {
        s.push_str("    <outline type=\"rss\"");
        if let Some(t) = &f.title {
            s.push_str(&format!(" text=\"{0}\" title=\"{0}\"", escape_attr(t)));
        } else {
            s.push_str(&format!(" text=\"{}\"", escape_attr(&f.url)));
        }
        s.push_str(&format!(" xmlUrl=\"{}\"", escape_attr(&f.url)));
        if let Some(site) = &f.site_url {
            s.push_str(&format!(" htmlUrl=\"{}\"", escape_attr(site)));
        }
        s.push_str("/>\n");
    }
    s.push_str("  </body>\n</opml>\n");
    s
}

/// Escapes an attribute value; characters XML 1.0 cannot carry are dropped.
fn escape_attr(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_relative_links() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A &amp; B</title><link>/a?utm_source=rss</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
<item><title>no link</title></item></channel></rss>"#;
        let (title, items) = parse_feed(rss, "https://ex.org/feed.xml").unwrap();
        assert_eq!(title.as_deref(), Some("T"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].url, "https://ex.org/a");
        assert_eq!(items[0].title.as_deref(), Some("A & B"));
        assert!(items[0].published.is_some());
    }

    #[test]
    fn news_sitemap_and_index() {
        let sm = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ex.org/old?a=1&amp;b=2</loc><news:news><news:publication><news:name>Ex</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-01-01</news:publication_date><news:title>Old</news:title></news:news></url>
<url><loc>https://ex.org/new</loc><lastmod>2024-06-01T00:00:00Z</lastmod></url>
</urlset>"#;
        let (_, items) = parse_feed(sm, "https://ex.org/sitemap.xml").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url, "https://ex.org/new");
        assert_eq!(items[1].url, "https://ex.org/old?a=1&b=2");
        assert_eq!(items[1].title.as_deref(), Some("Old"));
        let idx = br#"<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>https://ex.org/s2.xml</loc></sitemap></sitemapindex>"#;
        let (_, items) = parse_feed(idx, "https://ex.org/").unwrap();
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|i| i.kind == ItemKind::Sitemap));
    }

    #[test]
    fn gzipped_sitemap() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b"<urlset><url><loc>https://ex.org/z</loc></url></urlset>").unwrap();
        let (_, items) = parse_feed(&e.finish().unwrap(), "https://ex.org/").unwrap();
        assert_eq!(items[0].url, "https://ex.org/z");
    }

    #[test]
    fn billion_laughs_refused() {
        let x = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><channel><title>&lol2;</title></channel></rss>"#;
        assert!(parse_feed(x, "https://ex.org/").is_err());
    }

    #[test]
    fn opml_escaping_round_trip() {
        let now = Utc::now();
        let feeds = vec![FeedRecord::new(
            "https://ex.org/rss?a=1&b=<2>".into(),
            Some("Tom & \"Jerry\"".into()),
            Some("https://ex.org/".into()),
            now,
        )];
        let back = parse_opml(write_opml(&feeds).as_bytes()).unwrap();
        assert_eq!(
            back,
            vec![OpmlOutline {
                url: feeds[0].url.clone(),
                title: feeds[0].title.clone(),
                site_url: feeds[0].site_url.clone()
            }]
        );
    }
}
