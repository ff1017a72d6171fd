//! A full disk and the connections it leaves behind.

use super::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A full disk, simulated with SQLite's own page limit: writes fail while it is full, and
/// once there is room again the next write succeeds (no connection is left stuck inside the
/// failed transaction).
#[tokio::test]
async fn after_a_full_disk_writes_work_again_once_there_is_room() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("full.db").display());
    // Room for the schema, then not much more.
    let limit = Arc::new(AtomicU64::new(u64::MAX >> 2));
    let seen = limit.clone();
    let db = Db::open_with(
        &url,
        SqlitePoolOptions::new()
            .max_connections(1)
            .after_connect(move |conn, _| {
                let pages = seen.load(Ordering::SeqCst);
                Box::pin(async move {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "PRAGMA max_page_count = {pages}"
                    )))
                    .execute(conn)
                    .await?;
                    Ok(())
                })
            }),
    )
    .await
    .unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(db.pool())
        .await
        .unwrap();
    // Writes go through the writer connection: the limit is set there.
    let mut tx = db.write().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA max_page_count = {}",
        pages + 2
    )))
    .execute(tx.lite())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let write = |n: i64| {
        let db = db.clone();
        async move {
            let mut tx = db.write().await?;
            sqlx::query("INSERT INTO declined (telegram_user_id, declined_at) VALUES (?, ?)")
                .bind(n)
                .bind(0)
                .execute(tx.lite())
                .await?;
            // A big row, so the pages run out quickly.
            sqlx::query(
                "INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?, 0, ?, 0)",
            )
            .bind(n)
            .bind("x".repeat(20_000))
            .execute(tx.lite())
            .await?;
            tx.commit().await?;
            anyhow::Ok(())
        }
    };
    let mut failed = false;
    for n in 0..50 {
        if write(n).await.is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed, "the page limit was never reached");
    // Room again: later connections get a large limit, and so does this one.
    limit.store(1_000_000, Ordering::SeqCst);
    if let Ok(mut tx) = db.write().await {
        let _ = sqlx::query("PRAGMA max_page_count = 1000000")
            .execute(tx.lite())
            .await;
        let _ = tx.commit().await;
    }
    for n in 100..105 {
        write(n)
            .await
            .expect("a write after the disk has room again");
    }
    db.close().await;
}
