//! Nothing lost (issue 12), as a patient and their contact would meet it.

use crate::contacts::{alerts_to, pair, three_worsening_days, ALERT};
use crate::support::*;
use fake_telegram::Fault;
use std::time::Duration;

/// The first send of an alert to Bob is lost on the way (no answer until past the client's
/// 17 s timeout): the bot cannot know whether it arrived, so it sends it again. A rare
/// duplicate is better than a lost alert.
#[tokio::test]
async fn an_alert_whose_send_timed_out_is_sent_again_not_lost() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    h.fake
        .fail_next_for_chat("sendMessage", BOB, Fault::Lost(Duration::from_secs(25)), 1);
    let n = h.count(ALICE);
    three_worsening_days(&h, ALICE).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while alerts_to(&h, BOB, ALERT).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the alert never reached Bob"
        );
        // Until it has, Alice is not told that Sam knows (issue 12 item 2).
        assert!(
            h.fake
                .bot_messages(ALICE)
                .iter()
                .skip(n)
                .all(|m| !m.text.contains("I've let")),
            "Alice was told before the alert arrived"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Once it has, she is.
    h.next_message_with(ALICE, n, "so I've let Bob know").await;
    assert_eq!(alerts_to(&h, BOB, ALERT).len(), 1);
    // Recorded as sent only once Telegram confirmed it, with the message id it gave.
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND status = 'sent' AND message_id IS NOT NULL",
        1,
        Some(1),
    )
    .await;
}

/// A second bot on the same database through a symlink or a hard link refuses to start: it
/// would send every queued message again (issue 12 item 5).
#[tokio::test]
async fn a_second_bot_through_a_symlink_or_a_hard_link_refuses_to_start() {
    let h = Harness::start().await;
    for (how, link) in [
        ("symlink", h.dir.path().join("via-symlink.db")),
        ("hard link", h.dir.path().join("via-hardlink.db")),
    ] {
        if how == "symlink" {
            std::os::unix::fs::symlink(h.db_path(), &link).unwrap();
        } else {
            std::fs::hard_link(h.db_path(), &link).unwrap();
        }
        let mut config = h.config();
        config.database_url = format!("sqlite://{}", link.display());
        let err = recovery_checkin_bot::app::RunningBot::start(
            &config,
            std::sync::Arc::new(h.clock.clone()),
            recovery_checkin_bot::app::Parts::ALL,
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("a second bot through a {how} started"));
        assert!(
            format!("{err:#}").contains("another bot process is already running"),
            "{how}: {err:#}"
        );
    }
}

/// Parsing quirks (issue 12 item 14): hours typed as "1e1" or "-0.001", a command for another
/// bot, a button value our keyboards never write, and a note of invisible characters change
/// nothing and get a kind answer.
#[tokio::test]
async fn odd_input_is_refused_kindly_and_the_check_in_goes_on() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    h.answer(ALICE, m.message_id, "6").await; // mood
    for odd in ["1e1", "-0.001"] {
        let reply = h.say(ALICE, odd).await;
        assert!(reply.text.contains("from 0 to 24"), "{odd}: {}", reply.text);
    }
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        None,
        "nothing stored for the sleep question"
    );
    // A command addressed to another bot does not restart the check-in.
    h.say(ALICE, "/checkin@some_other_bot").await;
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'open' AND mood = 6 AND patient_id = ?",
            1
        )
        .await,
        Some(1)
    );
    // "05" is not what the sleep buttons send. The question on screen now:
    let q = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .rev()
        .find(|m| m.has_button("7"))
        .expect("the sleep question on screen");
    let toast = h.tap_data(ALICE, q.message_id, "ci:1:sleep:05").await;
    assert!(toast.is_some(), "a forged value gets a toast");
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        None
    );
    h.answer(ALICE, q.message_id, "7").await;
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        Some(420)
    );
}

