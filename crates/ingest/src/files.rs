//! Local inputs: HTML, gzipped HTML, plain text, JSONL and WARC files, directories of them, and
//! standard input, read in bounded memory into [`RawDocument`]s.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use model::{ContentKind, Diagnostic, RawDocument, SourceKind};
use serde::{Deserialize, Serialize};

use crate::decode::{decode, decode_owned};
use crate::limits::{capped_gunzip, capped_gunzip_reader, read_capped, read_capped_sized};
use crate::page::{DocInput, build_document, parse_date};
use crate::warc_reader::{self, Next};

/// Size limits for reading local inputs.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ReadOptions {
    /// Largest HTML or text file (or stdin) read; larger ones are cut with a diagnostic. Also the
    /// largest WARC record accepted: larger records are refused with an item error.
    pub max_file_bytes: u64,
    /// Most bytes produced by decompressing one input (`.gz`, `.warc.gz`, gzip bodies).
    pub max_decompressed_bytes: u64,
    /// Longest JSONL line accepted; longer lines are refused with an item error.
    pub max_line_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_bytes: 64 << 20,
            max_decompressed_bytes: 256 << 20,
            max_line_bytes: 16 << 20,
        }
    }
}

/// The kinds of local file ingest reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `.html`, `.htm`
    Html,
    /// `.html.gz`, `.htm.gz`
    HtmlGz,
    /// `.txt`, `.md`
    Text,
    /// `.jsonl`
    Jsonl,
    /// `.warc`
    Warc,
    /// `.warc.gz`
    WarcGz,
}

/// A single input that could not be used; the rest of the input goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// Where: a path, `path:LINE`, `archive.warc#RECORD`, a URL.
    pub origin: String,
    /// What went wrong.
    pub message: String,
}

impl ItemError {
    /// An item error.
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        ItemError { origin: origin.into(), message: message.into() }
    }
}

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for ItemError {}

/// The kind of a file by its extension (case-insensitive), or `None` if ingest does not read it.
pub fn file_kind(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let kind = if name.ends_with(".warc.gz") {
        FileKind::WarcGz
    } else if name.ends_with(".warc") {
        FileKind::Warc
    } else if name.ends_with(".html.gz") || name.ends_with(".htm.gz") {
        FileKind::HtmlGz
    } else if name.ends_with(".html") || name.ends_with(".htm") {
        FileKind::Html
    } else if name.ends_with(".txt") || name.ends_with(".md") {
        FileKind::Text
    } else if name.ends_with(".jsonl") {
        FileKind::Jsonl
    } else {
        return None;
    };
    Some(kind)
}

/// Expands files and directories into the files to read. Directories are walked recursively
/// (symbolic links to directories are not followed, so a loop cannot hang it); files of kinds
/// ingest does not read are skipped silently inside directories and reported when named directly;
/// missing or unreadable paths are reported. Each directory's files come sorted.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<(PathBuf, FileKind)>, Vec<ItemError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let origin = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => errors.push(ItemError::new(origin, io_message(&e))),
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut errors);
                found.sort();
                files.extend(found);
            }
            Ok(_) => match file_kind(path) {
                Some(kind) => files.push((path.clone(), kind)),
                None => errors.push(ItemError::new(
                    origin,
                    "unsupported file type (expected .html, .htm, .html.gz, .txt, .md, .jsonl, .warc or .warc.gz)",
                )),
            },
        }
    }
    (files, errors)
}

