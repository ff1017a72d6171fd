//! The outbox sender: the one path for prompts, reminders and (later) alerts.
//!
//! - Telegram's limits: about 30 messages/s per bot and one per second per chat, enforced by a
//!   limiter that reserves a sending time for each message (no 429s in normal operation).
//! - 429: Telegram's per-chat limit holds up only that chat, for exactly `retry_after`, then the
//!   same message is sent again; only when several chats are refused at once (the bot's global
//!   limit) does every send pause, and never longer than `retry_after`.
//! - Alerts and crisis screens (priority `ALERT_PRIORITY`) go first and do not queue behind other
//!   chats' reserved sending times; they still respect the rolling per-second cap.
//! - 5xx and network errors: a few quick retries, then the row waits with capped exponential
//!   backoff (in the database, so a restart keeps it).
//! - 403 (blocked, deactivated) and "chat not found": the patient is marked inactive (no more
//!   prompts; data kept) and their queued messages are closed as undeliverable.
//! - A reply Telegram may have acted on but that could not be read is recorded as sent: a
//!   message is never sent twice because of a retry.
//!
//! Messages of one chat go out in order, one task per chat with due rows; higher-priority rows
//! first. Outcomes are committed in small groups by one recorder task; until then a row is
//! "in flight" and never handed out again.

use crate::config::SendLimits;
use crate::domain::timezone::PatientZone;
use crate::store::outbox::{self, Kind, OutboxRow};
use crate::store::{patients, prompts, slots};
use crate::telegram::reply::describe;
use crate::telegram::Ctx;
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup};
use teloxide::{ApiError, RequestError};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Quick in-place retries for a 5xx or network error before the row is deferred.
const QUICK_RETRIES: u32 = 2;
/// This many different chats refused (429) within a second means the bot's global limit.
const GLOBAL_REFUSALS: usize = 3;
/// Longest deferral between attempts for a failing message.
const MAX_BACKOFF_SECS: i64 = 3600;
/// After this many failed attempts a message is given up as failed.
const MAX_ATTEMPTS: i64 = 12;

/// Reserves sending times: globally `per_second`, and `per_chat_interval` apart in each chat.
pub struct Limiter {
    interval: Duration,
    per_chat: Duration,
    window_cap: usize,
    state: Mutex<LimiterState>,
}

struct LimiterState {
    next_global: Instant,
    paused_until: Instant,
    chat_next: HashMap<i64, Instant>,
    /// Chats Telegram asked to wait ("retry after" on a send to that chat).
    chat_paused: HashMap<i64, Instant>,
    /// Recent 429s and their chats, to tell the bot's global limit from one chat's.
    refusals: std::collections::VecDeque<(Instant, i64)>,
    /// When the sends of the last second actually started. Reservations are evenly spaced,
    /// but a task woken late (both cores busy) would bunch with the next one; this window
    /// keeps any rolling second at `window_cap` starts however late tasks wake.
    started: std::collections::VecDeque<Instant>,
}

impl Limiter {
    pub fn new(limits: &SendLimits) -> Limiter {
        let now = Instant::now();
        Limiter {
            interval: Duration::from_secs_f64(1.0 / limits.per_second),
            per_chat: limits.per_chat_interval,
            window_cap: limits.per_second.ceil().min(1e6) as usize,
            state: Mutex::new(LimiterState {
                next_global: now,
                paused_until: now,
                chat_next: HashMap::new(),
                chat_paused: HashMap::new(),
                refusals: std::collections::VecDeque::new(),
                started: std::collections::VecDeque::new(),
            }),
        }
    }

    /// Waits until a message may be sent to `chat`. An `urgent` one (an alert, a crisis
    /// screen) does not queue behind the sending times other chats have reserved.
    pub async fn acquire(&self, chat: i64, urgent: bool) {
        self.reserve(chat, urgent).await;
        self.start().await;
    }

