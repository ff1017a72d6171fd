//! Durable intake: updates are written here before the offset that confirms them is sent.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
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
        new += on!(tx.conn(), |c| {
            sqlx::query(
            "INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind(update_id)
        .bind(chat_key)
        .bind(payload)
        .bind(now)
        .execute(c).await.map(Done::from)
        })
        .context("store::inbox::record_batch")?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(new)
}

/// Chats that have updates waiting to be handled, the one whose oldest waiting update came
/// first at the front (Telegram numbers updates in the order they arrive), whatever the chat's
/// id. A chat is ready when its oldest waiting update may be tried (later ones wait behind it,
/// to keep their order).
pub async fn chats_with_unhandled(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT f.chat_key FROM
           (SELECT chat_key, MIN(update_id) AS first FROM inbox
            WHERE handled_at IS NULL GROUP BY chat_key) f
         JOIN inbox i ON i.update_id = f.first
         WHERE i.next_try_at <= $1
         ORDER BY f.first LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)
    .context("store::inbox::chats_with_unhandled")
}

/// One chat's unhandled updates after `after_update_id`, oldest first.
pub async fn unhandled_in_chat(
    db: &Db,
    chat_key: i64,
    after_update_id: i64,
    limit: i64,
) -> Result<Vec<InboxRow>> {
    let rows: Vec<(i64, i64, Option<String>, i64)> = on!(db.reader(), |c| sqlx::query_as(
        "SELECT update_id, chat_key, payload, attempts FROM inbox
         WHERE handled_at IS NULL AND chat_key = $1 AND update_id > $2
         ORDER BY update_id LIMIT $3",
    )
    .bind(chat_key)
    .bind(after_update_id)
    .bind(limit)
    .fetch_all(c)
    .await)
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
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE inbox SET handled_at = $1, payload = NULL WHERE update_id = $2 AND handled_at IS NULL",
    )
    .bind(now)
    .bind(update_id)
    .execute(c).await.map(Done::from)).context("store::inbox::mark_handled")?;
    Ok(())
}

/// A handler failed: try this update again after `next_try_at`. Returns the attempts so far.
pub async fn record_failure(db: &Db, update_id: i64, next_try_at: i64) -> Result<i64> {
    let mut tx = db.write().await?;
    let attempts: i64 = on!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE inbox SET attempts = attempts + 1, next_try_at = $1 WHERE update_id = $2 RETURNING attempts",
    )
    .bind(next_try_at)
    .bind(update_id)
    .fetch_one(c).await).context("store::inbox::record_failure")?;
    tx.commit().await?;
    Ok(attempts)
}

/// Deletes handled rows received before `before` (in batches of `PRUNE_BATCH`, each its own
/// short write, walking the primary key up to the newest row old enough), and "not now" records
/// older than `declined_before`. Returns how many inbox rows went.
pub async fn prune(db: &Db, before: i64, declined_before: i64) -> Result<u64> {
    const PRUNE_BATCH: i64 = 2000;
    let last: Option<i64> = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MAX(update_id) FROM inbox WHERE received_at < $1"
    )
    .bind(before)
    .fetch_one(c)
    .await)
    .context("store::inbox::prune")?;
    let mut total = 0;
    while let Some(last) = last {
        let mut tx = db.write().await?;
        let n = on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM inbox WHERE update_id IN (
                 SELECT update_id FROM inbox WHERE update_id <= $1 AND received_at < $2
                   AND handled_at IS NOT NULL
                 ORDER BY update_id LIMIT $3)",
        )
        .bind(last)
        .bind(before)
        .bind(PRUNE_BATCH)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::inbox::prune")?
        .rows_affected();
        tx.commit().await?;
        total += n;
        if n < PRUNE_BATCH as u64 {
            break;
        }
        tokio::task::yield_now().await;
    }
    let mut tx = db.write().await?;
    on!(tx.conn(), |c| sqlx::query(
        "DELETE FROM declined WHERE declined_at < $1"
    )
    .bind(declined_before)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::inbox::prune")?;
    tx.commit().await?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let db = Db::open(&url).await.unwrap();
        (dir, db)
    }

    /// The chat that has waited longest goes first, whatever its id; a chat whose oldest update
    /// waits for a retry is not ready, and the updates behind it wait with it.
    #[tokio::test]
    async fn the_chat_waiting_longest_goes_first() {
        let (_dir, db) = open().await;
        let batch: Vec<(i64, i64, String)> = [(1, 900), (2, 5), (3, 900), (4, 70), (5, 5), (6, 3)]
            .into_iter()
            .map(|(u, c)| (u, c, "{}".to_string()))
            .collect();
        assert_eq!(record_batch(&db, &batch, 0).await.unwrap(), 6);
        assert_eq!(
            chats_with_unhandled(&db, 0, 10).await.unwrap(),
            [900, 5, 70, 3]
        );
        assert_eq!(chats_with_unhandled(&db, 0, 2).await.unwrap(), [900, 5]);

        let mut tx = db.write().await.unwrap();
        mark_handled(&mut tx, 1, 0).await.unwrap();
        tx.commit().await.unwrap();
        record_failure(&db, 2, 60).await.unwrap();
        // Chat 900's oldest is now update 3; chat 5 waits for its retry at 60.
        assert_eq!(
            chats_with_unhandled(&db, 0, 10).await.unwrap(),
            [900, 70, 3]
        );
        assert_eq!(
            chats_with_unhandled(&db, 60, 10).await.unwrap(),
            [5, 900, 70, 3]
        );
        db.close().await;
    }

    /// Handled rows past the redelivery window go; unhandled and recent ones stay.
    #[tokio::test]
    async fn prune_removes_only_old_handled_rows() {
        let (_dir, db) = open().await;
        let old: Vec<(i64, i64, String)> = (1..=3).map(|u| (u, u, "{}".to_string())).collect();
        record_batch(&db, &old, 100).await.unwrap();
        record_batch(&db, &[(4, 4, "{}".to_string())], 900)
            .await
            .unwrap();
        let mut tx = db.write().await.unwrap();
        for u in [1, 3, 4] {
            mark_handled(&mut tx, u, 950).await.unwrap();
        }
        tx.commit().await.unwrap();
        assert_eq!(prune(&db, 500, 0).await.unwrap(), 2);
        let left: Vec<i64> = on!(db.reader(), |c| sqlx::query_scalar(
            "SELECT update_id FROM inbox ORDER BY update_id"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(left, [2, 4]);
        db.close().await;
    }
}
