//! Handles recorded updates: in update_id order within a chat, different chats concurrently.
//!
//! A dispatcher loop finds chats with unhandled updates and gives each one to its own task
//! (never two tasks for one chat). A chat's task keeps draining that chat's updates, so a slow
//! or failing chat never holds up the others. All tasks live in a `JoinSet` owned by the
//! dispatcher: stopping waits for them, and aborting the dispatcher aborts them too.

use super::incoming::Incoming;
use super::{router, Ctx};
use crate::store::inbox::{self, InboxRow};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tracing::Instrument;

/// How many chats are handled at the same time.
const CHAT_CONCURRENCY: usize = 64;
/// Handled inbox rows are kept this long (only their ids; content is cleared when handled).
const KEEP_HANDLED: Duration = Duration::from_secs(7 * 24 * 3600);

pub async fn run(
    ctx: Ctx,
    recorded: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut running: JoinSet<i64> = JoinSet::new();
    let mut busy: HashSet<i64> = HashSet::new();
    let mut last_prune: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            // Let the chats in progress finish what they hold.
            while running.join_next().await.is_some() {}
            return Ok(());
        }
        if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
            match inbox::prune(&ctx.db, ctx.now() - KEEP_HANDLED.as_secs() as i64).await {
                Ok(n) => tracing::debug!(pruned = n, "inbox pruned"),
                Err(e) => tracing::warn!(error = %e, "inbox prune failed"),
            }
            last_prune = Some(Instant::now());
        }
        match inbox::chats_with_unhandled(&ctx.db, 1000).await {
            Ok(chats) => {
                for key in chats {
                    if running.len() >= CHAT_CONCURRENCY {
                        break;
                    }
                    if busy.insert(key) {
                        running.spawn(drain_chat(ctx.clone(), key));
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "could not read the inbox"),
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
            _ = stop.changed() => {}
        }
    }
}

/// Handles one chat's updates in order until it has none left; returns the chat key.
async fn drain_chat(ctx: Ctx, chat_key: i64) -> i64 {
    let mut after = 0;
    loop {
        let rows = match inbox::unhandled_in_chat(&ctx.db, chat_key, after, 50).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "could not read the inbox");
                return chat_key;
            }
        };
        if rows.is_empty() {
            return chat_key;
        }
        for row in rows {
            after = row.update_id;
            handle_row(&ctx, row).await;
        }
    }
}

async fn handle_row(ctx: &Ctx, row: InboxRow) {
    let span = tracing::info_span!("update", update_id = row.update_id);
    async {
        let incoming: Incoming = serde_json::from_str(&row.payload).unwrap_or(Incoming::Other);
        let mut result = guarded(ctx, row.update_id, incoming.clone()).await;
        if let Err(e) = &result {
            // Most likely a passing database problem; try once more before moving on.
            tracing::warn!(error = %e, "handler failed; retrying once");
            tokio::time::sleep(Duration::from_millis(500)).await;
            result = guarded(ctx, row.update_id, incoming).await;
        }
        if let Err(e) = result {
            tracing::error!(error = %e, "handler failed; update dropped");
        }
        // Handlers that write mark the update handled in their own transaction; this covers the
        // rest. It is idempotent.
        if let Err(e) = mark(ctx, row.update_id).await {
            tracing::error!(error = %e, "could not mark update handled");
        }
    }
    .instrument(span)
    .await
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
