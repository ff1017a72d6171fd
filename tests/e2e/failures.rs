//! Nothing lost through rate limits, crashes, stops and a damaged database (issue 12), as a
//! patient and their contact would meet it.

use crate::contacts::{alerts_to, pair, three_worsening_days, ALERT};
use crate::support::*;
use fake_telegram::Fault;
use std::time::Duration;

/// Telegram tells the bot to wait 60 s before writing to Bob again (its per-chat limit). Alice's
/// `/sos`, meanwhile, arrives at once: one chat's 429 holds up that chat only (issue 12 item 8).
/// Before, every outbox message paused for the full 60 s.
#[tokio::test]
async fn one_chats_rate_limit_does_not_hold_up_another_patients_sos() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    h.fake
        .fail_next_for_chat("sendMessage", BOB, Fault::RetryAfter(60), 1);
    let bob_before = h.count(BOB);
    h.fake.user_sends(BOB, "/sos");
    h.fake
        .wait_for("Bob's SOS refused with a 429", |s| {
            (s.count("sendMessage") > 0).then_some(())
        })
        .await;
    while h.fake.faults_left() > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = tokio::time::Instant::now();
    let (step, _) = crate::sos::sos(&h, ALICE).await;
    assert!(step.text.contains("Let's get through this together"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "Alice waited {:?}",
        started.elapsed()
    );
    assert_eq!(h.count(BOB), bob_before, "Bob's chat is still paused");
}

/// SIGTERM while a reply is on its way: the bot waits for it, records the update as handled, and
/// after the restart the patient is not answered twice (issue 12 item 4). Before, the stop
/// dropped the work in progress and closed the database under it.
#[tokio::test]
async fn a_stop_signal_waits_for_the_reply_in_progress() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    let before = h.count(ALICE);
    h.fake.fail_next_for_chat(
        "sendMessage",
        ALICE,
        Fault::Delay(Duration::from_secs(2)),
        1,
    );
    h.fake.user_sends(ALICE, "/help");
    while h.fake.faults_left() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The reply is being sent now; the signal arrives.
    let bot = h.bot.take().unwrap();
    bot.serve_until(async {}).await.unwrap();
    assert_eq!(
        h.count(ALICE),
        before + 1,
        "the reply went out before the bot stopped"
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND update_id > $1",
            0
        )
        .await,
        Some(0),
        "and its update is recorded as handled"
    );
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let crisis = h.say(ALICE, "/crisis").await;
    assert!(crisis.text.contains("988"), "{}", crisis.text);
    let helps = h.count_with(ALICE, "Here's what I can do");
    assert_eq!(helps, 1, "/help answered once");
}

/// The bot is killed while Telegram has the summary but has not answered yet. After the restart
/// the summary is not sent a second time: its send was recorded as begun, and an unknown outcome
/// counts as sent for everything but alerts (issue 12 item 6).
#[tokio::test]
async fn a_crash_during_a_send_does_not_send_the_message_twice() {
    let mut h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    for label in ["4", "6", "5", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.fake.fail_next_for_chat(
        "sendMessage",
        ALICE,
        Fault::SlowReply(Duration::from_secs(30)),
        1,
    );
    h.fake.user_sends(ALICE, "a short note");
    h.next_message_with(ALICE, 0, "Thank you for checking in")
        .await;
    h.kill_bot().await;
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    // The suggestion queued after it still arrives; the summary does not come again.
    h.drain_outbox().await;
    // (The first use-free day's milestone note comes after it.)
    let messages = h.fake.bot_messages(ALICE);
    let suggestion = messages.iter().rposition(|m| m.has_button("👍 Helpful"));
    let summary = messages
        .iter()
        .rposition(|m| m.text.contains("Thank you for checking in"));
    assert!(
        suggestion.is_some() && suggestion > summary,
        "the suggestion came after the summary"
    );
    let summaries = h.count_with(ALICE, "Thank you for checking in");
    assert_eq!(summaries, 1, "the summary once");
}

/// The same crash during an alert's send: the alert is sent again after the restart, since a
/// lost alert is worse than a duplicate.
#[tokio::test]
async fn a_crash_during_an_alerts_send_sends_it_again() {
    let mut h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    h.fake.fail_next_for_chat(
        "sendMessage",
        BOB,
        Fault::SlowReply(Duration::from_secs(30)),
        1,
    );
    three_worsening_days(&h, ALICE).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while alerts_to(&h, BOB, ALERT).is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no alert sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.kill_bot().await;
    h.start_bot(crate::support::DRIVEN).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while alerts_to(&h, BOB, ALERT).len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the alert was not sent again"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE alert_id = $1 AND status = 'sent' AND message_id IS NOT NULL",
        1,
        Some(1),
    )
    .await;
}

