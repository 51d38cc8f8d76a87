//! `wirewatch extract`: HTML pages or plain-text reports in, structured articles out. Needs no
//! data directory.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use analyze::extract::{Article, BlockKind, ExtractOptions, extract_html, extract_text};
use anyhow::Result;
use chrono::Utc;
use model::{ContentKind, Diagnostic};

use super::{Ctx, exit_code};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The article as JSON (one object per line with several inputs or --jsonl).
    Json,
    /// Headline and body as plain text.
    Text,
    /// Headline, byline and body blocks as Markdown.
    Markdown,
}

/// Arguments of `wirewatch extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pages (.html .htm .html.gz), plain-text reports (.txt .md), http(s) URLs, or `-`.
    #[arg(required = true, value_name = "PATH|URL|-")]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// One JSON object per line, even for a single input (implied by several inputs).
    #[arg(long)]
    pub jsonl: bool,
}

/// One input read into memory.
struct Loaded {
    content: String,
    kind: ContentKind,
    url: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let lines = args.jsonl || args.inputs.len() > 1;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0u64;
    let mut first = true;
    for input in &args.inputs {
        let loaded = load(ctx, input);
        let value = match loaded {
            Ok(l) => {
                let opts = ExtractOptions {
                    url: l.url.clone(),
                    fetched_at: Some(Utc::now()),
                    ..ExtractOptions::default()
                };
                let (article, mut diags) = match l.kind {
                    ContentKind::Html => extract_html(&l.content, &opts),
                    ContentKind::Text => extract_text(&l.content, &opts),
                };
                let mut all = l.diagnostics;
                all.append(&mut diags);
                Ok((l.url, article, all))
            }
            Err(e) => Err(e),
        };
        match (value, args.format) {
            (Err(e), _) => {
                failed += 1;
                if args.format == Format::Json {
                    #[derive(serde::Serialize)]
                    struct Failed<'a> {
                        path: &'a str,
                        error: &'a str,
                    }
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(&Failed { path: input, error: &e })?
                    )?;
                } else {
                    out.flush()?;
                    eprintln!("error: {input}: {e}");
                }
            }
            (Ok((url, article, diags)), Format::Json) => {
                let v = article_json(input, url.as_deref(), &article, &diags);
                if lines {
                    writeln!(out, "{}", serde_json::to_string(&v)?)?;
                } else {
                    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                }
            }
            (Ok((_, article, _)), fmt) => {
                if !first {
                    writeln!(out, "\n---\n")?;
                }
                let text =
                    if fmt == Format::Text { as_text(&article) } else { as_markdown(&article) };
                write!(out, "{text}")?;
            }
        }
        first = false;
    }
    out.flush()?;
    Ok(exit_code(failed))
}

/// One extracted input as printed: the documented fields, in the documented order.
#[derive(serde::Serialize)]
pub struct ExtractOutput<'a> {
    path: &'a str,
    url: Option<&'a str>,
    title: &'a Option<String>,
    subtitle: &'a Option<String>,
    byline: &'a [String],
    published: &'a Option<String>,
    modified: &'a Option<String>,
    section: &'a [String],
    site_name: &'a Option<String>,
    language: &'a Option<String>,
    lead_image: &'a Option<analyze::extract::Image>,
    paragraphs: &'a [analyze::extract::Block],
    body: &'a str,
    diagnostics: &'a [Diagnostic],
}

/// The JSON object of one extracted input.
pub fn article_json<'a>(
    path: &'a str,
    url: Option<&'a str>,
    a: &'a Article,
    diags: &'a [Diagnostic],
) -> ExtractOutput<'a> {
    ExtractOutput {
        path,
        url: a.canonical_url.as_deref().or(url),
        title: &a.title,
        subtitle: &a.subtitle,
        byline: &a.byline,
        published: &a.published,
        modified: &a.modified,
        section: &a.section,
        site_name: &a.site_name,
        language: &a.language,
        lead_image: &a.lead_image,
        paragraphs: &a.paragraphs,
        body: &a.body,
        diagnostics: diags,
    }
}

