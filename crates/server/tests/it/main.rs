//! Router tests of the web UI and JSON API with `oneshot`, over data directories filled by
//! analysing sample reports (and hostile ones) into the store: pages, API, pagination, the
//! OpenAPI/routes agreement, auth, CSRF, rate and size limits, and escaping.

mod api;
mod pages;
mod security;
mod support;
