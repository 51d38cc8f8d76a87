//! Atom 1.0 feeds for feed readers: a story's articles and findings
//! (`/feeds/stories/{id}.atom`), an entity's statements (`/feeds/entities/{id}.atom`) and a saved
//! search (`/feeds/search.atom?q=...`, the newest matching articles and statements).
//!
//! Every text goes through quick-xml's escaping, and characters XML 1.0 cannot carry (control
//! characters, U+FFFE/U+FFFF) are dropped first, so hostile report text cannot break the feed.
//! Times are normalised to RFC 3339 UTC, as Atom requires.

use std::collections::HashMap;
use store::prelude::*;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event as XmlEvent};
use sha2::{Digest, Sha256};

use super::{Error, LiveState, Result};

/// One entry of a feed.
struct Entry {
    id: String,
    title: String,
    updated: DateTime<Utc>,
    link: String,
    author: Option<String>,
    summary: String,
}

/// A whole feed.
struct Feed {
    id: String,
    title: String,
    subtitle: String,
    self_link: String,
    alternate: String,
    /// Used when there are no entries (a feed needs an `updated`).
    fallback_updated: DateTime<Utc>,
    entries: Vec<Entry>,
}

/// Drops the characters XML 1.0 does not allow (escaping cannot make them legal).
fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// Parses a stored time (RFC 3339, or a bare date) into UTC.
fn parse_time(s: Option<&str>) -> Option<DateTime<Utc>> {
    let s = s?.trim();
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).ok().or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A short text: at most `max` characters, cut at a word when possible.
fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).filter(|a| a.len() > max / 2).unwrap_or(&cut);
    format!("{cut}…")
}

/// An IRI for a document key: the URL itself, or a URN around a content-hash key.
fn document_iri(key: &str) -> String {
    if key.starts_with("http://") || key.starts_with("https://") {
        key.to_string()
    } else {
        let safe: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == ':' { c } else { '-' })
            .collect();
        format!("urn:wirewatch:document:{safe}")
    }
}

fn render(feed: &Feed) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let updated = feed.entries.iter().map(|e| e.updated).max().unwrap_or(feed.fallback_updated);
    w.create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            text(w, "id", &feed.id)?;
            text(w, "title", &feed.title)?;
            text(w, "subtitle", &feed.subtitle)?;
            text(w, "updated", &rfc3339(&updated))?;
            link(w, "self", &feed.self_link)?;
            link(w, "alternate", &feed.alternate)?;
            w.create_element("author").write_inner_content(|w| text(w, "name", "wirewatch"))?;
            text(w, "generator", "wirewatch")?;
            for e in &feed.entries {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "id", &e.id)?;
                    text(w, "title", &e.title)?;
                    text(w, "updated", &rfc3339(&e.updated))?;
                    link(w, "alternate", &e.link)?;
                    if let Some(a) = &e.author {
                        w.create_element("author").write_inner_content(|w| text(w, "name", a))?;
                    }
                    w.create_element("summary")
                        .with_attribute(("type", "text"))
                        .write_text_content(BytesText::new(&clean(&e.summary)))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, href: &str) -> std::io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("href", clean(href).as_str()))
        .write_empty()?;
    Ok(())
}

fn respond(feed: &Feed) -> Result<Response> {
    let body = render(feed).map_err(|e| Error::Task(format!("writing the feed: {e}")))?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"))],
        body,
    )
        .into_response())
}

