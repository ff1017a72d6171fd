//! Backups (issue 17, part): an online copy taken while check-ins are being written passes
//! SQLite's integrity check, restores, and the restored bot carries on; a restore is refused
//! while a bot runs; old backups rotate out.

use crate::coping::checkin_with;
use crate::support::*;
use recovery_checkin_bot::ops;

#[tokio::test]
async fn a_backup_taken_during_check_ins_restores_and_the_bot_carries_on() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    checkin_with(&h, ALICE, ["6", "7", "3", "2", "No"], "").await;
    let url = h.config().database_url;
    let dir = h.dir.path().join("backups");

    // Bob checks in while the backup is taken.
    let busy = async {
        for _ in 0..3 {
            checkin_with(&h, BOB, ["5", "6", "5", "4", "No"], "").await;
            h.clock.advance(chrono::Duration::hours(1));
        }
    };
    let plain = ops::Keys::default();
    let (backup, ()) = tokio::join!(ops::backup(&url, &dir, 2, &plain), busy);
    let (file, verified) = backup.unwrap();
    assert_eq!(verified.patients, 2);
    assert!(verified.checkins >= 1);
    assert!(file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("recovery-bot-"));
    assert_eq!(
        ops::verify(&file, &ops::Keys::default())
            .await
            .unwrap()
            .patients,
        2
    );

    // Not while the bot runs.
    let refused = ops::restore(&url, &file, &ops::Keys::default())
        .await
        .unwrap_err();
    assert!(
        format!("{refused:#}").contains("stop the bot before restoring"),
        "{refused:#}"
    );

    // Stopped, restored, started again: Alice is there and can check in.
    let after_backup = h
        .scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = $1", 2)
        .await;
    h.kill_bot().await;
    let kept = ops::restore(&url, &file, &ops::Keys::default())
        .await
        .unwrap()
        .expect("the old file kept");
    assert!(kept.exists());
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let restored = h
        .scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = $1", 2)
        .await;
    assert!(
        restored <= after_backup,
        "the copy is from before the later check-ins"
    );
    // What was waiting in the outbox when the copy was taken goes out now (see the README).
    h.drain_outbox().await;
    checkin_with(&h, ALICE, ["7", "8", "6", "1", "No"], "").await;
    let saved = h
        .scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE patient_id = $1 AND status = 'completed'",
            1,
        )
        .await;
    assert_eq!(
        saved,
        Some(2),
        "Alice's check-in from before the backup, and the new one"
    );

    // Rotation keeps the newest two.
    for _ in 0..2 {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        ops::backup(&url, &dir, 2, &ops::Keys::default())
            .await
            .unwrap();
    }
    let n = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("recovery-bot-")
        })
        .count();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_damaged_or_foreign_file_is_not_restored() {
    let h = Harness::without_bot().await;
    let junk = h.dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just bytes").unwrap();
    let e = ops::verify(&junk, &ops::Keys::default()).await.unwrap_err();
    assert!(!format!("{e:#}").is_empty());
    let url = h.config().database_url;
    assert!(ops::restore(&url, &junk, &ops::Keys::default())
        .await
        .is_err());
    assert!(!h.db_path().exists() || std::fs::metadata(h.db_path()).unwrap().len() == 0);
}

/// The encrypted backup is an age file (no SQLite page in it), named `.db.age`, and only the
/// right key opens it.
fn sealed(file: &std::path::Path) {
    assert!(
        file.to_string_lossy().ends_with(".db.age"),
        "{}",
        file.display()
    );
    let bytes = std::fs::read(file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
    let plain = file.with_extension("");
    assert!(!plain.exists(), "the plain copy was removed");
}

#[tokio::test]
async fn an_encrypted_backup_round_trips_with_a_key_or_a_passphrase() {
    use age::secrecy::SecretString;
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    checkin_with(&h, ALICE, ["6", "7", "3", "2", "No"], "").await;
    let url = h.config().database_url;
    let dir = h.dir.path().join("sealed");

    // To a public key: the server needs no secret; restoring needs the identity.
    let secret = age::x25519::Identity::generate();
    let to_key = ops::Keys {
        recipient: Some(secret.to_public()),
        ..Default::default()
    };
    let (file, v) = ops::backup(&url, &dir, 5, &to_key).await.unwrap();
    sealed(&file);
    assert_eq!(v.checkins, 1);
    let e = ops::verify(&file, &ops::Keys::default()).await.unwrap_err();
    assert!(format!("{e:#}").contains("BACKUP_AGE_IDENTITY"), "{e:#}");
    let other = ops::Keys {
        identities: vec![age::x25519::Identity::generate()],
        ..Default::default()
    };
    assert!(ops::verify(&file, &other).await.is_err());
    let with_key = ops::Keys {
        identities: vec![secret],
        ..Default::default()
    };
    assert_eq!(ops::verify(&file, &with_key).await.unwrap().checkins, 1);

    // With a passphrase.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let pass = |p: &str| ops::Keys {
        passphrase: Some(SecretString::from(p.to_string())),
        ..Default::default()
    };
    let (by_pass, _) = ops::backup(&url, &dir, 5, &pass("correct horse"))
        .await
        .unwrap();
    sealed(&by_pass);
    let e = ops::verify(&by_pass, &pass("wrong horse"))
        .await
        .unwrap_err();
    assert!(format!("{e:#}").contains("cannot decrypt"), "{e:#}");

    // Restored from the encrypted copy, the bot carries on with Alice's check-in.
    checkin_with(&h, ALICE, ["5", "6", "5", "4", "No"], "").await;
    h.kill_bot().await;
    ops::restore(&url, &by_pass, &pass("correct horse"))
        .await
        .unwrap();
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = $1", 1)
            .await,
        Some(1),
        "the copy holds the first check-in only"
    );
    checkin_with(&h, ALICE, ["7", "8", "6", "1", "No"], "").await;
}
