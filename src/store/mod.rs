//! SQLite storage through sqlx. All SQL lives in this module, one file per table group.
//!
//! Times are INTEGER unix seconds. SQLite has one write lock per file. Writers in this process
//! queue for it on a fair async lock (`Db::write`, first come first served) and only then
//! start with `BEGIN IMMEDIATE`, so no writer sleeps in SQLite's busy handler while the lock
//! sits idle; readers use the pool and never wait for writers (WAL). The busy timeout stays as
//! the safety net for another process on the file (a backup, the sqlite3 shell).

pub mod alerts;
pub mod backup;
pub mod checkins;
pub mod contacts;
pub mod coping;
pub mod crisis;
pub mod export;
pub mod health;
pub mod inbox;
pub mod ok_checks;
pub mod outbox;
pub mod patients;
pub mod progress;
pub mod prompts;
pub mod reports;
pub mod slots;
pub mod sos;

use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The one connection writes go through, with what is needed to put it right after a
/// transaction that did not finish (its future dropped, a failed COMMIT).
struct Writer {
    /// `None` once a connection had to be given up; the next write opens a fresh one.
    conn: Option<SqliteConnection>,
    /// A `BEGIN` was sent and neither `COMMIT` nor `ROLLBACK` has been seen to finish.
    open: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("open", &self.open).finish()
    }
}

impl Writer {
    /// Ends a transaction left open. If even `ROLLBACK` fails (a full disk can do that), the
    /// connection is closed and the next write opens a clean one, so one bad moment does not
    /// break every later write.
    async fn roll_back(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            match sqlx::query("ROLLBACK").execute(&mut *conn).await {
                Ok(_) => {}
                // Already ended (SQLite rolls back by itself after some errors).
                Err(e) if e.to_string().contains("no transaction is active") => {}
                Err(_) => {
                    tracing::warn!("the writer connection was left inside a failed transaction; it was replaced");
                    if let Some(conn) = self.conn.take() {
                        let _ = sqlx::Connection::close_hard(conn).await;
                    }
                }
            }
        }
        self.open = false;
    }
}

/// How long a `commit_soon` waits for another commit's sync to cover it before syncing itself.
const SYNC_SOON: Duration = Duration::from_millis(100);
/// How long a sync waits for a commit on its way (see `Durable::wait_for`).
const GROUP_WAIT: Duration = Duration::from_millis(2);

/// Makes commits durable in groups. The writer connection commits with `synchronous =
/// NORMAL`: the commit is in the write-ahead log (consistent, but not yet on the disk) and the
/// turn passes on at once; then one `fdatasync` of the log makes every commit so far durable,
/// for all the writers that committed meanwhile. `Tx::commit` returns only after that, so a
/// commit is on disk before anything is shown or acknowledged, as with `synchronous = FULL`,
/// but the disk's wait is shared and no longer holds the write lock. (A checkpoint syncs the
/// log before copying it into the database file and syncs that file after, so frames synced
/// here stay durable through checkpoints and log restarts.)
#[derive(Debug)]
struct Durable {
    /// The write-ahead log; `None` for an in-memory database.
    wal: Option<PathBuf>,
    /// Commits so far, numbered in commit order (incremented while holding the turn).
    committed: std::sync::atomic::AtomicU64,
    /// Commits known to be on disk.
    synced: Mutex<u64>,
    /// Told of every commit.
    commits: tokio::sync::Notify,
    /// The writer's turn, to see whether a commit is on its way.
    writer: Arc<Mutex<Writer>>,
}

