//! The HTML pages: server-rendered with maud (every interpolation is escaped), usable without
//! JavaScript, with landmarks, one `h1` per page, labelled forms and stable URLs. Key elements
//! carry ids (`#stories`, `#speakers`, `#findings`, `#coverage`, `#article-text`...) that
//! browser tests and people linking to a section can rely on.

use axum::Extension;
use axum::extract::{Form, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use store::prelude::*;

use crate::api::{P, Paging, Q, enc};
use crate::data::{self, Paged};
use crate::security::{self, CSRF_FIELD, RequestCtx, SESSION_COOKIE};
use crate::{AppState, Error};

/// The stylesheet, served from `/static/style.css` (the CSP allows no inline style).
pub const STYLE: &str = include_str!("style.css");

/// An error shown as an HTML page.
#[derive(Debug)]
pub struct PageError(pub Error);

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

type PageResult = std::result::Result<Response, PageError>;

/// An error page with the error's status.
pub fn error_page(err: &Error) -> Response {
    let code = err.code();
    let msg = err.public_message();
    let body = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (code.status().as_u16()) " · wirewatch" }
                link rel="stylesheet" href="/static/style.css";
                // No favicon file: an empty data URL keeps browsers from requesting one.
                link rel="icon" href="data:,";
            }
            body {
                main id="main" {
                    h1 { (code.status().canonical_reason().unwrap_or("Error")) }
                    p.error data-code=(code.as_str()) { (msg) }
                    p { a href="/" { "Back to the stories" } }
                }
            }
        }
    };
    (code.status(), Html(body.into_string())).into_response()
}

/// `Form` whose rejections are our errors.
#[derive(Debug)]
pub struct F<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for F<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> std::result::Result<Self, PageError> {
        match Form::<T>::from_request(req, state).await {
            Ok(f) => Ok(F(f.0)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(PageError(Error::PayloadTooLarge(state.config.body_limit_bytes)))
            }
            Err(e) => Err(PageError(Error::BadRequest(e.body_text()))),
        }
    }
}

pub(crate) fn layout(ctx: &RequestCtx, title: &str, body: Markup) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · wirewatch" }
                link rel="stylesheet" href="/static/style.css";
                // No favicon file: an empty data URL keeps browsers from requesting one.
                link rel="icon" href="data:,";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    nav aria-label="Main" {
                        a.brand href="/" { "wirewatch" }
                        ul {
                            li { a href="/" { "Stories" } }
                            li { a href="/entities" { "Entities" } }
                            li { a href="/search" { "Search" } }
                            li { a href="/feeds" { "Feeds" } }
                            li {
                                @if ctx.logged_in {
                                    form.inline method="post" action="/logout" {
                                        (csrf_field(ctx))
                                        button type="submit" { "Log out" }
                                    }
                                } @else {
                                    a href="/login" { "Log in" }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
                footer.site { p { "wirewatch — who said what, when, through whom, and what changed." } }
            }
        }
    };
    let mut resp = Html(page.into_string()).into_response();
    // Pages carry per-browser CSRF tokens: never let a shared cache keep them.
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn csrf_field(ctx: &RequestCtx) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf); }
}

pub(crate) fn time(t: Option<&str>) -> Markup {
    match t {
        Some(t) => {
            let shown = chrono::DateTime::parse_from_rfc3339(t)
                .map(|d| d.with_timezone(&chrono::Utc).format("%d %b %Y %H:%M UTC").to_string())
                .unwrap_or_else(|_| t.to_string());
            html! { time datetime=(t) { (shown) } }
        }
        None => html! { "—" },
    }
}

/// A link only for http(s) URLs: article URLs are hostile input (`javascript:` must not link).
fn safe_link(url: &str) -> Markup {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        html! { a href=(url) rel="noopener noreferrer nofollow" { (url) } }
    } else {
        html! { span.url { (url) } }
    }
}

