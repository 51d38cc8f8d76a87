//! Pages as documents: a cheap scan of an HTML head for identity metadata (`rel=canonical`,
//! `<title>`, `og:site_name`, `og:url`, `article:published_time`) and [`build_document`], which
//! turns any read or fetched content into a [`RawDocument`] with its identity key.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use model::{ContentKind, Diagnostic, DocKey, RawDocument, SourceKind, normalize_outlet};

/// How much of a page the head scan looks at. Metadata lives in `<head>`; a page whose head is
/// larger than this is not worth scanning further.
const HEAD_SCAN_BYTES: usize = 512 * 1024;

/// Identity metadata found in an HTML head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadMeta {
    /// `<link rel=canonical href>` (else `og:url`), as written (maybe relative).
    pub canonical: Option<String>,
    /// `<title>` (else `og:title`), entities decoded and white space collapsed.
    pub title: Option<String>,
    /// `og:site_name` (else `application-name`).
    pub site_name: Option<String>,
    /// `article:published_time` (or a few common equivalents).
    pub published: Option<DateTime<Utc>>,
}

/// Scans the head of an HTML page for identity metadata. Never fails: missing or odd markup just
/// leaves fields empty.
pub fn head_meta(html: &str) -> HeadMeta {
    let mut end = html.len().min(HEAD_SCAN_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let s = &html[..end];
    let mut meta = HeadMeta::default();
    let (mut og_url, mut og_title, mut app_name) = (None, None, None);
    let mut i = 0;
    while let Some(off) = s[i..].find('<') {
        let p = i + off;
        let rest = &s[p..];
        if rest.starts_with("<!--") {
            i = s[p..].find("-->").map_or(s.len(), |e| p + e + 3);
            continue;
        }
        let Some(tag_end) = find_tag_end(s, p) else { break };
        let name_end = s[p + 1..tag_end]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(tag_end, |e| p + 1 + e);
        let name = s[p + 1..name_end].to_ascii_lowercase();
        let attrs_src = &s[name_end..tag_end];
        i = tag_end + 1;
        match name.as_str() {
            "title" if meta.title.is_none() => {
                if let Some(close) = find_ci(&s[i..], "</title") {
                    let t = clean_text(&s[i..i + close]);
                    if !t.is_empty() {
                        meta.title = Some(t);
                    }
                    i += close;
                }
            }
            "script" | "style" | "noscript" | "template" | "svg" => {
                let close = format!("</{name}");
                i = find_ci(&s[i..], &close).map_or(s.len(), |e| i + e);
            }
            "link" => {
                let attrs = parse_attrs(attrs_src);
                let rel = get(&attrs, "rel").unwrap_or_default().to_ascii_lowercase();
                if meta.canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                    meta.canonical = get(&attrs, "href").filter(|h| !h.trim().is_empty());
                }
            }
            "meta" => {
                let attrs = parse_attrs(attrs_src);
                let key = get(&attrs, "property")
                    .or_else(|| get(&attrs, "name"))
                    .or_else(|| get(&attrs, "itemprop"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let Some(content) = get(&attrs, "content").map(|c| clean_text(&c)) else {
                    continue;
                };
                if content.is_empty() {
                    continue;
                }
                match key.as_str() {
                    "og:site_name" if meta.site_name.is_none() => meta.site_name = Some(content),
                    "application-name" if app_name.is_none() => app_name = Some(content),
                    "og:url" if og_url.is_none() => og_url = Some(content),
                    "og:title" if og_title.is_none() => og_title = Some(content),
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "date"
                    | "dc.date.issued"
                    | "dcterms.created"
                    | "sailthru.date"
                        if meta.published.is_none() =>
                    {
                        meta.published = parse_date(&content)
                    }
                    _ => {}
                }
            }
            "body" => break,
            _ => {}
        }
    }
    meta.canonical = meta.canonical.or(og_url);
    meta.title = meta.title.or(og_title);
    meta.site_name = meta.site_name.or(app_name);
    meta
}

/// The byte offset of the first occurrence of `needle` (lower-case ASCII starting with `<`) in
/// `hay`, ignoring ASCII case: the head scan's way of finding closing tags without lower-casing
/// a copy of the page first.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.match_indices('<')
        .map(|(k, _)| k)
        .find(|&k| hay.as_bytes().get(k..k + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

/// The index of the `>` closing the tag opened at `start`, skipping quoted attribute values.
fn find_tag_end(s: &str, start: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (k, &b) in s.as_bytes()[start..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(start + k),
            _ => {}
        }
    }
    None
}

/// Attribute `(name lower-cased, value entity-decoded)` pairs of a tag's attribute text.
fn parse_attrs(src: &str) -> Vec<(String, String)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if ns == i {
            i += 1;
            continue;
        }
        let name = src[ns..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = b[vs..].iter().position(|&c| c == q).map_or(b.len(), |e| vs + e);
                value = decode_entities(&src[vs..ve]);
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = decode_entities(&src[vs..i]);
            }
        }
        out.push((name, value));
    }
    out
}

