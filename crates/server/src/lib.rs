//! The wirewatch web UI, JSON API and live alerts. The live part ([`live`]: SSE, webhooks, Atom
//! feeds over the store's events outbox) is a self-contained module whose router the core
//! application merges.

#![warn(missing_docs)]

pub mod live;
