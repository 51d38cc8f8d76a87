//! Article text with its statements, speakers and entity mentions marked, as HTML.
//!
//! The body is hostile input: it is cut into segments at every annotation boundary (offsets are
//! Unicode code points, as the analysis gives them) and each segment is escaped by maud. No
//! text from the article ever reaches the page unescaped, and no annotation can nest wrongly,
//! because segments never overlap.

use maud::{Markup, html};

use crate::data::ArticleEntity;

/// What covers one code point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Mark {
    /// Index of the statement whose content covers it.
    statement: Option<usize>,
    /// Index (into the entity list) of a speaker span or entity mention covering it.
    entity: Option<usize>,
}

/// Renders `body` with marks. Statements link to their entry in the list below the text
/// (`#st-N`), speakers and mentions to their entity pages.
pub fn render(body: &str, statements: &[model::Statement], entities: &[ArticleEntity]) -> Markup {
    let chars: Vec<char> = body.chars().collect();
    let mut marks = vec![Mark::default(); chars.len()];
    // Mentions: every whole-word occurrence of an entity's name (the analysis stores no
    // per-mention offsets; its names are the fullest form used in the text).
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    let same_len = lower.len() == chars.len();
    for (i, e) in entities.iter().enumerate() {
        let name: Vec<char> = e.name.chars().flat_map(|c| c.to_lowercase()).collect();
        if name.len() < 2 || !same_len {
            continue;
        }
        let mut at = 0;
        while at + name.len() <= lower.len() {
            if lower[at..at + name.len()] == name[..]
                && (at == 0 || !lower[at - 1].is_alphanumeric())
                && lower.get(at + name.len()).is_none_or(|c| !c.is_alphanumeric())
            {
                for m in &mut marks[at..at + name.len()] {
                    m.entity.get_or_insert(i);
                }
                at += name.len();
            } else {
                at += 1;
            }
        }
    }
    for (si, s) in statements.iter().enumerate() {
        let (a, b) = (s.start.min(chars.len()), s.end.min(chars.len()));
        for m in &mut marks[a..b.max(a)] {
            m.statement = Some(si);
        }
        if let (Some(sa), Some(sb)) = (s.speaker_start, s.speaker_end) {
            let ent = s
                .speaker_entity
                .as_deref()
                .and_then(|l| entities.iter().position(|e| e.local == l));
            let (sa, sb) = (sa.min(chars.len()), sb.min(chars.len()));
            for m in &mut marks[sa..sb.max(sa)] {
                if let Some(e) = ent {
                    m.entity = Some(e);
                }
            }
        }
    }
    let mut segments: Vec<(Mark, String)> = Vec::new();
    for (c, m) in chars.iter().zip(&marks) {
        match segments.last_mut() {
            Some((lm, text)) if lm == m => text.push(*c),
            _ => segments.push((*m, c.to_string())),
        }
    }
    let mut first_of_statement = vec![true; statements.len()];
    html! {
        @for (m, text) in &segments {
            @let inner = entity_span(m.entity.and_then(|i| entities.get(i)), text);
            @match m.statement {
                Some(si) => {
                    @let first = std::mem::replace(&mut first_of_statement[si], false);
                    @if first {
                        mark.statement id=(format!("st-{si}")) data-kind=(statements[si].kind) { (inner) }
                    } @else {
                        mark.statement data-kind=(statements[si].kind) { (inner) }
                    }
                }
                None => { (inner) }
            }
        }
    }
}

fn entity_span(e: Option<&ArticleEntity>, text: &str) -> Markup {
    html! {
        @match e {
            Some(e) => {
                @match e.entity {
                    Some(id) => a.entity href=(format!("/entities/{id}")) data-kind=(e.kind) { (text) },
                    None => span.entity data-kind=(e.kind) { (text) },
                }
            }
            None => (text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(start: usize, end: usize) -> model::Statement {
        model::Statement {
            start,
            end,
            text: String::new(),
            kind: "direct".into(),
            speaker: None,
            speaker_start: Some(0),
            speaker_end: Some(5),
            speaker_entity: Some("e1".into()),
            cue: None,
            via: None,
            confidence: 1.0,
        }
    }

    #[test]
    fn marks_statements_and_speakers_and_escapes_the_rest() {
        let body = "Smith said \"<b>no</b>\" to Jones.";
        let ents = vec![ArticleEntity {
            local: "e1".into(),
            entity: Some(7),
            name: "Smith".into(),
            kind: "person".into(),
            role: None,
            affiliation: None,
            mentions: 1,
        }];
        let html = render(body, &[stmt(12, 22)], &ents).into_string();
        assert!(html.contains("<a class=\"entity\" href=\"/entities/7\""), "{html}");
        assert!(html.contains("id=\"st-0\""), "{html}");
        assert!(html.contains("&lt;b&gt;no&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn offsets_past_the_end_do_not_panic() {
        let html = render("short", &[stmt(3, 99)], &[]).into_string();
        assert!(html.contains("sh"));
    }
}
