//! Handles recorded updates: in update_id order within a chat, different chats concurrently.

use super::incoming::Incoming;
use super::{router, Ctx};
use crate::store::inbox::{self, InboxRow};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tracing::Instrument;

/// How many chats are handled at the same time.
const CHAT_CONCURRENCY: usize = 32;
/// Handled inbox rows are kept this long (only their ids; content is cleared when handled).
const KEEP_HANDLED: Duration = Duration::from_secs(7 * 24 * 3600);

pub async fn run(
    ctx: Ctx,
    recorded: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut last_prune: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
            match inbox::prune(&ctx.db, ctx.now() - KEEP_HANDLED.as_secs() as i64).await {
                Ok(n) => tracing::debug!(pruned = n, "inbox pruned"),
                Err(e) => tracing::warn!(error = %e, "inbox prune failed"),
            }
            last_prune = Some(Instant::now());
        }
        let rows = match inbox::unhandled(&ctx.db, 500).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "could not read the inbox");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if rows.is_empty() {
            tokio::select! {
                _ = recorded.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = stop.changed() => return Ok(()),
            }
            continue;
        }
        handle_batch(&ctx, rows).await;
    }
}

/// Handles a batch of rows: each chat's rows in order, chats concurrently.
pub async fn handle_batch(ctx: &Ctx, rows: Vec<InboxRow>) {
    let mut by_chat: BTreeMap<i64, Vec<InboxRow>> = BTreeMap::new();
    for row in rows {
        by_chat.entry(row.chat_key).or_default().push(row);
    }
    futures::stream::iter(by_chat.into_values())
        .for_each_concurrent(CHAT_CONCURRENCY, |rows| async move {
            for row in rows {
                handle_row(ctx, row).await;
            }
        })
        .await;
}

async fn handle_row(ctx: &Ctx, row: InboxRow) {
    let span = tracing::info_span!("update", update_id = row.update_id);
    async {
        let incoming: Incoming = serde_json::from_str(&row.payload).unwrap_or(Incoming::Other);
        let mut result = router::handle(ctx, row.update_id, incoming.clone()).await;
        if let Err(e) = &result {
            // Most likely a passing database problem; try once more before moving on.
            tracing::warn!(error = %e, "handler failed; retrying once");
            tokio::time::sleep(Duration::from_millis(500)).await;
            result = router::handle(ctx, row.update_id, incoming).await;
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

async fn mark(ctx: &Ctx, update_id: i64) -> anyhow::Result<()> {
    let mut tx = ctx.db.write().await?;
    inbox::mark_handled(&mut tx, update_id, ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}
