//! HTTP side of the fake: `POST /bot<token>/<method>`.

use super::markup::{check_text, parse_keyboard, TOAST_MAX_CHARS};
use super::{bot_user, message_json, ChatMessage, Fault, RequestRecord, Shared, State};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

mod files;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/{*path}", any(handle))
        // Uploads up to Telegram's own limits are read; larger ones are refused in `send_file`.
        .layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024))
        .with_state(shared)
}

pub(crate) type Params = Map<String, Value>;
/// Uploaded files of a multipart request, by field name: (file name, bytes).
type Files = std::collections::HashMap<String, (String, Bytes)>;

pub(crate) struct Reply {
    status: u16,
    body: Value,
}

pub(crate) fn ok(result: Value) -> Reply {
    Reply {
        status: 200,
        body: json!({"ok": true, "result": result}),
    }
}

fn error(code: u16, description: impl Into<String>) -> Reply {
    Reply {
        status: code,
        body: json!({"ok": false, "error_code": code, "description": description.into()}),
    }
}

pub(crate) fn bad_request(description: impl Into<String>) -> Reply {
    error(400, description)
}

async fn handle(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    req: Request,
) -> Response {
    let path = req.uri().path().trim_start_matches('/').to_string();
    let Some((bot_part, method)) = path.split_once('/') else {
        return respond(error(404, "Not Found"));
    };
    let token_ok = bot_part.strip_prefix("bot") == Some(shared.token.as_str());
    let method = method.to_ascii_lowercase();
    let (params, files) = match read_params(req).await {
        Ok(p) => p,
        Err(e) => return respond(bad_request(e)),
    };
    if !token_ok {
        return respond(error(401, "Unauthorized"));
    }
    let chat = int(&params, "chat_id");

    // Injected faults apply before the method runs.
    let fault = {
        let mut s = shared.state.lock().unwrap();
        let found = s.faults.iter_mut().find(|f| {
            f.remaining > 0
                && f.method.as_deref().is_none_or(|m| m == method)
                && f.chat.is_none_or(|c| int(&params, "chat_id") == Some(c))
        });
        let fault = found.map(|f| {
            f.remaining -= 1;
            f.fault.clone()
        });
        s.faults.retain(|f| f.remaining > 0);
        fault
    };
    match fault {
        Some(Fault::RetryAfter(secs)) => {
            let mut r = error(429, format!("Too Many Requests: retry after {secs}"));
            r.body["parameters"] = json!({"retry_after": secs});
            return finish(&shared, &method, chat, r);
        }
        Some(Fault::ServerError) => {
            return finish(&shared, &method, chat, error(500, "Internal Server Error"));
        }
        Some(Fault::BadGateway) => {
            record(&shared, &method, chat, 502);
            return (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            )
                .into_response();
        }
        Some(Fault::Refused(description)) => {
            return finish(&shared, &method, chat, bad_request(&description));
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Lost(d)) => {
            tokio::time::sleep(d).await;
            return finish(&shared, &method, chat, error(504, "Gateway Timeout"));
        }
        Some(Fault::MalformedOk | Fault::SlowReply(_)) | None => {}
    }

    if method == "sendmessage" {
        if let Some(r) = flood_check(&shared, &params) {
            return finish(&shared, &method, chat, r);
        }
    }
    let reply = if method == "getupdates" {
        get_updates(&shared, &params).await
    } else {
        let r = {
            let mut s = shared.state.lock().unwrap();
            match method.as_str() {
                "senddocument" => files::send_file(&mut s, &params, &files, "document"),
                "sendphoto" => files::send_file(&mut s, &params, &files, "photo"),
                "editmessagemedia" => files::edit_media(&mut s, &params, &files),
                _ => call(&mut s, &method, &params),
            }
        };
        shared.changed();
        r
    };
    if let Some(Fault::SlowReply(d)) = fault {
        tokio::time::sleep(d).await;
    }
    if fault == Some(Fault::MalformedOk) && reply.status == 200 {
        record(&shared, &method, chat, 200);
        return (StatusCode::OK, "{\"ok\":true,\"result\":{\"message_id\":").into_response();
    }
    finish(&shared, &method, chat, reply)
}

