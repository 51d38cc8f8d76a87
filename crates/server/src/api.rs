//! The JSON API handlers, the extractors that turn malformed input into `bad_request`, and the
//! write actions the API and the HTML forms share.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use model::FeedRecord;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use store::prelude::*;

use crate::data::{self, DEFAULT_LIMIT, MAX_LIMIT, Paged};
use crate::security::require_bearer;
use crate::{AppState, Error, Result};

/// `Query` whose rejection is our `bad_request`.
#[derive(Debug)]
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Q(q.0))
            .map_err(|e| Error::BadRequest(e.body_text()))
    }
}

/// `Path` whose rejection is our `bad_request`.
#[derive(Debug)]
pub struct P<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for P<T> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| P(p.0))
            .map_err(|e| Error::BadRequest(e.body_text()))
    }
}

/// `Json` whose rejections are `payload_too_large` or `bad_request`.
#[derive(Debug)]
pub struct J<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for J<T> {
    type Rejection = Error;
    async fn from_request(req: Request, state: &AppState) -> Result<Self> {
        match Json::<T>::from_request(req, state).await {
            Ok(j) => Ok(J(j.0)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Error::PayloadTooLarge(state.config.body_limit_bytes))
            }
            Err(e) => Err(Error::BadRequest(e.body_text())),
        }
    }
}

/// `?limit=&offset=` of list endpoints.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Paging {
    /// Page size (1 to 100, default 20).
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

impl Paging {
    /// Checked page size and offset.
    pub fn resolve(&self) -> Result<(usize, usize)> {
        self.resolve_or(DEFAULT_LIMIT)
    }

    /// Checked page size (`default` when not given) and offset.
    pub fn resolve_or(&self, default: usize) -> Result<(usize, usize)> {
        let limit = self.limit.unwrap_or(default);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::BadRequest(format!("limit={limit}: expected 1 to {MAX_LIMIT}")));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > 1_000_000 {
            return Err(Error::BadRequest(format!("offset={offset}: at most 1000000")));
        }
        Ok((limit, offset))
    }
}

/// Query of `GET /api/stories`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StoriesQuery {
    /// Only breaking stories.
    #[serde(default)]
    pub breaking: bool,
    /// Only stories updated at or after this time.
    pub since: Option<String>,
    /// Page size.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// Percent-encodes a query value.
pub fn enc(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl StoriesQuery {
    /// The path with the filters, without paging, for `next` links.
    pub fn base(&self, path: &str) -> String {
        let mut q = Vec::new();
        if self.breaking {
            q.push("breaking=true".to_string());
        }
        if let Some(s) = &self.since {
            q.push(format!("since={}", enc(s)));
        }
        if q.is_empty() { path.to_string() } else { format!("{path}?{}", q.join("&")) }
    }
}

/// `GET /api/stories`.
pub async fn stories(
    State(st): State<AppState>,
    Q(q): Q<StoriesQuery>,
) -> Result<Json<Paged<model::StoryRecord>>> {
    let (limit, offset) = Paging { limit: q.limit, offset: q.offset }.resolve()?;
    let base = q.base("/api/stories");
    let items =
        st.db.run(move |s| data::stories(s, q.breaking, q.since.as_deref(), limit, offset)).await?;
    Ok(Json(data::page_from(items, limit, offset, &base)))
}

/// `GET /api/stories/{id}`.
pub async fn story(
    State(st): State<AppState>,
    P(id): P<String>,
    Q(p): Q<Paging>,
) -> Result<Response> {
    let (limit, offset) = p.resolve_or(50)?;
    let base = format!("/api/stories/{id}");
    Ok(match st.db.run(move |s| data::story_or_merged(s, &id, limit, offset, &base)).await? {
        data::Found::Here(v) => Json(v).into_response(),
        data::Found::MergedInto(to) => {
            Redirect::permanent(&format!("/api/stories/{}", enc(&to))).into_response()
        }
    })
}

/// `GET /api/findings`: the latest findings over all stories.
pub async fn findings(
    State(st): State<AppState>,
    Q(p): Q<Paging>,
) -> Result<Json<Paged<data::FindingView>>> {
    let (limit, offset) = p.resolve()?;
    let items = st.db.run(move |s| data::recent_findings(s, limit, offset)).await?;
    Ok(Json(data::page(items, limit, offset, "/api/findings")))
}

/// Query of `GET /api/entities`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntitiesQuery {
    /// Only names or aliases containing this.
    pub q: Option<String>,
    /// Page size.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// `GET /api/entities`.
pub async fn entities(
    State(st): State<AppState>,
    Q(q): Q<EntitiesQuery>,
) -> Result<Json<Paged<store::EntitySummary>>> {
    let (limit, offset) = Paging { limit: q.limit, offset: q.offset }.resolve()?;
    let base = match &q.q {
        Some(t) => format!("/api/entities?q={}", enc(t)),
        None => "/api/entities".to_string(),
    };
    let items = st.db.run(move |s| Ok(s.entities(q.q.as_deref(), offset + limit + 1)?)).await?;
    Ok(Json(data::page(items, limit, offset, &base)))
}

/// `GET /api/entities/{id}`.
pub async fn entity(
    State(st): State<AppState>,
    P(id): P<i64>,
    Q(p): Q<Paging>,
) -> Result<Json<data::EntityView>> {
    let (limit, offset) = p.resolve()?;
    let base = format!("/api/entities/{id}");
    Ok(Json(st.db.run(move |s| data::entity(s, id, limit, offset, &base)).await?))
}

/// Query of `GET /api/articles/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleQuery {
    /// Which version (default: the latest).
    pub version: Option<i64>,
}

