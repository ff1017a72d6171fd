//! Failure windows found in review: each test fails on the code before its fix.

use crate::support::*;
use fake_telegram::Fault;
use recovery_checkin_bot::app::Parts;
use serde_json::json;

async fn exec(h: &Harness, sql: &'static str) {
    let db = h.db().await;
    recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(sql)
        .execute(c)
        .await
        .map(|_| ()))
    .unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_handler_that_fails_is_retried_later_and_stores_the_answer_once() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    // The database refuses to store a mood until the fault is cleared.
    let db = h.db().await;
    exec_all(
        &db,
        &fault_sql("fail_mood", "UPDATE OF mood ON checkins", "injected"),
    )
    .await;
    db.close().await;
    let q = h.fake.user_taps(ALICE, m.message_id, "6");
    // Wait until the first attempt has failed and been recorded.
    h.wait_db(
        if on_postgres() {
            "SELECT LEAST(attempts, $1) FROM inbox WHERE handled_at IS NULL"
        } else {
            "SELECT MIN(attempts, $1) FROM inbox WHERE handled_at IS NULL"
        },
        1,
        Some(1),
    )
    .await;
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND payload IS NOT NULL AND $1 = 1",
            1
        )
        .await,
        Some(1),
        "the failed update is kept, with its content, for a retry"
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        None
    );

    // The problem passes; time moves on; the retry stores the answer once.
    exec(&h, "UPDATE fault SET active = 0").await;
    h.clock.advance(chrono::Duration::seconds(10));
    assert_eq!(h.fake.wait_for_answer(&q).await.as_deref(), Some("Saved"));
    h.wait_text(ALICE, m.message_id, "hours did you sleep")
        .await;
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(6)
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = $1", 1)
            .await,
        None
    );
}

#[tokio::test]
async fn text_typed_twice_answers_one_question_only() {
    let mut h = Harness::start().await;
    h.start_checkin(ALICE).await;
    // The bot has recorded that the mood question is on screen.
    h.wait_db(
        "SELECT COUNT(*) FROM checkins WHERE id = $1 AND shown = 'mood'",
        1,
        Some(1),
    )
    .await;
    // Both messages wait at Telegram while the bot is down, then arrive in one batch.
    h.kill_bot().await;
    h.fake.user_sends(ALICE, "5");
    h.fake.user_sends(ALICE, "5");
    let before = h.fake.bot_messages(ALICE).len();
    h.start_bot(Parts::ALL).await;
    let first = h.fake.wait_for_bot_message(ALICE, before + 1).await;
    assert!(first.text.contains("hours did you sleep"), "{}", first.text);
    let second = h.fake.wait_for_bot_message(ALICE, before + 2).await;
    assert!(
        second.text.contains("I already have your answer"),
        "{}",
        second.text
    );
    assert!(
        second.text.contains("hours did you sleep"),
        "{}",
        second.text
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(5)
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = $1", 1)
            .await,
        None
    );
}

#[tokio::test]
async fn update_ids_that_restart_lower_are_still_handled() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    h.kill_bot().await;
    // After a quiet week Telegram starts ids again at a lower number.
    h.fake.set_next_update_id(7);
    h.fake.user_sends(ALICE, "/help");
    let before = h.fake.bot_messages(ALICE).len();
    h.start_bot(Parts::ALL).await;
    let reply = h.fake.wait_for_bot_message(ALICE, before + 1).await;
    assert!(
        reply.text.contains("Here's what I can do"),
        "{}",
        reply.text
    );

    // And while running: a week of silence, then lower ids again.
    let polls = h.fake.request_count("getUpdates");
    h.clock.advance(chrono::Duration::days(7));
    // The poll in flight ends empty; the bot then notices the silence and drops its offset.
    h.fake
        .wait_for("the poll in flight to end", |s| {
            (s.count("getUpdates") > polls).then_some(())
        })
        .await;
    h.fake.set_next_update_id(3);
    h.fake.user_sends(ALICE, "/crisis");
    // (The week that passed also brought scheduled prompts; look for the crisis reply.)
    h.fake
        .wait_for("the crisis reply", |s| {
            s.bot_messages(ALICE)
                .iter()
                .skip(before + 1)
                .any(|m| m.text.contains("988"))
                .then_some(())
        })
        .await;
}