fn pager<T>(p: &Paged<T>, path_base: &str) -> Markup {
    let prev = (p.offset > 0).then(|| {
        let off = p.offset.saturating_sub(p.limit);
        let sep = if path_base.contains('?') { '&' } else { '?' };
        format!("{path_base}{sep}limit={}&offset={off}", p.limit)
    });
    html! {
        @if prev.is_some() || p.next.is_some() {
            nav.pager aria-label="Pages" {
                @if let Some(h) = prev { a rel="prev" href=(h) { "← Previous" } }
                @if let Some(n) = &p.next { a rel="next" href=(n) { "Next →" } }
            }
        }
    }
}

/// "1 outlet", "3 outlets", "2 copies".
fn plural(n: u64, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}

/// Outlets named in a timeline entry or a statement's carriers: the first ten, then how many more.
const OUTLETS_NAMED: usize = 10;

/// The outlets of the first reports listed (`total` reports in all, the stored list holding the
/// first few): "A, B, C and 45 more reports".
fn outlet_list(reports: &[model::TimelineReport], total: usize) -> String {
    let shown = reports.len().min(OUTLETS_NAMED);
    let mut names: Vec<&str> =
        reports[..shown].iter().map(|r| r.outlet.as_deref().unwrap_or("unknown outlet")).collect();
    names.dedup();
    let mut out = names.join(", ");
    let more = total.max(reports.len()) - shown;
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// Outlets the story page's table lists (earliest first; the API has all).
const OUTLETS_LISTED: usize = 50;

/// Timeline entries the story page shows (the stored timeline has up to 400; the API has all).
const TIMELINE_SHOWN: usize = 100;

fn story_card(s: &model::StoryRecord) -> Markup {
    html! {
        li.story id=(format!("story-{}", s.id)) {
            h3 { a href=(format!("/stories/{}", s.id)) { (s.label) } }
            p.meta {
                span class=(format!("badge {}", s.state)) { (s.state) }
                " " (plural(s.outlets.len() as u64, "outlet")) " · " (plural(s.articles, "article"))
                @if s.copies > 0 { " (" (plural(s.copies, "copy")) ")" }
                " · updated " (time(s.last_updated.as_deref()))
            }
            @if !s.entities.is_empty() {
                p.entities { "Involving " (s.entities.iter().take(5).cloned().collect::<Vec<_>>().join(", ")) }
            }
        }
    }
}

/// `GET /`: breaking and developing stories, newest developments first.
pub async fn home(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    Q(p): Q<Paging>,
) -> PageResult {
    let (limit, offset) = p.resolve()?;
    let (items, latest) = st
        .db
        .run(move |s| {
            Ok((data::stories(s, false, None, limit, offset)?, data::latest_findings(s, 1)?))
        })
        .await?;
    let page = data::page_from(items, limit, offset, "/");
    let breaking: Vec<_> = page.items.iter().filter(|s| s.state == "breaking").collect();
    let developing: Vec<_> = page.items.iter().filter(|s| s.state == "developing").collect();
    let quiet: Vec<_> = page.items.iter().filter(|s| s.state == "quiet").collect();
    let body = html! {
        h1 { "Stories" }
        @if page.items.is_empty() {
            p { "No stories yet. Ingest reports or subscribe to feeds, then run the poller." }
        }
        @if let Some(f) = latest.first() {
            section id="latest-finding" aria-labelledby="h-latest" {
                (finding_box(f, html! {
                    h2 id="h-latest" { "Latest " (f.finding.kind) " · "
                        a href=(format!("/stories/{}", f.finding.story)) {
                            (f.story_label.as_deref().unwrap_or(&f.finding.story)) } }
                }))
            }
        }
        div id="stories" {
            @for (id, title, list) in [("breaking", "Breaking", &breaking), ("developing", "Developing", &developing), ("quiet", "Quiet", &quiet)] {
                @if !list.is_empty() {
                    section aria-labelledby=(format!("h-{id}")) {
                        h2 id=(format!("h-{id}")) { (title) }
                        ul.stories { @for s in list.iter() { (story_card(s)) } }
                    }
                }
            }
        }
        (pager(&page, "/"))
    };
    Ok(layout(&ctx, "Stories", body))
}

/// `GET /stories/{id}`.
pub async fn story(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    P(id): P<String>,
    Q(p): Q<Paging>,
) -> PageResult {
    let (limit, offset) = p.resolve_or(50)?;
    let base = format!("/stories/{id}");
    let v = match st.db.run(move |s| data::story_or_merged(s, &id, limit, offset, &base)).await? {
        data::Found::Here(v) => v,
        data::Found::MergedInto(to) => {
            return Ok(Redirect::permanent(&format!("/stories/{}", enc(&to))).into_response());
        }
    };
    let s = &v.story;
    let plot = crate::svg::coverage(&v.outlets, &v.coverage);
    let body = html! {
        article.story-page {
            h1 { (s.label) }
            p.meta {
                span class=(format!("badge {}", s.state)) { (s.state) }
                " " (plural(s.outlets.len() as u64, "independent outlet")) " · " (plural(s.articles, "article"))
                " (" (plural(s.copies, "copy")) ")"
                " · first seen " (time(s.first_seen.as_deref()))
                " · updated " (time(s.last_updated.as_deref()))
                @if let Some(b) = &s.breaking_since { " · breaking since " (time(Some(b))) }
            }
            @if let Some(f) = &v.first_report {
                p id="first-report" { "First to report: "
                    strong { (f.outlet.as_deref().unwrap_or("unknown outlet")) }
                    " — " a href=(format!("/articles/{}", f.id)) { (f.title.as_deref().unwrap_or(&f.key)) }
                    " (" (time(Some(f.time()))) ")"
                }
            }
            section id="findings" aria-labelledby="h-findings" {
                h2 id="h-findings" { "What changed" }
                @if v.findings.is_empty() {
                    p { "No reversal, contradiction, overstatement or correction found between these reports." }
                } @else {
                    ol.findings {
                        @for f in &v.findings { li { (finding_box(f, html! {})) } }
                    }
                }
            }
            section id="timeline" aria-labelledby="h-timeline" {
                h2 id="h-timeline" { "Timeline" }
                @if v.timeline.is_empty() { p { "No timeline yet." } }
                ol.timeline {
                    @for t in v.timeline.iter().take(TIMELINE_SHOWN) {
                        @let e = &t.entry;
                        li class=(format!("entry {}", e.kind)) {
                            p.meta {
                                (time(e.time.as_deref())) " · " (e.kind)
                                @if let Some(sp) = &e.speaker { " · " strong { (sp) } }
                                @if let Some(via) = &e.via { " via " strong { (via) } }
                            }
                            blockquote { (e.text) }
                            p.meta {
                                "First reported by "
                                @match t.first_article {
                                    Some(id) => a href=(format!("/articles/{id}?version={}", e.first.version)) {
                                        (e.first.outlet.as_deref().unwrap_or("unknown outlet"))
                                    },
                                    None => (e.first.outlet.as_deref().unwrap_or("unknown outlet")),
                                }
                                @if !e.repeated_by.is_empty() {
                                    "; repeated by " (outlet_list(&e.repeated_by, e.repeats))
                                }
                                @if !e.copied_by.is_empty() {
                                    "; copied by " (outlet_list(&e.copied_by, e.copies))
                                }
                            }
                            @if let Some(sup) = &e.superseded {
                                p.superseded { strong { "Later changed: " } (sup) }
                            }
                            @if !e.repeated_after_correction.is_empty() {
                                p.superseded { "Repeated after the change by " (e.repeated_after_correction.join(", ")) }
                            }
                        }
                    }
                }
                @if v.timeline.len() > TIMELINE_SHOWN {
                    p.meta { "The first " (TIMELINE_SHOWN) " of " (v.timeline.len()) " entries; "
                        a href=(format!("/api/stories/{}", s.id)) { "all of them as JSON" } "." }
                }
            }
            section id="speakers" aria-labelledby="h-speakers" {
                h2 id="h-speakers" { "Who said what" }
                @if v.speakers.is_empty() { p { "No statements found." } }
                @if v.speakers_total > v.speakers.len() {
                    p.meta { "The " (v.speakers.len()) " speakers with the most statements, of " (v.speakers_total) "." }
                }
                @for g in &v.speakers {
                    section.speaker {
                        h3 {
                            @match g.entity {
                                Some(e) => a href=(format!("/entities/{e}")) { (g.speaker) },
                                None => (g.speaker),
                            }
                        }
                        ul.statements {
                            @for c in &g.statements {
                                li {
                                    blockquote { (c.text) }
                                    p.meta {
                                        (c.cue.as_deref().unwrap_or(&c.kind))
                                        @if !c.via.is_empty() { " · via " strong { (c.via.join(", ")) } }
                                        " · carried by "
                                        @for (i, b) in c.carried_by.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            a href=(format!("/articles/{}", b.article)) {
                                                (b.outlet.as_deref().unwrap_or("unknown outlet"))
                                            }
                                        }
                                        @if c.carried_total > c.carried_by.len() {
                                            " and " (c.carried_total - c.carried_by.len()) " more articles ("
                                            (plural(c.outlets_total as u64, "outlet")) " in all)"
                                        }
                                    }
                                }
                            }
                        }
                        @if g.statements_total > g.statements.len() {
                            p.meta { "The " (g.statements.len()) " most carried of " (g.statements_total) " statements." }
                        }
                    }
                }
            }
            section id="outlets" aria-labelledby="h-outlets" {
                h2 id="h-outlets" { "Outlets" }
                @if let Some(p) = plot {
                    figure id="coverage" {
                        (p)
                        figcaption { "Coverage over time per outlet. Filled dots are original reports, hollow dots copies." }
                    }
                }
                table {
                    thead { tr { th scope="col" { "Outlet" } th scope="col" { "First article" } th scope="col" { "Articles" } th scope="col" { "Copies" } } }
                    tbody {
                        @for o in v.outlets.iter().take(OUTLETS_LISTED) {
                            tr {
                                th scope="row" { (o.outlet) @if o.first_report { " " span.badge.first { "first" } } }
                                td { (time(o.first.as_deref())) }
                                td { (o.articles) }
                                td { (o.copies) }
                            }
                        }
                    }
                }
                @if v.outlets.len() > OUTLETS_LISTED {
                    p.meta { "The first " (OUTLETS_LISTED) " of " (v.outlets.len()) " outlets to cover it; "
                        a href=(format!("/api/stories/{}", s.id)) { "all of them as JSON" } "." }
                }
            }
            section id="articles" aria-labelledby="h-articles" {
                h2 id="h-articles" { "Articles" }
                @if v.articles_total > v.articles.len() {
                    p.meta { "Articles " (v.offset + 1) "–" (v.offset + v.articles.len()) " of " (v.articles_total) ", first reported first." }
                }
                ol.articles start=(v.offset + 1) {
                    @for a in &v.articles {
                        li {
                            a href=(format!("/articles/{}", a.id)) { (a.title.as_deref().unwrap_or(&a.key)) }
                            p.meta {
                                (a.outlet.as_deref().unwrap_or("unknown outlet")) " · " (time(Some(a.time())))
                                @if a.versions > 1 { " · " (a.versions) " versions" }
                                @if let Some(c) = a.copy_of_id {
                                    " · copy of " a href=(format!("/articles/{c}")) { "an earlier report" }
                                    @if let Some(w) = &a.wire_agency { " (" (w) ")" }
                                }
                            }
                        }
                    }
                }
                @if v.offset > 0 || v.next.is_some() {
                    nav.pager aria-label="Article pages" {
                        @if v.offset > 0 {
                            a rel="prev" href=(format!("/stories/{}?limit={}&offset={}#articles", s.id, v.limit, v.offset.saturating_sub(v.limit))) { "← Earlier articles" }
                        }
                        @if let Some(n) = &v.next { a rel="next" href=(format!("{n}#articles")) { "Later articles →" } }
                    }
                }
            }
        }
    };
    Ok(layout(&ctx, &v.story.label, body))
}

