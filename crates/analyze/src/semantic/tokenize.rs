//! The BERT "uncased" tokenizer of all-MiniLM-L6-v2, written out: basic tokenisation (clean,
//! CJK split, lower-case, strip accents, split punctuation) and greedy longest-match WordPiece.
//!
//! Hand-written rather than the `tokenizers` crate: that crate pulls a regex engine, serde
//! models and more into the default build to do the same ~100 lines of work; `cargo xtask distil`
//! checks this tokenizer against it on every dev sentence and records the agreement.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use unicode_categories::UnicodeCategories;
use unicode_normalization::UnicodeNormalization;

/// The longest word WordPiece tries to split; longer words become `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

/// A WordPiece vocabulary: token string → id, in `vocab.txt` line order.
pub struct Vocab {
    ids: HashMap<&'static str, u32, BuildHasherDefault<Fnv>>,
    /// `[UNK]`'s id.
    pub unk: u32,
    /// Number of tokens.
    pub len: usize,
}

impl Vocab {
    /// Parses `vocab.txt` (one token a line; the line number is the id).
    pub fn parse(text: &'static str) -> Vocab {
        let ids: HashMap<&'static str, u32, BuildHasherDefault<Fnv>> =
            text.lines().enumerate().map(|(i, t)| (t, i as u32)).collect();
        let len = text.lines().count();
        let unk = ids.get("[UNK]").copied().unwrap_or(0);
        Vocab { ids, unk, len }
    }

    /// The id of a token string, if in the vocabulary.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }
}

/// FNV-1a: the vocabulary's keys are short strings, where SipHash's set-up dominates.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Appends the WordPiece ids of `text` (no `[CLS]`/`[SEP]`) to `out`.
pub fn token_ids_into(vocab: &Vocab, text: &str, out: &mut Vec<u32>) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<u32>| {
        if !word.is_empty() {
            wordpiece(vocab, word, out);
            word.clear();
        }
    };
    for c in text.chars() {
        // ASCII, nearly all of English news: no accents to strip, one-byte case mapping.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
                flush(&mut word, out);
            } else if c.is_ascii_punctuation() {
                flush(&mut word, out);
                word.push(c);
                flush(&mut word, out);
            }
            // Other ASCII controls (and NUL) are dropped, as by the reference normaliser.
            continue;
        }
        if c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            flush(&mut word, out);
            continue;
        }
        if is_cjk(c) {
            flush(&mut word, out);
            word.push(c);
            flush(&mut word, out);
            continue;
        }
        // As the reference normaliser: NFD, drop non-spacing marks (accents), then lower-case.
        for d in std::iter::once(c).nfd() {
            if d.is_mark_nonspacing() {
                continue;
            }
            for l in d.to_lowercase() {
                if is_punctuation(l) {
                    flush(&mut word, out);
                    word.push(l);
                    flush(&mut word, out);
                } else {
                    word.push(l);
                }
            }
        }
    }
    flush(&mut word, out);
}

/// Greedy longest-match-first WordPiece of one basic token.
fn wordpiece(vocab: &Vocab, word: &str, out: &mut Vec<u32>) {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    if chars.len() > MAX_WORD_CHARS {
        out.push(vocab.unk);
        return;
    }
    let mark = out.len();
    let mut start = 0;
    let mut piece = String::new();
    while start < chars.len() {
        let mut end = chars.len();
        let mut found = None;
        while start < end {
            let s = chars[start].0;
            let e = chars.get(end).map_or(word.len(), |c| c.0);
            piece.clear();
            if start > 0 {
                piece.push_str("##");
            }
            piece.push_str(&word[s..e]);
            if let Some(id) = vocab.id(&piece) {
                found = Some(id);
                break;
            }
            end -= 1;
        }
        match found {
            Some(id) => {
                out.push(id);
                start = end;
            }
            None => {
                out.truncate(mark);
                out.push(vocab.unk);
                return;
            }
        }
    }
}

fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

fn is_control(c: char) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    c.is_other()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

fn is_cjk(c: char) -> bool {
    let u = c as u32;
    (0x4E00..=0x9FFF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || (0x20000..=0x2A6DF).contains(&u)
        || (0x2A700..=0x2B73F).contains(&u)
        || (0x2B740..=0x2B81F).contains(&u)
        || (0x2B920..=0x2CEAF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0x2F800..=0x2FA1F).contains(&u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::parse("[PAD]\n[UNK]\nthe\nun\n##aff\n##able\n,\nputin\ncafe\n\"\n")
    }

    fn ids(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        token_ids_into(&vocab(), text, &mut out);
        out
    }

    #[test]
    fn splits_words_into_longest_pieces() {
        assert_eq!(ids("The unaffable"), vec![2, 3, 4, 5]);
    }

    #[test]
    fn lowercases_strips_accents_and_splits_punctuation() {
        assert_eq!(ids("PUTIN, Café\u{200b}"), vec![7, 6, 8]);
        assert_eq!(ids("\"the\""), vec![9, 2, 9]);
    }

    #[test]
    fn unknown_words_become_one_unk() {
        assert_eq!(ids("unxyz the"), vec![1, 2]);
        assert_eq!(ids(&"a".repeat(200)), vec![1]);
    }
}
