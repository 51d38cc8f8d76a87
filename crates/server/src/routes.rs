//! The one list of API routes. The router is built from it and the OpenAPI document is
//! generated from it, so the two cannot drift; a test also probes every documented route on the
//! real router.

use axum::Router;
use axum::routing::{MethodRouter, delete, get, post};
use serde_json::{Value, json};

use crate::error::ErrorCode;
use crate::{AppState, api};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// In the path (`{id}`).
    Path,
    /// In the query string.
    Query,
}

/// One documented parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Path or query.
    pub location: In,
    /// JSON schema type: `string`, `integer` or `boolean`.
    pub ty: &'static str,
    /// Whether it must be given.
    pub required: bool,
    /// What it does.
    pub doc: &'static str,
}

/// One API route.
#[derive(Debug, Clone, Copy)]
pub struct ApiRoute {
    /// `get`, `post` or `delete`.
    pub method: &'static str,
    /// The path, with `{param}` placeholders (axum and OpenAPI share this syntax).
    pub path: &'static str,
    /// OpenAPI operationId; also selects the handler.
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Whether the token is required.
    pub auth: bool,
    /// Parameters.
    pub params: &'static [Param],
    /// JSON body fields, described, for writes.
    pub body: Option<&'static str>,
}

const fn q(name: &'static str, ty: &'static str, doc: &'static str) -> Param {
    Param { name, location: In::Query, ty, required: false, doc }
}
const fn path(name: &'static str, ty: &'static str, doc: &'static str) -> Param {
    Param { name, location: In::Path, ty, required: true, doc }
}

const LIMIT: Param = q("limit", "integer", "Page size, 1 to 100 (default 20).");
const OFFSET: Param =
    q("offset", "integer", "Items to skip; follow `next` instead of computing it.");

/// Every API route. Add a route here and give it a handler in `handler` below.
pub const API: &[ApiRoute] = &[
    ApiRoute {
        method: "get",
        path: "/api/stories",
        id: "listStories",
        summary: "Stories, latest development first.",
        auth: false,
        params: &[
            q("breaking", "boolean", "Only stories flagged breaking."),
            q("since", "string", "Only stories updated at or after this time (RFC 3339 or date)."),
            LIMIT,
            OFFSET,
        ],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/stories/{id}",
        id: "getStory",
        summary: "One story: one page of its articles (50 unless `limit` says), outlets, who \
                  said what (the most prolific speakers and their most carried statements), \
                  timeline, findings. A story whose articles were all merged into another \
                  answers 308 with the other's URL in `Location`.",
        auth: false,
        params: &[
            path("id", "string", "Story id, e.g. s3."),
            q("limit", "integer", "Articles per page, 1 to 100 (default 50)."),
            OFFSET,
        ],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/findings",
        id: "listFindings",
        summary: "The latest findings (reversals, contradictions, overstatements, corrections) \
                  over all stories, newest first, each with both pieces of evidence.",
        auth: false,
        params: &[LIMIT, OFFSET],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/entities",
        id: "listEntities",
        summary: "People, organisations and places, most mentioned first.",
        auth: false,
        params: &[q("q", "string", "Only names or aliases containing this."), LIMIT, OFFSET],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/entities/{id}",
        id: "getEntity",
        summary: "One entity: aliases with evidence, roles, statements over time.",
        auth: false,
        params: &[path("id", "integer", "Entity id."), LIMIT, OFFSET],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/articles/{id}",
        id: "getArticle",
        summary: "One article: text, statements, entities, versions and the diff to the previous.",
        auth: false,
        params: &[
            path("id", "integer", "Article (document) id."),
            q("version", "integer", "Version number (default: the latest)."),
        ],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/search",
        id: "search",
        summary: "Full-text search over articles and statements, best match first, with \
                  highlighted snippets (`<b>` around matches).",
        auth: false,
        params: &[
            q("q", "string", "Query: words (all must match), \"phrases\", OR, -word, field:term."),
            q("from", "string", "Published at or after (RFC 3339 or date)."),
            q("to", "string", "Published at or before (RFC 3339 or date: that whole day)."),
            q("outlet", "string", "Only this outlet."),
            q("entity", "integer", "Only articles mentioning, or statements by, this entity."),
            q("story", "string", "Only this story."),
            q("language", "string", "Only this language code."),
            LIMIT,
            OFFSET,
        ],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/feeds",
        id: "listFeeds",
        summary: "Subscribed feeds with their health.",
        auth: false,
        params: &[LIMIT, OFFSET],
        body: None,
    },
    ApiRoute {
        method: "post",
        path: "/api/feeds",
        id: "addFeeds",
        summary: "Subscribe feeds by URL or import an OPML list.",
        auth: true,
        params: &[],
        body: Some(
            "{\"url\"?: string, \"title\"?: string, \"urls\"?: [string], \"opml\"?: string}",
        ),
    },
    ApiRoute {
        method: "delete",
        path: "/api/feeds",
        id: "removeFeed",
        summary: "Unsubscribe a feed.",
        auth: true,
        params: &[Param {
            name: "url",
            location: In::Query,
            ty: "string",
            required: true,
            doc: "The feed's URL.",
        }],
        body: None,
    },
    ApiRoute {
        method: "post",
        path: "/api/aliases/merge",
        id: "mergeAlias",
        summary: "Make a spelling name an existing entity (kept for later articles).",
        auth: true,
        params: &[],
        body: Some("{\"alias\": string, \"into\": integer}"),
    },
    ApiRoute {
        method: "post",
        path: "/api/aliases/split",
        id: "splitAlias",
        summary: "Make a spelling an entity of its own (kept for later articles).",
        auth: true,
        params: &[],
        body: Some("{\"alias\": string, \"kind\"?: \"person\"|\"organization\"|\"place\"}"),
    },
    ApiRoute {
        method: "get",
        path: "/api/events",
        id: "events",
        summary: "Server-sent events: story.new, story.breaking, finding.new, story.merged. \
                  Reconnect with Last-Event-ID (or `after`) to resume.",
        auth: false,
        params: &[
            q("kinds", "string", "Comma-separated event kinds (default: all)."),
            q("story", "string", "Only events of this story."),
            q("entity", "integer", "Only events of this entity."),
            q("q", "string", "Only events whose text contains every word."),
            q("after", "integer", "Start after this event id."),
        ],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/webhooks",
        id: "listWebhooks",
        summary: "Webhooks and their delivery state (secrets never shown).",
        auth: true,
        params: &[],
        body: None,
    },
    ApiRoute {
        method: "post",
        path: "/api/webhooks",
        id: "createWebhook",
        summary: "Create a webhook receiving events from now on (signed JSON POSTs).",
        auth: true,
        params: &[],
        body: Some(
            "{\"url\": string, \"secret\": string, \"kinds\"?: [string], \"story\"?: string, \
             \"entity\"?: integer, \"query\"?: string}",
        ),
    },
    ApiRoute {
        method: "delete",
        path: "/api/webhooks/{id}",
        id: "removeWebhook",
        summary: "Delete a webhook.",
        auth: true,
        params: &[path("id", "integer", "Webhook id.")],
        body: None,
    },
    ApiRoute {
        method: "get",
        path: "/api/openapi.json",
        id: "openapi",
        summary: "This document.",
        auth: false,
        params: &[],
        body: None,
    },
];