/// `GET /api/articles/{id}`.
pub async fn article(
    State(st): State<AppState>,
    P(id): P<i64>,
    Q(q): Q<ArticleQuery>,
) -> Result<Json<data::ArticleView>> {
    Ok(Json(st.db.run(move |s| data::article(s, id, q.version)).await?))
}

/// `GET /api/feeds`.
pub async fn feeds(State(st): State<AppState>, Q(p): Q<Paging>) -> Result<Json<Paged<FeedRecord>>> {
    let (limit, offset) = p.resolve()?;
    let items = st.db.run(|s| Ok(s.list_feeds()?)).await?;
    Ok(Json(data::page(items, limit, offset, "/api/feeds")))
}

/// Body of `POST /api/feeds`: URLs, and/or an OPML document to import.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddFeeds {
    /// One feed URL.
    pub url: Option<String>,
    /// Several feed URLs.
    #[serde(default)]
    pub urls: Vec<String>,
    /// A title for `url`.
    pub title: Option<String>,
    /// An OPML subscription list (its text).
    pub opml: Option<String>,
}

/// One input that could not be added.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    /// The input.
    pub input: String,
    /// Why.
    pub error: String,
}

/// What adding feeds did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AddedFeeds {
    /// Newly subscribed.
    pub added: Vec<String>,
    /// Already subscribed.
    pub known: Vec<String>,
    /// Inputs refused, each with its reason; the others were still added.
    pub failed: Vec<Failed>,
}

/// Subscribes feeds; each bad input is reported and the rest go on.
pub fn add_feeds(
    store: &mut dyn AnyStore,
    http: &ingest::http::HttpConfig,
    req: AddFeeds,
) -> Result<AddedFeeds> {
    let mut entries: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    if let Some(u) = req.url {
        entries.push((u, req.title, None));
    }
    entries.extend(req.urls.into_iter().map(|u| (u, None, None)));
    let mut out = AddedFeeds::default();
    if let Some(opml) = req.opml.filter(|o| !o.trim().is_empty()) {
        match ingest::feeds::parse_opml(opml.as_bytes()) {
            Ok(list) => entries.extend(list.into_iter().map(|o| (o.url, o.title, o.site_url))),
            Err(e) => out.failed.push(Failed { input: "opml".into(), error: e.to_string() }),
        }
    }
    if entries.is_empty() && out.failed.is_empty() {
        return Err(Error::BadRequest("give `url`, `urls` or `opml`".into()));
    }
    let now = Utc::now();
    for (raw, title, site) in entries {
        let Some(url) = model::url::canonicalize(raw.trim()) else {
            out.failed.push(Failed { input: raw, error: "not an http(s) URL".into() });
            continue;
        };
        if let Some(why) = http.static_refusal(&url) {
            let error = format!("refused {url}: {why}; {}", ingest::http::PRIVATE_HINT);
            out.failed.push(Failed { input: raw, error });
            continue;
        }
        if store.insert_feed(&FeedRecord::new(url.clone(), title, site, now))? {
            out.added.push(url);
        } else {
            out.known.push(url);
        }
    }
    Ok(out)
}