/// After `/delete`, nothing of what the patient wrote is left in the database files, the log
/// included; and messages already sent keep no text (issue 12 item 10).
#[tokio::test]
async fn deleted_data_does_not_linger_in_the_files_and_sent_messages_keep_no_text() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    for label in ["4", "6", "5", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let done = h.say(ALICE, "my quokka7731 secret note").await;
    assert!(done.text.contains("Note: saved"), "{}", done.text);
    h.drain_outbox().await;
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND text != '' AND id > ?",
        0,
        Some(0),
    )
    .await;
    let ask = h.say(ALICE, "/delete").await;
    h.tap(ALICE, ask.message_id, "Yes, delete everything").await;
    h.wait_text(
        ALICE,
        ask.message_id,
        "Everything I stored about you is deleted",
    )
    .await;
    for suffix in ["", "-wal"] {
        let mut path = h.db_path().into_os_string();
        path.push(suffix);
        let bytes = std::fs::read(&path).unwrap_or_default();
        let found = bytes.windows(11).any(|w| w == b"quokka7731 ");
        assert!(!found, "the note is still in {}", path.to_string_lossy());
    }
}

/// Five 502s in a row on getUpdates (a proxy in trouble): intake retries on its own short
/// backoff instead of teloxide's 10 s sleep inside each, and the patient is answered
/// (issue 12 item 7). Before, this took over a minute.
#[tokio::test]
async fn bad_gateways_on_get_updates_do_not_stop_intake() {
    let h = Harness::start().await;
    h.fake.fail_next(Some("getUpdates"), Fault::BadGateway, 5);
    let reply = h.say(ALICE, "/help").await;
    assert!(
        reply.text.contains("Here's what I can do"),
        "{}",
        reply.text
    );
}

/// Update ids past 2^31 are confirmed like any other: the offset is a 64-bit number (issue 12
/// item 13). Before, the offset overflowed and the same updates came back forever.
#[tokio::test]
async fn update_ids_past_two_to_the_31_are_confirmed() {
    let h = Harness::without_bot().await;
    h.fake.set_next_update_id(i64::from(i32::MAX));
    let mut h = h;
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let first = h.say(ALICE, "/help").await;
    assert!(first.text.contains("Here's what I can do"));
    let second = h.say(ALICE, "/crisis").await;
    assert!(second.text.contains("988"), "{}", second.text);
    h.fake
        .wait_for("both updates confirmed", |s| {
            (s.pending_updates() == 0).then_some(())
        })
        .await;
    assert_eq!(h.fake.bot_messages(ALICE).len(), 2, "each answered once");
}

/// The patient types their mood, and the bot stops before the next question reaches them (the
/// send is lost, then the process is killed). Seeing nothing, they type their mood again: it
/// must not become their hours of sleep, a question they never saw. The bot shows that question
/// instead (issue 12 item 3).
#[tokio::test]
async fn a_retyped_answer_never_fills_a_question_that_was_not_on_screen() {
    let mut h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    assert!(m.text.contains("mood"), "{}", m.text);
    let before = h.count(ALICE);
    h.fake.fail_next_for_chat(
        "sendMessage",
        ALICE,
        Fault::Lost(Duration::from_secs(30)),
        1,
    );
    h.fake.user_sends(ALICE, "5");
    h.wait_db("SELECT mood FROM checkins WHERE id = ?", 1, Some(5))
        .await;
    h.kill_bot().await;
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    assert_eq!(h.count(ALICE), before, "the next question never arrived");

    let reply = h.say(ALICE, "5").await;
    assert!(
        reply.text.contains("I already have your answer")
            && reply.text.contains("hours did you sleep"),
        "{}",
        reply.text
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        None,
        "the retyped mood is not stored as sleep"
    );
    // Now that the question is on screen, typed hours are taken.
    let next = h.say(ALICE, "7").await;
    assert!(
        next.text.contains("How well did you sleep"),
        "{}",
        next.text
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        Some(420)
    );
}

/// The same when a tap's edit fails without a crash: the message still shows the mood question
/// the patient answered by tapping; typing a number there does not answer the hidden next one.
#[tokio::test]
async fn typed_text_after_a_lost_edit_answers_nothing_it_was_not_shown() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    h.fake.fail_next_for_chat(
        "editMessageText",
        ALICE,
        Fault::Refused("Bad Request: message can't be edited".into()),
        1,
    );
    h.tap(ALICE, m.message_id, "6").await;
    h.wait_db("SELECT mood FROM checkins WHERE id = ?", 1, Some(6))
        .await;
    while h.fake.faults_left() > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let still = h.fake.message(ALICE, m.message_id).unwrap();
    assert!(still.text.contains("mood"), "{}", still.text);
    let reply = h.say(ALICE, "6").await;
    assert!(reply.text.contains("hours did you sleep"), "{}", reply.text);
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = ?", 1)
            .await,
        None
    );
}

