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
/// commits, rolls back or is dropped (queries take `tx.conn()` of the `Tx` around it).
/// Dropped without a commit, it is rolled back before the turn passes to the next writer.
pub struct LiteTx {
    turn: Option<OwnedMutexGuard<Writer>>,
    durable: Arc<Durable>,
}

impl LiteTx {
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

impl Drop for LiteTx {
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

/// One of the two backends: SQLite (`L`) or PostgreSQL (`P`). Queries are written once and
/// typed for both through `on!`.
pub enum Lane<L, P> {
    Lite(L),
    Pg(P),
}

/// Runs `$body` with `$c` bound to the backend's executor (`tx.conn()` inside a write
/// transaction, `db.reader()` outside one): the SQL is written once, and the compiler checks
/// its binds and row types for SQLite and for PostgreSQL.
#[macro_export]
macro_rules! on {
    ($lane:expr, |$c:ident| $body:expr) => {
        match $lane {
            $crate::store::Lane::Lite($c) => $body,
            $crate::store::Lane::Pg($c) => $body,
        }
    };
}

/// What a statement changed, from either backend.
#[derive(Debug, Clone, Copy)]
pub struct Done(u64);

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.0
    }
}

impl From<sqlx::sqlite::SqliteQueryResult> for Done {
    fn from(r: sqlx::sqlite::SqliteQueryResult) -> Done {
        Done(r.rows_affected())
    }
}

impl From<sqlx::postgres::PgQueryResult> for Done {
    fn from(r: sqlx::postgres::PgQueryResult) -> Done {
        Done(r.rows_affected())
    }
}

/// A PostgreSQL write transaction. It holds this process's writer turn and, inside the
/// database, a transaction-scoped advisory lock (`WRITE_LOCK`): write transactions run one at
/// a time across every process on the database, as SQLite's write lock makes them, so each
/// one's reads and writes see the state the previous one left (the risk decision, the
/// prompt and alert bookkeeping rely on that). Dropped without a commit, it rolls back.
pub struct PgTx {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    _turn: OwnedMutexGuard<()>,
}

/// The advisory lock every PostgreSQL write transaction takes first (any fixed number; this
/// one spells "RCB1").
const WRITE_LOCK: i64 = 0x5243_4231;

/// A write transaction on either backend. Queries take `tx.conn()`.
pub enum Tx {
    Lite(LiteTx),
    Pg(PgTx),
}

impl Tx {
    /// The transaction's connection, for `on!`.
    pub fn conn(&mut self) -> Lane<&mut SqliteConnection, &mut sqlx::PgConnection> {
        match self {
            Tx::Lite(t) => Lane::Lite(t.writer().conn.as_mut().expect("a Tx has a connection")),
            Tx::Pg(t) => Lane::Pg(&mut *t.tx),
        }
    }

