//! Training the stance model: full-batch regularised logistic regression, deterministic.
//!
//! [`train`] turns labelled (claim, text) pairs into a [`Model`]; [`cross_validate`] gives honest
//! held-out predictions by training on k-1 folds of *groups* (pairs about the same story share a
//! group, so a story never sits on both sides of a split); [`report`] scores predictions the way
//! `../shared/eval/stance/score.py` does. Nothing here reads files: the `stance_train` example
//! does the IO.

use super::StanceLabel;
use super::features::{Extracted, Sparse, extract};
use super::model::{Linear, Model, softmax};

/// One labelled training pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The claim (headline or earlier statement).
    pub claim: String,
    /// The later text.
    pub text: String,
    /// The gold label.
    pub label: StanceLabel,
    /// How much this pair counts in the loss (1.0 normally).
    pub weight: f32,
}

/// Training settings; [`TrainConfig::default`] is what ships.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Hash space size in bits.
    pub bits: u32,
    /// Whether to use hashed word features in the stance stage.
    pub lexical: bool,
    /// L2 penalty on the dense cue features.
    pub l2: f32,
    /// L2 penalty on the hashed word features (larger: they memorise topics easily).
    pub l2_lexical: f32,
    /// Full-batch optimisation steps.
    pub steps: usize,
    /// Adam step size.
    pub lr: f32,
    /// Class weights are (n / (k * n_class))^power: 0 none, 1 fully balanced.
    pub balance: f32,
    /// Threshold on P(related).
    pub rel_threshold: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            bits: 14,
            lexical: false,
            l2: 1e-3,
            l2_lexical: 3e-3,
            steps: 300,
            lr: 0.05,
            balance: 0.7,
            rel_threshold: 0.5,
        }
    }
}

/// Features of every example, extracted once.
pub fn extract_all(examples: &[Example], cfg: &TrainConfig) -> Vec<Extracted> {
    examples.iter().map(|e| extract(&e.claim, &e.text, cfg.bits, cfg.lexical)).collect()
}

/// Trains the shipped model with the default settings.
pub fn train(examples: &[Example]) -> Model {
    let cfg = TrainConfig::default();
    let x = extract_all(examples, &cfg);
    let idx: Vec<usize> = (0..examples.len()).collect();
    fit(examples, &x, &idx, &cfg)
}

/// Which hashed indices carry word features (penalised harder).
fn lexical_mask(bits: u32) -> Vec<bool> {
    (0..1usize << bits).map(|i| super::features::is_word_index(i, bits)).collect()
}

/// Fits both stages on the examples at `idx`.
pub fn fit(examples: &[Example], x: &[Extracted], idx: &[usize], cfg: &TrainConfig) -> Model {
    let lexmask = if cfg.lexical { Some(lexical_mask(cfg.bits)) } else { None };
    // Stage one: related vs unrelated, on every example.
    let rel_data: Vec<(&Sparse, usize, f32)> = idx
        .iter()
        .map(|&i| {
            let y = usize::from(examples[i].label == StanceLabel::Unrelated);
            (&x[i].rel, y, examples[i].weight)
        })
        .collect();
    let rel = fit_linear(&rel_data, 2, cfg, None);
    // Stage two: support / deny / neutral, on related examples.
    let st_data: Vec<(&Sparse, usize, f32)> = idx
        .iter()
        .filter(|&&i| examples[i].label != StanceLabel::Unrelated)
        .map(|&i| (&x[i].stance, examples[i].label.index(), examples[i].weight))
        .collect();
    let stance = fit_linear(&st_data, 3, cfg, lexmask.as_deref());
    Model { bits: cfg.bits, lexical: cfg.lexical, rel, stance, rel_threshold: cfg.rel_threshold }
}