fn walk(dir: &Path, found: &mut Vec<(PathBuf, FileKind)>, errors: &mut Vec<ItemError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ItemError::new(dir.display().to_string(), io_message(&e)));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, found, errors);
        } else if let Some(kind) = file_kind(&path) {
            // Regular files and symbolic links to files.
            if ft.is_file() || path.is_file() {
                found.push((path, kind));
            }
        }
    }
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads one file, handing each document (or item error) to `on_item` as it is read, so that a
/// large JSONL or WARC file never has to fit in memory.
pub fn read_file(
    path: &Path,
    kind: FileKind,
    opts: &ReadOptions,
    now: DateTime<Utc>,
    on_item: &mut dyn FnMut(Result<RawDocument, ItemError>),
) {
    let origin = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return on_item(Err(ItemError::new(origin, io_message(&e)))),
    };
    match kind {
        FileKind::Html | FileKind::Text => {
            let size = file.metadata().ok().map(|m| m.len());
            let (bytes, cut) = match read_capped_sized(file, opts.max_file_bytes, size) {
                Ok(r) => r,
                Err(e) => return on_item(Err(ItemError::new(origin, io_message(&e)))),
            };
            let mut diags = Vec::new();
            if cut {
                diags.push(truncated_diag(&origin, opts.max_file_bytes));
            }
            let ck = if kind == FileKind::Html { ContentKind::Html } else { ContentKind::Text };
            on_item(Ok(single_document(bytes, ck, SourceKind::File, origin, now, diags)));
        }
        FileKind::HtmlGz => {
            let mut diags = Vec::new();
            let (gz, cut) = match read_capped(file, opts.max_file_bytes) {
                Ok(r) => r,
                Err(e) => return on_item(Err(ItemError::new(origin, io_message(&e)))),
            };
            if cut {
                diags.push(truncated_diag(&origin, opts.max_file_bytes));
            }
            let cap = opts.max_decompressed_bytes.min(opts.max_file_bytes);
            match capped_gunzip(&gz, cap) {
                Ok((bytes, cut)) => {
                    if cut {
                        diags.push(Diagnostic::warning(
                            "truncated_input",
                            format!("{origin}: decompressed content cut at {cap} bytes (or the gzip stream is damaged)"),
                        ));
                    }
                    on_item(Ok(single_document(
                        bytes,
                        ContentKind::Html,
                        SourceKind::File,
                        origin,
                        now,
                        diags,
                    )));
                }
                Err(e) => {
                    on_item(Err(ItemError::new(origin, format!("not a valid gzip file: {e}"))))
                }
            }
        }
        FileKind::Jsonl => read_jsonl(BufReader::new(file), &origin, opts, now, on_item),
        FileKind::Warc => read_warc(BufReader::new(file), &origin, opts, now, on_item),
        FileKind::WarcGz => {
            let mut capped =
                capped_gunzip_reader(BufReader::new(file), opts.max_decompressed_bytes);
            read_warc(BufReader::new(&mut capped), &origin, opts, now, on_item);
            if capped.truncated() {
                on_item(Err(ItemError::new(
                    origin,
                    format!(
                        "archive cut: more than {} bytes once decompressed",
                        opts.max_decompressed_bytes
                    ),
                )));
            }
        }
    }
}

/// Reads standard input (or any stream), sniffing what it holds from its first bytes: a WARC
/// archive or JSONL lines (both streamed record by record, so they may be of any length), HTML,
/// else plain text (read up to `max_file_bytes`). Gzipped input is decompressed on the fly, at
/// most `max_decompressed_bytes`.
pub fn read_stdin(
    r: impl Read,
    opts: &ReadOptions,
    now: DateTime<Utc>,
    on_item: &mut dyn FnMut(Result<RawDocument, ItemError>),
) {
    let origin = "-";
    let (head, rest) = match peek(r) {
        Ok(x) => x,
        Err(e) => return on_item(Err(ItemError::new(origin, io_message(&e)))),
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut capped = capped_gunzip_reader(
            BufReader::new(io::Cursor::new(head).chain(rest)),
            opts.max_decompressed_bytes,
        );
        match peek(&mut capped) {
            Ok((head, rest)) => read_stream(head, rest, opts, now, on_item),
            Err(e) => on_item(Err(ItemError::new(origin, format!("not a valid gzip stream: {e}")))),
        }
        if capped.truncated() {
            on_item(Err(ItemError::new(
                origin,
                format!("input cut at {} bytes once decompressed", opts.max_decompressed_bytes),
            )));
        }
    } else {
        read_stream(head, rest, opts, now, on_item);
    }
}

/// Reads up to 8 KB from the start of a stream, for sniffing; returns them and the rest.
fn peek<R: Read>(mut r: R) -> io::Result<(Vec<u8>, R)> {
    let mut head = Vec::with_capacity(8192);
    (&mut r).take(8192).read_to_end(&mut head)?;
    Ok((head, r))
}

