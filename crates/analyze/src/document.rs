//! The analysis of one stored document version: the stages run in order on a `RawDocument`,
//! producing the `model::Analysis` that is stored beside the version.

use model::{Analysis, ContentKind, Diagnostic, DocEntity, RawDocument, Severity, Statement};

use crate::entities::{EntityKind, canonical_key};
use crate::extract::{ExtractOptions, extract_html, extract_text};
use crate::quotes::{QuoteKind, analyze_text};

/// Names the analyser; bump it whenever a stage's output changes, so that re-ingesting stored
/// content re-analyses it.
pub const ANALYZER: &str =
    concat!("wirewatch-analyze-", env!("CARGO_PKG_VERSION"), "+extract.2+quotes.2+stories.4");

/// Runs the analysis stages on a document.
pub fn analyze_document(doc: &RawDocument) -> Analysis {
    let opts = ExtractOptions {
        url: doc.canonical_url.clone().or_else(|| doc.url.clone()),
        fetched_at: Some(doc.fetched_at),
        ..ExtractOptions::default()
    };
    let (article, diagnostics) = match doc.content_kind {
        ContentKind::Html => extract_html(&doc.content, &opts),
        ContentKind::Text => extract_text(&doc.content, &opts),
    };
    let ok = !article.body.trim().is_empty()
        && !diagnostics.iter().any(|d| d.severity == Severity::Error);
    let article_json = serde_json::to_string(&article).unwrap_or_else(|_| "{}".to_string());
    let said = analyze_text(&article.body);
    let facts = crate::claims::version_facts(&article.body, &said);
    let facts_json = serde_json::to_string(&facts).ok();
    let statements = said
        .quotes
        .into_iter()
        .map(|q| Statement {
            start: q.start,
            end: q.end,
            text: q.text,
            kind: match q.kind {
                QuoteKind::Direct => "direct",
                QuoteKind::Mixed => "mixed",
                QuoteKind::Indirect => "indirect",
            }
            .to_string(),
            speaker: q.speaker,
            speaker_start: q.speaker_start,
            speaker_end: q.speaker_end,
            speaker_entity: q.speaker_entity,
            cue: q.cue,
            via: q.via,
            confidence: q.confidence,
        })
        .collect();
    let entities = said
        .entities
        .into_iter()
        .map(|e| DocEntity {
            key: canonical_key(&e.name),
            kind: match e.kind {
                EntityKind::Person => "person",
                EntityKind::Organization => "organization",
                EntityKind::Place => "place",
            }
            .to_string(),
            mentions: e.mentions.len(),
            id: e.id,
            name: e.name,
            aliases: e.aliases,
            role: e.role,
            affiliation: e.affiliation,
        })
        .collect();
    let mut diagnostics = diagnostics;
    diagnostics.extend(said.diagnostics);
    Analysis {
        analyzer: ANALYZER.to_string(),
        ok,
        title: article.title.clone().or_else(|| doc.title.clone()),
        published: article.published.clone().or_else(|| doc.published.map(|p| p.to_rfc3339())),
        language: article.language.clone(),
        site_name: article.site_name.clone(),
        body: article.body,
        article_json,
        diagnostics: with_no_body_note(diagnostics, ok),
        statements,
        entities,
        facts_json,
    }
}

fn with_no_body_note(mut diagnostics: Vec<Diagnostic>, ok: bool) -> Vec<Diagnostic> {
    if !ok && !diagnostics.iter().any(|d| d.code == "no_body") {
        diagnostics.push(Diagnostic::error("no_body", "no article body was found"));
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use model::{DocKey, SourceKind};

    use super::*;

    fn doc(kind: ContentKind, content: &str) -> RawDocument {
        RawDocument {
            key: DocKey("k".into()),
            url: None,
            canonical_url: None,
            outlet: None,
            title: Some("Declared title".into()),
            published: None,
            fetched_at: Utc::now(),
            source_kind: SourceKind::File,
            origin: "t".into(),
            content_kind: kind,
            content: content.into(),
            diagnostics: vec![],
            analysis: None,
        }
    }

    #[test]
    fn html_is_extracted() {
        let a = analyze_document(&doc(
            ContentKind::Html,
            "<html><body><article><h1>Port fire</h1><p>The fire at the port was put out after \
             six hours, officials said on Friday, and no one was hurt.</p><p>Investigators \
             will look into the cause next week, the harbour master said.</p></article></body></html>",
        ));
        assert!(a.ok, "{a:?}");
        assert!(a.body.contains("six hours"));
        assert_eq!(a.analyzer, ANALYZER);
        assert!(a.statements.iter().any(|s| s.cue.is_some()), "{:?}", a.statements);
    }

    #[test]
    fn empty_input_is_a_failed_analysis_not_a_panic() {
        let a = analyze_document(&doc(ContentKind::Html, ""));
        assert!(!a.ok);
        assert!(a.diagnostics.iter().any(|d| d.code == "no_body"));
        assert_eq!(a.title.as_deref(), Some("Declared title"));
    }
}
