//! Plain-text reports: a section label line, the headline, body lines, caption-like short
//! lines and trailing comment disclaimers told apart by line shape alone.

use model::Diagnostic;

use super::body::boilerplate_text;
use super::meta::{clean, split_byline};
use super::{Article, Block, BlockKind};

/// Section labels a report may open with.
const LABELS: &[&str] = &[
    "breaking news",
    "breaking",
    "news",
    "world",
    "politics",
    "business",
    "sport",
    "sports",
    "opinion",
    "analysis",
    "live",
    "update",
    "exclusive",
    "local",
    "national",
    "international",
    "metro",
    "entertainment",
    "technology",
    "health",
    "science",
    "africa",
    "europe",
    "asia",
    "americas",
    "middle east",
    "economy",
    "markets",
    "just in",
    "developing story",
];

fn ends_like_sentence(line: &str) -> bool {
    line.trim_end().ends_with(['.', '!', '?', '”', '"', '’', '\'', ':', ';', ',', '…', ')'])
}

/// A short line that is not a sentence: a caption, a label or a subheading.
fn caption_like(line: &str) -> bool {
    let words = line.split_whitespace().count();
    words > 0
        && words <= 6
        && !ends_like_sentence(line)
        && !line.starts_with(['“', '"', '‘', '\'', '-', '•', '*'])
        && line.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

fn is_label(line: &str) -> bool {
    let l = line.trim().trim_end_matches(':').to_lowercase();
    LABELS.contains(&l.as_str())
}

/// Whether a line is a comment-section disclaimer or similar trailer.
fn disclaimer(line: &str) -> bool {
    let l = line.to_lowercase();
    (l.contains("comment")
        && (l.contains("do not reflect")
            || l.contains("not necessarily reflect")
            || l.contains("moderat")
            || l.contains("opinions")))
        || l.starts_with("all rights reserved")
        || l.starts_with("copyright")
        || l.starts_with('©')
}

/// Splits free text (e.g. a JSON-LD `articleBody`) into paragraph blocks.
pub(crate) fn split_paragraphs(text: &str) -> Vec<Block> {
    text.lines()
        .map(clean)
        .filter(|l| !l.is_empty())
        .map(|text| Block { kind: BlockKind::Paragraph, text })
        .collect()
}

/// Reads a plain-text report.
pub(crate) fn extract(input: &str, diags: &mut Vec<Diagnostic>) -> Article {
    let mut article = Article::default();
    let lines: Vec<String> = input
        .lines()
        .map(|l| clean(&l.replace('\u{feff}', "")))
        .filter(|l| !l.is_empty())
        .collect();
    let mut i = 0;
    // Leading labels ("Breaking News").
    while i < lines.len() && is_label(&lines[i]) {
        article.section.push(lines[i].trim_end_matches(':').to_string());
        i += 1;
    }
    // The headline: the first line, if it does not read like a body paragraph.
    if let Some(first) = lines.get(i) {
        let words = first.split_whitespace().count();
        let next_is_longer = lines.get(i + 1).is_some_and(|n| n.len() > first.len());
        if words <= 30 && (!first.ends_with('.') || next_is_longer) && lines.len() > i + 1 {
            article.title = Some(first.clone());
            i += 1;
        }
    }
    // A byline right under the headline.
    if let Some(line) = lines.get(i)
        && line.starts_with("By ")
        && line.split_whitespace().count() <= 12
    {
        article.byline = split_byline(line);
        i += 1;
    }
    let mut blocks = Vec::new();
    let mut dropped = 0;
    for line in &lines[i..] {
        if disclaimer(line) || boilerplate_text(line) {
            dropped += 1;
            continue;
        }
        let kind = if caption_like(line) { BlockKind::Caption } else { BlockKind::Paragraph };
        blocks.push(Block { kind, text: line.clone() });
    }
    if dropped > 0 {
        diags.push(Diagnostic::info(
            "boilerplate_dropped",
            format!("{dropped} boilerplate line(s) (disclaimers, prompts) dropped"),
        ));
    }
    article.paragraphs = blocks;
    article
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_headline_caption_disclaimer() {
        let mut d = Vec::new();
        let a = extract(
            "Breaking News\n\nBig thing happens\n\nA long first paragraph, with words.\n\nPutin and Obama\n\n\
             “We will not,” he said.\n\nComments expressed here do not reflect the opinions of us.",
            &mut d,
        );
        assert_eq!(a.section, vec!["Breaking News"]);
        assert_eq!(a.title.as_deref(), Some("Big thing happens"));
        let kinds: Vec<_> = a.paragraphs.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, vec![BlockKind::Paragraph, BlockKind::Caption, BlockKind::Paragraph]);
        assert_eq!(a.paragraphs[2].text, "“We will not,” he said.");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn empty_input() {
        let mut d = Vec::new();
        let a = extract("", &mut d);
        assert!(a.paragraphs.is_empty() && a.title.is_none());
    }
}