    /// The first half of `acquire`: waits for this chat's turn and its share of the budget.
    pub async fn reserve(&self, chat: i64, urgent: bool) {
        loop {
            let at = {
                let mut s = self.state.lock().unwrap();
                let now = Instant::now();
                if s.chat_next.len() > 50_000 {
                    s.chat_next.retain(|_, t| *t > now);
                }
                if s.chat_paused.len() > 10_000 {
                    s.chat_paused.retain(|_, t| *t > now);
                }
                let chat_ready = s
                    .chat_next
                    .get(&chat)
                    .copied()
                    .unwrap_or(now)
                    .max(s.chat_paused.get(&chat).copied().unwrap_or(now));
                if chat_ready > now {
                    // This chat must wait (its gap, or a 429 for it): it reserves no share of
                    // the global budget until then, so other chats are not held up behind it.
                    Err(chat_ready)
                } else {
                    let queue = if urgent { now } else { s.next_global };
                    let at = queue.max(s.paused_until).max(now);
                    if !urgent {
                        s.next_global = at + self.interval;
                    }
                    s.chat_next.insert(chat, at + self.per_chat);
                    Ok(at)
                }
            };
            match at {
                Err(chat_ready) => {
                    tokio::time::sleep_until(chat_ready).await;
                    continue;
                }
                Ok(at) => tokio::time::sleep_until(at).await,
            }
            // A 429 that arrived while we slept pauses us too.
            {
                let s = self.state.lock().unwrap();
                let now = Instant::now();
                if s.paused_until > now || s.chat_paused.get(&chat).is_some_and(|t| *t > now) {
                    continue;
                }
            }
            return;
        }
    }

