//! Durable intake: updates are written here before the offset that confirms them is sent.

use super::{Db, Tx};
use anyhow::{Context, Result};

#[derive(Debug, Clone)]
pub struct InboxRow {
    pub update_id: i64,
    pub chat_key: i64,
    pub payload: String,
    pub attempts: i64,
}

/// Records a batch in one transaction. Re-delivered updates (same update_id) are ignored.
/// Returns how many were new.
pub async fn record_batch(db: &Db, batch: &[(i64, i64, String)], now: i64) -> Result<u64> {
    let mut tx = db.write().await?;
    let mut new = 0;
    for (update_id, chat_key, payload) in batch {
        new += sqlx::query(
            "INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind(update_id)
        .bind(chat_key)
        .bind(payload)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("store::inbox::record_batch")?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(new)
}

/// Chats that have updates waiting to be handled. A chat is ready when its oldest waiting
/// update may be tried (later ones wait behind it, to keep their order).
pub async fn chats_with_unhandled(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT chat_key FROM inbox i
         WHERE handled_at IS NULL AND next_try_at <= ?
           AND update_id = (SELECT MIN(update_id) FROM inbox j
                            WHERE j.chat_key = i.chat_key AND j.handled_at IS NULL)
         LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .context("store::inbox::chats_with_unhandled")
}

/// One chat's unhandled updates after `after_update_id`, oldest first.
pub async fn unhandled_in_chat(
    db: &Db,
    chat_key: i64,
    after_update_id: i64,
    limit: i64,
) -> Result<Vec<InboxRow>> {
    let rows: Vec<(i64, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT update_id, chat_key, payload, attempts FROM inbox
         WHERE handled_at IS NULL AND chat_key = ? AND update_id > ?
         ORDER BY update_id LIMIT ?",
    )
    .bind(chat_key)
    .bind(after_update_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .context("store::inbox::unhandled_in_chat")?;
    Ok(rows
        .into_iter()
        .map(|(update_id, chat_key, payload, attempts)| InboxRow {
            update_id,
            chat_key,
            payload: payload.unwrap_or_default(),
            attempts,
        })
        .collect())
}

/// Marks an update handled and forgets its content. Idempotent.
pub async fn mark_handled(tx: &mut Tx, update_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE inbox SET handled_at = ?, payload = NULL WHERE update_id = ? AND handled_at IS NULL",
    )
    .bind(now)
    .bind(update_id)
    .execute(&mut **tx)
    .await.context("store::inbox::mark_handled")?;
    Ok(())
}

/// A handler failed: try this update again after `next_try_at`. Returns the attempts so far.
pub async fn record_failure(db: &Db, update_id: i64, next_try_at: i64) -> Result<i64> {
    let mut tx = db.write().await?;
    let attempts: i64 = sqlx::query_scalar(
        "UPDATE inbox SET attempts = attempts + 1, next_try_at = ? WHERE update_id = ? RETURNING attempts",
    )
    .bind(next_try_at)
    .bind(update_id)
    .fetch_one(&mut *tx)
    .await.context("store::inbox::record_failure")?;
    tx.commit().await?;
    Ok(attempts)
}

pub async fn is_handled(db: &Db, update_id: i64) -> Result<bool> {
    let handled: Option<Option<i64>> =
        sqlx::query_scalar("SELECT handled_at FROM inbox WHERE update_id = ?")
            .bind(update_id)
            .fetch_optional(db.pool())
            .await
            .context("store::inbox::is_handled")?;
    Ok(matches!(handled, Some(Some(_))))
}

/// Deletes handled rows received before `before`, and "not now" records older than
/// `declined_before`.
pub async fn prune(db: &Db, before: i64, declined_before: i64) -> Result<u64> {
    let mut tx = db.write().await?;
    let n = sqlx::query("DELETE FROM inbox WHERE handled_at IS NOT NULL AND received_at < ?")
        .bind(before)
        .execute(&mut *tx)
        .await
        .context("store::inbox::prune")?
        .rows_affected();
    sqlx::query("DELETE FROM declined WHERE declined_at < ?")
        .bind(declined_before)
        .execute(&mut *tx)
        .await
        .context("store::inbox::prune")?;
    tx.commit().await?;
    Ok(n)
}