/// Unsubscribes a feed (`not_found` if it was not subscribed). Returns its canonical URL.
pub fn remove_feed(store: &mut dyn AnyStore, raw: &str) -> Result<String> {
    let url = model::url::canonicalize(raw.trim()).unwrap_or_else(|| raw.trim().to_string());
    if store.delete_feed(&url)? {
        Ok(url)
    } else {
        Err(Error::NotFound(format!("feed not subscribed: {raw}")))
    }
}

/// `POST /api/feeds` (token).
pub async fn add_feeds_api(
    State(st): State<AppState>,
    headers: HeaderMap,
    J(req): J<AddFeeds>,
) -> Result<Json<AddedFeeds>> {
    require_bearer(&st, &headers)?;
    let http = st.config.http.clone();
    Ok(Json(st.db.run(move |s| add_feeds(s, &http, req)).await?))
}

/// Query of `DELETE /api/feeds`.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedUrl {
    /// The feed's URL.
    pub url: String,
}

/// `DELETE /api/feeds?url=` (token).
pub async fn remove_feed_api(
    State(st): State<AppState>,
    headers: HeaderMap,
    Q(q): Q<FeedUrl>,
) -> Result<Json<serde_json::Value>> {
    require_bearer(&st, &headers)?;
    let url = st.db.run(move |s| remove_feed(s, &q.url)).await?;
    Ok(Json(serde_json::json!({ "removed": url })))
}

/// Body of `POST /api/aliases/merge`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeAlias {
    /// The spelling, e.g. "Barrack Obama".
    pub alias: String,
    /// The entity it names.
    pub into: i64,
}

/// Body of `POST /api/aliases/split`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitAlias {
    /// The spelling.
    pub alias: String,
    /// `person` (default), `organization` or `place`.
    pub kind: Option<String>,
}

/// The result of an alias override.
#[derive(Debug, Clone, Serialize)]
pub struct AliasResult {
    /// The spelling.
    pub alias: String,
    /// The entity it now names.
    pub entity: i64,
}

fn alias_key(alias: &str) -> Result<String> {
    let key = analyze::entities::canonical_key(alias);
    if key.is_empty() {
        return Err(Error::BadRequest(format!("{alias:?} is not a usable name")));
    }
    Ok(key)
}

/// Makes `alias` name entity `into`.
pub fn merge_alias(store: &mut dyn AnyStore, alias: &str, into: i64) -> Result<AliasResult> {
    let key = alias_key(alias)?;
    store.merge_alias(alias, &key, into)?;
    Ok(AliasResult { alias: alias.to_string(), entity: into })
}

/// Makes `alias` an entity of its own.
pub fn split_alias(store: &mut dyn AnyStore, alias: &str, kind: &str) -> Result<AliasResult> {
    if !["person", "organization", "place"].contains(&kind) {
        return Err(Error::BadRequest(format!(
            "kind={kind:?}: expected person, organization or place"
        )));
    }
    let key = alias_key(alias)?;
    let entity = store.split_alias(alias, &key, kind)?;
    Ok(AliasResult { alias: alias.to_string(), entity })
}

/// `POST /api/aliases/merge` (token).
pub async fn merge_alias_api(
    State(st): State<AppState>,
    headers: HeaderMap,
    J(req): J<MergeAlias>,
) -> Result<Json<AliasResult>> {
    require_bearer(&st, &headers)?;
    Ok(Json(st.db.run(move |s| merge_alias(s, &req.alias, req.into)).await?))
}

/// `POST /api/aliases/split` (token).
pub async fn split_alias_api(
    State(st): State<AppState>,
    headers: HeaderMap,
    J(req): J<SplitAlias>,
) -> Result<Json<AliasResult>> {
    require_bearer(&st, &headers)?;
    let kind = req.kind.unwrap_or_else(|| "person".into());
    Ok(Json(st.db.run(move |s| split_alias(s, &req.alias, &kind)).await?))
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(crate::routes::openapi())
}
