//! `cargo xtask`: benchmark workloads and tidy checks.

fn main() {}