    /// The second half of `acquire`, just before the request: at most `window_cap` starts in
    /// any rolling second, whatever happened since the reservation.
    pub async fn start(&self) {
        loop {
            let wait = {
                let mut s = self.state.lock().unwrap();
                let now = Instant::now();
                while s
                    .started
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
                {
                    s.started.pop_front();
                }
                if s.started.len() < self.window_cap {
                    s.started.push_back(now);
                    None
                } else {
                    s.started.front().map(|t| *t + Duration::from_secs(1))
                }
            };
            match wait {
                None => return,
                Some(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Telegram said "retry after" to a send to `chat`: that chat waits until then. When
    /// `GLOBAL_REFUSALS` different chats are refused within a second, the limit is the bot's
    /// own, and every send waits. True if everything pauses.
    pub fn refused(&self, chat: i64, d: Duration) -> bool {
        let mut s = self.state.lock().unwrap();
        let now = Instant::now();
        let until = now + d;
        let entry = s.chat_paused.entry(chat).or_insert(until);
        if *entry < until {
            *entry = until;
        }
        while s
            .refusals
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= Duration::from_secs(1))
        {
            s.refusals.pop_front();
        }
        s.refusals.retain(|(_, c)| *c != chat);
        s.refusals.push_back((now, chat));
        if s.refusals.len() < GLOBAL_REFUSALS {
            return false;
        }
        if until > s.paused_until {
            s.paused_until = until;
        }
        if s.next_global < until {
            s.next_global = until;
        }
        true
    }
}

/// What happened to one outbox row.
#[derive(Debug)]
enum Outcome {
    Sent {
        row: i64,
        kind: Kind,
        prompt_id: Option<i64>,
        message_id: Option<i32>,
        /// Set for an alert to a support contact.
        alert_id: Option<i64>,
    },
    Undeliverable {
        row: i64,
        alert_id: Option<i64>,
        patient_id: Option<i64>,
        /// Set for a message to a support contact: the contact is unreachable, not the patient.
        contact_id: Option<i64>,
        reason: String,
    },
    Failed {
        row: i64,
        alert_id: Option<i64>,
        prompt: Option<i64>,
        reason: String,
    },
    /// No longer worth sending; `prompt` is closed with the given status.
    Expired {
        row: i64,
        prompt: Option<(i64, &'static str)>,
    },
    /// Quiet hours: send at `not_before` instead.
    Deferred { row: i64, not_before: i64 },
    Retry {
        row: i64,
        not_before: i64,
        reason: String,
    },
}

impl Outcome {
    fn row(&self) -> i64 {
        match self {
            Outcome::Sent { row, .. }
            | Outcome::Undeliverable { row, .. }
            | Outcome::Failed { row, .. }
            | Outcome::Expired { row, .. }
            | Outcome::Deferred { row, .. }
            | Outcome::Retry { row, .. } => *row,
        }
    }
}

/// Rows handed to a chat task whose outcome is not committed yet: never handed out twice.
type InFlight = Arc<Mutex<HashSet<i64>>>;

/// The sender: a dispatcher hands each chat with due rows to its own task (never two tasks for
/// one chat, so a chat's messages keep their order), up to `concurrency` chats at once. It is
/// fed continuously: a chat stuck on a slow or failing send (teloxide waits 10 s inside every
/// 5xx) holds up only that chat, and higher-priority rows go first.
pub async fn run(ctx: Ctx, limits: SendLimits, mut stop: watch::Receiver<bool>) -> Result<()> {
    reconcile(&ctx).await?;
    let limiter = Arc::new(Limiter::new(&limits));
    let in_flight: InFlight = Arc::default();
    let (tx, rx) = mpsc::unbounded_channel();
    // Owned here, so aborting the sender (a crash in tests) aborts all of it.
    let mut recorder = JoinSet::new();
    recorder.spawn(record_outcomes(ctx.clone(), rx, in_flight.clone()));
    let (mark_tx, mark_rx) = mpsc::unbounded_channel();
    recorder.spawn(record_sending(ctx.clone(), mark_rx));
    let marker = Marker(mark_tx);
    let mut chats: JoinSet<i64> = JoinSet::new();
    let mut busy: HashSet<i64> = HashSet::new();
    let concurrency = limits.concurrency.max(1);
    let mut clock_moved = ctx.clock.jumps();
    loop {
        if *stop.borrow() {
            break;
        }
        while let Some(done) = chats.try_join_next() {
            if let Ok(chat) = done {
                busy.remove(&chat);
            }
        }
        // Refill when at most half the chat slots are in use, so each read is worth it.
        if chats.len() <= concurrency / 2 {
            // Which rows are in flight, taken BEFORE reading the outbox: the recorder forgets a
            // row only after committing its outcome, so a row missing from this snapshot is
            // already committed when the read below starts. Taken after the read, a row
            // committed in between would look pending and not in flight, and be sent twice.
            let flying = in_flight.lock().unwrap().clone();
            match outbox::due(
                &ctx.db,
                ctx.now(),
                flying.len() as i64 + 2 * concurrency as i64,
            )
            .await
            {
                Ok(rows) => {
                    let mut groups: Vec<(i64, Vec<OutboxRow>)> = Vec::new();
                    for row in rows.into_iter().filter(|r| !flying.contains(&r.id)) {
                        if busy.contains(&row.chat_id) {
                            continue;
                        }
                        match groups.iter_mut().find(|(c, _)| *c == row.chat_id) {
                            Some((_, g)) => g.push(row),
                            None => groups.push((row.chat_id, vec![row])),
                        }
                    }
                    for (chat, rows) in groups {
                        if chats.len() >= concurrency {
                            break;
                        }
                        busy.insert(chat);
                        in_flight.lock().unwrap().extend(rows.iter().map(|r| r.id));
                        chats.spawn(drain_chat(
                            ctx.clone(),
                            limiter.clone(),
                            chat,
                            rows,
                            marker.clone(),
                            tx.clone(),
                        ));
                    }
                }
                Err(e) => {
                    if ctx.db.note(&e) {
                        break;
                    }
                    if let Some(suppressed) = crate::logging::every_minute("outbox-read") {
                        tracing::error!(error = %e, suppressed, "could not read the outbox");
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        let wait = if chats.is_empty() {
            match outbox::next_due(&ctx.db).await {
                Ok(Some(at)) => Duration::from_secs((at - ctx.now()).clamp(1, 30) as u64),
                _ => Duration::from_secs(30),
            }
        } else {
            Duration::from_secs(1)
        };
        tokio::select! {
            Some(done) = chats.join_next(), if !chats.is_empty() => {
                if let Ok(chat) = done {
                    busy.remove(&chat);
                }
            }
            _ = ctx.wake_sender.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = crate::clock::jumped(&mut clock_moved) => {}
            _ = stop.changed() => {}
        }
    }
    // Finish the sends in progress and record them.
    while chats.join_next().await.is_some() {}
    drop(tx);
    drop(marker);
    while recorder.join_next().await.is_some() {}
    ctx.db.damage()
}

/// Records "this send begins" for the chat tasks, many rows per transaction when they come
/// together; each task waits for its own row's commit.
#[derive(Clone)]
struct Marker(mpsc::UnboundedSender<(i64, tokio::sync::oneshot::Sender<Marked>)>);

/// What recording "this send begins" found.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Marked {
    /// Go ahead.
    Yes,
    /// The row is no longer pending (withdrawn, or its link ended, since it was handed out).
    Gone,
    /// The database did not take it.
    Failed,
}

impl Marker {
    async fn mark(&self, row: i64) -> Marked {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self.0.send((row, done)).is_err() {
            return Marked::Failed;
        }
        wait.await.unwrap_or(Marked::Failed)
    }
}

async fn record_sending(
    ctx: Ctx,
    mut rx: mpsc::UnboundedReceiver<(i64, tokio::sync::oneshot::Sender<Marked>)>,
) {
    let mut pending = Vec::new();
    while let Some(first) = rx.recv().await {
        pending.push(first);
        while pending.len() < 500 {
            match rx.try_recv() {
                Ok(m) => pending.push(m),
                Err(_) => break,
            }
        }
        let ids: Vec<i64> = pending.iter().map(|(id, _)| *id).collect();
        let marked = match outbox::mark_sending(&ctx.db, &ids, ctx.now()).await {
            Ok(marked) => Some(marked),
            Err(e) => {
                if let Some(suppressed) = crate::logging::every_minute("outbox-sending") {
                    tracing::error!(error = %e, suppressed, "could not record that sends began");
                }
                None
            }
        };
        for (id, done) in pending.drain(..) {
            let _ = done.send(match &marked {
                Some(m) if m.contains(&id) => Marked::Yes,
                Some(_) => Marked::Gone,
                None => Marked::Failed,
            });
        }
    }
}

/// Settles the messages a previous process was sending when it died (marked "sending", no
/// outcome): counted as sent, so a prompt or a reply is never doubled, except alerts to a
/// support contact, which go out again (a rare duplicate rather than a lost alert).
async fn reconcile(ctx: &Ctx) -> Result<()> {
    let unknown = outbox::unknown_outcomes(&ctx.db).await?;
    if unknown.is_empty() {
        return Ok(());
    }
    let (alerts, others): (Vec<&outbox::Unknown>, Vec<&outbox::Unknown>) = unknown
        .iter()
        .partition(|u| u.alert_id.is_some() || u.priority >= crate::telegram::ALERT_PRIORITY);
    let sent: Vec<Outcome> = others
        .iter()
        .map(|u| Outcome::Sent {
            row: u.id,
            kind: u.kind,
            prompt_id: u.prompt_id,
            message_id: None,
            alert_id: None,
        })
        .collect();
    write_outcomes(ctx, &sent).await?;
    let mut tx = ctx.db.write().await?;
    for a in &alerts {
        outbox::resend(&mut tx, a.id).await?;
    }
    tx.commit().await?;
    tracing::warn!(
        counted_as_sent = others.len(),
        alerts_sent_again = alerts.len(),
        "messages were being sent when the bot last stopped"
    );
    Ok(())
}

/// Sends one chat's rows in order.
async fn drain_chat(
    ctx: Ctx,
    limiter: Arc<Limiter>,
    chat: i64,
    rows: Vec<OutboxRow>,
    marker: Marker,
    out: mpsc::UnboundedSender<Outcome>,
) -> i64 {
    for row in rows {
        let outcome = deliver(&ctx, &limiter, &marker, row).await;
        let _ = out.send(outcome);
    }
    chat
}

/// An alert to a contact, or a crisis screen: a send whose outcome is unknown is made again (a
/// rare duplicate rather than a lost one).
fn must_arrive(row: &OutboxRow) -> bool {
    row.alert_id.is_some() || row.priority >= crate::telegram::ALERT_PRIORITY
}

fn is_gone(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots
    )
}

/// Whether a prompt or reminder should still go out now: not once the prompt is closed, not
/// later than the grace period, not while paused, and not during quiet hours.
fn check_before_sending(ctx: &Ctx, row: &OutboxRow) -> Option<Outcome> {
    let wanted = match row.kind {
        Kind::Prompt => row.prompt_status.as_deref() == Some("queued"),
        Kind::Reminder => row.prompt_status.as_deref() == Some("sent"),
        Kind::Message => return None,
    };
    let prompt = row.prompt_id.filter(|_| row.kind == Kind::Prompt);
    if !wanted {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: None,
        });
    }
    let now = ctx.clock.now();
    if row.paused_until.is_some_and(|u| u > now.timestamp()) {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: prompt.map(|p| (p, "paused")),
        });
    }
    let late = row
        .prompt_due_at
        .is_some_and(|due| now.timestamp() - due > ctx.schedule.grace.num_seconds());
    if row.kind == Kind::Prompt && late {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: prompt.map(|p| (p, "missed")),
        });
    }
    // "Your check-in is still here" must be true: not once the prompt stopped taking answers
    // (after downtime, say; the scheduler records it missed).
    if row.kind == Kind::Reminder
        && row
            .prompt_expires_at
            .is_some_and(|end| end <= now.timestamp())
    {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: None,
        });
    }
    let zone = row
        .time_zone
        .as_deref()
        .and_then(|z| PatientZone::parse(z).ok());
    if let (Some(zone), Some(quiet)) = (zone, slots::quiet_from(row.quiet_start, row.quiet_end)) {
        let after = quiet.postpone(zone, now);
        if after > now {
            return Some(Outcome::Deferred {
                row: row.id,
                not_before: after.timestamp(),
            });
        }
    }
    None
}

