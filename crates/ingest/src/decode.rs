//! Bytes to text: finds the character encoding (BOM, HTTP `Content-Type`, `<meta charset>` or an
//! XML declaration) and decodes with `encoding_rs`, replacing invalid bytes.

use encoding_rs::{Encoding, UTF_8};
use model::Diagnostic;

/// How far into a document to look for a `<meta charset>` or XML encoding declaration, as browsers
/// do (the HTML standard says 1024 bytes; real pages put a long `<head>` first, so 4 KB).
const SNIFF_BYTES: usize = 4096;

/// Decodes `bytes` to a `String`.
///
/// The encoding is taken from, in order: a byte-order mark, the `charset` of the HTTP
/// `Content-Type` header, a `<meta charset>`/`http-equiv` declaration or an `<?xml encoding?>`
/// declaration in the first 4 KB, else UTF-8. Invalid bytes are replaced with U+FFFD and reported
/// in a diagnostic; an unknown charset label is reported and ignored.
pub fn decode(bytes: &[u8], content_type_header: Option<&str>) -> (String, Vec<Diagnostic>) {
    let (text, _enc, diags) = decode_with_encoding(bytes, content_type_header);
    (text, diags)
}

/// Like [`decode`], also naming the encoding that was used.
pub fn decode_with_encoding(
    bytes: &[u8],
    content_type_header: Option<&str>,
) -> (String, &'static Encoding, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let enc = choose_encoding(bytes, content_type_header, &mut diags);
    // `decode` strips a BOM of any encoding and lets it win, which is what we want.
    let (text, used, had_errors) = enc.decode(bytes);
    if had_errors {
        diags.push(invalid_bytes(used));
    }
    (text.into_owned(), used, diags)
}

/// [`decode`] of bytes the caller gives up: valid UTF-8 (most pages) becomes the `String` in
/// place, without a second copy of the page.
pub fn decode_owned(
    mut bytes: Vec<u8>,
    content_type_header: Option<&str>,
) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let enc = choose_encoding(&bytes, content_type_header, &mut diags);
    if enc == UTF_8 {
        // The BOM goes either way (`decode` strips it too).
        if bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => return (text, diags),
            Err(e) => bytes = e.into_bytes(),
        }
    }
    let (text, used, had_errors) = enc.decode(&bytes);
    if had_errors {
        diags.push(invalid_bytes(used));
    }
    (text.into_owned(), diags)
}

fn invalid_bytes(used: &'static Encoding) -> Diagnostic {
    Diagnostic::warning(
        "invalid_bytes",
        format!("bytes invalid in {} were replaced with U+FFFD", used.name()),
    )
}

/// The encoding to decode `bytes` with (see [`decode`]), reporting unknown labels in `diags`.
fn choose_encoding(
    bytes: &[u8],
    content_type_header: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> &'static Encoding {
    let mut chosen: Option<&'static Encoding> = None;
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        chosen = Some(enc);
    }
    if chosen.is_none()
        && let Some(label) = content_type_header.and_then(charset_param)
    {
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) => chosen = Some(enc),
            None => diags.push(Diagnostic::warning(
                "unknown_charset",
                format!("unknown charset {label:?} in Content-Type; trying the document's own"),
            )),
        }
    }
    if chosen.is_none()
        && let Some(label) = sniff_declared_charset(&bytes[..bytes.len().min(SNIFF_BYTES)])
    {
        match Encoding::for_label(label.as_bytes()) {
            // A document that declares UTF-16 in ASCII-compatible bytes is not UTF-16.
            Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                chosen = Some(UTF_8)
            }
            Some(enc) => chosen = Some(enc),
            None => diags.push(Diagnostic::warning(
                "unknown_charset",
                format!("unknown charset {label:?} declared in the document; using UTF-8"),
            )),
        }
    }
    chosen.unwrap_or(UTF_8)
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            (!v.is_empty()).then(|| v.to_string())
        } else {
            None
        }
    })
}

/// Finds `<meta charset=...>`, `<meta http-equiv=Content-Type content="...; charset=...">` or
/// `<?xml ... encoding="..."?>` in ASCII-compatible bytes.
fn sniff_declared_charset(head: &[u8]) -> Option<String> {
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    if lower.starts_with(b"<?xml") {
        let end = find(&lower, b"?>", 0).unwrap_or(lower.len());
        let decl = &lower[..end];
        if let Some(p) = find(decl, b"encoding", 0) {
            return attr_value_after(&decl[p + 8..]);
        }
        return None;
    }
    let mut from = 0;
    while let Some(p) = find(&lower, b"<meta", from) {
        let end = find(&lower, b">", p).unwrap_or(lower.len());
        let tag = &lower[p..end];
        if let Some(c) = find(tag, b"charset", 0)
            && let Some(v) = attr_value_after(&tag[c + 7..])
        {
            return Some(v);
        }
        from = end;
    }
    None
}

/// Reads `= value` or `="value"` after an attribute name; the value stops at a quote, space, `;`,
/// `/` or `>`.
fn attr_value_after(rest: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < rest.len() && rest[i].is_ascii_whitespace() {
        i += 1;
    }
    if rest.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while i < rest.len() && (rest[i].is_ascii_whitespace() || rest[i] == b'"' || rest[i] == b'\'') {
        i += 1;
    }
    let start = i;
    while i < rest.len()
        && !matches!(rest[i], b'"' | b'\'' | b';' | b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
    {
        i += 1;
    }
    let v = std::str::from_utf8(&rest[start..i]).ok()?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_meta_bom_and_default() {
        let latin = b"caf\xe9";
        assert_eq!(decode(latin, Some("text/html; charset=ISO-8859-1")).0, "café");
        let (t, d) = decode(b"<meta charset=\"windows-1252\"><p>\x93hi\x94", None);
        assert!(t.contains("\u{201c}hi\u{201d}"), "{t}");
        assert!(d.is_empty());
        let (t, _) = decode(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">\x93\xfa\x96\x7b", None);
        assert!(t.ends_with("日本"), "{t}");
        assert_eq!(decode(b"\xef\xbb\xbfhello", Some("text/html; charset=latin1")).0, "hello");
        let (t, d) = decode(b"ok \xff", None);
        assert_eq!(t, "ok \u{fffd}");
        assert_eq!(d[0].code, "invalid_bytes");
        let (t, _) = decode(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\xe9</a>", None);
        assert!(t.contains("<a>é</a>"));
        let (_, d) = decode(b"x", Some("text/html; charset=nonsense-9"));
        assert_eq!(d[0].code, "unknown_charset");
    }

    #[test]
    fn decode_owned_matches_decode() {
        let cases: [(&[u8], Option<&str>); 5] = [
            (b"<p>plain UTF-8 caf\xc3\xa9</p>", None),
            (b"\xef\xbb\xbfwith a BOM", None),
            (b"ok \xff", None),
            (b"caf\xe9", Some("text/html; charset=ISO-8859-1")),
            (b"<meta charset=\"windows-1252\"><p>\x93hi\x94", None),
        ];
        for (bytes, ct) in cases {
            let (a, da) = decode(bytes, ct);
            let (b, db) = decode_owned(bytes.to_vec(), ct);
            assert_eq!(a, b, "{bytes:?}");
            assert_eq!(da.len(), db.len(), "{bytes:?}");
        }
        let page = b"<p>in place</p>".to_vec();
        let ptr = page.as_ptr();
        assert_eq!(decode_owned(page, None).0.as_ptr(), ptr);
    }
}
