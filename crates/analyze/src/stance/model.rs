//! The stance model: two classifiers over hashed features, and how it is stored on disk.
//!
//! Stage one says whether the text is about the claim at all (related vs unrelated); stage two,
//! for related texts, picks support, deny or neutral. Both are multinomial logistic regressions
//! over [`super::features`]; stage two may add a small hidden layer for feature interactions. The file keeps only non-zero weights, rounded, so it stays small.

use serde::{Deserialize, Serialize};

use super::features::{Extracted, Sparse, extract};
use super::{StanceLabel, StanceResult};

/// A multinomial logistic regression over a hashed feature space (dense in memory).
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// Number of output classes.
    pub classes: usize,
    /// Weights, `dim * classes`, row-major by feature index.
    pub w: Vec<f32>,
}

impl Linear {
    /// A zero model with `classes` outputs over `2^bits` features.
    pub fn zeros(classes: usize, bits: u32) -> Self {
        Linear { classes, w: vec![0.0; (1usize << bits) * classes] }
    }

    /// Class logits for a sparse input; indices outside the table are ignored.
    pub fn logits(&self, x: &Sparse) -> Vec<f32> {
        let mut z = vec![0.0f32; self.classes];
        for &(i, v) in x {
            let base = i as usize * self.classes;
            if let Some(row) = self.w.get(base..base + self.classes) {
                for (zk, wk) in z.iter_mut().zip(row) {
                    *zk += wk * v;
                }
            }
        }
        z
    }

    /// Class probabilities (softmax of the logits).
    pub fn probs(&self, x: &Sparse) -> Vec<f32> {
        softmax(&self.logits(x))
    }
}

/// Numerically safe softmax.
pub fn softmax(z: &[f32]) -> Vec<f32> {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = z.iter().map(|v| (v - m).exp()).collect();
    let s: f32 = e.iter().sum();
    if s > 0.0 && s.is_finite() {
        e.iter().map(|v| v / s).collect()
    } else {
        vec![1.0 / z.len().max(1) as f32; z.len()]
    }
}

/// A one-hidden-layer network (ReLU) over the same sparse features, added to a linear layer's
/// logits so it only has to learn the interactions the linear layer cannot express.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Hidden units.
    pub hidden: usize,
    /// Output classes.
    pub classes: usize,
    /// Input weights, `dim * hidden`, row-major by feature index.
    pub w1: Vec<f32>,
    /// Hidden biases.
    pub b1: Vec<f32>,
    /// Output weights, `hidden * classes`.
    pub w2: Vec<f32>,
}

impl Mlp {
    /// Hidden activations (after ReLU).
    pub fn hidden_act(&self, x: &Sparse) -> Vec<f32> {
        let mut h = self.b1.clone();
        for &(i, v) in x {
            let base = i as usize * self.hidden;
            if let Some(row) = self.w1.get(base..base + self.hidden) {
                for (hk, wk) in h.iter_mut().zip(row) {
                    *hk += wk * v;
                }
            }
        }
        h.iter_mut().for_each(|v| *v = v.max(0.0));
        h
    }

    /// Output logits from hidden activations.
    pub fn out(&self, h: &[f32]) -> Vec<f32> {
        let mut z = vec![0.0f32; self.classes];
        for (j, hj) in h.iter().enumerate() {
            if *hj == 0.0 {
                continue;
            }
            for (c, zc) in z.iter_mut().enumerate() {
                *zc += hj * self.w2.get(j * self.classes + c).copied().unwrap_or(0.0);
            }
        }
        z
    }
}

/// Logits of a linear layer plus an optional network.
pub fn joint_logits(lin: &Linear, mlp: Option<&Mlp>, x: &Sparse) -> Vec<f32> {
    let mut z = lin.logits(x);
    if let Some(m) = mlp {
        for (a, b) in z.iter_mut().zip(m.out(&m.hidden_act(x))) {
            *a += b;
        }
    }
    z
}

/// The whole stance model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Hash space size in bits.
    pub bits: u32,
    /// Whether hashed word features are used.
    pub lexical: bool,
    /// Stage one: classes [related, unrelated].
    pub rel: Linear,
    /// Stage two: classes [support, deny, neutral].
    pub stance: Linear,
    /// Stage two's interaction network, if trained with one.
    pub stance_mlp: Option<Mlp>,
    /// Texts with P(related) below this are unrelated.
    pub rel_threshold: f32,
}

#[derive(Serialize, Deserialize)]
struct LinearFile {
    classes: usize,
    /// (feature index, weights per class), non-zero rows only.
    rows: Vec<(u32, Vec<f32>)>,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    bits: u32,
    lexical: bool,
    rel_threshold: f32,
    rel: LinearFile,
    stance: LinearFile,
    #[serde(default)]
    stance_mlp: Option<MlpFile>,
}

#[derive(Serialize, Deserialize)]
struct MlpFile {
    hidden: usize,
    classes: usize,
    /// (feature index, input weights per hidden unit), non-zero rows only.
    rows: Vec<(u32, Vec<f32>)>,
    b1: Vec<f32>,
    w2: Vec<f32>,
}

fn round_all(v: &[f32], round: f32) -> Vec<f32> {
    v.iter().map(|x| (x / round).round() * round).collect()
}

