//! The writer connection: turns, a transaction dropped half-way, commits made durable in groups.

use super::*;

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("w.db").display());
    let db = Db::open(&url).await.unwrap();
    (dir, db)
}

async fn declined(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM declined")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn insert(tx: &mut Tx, n: i64) {
    sqlx::query("INSERT INTO declined (telegram_user_id, declined_at) VALUES (?, 0)")
        .bind(n)
        .execute(tx.lite())
        .await
        .unwrap();
}

/// A handler that fails (or is cancelled) after writing drops its transaction: what it wrote
/// is gone, and the next writer starts on a clean connection.
#[tokio::test]
async fn a_dropped_transaction_is_rolled_back_before_the_next_writer() {
    let (_dir, db) = db().await;
    let mut tx = db.write().await.unwrap();
    insert(&mut tx, 1).await;
    drop(tx);
    let mut tx = db.write().await.unwrap();
    insert(&mut tx, 2).await;
    tx.commit().await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT telegram_user_id FROM declined")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(ids, vec![2]);
    db.close().await;
}

/// A write future dropped while it waits for SQLite (a cancelled task) leaves nothing open.
#[tokio::test]
async fn a_write_cancelled_mid_statement_leaves_the_writer_usable() {
    let (_dir, db) = db().await;
    {
        let mut tx = db.write().await.unwrap();
        let fut = sqlx::query("INSERT INTO declined (telegram_user_id, declined_at) VALUES (7, 0)")
            .execute(tx.lite());
        // Polled once, then dropped with the transaction.
        let _ = futures::poll!(Box::pin(fut));
    }
    let mut tx = db.write().await.unwrap();
    insert(&mut tx, 8).await;
    tx.commit().await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT telegram_user_id FROM declined")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(ids, vec![8]);
    db.close().await;
}

/// Many writers at once: each commit returns only once the log's sync covers it, and every
/// row is there afterwards, also for a fresh connection after the bot closed the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_commit_returns_only_once_it_is_synced() {
    let (dir, db) = db().await;
    let mut tasks = Vec::new();
    for n in 0..40 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            insert(&mut tx, n).await;
            let seq = tx.commit_numbered().await.unwrap();
            let synced = *db.durable().synced.lock().await;
            assert!(
                synced >= seq,
                "commit {seq} returned with only {synced} synced"
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*db.durable().synced.lock().await, 40);
    assert_eq!(declined(&db).await, 40);
    db.close().await;
    let url = format!("sqlite://{}", dir.path().join("w.db").display());
    let again = Db::open(&url).await.unwrap();
    assert_eq!(declined(&again).await, 40);
    again.close().await;
}

/// Writers take turns in the order they asked, and each finds the lock free: none of them
/// needs SQLite's busy handler.
#[tokio::test]
async fn writers_take_turns_in_order() {
    let (_dir, db) = db().await;
    let first = db.write().await.unwrap();
    let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut waiting = Vec::new();
    for n in 0..5i64 {
        let (db, order) = (db.clone(), order.clone());
        waiting.push(tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            insert(&mut tx, n).await;
            order.lock().unwrap().push(n);
            tx.commit().await.unwrap();
        }));
        // Each has asked before the next one is started.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        order.lock().unwrap().is_empty(),
        "nobody writes while a turn is held"
    );
    first.commit().await.unwrap();
    for w in waiting {
        w.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
    db.close().await;
}
