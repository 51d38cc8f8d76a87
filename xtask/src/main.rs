//! `cargo xtask`: benchmark workloads that compare wirewatch with peers, the fuzz campaign, and
//! tidy checks.
//!
//! Only this crate (and benches) read `../shared`; the product and its tests never do.

mod bench;
mod bench_analysis;
mod bench_extract;
mod bench_pipeline;
mod bench_poll;
mod bench_scale;
mod bench_serve;
mod chaos;
mod distil;
mod fuzz;
mod tidy;

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["bench", what, rest @ ..] => bench::run(what, rest),
        ["distil", rest @ ..] => distil::run(rest),
        ["fuzz", rest @ ..] => fuzz::run(rest),
        ["chaos", rest @ ..] => chaos::run(rest),
        ["tidy"] => tidy::check(&tidy::project_root()),
        _ => bail!(
            "usage: cargo xtask bench <ingest|pipeline [--smoke] [--bin PATH] [--copies N] [--runs N] [--no-peer]|poll [--smoke] [--bin PATH] [--feeds N] [--items N]|extract|quotes|stories|serve [--fresh] [--no-cache] [--seconds=N]|scale [--workers=1,2,4] [--seconds=N]>\n       cargo xtask distil [--sif A] [--no-write]\n       cargo xtask fuzz [--seconds N] [TARGET...]\n       cargo xtask chaos [--trials N] [--seed N] [--bin PATH] [--smoke]\n       cargo xtask tidy\n\
             benchmarks read ../shared/eval beside the project folder"
        ),
    }
}
