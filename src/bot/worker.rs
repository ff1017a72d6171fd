//! Handles recorded updates: in update_id order within a chat, different chats concurrently.
//!
//! A dispatcher loop finds chats with unhandled updates, the one waiting longest first, and
//! gives each one to its own task (never two tasks for one chat). A chat's task handles a turn
//! of that chat's updates and rejoins the queue, so a slow, failing or very busy chat never
//! holds up the others. All tasks live in a `JoinSet` owned by the
//! dispatcher: stopping waits for them, and aborting the dispatcher aborts them too.

use crate::bot::incoming::{Incoming, Said, Tapped};
use crate::bot::router;
use crate::ctx::Ctx;
use crate::store::inbox::{self, InboxRow};
use crate::store::outbox;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tracing::Instrument;

/// How many chats are handled at the same time.
const CHAT_CONCURRENCY: usize = 64;
/// A chat's task hands back its turn after this many updates, so a chat that keeps writing
/// cannot hold a place while others wait (it rejoins the queue by its oldest waiting update).
const TURN: usize = 8;
/// Handled inbox rows are kept this long (ids only; content is cleared when handled): longer
/// than the 24 h for which Telegram re-delivers unconfirmed updates.
const KEEP_HANDLED: Duration = Duration::from_secs(2 * 24 * 3600);
/// The memory of a "not now" is kept this long.
const KEEP_DECLINED: Duration = Duration::from_secs(30 * 24 * 3600);
/// Finished outbox rows (their text already cleared or sent) are kept this long, for a look
/// back when something went wrong; rows about alerts are kept for good (see `outbox::prune`).
const KEEP_SENT: Duration = Duration::from_secs(30 * 24 * 3600);
/// Outbox rows deleted per write transaction when pruning.
const PRUNE_BATCH: i64 = 2000;
/// A failing update is tried this many times (with backoff) before it is given up.
const MAX_ATTEMPTS: i64 = 6;

