//! Operating the bot's data: `backup DIR` (an online, checked copy, named by time, keeping the
//! last N), `backup --verify FILE` (restored into a scratch folder and opened as the bot would)
//! and `restore FILE` (refused while a bot runs on the database; checked before the swap).
//!
//! Erasure and backups: `/delete` removes a patient's rows (and `secure_delete` overwrites
//! them) in the live database only. A backup taken before keeps them until it rotates out
//! (`--keep`), so keep no more backups than you need, and restoring an old one brings back
//! people who asked to be erased: tell them, or delete them again.
//!
//! Encryption (`age`): with `BACKUP_AGE_RECIPIENT` (an `age1…` public key) or
//! `BACKUP_PASSPHRASE` set, the checked copy is encrypted into `….db.age` and the plain copy
//! removed. The server then needs only the public key; `--verify` and `restore` decrypt with
//! `BACKUP_AGE_IDENTITY` (a file holding the `AGE-SECRET-KEY-…` line) or the passphrase.

use crate::store::backup::{self, Verified};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

const PREFIX: &str = "recovery-bot-";
const SUFFIX: &str = ".db";
const AGE: &str = ".age";

/// How backups are encrypted and decrypted.
#[derive(Default)]
pub struct Keys {
    /// Encrypt to this public key.
    pub recipient: Option<age::x25519::Recipient>,
    /// Encrypt with this passphrase (when no recipient), and try it when decrypting.
    pub passphrase: Option<age::secrecy::SecretString>,
    /// Decrypt with these secret keys.
    pub identities: Vec<age::x25519::Identity>,
}

impl Keys {
    /// `BACKUP_AGE_RECIPIENT`, `BACKUP_PASSPHRASE`, `BACKUP_AGE_IDENTITY` (empty = unset).
    pub fn from_env() -> Result<Keys> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let mut keys = Keys::default();
        if let Some(r) = var("BACKUP_AGE_RECIPIENT") {
            keys.recipient = Some(r.trim().parse().map_err(|e| {
                anyhow::anyhow!("BACKUP_AGE_RECIPIENT is not an age public key (age1…): {e}")
            })?);
        }
        keys.passphrase = var("BACKUP_PASSPHRASE").map(Into::into);
        if let Some(file) = var("BACKUP_AGE_IDENTITY") {
            keys.identities = read_identities(Path::new(&file))?;
        }
        Ok(keys)
    }

    fn encrypts(&self) -> bool {
        self.recipient.is_some() || self.passphrase.is_some()
    }
}

/// The `AGE-SECRET-KEY-…` lines of an identity file (as `age-keygen` writes it).
pub fn read_identities(file: &Path) -> Result<Vec<age::x25519::Identity>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("BACKUP_AGE_IDENTITY: cannot read {}", file.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(line.parse().map_err(|e| {
            anyhow::anyhow!("{}:{}: not an age secret key: {e}", file.display(), i + 1)
        })?);
    }
    if out.is_empty() {
        anyhow::bail!("{} holds no age secret key", file.display());
    }
    Ok(out)
}

fn encrypt(plain: &Path, out: &Path, keys: &Keys) -> Result<()> {
    use std::io::Write;
    let encryptor = match (&keys.recipient, &keys.passphrase) {
        (Some(r), _) => age::Encryptor::with_recipients(std::iter::once(r as &dyn age::Recipient))
            .map_err(|e| anyhow::anyhow!("cannot encrypt the backup: {e}"))?,
        (None, Some(p)) => age::Encryptor::with_user_passphrase(p.clone()),
        (None, None) => anyhow::bail!("no key to encrypt with"),
    };
    let mut input = std::fs::File::open(plain)?;
    let file = owner_only_file(out)?;
    let mut writer = encryptor.wrap_output(std::io::BufWriter::new(file))?;
    std::io::copy(&mut input, &mut writer)?;
    let mut inner = writer.finish()?;
    inner.flush()?;
    inner.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

fn decrypt(file: &Path, out: &Path, keys: &Keys) -> Result<()> {
    let input = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
    );
    let decryptor = age::Decryptor::new(input)
        .map_err(|e| anyhow::anyhow!("{} is not an age file: {e}", file.display()))?;
    let scrypt = keys
        .passphrase
        .as_ref()
        .map(|p| age::scrypt::Identity::new(p.clone()));
    let mut identities: Vec<&dyn age::Identity> = Vec::new();
    if decryptor.is_scrypt() {
        match &scrypt {
            Some(s) => identities.push(s),
            None => anyhow::bail!(
                "{} is encrypted with a passphrase: set BACKUP_PASSPHRASE",
                file.display()
            ),
        }
    } else if keys.identities.is_empty() {
        anyhow::bail!(
            "{} is encrypted to an age key: set BACKUP_AGE_IDENTITY to the file with its secret key",
            file.display()
        );
    } else {
        identities.extend(keys.identities.iter().map(|i| i as &dyn age::Identity));
    }
    let mut reader = decryptor
        .decrypt(identities.into_iter())
        .map_err(|e| anyhow::anyhow!("cannot decrypt {}: {e}", file.display()))?;
    let mut plain = owner_only_file(out)?;
    std::io::copy(&mut reader, &mut plain)
        .with_context(|| format!("decrypting {} (damaged?)", file.display()))?;
    plain.sync_all()?;
    Ok(())
}