fn get(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Decodes entities and collapses white space.
fn clean_text(s: &str) -> String {
    decode_entities(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the character references that occur in titles and attribute values: numeric ones and
/// the few named ones that matter. Unknown references are kept as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    "ndash" => Some('–'),
                    "mdash" => Some('—'),
                    "lsquo" => Some('‘'),
                    "rsquo" => Some('’'),
                    "ldquo" => Some('“'),
                    "rdquo" => Some('”'),
                    "hellip" => Some('…'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses the date forms sources use: RFC 3339, RFC 2822, ISO 8601 without seconds or zone
/// (taken as UTC), and a bare `YYYY-MM-DD` (midnight UTC).
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let naive = s.trim_end_matches('Z');
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, f) {
            return Some(d.and_utc());
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
        }
    }
    None
}

/// Everything known about a document before its identity is worked out.
#[derive(Debug, Clone)]
pub struct DocInput {
    /// The URL it was fetched from or declared with, if any.
    pub url: Option<String>,
    /// Decoded content.
    pub content: String,
    /// HTML or text.
    pub content_kind: ContentKind,
    /// A title declared by the source; wins over the page's `<title>`.
    pub title: Option<String>,
    /// A publication time declared by the source; wins over the page's own.
    pub published: Option<DateTime<Utc>>,
    /// An outlet hint (e.g. a JSONL `source` field); `og:site_name` wins over it.
    pub source: Option<String>,
    /// What kind of source it came from.
    pub source_kind: SourceKind,
    /// Where exactly it came from (`path`, `path:LINE`, `archive.warc#N`, URL, `-`).
    pub origin: String,
    /// When it was fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// What was doubtful so far (decoding, truncation...).
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds a [`RawDocument`] and its identity.
///
/// The key is the canonical URL — the page's `rel=canonical` (or `og:url`) resolved against its URL
/// and canonicalised, else the canonicalised URL — or, without any URL, a hash of the content.
/// The outlet is the host (without `www.`), else `og:site_name`, else the `source` hint,
/// normalised. The host comes first because it is the one name every page and feed of an outlet
/// shares; site names and JSONL `source` fields are spelled differently from page to page.
pub fn build_document(input: DocInput) -> RawDocument {
    let DocInput {
        url,
        content,
        content_kind,
        title,
        published,
        source,
        source_kind,
        origin,
        fetched_at,
        mut diagnostics,
    } = input;
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    let meta = match content_kind {
        ContentKind::Html => head_meta(&content),
        ContentKind::Text => HeadMeta::default(),
    };
    let url_canonical = url.as_deref().and_then(model::url::canonicalize);
    if let (Some(u), None) = (&url, &url_canonical) {
        diagnostics.push(Diagnostic::warning(
            "invalid_url",
            format!("{u:?} is not an absolute http(s) URL; the document is keyed by its content"),
        ));
    }
    let declared = meta.canonical.as_deref().and_then(|href| {
        let resolved = model::url::resolve(url_canonical.as_deref(), href);
        if resolved.is_none() {
            diagnostics.push(Diagnostic::info(
                "invalid_canonical",
                format!("ignored rel=canonical {href:?}: not a usable http(s) URL"),
            ));
        }
        resolved
    });
    let canonical_url = declared.or(url_canonical);
    let key = DocKey::for_document(canonical_url.as_deref(), &content);
    let host = canonical_url.as_deref().or(url.as_deref()).and_then(model::url::host);
    let outlet = host
        .or(meta.site_name.clone())
        .or(source.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
        .map(|o| normalize_outlet(&o))
        .filter(|o| !o.is_empty());
    let title = title.map(|t| clean_text(&t)).filter(|t| !t.is_empty()).or(meta.title);
    RawDocument {
        key,
        url,
        canonical_url,
        outlet,
        title,
        published: published.or(meta.published),
        fetched_at,
        source_kind,
        origin,
        content_kind,
        content,
        diagnostics,
        analysis: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
<meta charset="utf-8"><!-- <title>not this</title> -->
<title> Fire at the &amp; docks
 </title>
<script>var x = "<link rel='canonical' href='/wrong'>";</script>
<link href="/news/fire-docks?utm_source=tw" rel="canonical">
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2024-05-01T10:30:00+02:00">
</head><body><link rel=canonical href="/body-wrong"></body></html>"#;

    #[test]
    fn scans_head() {
        let m = head_meta(PAGE);
        assert_eq!(m.title.as_deref(), Some("Fire at the & docks"));
        assert_eq!(m.canonical.as_deref(), Some("/news/fire-docks?utm_source=tw"));
        assert_eq!(m.site_name.as_deref(), Some("The Daily Example"));
        assert_eq!(m.published.unwrap().to_rfc3339(), "2024-05-01T08:30:00+00:00");
    }

    #[test]
    fn odd_markup_does_not_panic() {
        for s in [
            "<",
            "<title>",
            "<meta content='x",
            "<link rel=canonical href=",
            "<!--",
            "é<ti",
            "&#xffffffff; <title>&#0;&</title>",
        ] {
            let _ = head_meta(s);
        }
    }

    #[test]
    fn builds_key_from_canonical() {
        let d = build_document(DocInput {
            url: Some("https://WWW.example.com/amp/fire?utm_medium=x".into()),
            content: PAGE.into(),
            content_kind: ContentKind::Html,
            title: None,
            published: None,
            source: Some("ignored".into()),
            source_kind: SourceKind::Url,
            origin: "t".into(),
            fetched_at: Utc::now(),
            diagnostics: vec![],
        });
        assert_eq!(d.key.as_str(), "https://www.example.com/news/fire-docks");
        assert_eq!(d.outlet.as_deref(), Some("example.com"));
        assert_eq!(d.title.as_deref(), Some("Fire at the & docks"));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-05-01").is_some());
        assert!(parse_date("Wed, 01 May 2024 10:00:00 GMT").is_some());
        assert!(parse_date("2024-05-01 10:00:00").is_some());
        assert!(parse_date("2024-05-01T10:00Z").is_some());
        assert!(parse_date("yesterday").is_none());
    }
}
