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
use crate::{Error, Result, xmlfix};
use model::Diagnostic;

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
    /// The linked page, absolute; `None` for an entry without a page whose full text is in the
    /// feed ([`FeedItem::content`]).
    pub url: Option<String>,
    /// The entry's id (an RSS `guid`, an Atom `id`), if it has one.
    pub id: Option<String>,
    /// The entry's title as text (entities decoded, markup removed), if any.
    pub title: Option<String>,
    /// Publication (else update / lastmod) time, if any.
    pub published: Option<DateTime<Utc>>,
    /// The entry's summary, if any.
    pub summary: Option<String>,
    /// The entry's full text as the feed carries it (`content:encoded`, Atom `content`), HTML.
    pub content: Option<String>,
    /// An article or a child sitemap.
    pub kind: ItemKind,
}

/// Where a feed came from: what its encoding and relative links are resolved with.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedSource<'a> {
    /// The feed's own URL, after redirects.
    pub url: Option<&'a str>,
    /// The HTTP `Content-Type`, whose charset overrides the XML declaration (RFC 3023).
    pub content_type: Option<&'a str>,
    /// The HTTP `Content-Location`, the base of relative links when the feed's URL is unknown.
    pub content_location: Option<&'a str>,
}

/// A parsed feed or sitemap.
#[derive(Debug, Clone, Default)]
pub struct ParsedFeed {
    /// The feed's title, if any.
    pub title: Option<String>,
    /// Its entries, in the feed's order (sitemaps: newest first).
    pub items: Vec<FeedItem>,
    /// What was repaired or doubtful (encodings, undeclared entities, dropped entries).
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a feed or sitemap. Returns the feed's title and its items, relative links resolved
/// against `base_url`; see [`parse_feed_from`].
pub fn parse_feed(bytes: &[u8], base_url: &str) -> Result<(Option<String>, Vec<FeedItem>)> {
    let f = parse_feed_from(bytes, &FeedSource { url: Some(base_url), ..FeedSource::default() })?;
    Ok((f.title, f.items))
}

/// Parses a feed (RSS 0.9x/1.0/2.0, Atom 1.0 and 0.3, JSON Feed) or a sitemap, as publishers
/// write them:
///
/// - the encoding is the `Content-Type` charset, else the XML declaration, else UTF-8 or a
///   guess; a declaration the bytes contradict is recovered from (see [`crate::decode`]);
/// - HTML named entities (`&eacute;`, `&nbsp;`) read as their characters; unknown entities and
///   bare `&` as text; entity *declarations* are refused (entity expansion is unsafe);
/// - relative links resolve against `xml:base`, else the feed's URL, else `Content-Location`;
/// - an entry without a link uses its `guid` when that is a permalink, and an entry with
///   neither is kept when its full text is in the feed (`url: None`, `content`);
/// - an error names the real cause and where it is (line, column, element).
///
/// Sitemap indexes yield [`ItemKind::Sitemap`] items; `<urlset>` items come newest first.
pub fn parse_feed_from(bytes: &[u8], source: &FeedSource<'_>) -> Result<ParsedFeed> {
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
    let mut diagnostics = Vec::new();
    let text = xml_text_with(bytes, "feed", source.content_type, &mut diagnostics)?;
    let base = source
        .url
        .and_then(|u| url::Url::parse(u).ok())
        .or_else(|| source.content_location.and_then(|u| url::Url::parse(u).ok()))
        .map(String::from)
        .unwrap_or_default();
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return parse_syndication(trimmed, &base, diagnostics);
    }
    if trimmed.is_empty() {
        return Err(parse_err("the document is empty"));
    }
    if !trimmed.starts_with('<') {
        return Err(parse_err("not a feed: neither XML nor JSON"));
    }
    let text = xmlfix::repair_entities(&text, &mut diagnostics).into_owned();
    let root = match xmlfix::root(&text) {
        Ok(Some(r)) => r,
        Ok(None) => return Err(parse_err("not a feed: the XML has no root element")),
        Err(e) => return Err(parse_err(&e)),
    };
    let name = root.name.to_ascii_lowercase();
    let text = match name.as_str() {
        "urlset" | "sitemapindex" => {
            let (title, items) = parse_sitemap(&text, &base)?;
            return Ok(ParsedFeed { title, items, diagnostics });
        }
        "feed" if root.namespace.as_deref() == Some(xmlfix::ATOM_03) => {
            diagnostics.push(Diagnostic::info("atom_03", "an Atom 0.3 feed, read as Atom 1.0"));
            xmlfix::atom03_to_10(&text)
        }
        "rss" if !matches!(root.version.as_deref(), Some("2.0" | "0.91" | "0.92")) => {
            xmlfix::rss_as_20(&text, &root)
        }
        "rss" | "rdf" | "feed" | "entry" => text,
        "html" => {
            return Err(parse_err(
                "not a feed: an HTML page (root element <html>); the site's feed is linked from it with <link rel=\"alternate\">",
            ));
        }
        _ => {
            return Err(parse_err(&format!(
                "not a feed: the root element is <{}>, not <rss>, <feed>, <rdf:RDF>, <urlset> or <sitemapindex>",
                root.name
            )));
        }
    };
    parse_syndication(&text, &base, diagnostics)
}

