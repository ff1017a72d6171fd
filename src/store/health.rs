//! What the admin endpoints read: whether the database takes writes, whether its migrations
//! are this binary's, how deep the queues are. Counts only: nothing about a person.

use super::{Db, MIGRATOR};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// Writes (and commits, durably) one row: the database takes writes now.
pub async fn probe_write(db: &Db, now: i64) -> Result<()> {
    let mut tx = db.write().await?;
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO bot_settings (name, value, updated_at) VALUES ('ready_probe', '', $1)
         ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::health::probe_write")?;
    tx.commit().await
}

/// The newest migration applied to the file, and the newest this binary knows. Equal when
/// ready; every applied one must also have succeeded.
pub async fn migrations(db: &Db) -> Result<(i64, i64, bool)> {
    let (applied, failed): (Option<i64>, i64) = on!(db.reader(), |c| sqlx::query_as(
        "SELECT MAX(version), COALESCE(SUM(CASE WHEN success THEN 0 ELSE 1 END), 0) FROM _sqlx_migrations"
    )
    .fetch_one(c)
    .await)
    .context("store::health::migrations")?;
    let migrator = if db.is_postgres() {
        &super::PG_MIGRATOR
    } else {
        &MIGRATOR
    };
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    Ok((applied.unwrap_or(0), known, failed == 0))
}

/// How much work is waiting.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Depths {
    /// Updates stored but not handled yet.
    pub inbox: i64,
    /// Messages waiting to be sent, by priority (higher first), due now or later.
    pub outbox: Vec<(i64, i64)>,
    /// Seconds since the oldest message that is due now became due (0 when none is).
    pub oldest_due_secs: i64,
}

pub async fn depths(db: &Db, now: i64) -> Result<Depths> {
    let inbox: i64 = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL"
    )
    .fetch_one(c)
    .await)
    .context("store::health::depths")?;
    let outbox: Vec<(i64, i64)> = on!(db.reader(), |c| sqlx::query_as(
        "SELECT priority, COUNT(*) FROM outbox WHERE status = 'pending'
         GROUP BY priority ORDER BY priority DESC",
    )
    .fetch_all(c)
    .await)
    .context("store::health::depths")?;
    let oldest: Option<i64> = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(not_before) FROM outbox WHERE status = 'pending' AND not_before <= $1",
    )
    .bind(now)
    .fetch_one(c)
    .await)
    .context("store::health::depths")?;
    Ok(Depths {
        inbox,
        outbox,
        oldest_due_secs: oldest.map_or(0, |t| (now - t).max(0)),
    })
}

/// The database's size on disk: the file and its write-ahead log, or PostgreSQL's own count
/// for the database (0 if it cannot be read).
pub async fn size_bytes(db: &Db) -> u64 {
    if let Lane::Pg(c) = db.reader() {
        let n: Option<i64> = sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(c)
            .await
            .ok();
        return n.map_or(0, |n| u64::try_from(n).unwrap_or(0));
    }
    let path = db.path();
    let wal = path.with_extension(match path.extension() {
        Some(e) => format!("{}-wal", e.to_string_lossy()),
        None => "-wal".to_string(),
    });
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// A value the bot keeps for itself (`bot_settings`).
pub async fn setting(db: &Db, name: &str) -> Result<Option<String>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT value FROM bot_settings WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(c)
    .await)
    .context("store::health::setting")
}

/// Keeps `value` under `name` unless one is kept already; returns the one kept.
pub async fn keep_setting(db: &Db, name: &str, value: &str, now: i64) -> Result<String> {
    let mut tx = db.write().await?;
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO bot_settings (name, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(value)
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::health::keep_setting")?;
    let kept: String = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT value FROM bot_settings WHERE name = $1"
    )
    .bind(name)
    .fetch_one(c)
    .await)
    .context("store::health::keep_setting")?;
    tx.commit().await?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn probe_depths_migrations_and_a_kept_setting() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("h.db").display()))
            .await
            .unwrap();
        probe_write(&db, 100).await.unwrap();
        probe_write(&db, 200).await.unwrap();
        let (applied, known, ok) = migrations(&db).await.unwrap();
        assert_eq!((applied, ok), (known, true));
        assert!(known >= 19);
        assert_eq!(depths(&db, 1000).await.unwrap(), Depths::default());
        for (priority, not_before) in [(0, 900), (0, 2000), (9, 990)] {
            on!(db.reader(), |c| sqlx::query(
                "INSERT INTO outbox (key, kind, chat_id, text, priority, not_before, status, created_at)
                 VALUES ($1, 'message', 1, 'x', $2, $3, 'pending', 0)",
            )
            .bind(format!("k{not_before}"))
            .bind(priority)
            .bind(not_before)
            .execute(c).await.map(Done::from))
            .unwrap();
        }
        let d = depths(&db, 1000).await.unwrap();
        assert_eq!(d.outbox, vec![(9, 1), (0, 2)]);
        assert_eq!(d.oldest_due_secs, 100);
        assert!(size_bytes(&db).await > 0);
        assert_eq!(keep_setting(&db, "s", "first", 1).await.unwrap(), "first");
        assert_eq!(keep_setting(&db, "s", "second", 2).await.unwrap(), "first");
        assert_eq!(setting(&db, "s").await.unwrap().as_deref(), Some("first"));
        assert_eq!(setting(&db, "none").await.unwrap(), None);
    }
}
