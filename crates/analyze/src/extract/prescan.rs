//! A byte scan before parsing that empties what extraction never reads: comments, the bodies
//! of `<script>` (JSON-LD excepted), `<style>` and `<svg>`. On news pages these are most of the
//! bytes, and html5ever tokenizes them one character at a time.
//!
//! The tags themselves are kept, so the tree keeps its shape. The scan follows the HTML
//! tokenizer closely enough for real pages (quoted attribute values, raw-text end tags); where
//! a page is odd enough to fool it, the only effect is text lost from inside a script or style.

/// Returns the page with comment, script, style and svg contents removed.
#[cfg(test)]
pub(crate) fn strip(html: &str) -> String {
    let mut out = String::new();
    segments(html, |s| out.push_str(s));
    out
}

/// Element nesting deeper than this (counted on the raw tags) is flattened: html5ever's scope
/// checks walk the whole stack of open elements, so 100,000 nested `<div>`s would take
/// quadratic time. Real pages stay far below it.
pub(crate) const MAX_DEPTH: u32 = 512;

/// Whether a tag counts towards nesting depth: not a void element (never closed) and not one
/// whose end tag is optional (html5ever closes those itself).
fn counts_for_depth(name: &[u8]) -> bool {
    if name.len() > 8 {
        return true;
    }
    let mut buf = [0u8; 8];
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    !matches!(
        &buf[..name.len()],
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"keygen"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"option"
            | b"optgroup"
            | b"tr"
            | b"td"
            | b"th"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"rtc"
            | b"html"
            | b"head"
            | b"body"
    )
}

/// Calls `emit` with the consecutive pieces of the page that are kept. Returns whether tags
/// were dropped to flatten excessive nesting.
pub(crate) fn segments<'a>(html: &'a str, mut emit: impl FnMut(&'a str)) -> bool {
    let b = html.as_bytes();
    let mut copied = 0; // bytes of `html` already handled
    let mut i = 0;
    let mut depth = 0u32;
    let mut skipped = 0u32;
    let mut flattened = false;
    while let Some(off) = next_lt(html, i) {
        let lt = i + off;
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            // Drop the comment entirely.
            let end = find(html, lt + 4, "-->").map_or(b.len(), |e| e + 3);
            emit(&html[copied..lt]);
            copied = end;
            i = end;
            continue;
        }
        if let Some(name) = raw_tag(rest) {
            // End of the start tag, honouring quotes.
            let Some(gt) = start_tag_end(b, lt + 1 + name.len()) else { break };
            if name == "script" && is_json_ld(&html[lt..=gt]) {
                i = gt + 1;
                continue;
            }
            let close = find_close(html, gt + 1, name.as_bytes()).unwrap_or(b.len());
            emit(&html[copied..=gt]);
            copied = close;
            i = close.max(gt + 1);
            continue;
        }
        let end_tag = rest.get(1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(end_tag);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = b[name_start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric() && *c != b'-')
            .map_or(b.len(), |p| name_start + p);
        let name = &b[name_start..name_end];
        let Some(gt) = start_tag_end(b, name_end) else { break };
        let counted = counts_for_depth(name);
        if end_tag {
            if counted {
                if skipped > 0 {
                    // The end tag of a start tag dropped below: drop it too.
                    emit(&html[copied..lt]);
                    copied = gt + 1;
                    skipped -= 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        } else if counted && b[gt - 1] != b'/' {
            if depth >= MAX_DEPTH {
                emit(&html[copied..lt]);
                copied = gt + 1;
                skipped += 1;
                flattened = true;
            } else {
                depth += 1;
            }
        }
        i = gt + 1;
    }
    emit(&html[copied..]);
    flattened
}

/// Offset of the next `<` in `html[from..]` (`str::find` with a char uses memchr).
/// `from` is always just after an ASCII byte, so it is a char boundary.
fn next_lt(html: &str, from: usize) -> Option<usize> {
    html.get(from..)?.find('<')
}

fn find(html: &str, from: usize, needle: &str) -> Option<usize> {
    html.get(from..)?.find(needle).map(|p| p + from)
}

/// `script`, `style` or `svg` when `rest` starts with that start tag.
fn raw_tag(rest: &[u8]) -> Option<&'static str> {
    for name in ["script", "style", "svg"] {
        let n = name.len();
        if rest.len() > n + 1
            && rest[1..=n].eq_ignore_ascii_case(name.as_bytes())
            && matches!(rest[n + 1], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/')
        {
            return Some(name);
        }
    }
    None
}

/// Index of the `>` closing a start tag whose attributes begin at `from`.
fn start_tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = 0u8;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            // Quotes only open a value right after `=` (possibly with spaces).
            let mut j = i;
            while j > from && b[j - 1].is_ascii_whitespace() {
                j -= 1;
            }
            if j > from && b[j - 1] == b'=' {
                quote = c;
            }
        } else if c == b'>' {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Index of `</name` (case-insensitive) from `from`.
fn find_close(html: &str, from: usize, name: &[u8]) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = from;
    while i < b.len() {
        let off = next_lt(html, i)?;
        let lt = i + off;
        let r = &b[lt..];
        if r.len() >= name.len() + 2
            && r[1] == b'/'
            && r[2..2 + name.len()].eq_ignore_ascii_case(name)
        {
            return Some(lt);
        }
        i = lt + 1;
    }
    None
}

fn is_json_ld(start_tag: &str) -> bool {
    start_tag.len() < 2000 && start_tag.to_ascii_lowercase().contains("ld+json")
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn empties_scripts_styles_comments() {
        assert_eq!(
            strip("a<!-- c --><script>x<y</script>b<STYLE a='>'>p{}</style>c"),
            "a<script></script>b<STYLE a='>'></style>c"
        );
    }

    #[test]
    fn flattens_excessive_nesting() {
        let deep = "<div>".repeat(2000) + "x" + &"</div>".repeat(2000);
        let out = strip(&deep);
        assert_eq!(out.matches("<div>").count(), super::MAX_DEPTH as usize);
        assert_eq!(out.matches("</div>").count(), super::MAX_DEPTH as usize);
        let shallow = "<div><p>a<p>b<br><img src=x></div>".repeat(1000);
        assert_eq!(strip(&shallow), shallow);
    }

    #[test]
    fn keeps_json_ld() {
        let s = "<script type=\"application/ld+json\">{\"a\":1}</script>";
        assert_eq!(strip(s), s);
    }

    #[test]
    fn unterminated_constructs_do_not_panic() {
        for s in ["<!--", "<script", "<script>", "<style a='", "<svg><", "<", "é<scrİpt>"] {
            let _ = strip(s);
        }
    }
}
