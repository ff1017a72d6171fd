//! SQLite storage through sqlx. All SQL lives in this module, one file per table group.
//!
//! Times are INTEGER unix seconds. SQLite has one write lock per file. Writers in this process
//! queue for it on a fair async lock (`Db::write`, first come first served) and only then
//! start with `BEGIN IMMEDIATE`, so no writer sleeps in SQLite's busy handler while the lock
//! sits idle; readers use the pool and never wait for writers (WAL). The busy timeout stays as
//! the safety net for another process on the file (a backup, the sqlite3 shell).

pub mod alerts;
pub mod checkins;
pub mod contacts;
pub mod coping;
pub mod crisis;
pub mod inbox;
pub mod ok_checks;
pub mod outbox;
pub mod patients;
pub mod prompts;
pub mod reports;
pub mod slots;
pub mod sos;

use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A write transaction, holding this process's writer turn until it commits or is dropped.
/// Derefs to the connection, so queries take `&mut *tx` (or `&mut **tx` through `&mut Tx`).
pub struct Tx {
    // Declared first, so it is dropped (and rolled back) before the turn is handed on.
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
    /// Set once SQLite has said the file is damaged: the bot stops rather than run on it.
    damaged: Arc<AtomicBool>,
    /// The writer turn: tokio's mutex is fair, so writers go in the order they asked.
    writer: Arc<Mutex<()>>,
}

impl Db {
    /// Folds the write-ahead log into the database and empties it (after an erasure:
    /// `secure_delete` overwrites the erased pages there too).
    pub async fn empty_log(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .context("store::empty_log")?;
        Ok(())
    }
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
            writer: Arc::default(),
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

    /// A write transaction: waits for this process's writer turn (fair, first come first
    /// served), then takes SQLite's write lock up front.
    pub async fn write(&self) -> Result<Tx> {
        let turn = self.writer.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Tx { tx, _turn: turn })
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
mod full_disk_tests;
#[cfg(test)]
mod migration_tests;