/// Operations listed in [`API`] but served by another module's router merged into the app (the
/// live alerts router: SSE, webhooks, Atom), so they are documented here but not built here. The
/// routes test probes the merged app, so a listed operation nobody serves still fails it.
pub const EXTERNAL: &[&str] = &["events", "listWebhooks", "createWebhook", "removeWebhook"];

/// The handler of an operation.
fn handler(id: &str) -> MethodRouter<AppState> {
    match id {
        "listStories" => get(api::stories),
        "getStory" => get(api::story),
        "listFindings" => get(api::findings),
        "listEntities" => get(api::entities),
        "getEntity" => get(api::entity),
        "getArticle" => get(api::article),
        "listFeeds" => get(api::feeds),
        "search" => get(crate::search::api),
        "addFeeds" => post(api::add_feeds_api),
        "removeFeed" => delete(api::remove_feed_api),
        "mergeAlias" => post(api::merge_alias_api),
        "splitAlias" => post(api::split_alias_api),
        "openapi" => get(api::openapi),
        // A route listed without a handler is a programming error caught by every test run.
        other => panic!("API route {other} has no handler"),
    }
}

/// The API router, built from [`API`].
pub fn api_router() -> Router<AppState> {
    let mut paths: Vec<&str> = API.iter().map(|r| r.path).collect();
    paths.sort_unstable();
    paths.dedup();
    let mut router = Router::new();
    for p in paths {
        let mut mr: MethodRouter<AppState> = MethodRouter::new();
        for r in API.iter().filter(|r| r.path == p && !EXTERNAL.contains(&r.id)) {
            mr = mr.merge(handler(r.id));
        }
        if API.iter().any(|r| r.path == p && !EXTERNAL.contains(&r.id)) {
            router = router.route(p, mr);
        }
    }
    router
}

/// The OpenAPI 3.1 document of [`API`].
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for r in API {
        let params: Vec<Value> = r
            .params
            .iter()
            .map(|p| {
                json!({
                    "name": p.name,
                    "in": if p.location == In::Path { "path" } else { "query" },
                    "required": p.required,
                    "description": p.doc,
                    "schema": { "type": p.ty },
                })
            })
            .collect();
        let mut op = json!({
            "operationId": r.id,
            "summary": r.summary,
            "parameters": params,
            "responses": {
                "200": {
                    "description": "Success.",
                    "content": { "application/json": { "schema": { "type": "object" } } }
                },
                "default": {
                    "description": "An error.",
                    "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Error" } } }
                }
            }
        });
        if r.auth {
            op["security"] = json!([{ "bearer": [] }]);
        }
        if let Some(body) = r.body {
            op["requestBody"] = json!({
                "required": true,
                "description": body,
                "content": { "application/json": { "schema": { "type": "object" } } }
            });
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "wirewatch",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Stories, statements, entities, articles and feeds of a wirewatch \
                            data directory. Lists are paginated with `limit`/`offset` and give \
                            the next page's link as `next`. Writes need `Authorization: Bearer \
                            TOKEN`."
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": { "type": "string", "enum": codes },
                            "message": { "type": "string" }
                        }
                    } }
                }
            }
        }
    })
}