fn evidence(label: &str, e: &model::ClaimEvidence, article: Option<i64>) -> Markup {
    html! {
        figure.side {
            figcaption {
                strong { (label) } ": "
                (e.outlet.as_deref().unwrap_or("unknown outlet"))
                @if let Some(t) = &e.time { ", " (time(Some(t))) }
                @if let Some(s) = &e.speaker { " — " (s) }
                @if let Some(v) = &e.via { " via " (v) }
            }
            blockquote { (e.text) }
            @if let Some(id) = article {
                a href=(format!("/articles/{id}?version={}", e.version)) { "Read the article" }
                @if e.version > 1 { " (version " (e.version) ")" }
            }
        }
    }
}

/// One finding with both pieces of evidence.
fn finding_box(f: &data::FindingView, heading: Markup) -> Markup {
    let (a, b) =
        if f.finding.kind == "overstatement" { ("Source", "Report") } else { ("Before", "After") };
    html! {
        div class=(format!("finding {}", f.finding.kind)) {
            (heading)
            p { strong.kind { (f.finding.kind) } " " (f.finding.explanation) }
            div.evidence {
                (evidence(a, &f.finding.first, f.first_article))
                (evidence(b, &f.finding.second, f.second_article))
            }
        }
    }
}

/// `GET /entities`.
pub async fn entities(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    Q(q): Q<crate::api::EntitiesQuery>,
) -> PageResult {
    let (limit, offset) = Paging { limit: q.limit, offset: q.offset }.resolve()?;
    let query = q.q.clone().filter(|t| !t.trim().is_empty());
    let qq = query.clone();
    let items = st.db.run(move |s| Ok(s.entities(qq.as_deref(), offset + limit + 1)?)).await?;
    let base = match &query {
        Some(t) => format!("/entities?q={}", enc(t)),
        None => "/entities".into(),
    };
    let page = data::page(items, limit, offset, &base);
    let body = html! {
        h1 { "Entities" }
        form.search role="search" method="get" action="/entities" {
            label for="entity-q" { "Name or alias" }
            input id="entity-q" type="search" name="q" value=(query.as_deref().unwrap_or(""));
            button type="submit" { "Find" }
        }
        table id="entities" {
            thead { tr { th scope="col" { "Name" } th scope="col" { "Kind" } th scope="col" { "Documents" } th scope="col" { "Statements" } } }
            tbody {
                @for e in &page.items {
                    tr {
                        th scope="row" { a href=(format!("/entities/{}", e.id)) { (e.name) } }
                        td { (e.kind) } td { (e.documents) } td { (e.statements) }
                    }
                }
            }
        }
        (pager(&page, &base))
    };
    Ok(layout(&ctx, "Entities", body))
}

