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
use crate::ctx::keyboard::Keyboard;
use crate::ctx::reply::describe;
use crate::ctx::Ctx;
use crate::domain::timezone::PatientZone;
use crate::store::outbox::{self, Kind, OutboxRow};
use crate::store::{patients, prompts, slots};
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::ChatId;
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

mod delivery;
mod limiter;

use delivery::{deliver, record_outcomes, write_outcomes, Outcome};
pub use limiter::Limiter;

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
        .partition(|u| u.alert_id.is_some() || u.priority >= crate::ctx::ALERT_PRIORITY);
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
