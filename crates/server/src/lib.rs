//! The wirewatch web UI and JSON API: `app(state)` is the whole router.
//!
//! Pages are rendered on the server (`pages`, maud templates, escaped), the JSON API returns the
//! same views (`data`) under `/api/...` (`api`, listed once in `routes`, which also generates the
//! OpenAPI document), and every request passes `security::guard` (rate limit, size limit, read
//! access, security headers), then `cache::layer` (answers kept until the data changes). Store access runs on the blocking pool (`db`).

#![warn(missing_docs)]

pub mod api;
pub mod cache;
pub mod config;
pub mod data;
pub mod db;
pub mod error;
pub mod follow;
mod highlight;
pub mod live;
pub mod pages;
pub mod routes;
pub mod search;
pub mod security;
mod svg;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use config::{ServerConfig, TokenSource, resolve_token};
pub use error::{Error, ErrorCode, Result};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub db: db::Db,
    /// The resolved server settings.
    pub config: Arc<ServerConfig>,
    /// The token and the keys derived from it.
    pub secrets: Arc<security::Secrets>,
    /// Per-client request budgets.
    pub limiter: Arc<security::RateLimiter>,
    /// The live alerts (SSE, webhooks, Atom), when started.
    pub live: Option<live::LiveState>,
    /// The full-text index, or why it cannot be used (searches then answer `unavailable`).
    pub search: std::result::Result<store::search::SearchIndex, String>,
    /// Rendered answers kept until the data changes.
    pub cache: Arc<cache::ResponseCache>,
    /// On a shared PostgreSQL database, the writer of this server's own search index, which
    /// [`follow::run`] keeps current from the database.
    pub follower: Option<follow::Follower>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .field("following", &self.follower.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the store at `location` and resolves the settings; `token` is the write token
    /// (see [`resolve_token`]). `local_dir` holds what is this server's own: the search index
    /// (on the embedded store, the data directory itself, whose index ingest and poll keep
    /// current; on PostgreSQL, a directory of this machine whose index the server brings up to
    /// date from the database now, and keeps current once [`follow::run`] runs).
    pub fn new(
        location: &store::Location,
        local_dir: &Path,
        config: ServerConfig,
        token: &str,
    ) -> Result<AppState> {
        config.validate()?;
        let cache = Arc::new(cache::ResponseCache::open(location, config.cache_mb << 20)?);
        let db = db::Db::open(location)?;
        let (search, follower) = if location.is_postgres() {
            match follow::Follower::open(location, local_dir) {
                Ok((f, index)) => (Ok(index), f),
                Err(e) => {
                    tracing::warn!("search is unavailable: {e}");
                    (Err(e.to_string()), None)
                }
            }
        } else {
            let index = store::search::SearchIndex::open(local_dir).map_err(|e| {
                tracing::warn!("search is unavailable: {e}");
                e.to_string()
            });
            (index, None)
        };
        Ok(AppState {
            cache,
            db,
            limiter: Arc::new(security::RateLimiter::new(
                config.rate_limit_per_sec,
                config.rate_limit_burst,
            )),
            secrets: Arc::new(security::Secrets::new(token)),
            config: Arc::new(config),
            live: None,
            search,
            follower,
        })
    }

    /// Adds the live alerts, whose routes `app` then merges.
    pub fn with_live(mut self, live: live::LiveState) -> AppState {
        self.live = Some(live);
        self
    }
}

/// The whole application: pages, API, static files, with the security middleware around all.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/stories/{id}", get(pages::story))
        .route("/entities", get(pages::entities))
        .route("/entities/{id}", get(pages::entity))
        .route("/entities/{id}/merge", post(pages::merge_alias))
        .route("/entities/{id}/split", post(pages::split_alias))
        .route("/articles/{id}", get(pages::article))
        .route("/feeds", get(pages::feeds))
        .route("/feeds/add", post(pages::add_feed))
        .route("/feeds/import", post(pages::import_opml))
        .route("/feeds/remove", post(pages::remove_feed))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/search", get(search::page))
        .route("/static/style.css", get(pages::style));
    let mut router: Router =
        pages.merge(routes::api_router()).fallback(pages::not_found).with_state(state.clone());
    // Live alerts: SSE at /api/events, webhooks, Atom feeds. Their API routes are listed in
    // `routes::API` (as `routes::EXTERNAL`) like every other one; the layers below cover them too.
    if let Some(live) = state.live.clone() {
        router = router.merge(live::router(live));
    }
    router
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(axum::middleware::from_fn_with_state(state, security::guard))
}