/// Whether an unreadable reply shows that Telegram accepted the request (a reply we could not
/// parse), as opposed to a proxy's error page (nothing was sent).
fn accepted(raw: &str) -> bool {
    raw.replace(' ', "").contains("\"ok\":true")
}

async fn deliver(ctx: &Ctx, limiter: &Limiter, marker: &Marker, row: OutboxRow) -> Outcome {
    if let Some(outcome) = check_before_sending(ctx, &row) {
        return outcome;
    }
    let prompt = row.prompt_id.filter(|_| row.kind == Kind::Prompt);
    let mut text = row.text.clone();
    let mut keyboard: Option<InlineKeyboardMarkup> = row
        .keyboard
        .as_deref()
        .and_then(|k| serde_json::from_str(k).ok());
    // The recipient switched language since this was queued: render it again in theirs.
    if let (Some(recipe), Some(now_lang)) = (row.render.as_deref(), row.recipient_lang.as_deref()) {
        if row.lang.as_deref() != Some(now_lang) && ctx.content.has_language(now_lang) {
            if let Some(render) = crate::telegram::render::Render::from_json(recipe) {
                let (t, k) = render.render(ctx, now_lang);
                text = t;
                keyboard = Some(k);
            }
        }
    }
    let maybe_sent = |why: &str| {
        tracing::warn!(
            row = row.id,
            why,
            "a send may or may not have arrived; not repeated"
        );
        Outcome::Sent {
            row: row.id,
            kind: row.kind,
            prompt_id: row.prompt_id,
            message_id: None,
            alert_id: row.alert_id,
        }
    };
    let mut quick = 0;
    loop {
        limiter
            .reserve(row.chat_id, row.priority >= crate::telegram::ALERT_PRIORITY)
            .await;
        // Recorded before the request, so a crash during it is not taken for "never sent".
        match marker.mark(row.id).await {
            Marked::Yes => {}
            Marked::Gone => {
                return Outcome::Expired {
                    row: row.id,
                    prompt: None,
                }
            }
            Marked::Failed => {
                return Outcome::Retry {
                    row: row.id,
                    not_before: ctx.now() + 5,
                    reason: "could not record that the send began".to_string(),
                }
            }
        }
        limiter.start().await;
        let mut req = ctx.bot.send_message(ChatId(row.chat_id), text.clone());
        if let Some(k) = &keyboard {
            req = req.reply_markup(k.clone());
        }
        let transient = match req.send().await {
            Ok(m) => {
                return Outcome::Sent {
                    row: row.id,
                    kind: row.kind,
                    prompt_id: row.prompt_id,
                    message_id: Some(m.id.0),
                    alert_id: row.alert_id,
                }
            }
            Err(RequestError::RetryAfter(s)) => {
                // Nothing was sent: a stop during the wait must not count it as sent.
                let _ = outbox::clear_sending(&ctx.db, row.id).await;
                if limiter.refused(row.chat_id, s.duration()) {
                    tracing::warn!(
                        seconds = s.seconds(),
                        "rate limited by Telegram in several chats; pausing all sends"
                    );
                } else {
                    tracing::warn!(
                        seconds = s.seconds(),
                        "rate limited by Telegram in one chat; pausing that chat"
                    );
                }
                continue;
            }
            // Telegram said ok but the reply could not be read: it was sent.
            Err(RequestError::InvalidJson { raw, .. }) if accepted(&raw) => {
                return maybe_sent("unreadable reply")
            }
            // The request may have reached Telegram before the time ran out. For an alert to a
            // support contact a lost message is worse than a rare duplicate: send it again.
            Err(e @ RequestError::Network(_)) if must_arrive(&row) => {
                tracing::warn!(row = row.id, "an alert's send timed out; sending it again");
                e
            }
            Err(RequestError::Network(n)) if n.is_timeout() => return maybe_sent("timeout"),
            Err(RequestError::Api(api)) if is_gone(&api) => {
                return Outcome::Undeliverable {
                    row: row.id,
                    alert_id: row.alert_id,
                    patient_id: row.patient_id,
                    contact_id: row.contact_id,
                    reason: api.to_string(),
                }
            }
            // Nothing was sent: connection refused, a 5xx, a proxy's error page.
            Err(e @ (RequestError::Network(_) | RequestError::Io(_)))
            | Err(e @ RequestError::Api(ApiError::Unknown(_)))
            | Err(e @ RequestError::InvalidJson { .. }) => e,
            Err(e) => {
                return Outcome::Failed {
                    row: row.id,
                    alert_id: row.alert_id,
                    prompt,
                    reason: describe(&e),
                }
            }
        };
        let reason = describe(&transient);
        if row.attempts + 1 >= MAX_ATTEMPTS {
            return Outcome::Failed {
                row: row.id,
                alert_id: row.alert_id,
                prompt,
                reason,
            };
        }
        if quick < QUICK_RETRIES {
            quick += 1;
            let _ = outbox::clear_sending(&ctx.db, row.id).await;
            tokio::time::sleep(Duration::from_millis(250 << quick)).await;
            continue;
        }
        let backoff = (30i64 << row.attempts.min(10)).min(MAX_BACKOFF_SECS);
        return Outcome::Retry {
            row: row.id,
            not_before: ctx.now() + backoff,
            reason,
        };
    }
}

