//! A fake Telegram Bot API server for tests, benchmarks and a no-token sandbox.
//!
//! It speaks the Bot API as teloxide sends it (`POST /bot<token>/<Method>`, method names in any
//! case, JSON, form or multipart bodies), answers like Telegram (Message objects, the
//! `{"ok":false,...}` error envelope with Telegram's exact descriptions, getUpdates offset and
//! long-poll semantics, 409 for a second poller), and enforces Telegram's limits (text 1–4096
//! characters, callback data 1–64 bytes, web-only button URLs, 200-character toasts).
//!
//! Tests act as users (send text, tap a button of a given message), read each chat's transcript
//! and tell it to fail: 429 with retry_after, 5xx, 403 blocked or deactivated, slow replies.

mod api;
mod markup;
mod people;
mod webhook;

pub use markup::Button;
pub use webhook::{Delivery, Webhook};

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const DEFAULT_TOKEN: &str = "123456789:TEST-fake-token";
pub const BOT_ID: i64 = 123456789;
pub const BOT_USERNAME: &str = "recovery_checkin_test_bot";

/// A failure to inject into the next matching requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 Too Many Requests with `parameters.retry_after` in seconds.
    RetryAfter(u32),
    /// 500 Internal Server Error.
    ServerError,
    /// 502 Bad Gateway with an HTML body, as a proxy in front of Telegram would send.
    BadGateway,
    /// Answer normally, but only after this long.
    Delay(Duration),
    /// Do what was asked, then answer 200 with a body that is not JSON: the bot cannot know
    /// whether it worked.
    MalformedOk,
    /// Do nothing and answer nothing for this long (past the client's timeout), then 504: the
    /// request was lost on the way, and the bot cannot know.
    Lost(Duration),
    /// Do what was asked at once, then hold the answer this long: Telegram acted, and a bot
    /// that stops meanwhile never learns it.
    SlowReply(Duration),
    /// 400 Bad Request with this description, as Telegram refuses a request for good (e.g.
    /// "Bad Request: message to edit not found" when the user deleted the message).
    Refused(String),
}

/// Telegram's flood limits, enforced when set: more sends than this answer 429.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Messages per rolling second, all chats together (Telegram: about 30).
    pub per_second: usize,
    /// Shortest gap between two messages to one chat (Telegram: about 1 s).
    pub per_chat_gap: Duration,
}

#[derive(Debug, Default)]
pub(crate) struct Flood {
    pub(crate) limit: Option<RateLimit>,
    pub(crate) recent: std::collections::VecDeque<std::time::Instant>,
    pub(crate) last_in_chat: HashMap<i64, std::time::Instant>,
}

#[derive(Debug, Clone)]
struct FaultRule {
    /// Lower-case method name, or `None` for any method.
    method: Option<String>,
    /// Only requests for this chat, if set.
    chat: Option<i64>,
    fault: Fault,
    remaining: u32,
}

#[derive(Debug, Clone)]
pub struct FakeUser {
    pub id: i64,
    pub first_name: String,
    pub language_code: Option<String>,
    pub blocked_bot: bool,
    pub deactivated: bool,
}

/// One message in a chat, as the user would see it now.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub message_id: i32,
    pub from_bot: bool,
    pub text: String,
    pub keyboard: Vec<Vec<Button>>,
    /// How many times the bot edited it.
    pub edits: u32,
    pub date: i64,
    /// When the bot last edited it (Telegram's `edit_date`).
    pub edit_date: Option<i64>,
    /// A photo or document the bot uploaded (`text` is then its caption).
    pub attachment: Option<Attachment>,
}

/// A file the bot uploaded with `sendDocument` or `sendPhoto`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// "document" or "photo".
    pub kind: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Sent with `protect_content`.
    pub protected: bool,
}

impl ChatMessage {
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        self.keyboard.iter().flatten()
    }

    pub fn button(&self, label: &str) -> Option<&Button> {
        self.buttons().find(|b| b.text == label)
    }

    pub fn has_button(&self, label: &str) -> bool {
        self.button(label).is_some()
    }
}

#[derive(Debug, Clone)]
pub struct CallbackRecord {
    pub user_id: i64,
    pub data: String,
    pub answered: bool,
    pub toast: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    /// The `chat_id` the request named, if any.
    pub chat_id: Option<i64>,
    /// The HTTP status the fake answered with.
    pub status: u16,
    /// When the answer was given.
    pub at: std::time::Instant,
}

