//! The wirewatch web UI, JSON API and live alerts. Built by the "serve it" issue; for now this
//! crate only reserves its place in the workspace so the dependency direction is fixed.

#![warn(missing_docs)]
