//! SQLite storage through sqlx. All SQL lives in this module, one file per table group.
//!
//! Times are INTEGER unix seconds. Write transactions start with `BEGIN IMMEDIATE` so that two
//! writers queue on the busy timeout instead of failing with SQLITE_BUSY on lock upgrade.

pub mod alerts;
pub mod checkins;
pub mod contacts;
pub mod coping;
pub mod crisis;
pub mod inbox;
pub mod outbox;
pub mod patients;
pub mod prompts;
pub mod slots;
pub mod sos;

use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub type Tx = Transaction<'static, Sqlite>;

#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
    /// Set once SQLite has said the file is damaged: the bot stops rather than run on it.
    damaged: Arc<AtomicBool>,
}

/// Whether an error is SQLite saying the file is damaged or not a database at all
/// (SQLITE_CORRUPT, SQLITE_NOTADB, with their extended codes).
pub fn is_damage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<sqlx::Error>().is_some_and(|s| match s {
            sqlx::Error::Database(d) => d
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| matches!(code & 0xff, 11 | 26)),
            _ => false,
        })
    })
}

/// What the operator reads when the file is damaged.
fn damaged_sentence(path: &Path) -> String {
    format!(
        "the database file {} is damaged, so the bot stops rather than run on it (answers could be lost or wrong). Restore it from your latest backup, or move it aside to start with an empty database",
        path.display()
    )
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Opens (creating if needed) the database named by `url` and applies pending migrations.
    /// The file is made readable and writable by its owner only; SQLite gives the -wal and
    /// -shm files the same permissions.
    pub async fn open(url: &str) -> Result<Db> {
        Db::open_with(url, SqlitePoolOptions::new().max_connections(8)).await
    }

    /// `open`, with the pool's options (tests use a small pool and a page limit).
    pub async fn open_with(url: &str, pool_options: SqlitePoolOptions) -> Result<Db> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| {
                "DATABASE_URL is not a valid SQLite URL (example: sqlite://recovery-bot.db)"
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before the next getUpdates confirms the batch to
            // Telegram, so even a power loss cannot lose an acknowledged update.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Cleared message payloads and deleted rows are overwritten, not left in free pages.
            .pragma("secure_delete", "ON");
        let path = options.get_filename().to_path_buf();
        restrict_permissions(&path)?;
        let damaged = |e: sqlx::Error| {
            let e = anyhow::Error::new(e);
            if is_damage(&e) {
                e.context(damaged_sentence(&path))
            } else {
                e.context(format!("opening the database at {}", path.display()))
            }
        };
        let pool = pool_options
            // A transaction that failed half-way (a full disk can make even ROLLBACK fail)
            // must not come back to the next writer still open: that connection is dropped and
            // a clean one opened, so one bad moment does not break every later write.
            .before_acquire(|conn, _meta| {
                Box::pin(async move {
                    let clean = !sqlx::Connection::is_in_transaction(conn);
                    if !clean {
                        tracing::warn!(
                            "a connection left inside a failed transaction was replaced"
                        );
                    }
                    Ok(clean)
                })
            })
            .connect_with(options)
            .await
            .map_err(damaged)?;
        // Damage is found now, with a clear sentence, not later as a bot answering nobody.
        let problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(3)")
            .fetch_all(&pool)
            .await
            .map_err(damaged)?;
        if problems.first().map(String::as_str) != Some("ok") {
            pool.close().await;
            anyhow::bail!(
                "{} (SQLite's check found: {})",
                damaged_sentence(&path),
                problems.join("; ")
            );
        }
        MIGRATOR
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Db {
            pool,
            path,
            damaged: Arc::default(),
        })
    }

    /// Looks at an error a task met: if it says the file is damaged, the bot is to stop
    /// (`damage`). Returns whether it did.
    pub fn note(&self, e: &anyhow::Error) -> bool {
        let damage = is_damage(e);
        if damage && !self.damaged.swap(true, Ordering::SeqCst) {
            tracing::error!("SQLite reports the database file is damaged; stopping");
        }
        damage
    }

    /// The error to stop with, once an error has shown the file is damaged.
    pub fn damage(&self) -> Result<()> {
        if self.damaged.load(Ordering::SeqCst) {
            anyhow::bail!("{}", damaged_sentence(&self.path));
        }
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction that takes the write lock up front.
    pub async fn write(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The database file a `DATABASE_URL` names, created (mode 0600) if it does not exist yet, so it
/// can be locked before anything is read or written. An existing file of 0 bytes (and no
/// write-ahead log to recover from) is refused: it is a database that lost its contents, and
/// starting on it would silently begin again with no patients.
///
/// Returns the path and whether the file was created now (`forget_new_file` removes it again
/// if starting fails before anything was written, so the next start is not refused).
pub fn database_file(url: &str) -> Result<(PathBuf, bool)> {
    let options = SqliteConnectOptions::from_str(url).with_context(|| {
        "DATABASE_URL is not a valid SQLite URL (example: sqlite://recovery-bot.db)"
    })?;
    let path = options.get_filename().to_path_buf();
    let empty = |p: &Path| std::fs::metadata(p).map(|m| m.len() == 0);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if empty(&path).unwrap_or(false) && empty(Path::new(&wal)).unwrap_or(true) {
        anyhow::bail!(
            "the database file {} exists but is empty (0 bytes): the patients' data it held is gone. Restore it from your latest backup; if this is a new installation, delete the empty file and start again",
            path.display()
        );
    }
    let created = !path.exists() && path != Path::new(":memory:");
    restrict_permissions(&path)?;
    Ok((path, created))
}

/// Removes a database file created by `database_file` if it is still empty (the start failed
/// before migrations wrote it).
pub fn forget_new_file(path: &Path) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        let _ = std::fs::remove_file(path);
    }
}

