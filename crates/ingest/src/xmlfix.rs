//! Repairs of feed XML as real publishers write it, before the feed parser reads it: HTML named
//! entities (`&eacute;`, `&nbsp;`), which XML does not declare, become character references;
//! bare ampersands and unknown entities become text; Atom 0.3 becomes Atom 1.0; an `<rss>`
//! root without a known version reads as RSS 2.0. And, when a feed still cannot be read, the
//! real cause and where it is (line, column, element).
//!
//! Everything here is a single pass over the text; CDATA sections, comments and processing
//! instructions are copied untouched.

use std::borrow::Cow;

use model::Diagnostic;
use quick_xml::events::Event;

/// The Atom 0.3 namespace.
pub(crate) const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";

/// The character an HTML5 named entity stands for (`name` without `&` and `;`), if any.
pub(crate) fn named_entity(name: &str) -> Option<String> {
    if name.len() > 40 {
        return None;
    }
    let (a, b) = *html5ever::data::NAMED_ENTITIES.get(format!("{name};").as_str())?;
    let mut s = String::new();
    s.extend(char::from_u32(a));
    if b != 0 {
        s.extend(char::from_u32(b));
    }
    (!s.is_empty()).then_some(s)
}

/// The character of a numeric reference, as HTML reads it: C1 controls are the windows-1252
/// characters publishers meant (`&#146;` is ’), and what is not a character is U+FFFD.
pub(crate) fn numeric_char(code: u32) -> char {
    if (0x80..0xa0).contains(&code) {
        let byte = [code as u8];
        let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
        return s.chars().next().unwrap_or('\u{fffd}');
    }
    match char::from_u32(code) {
        Some(c) if code != 0 && xml_char(c) => c,
        _ => '\u{fffd}',
    }
}

/// Whether XML 1.0 allows `c` in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Parses a reference at the start of `s` (just after `&`): `name;`, `#123;` or `#x1F;`.
/// Returns the reference's length up to and including `;`, and what it is.
fn reference(s: &str) -> Option<(usize, Ref<'_>)> {
    let end = s.bytes().take(42).position(|b| b == b';')?;
    let body = &s[..end];
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).unwrap_or(u32::MAX)
            }
            None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                num.parse().unwrap_or(u32::MAX)
            }
            _ => return None,
        };
        return Some((end + 1, Ref::Numeric(code)));
    }
    let mut chars = body.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some((end + 1, Ref::Named(body)))
}

enum Ref<'a> {
    Numeric(u32),
    Named(&'a str),
}