/// Full-batch Adam on weighted, class-balanced cross-entropy with L2.
fn fit_linear(
    data: &[(&Sparse, usize, f32)],
    k: usize,
    cfg: &TrainConfig,
    lexmask: Option<&[bool]>,
) -> Linear {
    let mut model = Linear::zeros(k, cfg.bits);
    let dim = 1usize << cfg.bits;
    let n = data.len().max(1) as f32;
    let mut counts = vec![0.0f32; k];
    for (_, y, w) in data {
        counts[*y] += w;
    }
    let total: f32 = counts.iter().sum();
    let cw: Vec<f32> = counts
        .iter()
        .map(|c| if *c > 0.0 { (total / (k as f32 * c)).powf(cfg.balance) } else { 0.0 })
        .collect();
    let l2: Vec<f32> = (0..dim)
        .map(|i| match lexmask {
            Some(m) if m[i] => cfg.l2_lexical,
            _ => cfg.l2,
        })
        .collect();
    let mut m1 = vec![0.0f32; dim * k];
    let mut m2 = vec![0.0f32; dim * k];
    let mut grad = vec![0.0f32; dim * k];
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    for step in 1..=cfg.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (x, y, w) in data {
            let p = softmax(&model.logits(x));
            let scale = w * cw[*y] / n;
            for &(i, v) in x.iter() {
                let base = i as usize * k;
                for c in 0..k {
                    let t = if c == *y { 1.0 } else { 0.0 };
                    grad[base + c] += scale * (p[c] - t) * v;
                }
            }
        }
        let bc1 = 1.0 - b1.powi(step as i32);
        let bc2 = 1.0 - b2.powi(step as i32);
        for j in 0..dim * k {
            let g = grad[j] + l2[j / k] * model.w[j];
            if g == 0.0 && m1[j] == 0.0 {
                continue;
            }
            m1[j] = b1 * m1[j] + (1.0 - b1) * g;
            m2[j] = b2 * m2[j] + (1.0 - b2) * g * g;
            model.w[j] -= cfg.lr * (m1[j] / bc1) / ((m2[j] / bc2).sqrt() + eps);
        }
    }
    model
}

/// Held-out predictions for every example: fold `f` holds the examples whose group maps to `f`.
pub fn cross_validate(
    examples: &[Example],
    x: &[Extracted],
    groups: &[u64],
    k: usize,
    cfg: &TrainConfig,
) -> Vec<StanceLabel> {
    let k = k.max(2) as u64;
    let mut pred = vec![StanceLabel::Neutral; examples.len()];
    for f in 0..k {
        let train_idx: Vec<usize> = (0..examples.len()).filter(|&i| groups[i] % k != f).collect();
        let m = fit(examples, x, &train_idx, cfg);
        for i in (0..examples.len()).filter(|&i| groups[i] % k == f) {
            pred[i] = m.predict(&x[i]).label;
        }
    }
    pred
}

/// Per-class F1 in [`StanceLabel::ALL`] order, macro F1 over the classes present in `gold`, and
/// a one-line summary like the scorer's.
pub fn report(gold: &[StanceLabel], pred: &[StanceLabel]) -> ([f32; 4], f32, String) {
    let mut f1 = [0.0f32; 4];
    let mut present = 0;
    let mut sum = 0.0;
    for l in StanceLabel::ALL {
        let tp = gold.iter().zip(pred).filter(|(g, p)| **g == l && **p == l).count() as f32;
        let fp = gold.iter().zip(pred).filter(|(g, p)| **g != l && **p == l).count() as f32;
        let fneg = gold.iter().zip(pred).filter(|(g, p)| **g == l && **p != l).count() as f32;
        let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let r = if tp + fneg > 0.0 { tp / (tp + fneg) } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        f1[l.index()] = f;
        if gold.contains(&l) {
            present += 1;
            sum += f;
        }
    }
    let macro_f1 = if present > 0 { sum / present as f32 } else { 0.0 };
    let line = format!(
        "deny_F1 {:.3} macroF1 {:.3} (support {:.3} deny {:.3} neutral {:.3} unrelated {:.3}) pairs {}",
        f1[1],
        macro_f1,
        f1[0],
        f1[1],
        f1[2],
        f1[3],
        gold.len()
    );
    (f1, macro_f1, line)
}

/// Made-up unrelated pairs: each distinct claim paired with `per_claim` texts written about other
/// claims, chosen by a seeded generator (deterministic). Sets with no unrelated pairs (Emergent)
/// otherwise teach the model that every short text is related.
pub fn negative_pairs(
    examples: &[Example],
    per_claim: usize,
    seed: u64,
    weight: f32,
) -> Vec<Example> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut claims: Vec<&str> = Vec::new();
    for e in examples {
        if !claims.contains(&e.claim.as_str()) {
            claims.push(&e.claim);
        }
    }
    let mut out = Vec::new();
    if examples.is_empty() {
        return out;
    }
    for c in claims {
        let mut made = 0;
        let mut tries = 0;
        while made < per_claim && tries < 20 * per_claim.max(1) {
            tries += 1;
            let e = &examples[(next() % examples.len() as u64) as usize];
            if e.claim != c {
                out.push(Example {
                    claim: c.to_string(),
                    text: e.text.clone(),
                    label: StanceLabel::Unrelated,
                    weight,
                });
                made += 1;
            }
        }
    }
    out
}
