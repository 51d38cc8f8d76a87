//! Local files, JSONL, WARC and stdin.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use ingest::files::{
    FileKind, ItemError, ReadOptions, expand_paths, file_kind, read_file, read_stdin,
};
use model::{ContentKind, RawDocument, SourceKind};

use crate::fixture;

fn read(path: &Path, opts: &ReadOptions) -> (Vec<RawDocument>, Vec<ItemError>) {
    let kind = file_kind(path).expect("known kind");
    let (mut docs, mut errs) = (Vec::new(), Vec::new());
    read_file(path, kind, opts, Utc::now(), &mut |item| match item {
        Ok(d) => docs.push(d),
        Err(e) => errs.push(e),
    });
    (docs, errs)
}

#[test]
fn canonical_url_from_rel_canonical() {
    let (docs, errs) = read(&fixture("page-canonical.html"), &ReadOptions::default());
    assert!(errs.is_empty());
    let d = &docs[0];
    assert_eq!(d.key.as_str(), "https://www.daily-example.com/news/2024/05/port-fire");
    assert_eq!(
        d.canonical_url.as_deref(),
        Some("https://www.daily-example.com/news/2024/05/port-fire")
    );
    assert_eq!(d.outlet.as_deref(), Some("daily-example.com"));
    assert_eq!(d.title.as_deref(), Some("Port fire contained after six hours | Daily Example"));
    assert_eq!(d.published, Some(Utc.with_ymd_and_hms(2024, 5, 1, 10, 30, 0).unwrap()));
    assert_eq!(d.source_kind, SourceKind::File);
    assert_eq!(d.content_kind, ContentKind::Html);
}

#[test]
fn shift_jis_page_decoded_from_meta() {
    let (docs, _) = read(&fixture("page-shift_jis.html"), &ReadOptions::default());
    let d = &docs[0];
    assert_eq!(d.title.as_deref(), Some("日本のニュース"));
    assert!(d.content.contains("東京で大きな地震がありました。"));
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert_eq!(d.key.as_str(), "https://news.example.jp/articles/123");
}

#[test]
fn plain_text_keyed_by_hash_with_headline() {
    let (docs, _) = read(&fixture("seed-article.txt"), &ReadOptions::default());
    let d = &docs[0];
    assert_eq!(d.content_kind, ContentKind::Text);
    assert!(d.key.as_str().starts_with("sha256:"));
    assert!(d.title.as_deref().unwrap().starts_with("Breaking: Putin recants"));
    assert_eq!(d.url, None);
}

#[test]
fn jsonl_bad_line_continues() {
    let path = fixture("articles.jsonl");
    let (docs, errs) = read(&path, &ReadOptions::default());
    assert_eq!(docs.len(), 3, "{errs:?}");
    assert_eq!(docs[0].key.as_str(), "https://www.example.com/a");
    assert_eq!(docs[0].outlet.as_deref(), Some("example.com"));
    assert_eq!(docs[0].title.as_deref(), Some("First"));
    assert_eq!(docs[0].source_kind, SourceKind::Jsonl);
    assert_eq!(docs[0].origin, format!("{}:1", path.display()));
    assert_eq!(docs[1].content_kind, ContentKind::Html, "html wins over text");
    assert_eq!(docs[1].title.as_deref(), Some("Second"));
    assert_eq!(docs[1].published, Some(Utc.with_ymd_and_hms(2024, 5, 2, 0, 0, 0).unwrap()));
    assert!(docs[2].key.as_str().starts_with("sha256:"));
    assert!(docs[2].diagnostics.iter().any(|d| d.code == "invalid_date"));
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].origin, format!("{}:3", path.display()));
    assert!(errs[0].to_string().starts_with(&format!("{}:3: invalid JSON", path.display())));
    assert!(errs[1].message.contains("no \"html\" or \"text\""));
}

#[test]
fn jsonl_overlong_line_refused_next_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "{{\"text\": \"{}\"}}", "a".repeat(3 << 20)).unwrap();
    writeln!(f, "{{\"text\": \"small\"}}").unwrap();
    drop(f);
    let opts = ReadOptions { max_line_bytes: 1 << 20, ..Default::default() };
    let (docs, errs) = read(&path, &opts);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].content, "small");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("longer than"));
    assert!(errs[0].origin.ends_with(":1"));
}

fn warc_checks(docs: &[RawDocument], path: &Path) {
    assert_eq!(docs[0].key.as_str(), "https://site.example/one");
    assert_eq!(docs[0].url.as_deref(), Some("https://site.example/one?utm_source=x"));
    assert_eq!(docs[0].fetched_at, Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 1).unwrap());
    assert_eq!(docs[0].source_kind, SourceKind::Warc);
    assert_eq!(docs[0].origin, format!("{}#3", path.display()));
    assert_eq!(docs[0].outlet.as_deref(), Some("site.example"));
    assert_eq!(docs[1].title.as_deref(), Some("Café second"));
    assert!(docs[1].content.contains("Two – dash."));
}

