//! Bytes to text: finds the character encoding (BOM, HTTP `Content-Type`, `<meta charset>` or an
//! XML declaration; else guessed like a browser with `chardetng`), recovers from declarations
//! the bytes contradict, and decodes with `encoding_rs`, replacing invalid bytes.

use encoding_rs::{Encoding, UTF_8};
use model::Diagnostic;

/// How far into a document to look for a `<meta charset>` or XML encoding declaration, as browsers
/// do (the HTML standard says 1024 bytes; real pages put a long `<head>` first, so 4 KB).
const SNIFF_BYTES: usize = 4096;

/// Decodes `bytes` to a `String`.
///
/// The encoding is taken from, in order: a byte-order mark, the `charset` of the HTTP
/// `Content-Type` header (which overrides the document's own, as RFC 3023 says for XML), a
/// `<meta charset>`/`http-equiv` declaration or an `<?xml encoding?>` declaration in the first
/// 4 KB. When nothing declares one, UTF-8 is used if the bytes are UTF-8, else the encoding is
/// guessed the way browsers do (`chardetng`: a windows-1252 page without a charset reads as
/// windows-1252, not as U+FFFD). A declaration the bytes contradict is recovered from with a
/// diagnostic: UTF-8 declared over bytes that are not UTF-8 is guessed instead, and a legacy
/// single-byte charset declared over bytes that are valid, non-ASCII UTF-8 reads as UTF-8.
/// Invalid bytes left are replaced with U+FFFD and reported; an unknown charset label is
/// reported and ignored.
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
    let enc = settle(bytes, content_type_header, &mut diags);
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
    let enc = settle(&bytes, content_type_header, &mut diags);
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

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Bom,
    Header,
    Document,
    Nothing,
}

impl Source {
    fn what(self) -> &'static str {
        match self {
            Source::Bom => "the byte-order mark",
            Source::Header => "the Content-Type header",
            Source::Document => "the document",
            Source::Nothing => "nothing",
        }
    }
}

/// Most bytes the encoding guesser reads (it settles long before on real text).
const GUESS_BYTES: usize = 1 << 20;

/// The encoding to decode `bytes` with (see [`decode`]): the declared one unless the bytes
/// contradict it, reporting what was done in `diags`.
fn settle(
    bytes: &[u8],
    content_type_header: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> &'static Encoding {
    let (declared, source) = choose_encoding(bytes, content_type_header, diags);
    if source == Source::Bom {
        return declared;
    }
    let is_utf8 = || std::str::from_utf8(bytes).is_ok();
    if declared == UTF_8 {
        if is_utf8() {
            return UTF_8;
        }
        let guess = guess(bytes);
        if guess == UTF_8 {
            return UTF_8;
        }
        diags.push(if source == Source::Nothing {
            Diagnostic::info(
                "encoding_guessed",
                format!(
                    "no charset declared and the bytes are not UTF-8; read as {} (guessed)",
                    guess.name()
                ),
            )
        } else {
            Diagnostic::warning(
                "wrong_charset",
                format!(
                    "{} declares UTF-8 but the bytes are not UTF-8; read as {} (guessed)",
                    source.what(),
                    guess.name()
                ),
            )
        });
        return guess;
    }
    // A single-byte legacy charset over valid multi-byte UTF-8 is a wrong declaration: read as
    // such, "café" would become "cafÃ©".
    if declared.is_single_byte() && !bytes.is_ascii() && is_utf8() {
        diags.push(Diagnostic::warning(
            "wrong_charset",
            format!(
                "{} declares {} but the bytes are UTF-8; read as UTF-8",
                source.what(),
                declared.name()
            ),
        ));
        return UTF_8;
    }
    declared
}

/// The encoding browsers would guess for undeclared bytes.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(GUESS_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, true)
}

/// The declared encoding of `bytes` (see [`decode`]) and where it came from, reporting unknown
/// labels in `diags`; UTF-8 from [`Source::Nothing`] when nothing declares one.
fn choose_encoding(
    bytes: &[u8],
    content_type_header: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> (&'static Encoding, Source) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, Source::Bom);
    }
    if let Some(label) = content_type_header.and_then(charset_param) {
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) => return (enc, Source::Header),
            None => diags.push(Diagnostic::warning(
                "unknown_charset",
                format!("unknown charset {label:?} in Content-Type; trying the document's own"),
            )),
        }
    }
    if let Some(label) = sniff_declared_charset(&bytes[..bytes.len().min(SNIFF_BYTES)]) {
        match Encoding::for_label(label.as_bytes()) {
            // A document that declares UTF-16 in ASCII-compatible bytes is not UTF-16.
            Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                return (UTF_8, Source::Document);
            }
            Some(enc) => return (enc, Source::Document),
            None => diags.push(Diagnostic::warning(
                "unknown_charset",
                format!("unknown charset {label:?} declared in the document; using UTF-8"),
            )),
        }
    }
    (UTF_8, Source::Nothing)
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
        // A byte-order mark is believed: what is not UTF-8 after it is replaced.
        let (t, d) = decode(b"\xef\xbb\xbfok \xff", Some("text/html; charset=utf-8"));
        assert_eq!(t, "ok \u{fffd}");
        assert_eq!(d[0].code, "invalid_bytes");
        let (t, _) = decode(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\xe9</a>", None);
        assert!(t.contains("<a>é</a>"));
        let (_, d) = decode(b"x", Some("text/html; charset=nonsense-9"));
        assert_eq!(d[0].code, "unknown_charset");
    }

    #[test]
    fn undeclared_legacy_bytes_are_guessed_like_a_browser() {
        // A windows-1252 page without any charset: "café" and curly quotes, not U+FFFD.
        let page = b"<html><head><title>Caf\xe9</title></head><body><p>\x93Nous allons \xe0 la caf\xe9t\xe9ria du march\xe9\x94, a-t-il d\xe9clar\xe9.</p></body></html>";
        let (t, d) = decode(page, None);
        assert!(t.contains("<title>Café</title>") && t.contains("“Nous allons à"), "{t}");
        assert_eq!(d[0].code, "encoding_guessed", "{d:?}");
        assert_eq!(decode_owned(page.to_vec(), Some("text/html")).0, t);
        // Undeclared UTF-8 stays UTF-8, with nothing to report.
        let (t, d) = decode("<p>café à la carte</p>".as_bytes(), None);
        assert_eq!((t.as_str(), d.len()), ("<p>café à la carte</p>", 0));
    }

    #[test]
    fn declarations_the_bytes_contradict_are_recovered_from() {
        // UTF-8 declared, windows-1252 bytes.
        let (t, d) = decode(b"<meta charset=utf-8><p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>", None);
        assert!(t.contains("café crème brûlée"), "{t}");
        assert_eq!(d[0].code, "wrong_charset");
        // ISO-8859-1 declared, UTF-8 bytes.
        let (t, d) =
            decode("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>café</a>".as_bytes(), None);
        assert!(t.contains("<a>café</a>"), "{t}");
        assert!(d[0].message.contains("UTF-8"), "{d:?}");
        // The HTTP header overrides the document's declaration (RFC 3023).
        let xml = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><a>caf\xe9</a>";
        let (t, _) = decode(xml, Some("application/xml; charset=iso-8859-1"));
        assert!(t.contains("<a>café</a>"), "{t}");
        let xml = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><a>привет</a>".as_bytes();
        let (t, _) = decode(xml, Some("application/rss+xml; charset=utf-8"));
        assert!(t.contains("<a>привет</a>"), "{t}");
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
