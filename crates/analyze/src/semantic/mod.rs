//! Sentence meaning at pipeline speed: a static token-embedding table distilled from
//! all-MiniLM-L6-v2 (the Model2Vec method).
//!
//! `cargo xtask distil` runs the transformer once over every WordPiece token of its vocabulary,
//! reduces the outputs with PCA, weights each row by how rare the token is (SIF) and quantises
//! rows to `i8`; the result (`table.bin`, with the model's `vocab.txt`) is committed. A sentence's
//! vector is then the normalised mean of its tokens' rows: thousands of times faster than the
//! transformer, and close to it in what it ranks as similar (fidelity in docs/BENCHMARKS.md).
//!
//! Invariants: no IO and no download at run time (both files are compiled in); the same text
//! gives bit-identical vectors on every machine (integer table, fixed summation order).

mod tokenize;

use std::sync::OnceLock;

use tokenize::Vocab;

/// Dimensions of a sentence vector.
pub const DIM: usize = 256;

const MAGIC: &[u8; 8] = b"WWSEM001";
static TABLE_BYTES: &[u8] = include_bytes!("table.bin");
static VOCAB_TXT: &str = include_str!("vocab.txt");

/// A distilled token table: one `i8` row of [`DIM`] values and one scale per vocabulary token.
pub struct Table {
    /// One scale per row: row value = scale × `i8`.
    scales: Vec<f32>,
    rows: Vec<i8>,
}

impl Table {
    /// Parses a table file (`WWSEM001`, rows and dimension as little-endian `u32`, the rows'
    /// `f32` scales, then the `i8` rows); `Err` names what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Result<Table, String> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err("not a semantic table (bad magic)".into());
        }
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let (rows, dim) = (u32_at(8), u32_at(12));
        if dim != DIM {
            return Err(format!("dimension {dim}, expected {DIM}"));
        }
        let body = &bytes[16..];
        if body.len() != rows * 4 + rows * dim {
            return Err(format!("{} bytes of rows, expected {}", body.len(), rows * (4 + dim)));
        }
        let scales = body[..rows * 4]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let rows = body[rows * 4..].iter().map(|&b| b as i8).collect();
        Ok(Table { scales, rows })
    }

    /// Rows in the table.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    /// The unit-length vector of a token sequence; all zeros when empty. Ids beyond the table
    /// are skipped.
    pub fn embed_ids(&self, ids: &[u32]) -> Vec<f32> {
        let mut acc = [0f32; DIM];
        for &id in ids {
            let id = id as usize;
            let Some(&scale) = self.scales.get(id) else { continue };
            let row = &self.rows[id * DIM..(id + 1) * DIM];
            for (a, &q) in acc.iter_mut().zip(row) {
                *a += scale * f32::from(q);
            }
        }
        let norm = acc.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            acc.iter_mut().for_each(|x| *x /= norm);
        }
        acc.to_vec()
    }
}

fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(|| Vocab::parse(VOCAB_TXT))
}

/// The compiled-in table. Its shape is checked by the tests, so a bad file fails the build's
/// tests, never a user's run.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let t = Table::from_bytes(TABLE_BYTES).unwrap_or_else(|e| panic!("semantic table: {e}"));
        assert_eq!(t.len(), vocab().len, "semantic table: rows vs vocabulary");
        t
    })
}

/// The WordPiece ids of `text` (lower-cased BERT tokenisation, no `[CLS]`/`[SEP]`).
pub fn token_ids(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    tokenize::token_ids_into(vocab(), text, &mut out);
    out
}

/// The number of WordPiece tokens in the vocabulary.
pub fn vocab_len() -> usize {
    vocab().len
}

/// The unit-length meaning vector of `text`; all zeros when it has no tokens.
pub fn embed(text: &str) -> Vec<f32> {
    let mut ids = Vec::new();
    tokenize::token_ids_into(vocab(), text, &mut ids);
    table().embed_ids(&ids)
}

/// The unit-length vector of a token sequence (see [`token_ids`]); all zeros when empty.
pub fn embed_ids(ids: &[u32]) -> Vec<f32> {
    table().embed_ids(ids)
}

/// Cosine similarity of two vectors (0 when either is all zeros).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 { 0.0 } else { ab / (aa.sqrt() * bb.sqrt()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_vocabulary() {
        let t = table();
        assert_eq!(t.len(), vocab_len());
        assert_eq!(t.rows.len(), vocab_len() * DIM);
        assert_eq!(token_ids("the"), vec![vocab().id("the").unwrap()]);
    }

    #[test]
    fn vectors_are_unit_length_or_zero() {
        let v = embed("Russia will expel 35 US diplomats.");
        let n: f32 = v.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-4);
        assert!(embed("  ").iter().all(|&x| x == 0.0));
        assert_eq!(cosine(&embed(""), &v), 0.0);
    }

    #[test]
    fn paraphrases_are_closer_than_other_topics() {
        let a = embed("The government put the sanctions on hold.");
        let b = embed("Officials suspended the planned sanctions.");
        let c = embed("The striker scored twice in the second half.");
        assert!(cosine(&a, &b) > cosine(&a, &c) + 0.2, "{} vs {}", cosine(&a, &b), cosine(&a, &c));
    }

    #[test]
    fn deterministic() {
        assert_eq!(
            embed("Putin said: we will not expel anyone."),
            embed("Putin said: we will not expel anyone.")
        );
    }
}
