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
    let (backup, ()) = tokio::join!(ops::backup(&url, &dir, 2), busy);
    let (file, verified) = backup.unwrap();
    assert_eq!(verified.patients, 2);
    assert!(verified.checkins >= 1);
    assert!(file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("recovery-bot-"));
    assert_eq!(ops::verify(&file).await.unwrap().patients, 2);

    // Not while the bot runs.
    let refused = ops::restore(&url, &file).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("stop the bot before restoring"),
        "{refused:#}"
    );

    // Stopped, restored, started again: Alice is there and can check in.
    let after_backup = h
        .scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = ?", 2)
        .await;
    h.kill_bot().await;
    let kept = ops::restore(&url, &file)
        .await
        .unwrap()
        .expect("the old file kept");
    assert!(kept.exists());
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let restored = h
        .scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = ?", 2)
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
            "SELECT COUNT(*) FROM checkins WHERE patient_id = ? AND status = 'completed'",
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
        ops::backup(&url, &dir, 2).await.unwrap();
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
    let e = ops::verify(&junk).await.unwrap_err();
    assert!(!format!("{e:#}").is_empty());
    let url = h.config().database_url;
    assert!(ops::restore(&url, &junk).await.is_err());
    assert!(!h.db_path().exists() || std::fs::metadata(h.db_path()).unwrap().len() == 0);
}
