//! The `wirewatch` binary: command line, config, and wiring of the stages.

fn main() {}