/// Telegram takes `/help`'s reply but its answer never comes back in time (past the client's
/// timeout): the bot does not send the reply again (issue 12 item 9). `/crisis` in the same
/// case is sent again: seeing the crisis line twice is better than not at all.
#[tokio::test]
async fn a_reply_whose_answer_timed_out_is_not_sent_twice_except_crisis_help() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.fake.fail_next_for_chat(
        "sendMessage",
        ALICE,
        Fault::SlowReply(Duration::from_secs(20)),
        1,
    );
    h.fake
        .fail_next_for_chat("sendMessage", BOB, Fault::Lost(Duration::from_secs(20)), 1);
    h.say(ALICE, "/help").await;
    let (alice_n, bob_n) = (h.count(ALICE), h.count(BOB));
    h.fake.user_sends(BOB, "/crisis");
    // Alice's next message is handled once /help's send has given up on its answer.
    h.fake.user_sends(ALICE, "/crisis");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let crisis_after = |user, n| {
        h.fake
            .bot_messages(user)
            .into_iter()
            .skip(n)
            .filter(|m| m.text.contains("988") && !m.text.contains("Here's what I can do"))
            .count()
    };
    while crisis_after(ALICE, alice_n) < 1 || crisis_after(BOB, bob_n) < 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "crisis help did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let helps = h.count_with(ALICE, "Here's what I can do");
    assert_eq!(helps, 1, "/help once");
}

sqlite_only! {
async fn start_err(h: &Harness) -> String {
    match recovery_checkin_bot::app::RunningBot::start(
        &h.config(),
        std::sync::Arc::new(h.clock.clone()),
        recovery_checkin_bot::app::Parts::ALL,
    )
    .await
    {
        Ok(_) => panic!("the bot started"),
        Err(e) => format!("{e:#}"),
    }
}

/// Overwrites every page after the first with garbage, as a failing disk might.
fn damage_pages(path: &std::path::Path) {
    let mut bytes = std::fs::read(path).unwrap();
    assert!(bytes.len() > 8192, "a database with some pages");
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}
}

sqlite_only! {
/// A database file that lost its contents (0 bytes) is refused with a sentence that says so,
/// instead of silently starting over with no patients (issue 12 item 12).
#[tokio::test]
async fn an_emptied_database_file_is_refused_not_started_over() {
    let h = Harness::without_bot().await;
    std::fs::write(h.db_path(), b"").unwrap();
    let err = start_err(&h).await;
    assert!(err.contains("exists but is empty"), "{err}");
    assert!(err.contains("backup"), "{err}");
    assert_eq!(
        std::fs::metadata(h.db_path()).unwrap().len(),
        0,
        "left as it was"
    );
}
}

sqlite_only! {
/// A damaged page is found at start (SQLite's quick_check) and the bot refuses with a clear
/// sentence naming the file.
#[tokio::test]
async fn a_damaged_database_file_is_found_at_start() {
    let mut h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    h.answer(ALICE, m.message_id, "5").await;
    h.bot.take().unwrap().shutdown().await.unwrap();
    damage_pages(&h.db_path());
    let err = start_err(&h).await;
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains(&h.db_path().display().to_string()), "{err}");
}
}

sqlite_only! {
/// Damage met while running stops the bot with that sentence, instead of an ERROR a second
/// and nobody answered.
#[tokio::test]
async fn damage_met_while_running_stops_the_bot_with_a_clear_error() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    h.drain_outbox().await;
    {
        let db = h.db().await;
        recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        )
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();
        db.close().await;
    }
    damage_pages(&h.db_path());
    for i in 0..5 {
        h.fake.user_sends(ALICE, &format!("/help {i}"));
    }
    let bot = h.bot.as_mut().unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(20), bot.wait())
        .await
        .expect("the bot stopped");
    let err = format!("{:#}", ended.expect_err("with an error"));
    assert!(err.contains("is damaged"), "{err}");
}
}

