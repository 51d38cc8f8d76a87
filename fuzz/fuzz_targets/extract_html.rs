//! Fuzz target `extract_html`: arbitrary bytes (lossily decoded) through the HTML extractor; it
//! must not panic, and `article.body` must be the non-caption blocks joined by blank lines.

#![no_main]

use analyze::extract::{BlockKind, ExtractOptions, extract_html};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let (article, _diags) = extract_html(&s, &ExtractOptions::default());
    let expected = article
        .paragraphs
        .iter()
        .filter(|b| b.kind != BlockKind::Caption)
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(article.body, expected, "body is not the non-caption blocks joined by \\n\\n");
});
