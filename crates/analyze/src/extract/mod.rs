//! Article extraction: raw HTML or a plain-text report in, a structured [`Article`] out.
//!
//! The HTML path parses once into a flat arena (`dom`), reads metadata in order of trust
//! (`meta`), finds the body by paragraph scoring and boilerplate rules (`body`), and returns
//! everything doubtful as [`Diagnostic`]s. Plain-text reports go through `text`. Nothing here
//! does IO, reads the clock or panics on any input.

mod body;
mod dates;
mod dom;
mod meta;
mod prescan;
mod text;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use model::Diagnostic;
use serde::{Deserialize, Serialize};

/// Default input cap: 8 MiB of HTML or text.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// How to extract.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Input beyond this many bytes is cut (at a tag boundary for HTML) with a diagnostic.
    pub max_input_bytes: usize,
    /// The URL the page was fetched from: a base for relative links and a last date source.
    pub url: Option<String>,
    /// When the page was fetched: no date after it is believed.
    pub fetched_at: Option<DateTime<Utc>>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions { max_input_bytes: DEFAULT_MAX_INPUT_BYTES, url: None, fetched_at: None }
    }
}

/// An image and its caption.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Image {
    /// Absolute URL when a base was known, else as written.
    pub url: String,
    /// The caption shown with it, if any (credits removed).
    pub caption: Option<String>,
}

/// What a body block is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A paragraph of running text.
    Paragraph,
    /// A subheading inside the body.
    Heading,
    /// A block quotation.
    Quote,
    /// An item of a list.
    ListItem,
    /// A caption kept in the body's flow.
    Caption,
}

/// One block of the body, in reading order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Block {
    /// What kind of block.
    pub kind: BlockKind,
    /// Its text, whitespace collapsed, quotation marks exactly as written.
    pub text: String,
}

/// The structured article.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Article {
    /// The headline (without the site name).
    pub title: Option<String>,
    /// The standfirst or subtitle.
    pub subtitle: Option<String>,
    /// Author names, without "By" or roles.
    pub byline: Vec<String>,
    /// Publication time, RFC 3339 (with offset when known; a bare date otherwise).
    pub published: Option<String>,
    /// Last modification time, same form.
    pub modified: Option<String>,
    /// Sections and labels ("World", "Breaking News").
    pub section: Vec<String>,
    /// The outlet's name.
    pub site_name: Option<String>,
    /// The canonical URL.
    pub canonical_url: Option<String>,
    /// ISO 639-1 code when known (639-3 otherwise), detected from the body.
    pub language: Option<String>,
    /// The lead image.
    pub lead_image: Option<Image>,
    /// Body blocks in reading order.
    pub paragraphs: Vec<Block>,
    /// The body: block texts (captions excepted) joined by blank lines.
    pub body: String,
}

/// Cuts `s` to at most `max` bytes at a char boundary, preferring the last `<` before it.
fn cap_input<'a>(s: &'a str, max: usize, html: bool, diags: &mut Vec<Diagnostic>) -> &'a str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    if html {
        if let Some(lt) = s[..end].rfind('<') {
            end = lt;
        }
    } else if let Some(nl) = s[..end].rfind('\n') {
        end = nl;
    }
    diags.push(Diagnostic::warning(
        "truncated_input",
        format!("input of {} bytes cut at {} bytes (cap {max})", s.len(), end),
    ));
    &s[..end]
}

/// Joins block texts into the body string.
fn join_body(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks.iter().filter(|b| b.kind != BlockKind::Caption) {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&b.text);
    }
    body
}

/// Parses a page into the extractor's DOM and returns its node count: the bare-parse baseline
/// that benchmarks compare extraction against.
#[doc(hidden)]
pub fn parse_only(html: &str) -> usize {
    dom::Dom::parse(html).0.nodes.len()
}

/// Extracts an article from an HTML page.
pub fn extract_html(html: &str, opts: &ExtractOptions) -> (Article, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let html = cap_input(html, opts.max_input_bytes, true, &mut diags);
    let (dom, flattened) = dom::Dom::parse(html);
    if flattened {
        diags.push(Diagnostic::warning(
            "nesting_flattened",
            format!("elements nested deeper than {} levels were flattened", prescan::MAX_DEPTH),
        ));
    }
    let mut meta = meta::read(&dom, opts, &mut diags);
    let host = meta.canonical_url.as_deref().or(opts.url.as_deref()).and_then(body::host_of);
    let body = body::extract_body(&dom, meta.title.as_deref(), meta.subtitle.as_deref(), host);
    let mut paragraphs = body.blocks;
    if paragraphs.is_empty()
        && let Some(text) = meta.json_ld_body.take()
    {
        diags.push(Diagnostic::info(
            "body_from_json_ld",
            "no body found in the page; used the JSON-LD articleBody",
        ));
        paragraphs = text::split_paragraphs(&text);
    }
    if paragraphs.is_empty() {
        diags.push(Diagnostic::warning("no_body", "no article body found"));
    } else if !body.container.is_empty() {
        diags.push(Diagnostic::info(
            "body_container",
            format!("body taken from {}", body.container),
        ));
    }
    if !body.dropped.is_empty() {
        diags.push(Diagnostic::info(
            "boilerplate_dropped",
            format!("{} boilerplate blocks dropped inside the article", body.dropped.len()),
        ));
    }
    let body_text = join_body(&paragraphs);
    let (mut article, dates) = meta.into_article();
    meta::finish_dates(&mut article, dates, &paragraphs, opts, &mut diags);
    // The page's declared language (`<html lang>`, JSON-LD `inLanguage`) is trusted when
    // present; whatlang reads the body otherwise.
    if article.language.is_none() {
        article.language = meta::language(&body_text);
    }
    article.paragraphs = paragraphs;
    article.body = body_text;
    (article, diags)
}

/// Extracts an article from a plain-text report.
pub fn extract_text(input: &str, opts: &ExtractOptions) -> (Article, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let input = cap_input(input, opts.max_input_bytes, false, &mut diags);
    let (mut article, dateline) = text::extract(input, &mut diags);
    article.canonical_url = opts.url.as_deref().and_then(model::url::canonicalize);
    let paragraphs = std::mem::take(&mut article.paragraphs);
    let mut dates = meta::DateCandidates { url: opts.url.clone(), ..Default::default() };
    if let Some(d) = dateline {
        dates.published.push((meta::DateSource::Dateline, d));
    }
    meta::finish_dates(&mut article, dates, &paragraphs, opts, &mut diags);
    article.body = join_body(&paragraphs);
    article.language = meta::language(&article.body);
    article.paragraphs = paragraphs;
    if article.body.is_empty() {
        diags.push(Diagnostic::warning("no_body", "no article body found"));
    }
    (article, diags)
}