/// The last tap of a check-in is stored, then the bot is killed while the summary is being
/// edited in: after the restart the summary arrives all the same, once (issue 12 item 11).
#[tokio::test]
async fn the_summary_arrives_after_its_edit_was_lost_in_a_crash() {
    let mut h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    for label in ["4", "6", "5", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.fake.fail_next_for_chat(
        "editMessageText",
        ALICE,
        Fault::Lost(Duration::from_secs(30)),
        1,
    );
    h.fake.user_taps(ALICE, m.message_id, "Skip");
    h.wait_db(
        "SELECT COUNT(*) FROM checkins WHERE id = ? AND status = 'completed'",
        1,
        Some(1),
    )
    .await;
    h.kill_bot().await;
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let count = h.count(ALICE);
    h.clock.advance(chrono::Duration::seconds(25));
    let summary = h
        .next_message_with(ALICE, 0, "Thank you for checking in")
        .await;
    assert!(summary.text.contains("Mood: 4/10"), "{}", summary.text);
    h.drain_outbox().await;
    let summaries = h.count_with(ALICE, "Thank you for checking in");
    assert_eq!(summaries, 1, "one summary");
    assert!(h.count(ALICE) > count);
}

/// When the summary's edit fails for good (the patient deleted the message meanwhile, say), the
/// summary comes below at once instead of after the wait; when the edit works, no second copy
/// follows.
#[tokio::test]
async fn a_failed_summary_edit_sends_it_below_and_a_working_one_sends_no_copy() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    for label in ["4", "6", "5", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.fake.fail_next_for_chat(
        "editMessageText",
        ALICE,
        Fault::Refused("Bad Request: message to edit not found".into()),
        1,
    );
    h.tap(ALICE, m.message_id, "Skip").await;
    let summary = h
        .next_message_with(ALICE, 0, "Thank you for checking in")
        .await;
    assert_ne!(summary.message_id, m.message_id, "sent below");

    // A second check-in whose summary edit works: no copy after the wait.
    let m = h.say(ALICE, "/checkin").await;
    for label in ["7", "8", "7", "1", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.answer(ALICE, m.message_id, "Skip").await;
    h.wait_text(ALICE, m.message_id, "Thank you for checking in")
        .await;
    h.clock.advance(chrono::Duration::seconds(60));
    h.drain_outbox().await;
    let summaries = h.count_with(ALICE, "Thank you for checking in");
    assert_eq!(summaries, 2, "one summary per check-in");
}

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
            "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND update_id > ?",
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
    assert!(
        h.fake
            .bot_messages(ALICE)
            .last()
            .is_some_and(|m| m.has_button("👍 Helpful")),
        "the suggestion came last"
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
        "SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND status = 'sent' AND message_id IS NOT NULL",
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

/// Damage met while running stops the bot with that sentence, instead of an ERROR a second
/// and nobody answered.
#[tokio::test]
async fn damage_met_while_running_stops_the_bot_with_a_clear_error() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    h.drain_outbox().await;
    {
        let db = h.db().await;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db.pool())
            .await
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
    for sql in [
        "CREATE TABLE fault (active INTEGER)",
        "INSERT INTO fault VALUES (1)",
        "CREATE TRIGGER full_inbox BEFORE INSERT ON inbox WHEN (SELECT active FROM fault) = 1
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    ] {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
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

    sqlx::query("UPDATE fault SET active = 0")
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    h.next_message_with(ALICE, before + 2, "wished you were dead")
        .await;
    h.next_message_with(ALICE, before + 2, "Here's what I can do")
        .await;
    h.wait_db(
        "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND update_id > ?",
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
        "SELECT COUNT(*) FROM checkins WHERE id = ? AND shown = 'mood' AND shown_at IS NOT NULL",
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
        h.scalar_i64("SELECT mood FROM checkins WHERE id = ?", 1)
            .await,
        None,
        "the crossed text is not the mood"
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM crisis_screens WHERE patient_id > ?",
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
        h.scalar_i64("SELECT mood FROM checkins WHERE id = ?", 1)
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