#[test]
fn warc_reads_html_responses_only() {
    let path = fixture("small.warc");
    let (docs, errs) = read(&path, &ReadOptions::default());
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 3, "warcinfo, request, image and redirect records are skipped");
    warc_checks(&docs, &path);
    assert_eq!(docs[2].title.as_deref(), Some("Gzipped third"), "chunked + gzip body decoded");
}

#[test]
fn warc_gz_per_record() {
    let path = fixture("small.warc.gz");
    let (docs, errs) = read(&path, &ReadOptions::default());
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 3);
    warc_checks(&docs, &path);
}

#[test]
fn truncated_warc_keeps_earlier_records() {
    let path = fixture("small-truncated.warc");
    let (docs, errs) = read(&path, &ReadOptions::default());
    assert_eq!(docs.len(), 2);
    warc_checks(&docs, &path);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("truncated"), "{}", errs[0]);
    assert_eq!(errs[0].origin, format!("{}#7", path.display()));
}

#[test]
fn warc_record_over_cap_refused_and_gz_cut() {
    let path = fixture("small.warc");
    let opts = ReadOptions { max_file_bytes: 180, ..Default::default() };
    let (docs, errs) = read(&path, &opts);
    assert!(docs.len() < 3);
    assert!(errs.iter().any(|e| e.message.contains("larger than the 180 byte limit")), "{errs:?}");
    let opts = ReadOptions { max_decompressed_bytes: 700, ..Default::default() };
    let (_docs, errs) = read(&fixture("small.warc.gz"), &opts);
    assert!(errs.iter().any(|e| e.message.contains("archive cut")), "{errs:?}");
}

#[test]
fn gzip_bomb_html_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.html.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(b"<html><head><title>bomb</title></head><body>").unwrap();
    let zeros = vec![b'a'; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    enc.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < (2 << 20));
    let opts = ReadOptions { max_decompressed_bytes: 4 << 20, ..Default::default() };
    let (docs, errs) = read(&path, &opts);
    assert!(errs.is_empty());
    assert_eq!(docs[0].content.len(), 4 << 20);
    assert_eq!(docs[0].title.as_deref(), Some("bomb"));
    assert!(docs[0].diagnostics.iter().any(|d| d.code == "truncated_input"));
}

#[test]
fn huge_file_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    // A sparse 200 MB file: costs no disk, reads as zeros.
    std::fs::File::create(&path).unwrap().set_len(200 << 20).unwrap();
    let opts = ReadOptions { max_file_bytes: 2 << 20, ..Default::default() };
    let (docs, _) = read(&path, &opts);
    assert_eq!(docs[0].content.len(), 2 << 20);
    assert!(docs[0].diagnostics.iter().any(|d| d.code == "truncated_input"));
}

#[test]
fn expand_paths_walks_sorted_and_reports_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/c")).unwrap();
    for f in ["b/c/z.html", "b/a.jsonl", "a.txt", "skip.pdf", "b/c/x.warc.gz"] {
        std::fs::write(root.join(f), "x").unwrap();
    }
    let missing = root.join("nope.html");
    let (files, errs) = expand_paths(&[root.to_path_buf(), missing.clone(), root.join("skip.pdf")]);
    let rel: Vec<(PathBuf, FileKind)> =
        files.into_iter().map(|(p, k)| (p.strip_prefix(root).unwrap().to_path_buf(), k)).collect();
    assert_eq!(
        rel,
        vec![
            (PathBuf::from("a.txt"), FileKind::Text),
            (PathBuf::from("b/a.jsonl"), FileKind::Jsonl),
            (PathBuf::from("b/c/x.warc.gz"), FileKind::WarcGz),
            (PathBuf::from("b/c/z.html"), FileKind::Html),
        ]
    );
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].to_string(), format!("{}: no such file or directory", missing.display()));
    assert!(errs[1].message.contains("unsupported"));
}

#[test]
fn stdin_sniffs_warc_and_text() {
    let bytes = std::fs::read(fixture("small.warc.gz")).unwrap();
    let mut docs = Vec::new();
    read_stdin(&bytes[..], &ReadOptions::default(), Utc::now(), &mut |i| docs.push(i.unwrap()));
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].origin, "-#3");
    let mut docs = Vec::new();
    read_stdin(&b"Just some words\nof text."[..], &ReadOptions::default(), Utc::now(), &mut |i| {
        docs.push(i.unwrap())
    });
    assert_eq!(docs[0].content_kind, ContentKind::Text);
    assert_eq!(docs[0].source_kind, SourceKind::Stdin);
    assert_eq!(docs[0].origin, "-");
}