impl Durable {
    /// Returns once commit number `seq` is on disk.
    async fn wait_for(&self, seq: u64) -> Result<()> {
        let mut synced = self.synced.lock().await;
        if *synced >= seq {
            return Ok(());
        }
        // Group commit: a writer holding the turn now usually commits within a fraction of a
        // millisecond, and one sync then covers both (this wait is outside the turn, so it
        // slows no one else).
        let next = self.commits.notified();
        tokio::pin!(next);
        next.as_mut().enable();
        if self.writer.try_lock().is_err() {
            let _ = tokio::time::timeout(GROUP_WAIT, next).await;
        }
        // Everything committed up to now is in the log's file; one sync covers it all.
        let target = self.committed.load(Ordering::SeqCst);
        if let Some(wal) = self.wal.clone() {
            tokio::task::spawn_blocking(move || match std::fs::File::open(&wal) {
                Ok(file) => file.sync_data(),
                // SQLite removes the log only when the last connection closes, after copying it
                // into the database file and syncing that: nothing is left to sync.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            })
            .await
            .context("syncing the write-ahead log")?
            .context(
                "could not make the last writes durable (fdatasync of the write-ahead log failed)",
            )?;
        }
        *synced = target;
        Ok(())
    }
}

/// A write transaction on the writer connection, holding this process's writer turn until it
/// commits, rolls back or is dropped. Derefs to the connection, so queries take `&mut *tx`
/// (or `&mut **tx` through `&mut Tx`). Dropped without a commit, it is rolled back before
/// the turn passes to the next writer.
pub struct Tx {
    turn: Option<OwnedMutexGuard<Writer>>,
    durable: Arc<Durable>,
}

impl Tx {
    fn writer(&mut self) -> &mut Writer {
        self.turn
            .as_mut()
            .expect("a Tx holds its turn until it ends")
    }

    /// Commits, hands the turn on, and returns once the commit is on disk (see `Durable`).
    pub async fn commit(self) -> Result<()> {
        self.commit_numbered().await.map(|_| ())
    }

    /// Commits and hands the turn on without waiting for the disk: the commit is durable with
    /// the next sync (the next commit that waits covers it; failing that, a sync of its own
    /// shortly after). Only for bookkeeping whose loss at a power cut is harmless, such as
    /// which message shows a check-in, recorded after Telegram confirmed an edit: at worst
    /// a question is shown again.
    pub async fn commit_soon(mut self) -> Result<()> {
        let seq = self.commit_unsynced().await?;
        let durable = self.durable.clone();
        tokio::spawn(async move {
            tokio::time::sleep(SYNC_SOON).await;
            if let Err(e) = durable.wait_for(seq).await {
                tracing::error!(error = %e, "could not make bookkeeping durable");
            }
        });
        Ok(())
    }

    /// Commits and hands the turn on; returns the commit's number.
    async fn commit_unsynced(&mut self) -> Result<u64> {
        let writer = self.writer();
        let conn = writer.conn.as_mut().expect("a Tx has a connection");
        sqlx::query("COMMIT").execute(conn).await?;
        writer.open = false;
        let seq = self.durable.committed.fetch_add(1, Ordering::SeqCst) + 1;
        // Nothing to roll back: the next writer may go while this one waits for the disk.
        self.turn = None;
        self.durable.commits.notify_waiters();
        Ok(seq)
    }

    /// `commit`, returning the commit's number in commit order.
    async fn commit_numbered(mut self) -> Result<u64> {
        let seq = self.commit_unsynced().await?;
        self.durable.wait_for(seq).await?;
        Ok(seq)
    }

    pub async fn rollback(mut self) -> Result<()> {
        if let Some(mut turn) = self.turn.take() {
            turn.roll_back().await;
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        // Not committed (an error, a cancelled future): roll back while still holding the
        // turn, so the next writer starts on a clean connection. Without a runtime (the
        // process is stopping) the next `write` rolls back first instead.
        if let Some(mut turn) = self.turn.take() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { turn.roll_back().await });
            }
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        let writer = self
            .turn
            .as_ref()
            .expect("a Tx holds its turn until it ends");
        writer.conn.as_ref().expect("a Tx has a connection")
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.writer().conn.as_mut().expect("a Tx has a connection")
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
    /// Set once SQLite has said the file is damaged: the bot stops rather than run on it.
    damaged: Arc<AtomicBool>,
    /// The writer connection and its turn: tokio's mutex is fair, so writers go in the order
    /// they asked. One connection of its own (not one from the pool each time) saves the
    /// pool's checks on every write and keeps the write lock's holder short.
    writer: Arc<Mutex<Writer>>,
    durable: Arc<Durable>,
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

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
/// The same schema for PostgreSQL (`schema_tests` checks that the two agree).
#[cfg(test)] // used by `Db::open` once the PostgreSQL backend lands (issue 18)
static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens (creating if needed) the database named by `url` and applies pending migrations.
    /// The file is made readable and writable by its owner only; SQLite gives the -wal and
    /// -shm files the same permissions.
    pub async fn open(url: &str) -> Result<Db> {
        Db::open_with(url, SqlitePoolOptions::new().max_connections(4)).await
    }

    /// `open`, with the pool's options (tests use a small pool and a page limit).
    pub async fn open_with(url: &str, pool_options: SqlitePoolOptions) -> Result<Db> {
        let options = sqlite_options(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL for the pool's connections (migrations). The writer connection commits
            // with NORMAL and `Tx::commit` waits for a shared sync of the log instead
            // (`Durable`): either way a commit is on disk before the next getUpdates confirms
            // the batch to Telegram or a reply says it was saved, so even a power loss cannot
            // lose an acknowledged update.
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
            // A local file cannot hang up: no ping before every use (it costs a round trip to
            // the connection's thread each time).
            .test_before_acquire(false)
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
        if let Err(e) = MIGRATOR.run(&pool).await {
            pool.close().await;
            // A database a newer bot upgraded: this older binary must not run on it.
            if let sqlx::migrate::MigrateError::VersionMissing(v) = e {
                let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
                anyhow::bail!(
                    "the database {} was upgraded by a newer version of the bot (its migration {v}; this version knows up to {known}). Run that newer version, or restore the backup taken before the upgrade",
                    path.display()
                );
            }
            return Err(anyhow::Error::new(e).context("applying database migrations"));
        }
        let writer = Arc::new(Mutex::new(Writer {
            conn: None,
            open: false,
        }));
        Ok(Db {
            pool,
            damaged: Arc::default(),
            writer: writer.clone(),
            durable: Arc::new(Durable {
                wal: (path != Path::new(":memory:") && !path.as_os_str().is_empty()).then(|| {
                    let mut wal = path.as_os_str().to_owned();
                    wal.push("-wal");
                    PathBuf::from(wal)
                }),
                committed: Default::default(),
                synced: Mutex::new(0),
                commits: Default::default(),
                writer,
            }),
            path,
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
        let mut turn = self.writer.clone().lock_owned().await;
        if turn.open {
            turn.roll_back().await;
        }
        if turn.conn.is_none() {
            // Opened through the pool (its options and hooks apply), then kept apart from it.
            let mut conn = self.pool.acquire().await?.detach();
            // Commits reach the disk through `Durable`, in groups (see there).
            sqlx::query("PRAGMA synchronous = NORMAL")
                .execute(&mut conn)
                .await?;
            turn.conn = Some(conn);
        }
        // Marked first: if this future is dropped while BEGIN runs, the next write rolls
        // back (a ROLLBACK with nothing open is harmless).
        turn.open = true;
        let conn = turn.conn.as_mut().expect("opened above");
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(conn).await {
            turn.open = false;
            return Err(e.into());
        }
        Ok(Tx {
            turn: Some(turn),
            durable: self.durable.clone(),
        })
    }

    pub async fn close(&self) {
        if let Some(conn) = self.writer.lock().await.conn.take() {
            let _ = sqlx::Connection::close(conn).await;
        }
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
    let options = sqlite_options(url)?;
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

/// The SQLite connection options a `DATABASE_URL` gives. A PostgreSQL URL is refused with a
/// sentence saying so: that backend is being built (its schema is in migrations/postgres) but
/// this version stores only in SQLite.
pub(crate) fn sqlite_options(url: &str) -> Result<SqliteConnectOptions> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
        anyhow::bail!(
            "DATABASE_URL names a PostgreSQL database, which this version of the bot cannot use yet: it stores in SQLite only (example: sqlite://recovery-bot.db)"
        );
    }
    SqliteConnectOptions::from_str(url).with_context(|| {
        "DATABASE_URL is not a valid SQLite URL (example: sqlite://recovery-bot.db)"
    })
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
mod url_tests {
    #[test]
    fn a_postgresql_url_is_refused_with_a_sentence_not_taken_for_a_file_name() {
        for url in ["postgres://bot@db/recovery", "PostgreSQL://bot@db/recovery"] {
            let e = super::sqlite_options(url).unwrap_err().to_string();
            assert!(e.contains("PostgreSQL") && e.contains("sqlite://"), "{e}");
            assert!(super::database_file(url).is_err());
        }
        assert!(super::sqlite_options("sqlite://recovery-bot.db").is_ok());
        assert!(super::sqlite_options("sqlite::memory:").is_ok());
    }
}
#[cfg(test)]
mod migration_tests;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod writer_tests;
