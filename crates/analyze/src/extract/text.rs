//! Plain-text reports: a section label line, the headline, body lines, caption-like short
//! lines and trailing comment disclaimers told apart by line shape alone.

use model::Diagnostic;

use super::body::boilerplate_text;
use super::dates::{self, When};
use super::meta::{clean, name_case, split_byline};
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
pub(crate) fn extract(input: &str, diags: &mut Vec<Diagnostic>) -> (Article, Option<When>) {
    let mut article = Article::default();
    let mut dateline = None;
    let lines: Vec<String> = input
        .lines()
        .map(|l| clean(&l.replace('\u{feff}', "")))
        .filter(|l| !l.is_empty())
        .collect();
    // The header block: the lines before the first one that reads like running text. Each is
    // a label, an outlet name, a date, a byline or the headline.
    let words = |l: &str| l.split_whitespace().count();
    let header_end = lines
        .iter()
        .position(|l| {
            words(l) > 30 || (ends_like_sentence(l) && words(l) > 12 && !l.starts_with("By "))
        })
        .unwrap_or(lines.len())
        .min(8);
    let mut i = 0;
    while i < header_end {
        let line = &lines[i];
        let n = words(line);
        if is_label(line) {
            article.section.push(line.trim_end_matches(':').to_string());
        } else if let Some((a, b)) = line
            .split_once(" | ")
            .filter(|(a, b)| words(a) <= 4 && words(b) <= 5 && article.title.is_none())
        {
            // "World | Continental Review": a section and the outlet.
            article.section.push(a.trim().to_string());
            article.site_name = Some(b.trim().to_string());
        } else if line.starts_with("By ") && n <= 12 {
            article.byline = split_byline(line);
        } else if n <= 8 && dateline.is_none() && dates::find_in_text(line).is_some() {
            dateline = dates::find_in_text(line);
        } else if article.title.is_none()
            && article.site_name.is_none()
            && n <= 6
            && line.chars().filter(|c| c.is_alphabetic()).count() > 3
            && !line.chars().any(char::is_lowercase)
            && i + 1 < header_end
        {
            // An outlet name in capitals above the headline.
            article.site_name = Some(name_case(line));
        } else if article.title.is_none() && n <= 30 && lines.len() > i + 1 {
            article.title = Some(line.clone());
        } else {
            break;
        }
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
    (article, dateline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_headline_caption_disclaimer() {
        let mut d = Vec::new();
        let (a, _) = extract(
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
        let (a, _) = extract("", &mut d);
        assert!(a.paragraphs.is_empty() && a.title.is_none());
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;

    #[test]
    fn header_block_with_outlet_date_and_byline() {
        let mut d = Vec::new();
        let (a, date) = extract(
            "BRELSFORD EVENING STAR\nWednesday, June 7, 2017\n\nUnion seeks written promise on jobs\n\n\
             By Kevin Ashdown, Industry Reporter\n\nUnion leaders at the plant said on Wednesday they had asked the company for a written guarantee.",
            &mut d,
        );
        assert_eq!(a.site_name.as_deref(), Some("Brelsford Evening Star"));
        assert_eq!(a.title.as_deref(), Some("Union seeks written promise on jobs"));
        assert_eq!(a.byline, vec!["Kevin Ashdown"]);
        assert_eq!(date.map(|d| d.render()).as_deref(), Some("2017-06-07"));
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn section_and_outlet_line() {
        let mut d = Vec::new();
        let (a, _) = extract(
            "World | Continental Review\n\nPutin holds fire\n\nBy Marta Lind\n31 December 2016\n\nRussia's president has chosen not to answer the United States in kind, at least for now.",
            &mut d,
        );
        assert_eq!(a.section, vec!["World"]);
        assert_eq!(a.site_name.as_deref(), Some("Continental Review"));
        assert_eq!(a.title.as_deref(), Some("Putin holds fire"));
        assert_eq!(a.byline, vec!["Marta Lind"]);
    }
}
