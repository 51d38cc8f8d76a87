//! A small streaming WARC reader: record by record, each record and header block bounded, so a
//! huge, corrupt or truncated archive is read in bounded memory and what came before the damage
//! is kept. Also parses the HTTP response inside a `response` record.
//!
//! Our own reader rather than the `warc` crate, so that record size caps, truncation (records
//! before the damage are kept, the damage is reported) and the decompression cap are ours to set.

use std::io::{self, BufRead, Read};

use crate::limits::{self, read_capped};

/// Longest header line accepted (WARC or HTTP).
const MAX_HEADER_LINE: u64 = 64 * 1024;
/// Largest header block accepted (WARC or HTTP).
const MAX_HEADER_BLOCK: usize = 1024 * 1024;

/// One WARC record, its block read only when it was wanted.
#[derive(Debug)]
pub(crate) struct Record {
    /// WARC header fields, names as written.
    pub headers: Vec<(String, String)>,
    /// The record block, if it was read.
    pub block: Option<Vec<u8>>,
}

impl Record {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// What reading the next record gave.
#[derive(Debug)]
pub(crate) enum Next {
    /// A record (its block read if `want` said so and it fit the cap).
    Record(Record),
    /// A record whose block is larger than the cap; it was skipped.
    TooLarge { length: u64 },
    /// The archive ended cleanly.
    End,
    /// The archive ended inside a record.
    Truncated(String),
    /// The input is not (or no longer) a WARC archive; reading cannot resync.
    Corrupt(String),
}

/// Reads a line ending in `\n` of at most `MAX_HEADER_LINE` bytes. `Ok(None)` at end of input.
fn read_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = r.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') && n as u64 == MAX_HEADER_LINE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "header line too long"));
    }
    Ok(Some(line))
}

fn trim_eol(mut l: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n'] = l {
        l = rest;
    }
    l
}

/// Reads the next record. `want` decides from the headers whether the block is read;
/// `cap` bounds a block that is read.
pub(crate) fn next_record(
    r: &mut impl BufRead,
    cap: u64,
    want: impl Fn(&[(String, String)]) -> bool,
) -> Next {
    // Skip the blank lines separating records.
    let first = loop {
        match read_line(r) {
            Ok(None) => return Next::End,
            Ok(Some(l)) if trim_eol(&l).is_empty() => continue,
            Ok(Some(l)) => break l,
            Err(e) if limits::is_truncation(&e) => return Next::Truncated(e.to_string()),
            Err(e) => return Next::Corrupt(e.to_string()),
        }
    };
    if !first.starts_with(b"WARC/") {
        return Next::Corrupt("expected a WARC/1.x record header".into());
    }
    let mut headers = Vec::new();
    let mut size = 0usize;
    loop {
        let line = match read_line(r) {
            Ok(Some(l)) => l,
            Ok(None) => return Next::Truncated("archive ends inside a record header".into()),
            Err(e) if limits::is_truncation(&e) => return Next::Truncated(e.to_string()),
            Err(e) => return Next::Corrupt(e.to_string()),
        };
        size += line.len();
        if size > MAX_HEADER_BLOCK {
            return Next::Corrupt("record header larger than 1 MiB".into());
        }
        let line = trim_eol(&line);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let Some(length) = header(&headers, "Content-Length").and_then(|v| v.parse::<u64>().ok())
    else {
        return Next::Corrupt("record without a valid Content-Length".into());
    };
    let wanted = want(&headers);
    if !wanted || length > cap {
        match io::copy(&mut r.by_ref().take(length), &mut io::sink()) {
            Ok(n) if n == length => {}
            Ok(_) => return Next::Truncated("archive ends inside a record".into()),
            Err(e) if limits::is_truncation(&e) => return Next::Truncated(e.to_string()),
            Err(e) => return Next::Corrupt(e.to_string()),
        }
        if wanted {
            return Next::TooLarge { length };
        }
        return Next::Record(Record { headers, block: None });
    }
    match read_capped(r.by_ref().take(length), length) {
        Ok((block, _)) if block.len() as u64 == length => {
            Next::Record(Record { headers, block: Some(block) })
        }
        Ok(_) => Next::Truncated("archive ends inside a record".into()),
        Err(e) if limits::is_truncation(&e) => Next::Truncated(e.to_string()),
        Err(e) => Next::Corrupt(e.to_string()),
    }
}

/// An HTTP response split into status, headers and body.
#[derive(Debug)]
pub(crate) struct HttpMessage {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Parses an HTTP/1.x response as stored in a WARC `response` record.
pub(crate) fn parse_http_response(block: &[u8]) -> Option<HttpMessage> {
    let mut r = block;
    let status_line = read_line(&mut r).ok()??;
    let status_line = String::from_utf8_lossy(trim_eol(&status_line)).into_owned();
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let mut headers = Vec::new();
    while let Ok(Some(line)) = read_line(&mut r) {
        let line = trim_eol(&line);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Some(HttpMessage { status, headers, body: r.to_vec() })
}

/// Decodes `Transfer-Encoding: chunked`. Output is never longer than input. Returns the body and
/// whether it was cut short.
pub(crate) fn dechunk(mut data: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let Some(eol) = data.iter().position(|&b| b == b'\n') else { return (out, true) };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else { return (out, true) };
        data = &data[eol + 1..];
        if size == 0 {
            return (out, false);
        }
        if size > data.len() {
            out.extend_from_slice(data);
            return (out, true);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        // Skip the CRLF after the chunk.
        if let Some(rest) = data.strip_prefix(b"\r\n").or_else(|| data.strip_prefix(b"\n")) {
            data = rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            (b"hello world".to_vec(), false)
        );
        assert_eq!(dechunk(b"5\r\nhel"), (b"hel".to_vec(), true));
        assert_eq!(dechunk(b"zz\r\n"), (vec![], true));
    }

    #[test]
    fn records_and_truncation() {
        let rec = |body: &str| {
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            )
        };
        let data = format!("{}{}", rec("abc"), rec("defgh"));
        let mut r = data.as_bytes();
        let want = |_: &[(String, String)]| true;
        assert!(
            matches!(next_record(&mut r, 100, want), Next::Record(Record { block: Some(b), .. }) if b == b"abc")
        );
        assert!(matches!(next_record(&mut r, 4, want), Next::TooLarge { length: 5 }));
        assert!(matches!(next_record(&mut r, 100, want), Next::End));
        let cut = &data.as_bytes()[..data.len() - 8];
        let mut r = cut;
        assert!(matches!(next_record(&mut r, 100, want), Next::Record(_)));
        assert!(matches!(next_record(&mut r, 100, want), Next::Truncated(_)));
        let mut r: &[u8] = b"garbage\n";
        assert!(matches!(next_record(&mut r, 100, want), Next::Corrupt(_)));
    }
}