#[tokio::test]
async fn a_forged_tap_in_a_group_enrolls_no_one() {
    let h = Harness::start().await;
    h.fake.group_message(-5000, ALICE, "/start");
    let reply = h.fake.wait_for_bot_message(-5000, 1).await;
    let q = h
        .fake
        .user_taps_in(-5000, ALICE, reply.message_id, "consent:yes");
    assert!(h
        .fake
        .wait_for_answer(&q)
        .await
        .unwrap()
        .contains("doesn't work"));
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
    assert_eq!(
        h.fake.bot_messages(-5000).len(),
        1,
        "nothing else was posted in the group"
    );
}

#[tokio::test]
async fn an_update_the_library_cannot_parse_is_still_answered() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let before = h.fake.bot_messages(ALICE).len();
    // A message with a field teloxide cannot read (as after a Bot API change).
    h.fake.queue_raw_update(json!({"message": {
        "message_id": 900, "date": "not-a-number",
        "chat": {"id": ALICE, "type": "private", "first_name": "Alice"},
        "from": {"id": ALICE, "is_bot": false, "first_name": "Alice"},
        "text": "/help"
    }}));
    let reply = h.fake.wait_for_bot_message(ALICE, before + 1).await;
    assert!(
        reply.text.contains("Here's what I can do"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_reply_telegram_accepted_but_we_could_not_read_is_not_sent_twice() {
    let h = Harness::start().await;
    h.fake.fail_next(Some("sendMessage"), Fault::MalformedOk, 1);
    h.fake.user_sends(ALICE, "/help");
    let reply = h.fake.wait_for_bot_message(ALICE, 1).await;
    assert!(reply.text.contains("Here's what I can do"));
    // Something later proves the bot went on; still exactly one help message.
    let crisis = h.say(ALICE, "/crisis").await;
    assert!(crisis.text.contains("988"));
    assert_eq!(h.fake.bot_messages(ALICE).len(), 2);
}

#[tokio::test]
async fn words_of_crisis_get_the_crisis_line_even_mid_check_in() {
    let h = Harness::start().await;
    let stranger = h.say(BOB, "honestly I want to die").await;
    assert!(stranger.text.contains("988"), "{}", stranger.text);
    h.start_checkin(ALICE).await;
    let reply = h.say(ALICE, "I don't want to live anymore").await;
    assert!(reply.text.contains("988"), "{}", reply.text);
    assert!(reply.buttons().any(|b| b.url.is_some()), "one-tap link");
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE mood IS NOT NULL AND id = $1",
            1
        )
        .await,
        Some(0)
    );
}

#[tokio::test]
async fn delete_erases_everything_after_asking() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    h.answer(ALICE, m.message_id, "4").await;
    // An SOS with a rating and a suggestion shown, so every table has a row to erase.
    let before = h.count(ALICE);
    h.fake.user_sends(ALICE, "/sos");
    let rate = h
        .next_message_with(ALICE, before, "How strong is the urge")
        .await;
    h.tap(ALICE, rate.message_id, "6").await;
    h.wait_db(
        "SELECT COUNT(*) FROM sos_ratings WHERE urge = $1",
        6,
        Some(1),
    )
    .await;
    let ask = h.say(ALICE, "/delete").await;
    assert!(ask.text.contains("cannot be undone"), "{}", ask.text);
    h.tap(ALICE, ask.message_id, "Cancel").await;
    h.wait_text(ALICE, ask.message_id, "Nothing was deleted")
        .await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE id = $1", 1)
            .await,
        Some(1)
    );

    let ask = h.say(ALICE, "/delete").await;
    h.tap(ALICE, ask.message_id, "Yes, delete everything").await;
    h.wait_text(
        ALICE,
        ask.message_id,
        "Everything I stored about you is deleted",
    )
    .await;
    // Every table that holds a patient's rows, also those added later (milestones, the
    // "are you OK?" watch list): found from the schema, not listed by hand.
    let db = h.db().await;
    let mut tables: Vec<String> =
        recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(if on_postgres() {
            "SELECT table_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'patient_id'"
        } else {
            "SELECT m.name FROM sqlite_master m
             WHERE m.type = 'table' AND EXISTS
                 (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'patient_id')"
        },)
        .fetch_all(c)
        .await)
        .unwrap();
    db.close().await;
    assert!(tables.iter().any(|t| t == "milestones"), "{tables:?}");
    tables.extend(["patients", "outbox", "sos_ratings"].map(String::from));
    for table in tables {
        let db = h.db().await;
        let n: i64 = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))
        )
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(n, 0, "{table} still has rows");
    }
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM inbox WHERE chat_key = $1", ALICE)
            .await,
        Some(0)
    );
    let reply = h.say(ALICE, "/checkin").await;
    assert!(reply.text.contains("haven't joined yet"), "{}", reply.text);
}
