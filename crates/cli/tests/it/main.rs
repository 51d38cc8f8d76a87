//! End-to-end tests of the `wirewatch` binary: ingest from every source, stats, re-ingest,
//! feeds and poll against a local server, and a process killed mid-ingest.

mod e2e;
mod kill;
mod search;
mod support;
