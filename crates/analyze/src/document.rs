//! The analysis of one stored document version: the stages run in order on a `RawDocument`,
//! producing the `model::Analysis` that is stored beside the version.

use model::{Analysis, ContentKind, Diagnostic, RawDocument, Severity};

use crate::extract::{ExtractOptions, extract_html, extract_text};

/// Names the analyser; bump it whenever a stage's output changes, so that re-ingesting stored
/// content re-analyses it.
pub const ANALYZER: &str = concat!("wirewatch-analyze-", env!("CARGO_PKG_VERSION"), "+extract.1");

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
    }

    #[test]
    fn empty_input_is_a_failed_analysis_not_a_panic() {
        let a = analyze_document(&doc(ContentKind::Html, ""));
        assert!(!a.ok);
        assert!(a.diagnostics.iter().any(|d| d.code == "no_body"));
        assert_eq!(a.title.as_deref(), Some("Declared title"));
    }
}