pub async fn run(
    ctx: Ctx,
    recorded: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut running: JoinSet<i64> = JoinSet::new();
    let mut busy: HashSet<i64> = HashSet::new();
    let mut last_prune: Option<Instant> = None;
    let mut housekeeping: Option<tokio::task::JoinHandle<()>> = None;
    let mut clock_moved = ctx.clock.jumps();
    loop {
        if *stop.borrow() {
            // Let the chats in progress finish what they hold.
            while running.join_next().await.is_some() {}
            // Each batch of a prune is its own transaction: stopping between them loses nothing.
            if let Some(h) = housekeeping {
                h.abort();
            }
            return Ok(());
        }
        // SQLite said the file is damaged: stop (the next start's check names it) rather than
        // answer nobody.
        if let Err(e) = ctx.db.damage() {
            running.abort_all();
            return Err(e);
        }
        // Housekeeping runs beside the dispatcher, so new updates are not held up by it.
        if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600))
            && housekeeping.as_ref().is_none_or(|h| h.is_finished())
        {
            housekeeping = Some(tokio::spawn(prune(ctx.clone())));
            last_prune = Some(Instant::now());
        }
        match inbox::chats_with_unhandled(&ctx.db, ctx.now(), 1000).await {
            Ok(chats) => {
                for key in chats {
                    if running.len() >= CHAT_CONCURRENCY {
                        break;
                    }
                    if busy.insert(key) {
                        running.spawn(drain_chat(ctx.for_chat(), key));
                    }
                }
            }
            Err(e) => {
                ctx.db.note(&e);
                if let Some(suppressed) = crate::logging::every_minute("worker-inbox") {
                    tracing::error!(error = %e, suppressed, "could not read the inbox");
                }
            }
        }
        tokio::select! {
            _ = recorded.notified() => {}
            Some(done) = running.join_next(), if !running.is_empty() => {
                match done {
                    Ok(key) => { busy.remove(&key); }
                    // Handlers' panics are caught per update (see `handle_row`), so this is
                    // only reached if the task itself was cancelled.
                    Err(e) => tracing::error!(error = %e, "a chat task ended unexpectedly"),
                }
            }
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = crate::clock::jumped(&mut clock_moved) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Deletes what nothing reads any more: handled inbox rows (ids only) older than Telegram's
/// redelivery window, old "not now" records, finished outbox rows.
async fn prune(ctx: Ctx) {
    let now = ctx.now();
    let pruned = inbox::prune(
        &ctx.db,
        now - KEEP_HANDLED.as_secs() as i64,
        now - KEEP_DECLINED.as_secs() as i64,
    );
    match pruned.await {
        Ok(n) => tracing::debug!(pruned = n, "inbox pruned"),
        Err(e) => tracing::warn!(error = %e, "inbox prune failed"),
    }
    let pruned = outbox::prune(&ctx.db, now - KEEP_SENT.as_secs() as i64, PRUNE_BATCH);
    match pruned.await {
        Ok(n) => tracing::debug!(pruned = n, "outbox pruned"),
        Err(e) => tracing::warn!(error = %e, "outbox prune failed"),
    }
}

/// Handles up to `TURN` of one chat's updates in order; returns the chat key. If one fails,
/// the chat stops there (later updates wait, to keep their order) and is tried again after a
/// backoff.
async fn drain_chat(ctx: Ctx, chat_key: i64) -> i64 {
    let rows = match inbox::unhandled_in_chat(&ctx.db, chat_key, 0, TURN as i64).await {
        Ok(rows) => rows,
        Err(e) => {
            ctx.db.note(&e);
            if let Some(suppressed) = crate::logging::every_minute("worker-inbox") {
                tracing::error!(error = %e, suppressed, "could not read the inbox");
            }
            return chat_key;
        }
    };
    for row in rows {
        if !handle_row(&ctx, row).await {
            break;
        }
    }
    chat_key
}

/// Handles one update. Returns false when it failed and will be tried again later.
async fn handle_row(ctx: &Ctx, row: InboxRow) -> bool {
    let span = tracing::info_span!("update", update_id = row.update_id);
    async {
        // No "handled already?" read here: rows come from a query that skips handled ones,
        // only this chat's task handles them, and a handler's commit marks its update handled
        // in the same transaction, so an attempt that committed and then failed is never
        // fetched again.
        // Answered already, but "handled" could not be written then: only mark it.
        if ctx.answered.lock().unwrap().contains(&row.update_id) {
            return match mark(ctx, row.update_id).await {
                Ok(()) => {
                    ctx.answered.lock().unwrap().remove(&row.update_id);
                    true
                }
                Err(e) => {
                    if let Some(suppressed) = crate::logging::every_minute("worker-mark") {
                        tracing::error!(error = %e, suppressed, "could not mark update handled");
                    }
                    false
                }
            };
        }
        let incoming: Incoming = serde_json::from_str(&row.payload).unwrap_or(Incoming::Other);
        match guarded(ctx, row.update_id, incoming.clone()).await {
            Ok(()) => {
                // Handlers that write mark the update handled in their unit of work (`Work`);
                // this covers the rest. If it cannot be written, the update is remembered as
                // answered, so it is not answered twice.
                let committed = ctx.last_committed.load(std::sync::atomic::Ordering::Relaxed);
                if committed == row.update_id {
                    ctx.metrics.updates_handled.inc();
                    return true;
                }
                if let Err(e) = mark(ctx, row.update_id).await {
                    ctx.answered.lock().unwrap().insert(row.update_id);
                    if let Some(suppressed) = crate::logging::every_minute("worker-mark") {
                        tracing::error!(error = %e, suppressed, "could not mark update handled");
                    }
                    return false;
                }
                ctx.metrics.updates_handled.inc();
                true
            }
            Err(e) => {
                if ctx.db.note(&e) {
                    return false;
                }
                let attempts = row.attempts + 1;
                if attempts >= MAX_ATTEMPTS {
                    tracing::error!(error = %e, attempts, "update given up after repeated failures");
                    give_up(ctx, row.update_id, &incoming).await;
                    ctx.metrics.handler_failures.inc();
                    ctx.metrics.updates_handled.inc();
                    return true;
                }
                ctx.metrics.handler_retries.inc();
                let backoff = 1i64 << attempts.min(10);
                if let Some(suppressed) = crate::logging::every_minute("worker-handler") {
                    tracing::warn!(error = %e, attempts, backoff, suppressed, "handler failed; will retry");
                }
                if let Err(e) = inbox::record_failure(&ctx.db, row.update_id, ctx.now() + backoff).await {
                    if let Some(suppressed) = crate::logging::every_minute("worker-failure") {
                        tracing::error!(error = %e, suppressed, "could not record the failure");
                    }
                }
                false
            }
        }
    }
    .instrument(span)
    .await
}

/// After repeated failures: tell the person, so nothing fails silently, and move on.
async fn give_up(ctx: &Ctx, update_id: i64, incoming: &Incoming) {
    // In the patient's language if the database answers, else in their Telegram language.
    let (user_id, telegram_lang) = match incoming {
        Incoming::Callback(Tapped {
            user_id, language, ..
        })
        | Incoming::Message(Said {
            user_id, language, ..
        }) => (Some(*user_id), language.as_deref()),
        _ => (None, None),
    };
    let stored = match user_id {
        Some(u) => crate::store::patients::find_by_user(&ctx.db, u)
            .await
            .ok()
            .flatten()
            .map(|p| p.language),
        None => None,
    };
    let lang = stored.unwrap_or_else(|| ctx.content.pick_language(telegram_lang));
    let lang = lang.as_str();
    let sorry = ctx.t(lang, "sorry-try-again");
    match incoming {
        Incoming::Callback(Tapped { query_id, .. }) => ctx.ack(query_id, Some(sorry)).await,
        Incoming::Message(Said {
            chat_id,
            private: true,
            ..
        }) => {
            ctx.say(*chat_id, sorry, Some(ctx.crisis_only(lang))).await;
        }
        _ => {}
    }
    if let Err(e) = mark(ctx, update_id).await {
        tracing::error!(error = %e, "could not mark update handled");
    }
}

/// Runs the router, turning a panic into an error so one bad update cannot stop its chat.
async fn guarded(ctx: &Ctx, update_id: i64, incoming: Incoming) -> anyhow::Result<()> {
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(router::handle(ctx, update_id, incoming))
        .catch_unwind()
        .await
    {
        Ok(r) => r,
        Err(_) => Err(anyhow::anyhow!("handler panicked")),
    }
}

async fn mark(ctx: &Ctx, update_id: i64) -> anyhow::Result<()> {
    let mut tx = ctx.db.write().await?;
    inbox::mark_handled(&mut tx, update_id, ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}
