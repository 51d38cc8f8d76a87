//! The server crate's integration tests, one binary: router tests with `oneshot` over data
//! directories filled by analysing sample reports (and hostile ones) into the store — pages, API,
//! pagination, the OpenAPI/routes agreement, auth, CSRF, rate and size limits, escaping, search —
//! and the live alerts against real listening servers on 127.0.0.1. No test touches the network.

mod api;
mod live;
mod pages;
mod search;
mod security;
mod support;