/// Replaces what XML cannot read in a publisher's feed: HTML named entities become character
/// references, a numeric reference to a C1 control the windows-1252 character it meant, an
/// unknown entity or a bare `&` text (`&amp;`). Each kind of repair is reported once, with
/// the line of its first occurrence.
pub(crate) fn repair_entities<'a>(text: &'a str, diags: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let (mut named, mut unknown, mut bare) = (None::<(usize, String)>, None, None);
    let mut rest = text;
    let mut line = 1;
    while let Some(i) = rest.find(['&', '<']) {
        line += rest[..i].bytes().filter(|&b| b == b'\n').count();
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            // Copy sections whose text is not markup as they are.
            let skip = [("<![CDATA[", "]]>"), ("<!--", "-->"), ("<?", "?>")]
                .iter()
                .find(|(open, _)| rest.starts_with(open))
                .map(|(open, close)| {
                    rest[open.len()..]
                        .find(close)
                        .map_or(rest.len(), |e| open.len() + e + close.len())
                })
                .unwrap_or(1);
            line += rest[..skip].bytes().filter(|&b| b == b'\n').count();
            out.push_str(&rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        match reference(&rest[1..]) {
            Some((len, Ref::Named("amp" | "lt" | "gt" | "quot" | "apos"))) => {
                out.push_str(&rest[..=len]);
                rest = &rest[1 + len..];
            }
            Some((len, Ref::Named(name))) => {
                match named_entity(name) {
                    Some(chars) => {
                        for c in chars.chars() {
                            out.push_str(&format!("&#{};", u32::from(c)));
                        }
                        named.get_or_insert((line, name.to_string()));
                    }
                    None => {
                        out.push_str("&amp;");
                        out.push_str(&rest[1..=len]);
                        unknown.get_or_insert((line, name.to_string()));
                    }
                }
                rest = &rest[1 + len..];
            }
            Some((len, Ref::Numeric(code))) => {
                let c = numeric_char(code);
                out.push_str(&format!("&#{};", u32::from(c)));
                rest = &rest[1 + len..];
            }
            None => {
                out.push_str("&amp;");
                bare.get_or_insert(line);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    if let Some((line, name)) = named {
        diags.push(Diagnostic::info(
            "html_entities",
            format!("HTML entities XML does not declare (first &{name}; on line {line}) were read as their characters"),
        ));
    }
    if let Some((line, name)) = unknown {
        diags.push(Diagnostic::warning(
            "unknown_entity",
            format!("unknown entity &{name}; on line {line} kept as text"),
        ));
    }
    if let Some(line) = bare {
        diags.push(Diagnostic::warning(
            "bare_ampersand",
            format!("a bare '&' (not a reference) on line {line} read as text"),
        ));
    }
    Cow::Owned(out)
}

/// The root element: its local name, its namespace, its `version` attribute, and where its
/// start tag is in the text.
#[derive(Debug, Default)]
pub(crate) struct Root {
    pub name: String,
    pub namespace: Option<String>,
    pub version: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// Finds the root element, or the first XML error before it.
pub(crate) fn root(text: &str) -> std::result::Result<Option<Root>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    for _ in 0..10_000 {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.value.to_string())
                };
                let prefix = e.name().prefix().map(|p| p.as_ref().to_string());
                let ns_attr = match &prefix {
                    Some(p) => format!("xmlns:{p}"),
                    None => "xmlns".to_string(),
                };
                return Ok(Some(Root {
                    name: e.local_name().as_ref().to_string(),
                    namespace: attr(&ns_attr),
                    version: attr("version"),
                    start,
                    end: usize::try_from(reader.buffer_position()).unwrap_or(text.len()),
                }));
            }
            Ok(Event::Eof) => return Ok(None),
            Err(e) => return Err(at(text, start, &e.to_string(), &[])),
            Ok(_) => {}
        }
    }
    Ok(None)
}

/// Rewrites an Atom 0.3 feed as Atom 1.0: its namespace, and the elements that were renamed
/// (`issued` → `published`, `modified` → `updated`, `tagline` → `subtitle`, `copyright` →
/// `rights`); escaped content is HTML.
pub(crate) fn atom03_to_10(text: &str) -> String {
    let mut s = text.replacen(ATOM_03, ATOM_10, 1);
    for (old, new) in [
        ("issued", "published"),
        ("modified", "updated"),
        ("tagline", "subtitle"),
        ("copyright", "rights"),
    ] {
        s = rename_element(&s, old, new);
    }
    s.replace("mode=\"escaped\"", "type=\"html\"").replace("mode='escaped'", "type='html'")
}

/// Renames every `<old ...>` and `</old>` (unprefixed) to `new`.
fn rename_element(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let slash = rest.starts_with('/');
        let name_at = usize::from(slash);
        let after = &rest[name_at..];
        if after.starts_with(old)
            && after[old.len()..].starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace())
        {
            if slash {
                out.push('/');
            }
            out.push_str(new);
            rest = &after[old.len()..];
        }
    }
    out.push_str(rest);
    out
}

/// Gives the root start tag of an RSS feed a version the parser reads (RSS 0.93, 0.94, 2.0.1,
/// or none at all, are read as 2.0).
pub(crate) fn rss_as_20(text: &str, root: &Root) -> String {
    let tag = &text[root.start..root.end];
    let fixed = match tag.find("version") {
        Some(v) => {
            let rest = &tag[v..];
            let q = rest.find(['"', '\'']);
            let close = q.and_then(|q| rest[q + 1..].find(&rest[q..=q]).map(|e| q + 1 + e + 1));
            match close {
                Some(c) => format!("{}version=\"2.0\"{}", &tag[..v], &rest[c..]),
                None => tag.to_string(),
            }
        }
        None => {
            let cut = tag.len() - if tag.ends_with("/>") { 2 } else { 1 };
            format!("{} version=\"2.0\"{}", &tag[..cut], &tag[cut..])
        }
    };
    format!("{}{}{}", &text[..root.start], fixed, &text[root.end..])
}