fn load(ctx: &Ctx, input: &str) -> std::result::Result<Loaded, String> {
    let max = ctx.config.read.max_file_bytes;
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(from_bytes(&bytes, None, sniff(&bytes), None));
    }
    if input.starts_with("http://") || input.starts_with("https://") {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let client =
            ingest::http::Client::new(ctx.config.http.clone()).map_err(|e| e.to_string())?;
        let doc =
            rt.block_on(client.fetch_page(input, model::SourceKind::Url)).map_err(|e| e.message)?;
        return Ok(Loaded {
            content: doc.content,
            kind: doc.content_kind,
            url: doc.url,
            diagnostics: doc.diagnostics,
        });
    }
    let path = Path::new(input);
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let (mut bytes, truncated) =
        ingest::limits::read_capped(file, max).map_err(|e| format!("cannot read: {e}"))?;
    let mut notes = Vec::new();
    if truncated {
        notes.push(Diagnostic::warning(
            "truncated_input",
            format!("file larger than {max} bytes; the rest was not read"),
        ));
    }
    let base = if let Some(stem) = name.strip_suffix(".gz") {
        let cap = ctx.config.read.max_decompressed_bytes.min(max);
        let (plain, cut) = ingest::limits::capped_gunzip(&bytes, cap)
            .map_err(|e| format!("not a valid gzip file: {e}"))?;
        if cut {
            notes.push(Diagnostic::warning(
                "truncated_input",
                format!("decompressed content larger than {cap} bytes was cut"),
            ));
        }
        bytes = plain;
        stem.to_string()
    } else {
        name
    };
    let kind = if base.ends_with(".html") || base.ends_with(".htm") || base.ends_with(".xhtml") {
        ContentKind::Html
    } else if base.ends_with(".txt") || base.ends_with(".md") || base.ends_with(".text") {
        ContentKind::Text
    } else {
        sniff(&bytes)
    };
    let mut loaded = from_bytes(&bytes, None, kind, None);
    notes.append(&mut loaded.diagnostics);
    loaded.diagnostics = notes;
    Ok(loaded)
}

fn from_bytes(bytes: &[u8], ct: Option<&str>, kind: ContentKind, url: Option<String>) -> Loaded {
    let (content, diagnostics) = ingest::decode::decode(bytes, ct);
    Loaded { content, kind, url, diagnostics }
}

/// HTML if the first non-blank byte opens a tag, text otherwise.
fn sniff(bytes: &[u8]) -> ContentKind {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 512)];
    let lower = String::from_utf8_lossy(head).to_lowercase();
    if lower.starts_with('<') || lower.contains("<html") || lower.contains("<body") {
        ContentKind::Html
    } else {
        ContentKind::Text
    }
}

fn as_text(a: &Article) -> String {
    let mut s = String::new();
    if let Some(t) = &a.title {
        s.push_str(t);
        s.push_str("\n\n");
    }
    s.push_str(&a.body);
    s.push('\n');
    s
}

fn as_markdown(a: &Article) -> String {
    let mut s = String::new();
    if let Some(t) = &a.title {
        s.push_str(&format!("# {t}\n\n"));
    }
    if let Some(sub) = &a.subtitle {
        s.push_str(&format!("_{sub}_\n\n"));
    }
    let mut meta = Vec::new();
    if !a.byline.is_empty() {
        meta.push(format!("By {}", a.byline.join(", ")));
    }
    if let Some(p) = &a.published {
        meta.push(p.clone());
    }
    if let Some(site) = &a.site_name {
        meta.push(site.clone());
    }
    if !meta.is_empty() {
        s.push_str(&format!("{}\n\n", meta.join(" · ")));
    }
    for b in &a.paragraphs {
        match b.kind {
            BlockKind::Heading => s.push_str(&format!("## {}\n\n", b.text)),
            BlockKind::Quote => s.push_str(&format!("> {}\n\n", b.text)),
            BlockKind::ListItem => s.push_str(&format!("- {}\n\n", b.text)),
            BlockKind::Caption => s.push_str(&format!("*{}*\n\n", b.text)),
            BlockKind::Paragraph => s.push_str(&format!("{}\n\n", b.text)),
        }
    }
    s
}
