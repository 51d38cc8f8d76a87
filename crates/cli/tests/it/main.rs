//! End-to-end tests of the `wirewatch` binary: ingest from every source, stats, re-ingest,
//! feeds and poll against a local server, a process killed mid-ingest, and the web server.

mod e2e;
mod kill;
mod pg;
mod search;
mod serve;
mod servers;
mod support;
mod workers;