/// The first XML error in `text`, with its line, column and the open elements, if any.
pub(crate) fn first_error(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut open: Vec<String> = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                open.push(e.name().as_ref().to_string());
                if open.len() > 1000 {
                    return Some(at(text, before, "nested more than 1,000 elements deep", &open));
                }
            }
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) => {
                return (!open.is_empty()).then(|| {
                    at(text, text.len(), "the document ends before its elements are closed", &open)
                });
            }
            Ok(_) => {}
            Err(e) => {
                let pos = usize::try_from(reader.error_position()).unwrap_or(before);
                return Some(at(text, pos.max(before), &e.to_string(), &open));
            }
        }
    }
}

/// `message` placed at byte `pos` of `text`: line, column and the open elements.
fn at(text: &str, pos: usize, message: &str, open: &[String]) -> String {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let inside = if open.is_empty() {
        String::new()
    } else {
        let path: Vec<String> = open.iter().rev().take(3).rev().map(|e| format!("<{e}>")).collect();
        format!(", in {}", path.join(""))
    };
    format!("XML error on line {line}, column {column}{inside}: {message}")
}

/// Text that may carry HTML (feed titles often do, escaped once more than XML needs): entity
/// references decoded, and (`html`) tags removed.
pub(crate) fn html_text(s: &str, html: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let tag_like =
                rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
            match rest.find('>') {
                Some(e) if html && tag_like => {
                    out.push(' ');
                    rest = &rest[e + 1..];
                }
                _ => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        match reference(&rest[1..]) {
            Some((len, Ref::Numeric(code))) => {
                out.push(numeric_char(code));
                rest = &rest[1 + len..];
            }
            Some((len, Ref::Named(name))) => {
                match named_entity(name) {
                    Some(chars) => out.push_str(&chars),
                    None => out.push_str(&rest[..=len]),
                }
                rest = &rest[1 + len..];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_become_references_outside_cdata() {
        let mut d = Vec::new();
        let t = repair_entities(
            "<t>Caf&eacute; &nbsp;&amp; AT&T &bogus; &#146;&#x41;</t><![CDATA[&eacute;]]><!-- &x -->",
            &mut d,
        );
        assert_eq!(
            t,
            "<t>Caf&#233; &#160;&amp; AT&amp;T &amp;bogus; &#8217;&#65;</t><![CDATA[&eacute;]]><!-- &x -->"
        );
        let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["html_entities", "unknown_entity", "bare_ampersand"]);
        assert!(matches!(repair_entities("<a>plain</a>", &mut d), Cow::Borrowed(_)));
    }

    #[test]
    fn html_text_decodes_and_strips() {
        assert_eq!(html_text("Caf&eacute; &lt;b&gt; &amp;c", false), "Café <b> &c");
        assert_eq!(html_text("<b>Bold</b> a < b &zwj;", true), " Bold  a < b \u{200d}");
    }

    #[test]
    fn renames_atom_03_elements() {
        assert_eq!(
            atom03_to_10(
                "<feed xmlns=\"http://purl.org/atom/ns#\"><issued>x</issued><issuedby/></feed>"
            ),
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><published>x</published><issuedby/></feed>"
        );
    }

    #[test]
    fn rss_versions() {
        for (src, want) in [
            ("<rss><channel/></rss>", "<rss version=\"2.0\"><channel/></rss>"),
            (
                "<rss version='0.94' a=\"b\"><channel/></rss>",
                "<rss version=\"2.0\" a=\"b\"><channel/></rss>",
            ),
        ] {
            let r = root(src).unwrap().unwrap();
            assert_eq!(rss_as_20(src, &r), want);
        }
    }

    #[test]
    fn errors_name_line_column_and_element() {
        let e = first_error("<rss>\n<channel>\n<title>x</titel>\n</channel></rss>").unwrap();
        assert!(e.contains("line 3") && e.contains("<title>"), "{e}");
        assert_eq!(first_error("<a><b/></a>"), None);
    }
}