fn owner_only_file(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// `backup` and `restore` copy the SQLite file; a PostgreSQL database has its own tools.
fn refuse_postgres(url: &str, what: &str) -> Result<()> {
    if crate::store::is_postgres_url(url) {
        anyhow::bail!(
            "{what} works on the SQLite file; DATABASE_URL names PostgreSQL: use pg_dump and pg_restore (or your provider's backups and point-in-time recovery), encrypted as you would these"
        );
    }
    Ok(())
}

/// Takes a backup of the database at `url` into `dir`, checks it, encrypts it if `keys` say
/// so, and keeps the newest `keep`.
pub async fn backup(
    url: &str,
    dir: &Path,
    keep: usize,
    keys: &Keys,
) -> Result<(PathBuf, Verified)> {
    refuse_postgres(url, "backup")?;
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
    let file = if keys.encrypts() {
        let mut sealed = file.clone().into_os_string();
        sealed.push(AGE);
        let sealed = PathBuf::from(sealed);
        let done = encrypt(&file, &sealed, keys);
        let _ = std::fs::remove_file(&file);
        if let Err(e) = done {
            let _ = std::fs::remove_file(&sealed);
            return Err(e.context("the backup could not be encrypted; nothing was kept"));
        }
        sealed
    } else {
        file
    };
    rotate(dir, keep.max(1))?;
    Ok((file, verified))
}

/// Removes the oldest backups in `dir` beyond `keep` (only files this command names).
fn rotate(dir: &Path, keep: usize) -> Result<()> {
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(PREFIX)
                    && (n.ends_with(SUFFIX) || n.ends_with(&format!("{SUFFIX}{AGE}")))
            })
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    for old in &ours[..excess] {
        std::fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

/// Restores `file` (decrypted first if it is an `.age` file) into a scratch folder and opens
/// it as the bot would (migrations included): proof that the backup can be used.
pub async fn verify(file: &Path, keys: &Keys) -> Result<Verified> {
    let (_scratch, _, checked) = checked_copy(file, keys).await?;
    Ok(checked)
}

/// A plain, checked copy of the backup `file` in a scratch folder (deleted on drop).
async fn checked_copy(file: &Path, keys: &Keys) -> Result<(tempfile::TempDir, PathBuf, Verified)> {
    let scratch = tempfile::tempdir()?;
    let plain = scratch.path().join("backup.db");
    if file.extension().is_some_and(|e| e == "age") {
        decrypt(file, &plain, keys)?;
    } else {
        std::fs::copy(file, &plain).with_context(|| format!("reading {}", file.display()))?;
    }
    let checked = backup::verify(&plain).await?;
    let copy = scratch.path().join("restored.db");
    std::fs::copy(&plain, &copy)?;
    let db = crate::store::Db::open(&format!("sqlite://{}", copy.display())).await?;
    db.close().await;
    Ok((scratch, plain, checked))
}

/// Replaces the database at `url` with `file`, after checking it. Refused while a bot runs on
/// the database. The replaced file is kept beside it (`….replaced-<time>`), and returned.
pub async fn restore(url: &str, file: &Path, keys: &Keys) -> Result<Option<PathBuf>> {
    refuse_postgres(url, "restore")?;
    let (_scratch, plain, checked) = checked_copy(file, keys).await?;
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
    std::fs::copy(&plain, &incoming)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_file_is_read_and_a_bad_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("key.txt");
        let key = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        std::fs::write(
            &good,
            format!(
                "# created: today\n# public key: {}\n{}\n",
                key.to_public(),
                key.to_string().expose_secret()
            ),
        )
        .unwrap();
        assert_eq!(read_identities(&good).unwrap().len(), 1);
        let bad = dir.path().join("bad.txt");
        std::fs::write(&bad, "# a comment\nAGE-SECRET-KEY-NOTAKEY\n").unwrap();
        let e = read_identities(&bad).err().expect("refused").to_string();
        assert!(e.contains("bad.txt:2"), "{e}");
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "# nothing\n").unwrap();
        assert!(read_identities(&empty).is_err());
    }
}