fn mlp_to_file(m: &Mlp, round: f32) -> MlpFile {
    let rows =
        m.w1.chunks(m.hidden.max(1))
            .enumerate()
            .filter_map(|(i, row)| {
                let r = round_all(row, round);
                r.iter().any(|v| *v != 0.0).then_some((i as u32, r))
            })
            .collect();
    MlpFile {
        hidden: m.hidden,
        classes: m.classes,
        rows,
        b1: round_all(&m.b1, round),
        w2: round_all(&m.w2, round),
    }
}

fn mlp_from_file(f: &MlpFile, bits: u32) -> Option<Mlp> {
    if f.hidden == 0 || f.hidden > 256 || f.classes == 0 || f.classes > 16 {
        return None;
    }
    if f.b1.len() != f.hidden || f.w2.len() != f.hidden * f.classes {
        return None;
    }
    let mut w1 = vec![0.0; (1usize << bits) * f.hidden];
    for (i, row) in &f.rows {
        if row.len() != f.hidden {
            return None;
        }
        let base = *i as usize * f.hidden;
        w1.get_mut(base..base + f.hidden)?.copy_from_slice(row);
    }
    Some(Mlp { hidden: f.hidden, classes: f.classes, w1, b1: f.b1.clone(), w2: f.w2.clone() })
}

const FORMAT: &str = "wirewatch-stance-1";

fn to_file(l: &Linear, round: f32) -> LinearFile {
    let rows =
        l.w.chunks(l.classes.max(1))
            .enumerate()
            .filter_map(|(i, row)| {
                let r: Vec<f32> = row.iter().map(|v| (v / round).round() * round).collect();
                r.iter().any(|v| *v != 0.0).then_some((i as u32, r))
            })
            .collect();
    LinearFile { classes: l.classes, rows }
}

fn from_file(f: &LinearFile, bits: u32) -> Option<Linear> {
    if f.classes == 0 || f.classes > 16 {
        return None;
    }
    let mut l = Linear::zeros(f.classes, bits);
    for (i, row) in &f.rows {
        if row.len() != f.classes {
            return None;
        }
        let base = *i as usize * f.classes;
        l.w.get_mut(base..base + f.classes)?.copy_from_slice(row);
    }
    Some(l)
}

impl Model {
    /// Serialises the model to its JSON file form (weights rounded to 1e-3).
    pub fn to_json(&self) -> String {
        let f = ModelFile {
            format: FORMAT.to_string(),
            bits: self.bits,
            lexical: self.lexical,
            rel_threshold: self.rel_threshold,
            rel: to_file(&self.rel, 1e-3),
            stance: to_file(&self.stance, 1e-3),
            stance_mlp: self.stance_mlp.as_ref().map(|m| mlp_to_file(m, 1e-3)),
        };
        serde_json::to_string(&f).unwrap_or_default()
    }

    /// Reads a model from its JSON file form; `None` if it is not one.
    pub fn from_json(s: &str) -> Option<Model> {
        let f: ModelFile = serde_json::from_str(s).ok()?;
        if f.format != FORMAT || !(4..=24).contains(&f.bits) {
            return None;
        }
        Some(Model {
            bits: f.bits,
            lexical: f.lexical,
            rel_threshold: f.rel_threshold,
            rel: from_file(&f.rel, f.bits)?,
            stance: from_file(&f.stance, f.bits)?,
            stance_mlp: match &f.stance_mlp {
                Some(m) => Some(mlp_from_file(m, f.bits)?),
                None => None,
            },
        })
    }

    /// Extracts the features this model reads.
    pub fn features(&self, claim: &str, text: &str) -> Extracted {
        extract(claim, text, self.bits, self.lexical)
    }

    /// Classifies already extracted features.
    pub fn predict(&self, x: &Extracted) -> StanceResult {
        let pr = self.rel.probs(&x.rel);
        let p_rel = pr.first().copied().unwrap_or(0.5);
        let ps = softmax(&joint_logits(&self.stance, self.stance_mlp.as_ref(), &x.stance));
        let get = |i: usize| ps.get(i).copied().unwrap_or(0.0);
        let scores = [p_rel * get(0), p_rel * get(1), p_rel * get(2), 1.0 - p_rel];
        let (label, confidence) = if p_rel < self.rel_threshold {
            (StanceLabel::Unrelated, 1.0 - p_rel)
        } else {
            let (k, p) = ps
                .iter()
                .copied()
                .enumerate()
                .fold((2, f32::NEG_INFINITY), |a, (i, p)| if p > a.1 { (i, p) } else { a });
            let label = match k {
                0 => StanceLabel::Support,
                1 => StanceLabel::Deny,
                _ => StanceLabel::Neutral,
            };
            (label, p * p_rel)
        };
        let evidence = match label {
            StanceLabel::Unrelated => None,
            StanceLabel::Deny => x.deny_evidence.clone().or_else(|| x.evidence.clone()),
            _ => x.evidence.clone(),
        };
        StanceResult { label, confidence, evidence, scores }
    }

    /// Classifies a (claim, text) pair.
    pub fn classify(&self, claim: &str, text: &str) -> StanceResult {
        self.predict(&self.features(claim, text))
    }
}
