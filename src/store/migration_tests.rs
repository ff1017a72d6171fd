//! Each migration on a database an older release left, with data in it.

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
        "/migrations/sqlite"
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
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alert_answers WHERE alert_id = 7")
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

/// A database a newer release upgraded (a migration this binary does not know): refused with
/// a sentence that says what to do, and left as it was.
#[tokio::test]
async fn a_newer_database_is_refused_by_an_older_binary() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("newer.db").display());
    let db = Db::open(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (9999, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    db.close().await;
    let e = Db::open(&url).await.expect_err("refused").to_string();
    assert!(
        e.contains("upgraded by a newer version of the bot (its migration 9999"),
        "{e}"
    );
    assert!(
        e.contains("restore the backup taken before the upgrade"),
        "{e}"
    );
}