/// `GET /entities/{id}`.
pub async fn entity(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    P(id): P<i64>,
    Q(p): Q<Paging>,
) -> PageResult {
    let (limit, offset) = p.resolve_or(50)?;
    let base = format!("/entities/{id}");
    let v = st.db.run(move |s| data::entity(s, id, limit, offset, &base)).await?;
    let e = &v.entity;
    let body = html! {
        h1 { (e.summary.name) }
        p.meta { (e.summary.kind) " · " (e.summary.documents) " documents · " (e.summary.statements) " statements" }
        @if !e.roles.is_empty() {
            section id="roles" aria-labelledby="h-roles" {
                h2 id="h-roles" { "Roles" }
                ul { @for r in &e.roles { li { (r) } } }
            }
        }
        section id="statements" aria-labelledby="h-statements" {
            h2 id="h-statements" { "Statements over time" }
            @if v.statements.is_empty() { p { "No statements found." } }
            ol.statements start=(v.offset + 1) {
                @for s in &v.statements {
                    li {
                        p.meta {
                            (time(Some(&s.statement.fetched_at))) " · " (s.statement.kind)
                            @if let Some(c) = &s.statement.cue { " · " (c) }
                            @if let Some(via) = &s.statement.via { " · via " strong { (via) } }
                            @if let Some(story) = &s.story { " · " a href=(format!("/stories/{story}")) { "story " (story) } }
                        }
                        blockquote { (s.statement.text) }
                        @if let Some(a) = s.article {
                            p { a href=(format!("/articles/{a}?version={}", s.statement.version)) {
                                (s.statement.title.as_deref().unwrap_or(&s.statement.document))
                            } }
                        }
                    }
                }
            }
            @if let Some(n) = &v.next {
                nav.pager aria-label="Statement pages" { a rel="next" href=(format!("{n}#statements")) { "Later statements →" } }
            }
        }
        section id="aliases" aria-labelledby="h-aliases" {
            h2 id="h-aliases" { "Aliases" }
            table {
                thead { tr { th scope="col" { "Spelling" } th scope="col" { "Evidence" } th scope="col" { "Source" }
                    @if ctx.logged_in { th scope="col" { "Edit" } } } }
                tbody {
                    @for a in &e.alias_list {
                        tr {
                            th scope="row" { (a.alias) }
                            td { (a.evidence.as_deref().unwrap_or("—")) }
                            td { (a.source) }
                            @if ctx.logged_in {
                                td {
                                    form.inline method="post" action=(format!("/entities/{id}/split")) {
                                        (csrf_field(&ctx))
                                        input type="hidden" name="alias" value=(a.alias);
                                        input type="hidden" name="kind" value=(e.summary.kind);
                                        button type="submit" { "Split off" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if ctx.logged_in {
                form id="merge-form" method="post" action=(format!("/entities/{id}/merge")) {
                    (csrf_field(&ctx))
                    label for="merge-alias" { "Another spelling of " (e.summary.name) }
                    input id="merge-alias" name="alias" required;
                    button type="submit" { "Merge into this entity" }
                }
            } @else {
                p { a href="/login" { "Log in" } " to merge or split aliases." }
            }
        }
    };
    Ok(layout(&ctx, &e.summary.name, body))
}

/// Form of the alias edits.
#[derive(Debug, Deserialize)]
pub struct AliasForm {
    csrf: Option<String>,
    alias: String,
    kind: Option<String>,
}

/// `POST /entities/{id}/merge` (logged in, CSRF).
pub async fn merge_alias(
    State(st): State<AppState>,
    headers: HeaderMap,
    P(id): P<i64>,
    F(f): F<AliasForm>,
) -> PageResult {
    security::require_form_writer(&st, &headers, f.csrf.as_deref())?;
    st.db.run(move |s| crate::api::merge_alias(s, f.alias.trim(), id)).await?;
    Ok(Redirect::to(&format!("/entities/{id}#aliases")).into_response())
}

/// `POST /entities/{id}/split` (logged in, CSRF).
pub async fn split_alias(
    State(st): State<AppState>,
    headers: HeaderMap,
    P(_id): P<i64>,
    F(f): F<AliasForm>,
) -> PageResult {
    security::require_form_writer(&st, &headers, f.csrf.as_deref())?;
    let kind = f.kind.unwrap_or_else(|| "person".into());
    let r = st.db.run(move |s| crate::api::split_alias(s, f.alias.trim(), &kind)).await?;
    Ok(Redirect::to(&format!("/entities/{}", r.entity)).into_response())
}

/// `GET /articles/{id}`.
pub async fn article(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    P(id): P<i64>,
    Q(q): Q<crate::api::ArticleQuery>,
) -> PageResult {
    let v = st.db.run(move |s| data::article(s, id, q.version)).await?;
    let title = v.title.clone().unwrap_or_else(|| v.key.clone());
    let body = html! {
        article.article-page {
            h1 { (title) }
            p.meta {
                (v.outlet.as_deref().unwrap_or("unknown outlet")) " · " (time(v.published.as_deref()))
                @if let Some(l) = &v.language { " · " (l) }
                @if let Some(st) = &v.story { " · story: " a href=(format!("/stories/{}", st.id)) { (st.label) } }
            }
            @if let Some(u) = &v.url { p.source { "Source: " (safe_link(u)) } }
            nav id="versions" aria-label="Versions" {
                h2 { "Versions" }
                ol {
                    @for ver in &v.versions {
                        li {
                            @if ver.version == v.version {
                                strong aria-current="page" { "Version " (ver.version) }
                            } @else {
                                a href=(format!("/articles/{}?version={}", v.id, ver.version)) { "Version " (ver.version) }
                            }
                            " — fetched " (time(Some(&ver.fetched_at)))
                        }
                    }
                }
            }
            @if let Some(diff) = &v.diff {
                section id="diff" aria-labelledby="h-diff" {
                    h2 id="h-diff" { "What changed since version " (v.version - 1) }
                    @if diff.iter().all(|d| d.op == "equal") {
                        p { "The extracted text did not change." }
                    } @else {
                        p.diff { @for d in diff { (diff_part(d)) } }
                    }
                }
            }
            section id="article-text" aria-labelledby="h-text" {
                h2 id="h-text" { "Text" }
                div.body { (crate::highlight::render(&v.body, &v.statements, &v.entities)) }
            }
            section id="facts" aria-labelledby="h-facts" {
                h2 id="h-facts" { "Statements" }
                @if v.statements.is_empty() { p { "No statements found." } }
                ol {
                    @for (i, s) in v.statements.iter().enumerate() {
                        li {
                            a href=(format!("#st-{i}")) { "“" (s.text) "”" }
                            " — " (s.speaker.as_deref().unwrap_or("unattributed"))
                            @if let Some(c) = &s.cue { " (" (c) ")" }
                            @if let Some(via) = &s.via { " via " strong { (via) } }
                        }
                    }
                }
                h2 { "Entities" }
                ul.entities {
                    @for e in &v.entities {
                        li {
                            @match e.entity {
                                Some(id) => a href=(format!("/entities/{id}")) { (e.name) },
                                None => (e.name),
                            }
                            " (" (e.kind)
                            @if let Some(r) = &e.role { ", " (r) }
                            @if let Some(a) = &e.affiliation { ", " (a) }
                            ")"
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&ctx, &title, body))
}

fn diff_part(d: &data::DiffPart) -> Markup {
    match d.op {
        "insert" => html! { ins { (d.text) } },
        "delete" => html! { del { (d.text) } },
        _ => {
            let n = d.text.chars().count();
            if n > 240 {
                let head: String = d.text.chars().take(100).collect();
                let tail: String = d.text.chars().skip(n - 100).collect();
                html! { (head) span.elided { " … " } (tail) }
            } else {
                html! { (d.text) }
            }
        }
    }
}

/// `GET /feeds`.
pub async fn feeds(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
) -> PageResult {
    feeds_page(&st, &ctx, None).await
}

async fn feeds_page(
    st: &AppState,
    ctx: &RequestCtx,
    result: Option<crate::api::AddedFeeds>,
) -> PageResult {
    let list = st.db.run(|s| Ok(s.list_feeds()?)).await?;
    let body = html! {
        h1 { "Feeds" }
        @if let Some(r) = &result {
            div.notice role="status" {
                p { (r.added.len()) " added, " (r.known.len()) " already subscribed, " (r.failed.len()) " failed." }
                @if !r.failed.is_empty() {
                    ul { @for f in &r.failed { li { (f.input) ": " (f.error) } } }
                }
            }
        }
        table id="feeds" {
            thead { tr {
                th scope="col" { "Feed" } th scope="col" { "Health" } th scope="col" { "Last fetch" }
                th scope="col" { "Status" } th scope="col" { "Last error" }
                @if ctx.logged_in { th scope="col" { "Remove" } }
            } }
            tbody {
                @for f in &list {
                    tr {
                        th scope="row" {
                            (f.title.as_deref().unwrap_or(&f.url)) br;
                            small { (safe_link(&f.url)) }
                        }
                        td { span class=(format!("badge {}", f.state.as_str())) { (f.state.as_str()) } }
                        td { @match f.last_fetch { Some(t) => (time(Some(&t.to_rfc3339()))), None => "never" } }
                        td { (f.last_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                        td { (f.last_error.as_deref().unwrap_or("—")) }
                        @if ctx.logged_in {
                            td {
                                form.inline method="post" action="/feeds/remove" {
                                    (csrf_field(ctx))
                                    input type="hidden" name="url" value=(f.url);
                                    button type="submit" aria-label=(format!("Remove {}", f.url)) { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if list.is_empty() { p { "No feeds yet." } }
        @if ctx.logged_in {
            section aria-labelledby="h-add" {
                h2 id="h-add" { "Add a feed" }
                form id="add-feed" method="post" action="/feeds/add" {
                    (csrf_field(ctx))
                    label for="feed-url" { "Feed URL (RSS, Atom, JSON Feed or news sitemap)" }
                    input id="feed-url" type="url" name="url" required;
                    button type="submit" { "Add" }
                }
                h2 { "Import OPML" }
                form id="import-opml" method="post" action="/feeds/import" {
                    (csrf_field(ctx))
                    label for="opml" { "Paste an OPML subscription list" }
                    textarea id="opml" name="opml" rows="6" required {}
                    button type="submit" { "Import" }
                }
            }
        } @else {
            p { a href="/login" { "Log in" } " to add, remove or import feeds." }
        }
    };
    Ok(layout(ctx, "Feeds", body))
}

/// Form of the feed edits.
#[derive(Debug, Deserialize)]
pub struct FeedForm {
    csrf: Option<String>,
    url: Option<String>,
    opml: Option<String>,
}

/// `POST /feeds/add` (logged in, CSRF).
pub async fn add_feed(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    headers: HeaderMap,
    F(f): F<FeedForm>,
) -> PageResult {
    security::require_form_writer(&st, &headers, f.csrf.as_deref())?;
    let req = crate::api::AddFeeds { url: f.url, opml: f.opml, ..Default::default() };
    let http = st.config.http.clone();
    let r = st.db.run(move |s| crate::api::add_feeds(s, &http, req)).await?;
    feeds_page(&st, &ctx, Some(r)).await
}

/// `POST /feeds/import` (logged in, CSRF).
pub async fn import_opml(
    st: State<AppState>,
    ctx: Extension<RequestCtx>,
    headers: HeaderMap,
    f: F<FeedForm>,
) -> PageResult {
    add_feed(st, ctx, headers, f).await
}

/// `POST /feeds/remove` (logged in, CSRF).
pub async fn remove_feed(
    State(st): State<AppState>,
    headers: HeaderMap,
    F(f): F<FeedForm>,
) -> PageResult {
    security::require_form_writer(&st, &headers, f.csrf.as_deref())?;
    let url = f.url.ok_or_else(|| Error::BadRequest("url is missing".into()))?;
    st.db.run(move |s| crate::api::remove_feed(s, &url)).await?;
    Ok(Redirect::to("/feeds").into_response())
}

/// `GET /login`.
pub async fn login_form(Extension(ctx): Extension<RequestCtx>) -> Response {
    login_page(&ctx, None)
}

fn login_page(ctx: &RequestCtx, error: Option<&str>) -> Response {
    let body = html! {
        h1 { "Log in" }
        p { "Editing feeds and aliases needs the server token (printed when the server first started; also in "
            code { "server-token" } " in the data directory)." }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form id="login" method="post" action="/login" {
            (csrf_field(ctx))
            label for="token" { "Token" }
            input id="token" type="password" name="token" autocomplete="current-password" required;
            button type="submit" { "Log in" }
        }
    };
    layout(ctx, "Log in", body)
}

/// Form of the login.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: Option<String>,
    token: Option<String>,
}

/// `POST /login` (CSRF): a right token sets the session cookie.
pub async fn login(
    State(st): State<AppState>,
    Extension(ctx): Extension<RequestCtx>,
    headers: HeaderMap,
    F(f): F<LoginForm>,
) -> PageResult {
    security::check_csrf(&st, &headers, f.csrf.as_deref())?;
    if !f.token.as_deref().is_some_and(|t| st.secrets.token_matches(t)) {
        let mut r = login_page(&ctx, Some("That is not the server token."));
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(r);
    }
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        st.secrets.new_session(),
        security::SESSION_SECS
    );
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// `POST /logout` (CSRF).
pub async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    F(f): F<LoginForm>,
) -> PageResult {
    security::check_csrf(&st, &headers, f.csrf.as_deref())?;
    let mut r = Redirect::to("/").into_response();
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// `GET /static/style.css`.
pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// Fallback for unknown paths: JSON under `/api/`, a page elsewhere.
pub async fn not_found(req: Request) -> Response {
    let path = req.uri().path();
    let err = Error::NotFound(format!("no route {} {}", req.method(), path));
    if path.starts_with("/api/") { err.into_response() } else { error_page(&err) }
}