fn read_stream(
    head: Vec<u8>,
    rest: impl Read,
    opts: &ReadOptions,
    now: DateTime<Utc>,
    on_item: &mut dyn FnMut(Result<RawDocument, ItemError>),
) {
    let origin = "-".to_string();
    let start = skip_bom_and_space(&head);
    let kind = {
        let h = &head[start..];
        if h.starts_with(b"WARC/") {
            Some(FileKind::Warc)
        } else if h.starts_with(b"{") {
            Some(FileKind::Jsonl)
        } else {
            None
        }
    };
    let stream = BufReader::new(io::Cursor::new(head).chain(rest));
    match kind {
        Some(FileKind::Warc) => read_warc(stream, &origin, opts, now, on_item),
        Some(_) => read_jsonl(stream, &origin, opts, now, on_item),
        None => {
            let (bytes, cut) = match read_capped(stream, opts.max_file_bytes) {
                Ok(r) => r,
                Err(e) => return on_item(Err(ItemError::new(origin, io_message(&e)))),
            };
            let mut diags = Vec::new();
            if cut {
                diags.push(truncated_diag("standard input", opts.max_file_bytes));
            }
            let body = &bytes[skip_bom_and_space(&bytes)..];
            let lower: Vec<u8> = body.iter().take(1024).map(|b| b.to_ascii_lowercase()).collect();
            let html = lower.starts_with(b"<")
                || [&b"<html"[..], b"<!doctype", b"<head", b"<body", b"<p>", b"<div"]
                    .iter()
                    .any(|t| crate::decode::find(&lower, t, 0).is_some());
            let ck = if html { ContentKind::Html } else { ContentKind::Text };
            on_item(Ok(single_document(bytes, ck, SourceKind::Stdin, origin, now, diags)));
        }
    }
}

