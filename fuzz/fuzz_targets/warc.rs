//! Fuzz target: WARC archives, streamed record by record with small caps.
//! Invariant: no panic; every item names its input; documents respect the size cap.
#![no_main]

use ingest::files::{ReadOptions, read_warc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions {
        max_file_bytes: 1 << 16,
        max_decompressed_bytes: 1 << 16,
        ..ReadOptions::default()
    };
    read_warc(data, "fuzz.warc", &opts, chrono::Utc::now(), &mut |item| match item {
        Ok(doc) => assert!(doc.content.len() <= 4 * (1 << 16), "{}", doc.content.len()),
        Err(e) => assert!(e.to_string().contains("fuzz.warc"), "{e}"),
    });
});
