//! Operating the bot's data: `backup DIR` (an online, checked copy, named by time, keeping the
//! last N), `backup --verify FILE` (restored into a scratch folder and opened as the bot would)
//! and `restore FILE` (refused while a bot runs on the database; checked before the swap).
//!
//! Erasure and backups: `/delete` removes a patient's rows (and `secure_delete` overwrites
//! them) in the live database only. A backup taken before keeps them until it rotates out
//! (`--keep`), so keep no more backups than you need, and restoring an old one brings back
//! people who asked to be erased: tell them, or delete them again.

use crate::store::backup::{self, Verified};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

const PREFIX: &str = "recovery-bot-";
const SUFFIX: &str = ".db";

/// Takes a backup of the database at `url` into `dir`, checks it, and keeps the newest `keep`.
pub async fn backup(url: &str, dir: &Path, keep: usize) -> Result<(PathBuf, Verified)> {
    let (live, _) = crate::store::database_file(url)?;
    if !live.is_file() {
        anyhow::bail!("there is no database at {} to back up", live.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let name = format!(
        "{PREFIX}{}{SUFFIX}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    );
    let file = dir.join(&name);
    if file.exists() {
        anyhow::bail!(
            "{} exists already: wait a second and try again",
            file.display()
        );
    }
    backup::copy_into(url, &file).await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
    }
    let verified = match backup::verify(&file).await {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&file);
            return Err(e.context("the new backup failed its check and was removed"));
        }
    };
    rotate(dir, keep.max(1))?;
    Ok((file, verified))
}

/// Removes the oldest backups in `dir` beyond `keep` (only files this command names).
fn rotate(dir: &Path, keep: usize) -> Result<()> {
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    for old in &ours[..excess] {
        std::fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

/// Restores `file` into a scratch folder and opens it as the bot would (migrations included):
/// proof that the backup can be used.
pub async fn verify(file: &Path) -> Result<Verified> {
    let checked = backup::verify(file).await?;
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("restored.db");
    std::fs::copy(file, &copy)?;
    let db = crate::store::Db::open(&format!("sqlite://{}", copy.display())).await?;
    db.close().await;
    Ok(checked)
}

/// Replaces the database at `url` with `file`, after checking it. Refused while a bot runs on
/// the database. The replaced file is kept beside it (`….replaced-<time>`), and returned.
pub async fn restore(url: &str, file: &Path) -> Result<Option<PathBuf>> {
    let checked = verify(file).await?;
    let (live, created) = crate::store::database_file(url)?;
    let lock = match crate::app::lock_database(&live) {
        Ok(l) => l,
        Err(e) => {
            if created {
                crate::store::forget_new_file(&live);
            }
            return Err(e.context("stop the bot before restoring"));
        }
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let side = |suffix: &str| {
        let mut p = live.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let incoming = side(".restoring");
    std::fs::copy(file, &incoming)?;
    std::fs::File::open(&incoming)?.sync_all()?;
    let kept = side(&format!(".replaced-{stamp}"));
    if !created {
        std::fs::rename(&live, &kept)?;
    }
    for extra in ["-wal", "-shm"] {
        let p = side(extra);
        if p.exists() {
            std::fs::rename(&p, side(&format!(".replaced-{stamp}{extra}")))?;
        }
    }
    std::fs::rename(&incoming, &live)?;
    drop(lock);
    tracing::info!(
        patients = checked.patients,
        checkins = checked.checkins,
        "database restored"
    );
    Ok((!created).then_some(kept))
}