/// Telegram's flood control: 429 with retry_after when a limit is exceeded.
fn flood_check(shared: &Shared, params: &Params) -> Option<Reply> {
    let mut s = shared.state.lock().unwrap();
    let limit = s.flood.limit?;
    let now = std::time::Instant::now();
    let chat = int(params, "chat_id").unwrap_or(0);
    while s
        .flood
        .recent
        .front()
        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
    {
        s.flood.recent.pop_front();
    }
    let chat_busy = s
        .flood
        .last_in_chat
        .get(&chat)
        .is_some_and(|t| now.duration_since(*t) < limit.per_chat_gap);
    if s.flood.recent.len() >= limit.per_second || chat_busy {
        let mut r = error(429, "Too Many Requests: retry after 1");
        r.body["parameters"] = json!({"retry_after": 1});
        return Some(r);
    }
    s.flood.recent.push_back(now);
    s.flood.last_in_chat.insert(chat, now);
    None
}

fn record(shared: &Shared, method: &str, chat_id: Option<i64>, status: u16) {
    shared.state.lock().unwrap().requests.push(RequestRecord {
        method: method.to_string(),
        chat_id,
        status,
        at: std::time::Instant::now(),
    });
    shared.changed();
}

fn finish(shared: &Shared, method: &str, chat: Option<i64>, reply: Reply) -> Response {
    record(shared, method, chat, reply.status);
    respond(reply)
}

fn respond(r: Reply) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(r.body)).into_response()
}

/// JSON, urlencoded or multipart body, plus query-string parameters.
async fn read_params(req: Request) -> Result<(Params, Files), String> {
    let mut params = Params::new();
    let mut files = Files::new();
    if let Some(q) = req.uri().query() {
        for (k, v) in url_pairs(q) {
            params.insert(k, Value::String(v));
        }
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| format!("Bad Request: {e}"))?;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|e| format!("Bad Request: {e}"))?
        {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let is_file = file_name.is_some();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| format!("Bad Request: {e}"))?;
            let value = if is_file {
                Value::String(format!("<file of {} bytes>", bytes.len()))
            } else {
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            };
            if let Some(file_name) = file_name {
                files.insert(name.clone(), (file_name, bytes));
            }
            params.insert(name, value);
        }
        return Ok((params, files));
    }
    let body: Bytes = axum::body::to_bytes(req.into_body(), 50 * 1024 * 1024)
        .await
        .map_err(|e| format!("Bad Request: {e}"))?;
    if body.is_empty() {
        return Ok((params, files));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url_pairs(&String::from_utf8_lossy(&body)) {
            params.insert(k, Value::String(v));
        }
        return Ok((params, files));
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => {
            params.extend(m);
            Ok((params, files))
        }
        _ => Err("Bad Request: can't parse JSON object".into()),
    }
}

fn url_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn int(params: &Params, name: &str) -> Option<i64> {
    match params.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn string<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).and_then(Value::as_str)
}

async fn get_updates(shared: &Shared, params: &Params) -> Reply {
    let offset = int(params, "offset").unwrap_or(0);
    let limit = int(params, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = int(params, "timeout").unwrap_or(0).clamp(0, 50) as u64;
    let generation = {
        let mut s = shared.state.lock().unwrap();
        if s.webhook.is_some() {
            return error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            );
        }
        // Confirm everything below the offset.
        if offset > 0 {
            s.pending.retain(|(id, _)| *id >= offset);
            s.confirmed_below = s.confirmed_below.max(offset);
        } else if offset < 0 {
            let keep = (-offset) as usize;
            let drop = s.pending.len().saturating_sub(keep);
            s.pending.drain(..drop);
        }
        s.poll_generation += 1;
        s.poll_generation
    };
    shared.changed();
    let mut rx = shared.version.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        {
            let mut s = shared.state.lock().unwrap();
            // An update below the offset counts as confirmed, even one that arrived during
            // this poll (as when Telegram restarts ids lower than a stale offset).
            if offset > 0 {
                s.pending.retain(|(id, _)| *id >= offset);
            }
            if s.poll_generation != generation {
                return error(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                );
            }
            if !s.pending.is_empty() {
                let batch: Vec<Value> = s
                    .pending
                    .iter()
                    .take(limit)
                    .map(|(_, u)| u.clone())
                    .collect();
                return ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, rx.changed())
            .await
            .is_err()
        {
            return ok(json!([]));
        }
    }
}

