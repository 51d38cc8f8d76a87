//! Fuzz target: the TOML configuration file, read by the very code `wirewatch` runs
//! (`crates/cli/src/config.rs`). Invariant: a config or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/cli/src/config.rs"]
#[allow(dead_code)]
mod config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = config::Config::from_toml(text);
});