fn parse_err(message: &str) -> Error {
    Error::Parse { what: "feed".into(), message: message.to_string() }
}

/// Decodes XML bytes to UTF-8 text whose declaration says UTF-8, refusing entity declarations.
fn xml_text(bytes: &[u8], what: &str) -> Result<String> {
    xml_text_with(bytes, what, None, &mut Vec::new())
}

/// [`xml_text`] with the HTTP `Content-Type`, reporting what decoding did in `diags`.
fn xml_text_with(
    bytes: &[u8],
    what: &str,
    content_type: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Result<String> {
    let (text, d) = crate::decode::decode(bytes, content_type);
    diags.extend(d);
    if text.contains("<!ENTITY") {
        return Err(Error::Parse {
            what: what.into(),
            message: "XML entity declarations are refused (entity expansion and external entities are unsafe)".into(),
        });
    }
    let text = text.trim_start_matches('\u{feff}');
    // The text is UTF-8 now; a parser that honours the declaration must not decode it again.
    // A declaration anywhere but at the start is not XML (feeds glued together, a template's
    // header repeated): it goes, so no parser switches encodings halfway (quick-xml panics).
    let is_decl = |s: &str| {
        s.starts_with("<?xml") && s[5..].starts_with(|c: char| c.is_ascii_whitespace() || c == '?')
    };
    let (mut out, mut rest) = (String::with_capacity(text.len() + 40), text);
    if is_decl(rest)
        && let Some(end) = rest.find("?>")
    {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        rest = &rest[end + 2..];
    }
    while let Some(i) = rest.find("<?xml") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rest.find("?>") {
            Some(end) if is_decl(rest) => rest = &rest[end + 2..],
            _ => {
                out.push_str("<?xml");
                rest = &rest[5..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn parse_syndication(
    text: &str,
    base_url: &str,
    mut diagnostics: Vec<Diagnostic>,
) -> Result<ParsedFeed> {
    let base = (!base_url.is_empty()).then_some(base_url);
    // The parser must not take the poller down with it, whatever the feed.
    let parsed = std::panic::catch_unwind(|| {
        feed_rs::parser::Builder::new().base_uri(base).build().parse(text.as_bytes())
    });
    let Ok(feed) = parsed else {
        return Err(parse_err(
            &xmlfix::first_error(text)
                .unwrap_or_else(|| "the feed parser failed on this input".into()),
        ));
    };
    let feed = match feed {
        Ok(f) => f,
        Err(e) => {
            // The parser's own message is often "no root element" whatever the cause: find it.
            let message = xmlfix::first_error(text)
                .or_else(|| missing_parts(text))
                .unwrap_or_else(|| e.to_string());
            return Err(parse_err(&message));
        }
    };
    if feed.title.is_none()
        && feed.entries.is_empty()
        && let Some(why) = missing_parts(text)
    {
        return Err(parse_err(&why));
    }
    let not_permalinks = guids_not_permalinks(text);
    let title = feed.title.map(|t| text_of(&t)).filter(|t| !t.is_empty());
    let mut items = Vec::new();
    let mut dropped = 0usize;
    for entry in feed.entries.into_iter().take(MAX_ITEMS) {
        let guid_link = (entry.id.starts_with("http://") || entry.id.starts_with("https://"))
            && !not_permalinks.contains(entry.id.as_str());
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| guid_link.then(|| entry.id.clone()));
        let url = link.and_then(|l| model::url::resolve(base, &l));
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string);
        if url.is_none() && content.is_none() {
            dropped += 1;
            continue;
        }
        // Ids made up by the parser (a hash) are not the feed's.
        let id =
            (!entry.id.is_empty() && text.contains(entry.id.as_str())).then(|| entry.id.clone());
        items.push(FeedItem {
            url,
            id,
            title: entry.title.as_ref().map(text_of).filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated),
            summary: entry.summary.as_ref().map(summary_of).filter(|s| !s.is_empty()),
            content,
            kind: ItemKind::Article,
        });
    }
    if dropped > 0 {
        diagnostics.push(Diagnostic::warning(
            "entries_without_link",
            format!("{dropped} entries with neither a usable link nor their text in the feed were skipped"),
        ));
    }
    Ok(ParsedFeed { title, items, diagnostics })
}

/// Why a well-formed document is not a feed the parser reads: its missing parts.
fn missing_parts(text: &str) -> Option<String> {
    let has = |tag: &str| text.contains(&format!("<{tag}>")) || text.contains(&format!("<{tag} "));
    let root = xmlfix::root(text).ok().flatten()?;
    match root.name.to_ascii_lowercase().as_str() {
        "rss" if !has("channel") => Some("the <rss> element has no <channel>".into()),
        "rss" if !has("title") && !has("item") => {
            Some("the <channel> has neither a <title> nor any <item>".into())
        }
        "rdf" if !has("channel") && !has("item") => {
            Some("the <rdf:RDF> element has neither a <channel> nor any <item>".into())
        }
        _ => None,
    }
}

/// The RSS `guid`s marked `isPermaLink="false"`: ids, not links, even when they look like URLs.
fn guids_not_permalinks(text: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut inside = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "guid" => {
                inside = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref().eq_ignore_ascii_case("isPermaLink")
                        && a.value.trim().eq_ignore_ascii_case("false")
                });
            }
            Ok(Event::Text(t)) if inside => {
                out.insert(t.xml_content(XmlVersion::Implicit1_0).trim().to_string());
                inside = false;
            }
            Ok(Event::End(_)) => inside = false,
            Ok(Event::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

/// A feed text (title) as plain text: entities left by double escaping decoded, markup of HTML
/// titles removed, white space collapsed.
fn text_of(t: &feed_rs::model::Text) -> String {
    let html = is_html(t);
    clean(&xmlfix::html_text(&t.content, html))
}

/// Whether a feed text is HTML (or XHTML) rather than plain text.
fn is_html(t: &feed_rs::model::Text) -> bool {
    t.content_type.to_string().contains("html")
}

/// A summary: HTML kept as HTML; plain text with its leftover entities decoded.
fn summary_of(t: &feed_rs::model::Text) -> String {
    let html = is_html(t);
    if html {
        t.content.trim().to_string()
    } else {
        xmlfix::html_text(&t.content, false).trim().to_string()
    }
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
                                url: Some(url),
                                id: None,
                                title: title.map(|t| clean(&t)).filter(|t| !t.is_empty()),
                                published: date.as_deref().and_then(parse_date),
                                summary: None,
                                content: None,
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
        assert_eq!(items[0].url.as_deref(), Some("https://ex.org/a"));
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
        assert_eq!(items[0].url.as_deref(), Some("https://ex.org/new"));
        assert_eq!(items[1].url.as_deref(), Some("https://ex.org/old?a=1&b=2"));
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
        assert_eq!(items[0].url.as_deref(), Some("https://ex.org/z"));
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