/// Every method but getUpdates.
fn call(s: &mut State, method: &str, p: &Params) -> Reply {
    match method {
        "getme" => ok(json!({
            "id": super::BOT_ID, "is_bot": true, "first_name": "Recovery Check-in",
            "username": super::BOT_USERNAME, "can_join_groups": false,
            "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false
        })),
        "getwebhookinfo" => super::webhook::info(s),
        "setwebhook" => super::webhook::set(s, p),
        "deletewebhook" => super::webhook::delete(s, p),
        // Telegram keeps one command list per language code ("" for everyone else).
        "setmycommands" => {
            let lang = p
                .get("language_code")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let commands = p.get("commands").cloned().unwrap_or(json!([]));
            s.commands.insert(lang, commands);
            ok(json!(true))
        }
        "getmycommands" => {
            let lang = p.get("language_code").and_then(Value::as_str).unwrap_or("");
            ok(s.commands.get(lang).cloned().unwrap_or(json!([])))
        }
        "sendchataction" => match target_chat(s, p) {
            Ok(_) => ok(json!(true)),
            Err(r) => r,
        },
        "sendmessage" => send_message(s, p),
        "editmessagetext" => edit_message(s, p, true),
        "editmessagereplymarkup" => edit_message(s, p, false),
        "deletemessage" => {
            let chat = match target_chat(s, p) {
                Ok(c) => c,
                Err(r) => return r,
            };
            let id = int(p, "message_id").unwrap_or(0) as i32;
            let msgs = s.chats.entry(chat).or_default();
            let before = msgs.len();
            msgs.retain(|m| m.message_id != id);
            if msgs.len() == before {
                bad_request("Bad Request: message to delete not found")
            } else {
                ok(json!(true))
            }
        }
        "answercallbackquery" => {
            let id = string(p, "callback_query_id").unwrap_or("");
            let text = string(p, "text").map(str::to_string);
            if text
                .as_ref()
                .is_some_and(|t| t.chars().count() > TOAST_MAX_CHARS)
            {
                return bad_request("Bad Request: MESSAGE_TOO_LONG");
            }
            match s.callbacks.get_mut(id) {
                Some(c) if !c.answered => {
                    c.answered = true;
                    c.toast = text;
                    ok(json!(true))
                }
                _ => bad_request(
                    "Bad Request: query is too old and response timeout expired or query id is invalid",
                ),
            }
        }
        _ => error(404, "Not Found"),
    }
}

/// The chat a send or edit goes to, with Telegram's errors for missing or blocked ones.
fn target_chat(s: &State, p: &Params) -> Result<i64, Reply> {
    let Some(chat) = int(p, "chat_id") else {
        return Err(bad_request("Bad Request: chat_id is empty"));
    };
    if s.open_to_all && chat > 0 {
        return Ok(chat);
    }
    if !s.chats.contains_key(&chat) {
        return Err(bad_request("Bad Request: chat not found"));
    }
    if let Some(u) = s.users.get(&chat) {
        if u.deactivated {
            return Err(error(403, "Forbidden: user is deactivated"));
        }
        if u.blocked_bot {
            return Err(error(403, "Forbidden: bot was blocked by the user"));
        }
    }
    Ok(chat)
}