/// Nothing can be written (a full disk: every insert into the inbox fails). Crisis help does
/// not wait for a write: Alice's `/crisis` and a Mexican user typing in Spanish that they want
/// to die are answered at once, with their own country's line. What needs a write waits, and
/// once the disk has room it is answered, while the crisis replies are not sent again
/// (issue 12 item 1).
#[tokio::test]
async fn crisis_help_does_not_wait_for_a_write() {
    const LUPE: i64 = 3303;
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.fake.add_user(LUPE, "Lupe", Some("es-MX"));
    let db = h.db().await;
    exec_all(
        &db,
        &fault_sql("full_inbox", "INSERT ON inbox", "database or disk is full"),
    )
    .await;
    let before = h.count(ALICE);
    let crisis = h.say(ALICE, "/crisis").await;
    assert!(crisis.text.contains("988"), "{}", crisis.text);
    let lupe = h.say(LUPE, "ya no quiero vivir").await;
    assert!(lupe.text.contains("800 911 2000"), "{}", lupe.text);
    // "I'm not safe": the crisis line now, and the screen (which alerts) once it can be stored.
    let with_button = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .rfind(|m| m.has_button("🛑 I'm not safe"))
        .expect("a message with the button");
    let not_safe = h
        .fake
        .user_taps(ALICE, with_button.message_id, "🛑 I'm not safe");
    h.fake.wait_for_answer(&not_safe).await;
    let line = h.fake.wait_for_bot_message(ALICE, before + 2).await;
    assert!(line.text.contains("988"), "{}", line.text);
    h.fake.user_sends(ALICE, "/help");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.count(ALICE), before + 2, "/help waits for the disk");

    recovery_checkin_bot::on!(db.reader(), |c| sqlx::query("UPDATE fault SET active = 0")
        .execute(c)
        .await
        .map(|_| ()))
    .unwrap();
    db.close().await;
    h.next_message_with(ALICE, before + 2, "wished you were dead")
        .await;
    h.next_message_with(ALICE, before + 2, "Here's what I can do")
        .await;
    h.wait_db(
        "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND update_id > $1",
        0,
        Some(0),
    )
    .await;
    let crisis_replies = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .skip(before)
        .filter(|m| {
            m.text.contains("988")
                && !m.text.contains("Here's what I can do")
                && !m.text.contains("wished you were dead")
        })
        .count();
    assert_eq!(crisis_replies, 2, "/crisis and the tap each answered once");
    assert_eq!(h.count(LUPE), 1, "Lupe answered once");
}

/// An answer typed for something else crosses with a new question on the way: Telegram dates it
/// the very moment the question appeared, before the patient could have read it. It must not be
/// taken as the answer to that question (a mood of 0 would open the crisis screen); the question
/// is shown again, and an answer typed after reading it is taken (issue 12 item 3).
#[tokio::test]
async fn text_that_crosses_with_a_new_question_does_not_answer_it() {
    let h = Harness::start().await;
    let q = h.start_checkin(ALICE).await;
    assert!(q.text.contains("mood"), "{}", q.text);
    h.wait_db(
        "SELECT COUNT(*) FROM checkins WHERE id = $1 AND shown = 'mood' AND shown_at IS NOT NULL",
        1,
        Some(1),
    )
    .await;
    let before = h.count(ALICE);
    // Typed before the question was read: dated the second it arrived.
    h.fake.user_sends_at_once(ALICE, "0");
    let again = h.fake.wait_for_bot_message(ALICE, before + 1).await;
    assert!(
        again
            .text
            .contains("arrived just as this question appeared")
            && again.text.contains("mood"),
        "{}",
        again.text
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        None,
        "the crossed text is not the mood"
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM crisis_screens WHERE patient_id > $1",
            0
        )
        .await,
        Some(0),
        "no crisis screen from a mood the patient did not give"
    );
    // The buttons of the first copy are gone; only the new one can be answered.
    let first = h
        .fake
        .message(ALICE, q.message_id)
        .expect("still in the chat");
    assert!(first.keyboard.is_empty(), "{first:#?}");
    // Read, then typed: taken.
    let next = h.say(ALICE, "6").await;
    assert!(next.text.contains("hours did you sleep"), "{}", next.text);
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(6)
    );
}

/// Telegram refuses the alert to Bob for good, for a reason other than a block (a block is
/// told as "they may have blocked me"): Alice, who would have heard "I've let Bob know", hears
/// instead that Bob was not told, with her crisis line one tap away. Nobody is left believing
/// a contact knows (issue 12 item 2).
#[tokio::test]
async fn an_alert_that_fails_for_good_tells_the_patient_the_contact_was_not_told() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    h.fake.fail_next_for_chat(
        "sendMessage",
        BOB,
        Fault::Refused("Bad Request: message is too long".into()),
        1,
    );
    let n = h.count(ALICE);
    three_worsening_days(&h, ALICE).await;
    let told = h.next_message_with(ALICE, n, "didn't get through").await;
    assert!(
        told.text.contains("Bob") && told.text.contains("988"),
        "{}",
        told.text
    );
    assert!(
        told.buttons().any(|b| b.url.is_some()),
        "the crisis line is one tap away: {told:#?}"
    );
    assert!(alerts_to(&h, BOB, ALERT).is_empty());
    h.drain_outbox().await;
    assert!(
        h.fake
            .bot_messages(ALICE)
            .iter()
            .skip(n)
            .all(|m| !m.text.contains("I've let")),
        "Alice is never told that Bob knows"
    );
    assert_eq!(
        alerts_to(&h, ALICE, "didn't get through").len(),
        1,
        "told once"
    );
}