/// Everything the fake knows. Tests read it through [`FakeTelegram::read`] and `wait_for`.
#[derive(Debug, Default)]
pub struct State {
    pub users: HashMap<i64, FakeUser>,
    pub chats: BTreeMap<i64, Vec<ChatMessage>>,
    next_message_id: HashMap<i64, i32>,
    /// Updates not yet confirmed, ascending by id.
    pending: Vec<(i64, Value)>,
    /// Every update ever queued, for re-delivery.
    all_updates: BTreeMap<i64, Value>,
    next_update_id: i64,
    /// Every update below this id has been confirmed by an offset.
    pub confirmed_below: i64,
    pub callbacks: HashMap<String, CallbackRecord>,
    next_callback: u64,
    faults: Vec<FaultRule>,
    poll_generation: u64,
    pub requests: Vec<RequestRecord>,
    /// The command menu per language code ("" = the default).
    pub commands: BTreeMap<String, Value>,
    clock_offset: i64,
    /// Per chat, the latest date given to a message in it: dates in a chat never go back, and
    /// a user's reading time moves the chat's clock on (see [`FakeTelegram::user_reads`]).
    chat_clock: HashMap<i64, i64>,
    pub(crate) flood: Flood,
    /// Any positive chat id is a user who has opened a chat with the bot (benchmarks).
    pub(crate) open_to_all: bool,
    /// Keep no transcript of bot messages (benchmarks with many thousands of sends).
    pub(crate) no_transcripts: bool,
    /// The webhook, while one is set: updates are then posted to it, not polled.
    pub webhook: Option<Webhook>,
    /// Every post to the webhook, in order, with the bot's answer.
    pub webhook_deliveries: Vec<Delivery>,
}

impl State {
    pub fn bot_messages(&self, chat_id: i64) -> Vec<&ChatMessage> {
        self.chats
            .get(&chat_id)
            .map(|c| c.iter().filter(|m| m.from_bot).collect())
            .unwrap_or_default()
    }

    pub fn last_bot_message(&self, chat_id: i64) -> Option<&ChatMessage> {
        self.chats
            .get(&chat_id)
            .and_then(|c| c.iter().rev().find(|m| m.from_bot))
    }

    pub fn message(&self, chat_id: i64, message_id: i32) -> Option<&ChatMessage> {
        self.chats
            .get(&chat_id)
            .and_then(|c| c.iter().find(|m| m.message_id == message_id))
    }

    pub fn count(&self, method: &str) -> usize {
        let m = method.to_ascii_lowercase();
        self.requests.iter().filter(|r| r.method == m).count()
    }

    pub fn pending_updates(&self) -> usize {
        self.pending.len()
    }

    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.clock_offset
    }

    /// The date of a message posted in `chat` now (Telegram dates are whole seconds).
    pub(crate) fn date_in(&mut self, chat: i64) -> i64 {
        let now = self.now();
        let clock = self.chat_clock.entry(chat).or_insert(now);
        *clock = (*clock).max(now);
        *clock
    }

    /// The user has read everything the bot posted in `chat`: the chat's clock moves to
    /// [`READING_SECS`] after the latest bot message (or its latest edit).
    fn read_chat(&mut self, chat: i64) {
        let latest = self
            .chats
            .get(&chat)
            .into_iter()
            .flatten()
            .filter(|m| m.from_bot)
            .map(|m| m.edit_date.unwrap_or(m.date).max(m.date))
            .max();
        let now = self.date_in(chat);
        if let Some(latest) = latest {
            self.chat_clock.insert(chat, now.max(latest + READING_SECS));
        }
    }
}

/// How long a simulated user takes to read what the bot posted before they answer. Telegram
/// dates messages in whole seconds; the bot refuses typed text dated less than 2 s after the
/// question it would answer (the person cannot have read it), so test users read for 2 s.
pub const READING_SECS: i64 = 2;

pub(crate) struct Shared {
    pub(crate) token: String,
    pub(crate) state: Mutex<State>,
    /// Bumped on every change so waiters wake up.
    pub(crate) version: watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn changed(&self) {
        self.version.send_modify(|v| *v += 1);
    }
}

/// A running fake server. Dropping it stops the server.
pub struct FakeTelegram {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
    /// Posts updates to the webhook while one is set.
    pusher: JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
        self.pusher.abort();
    }
}

impl FakeTelegram {
    /// Starts on a free loopback port with [`DEFAULT_TOKEN`].
    pub async fn start() -> FakeTelegram {
        FakeTelegram::start_with_token(DEFAULT_TOKEN).await
    }

