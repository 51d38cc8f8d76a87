//! `GET /api/events`: the outbox as server-sent events, with `Last-Event-ID` resume, filters, and
//! a store catch-up whenever the live channel is not enough (a resume, a lagged receiver).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use store::prelude::*;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use model::Event;
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{Error, Filter, LiveState, PAGE, Result, parse_kinds};

/// The query string of `/api/events`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsQuery {
    /// Comma-separated event kinds; all when absent.
    kinds: Option<String>,
    /// Only events of this story.
    story: Option<String>,
    /// Only events of this entity.
    entity: Option<i64>,
    /// Only events whose text contains every word.
    q: Option<String>,
    /// Start after this event id (as `Last-Event-ID`, for clients that cannot set headers).
    after: Option<i64>,
}

/// One client's position in the event stream.
struct Tail {
    state: LiveState,
    rx: broadcast::Receiver<Arc<Event>>,
    /// The id of the last event handled (sent or filtered out).
    cursor: i64,
    /// Events read from the store, not yet handled.
    backlog: VecDeque<Event>,
    /// Whether the store may hold events after `cursor` that the channel will not bring.
    catching_up: bool,
    filter: Filter,
}

impl Tail {
    /// The next event to send, or `None` when the stream ends (shutdown, store failure; a
    /// client reconnects with `Last-Event-ID` and loses nothing).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.backlog.pop_front() {
                self.cursor = e.id;
                if self.filter.matches(&e) {
                    return Some(e);
                }
                continue;
            }
            if self.catching_up {
                let after = self.cursor;
                match self.state.with_store(move |s| s.events_after(after, PAGE)).await {
                    Ok(events) if events.is_empty() => self.catching_up = false,
                    Ok(events) => self.backlog.extend(events),
                    Err(e) => {
                        tracing::warn!(error = %e, "SSE catch-up from the outbox failed");
                        return None;
                    }
                }
                continue;
            }
            tokio::select! {
                _ = self.state.inner.shutdown.cancelled() => return None,
                got = self.rx.recv() => match got {
                    // Already seen during a catch-up.
                    Ok(e) if e.id <= self.cursor => {}
                    Ok(e) => {
                        self.cursor = e.id;
                        if self.filter.matches(&e) {
                            return Some((*e).clone());
                        }
                    }
                    // Too slow for the channel: read what was missed from the store.
                    Err(RecvError::Lagged(n)) => {
                        tracing::debug!(missed = n, "SSE client lagged; catching up from the store");
                        self.catching_up = true;
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    }
}

fn to_sse(e: &Event) -> SseEvent {
    let data = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
    SseEvent::default().id(e.id.to_string()).event(&e.kind).data(data)
}

/// `GET /api/events[?kinds=story.new,finding.new&story=s3&entity=7&q=words&after=ID]`.
///
/// Without `Last-Event-ID` (or `after`) the stream starts with the next event; with it, every
/// event after that id still in the outbox is sent first. Each SSE event has the outbox id as
/// its `id`, the kind as its `event` name and the whole event as JSON `data`.
pub(crate) async fn events(
    State(state): State<LiveState>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Result<Sse<impl Stream<Item = std::result::Result<SseEvent, Infallible>>>> {
    let kinds = parse_kinds(q.kinds.as_slice()).map_err(Error::BadRequest)?;
    let last_event_id = match headers.get("last-event-id") {
        None => None,
        Some(v) => {
            Some(v.to_str().ok().and_then(|s| s.trim().parse::<i64>().ok()).ok_or_else(|| {
                Error::BadRequest(format!("Last-Event-ID {v:?} is not an event id"))
            })?)
        }
    };
    // Subscribe before reading the watermark, and catch up from the store from there: an event
    // broadcast in between is then both caught up and received, and the duplicate is skipped by
    // id; the other order could miss it.
    let rx = state.inner.tx.subscribe();
    let cursor = last_event_id.or(q.after).unwrap_or_else(|| state.published());
    let tail = Tail {
        rx,
        cursor,
        backlog: VecDeque::new(),
        catching_up: true,
        filter: Filter::new(kinds, q.story, q.entity, q.q.as_deref()),
        state: state.clone(),
    };
    let stream = futures_util::stream::unfold(tail, |mut tail| async move {
        let e = tail.next().await?;
        Some((Ok(to_sse(&e)), tail))
    });
    let keep_alive = Duration::from_secs(state.config().keep_alive_secs);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(keep_alive)))
}