fn skip_bom_and_space(b: &[u8]) -> usize {
    let mut i = if b.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn truncated_diag(what: &str, cap: u64) -> Diagnostic {
    Diagnostic::warning(
        "truncated_input",
        format!("{what} is larger than {cap} bytes; only the first {cap} were read"),
    )
}

/// One HTML or text document from bytes without a URL.
fn single_document(
    bytes: Vec<u8>,
    content_kind: ContentKind,
    source_kind: SourceKind,
    origin: String,
    now: DateTime<Utc>,
    mut diagnostics: Vec<Diagnostic>,
) -> RawDocument {
    let (content, d) = decode_owned(bytes, None);
    diagnostics.extend(d);
    let title = match content_kind {
        ContentKind::Text => text_title(&content),
        ContentKind::Html => None,
    };
    build_document(DocInput {
        url: None,
        content,
        content_kind,
        title,
        published: None,
        source: None,
        source_kind,
        origin,
        fetched_at: now,
        diagnostics,
    })
}

/// A plain-text report's headline, when it plainly has one: among the first four non-empty
/// lines, the first with at least four words (datelines, section labels such as
/// "World | Review", mastheads and bylines are passed over) that does not read like a sentence of
/// body text.
pub fn text_title(content: &str) -> Option<String> {
    let lines: Vec<&str> = content.lines().take(200).map(str::trim).collect();
    let candidates = lines.iter().enumerate().filter(|(_, l)| !l.is_empty()).take(4);
    for (i, line) in candidates {
        let line = line.trim_start_matches('#').trim();
        let words = line.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
        let lower = line.to_lowercase();
        if words < 4 || lower.starts_with("by ") || lower.starts_with("published") {
            continue;
        }
        // A line that runs on into a lower-case line is wrapped prose, not a headline.
        let runs_on =
            lines.get(i + 1).and_then(|n| n.chars().next()).is_some_and(char::is_lowercase);
        if words > 30 || line.chars().count() > 250 || line.ends_with('.') || runs_on {
            return None;
        }
        return Some(line.to_string());
    }
    None
}

/// One line of a JSONL input. Unknown fields are ignored.
#[derive(Deserialize)]
struct JsonlLine {
    url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    html: Option<String>,
    published: Option<serde_json::Value>,
    source: Option<String>,
}

/// Reads JSONL lines (`url`, `title`, `text` or `html`, `published`, `source`) from `r`, one
/// document or item error per line, naming `origin:LINE`.
pub fn read_jsonl(
    mut r: impl BufRead,
    origin: &str,
    opts: &ReadOptions,
    now: DateTime<Utc>,
    on_item: &mut dyn FnMut(Result<RawDocument, ItemError>),
) {
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    loop {
        line_no += 1;
        let line_origin = format!("{origin}:{line_no}");
        buf.clear();
        let (n, too_long) = match read_line_capped(&mut r, &mut buf, opts.max_line_bytes) {
            Ok(x) => x,
            Err(e) => {
                return on_item(Err(ItemError::new(
                    line_origin,
                    format!("read failed: {}", io_message(&e)),
                )));
            }
        };
        if n == 0 {
            return;
        }
        if too_long {
            on_item(Err(ItemError::new(
                line_origin,
                format!("line longer than {} bytes; skipped", opts.max_line_bytes),
            )));
            continue;
        }
        let mut bytes = &buf[..];
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        on_item(jsonl_document(bytes, line_origin, now));
    }
}

fn jsonl_document(
    bytes: &[u8],
    origin: String,
    now: DateTime<Utc>,
) -> Result<RawDocument, ItemError> {
    let mut diagnostics = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            diagnostics.push(Diagnostic::warning(
                "invalid_bytes",
                "invalid UTF-8 was replaced with U+FFFD",
            ));
            String::from_utf8_lossy(bytes)
        }
    };
    let line: JsonlLine = serde_json::from_str(text.trim())
        .map_err(|e| ItemError::new(origin.clone(), format!("invalid JSON: {e}")))?;
    let (content, content_kind) = match (line.html, line.text) {
        (Some(h), _) if !h.trim().is_empty() => (h, ContentKind::Html),
        (_, Some(t)) if !t.trim().is_empty() => (t, ContentKind::Text),
        _ => return Err(ItemError::new(origin, "no \"html\" or \"text\" field with content")),
    };
    let published = match line.published {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => {
            let d = parse_date(&s);
            if d.is_none() {
                diagnostics.push(Diagnostic::warning(
                    "invalid_date",
                    format!("could not read published date {s:?}; ignored"),
                ));
            }
            d
        }
        Some(serde_json::Value::Number(n)) => {
            let d = n.as_i64().and_then(|s| DateTime::from_timestamp(s, 0));
            if d.is_none() {
                diagnostics.push(Diagnostic::warning(
                    "invalid_date",
                    format!("could not read published timestamp {n}; ignored"),
                ));
            }
            d
        }
        Some(other) => {
            diagnostics.push(Diagnostic::warning(
                "invalid_date",
                format!("published is not a date: {other}; ignored"),
            ));
            None
        }
    };
    let title = line.title.or_else(|| match content_kind {
        ContentKind::Text => text_title(&content),
        ContentKind::Html => None,
    });
    Ok(build_document(DocInput {
        url: line.url,
        content,
        content_kind,
        title,
        published,
        source: line.source,
        source_kind: SourceKind::Jsonl,
        origin,
        fetched_at: now,
        diagnostics,
    }))
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `cap` bytes; the rest of an
/// overlong line is consumed and dropped. Returns bytes consumed and whether the line was too long.
fn read_line_capped(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: u64,
) -> io::Result<(usize, bool)> {
    let mut consumed = 0usize;
    let mut too_long = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(p) => (p + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if (buf.len() + take) as u64 > cap.saturating_add(1) {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take);
        consumed += take;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// Reads the HTML `response` (and `resource`) records of a WARC archive from `r`, streamed record
/// by record, one document or item error each, naming `origin#N`.
pub fn read_warc(
    mut r: impl BufRead,
    origin: &str,
    opts: &ReadOptions,
    now: DateTime<Utc>,
    on_item: &mut dyn FnMut(Result<RawDocument, ItemError>),
) {
    let want = |h: &[(String, String)]| {
        let t = warc_reader::header(h, "WARC-Type").unwrap_or("").to_ascii_lowercase();
        let ct = warc_reader::header(h, "Content-Type").unwrap_or("").to_ascii_lowercase();
        match t.as_str() {
            "response" => ct.contains("application/http") || ct.is_empty(),
            "resource" => is_html_type(&ct),
            _ => false,
        }
    };
    let mut n = 0u64;
    loop {
        n += 1;
        let rec_origin = format!("{origin}#{n}");
        match warc_reader::next_record(&mut r, opts.max_file_bytes, want) {
            Next::End => return,
            Next::Truncated(msg) => {
                return on_item(Err(ItemError::new(
                    rec_origin,
                    format!("archive is truncated ({msg}); records before this one were read"),
                )));
            }
            Next::Corrupt(msg) => {
                return on_item(Err(ItemError::new(
                    rec_origin,
                    format!("not a readable WARC record ({msg}); stopped reading this archive"),
                )));
            }
            Next::TooLarge { length } => on_item(Err(ItemError::new(
                rec_origin,
                format!(
                    "record of {length} bytes is larger than the {} byte limit; skipped",
                    opts.max_file_bytes
                ),
            ))),
            Next::Record(rec) => {
                if let Some(item) = warc_document(&rec, rec_origin, opts, now) {
                    on_item(item);
                }
            }
        }
    }
}

fn is_html_type(ct: &str) -> bool {
    let ct = ct.to_ascii_lowercase();
    ct.contains("text/html") || ct.contains("application/xhtml")
}

/// The document in a WARC record, `None` for records that hold no HTML page (skipped silently).
fn warc_document(
    rec: &warc_reader::Record,
    origin: String,
    opts: &ReadOptions,
    now: DateTime<Utc>,
) -> Option<Result<RawDocument, ItemError>> {
    let block = rec.block.as_ref()?;
    let url =
        rec.header("WARC-Target-URI").map(|u| u.trim_matches(|c| c == '<' || c == '>').to_string());
    let fetched_at = rec.header("WARC-Date").and_then(parse_date).unwrap_or(now);
    let mut diagnostics = Vec::new();
    let is_response = rec.header("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
    let (body, content_type) = if is_response {
        let msg = warc_reader::parse_http_response(block)?;
        let ct = warc_reader::header(&msg.headers, "Content-Type").map(str::to_string);
        if !(200..300).contains(&msg.status) || !ct.as_deref().is_some_and(is_html_type) {
            return None;
        }
        let mut body = msg.body;
        let chunked = warc_reader::header(&msg.headers, "Transfer-Encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        if chunked {
            let (b, cut) = warc_reader::dechunk(&body);
            if cut {
                diagnostics.push(Diagnostic::warning("truncated_input", "chunked body ends early"));
            }
            body = b;
        }
        let enc = warc_reader::header(&msg.headers, "Content-Encoding")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match enc.as_str() {
            "" | "identity" => {}
            "gzip" | "x-gzip" if body.starts_with(&[0x1f, 0x8b]) => {
                match capped_gunzip(&body, opts.max_decompressed_bytes.min(opts.max_file_bytes)) {
                    Ok((b, cut)) => {
                        if cut {
                            diagnostics.push(Diagnostic::warning(
                                "truncated_input",
                                "gzip body cut at the decompression limit or damaged",
                            ));
                        }
                        body = b;
                    }
                    Err(e) => {
                        return Some(Err(ItemError::new(origin, format!("bad gzip body: {e}"))));
                    }
                }
            }
            // Archivers often store the decoded body but keep the header.
            "gzip" | "x-gzip" => {}
            other => {
                return Some(Err(ItemError::new(
                    origin,
                    format!("unsupported Content-Encoding {other:?}"),
                )));
            }
        }
        (body, ct)
    } else {
        (block.clone(), rec.header("Content-Type").map(str::to_string))
    };
    let (content, d) = decode(&body, content_type.as_deref());
    diagnostics.extend(d);
    Some(Ok(build_document(DocInput {
        url,
        content,
        content_kind: ContentKind::Html,
        title: None,
        published: None,
        source: None,
        source_kind: SourceKind::Warc,
        origin,
        fetched_at,
        diagnostics,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(file_kind(Path::new("a/B.WARC.GZ")), Some(FileKind::WarcGz));
        assert_eq!(file_kind(Path::new("x.htm.gz")), Some(FileKind::HtmlGz));
        assert_eq!(file_kind(Path::new("x.md")), Some(FileKind::Text));
        assert_eq!(file_kind(Path::new("x.gz")), None);
    }

    #[test]
    fn headline_heuristic() {
        let seed = "Breaking News\n\nBreaking: Putin recants Minister's declaration, says Russia'll not expel any U.S diplomats\n\nRussia President...";
        assert_eq!(
            text_title(seed).as_deref(),
            Some(
                "Breaking: Putin recants Minister's declaration, says Russia'll not expel any U.S diplomats"
            )
        );
        assert_eq!(text_title("This is a sentence of body text that ends.\nMore."), None);
        assert_eq!(
            text_title("# Notes\nThe corpus used by the demo and the\ngolden tests: twenty"),
            None
        );
        let t = "BRELSFORD EVENING STAR\nWednesday, June 7, 2017\nUnion seeks written promise on jobs\n";
        assert_eq!(text_title(t).as_deref(), Some("Union seeks written promise on jobs"));
        let t = "World | Continental Review\nBy Marta Lindqvist-Oduya of the desk\nPutin holds fire as expulsions take effect";
        assert_eq!(text_title(t).as_deref(), Some("Putin holds fire as expulsions take effect"));
    }

    #[test]
    fn capped_lines() {
        let mut r: &[u8] = b"short\nthis line is too long\nok\n";
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), (6, false));
        buf.clear();
        assert!(read_line_capped(&mut r, &mut buf, 8).unwrap().1);
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), (3, false));
        assert_eq!(buf, b"ok\n");
    }

    #[test]
    fn stdin_sniffing() {
        let now = Utc::now();
        let mut got = Vec::new();
        read_stdin(
            &b"{\"text\":\"hello there\"}\nnot json\n"[..],
            &ReadOptions::default(),
            now,
            &mut |i| got.push(i),
        );
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        assert_eq!(got[1].as_ref().unwrap_err().origin, "-:2");
        got.clear();
        read_stdin(&b"  <p>hi</p>"[..], &ReadOptions::default(), now, &mut |i| got.push(i));
        assert_eq!(got[0].as_ref().unwrap().content_kind, ContentKind::Html);
    }
}