/// Commits outcomes in groups: one transaction for everything that arrived together. Then the
/// rows leave `in_flight` and the dispatcher is woken to hand out more.
async fn record_outcomes(ctx: Ctx, mut rx: mpsc::UnboundedReceiver<Outcome>, in_flight: InFlight) {
    let mut pending: Vec<Outcome> = Vec::new();
    while let Some(first) = rx.recv().await {
        pending.push(first);
        while pending.len() < 500 {
            match rx.try_recv() {
                Ok(o) => pending.push(o),
                Err(_) => break,
            }
        }
        // Keep trying: these outcomes describe messages already sent.
        loop {
            match write_outcomes(&ctx, &pending).await {
                Ok(()) => break,
                Err(e) => {
                    // On a damaged file the bot stops; the next start reconciles these sends.
                    if ctx.db.note(&e) {
                        return;
                    }
                    if let Some(suppressed) = crate::logging::every_minute("outbox-record") {
                        tracing::error!(error = %e, suppressed, "could not record send outcomes; retrying");
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        {
            let mut flying = in_flight.lock().unwrap();
            for o in &pending {
                flying.remove(&o.row());
            }
        }
        pending.clear();
        ctx.wake_sender.notify_one();
    }
}

async fn write_outcomes(ctx: &Ctx, outcomes: &[Outcome]) -> Result<()> {
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    let mut deactivated = Vec::new();
    let mut alerts = std::collections::BTreeSet::new();
    for o in outcomes {
        match o {
            Outcome::Sent { alert_id, .. }
            | Outcome::Undeliverable { alert_id, .. }
            | Outcome::Failed { alert_id, .. } => alerts.extend(*alert_id),
            _ => {}
        }
        match o {
            Outcome::Sent {
                row,
                kind,
                prompt_id,
                message_id,
                ..
            } => {
                outbox::mark_sent(&mut tx, *row, *message_id, now).await?;
                if let (Kind::Prompt, Some(p)) = (kind, prompt_id) {
                    prompts::mark_sent(
                        &mut tx,
                        *p,
                        *message_id,
                        now,
                        now + ctx.schedule.reminder_after.num_seconds(),
                        now + ctx.schedule.open_for.num_seconds(),
                    )
                    .await?;
                }
            }
            Outcome::Undeliverable {
                row,
                patient_id,
                contact_id,
                reason,
                ..
            } => {
                outbox::close(&mut tx, *row, "undeliverable", reason).await?;
                if let Some(c) = contact_id {
                    crate::telegram::alerts::contact_unreachable(ctx, &mut tx, *c, *row).await?;
                } else if let Some(p) = patient_id {
                    patients::deactivate(&mut tx, *p, reason, now).await?;
                    deactivated.push(*p);
                }
            }
            Outcome::Failed {
                row,
                prompt,
                reason,
                ..
            } => {
                tracing::error!(row, reason, "message given up");
                outbox::close(&mut tx, *row, "failed", reason).await?;
                if let Some(p) = prompt {
                    prompts::close_unsent(&mut tx, *p, "undeliverable").await?;
                }
            }
            Outcome::Expired { row, prompt } => {
                outbox::close(&mut tx, *row, "expired", "no longer needed").await?;
                if let Some((p, status)) = prompt {
                    prompts::close_unsent(&mut tx, *p, status).await?;
                }
            }
            Outcome::Deferred { row, not_before } => {
                outbox::defer(&mut tx, *row, *not_before).await?
            }
            Outcome::Retry {
                row,
                not_before,
                reason,
            } => outbox::retry_later(&mut tx, *row, *not_before, reason).await?,
        }
    }
    // What the patient is told about an alert waits until the alert has reached a contact.
    for alert_id in alerts {
        crate::telegram::alerts::settle_notices(ctx, &mut tx, alert_id, now).await?;
    }
    tx.commit().await?;
    for p in deactivated {
        tracing::info!(
            patient_id = p,
            "Telegram refused delivery for good; patient marked inactive"
        );
    }
    Ok(())
}

#[cfg(test)]
mod limiter_tests {
    use super::*;

    fn limiter() -> Arc<Limiter> {
        Arc::new(Limiter::new(&SendLimits::default()))
    }

    async fn time_to_acquire(l: &Limiter, chat: i64, urgent: bool) -> Duration {
        let start = Instant::now();
        l.acquire(chat, urgent).await;
        start.elapsed()
    }

    /// One chat's 429 (Telegram's per-chat limit) holds up that chat only.
    #[tokio::test(start_paused = true)]
    async fn a_refused_chat_waits_and_the_others_do_not() {
        let l = limiter();
        assert!(!l.refused(1, Duration::from_secs(40)));
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
        let waited = time_to_acquire(&l, 1, false).await;
        assert!(
            waited >= Duration::from_secs(40) && waited < Duration::from_secs(41),
            "{waited:?}"
        );
    }

    /// Several chats refused at once is the bot's global limit: everyone waits, as long as
    /// Telegram asked and no longer.
    #[tokio::test(start_paused = true)]
    async fn refusals_in_several_chats_pause_every_send_for_as_long_as_asked() {
        let l = limiter();
        assert!(!l.refused(1, Duration::from_secs(5)));
        assert!(!l.refused(2, Duration::from_secs(5)));
        assert!(l.refused(3, Duration::from_secs(5)));
        let waited = time_to_acquire(&l, 4, true).await;
        assert!(
            waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
            "{waited:?}"
        );
    }

    /// A chat waiting out its one-second gap (or a 429) does not reserve the global budget
    /// meanwhile: another chat's message goes out at once.
    #[tokio::test(start_paused = true)]
    async fn a_chat_waiting_for_its_gap_does_not_hold_up_another() {
        let l = limiter();
        l.acquire(1, false).await;
        let second = {
            let l = l.clone();
            tokio::spawn(async move { time_to_acquire(&l, 1, false).await })
        };
        tokio::task::yield_now().await;
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
        assert!(second.await.unwrap() >= Duration::from_millis(900));
    }

    /// The same chat refused again and again is still one chat's limit.
    #[tokio::test(start_paused = true)]
    async fn one_chat_refused_repeatedly_is_not_the_global_limit() {
        let l = limiter();
        for _ in 0..5 {
            assert!(!l.refused(1, Duration::from_secs(3)));
        }
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
    }

    /// An alert does not wait behind the sending times reserved for 90 other chats (about three
    /// seconds of budget); an ordinary message does.
    #[tokio::test(start_paused = true)]
    async fn an_urgent_message_skips_the_queue_of_reserved_times() {
        let l = limiter();
        let mut waiting = JoinSet::new();
        for chat in 100..190 {
            let l = l.clone();
            waiting.spawn(async move { l.acquire(chat, false).await });
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        let urgent = time_to_acquire(&l, 1, true).await;
        assert!(urgent < Duration::from_millis(500), "{urgent:?}");
        let ordinary = time_to_acquire(&l, 2, false).await;
        assert!(ordinary > Duration::from_secs(2), "{ordinary:?}");
        while waiting.join_next().await.is_some() {}
    }
}
