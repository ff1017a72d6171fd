//! Receives updates by long polling and records them durably before confirming them.
//!
//! Telegram confirms an update when getUpdates is next called with a higher offset. This loop
//! only asks for the next batch after the current one is committed to the `inbox` table, so a
//! crash at any point loses nothing: unrecorded updates are delivered again, and recorded ones
//! are deduplicated by update_id.
//!
//! The offset is kept in memory and starts empty: Telegram then returns every unconfirmed
//! update. It is not derived from stored ids, because after a week without updates Telegram
//! may start ids again at a random (possibly lower) number.

use super::incoming::Incoming;
use super::Ctx;
use crate::store::inbox;
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use teloxide::{ApiError, RequestError};
use tokio::sync::{watch, Notify};

pub async fn run(
    ctx: Ctx,
    poll_timeout: Duration,
    recorded: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut offset: i64 = 0;
    let mut last_update_at = ctx.clock.now();
    let mut backoff = Duration::from_secs(1);
    tracing::info!(offset, "receiving updates");
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let request = ctx
            .bot
            .get_updates()
            .offset(offset as i32)
            .timeout(poll_timeout.as_secs() as u32)
            .allowed_updates([
                AllowedUpdate::Message,
                AllowedUpdate::CallbackQuery,
                AllowedUpdate::MyChatMember,
            ]);
        let result = tokio::select! {
            r = request.send() => r,
            _ = stop.changed() => return Ok(()),
        };
        let updates = match result {
            Ok(u) => {
                backoff = Duration::from_secs(1);
                u
            }
            Err(RequestError::RetryAfter(s)) => {
                tracing::warn!(seconds = s.seconds(), "getUpdates rate limited");
                pause(s.duration(), &mut stop).await;
                continue;
            }
            Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates)) => {
                tracing::error!("another process is polling with this bot token; only one may run");
                pause(backoff, &mut stop).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %super::reply::describe(&e), "getUpdates failed; retrying");
                pause(backoff, &mut stop).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        if updates.is_empty() {
            // After about a week without updates Telegram may restart update ids at a lower
            // number; an old offset would then swallow them. Forget it: duplicates are
            // recognised by the inbox anyway.
            if offset != 0 && ctx.clock.now() - last_update_at > chrono::Duration::days(6) {
                tracing::info!("no updates for six days; polling without an offset");
                offset = 0;
            }
            continue;
        }
        last_update_at = ctx.clock.now();
        let batch: Vec<(i64, i64, String)> = updates
            .iter()
            .map(|u| {
                let (key, event) = Incoming::from_update(u);
                let payload = serde_json::to_string(&event).expect("Incoming serializes");
                (i64::from(u.id.0), key, payload)
            })
            .collect();
        let max = batch.iter().map(|b| b.0).max().expect("non-empty batch");
        // Record before the next getUpdates confirms them. Keep trying: confirming without
        // recording would lose a patient's answer.
        loop {
            match inbox::record_batch(&ctx.db, &batch, ctx.now()).await {
                Ok(new) => {
                    tracing::debug!(received = batch.len(), new, "updates recorded");
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not record updates; retrying");
                    // (database errors carry no message content)
                    pause(Duration::from_secs(1), &mut stop).await;
                    if *stop.borrow() {
                        return Ok(());
                    }
                }
            }
        }
        offset = max + 1;
        recorded.notify_one();
    }
}

async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = stop.changed() => {}
    }
}
