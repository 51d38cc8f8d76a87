//! Full-text search: the `/search` page and `GET /api/search`, over the tantivy index of the
//! data directory (`store::search`). Queries run on the blocking pool; hits name their article
//! by id so pages can link to it.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};

use crate::api::{Q, enc};
use crate::data::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::pages::{PageError, layout, time};
use crate::security::RequestCtx;
use crate::{AppState, Error, Result};

/// Query of `/search` and `/api/search`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// The query (tantivy syntax: words, "phrases", OR, -word, field:term).
    pub q: Option<String>,
    /// Published at or after (RFC 3339 or date).
    pub from: Option<String>,
    /// Published before (RFC 3339 or date).
    pub to: Option<String>,
    /// Only this outlet.
    pub outlet: Option<String>,
    /// Only articles mentioning, or statements by, this entity id.
    pub entity: Option<String>,
    /// Only this story.
    pub story: Option<String>,
    /// Only this language.
    pub language: Option<String>,
    /// Page size.
    pub limit: Option<usize>,
    /// Hits to skip.
    pub offset: Option<usize>,
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl SearchParams {
    fn query(&self) -> Result<store::search::SearchQuery> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::BadRequest(format!("limit={limit}: expected 1 to {MAX_LIMIT}")));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > 10_000 {
            return Err(Error::BadRequest(format!("offset={offset}: at most 10000")));
        }
        let entity = match nonempty(&self.entity) {
            Some(e) => Some(e.parse::<i64>().map_err(|_| {
                Error::BadRequest(format!("entity={e:?}: expected an entity id (a number)"))
            })?),
            None => None,
        };
        Ok(store::search::SearchQuery {
            q: self.q.clone().unwrap_or_default(),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            outlet: nonempty(&self.outlet),
            entity,
            story: nonempty(&self.story),
            language: nonempty(&self.language),
            limit,
            offset,
        })
    }

    /// The query string without paging, for `next` links.
    fn base(&self, path: &str) -> String {
        let mut q = vec![format!("q={}", enc(self.q.as_deref().unwrap_or("")))];
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("outlet", &self.outlet),
            ("entity", &self.entity),
            ("story", &self.story),
            ("language", &self.language),
        ] {
            if let Some(v) = nonempty(v) {
                q.push(format!("{k}={}", enc(&v)));
            }
        }
        format!("{path}?{}", q.join("&"))
    }
}

/// One hit, with its article's id.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The hit as the index returns it.
    #[serde(flatten)]
    pub hit: store::search::SearchHit,
    /// Article (document) id: `/articles/{id}`.
    pub article: Option<i64>,
}

/// A page of hits.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    /// Hits in all pages.
    pub total: usize,
    /// This page's hits, best first.
    pub items: Vec<Hit>,
    /// Page size.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
    /// Path and query of the next page, if more hits exist.
    pub next: Option<String>,
}

async fn run(st: &AppState, p: &SearchParams, path: &str) -> Result<SearchPage> {
    let query = p.query()?;
    let index = st.search.clone().map_err(Error::Unavailable)?;
    let (limit, offset) = (query.limit, query.offset);
    let (total, items) = st
        .db
        .run(move |s| {
            let r = index.search(&query)?;
            let items = r
                .hits
                .into_iter()
                .map(|hit| Ok(Hit { article: data::article_id(s, &hit.document)?, hit }))
                .collect::<Result<Vec<_>>>()?;
            Ok((r.total, items))
        })
        .await?;
    let next = (offset + items.len() < total)
        .then(|| format!("{}&limit={limit}&offset={}", p.base(path), offset + limit));
    Ok(SearchPage { total, items, limit, offset, next })
}

/// `GET /api/search`.
pub async fn api(State(st): State<AppState>, Q(p): Q<SearchParams>) -> Result<Json<SearchPage>> {
    Ok(Json(run(&st, &p, "/api/search").await?))
}

/// The index's snippet with only its `<b>` marks kept: everything else is escaped again, so a
/// snippet is safe even if the index ever let markup through.
fn snippet(html: &str) -> Markup {
    let escaped = maud::html! { (html) }.into_string();
    PreEscaped(escaped.replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>"))
}

/// `GET /search`.
pub async fn page(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    Q(p): Q<SearchParams>,
) -> std::result::Result<Response, PageError> {
    let asked = p.q.is_some();
    let results = if asked { Some(run(&st, &p, "/search").await?) } else { None };
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    let body = html! {
        h1 { "Search" }
        form.search id="search-form" role="search" method="get" action="/search" {
            label for="search-q" { "Search articles and statements" }
            input id="search-q" type="search" name="q" value=(v(&p.q));
            details open[p.from.is_some() || p.outlet.is_some() || p.story.is_some()] {
                summary { "Filters" }
                label for="search-from" { "Published from" }
                input id="search-from" type="date" name="from" value=(v(&p.from));
                label for="search-to" { "Published before" }
                input id="search-to" type="date" name="to" value=(v(&p.to));
                label for="search-outlet" { "Outlet" }
                input id="search-outlet" name="outlet" value=(v(&p.outlet));
                label for="search-entity" { "Entity id" }
                input id="search-entity" name="entity" inputmode="numeric" value=(v(&p.entity));
                label for="search-story" { "Story id" }
                input id="search-story" name="story" value=(v(&p.story));
                label for="search-language" { "Language code" }
                input id="search-language" name="language" value=(v(&p.language));
            }
            button type="submit" { "Search" }
        }
        @if let Some(r) = &results {
            p role="status" { (r.total) " results" }
            ol id="results" start=(r.offset + 1) {
                @for h in &r.items {
                    li.hit {
                        p.meta {
                            span.badge { (h.hit.kind) } " "
                            (h.hit.outlet.as_deref().unwrap_or("unknown outlet"))
                            " · " (time(h.hit.published.as_deref()))
                            @if let Some(sp) = &h.hit.speaker { " · " (sp) }
                            @if let Some(s) = &h.hit.story { " · " a href=(format!("/stories/{s}")) { "story " (s) } }
                        }
                        h2.hit-title {
                            @match h.article {
                                Some(id) => a href=(format!("/articles/{id}?version={}", h.hit.version)) {
                                    (h.hit.title.as_deref().unwrap_or(&h.hit.document))
                                },
                                None => (h.hit.title.as_deref().unwrap_or(&h.hit.document)),
                            }
                        }
                        p.snippet { (snippet(&h.hit.snippet_html)) }
                    }
                }
            }
            @if let Some(n) = &r.next { nav.pager aria-label="Pages" { a rel="next" href=(n) { "Next →" } } }
        }
    };
    Ok(layout(&ctx, "Search", body))
}