    /// Commits; returns once the commit is on disk.
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Lite(t) => t.commit().await,
            Tx::Pg(t) => Ok(t.tx.commit().await?),
        }
    }

    /// Commits without waiting for the disk where the backend allows it (SQLite; see
    /// `LiteTx::commit_soon`). PostgreSQL commits as `commit` does.
    pub async fn commit_soon(self) -> Result<()> {
        match self {
            Tx::Lite(t) => t.commit_soon().await,
            Tx::Pg(t) => Ok(t.tx.commit().await?),
        }
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Lite(t) => t.rollback().await,
            Tx::Pg(t) => Ok(t.tx.rollback().await?),
        }
    }

    /// The SQLite connection, for tests and benches whose SQL is SQLite's own (seeding with
    /// recursive CTEs, the writer's machinery). Panics on PostgreSQL.
    pub fn lite(&mut self) -> &mut SqliteConnection {
        match self.conn() {
            Lane::Lite(c) => c,
            Lane::Pg(_) => panic!("a SQLite test on PostgreSQL"),
        }
    }

    #[cfg(test)]
    pub(crate) async fn commit_numbered(self) -> Result<u64> {
        match self {
            Tx::Lite(t) => t.commit_numbered().await,
            Tx::Pg(_) => panic!("a SQLite test on PostgreSQL"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    kind: Kind,
    path: PathBuf,
    /// Set once SQLite has said the file is damaged: the bot stops rather than run on it.
    damaged: Arc<AtomicBool>,
}

#[derive(Clone, Debug)]
enum Kind {
    Lite {
        pool: SqlitePool,
        /// The writer connection and its turn: tokio's mutex is fair, so writers go in the
        /// order they asked. One connection of its own (not one from the pool each time)
        /// saves the pool's checks on every write and keeps the write lock's holder short.
        writer: Arc<Mutex<Writer>>,
        durable: Arc<Durable>,
    },
    Pg {
        pool: sqlx::PgPool,
        /// This process's writers queue here (fairly) before they take a pool connection.
        turn: Arc<Mutex<()>>,
    },
}

impl Db {
    #[cfg(test)]
    fn durable(&self) -> &Durable {
        match &self.kind {
            Kind::Lite { durable, .. } => durable,
            Kind::Pg { .. } => panic!("a SQLite test on PostgreSQL"),
        }
    }

    /// Folds the write-ahead log into the database and empties it (after an erasure:
    /// `secure_delete` overwrites the erased pages there too). PostgreSQL: nothing to do here
    /// (see the README on erasure).
    pub async fn empty_log(&self) -> Result<()> {
        if let Kind::Lite { pool, .. } = &self.kind {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .context("store::empty_log")?;
        }
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
static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens (creating if needed) the database named by `url` and applies pending migrations.
    /// The file is made readable and writable by its owner only; SQLite gives the -wal and
    /// -shm files the same permissions.
    /// A `postgres://` URL opens PostgreSQL instead (`open_postgres`).
    pub async fn open(url: &str) -> Result<Db> {
        if is_postgres_url(url) {
            return Db::open_postgres(url).await;
        }
        Db::open_with(url, SqlitePoolOptions::new().max_connections(4)).await
    }

    /// Connects to the PostgreSQL database `url` names and applies pending migrations
    /// (`migrations/postgres`; sqlx's migrator holds an advisory lock meanwhile, so several
    /// processes starting together migrate once). The URL is never printed: it may hold a
    /// password.
    pub async fn open_postgres(url: &str) -> Result<Db> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .context("connecting to the PostgreSQL database DATABASE_URL names")?;
        if let Err(e) = PG_MIGRATOR.run(&pool).await {
            pool.close().await;
            if let sqlx::migrate::MigrateError::VersionMissing(v) = e {
                let known = PG_MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
                anyhow::bail!(
                    "the PostgreSQL database was upgraded by a newer version of the bot (its migration {v}; this version knows up to {known}). Run that newer version, or restore the backup taken before the upgrade"
                );
            }
            return Err(anyhow::Error::new(e).context("applying database migrations"));
        }
        Ok(Db {
            kind: Kind::Pg {
                pool,
                turn: Arc::default(),
            },
            path: PathBuf::new(),
            damaged: Arc::default(),
        })
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
            damaged: Arc::default(),
            kind: Kind::Lite {
                pool,
                writer: writer.clone(),
                durable: Arc::new(Durable {
                    wal: (path != Path::new(":memory:") && !path.as_os_str().is_empty()).then(
                        || {
                            let mut wal = path.as_os_str().to_owned();
                            wal.push("-wal");
                            PathBuf::from(wal)
                        },
                    ),
                    committed: Default::default(),
                    synced: Mutex::new(0),
                    commits: Default::default(),
                    writer,
                }),
            },
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

    /// The SQLite pool, for SQLite-only tools (backups, benchmarks, tests' checks).
    /// Panics on PostgreSQL: code that runs on both takes `reader`.
    pub fn pool(&self) -> &SqlitePool {
        match &self.kind {
            Kind::Lite { pool, .. } => pool,
            Kind::Pg { .. } => panic!("Db::pool is SQLite's pool; this database is PostgreSQL"),
        }
    }

    /// The pool reads go through, for `on!`.
    pub fn reader(&self) -> Lane<&SqlitePool, &sqlx::PgPool> {
        match &self.kind {
            Kind::Lite { pool, .. } => Lane::Lite(pool),
            Kind::Pg { pool, .. } => Lane::Pg(pool),
        }
    }

    /// Whether this database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Pg { .. })
    }

    /// The SQLite file (empty for PostgreSQL).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction: waits for this process's writer turn (fair, first come first
    /// served), then takes the database's write lock up front (SQLite's `BEGIN IMMEDIATE`,
    /// PostgreSQL's `WRITE_LOCK`).
    pub async fn write(&self) -> Result<Tx> {
        let (writer, durable) = match &self.kind {
            Kind::Lite {
                writer, durable, ..
            } => (writer, durable),
            Kind::Pg { pool, turn } => {
                let turn = turn.clone().lock_owned().await;
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                return Ok(Tx::Pg(PgTx { tx, _turn: turn }));
            }
        };
        let mut turn = writer.clone().lock_owned().await;
        if turn.open {
            turn.roll_back().await;
        }
        if turn.conn.is_none() {
            // Opened through the pool (its options and hooks apply), then kept apart from it.
            let mut conn = self.pool().acquire().await?.detach();
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
        Ok(Tx::Lite(LiteTx {
            turn: Some(turn),
            durable: durable.clone(),
        }))
    }

    pub async fn close(&self) {
        match &self.kind {
            Kind::Lite { pool, writer, .. } => {
                if let Some(conn) = writer.lock().await.conn.take() {
                    let _ = sqlx::Connection::close(conn).await;
                }
                pool.close().await;
            }
            Kind::Pg { pool, .. } => pool.close().await,
        }
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
    if is_postgres_url(url) {
        anyhow::bail!(
            "DATABASE_URL names a PostgreSQL database, and this needs a SQLite file (example: sqlite://recovery-bot.db)"
        );
    }
    SqliteConnectOptions::from_str(url).with_context(|| {
        "DATABASE_URL is not a valid SQLite URL (example: sqlite://recovery-bot.db)"
    })
}

/// Held while a bot process runs on a PostgreSQL database: a session advisory lock on a
/// connection of its own, so PostgreSQL releases it when the process dies (its connection
/// closes) and another process may then start.
pub struct PgLock {
    _conn: sqlx::PgConnection,
}

/// Takes the one-process lock of a PostgreSQL database, or says another process holds it.
pub async fn lock_postgres(url: &str) -> Result<PgLock> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("connecting to the PostgreSQL database DATABASE_URL names")?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(PROCESS_LOCK)
        .fetch_one(&mut conn)
        .await
        .context("taking the bot's lock on the PostgreSQL database")?;
    if !locked {
        anyhow::bail!(
            "another bot process is already running on this PostgreSQL database; only one may run (several processes on one database are not supported yet)"
        );
    }
    Ok(PgLock { _conn: conn })
}

/// The advisory lock key of `lock_postgres` ("RCB2").
const PROCESS_LOCK: i64 = 0x5243_4232;

/// `database_file` for a SQLite URL; `None` for PostgreSQL, which has no file of ours.
pub fn sqlite_file(url: &str) -> Result<Option<(PathBuf, bool)>> {
    if is_postgres_url(url) {
        return Ok(None);
    }
    database_file(url).map(Some)
}

/// Whether a `DATABASE_URL` names PostgreSQL (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("postgres" | "postgresql"))
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
