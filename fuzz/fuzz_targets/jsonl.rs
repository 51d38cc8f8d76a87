//! Fuzz target: JSONL input, one document or item error per line.
//! Invariant: no panic; every item error names its line.
#![no_main]

use ingest::files::{ReadOptions, read_jsonl};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions { max_file_bytes: 1 << 16, ..ReadOptions::default() };
    read_jsonl(data, "fuzz.jsonl", &opts, chrono::Utc::now(), &mut |item| {
        if let Err(e) = item {
            assert!(e.to_string().contains("fuzz.jsonl"), "{e}");
        }
    });
});