    pub async fn start_with_token(token: &str) -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let (version, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            token: token.to_string(),
            state: Mutex::new(State {
                next_update_id: 1000,
                confirmed_below: 0,
                commands: BTreeMap::new(),
                ..State::default()
            }),
            version,
        });
        let app = api::router(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let pusher = tokio::spawn(webhook::push(shared.clone()));
        FakeTelegram {
            shared,
            addr,
            server,
            pusher,
        }
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The base URL to give teloxide (`TELOXIDE_API_URL`).
    pub fn api_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let out = f(&mut self.shared.state.lock().unwrap());
        self.shared.changed();
        out
    }

    /// Reads the state.
    /// A receiver that wakes on every change (a message, an edit, a toast), for live views.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.version.subscribe()
    }

    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.shared.state.lock().unwrap())
    }

    /// A Telegram user who has opened a private chat with the bot (chat id = user id).
    pub fn add_user(&self, id: i64, first_name: &str, language_code: Option<&str>) {
        self.with(|s| {
            s.users.insert(
                id,
                FakeUser {
                    id,
                    first_name: first_name.to_string(),
                    language_code: language_code.map(str::to_string),
                    blocked_bot: false,
                    deactivated: false,
                },
            );
            s.chats.entry(id).or_default();
        });
    }

    /// Enforces Telegram's flood limits from now on (`None` lifts them).
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.with(|s| s.flood.limit = limit);
    }

    /// For benchmarks: every positive chat id is a user, and transcripts are not kept.
    pub fn open_to_all(&self) {
        self.with(|s| {
            s.open_to_all = true;
            s.no_transcripts = true;
        });
    }

    /// The user blocks (or unblocks) the bot: sends to them fail with 403 while blocked, and,
    /// as on Telegram, a `my_chat_member` update tells the bot.
    pub fn block_bot(&self, user_id: i64, blocked: bool) {
        self.with(|s| {
            let Some(u) = s.users.get_mut(&user_id) else {
                return;
            };
            u.blocked_bot = blocked;
            let user = u.clone();
            let (old, new) = if blocked {
                ("member", "kicked")
            } else {
                ("kicked", "member")
            };
            let date = s.now();
            let mut new_member = json!({"user": bot_user(), "status": new});
            if blocked {
                new_member["until_date"] = json!(0);
            }
            let mut old_member = json!({"user": bot_user(), "status": old});
            if !blocked {
                old_member["until_date"] = json!(0);
            }
            queue_update(
                s,
                json!({"my_chat_member": {
                    "chat": private_chat(&user), "from": user_json(&user), "date": date,
                    "old_chat_member": old_member, "new_chat_member": new_member,
                }}),
            );
        });
    }

    /// The next update gets this id (Telegram picks a new, possibly lower, start after a week
    /// without updates).
    pub fn set_next_update_id(&self, id: i64) {
        self.with(|s| s.next_update_id = id);
    }

    /// Queues an update as given (for updates the bot's library cannot parse). Returns its id.
    pub fn queue_raw_update(&self, update: Value) -> i64 {
        self.with(|s| queue_update(s, update))
    }

    pub fn deactivate(&self, user_id: i64) {
        self.with(|s| {
            if let Some(u) = s.users.get_mut(&user_id) {
                u.deactivated = true;
            }
        });
    }

    /// Fails the next `times` requests of `method` (any case; `None` = any method).
    pub fn fail_next(&self, method: Option<&str>, fault: Fault, times: u32) {
        self.with(|s| {
            s.faults.push(FaultRule {
                method: method.map(str::to_ascii_lowercase),
                chat: None,
                fault,
                remaining: times,
            })
        });
    }

    /// Drops every injected fault not yet used up (an outage ends).
    pub fn clear_faults(&self) {
        self.with(|s| s.faults.clear());
    }

    /// As `fail_next`, for requests to one chat only.
    pub fn fail_next_for_chat(&self, method: &str, chat_id: i64, fault: Fault, times: u32) {
        self.with(|s| {
            s.faults.push(FaultRule {
                method: Some(method.to_ascii_lowercase()),
                chat: Some(chat_id),
                fault,
                remaining: times,
            })
        });
    }

    /// Waits until `f` returns `Some`, re-checking on every change. Panics after 20 s with
    /// `what` and every chat's transcript, so a failing test says what it was waiting for.
    pub async fn wait_for<T>(&self, what: &str, f: impl Fn(&State) -> Option<T>) -> T {
        let mut rx = self.shared.version.subscribe();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(v) = self.read(&f) {
                return v;
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => {
                    let dump = self.read(|s| format!("{:#?}", s.chats));
                    panic!("timed out waiting for: {what}\ntranscripts: {dump}");
                }
            }
        }
    }

    /// Waits for the bot's `n`-th message (1-based) in a chat, counting from the start.
    pub async fn wait_for_bot_message(&self, chat_id: i64, n: usize) -> ChatMessage {
        self.wait_for(&format!("bot message #{n} in chat {chat_id}"), |s| {
            s.bot_messages(chat_id).get(n - 1).map(|m| (*m).clone())
        })
        .await
    }

    /// Waits until the callback query was answered; returns its toast.
    pub async fn wait_for_answer(&self, query_id: &str) -> Option<String> {
        self.wait_for(&format!("answer to callback {query_id}"), |s| {
            s.callbacks
                .get(query_id)
                .filter(|c| c.answered)
                .map(|c| c.toast.clone())
        })
        .await
    }

    /// Waits until every queued update has been confirmed by the bot's offset.
    pub async fn wait_until_confirmed(&self) {
        self.wait_for("all updates confirmed", |s| {
            s.pending.is_empty().then_some(())
        })
        .await
    }

    pub fn bot_messages(&self, chat_id: i64) -> Vec<ChatMessage> {
        self.read(|s| s.bot_messages(chat_id).into_iter().cloned().collect())
    }

    pub fn message(&self, chat_id: i64, message_id: i32) -> Option<ChatMessage> {
        self.read(|s| s.message(chat_id, message_id).cloned())
    }

    pub fn request_count(&self, method: &str) -> usize {
        self.read(|s| s.count(method))
    }

    /// Injected faults not yet used up by a request.
    pub fn faults_left(&self) -> u32 {
        self.read(|s| s.faults.iter().map(|f| f.remaining).sum())
    }
}