/// Where links in feeds point: the configured public URL, else the request's host.
fn base_url(state: &LiveState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config().public_url {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The id in `{id}.atom`.
fn feed_name(file: &str) -> Result<&str> {
    file.strip_suffix(".atom")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::NotFound(format!("feed {file:?} (feeds end in .atom)")))
}

/// `GET /feeds/stories/{id}.atom`: the story's articles (first reported first in the store,
/// newest first in the feed) and its stored findings, newest first.
pub(crate) async fn story(
    State(state): State<LiveState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response> {
    let id = feed_name(&file)?.to_string();
    let limit = state.config().feed_entries;
    let base = base_url(&state, &headers);
    let wanted = id.clone();
    let (story, articles, findings) = match state
        .with_store(move |s| {
            let Some(story) = s.story_record(&wanted)? else {
                // A story merged into another: its feed continues as the other's.
                return Ok(Err(s.merged_into(&wanted)?));
            };
            // The newest articles only: the digest lists them in time order (those without a
            // publication time last), so a story of thousands reads a few rows.
            let articles = match s.story_digest(&wanted)? {
                Some(d) => {
                    let from = d.order.len().saturating_sub(limit.saturating_mul(2));
                    s.article_refs(&d.order[from..])?
                        .into_iter()
                        .map(|a| model::StoryArticle {
                            document: a.key,
                            title: a.title,
                            outlet: a.outlet,
                            published: a.published,
                            first_seen: a.first_seen,
                            duplicate_of: a.copy_of,
                            wire_agency: a.wire_agency,
                        })
                        .collect()
                }
                None => s.story(&wanted)?.map(|(_, a)| a).unwrap_or_default(),
            };
            let findings = s.findings(&wanted)?;
            Ok(Ok((story, articles, findings)))
        })
        .await?
    {
        Ok(found) => found,
        Err(Some(to)) => {
            let to = format!("/feeds/stories/{}.atom", crate::api::enc(&to));
            return Ok(axum::response::Redirect::permanent(&to).into_response());
        }
        Err(None) => return Err(Error::NotFound(format!("story {id}"))),
    };
    let page = format!("{base}/stories/{id}");
    let mut entries = Vec::new();
    for a in &articles {
        let Some(updated) =
            parse_time(a.published.as_deref()).or_else(|| parse_time(Some(&a.first_seen)))
        else {
            continue;
        };
        let mut summary = a.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
        if let Some(origin) = &a.duplicate_of {
            summary.push_str(&format!("; a copy of {origin}"));
        }
        if let Some(agency) = &a.wire_agency {
            summary.push_str(&format!("; wire credit {agency}"));
        }
        let is_url = a.document.starts_with("http://") || a.document.starts_with("https://");
        entries.push(Entry {
            id: document_iri(&a.document),
            title: a
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| a.document.clone()),
            updated,
            link: if is_url { a.document.clone() } else { page.clone() },
            author: a.outlet.clone(),
            summary,
        });
    }
    for f in &findings {
        let Some(updated) = parse_time(Some(&f.found_at)) else { continue };
        let mut summary = f.explanation.clone();
        if !f.outlets.is_empty() {
            summary.push_str(&format!(" ({})", f.outlets.join(", ")));
        }
        summary.push_str(&format!(" — “{}” / “{}”", f.first.text, f.second.text));
        entries.push(Entry {
            id: format!("urn:wirewatch:finding:{}", f.id),
            title: format!("{}: {}", f.kind, shorten(&f.explanation, 120)),
            updated,
            link: page.clone(),
            author: None,
            summary,
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(limit);
    let fallback = parse_time(story.last_updated.as_deref())
        .or_else(|| parse_time(story.first_seen.as_deref()))
        .unwrap_or(DateTime::UNIX_EPOCH);
    respond(&Feed {
        id: format!("urn:wirewatch:story:{id}"),
        title: format!("{} (wirewatch story {id})", story.label),
        subtitle: format!(
            "{} articles from {} outlets; {}",
            story.articles,
            story.outlets.len(),
            story.state
        ),
        self_link: format!("{base}/feeds/stories/{id}.atom"),
        alternate: page,
        fallback_updated: fallback,
        entries,
    })
}

/// `GET /feeds/entities/{id}.atom`: what the entity said, newest first.
pub(crate) async fn entity(
    State(state): State<LiveState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response> {
    let raw = feed_name(&file)?;
    let id: i64 = raw.parse().map_err(|_| Error::NotFound(format!("entity {raw:?}")))?;
    let limit = state.config().feed_entries;
    let base = base_url(&state, &headers);
    let detail = state
        .with_store(move |s| s.entity(id))
        .await?
        .ok_or_else(|| Error::NotFound(format!("entity {id}")))?;
    let page = format!("{base}/entities/{id}");
    let name = &detail.summary.name;
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut entries = Vec::new();
    for st in &detail.statement_list {
        let Some(updated) = parse_time(Some(&st.fetched_at)) else { continue };
        // A statement has no stable id outside the store; its document, version and text make
        // one, numbered if the same words were said twice in one version.
        let digest = Sha256::digest(format!("{}\0{}\0{}", st.document, st.version, st.text));
        let key = hex::encode(&digest[..12]);
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        let is_url = st.document.starts_with("http://") || st.document.starts_with("https://");
        let mut summary = format!("{name} ({} statement", st.kind);
        if let Some(cue) = &st.cue {
            summary.push_str(&format!(", {cue}"));
        }
        if let Some(via) = &st.via {
            summary.push_str(&format!(", via {via}"));
        }
        summary.push_str(&format!("): {}", st.text));
        if let Some(t) = &st.title {
            summary.push_str(&format!(" — in “{t}”"));
        }
        entries.push(Entry {
            id: format!("urn:wirewatch:entity:{id}:statement:{key}:{n}"),
            title: format!("{name}: “{}”", shorten(&st.text, 120)),
            updated,
            link: if is_url { st.document.clone() } else { page.clone() },
            author: None,
            summary,
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(limit);
    respond(&Feed {
        id: format!("urn:wirewatch:entity:{id}"),
        title: format!("{name} (wirewatch {})", detail.summary.kind),
        subtitle: format!("Statements by {name} across stored reports"),
        self_link: format!("{base}/feeds/entities/{id}.atom"),
        alternate: page,
        fallback_updated: DateTime::UNIX_EPOCH,
        entries,
    })
}

/// The parameters of a saved-search feed (the search page's filters).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchParams {
    q: String,
    from: Option<String>,
    to: Option<String>,
    outlet: Option<String>,
    entity: Option<i64>,
    story: Option<String>,
    language: Option<String>,
}

/// Text of a search snippet: our `<b>` marks dropped and the escaping undone (the feed writer
/// escapes again).
fn snippet_text(html: &str) -> String {
    html.replace("<b>", "")
        .replace("</b>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `GET /feeds/search.atom?q=...`: a saved search as a feed, the newest matches first.
pub(crate) async fn search(
    State(state): State<LiveState>,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> Result<Response> {
    let limit = state.config().feed_entries;
    let base = base_url(&state, &headers);
    // The serializer is not Send: it must be gone before the first await.
    let query = {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &p.q);
        for (k, v) in [
            ("from", &p.from),
            ("to", &p.to),
            ("outlet", &p.outlet),
            ("story", &p.story),
            ("language", &p.language),
        ] {
            if let Some(v) = v {
                query.append_pair(k, v);
            }
        }
        if let Some(e) = p.entity {
            query.append_pair("entity", &e.to_string());
        }
        query.finish()
    };
    let results = state
        .search(store::search::SearchQuery {
            q: p.q.clone(),
            from: p.from,
            to: p.to,
            outlet: p.outlet,
            entity: p.entity,
            story: p.story,
            language: p.language,
            // The best matches, shown newest first: a feed reader wants what is new.
            limit: limit.max(1),
            offset: 0,
        })
        .await?;
    let page = format!("{base}/search?{query}");
    let mut entries = Vec::new();
    for h in &results.hits {
        let Some(updated) = parse_time(h.published.as_deref()) else { continue };
        let is_url = h.document.starts_with("http://") || h.document.starts_with("https://");
        let text = snippet_text(&h.snippet_html);
        let title = match (&h.speaker, h.kind.as_str()) {
            (Some(sp), "statement") => format!("{sp}: “{}”", shorten(&text, 120)),
            _ => h
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| shorten(&text, 120)),
        };
        entries.push(Entry {
            id: format!("{}#{}-v{}", document_iri(&h.document), h.kind, h.version)
                + &if h.kind == "statement" {
                    format!("-{}", hex::encode(&Sha256::digest(&text)[..8]))
                } else {
                    String::new()
                },
            title,
            updated,
            link: if is_url {
                h.document.clone()
            } else {
                h.story.as_ref().map_or(page.clone(), |s| format!("{base}/stories/{s}"))
            },
            author: h.outlet.clone(),
            summary: text,
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let digest = hex::encode(&Sha256::digest(&query)[..12]);
    respond(&Feed {
        id: format!("urn:wirewatch:search:{digest}"),
        title: format!("“{}” (wirewatch search)", p.q),
        subtitle: format!("{} matching articles and statements", results.total),
        self_link: format!("{base}/feeds/search.atom?{query}"),
        alternate: page,
        fallback_updated: DateTime::UNIX_EPOCH,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_drops_what_xml_cannot_carry() {
        assert_eq!(clean("a\u{0}b\u{1b}c\td\u{FFFF}é"), "abc\tdé");
    }

    #[test]
    fn times_and_ids() {
        assert_eq!(
            rfc3339(&parse_time(Some("2026-03-01T12:00:00+02:00")).unwrap()),
            "2026-03-01T10:00:00Z"
        );
        assert_eq!(rfc3339(&parse_time(Some("2026-03-01")).unwrap()), "2026-03-01T00:00:00Z");
        assert!(parse_time(Some("yesterday")).is_none());
        assert_eq!(document_iri("https://a.example/x"), "https://a.example/x");
        assert_eq!(document_iri("sha256:ab/c"), "urn:wirewatch:document:sha256:ab-c");
        assert_eq!(shorten("one two three four", 9), "one two…");
    }
}