/// Creates the file with mode 0600 if it does not exist, and tightens an existing one.
fn restrict_permissions(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::fs::{OpenOptions, Permissions};
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating the database file {}", path.display()))?;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if p.exists() {
                std::fs::set_permissions(&p, Permissions::from_mode(0o600))
                    .with_context(|| format!("restricting permissions of {}", p.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod migration_tests {
    use super::*;
    use sqlx::Row;

    /// A database in `dir` migrated up to `version` only, as an older release left it.
    async fn database_at(dir: &tempfile::TempDir, version: i64) -> (String, sqlx::SqlitePool) {
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let mut before = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations"
        )))
        .await
        .unwrap();
        before.migrations = before
            .migrations
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        before.run(&pool).await.unwrap();
        (url, pool)
    }

    /// Migration 0007 rebuilds `alerts` (a CHECK cannot change in place). On a database that
    /// already holds alerts, their answers and the messages that carried them, nothing is lost
    /// and the links still hold.
    #[tokio::test]
    async fn rebuilding_the_alerts_table_keeps_alerts_answers_and_messages() {
        let dir = tempfile::tempdir().unwrap();
        // The database as it was before issue 11.
        let (url, pool) = database_at(&dir, 5).await;
        for sql in [
            "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
             VALUES (1, 10, 10, 'en', 1, 0, 0)",
            "INSERT INTO contacts (id, telegram_user_id, chat_id, language, created_at) VALUES (1, 20, 20, 'en', 0)",
            "INSERT INTO links (id, patient_id, contact_id, patient_name, contact_name, weekly, created_at)
             VALUES (1, 1, 1, 'Sam', 'Bob', 0, 0)",
            "INSERT INTO alerts (id, patient_id, kind, signals, created_at, recipients)
             VALUES (7, 1, 'alert', '[]', 100, 1)",
            "INSERT INTO alert_answers (alert_id, link_id, answer, answered_at) VALUES (7, 1, 'reached', 200)",
            "INSERT INTO outbox (key, kind, patient_id, chat_id, text, status, not_before, created_at, contact_id, alert_id)
             VALUES ('link:1:alert:7', 'message', 1, 20, 'alert', 'sent', 100, 100, 1, 7)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let db = Db::open(&url).await.unwrap();
        let answers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM alert_answers WHERE alert_id = 7")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(answers, 1, "the answer survived the rebuild");
        let carried: Option<i64> =
            sqlx::query_scalar("SELECT alert_id FROM outbox WHERE key = 'link:1:alert:7'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(carried, Some(7), "the message still names its alert");
        // The new kinds are accepted, the next id follows the old ones, and foreign keys are on.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alerts (patient_id, kind, signals, created_at, recipients, origin)
             VALUES (1, 'request', '[]', 300, 1, 'request:ok:1') RETURNING id",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(id > 7, "{id}");
        let fk = sqlx::query("PRAGMA foreign_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(fk.get::<i64, _>(0), 1);
        // Deleting the patient still cascades through the rebuilt table.
        sqlx::query("DELETE FROM patients WHERE id = 1")
            .execute(db.pool())
            .await
            .unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alert_answers")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(left, 0);
        db.close().await;
    }

    /// Migration 0011 fills the new outbox columns from the keys already stored, so a message
    /// queued before an upgrade is still found by its link, /sos session or "are you OK?" check.
    #[tokio::test]
    async fn outbox_rows_queued_before_the_key_columns_are_found_by_them() {
        use crate::domain::outbox_key::Key;
        let dir = tempfile::tempdir().unwrap();
        let (url, pool) = database_at(&dir, 10).await;
        let keys = [
            Key::LinkAlert { link: 12, alert: 7 },
            Key::LinkEnded(13),
            Key::LinkUnreachable { link: 14, row: 2 },
            Key::AlertAck { alert: 7, link: 15 },
            Key::WeeklySummary { link: 16, week: 3 },
            Key::SosStep(21),
            Key::SosFollowUp { sos: 22, round: 3 },
            Key::ScreenInSos { sos: 23, round: 1 },
            Key::OkCheck(31),
            Key::Summary(41),
            Key::NobodyReached(Some("request:sos:5".into())),
        ];
        for key in &keys {
            sqlx::query(
                "INSERT INTO outbox (key, kind, chat_id, text, status, not_before, created_at)
                 VALUES (?, 'message', 1, 'x', 'pending', 0, 0)",
            )
            .bind(key.to_string())
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;

        let db = Db::open(&url).await.unwrap();
        for key in &keys {
            let row = sqlx::query("SELECT link_id, sos_id, ok_check_id FROM outbox WHERE key = ?")
                .bind(key.to_string())
                .fetch_one(db.pool())
                .await
                .unwrap();
            let got: (Option<i64>, Option<i64>, Option<i64>) = (row.get(0), row.get(1), row.get(2));
            assert_eq!(
                got,
                (key.link_id(), key.sos_id(), key.ok_check_id()),
                "{key}"
            );
        }
        db.close().await;
    }

    /// Migration 0013 turns the older prefixed strings in `patients.awaiting` into the JSON of
    /// `Awaiting`, so a conversation in progress at the upgrade goes on; anything unrecognised
    /// is dropped rather than guessed.
    #[tokio::test]
    async fn conversation_states_in_progress_survive_the_move_to_json() {
        use crate::domain::conversation::{Awaiting, PlanPart};
        let dir = tempfile::tempdir().unwrap();
        let (url, pool) = database_at(&dir, 12).await;
        let states: [(&str, Option<Awaiting>); 9] = [
            ("invite-name", Some(Awaiting::InviteName)),
            (
                "invite-share:Ana: mi hermana",
                Some(Awaiting::InviteShare {
                    name: "Ana: mi hermana".into(),
                }),
            ),
            (
                "invite-use:w:Sam",
                Some(Awaiting::InviteUse {
                    name: "Sam".into(),
                    weekly: true,
                }),
            ),
            (
                "invite-use:a:Bo \"B\"",
                Some(Awaiting::InviteUse {
                    name: "Bo \"B\"".into(),
                    weekly: false,
                }),
            ),
            (
                "plan:safe_place",
                Some(Awaiting::Plan {
                    part: PlanPart::SafePlace,
                }),
            ),
            ("slot-time:17", Some(Awaiting::SlotTime { slot: 17 })),
            ("slot-time:1x", None),
            ("plan:nonsense", None),
            ("something-else", None),
        ];
        for (i, (old, _)) in states.iter().enumerate() {
            sqlx::query(
                "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version,
                     consented_at, created_at, awaiting)
                 VALUES (?, ?, ?, 'en', 2, 0, 0, ?)",
            )
            .bind(i as i64 + 1)
            .bind(i as i64 + 100)
            .bind(i as i64 + 100)
            .bind(*old)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;
        let db = Db::open(&url).await.unwrap();
        for (i, (old, want)) in states.iter().enumerate() {
            let p = super::patients::find_by_user(&db, i as i64 + 100)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(&p.awaiting, want, "{old}");
            if want.is_none() {
                let raw: Option<String> =
                    sqlx::query_scalar("SELECT awaiting FROM patients WHERE id = ?")
                        .bind(i as i64 + 1)
                        .fetch_one(db.pool())
                        .await
                        .unwrap();
                assert_eq!(raw, None, "{old} is cleared");
            }
        }
        db.close().await;
    }
}

#[cfg(test)]
mod full_disk_tests {
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
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {}",
            pages + 2
        )))
        .execute(db.pool())
        .await
        .unwrap();
        let write = |n: i64| {
            let db = db.clone();
            async move {
                let mut tx = db.write().await?;
                sqlx::query("INSERT INTO declined (telegram_user_id, declined_at) VALUES (?, ?)")
                    .bind(n)
                    .bind(0)
                    .execute(&mut *tx)
                    .await?;
                // A big row, so the pages run out quickly.
                sqlx::query("INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?, 0, ?, 0)")
                    .bind(n)
                    .bind("x".repeat(20_000))
                    .execute(&mut *tx)
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
        let _ = sqlx::query("PRAGMA max_page_count = 1000000")
            .execute(db.pool())
            .await;
        for n in 100..105 {
            write(n)
                .await
                .expect("a write after the disk has room again");
        }
        db.close().await;
    }
}