fn next_message_id(s: &mut State, chat_id: i64) -> i32 {
    let n = s.next_message_id.entry(chat_id).or_insert(0);
    *n += 1;
    *n
}

fn queue_update(s: &mut State, mut update: Value) -> i64 {
    let id = s.next_update_id;
    s.next_update_id += 1;
    update["update_id"] = json!(id);
    s.pending.push((id, update.clone()));
    s.all_updates.insert(id, update);
    id
}

fn user_json(u: &FakeUser) -> Value {
    let mut v = json!({"id": u.id, "is_bot": false, "first_name": u.first_name});
    if let Some(l) = &u.language_code {
        v["language_code"] = json!(l);
    }
    v
}

fn private_chat(u: &FakeUser) -> Value {
    json!({"id": u.id, "type": "private", "first_name": u.first_name})
}

pub(crate) fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Recovery Check-in", "username": BOT_USERNAME})
}

fn message_json(user: &FakeUser, chat_id: i64, m: &ChatMessage) -> Value {
    let mut v = json!({
        "message_id": m.message_id,
        "date": m.date,
        "chat": if chat_id == user.id { private_chat(user) } else { json!({"id": chat_id, "type": "group", "title": "Some group"}) },
        "from": if m.from_bot { bot_user() } else { user_json(user) },
        "text": m.text,
    });
    if !m.keyboard.is_empty() {
        v["reply_markup"] = markup::to_json(&m.keyboard);
    }
    if let Some(d) = m.edit_date {
        v["edit_date"] = json!(d);
    }
    if let Some(a) = &m.attachment {
        attachment_json(&mut v, m.message_id, a);
    }
    v
}

/// A sent file as Telegram describes it: the caption instead of text, and the file.
pub(crate) fn attachment_json(v: &mut Value, message_id: i32, a: &Attachment) {
    let text = v["text"].take();
    if let Some(map) = v.as_object_mut() {
        map.remove("text");
    }
    if text.as_str().is_some_and(|t| !t.is_empty()) {
        v["caption"] = text;
    }
    let id = format!("{}-{message_id}", a.kind);
    match a.kind {
        "photo" => {
            v["photo"] = json!([{
                "file_id": id, "file_unique_id": id, "width": 1080, "height": 1080,
                "file_size": a.bytes.len(),
            }]);
        }
        _ => {
            v["document"] = json!({
                "file_id": id, "file_unique_id": id, "file_name": a.file_name,
                "file_size": a.bytes.len(),
            });
        }
    }
    if a.protected {
        v["has_protected_content"] = json!(true);
    }
}