fn send_message(s: &mut State, p: &Params) -> Reply {
    let chat = match target_chat(s, p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let text = string(p, "text").unwrap_or("");
    if let Err(e) = check_text(text, string(p, "parse_mode")) {
        return bad_request(e);
    }
    let keyboard = match parse_keyboard(p.get("reply_markup")) {
        Ok(k) => k,
        Err(e) => return bad_request(e),
    };
    let date = s.date_in(chat);
    let message_id = super::next_message_id(s, chat);
    let msg = ChatMessage {
        message_id,
        from_bot: true,
        text: text.to_string(),
        keyboard,
        edits: 0,
        date,
        edit_date: None,
        attachment: None,
    };
    let json = result_message(s, chat, &msg);
    if !s.no_transcripts {
        s.chats.entry(chat).or_default().push(msg);
    }
    ok(json)
}

/// `sendDocument` / `sendPhoto` with an uploaded file (multipart), as Telegram answers them:
/// 413 over the size limit, 400 for a photo that is not an image, a caption that is too long
/// or no file at all. (A `file_id` or URL instead of an upload is not something this bot
/// sends, and is refused.)
fn edit_message(s: &mut State, p: &Params, with_text: bool) -> Reply {
    let chat = match target_chat(s, p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let id = int(p, "message_id").unwrap_or(0) as i32;
    let new_text = if with_text {
        let t = string(p, "text").unwrap_or("");
        if let Err(e) = check_text(t, string(p, "parse_mode")) {
            return bad_request(e);
        }
        Some(t.to_string())
    } else {
        None
    };
    // Without reply_markup an edit removes the inline keyboard, as on Telegram.
    let keyboard = match parse_keyboard(p.get("reply_markup")) {
        Ok(k) => k,
        Err(e) => return bad_request(e),
    };
    let date = s.date_in(chat);
    let msg = match bot_message_mut(s, chat, id) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if new_text.is_some() && msg.attachment.is_some() {
        return bad_request("Bad Request: there is no text in the message to edit");
    }
    let text = new_text.unwrap_or_else(|| msg.text.clone());
    if text == msg.text && keyboard == msg.keyboard {
        return bad_request(
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        );
    }
    msg.text = text;
    msg.keyboard = keyboard;
    msg.edits += 1;
    msg.edit_date = Some(date);
    let msg = msg.clone();
    ok(result_message(s, chat, &msg))
}

/// The bot's own message `id` in `chat`, to edit; Telegram's error when there is none.
fn bot_message_mut(s: &mut State, chat: i64, id: i32) -> Result<&mut ChatMessage, Reply> {
    s.chats
        .get_mut(&chat)
        .and_then(|c| c.iter_mut().find(|m| m.message_id == id && m.from_bot))
        .ok_or_else(|| bad_request("Bad Request: message to edit not found"))
}

fn result_message(s: &State, chat: i64, msg: &ChatMessage) -> Value {
    match s.users.get(&chat) {
        Some(u) => message_json(u, chat, msg),
        None if s.open_to_all => {
            let mut v = json!({
                "message_id": msg.message_id, "date": msg.date,
                "chat": {"id": chat, "type": "private", "first_name": "P"},
                "from": bot_user(), "text": msg.text,
            });
            if !msg.keyboard.is_empty() {
                v["reply_markup"] = super::markup::to_json(&msg.keyboard);
            }
            if let Some(d) = msg.edit_date {
                v["edit_date"] = json!(d);
            }
            if let Some(a) = &msg.attachment {
                super::attachment_json(&mut v, msg.message_id, a);
            }
            v
        }
        None => {
            let mut v = json!({
                "message_id": msg.message_id, "date": msg.date,
                "chat": {"id": chat, "type": "group", "title": "Some group"},
                "from": bot_user(), "text": msg.text,
            });
            if !msg.keyboard.is_empty() {
                v["reply_markup"] = super::markup::to_json(&msg.keyboard);
            }
            if let Some(d) = msg.edit_date {
                v["edit_date"] = json!(d);
            }
            if let Some(a) = &msg.attachment {
                super::attachment_json(&mut v, msg.message_id, a);
            }
            v
        }
    }
}
