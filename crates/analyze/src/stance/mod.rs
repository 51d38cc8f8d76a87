//! Stance: does a text support, deny, merely discuss, or not concern a claim?
//!
//! [`classify`] reads a claim (a headline or an earlier statement) and a later text (a headline,
//! a statement, an article body) and says whether the text supports the claim, denies it
//! (including reversals, retractions, walk-backs and revised figures), is neutral about it
//! (discusses it, follows it up) or is unrelated to it, with the sentence that decided it.
//!
//! The model is a small two-stage linear classifier over hand-built cue features and hashed
//! words ([`features`]), trained inside the project by [`train`] and shipped as `model.json`,
//! embedded at compile time. Retrain with
//! `cargo run --release -p wirewatch-analyze --example stance_train -- ../shared/eval/stance`.

pub mod features;
pub mod model;
pub mod text;
pub mod train;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use model::Model;

/// The stance of a text towards a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceLabel {
    /// The text asserts or confirms the claim.
    Support,
    /// The text denies, refutes, retracts or reverses the claim.
    Deny,
    /// The text is about the claim but takes no side (reports, discusses, follows up).
    Neutral,
    /// The text is not about the claim.
    Unrelated,
}

impl StanceLabel {
    /// All labels in score order.
    pub const ALL: [StanceLabel; 4] =
        [StanceLabel::Support, StanceLabel::Deny, StanceLabel::Neutral, StanceLabel::Unrelated];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StanceLabel::Support => "support",
            StanceLabel::Deny => "deny",
            StanceLabel::Neutral => "neutral",
            StanceLabel::Unrelated => "unrelated",
        }
    }

    /// Parses a snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        StanceLabel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Position in [`StanceLabel::ALL`] and in [`StanceResult::scores`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The outcome of [`classify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceResult {
    /// The chosen label.
    pub label: StanceLabel,
    /// Probability of the chosen label, in [0, 1].
    pub confidence: f32,
    /// The sentence of the text that decided it (none for unrelated texts).
    pub evidence: Option<String>,
    /// Probabilities in [`StanceLabel::ALL`] order: support, deny, neutral, unrelated.
    pub scores: [f32; 4],
}

/// Longest text read, in bytes; the rest of a very long text is ignored.
const MAX_TEXT: usize = 200_000;

fn shipped() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| Model::from_json(include_str!("model.json"))).as_ref()
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Classifies the stance of `text` towards `claim` with the shipped model.
pub fn classify(claim: &str, text: &str) -> StanceResult {
    let (claim, text) = (clip(claim, MAX_TEXT / 10), clip(text, MAX_TEXT));
    match shipped() {
        Some(m) => m.classify(claim, text),
        None => StanceResult {
            label: StanceLabel::Neutral,
            confidence: 0.25,
            evidence: None,
            scores: [0.25; 4],
        },
    }
}

/// One output line of `wirewatch stance`: `{"id","label","evidence","confidence"}`.
pub fn stance_json_line(id: &serde_json::Value, claim: &str, text: &str) -> serde_json::Value {
    let r = classify(claim, text);
    serde_json::json!({
        "id": id,
        "label": r.label.as_str(),
        "evidence": r.evidence,
        "confidence": (f64::from(r.confidence) * 1000.0).round() / 1000.0,
    })
}
