//! The sandbox's page: the people's chats side by side, their buttons to tap, a clock to move,
//! and what the database holds about each. Served on loopback from the binary (no CDN, no
//! framework); updates arrive as server-sent events.

use super::Sandbox;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

const PAGE: &str = include_str!("page.html");

type Shared = State<Arc<Sandbox>>;

pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/state", get(state))
        .route("/events", get(events))
        .route("/say", post(say))
        .route("/tap", post(tap))
        .route("/person", post(person))
        .route("/clock", post(clock))
        .route("/file/{chat}/{message}", get(file))
        .route("/record/{person}", get(record))
        .with_state(sandbox)
}

async fn state(State(s): Shared) -> Json<Value> {
    Json(s.snapshot())
}

/// "change" whenever a chat changes; the page then reads `/state`.
async fn events(
    State(s): Shared,
) -> Sse<impl futures::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = s.fake.subscribe();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.changed().await.ok()?;
        // An event with no data is never dispatched by browsers: it carries the version.
        let version = *rx.borrow_and_update();
        Some((
            Ok(Event::default().event("change").data(version.to_string())),
            rx,
        ))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn bad(text: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": text }))).into_response()
}

fn known(s: &Sandbox, id: i64) -> bool {
    s.people().iter().any(|p| p.id == id)
}

#[derive(Deserialize)]
struct Say {
    person: i64,
    text: String,
}

async fn say(State(s): Shared, Json(b): Json<Say>) -> Response {
    if !known(&s, b.person) {
        return bad("nobody with that id");
    }
    let text = b.text.trim();
    if text.is_empty() || text.chars().count() > 4096 {
        return bad("a message is 1 to 4,096 characters");
    }
    s.say(b.person, text);
    Json(json!({ "ok": true })).into_response()
}

#[derive(Deserialize)]
struct Tap {
    person: i64,
    message: i32,
    data: String,
}

async fn tap(State(s): Shared, Json(b): Json<Tap>) -> Response {
    let exists = s.fake.read(|st| st.message(b.person, b.message).is_some());
    if !known(&s, b.person) || !exists {
        return bad("no such message");
    }
    let id = s.tap_data(b.person, b.message, &b.data);
    Json(json!({ "ok": true, "query": id })).into_response()
}

#[derive(Deserialize)]
struct NewPerson {
    name: String,
    language: String,
}

async fn person(State(s): Shared, Json(b): Json<NewPerson>) -> Response {
    let lang = b.language.trim();
    if b.name.trim().is_empty() || lang.is_empty() || lang.len() > 8 {
        return bad("a name and a language code (en, es, es-MX...)");
    }
    let p = s.add_person(&b.name, lang);
    Json(json!({ "ok": true, "id": p.id })).into_response()
}

#[derive(Deserialize)]
struct ClockMove {
    /// Minutes to move on, or `next` for the next scheduled check-in.
    minutes: Option<i64>,
    next: Option<bool>,
}

async fn clock(State(s): Shared, Json(b): Json<ClockMove>) -> Response {
    match (b.minutes, b.next) {
        (Some(m), _) if (1..=60 * 24 * 14).contains(&m) => {
            s.advance(chrono::Duration::minutes(m));
        }
        (_, Some(true)) => match s.to_next_checkin().await {
            Ok(Some(_)) => {}
            Ok(None) => return bad("no check-in is scheduled yet: enrol someone first"),
            Err(e) => return bad(&e.to_string()),
        },
        _ => return bad("minutes from 1 to 14 days, or next"),
    }
    Json(s.snapshot()).into_response()
}

async fn file(State(s): Shared, Path((chat, message)): Path<(i64, i32)>) -> Response {
    let found = s
        .fake
        .read(|st| st.message(chat, message).and_then(|m| m.attachment.clone()));
    match found {
        Some(a) => {
            let kind = if a.bytes.starts_with(b"\x89PNG") {
                "image/png"
            } else if a.file_name.ends_with(".csv") {
                "text/csv; charset=utf-8"
            } else if a.file_name.ends_with(".json") {
                "application/json"
            } else {
                "application/octet-stream"
            };
            ([(header::CONTENT_TYPE, kind)], a.bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn record(State(s): Shared, Path(person): Path<i64>) -> Response {
    match s.record_of(person).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
