//! Online backups of the live database and their checks: `VACUUM INTO` takes a consistent copy
//! while the bot runs (a plain `cp` of a WAL database is not safe), and a copy is only trusted
//! after `PRAGMA integrity_check` and a look at its migrations.

use super::MIGRATOR;
use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::path::Path;

/// What a checked copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub patients: i64,
    pub checkins: i64,
    /// Its newest migration.
    pub migration: i64,
}

async fn connect(options: SqliteConnectOptions) -> Result<sqlx::SqlitePool> {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .context("opening the database")
}

/// Writes a consistent copy of the database at `url` to `to` (which must not exist), while
/// the bot may be writing.
pub async fn copy_into(url: &str, to: &Path) -> Result<()> {
    let options = super::sqlite_options(url)?.read_only(true);
    let pool = connect(options).await?;
    let target = to
        .to_str()
        .context("the backup path is not valid UTF-8")?
        .to_string();
    let result = sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&pool)
        .await
        .context("store::backup::copy_into");
    pool.close().await;
    result.map(|_| ())
}

/// Checks a database file without changing it: SQLite's full integrity check, and migrations
/// this binary knows.
pub async fn verify(file: &Path) -> Result<Verified> {
    if !file.is_file() {
        anyhow::bail!("{} is not a file", file.display());
    }
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let pool = connect(options).await?;
    let checked = async {
        let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(5)")
            .fetch_all(&pool)
            .await
            .context("store::backup::verify")?;
        if problems.first().map(String::as_str) != Some("ok") {
            anyhow::bail!(
                "{} is damaged (SQLite's check found: {})",
                file.display(),
                problems.join("; ")
            );
        }
        let migration: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&pool)
                .await
                .with_context(|| format!("{} is not a database of this bot", file.display()))?;
        let migration = migration.unwrap_or(0);
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        if migration > known {
            anyhow::bail!(
                "{} comes from a newer version of the bot (migration {migration}; this version knows up to {known})",
                file.display()
            );
        }
        let count = |table: &'static str| {
            let pool = &pool;
            async move {
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(pool)
                .await
                .context("store::backup::verify")
            }
        };
        Ok(Verified {
            patients: count("patients").await?,
            checkins: count("checkins").await?,
            migration,
        })
    }
    .await;
    pool.close().await;
    checked
}
