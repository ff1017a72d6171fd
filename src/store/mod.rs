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
use std::time::Duration;

pub type Tx = Transaction<'static, Sqlite>;

#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Opens (creating if needed) the database named by `url` and applies pending migrations.
    /// The file is made readable and writable by its owner only; SQLite gives the -wal and
    /// -shm files the same permissions.
    pub async fn open(url: &str) -> Result<Db> {
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("opening the database at {}", path.display()))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Db { pool, path })
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
