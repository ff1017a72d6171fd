//! The check-in: taps through one edited message, answers stored as given, bad input refused.

use crate::support::*;
use sqlx::Row;

#[derive(Debug, PartialEq)]
struct Row6 {
    status: String,
    step: Option<String>,
    mood: Option<i64>,
    sleep_minutes: Option<i64>,
    sleep_quality: Option<i64>,
    craving: Option<i64>,
    used: Option<String>,
    note: Option<String>,
}

async fn checkins_of(h: &Harness, user: i64) -> Vec<Row6> {
    let db = h.db().await;
    let rows = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(
        "SELECT c.status, c.step, c.mood, c.sleep_minutes, c.sleep_quality, c.craving, c.used, c.note
         FROM checkins c JOIN patients p ON p.id = c.patient_id
         WHERE p.telegram_user_id = $1 ORDER BY c.id",
    )
    .bind(user)
    .fetch_all(c).await
    .map(|rows| rows.into_iter().map(|r| Row6 {
            status: r.get(0),
            step: r.get(1),
            mood: r.get(2),
            sleep_minutes: r.get(3),
            sleep_quality: r.get(4),
            craving: r.get(5),
            used: r.get(6),
            note: r.get(7),
        }).collect::<Vec<_>>()))
    .unwrap();
    db.close().await;
    rows
}

#[tokio::test]
async fn a_full_check_in_by_taps_is_one_message_and_stored() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    let id = m.message_id;
    let before = h.fake.bot_messages(ALICE).len();
    assert!(
        m.text.contains("1 of 6") && m.text.contains("mood"),
        "{}",
        m.text
    );
    assert!(m.has_button("0") && m.has_button("10") && m.has_button(CRISIS_BUTTON));

    assert_eq!(h.tap(ALICE, id, "7").await.as_deref(), Some("Saved"));
    let m = h.wait_text(ALICE, id, "hours did you sleep").await;
    assert!(m.has_button("14+"), "{m:#?}");
    h.tap(ALICE, id, "6").await;
    h.wait_text(ALICE, id, "How well did you sleep").await;
    h.tap(ALICE, id, "4").await;
    h.wait_text(ALICE, id, "strongest urge").await;
    h.tap(ALICE, id, "8").await;
    let m = h.wait_text(ALICE, id, "Have you used").await;
    assert!(m.text.contains("No judgment"), "{}", m.text);
    assert!(m.has_button("Prefer not to say"));
    h.tap(ALICE, id, "No").await;
    h.wait_text(ALICE, id, "Anything you want to add").await;
    h.tap(ALICE, id, "Skip").await;
    let done = h.wait_text(ALICE, id, "Thank you for checking in").await;
    for part in [
        "Mood: 7/10",
        "Sleep: 6 h",
        "Sleep quality: 4/10",
        "Strongest urge: 8/10",
        "Used since last check-in: no",
        "Note: none",
    ] {
        assert!(
            done.text.contains(part),
            "missing {part:?} in {}",
            done.text
        );
    }
    assert!(done.has_button(CRISIS_BUTTON));
    // One message, edited: no flood. The only new message is the coping suggestion after it.
    h.next_message_with(ALICE, before, "Something to try right now")
        .await;
    assert_eq!(h.fake.bot_messages(ALICE).len(), before + 1);
    assert_eq!(done.edits, 6);

    assert_eq!(
        checkins_of(&h, ALICE).await,
        vec![Row6 {
            status: "completed".into(),
            step: None,
            mood: Some(7),
            sleep_minutes: Some(360),
            sleep_quality: Some(4),
            craving: Some(8),
            used: Some("no".into()),
            note: None,
        }]
    );
}

#[tokio::test]
async fn typed_answers_and_a_note_are_accepted() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    // Typing a number works too; the check-in follows the patient down the chat.
    let next = h.say(ALICE, "5").await;
    assert!(next.text.contains("hours did you sleep"), "{}", next.text);
    let old = h.fake.message(ALICE, m.message_id).unwrap();
    assert!(old.keyboard.is_empty(), "the old keyboard is taken away");
    let next = h.say(ALICE, "7.5").await;
    assert!(next.text.contains("How well"), "{}", next.text);
    h.tap(ALICE, next.message_id, "9").await;
    h.wait_text(ALICE, next.message_id, "strongest urge").await;
    h.tap(ALICE, next.message_id, "2").await;
    h.wait_text(ALICE, next.message_id, "Have you used").await;
    h.tap(ALICE, next.message_id, "Prefer not to say").await;
    h.wait_text(ALICE, next.message_id, "Anything you want to add")
        .await;
    let note = "Hard day at work, <b>but</b> I went for a walk & called my sister.";
    let done = h.say(ALICE, note).await;
    assert!(
        done.text.contains("Thank you for checking in"),
        "{}",
        done.text
    );
    assert!(done.text.contains("Sleep: 7.5 h"), "{}", done.text);
    assert!(done.text.contains("prefer not to say"), "{}", done.text);
    assert!(done.text.contains("Note: saved"), "{}", done.text);
    let rows = checkins_of(&h, ALICE).await;
    assert_eq!(rows[0].note.as_deref(), Some(note));
    assert_eq!(rows[0].sleep_minutes, Some(450));
    assert_eq!(rows[0].used.as_deref(), Some("skip"));
}

#[tokio::test]
async fn an_abandoned_check_in_keeps_its_answers() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    h.tap(ALICE, m.message_id, "4").await;
    h.wait_text(ALICE, m.message_id, "hours did you sleep")
        .await;
    h.tap(ALICE, m.message_id, "8").await;
    h.wait_text(ALICE, m.message_id, "How well").await;

    // Later, a new check-in replaces the unfinished one.
    let fresh = h.say(ALICE, "/checkin").await;
    assert!(fresh.text.contains("1 of 6"), "{}", fresh.text);
    let old = h.wait_text(ALICE, m.message_id, "left unfinished").await;
    assert!(old.keyboard.is_empty());
    let rows = checkins_of(&h, ALICE).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].status, "abandoned");
    assert_eq!(
        (rows[0].mood, rows[0].sleep_minutes, rows[0].sleep_quality),
        (Some(4), Some(480), None)
    );
    assert_eq!(rows[1].status, "open");

    // A tap on the old keyboard (a stale client) is refused kindly and changes nothing.
    let toast = h
        .tap_data(ALICE, m.message_id, &format!("ci:{}:sq:5", 1))
        .await;
    assert_eq!(
        toast.as_deref(),
        Some("That check-in is finished. Send /checkin to start a new one.")
    );
    assert_eq!(checkins_of(&h, ALICE).await[0].sleep_quality, None);
}

#[tokio::test]
async fn free_text_and_out_of_range_numbers_get_a_kind_answer_and_change_nothing() {
    let h = Harness::start().await;
    h.start_checkin(ALICE).await;
    let reply = h.say(ALICE, "pretty good I guess").await;
    assert!(
        reply.text.contains("type a number from 0 to 10"),
        "{}",
        reply.text
    );
    assert!(
        reply.text.contains("1 of 6"),
        "the question comes again: {}",
        reply.text
    );
    assert!(reply.has_button("7"));
    let reply = h.say(ALICE, "11").await;
    assert!(reply.text.contains("from 0 to 10"), "{}", reply.text);
    h.fake.user_sends_sticker(ALICE);
    let n = h.fake.bot_messages(ALICE).len();
    let reply = h.fake.wait_for_bot_message(ALICE, n + 1).await;
    assert!(reply.text.contains("from 0 to 10"), "{}", reply.text);
    let rows = checkins_of(&h, ALICE).await;
    assert_eq!(
        (rows[0].mood, rows[0].step.as_deref()),
        (None, Some("mood"))
    );

    // Sleep hours take typed values up to 24.
    h.tap(ALICE, reply.message_id, "3").await;
    h.wait_text(ALICE, reply.message_id, "hours did you sleep")
        .await;
    let r = h.say(ALICE, "30").await;
    assert!(r.text.contains("from 0 to 24"), "{}", r.text);
    // At the yes/no question, text gets pointed to the buttons.
    let r = h.say(ALICE, "13").await;
    h.tap(ALICE, r.message_id, "5").await;
    h.wait_text(ALICE, r.message_id, "strongest urge").await;
    h.tap(ALICE, r.message_id, "6").await;
    h.wait_text(ALICE, r.message_id, "Have you used").await;
    let r = h.say(ALICE, "kind of").await;
    assert!(r.text.contains("tap one of the buttons"), "{}", r.text);
    let rows = checkins_of(&h, ALICE).await;
    assert_eq!(
        (
            rows[0].mood,
            rows[0].sleep_minutes,
            rows[0].craving,
            rows[0].used.clone()
        ),
        (Some(3), Some(780), Some(6), None)
    );
}

#[tokio::test]
async fn an_over_long_note_is_refused_without_storing() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    for label in ["5", "7", "5", "2", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.wait_text(ALICE, m.message_id, "Anything you want to add")
        .await;
    let reply = h.say(ALICE, &"x".repeat(1500)).await;
    assert!(
        reply.text.contains("That note is 1500 characters"),
        "{}",
        reply.text
    );
    assert!(reply.has_button("Skip"));
    let rows = checkins_of(&h, ALICE).await;
    assert_eq!(
        (rows[0].note.clone(), rows[0].step.as_deref()),
        (None, Some("note"))
    );
    // Telegram's own maximum is fine too: the reply still fits.
    let reply = h.say(ALICE, &"y".repeat(4096)).await;
    assert!(reply.text.contains("4096 characters"), "{}", reply.text);
    let done = h.say(ALICE, "short one").await;
    assert!(done.text.contains("Note: saved"), "{}", done.text);
}

#[tokio::test]
async fn double_taps_stale_and_forged_buttons_change_nothing() {
    let h = Harness::start().await;
    let bob_msg = h.start_checkin(BOB).await;
    let m = h.start_checkin(ALICE).await;
    let (alice_id, bob_id) = {
        let db = h.db().await;
        let ids: Vec<i64> = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar("SELECT c.id FROM checkins c JOIN patients p ON p.id = c.patient_id ORDER BY p.telegram_user_id")
            .fetch_all(c).await)
            .unwrap();
        (ids[0], ids[1])
    };

    // Double tap: two taps on "6" before the keyboard changes.
    let q1 = h.fake.user_taps(ALICE, m.message_id, "6");
    let q2 = h.fake.user_taps(ALICE, m.message_id, "6");
    assert_eq!(h.fake.wait_for_answer(&q1).await.as_deref(), Some("Saved"));
    assert_eq!(
        h.fake.wait_for_answer(&q2).await.as_deref(),
        Some("Already saved. Please answer the question below.")
    );
    h.wait_text(ALICE, m.message_id, "hours did you sleep")
        .await;
    // A late tap on a mood button that is no longer shown.
    let toast = h
        .tap_data(ALICE, m.message_id, &format!("ci:{alice_id}:mood:1"))
        .await;
    assert_eq!(
        toast.as_deref(),
        Some("Already saved. Please answer the question below.")
    );

    // Forged: Alice's client names Bob's check-in.
    let toast = h
        .tap_data(ALICE, m.message_id, &format!("ci:{bob_id}:mood:0"))
        .await;
    assert_eq!(
        toast.as_deref(),
        Some("That button doesn't work anymore. Send /checkin to start again.")
    );
    // Forged: out-of-range and malformed values, a check-in that does not exist.
    for data in [
        format!("ci:{alice_id}:sleep:99"),
        format!("ci:{alice_id}:sleep:-1"),
        format!("ci:{alice_id}:used:maybe"),
        "ci:999999:sleep:5".to_string(),
        "tz:77".to_string(),
        "garbage".to_string(),
    ] {
        let toast = h.tap_data(ALICE, m.message_id, &data).await;
        assert_eq!(
            toast.as_deref(),
            Some("That button doesn't work anymore. Send /checkin to start again."),
            "{data}"
        );
    }
    let rows_alice = checkins_of(&h, ALICE).await;
    assert_eq!(
        (rows_alice[0].mood, rows_alice[0].sleep_minutes),
        (Some(6), None)
    );
    let rows_bob = checkins_of(&h, BOB).await;
    assert_eq!(
        (rows_bob[0].mood, rows_bob[0].step.as_deref()),
        (None, Some("mood"))
    );
    assert!(h
        .fake
        .message(BOB, bob_msg.message_id)
        .unwrap()
        .text
        .contains("1 of 6"));

    // Every tap was answered, so no client is left with a spinner.
    h.fake
        .read(|s| assert!(s.callbacks.values().all(|c| c.answered)));

    // Someone not enrolled tapping a forged answer button.
    h.fake.add_user(3003, "Carol", None);
    let intro = h.say(3003, "/start").await;
    let toast = h
        .tap_data(3003, intro.message_id, &format!("ci:{alice_id}:sleep:5"))
        .await;
    assert!(toast.unwrap().contains("haven't joined yet"));
    assert_eq!(checkins_of(&h, ALICE).await[0].sleep_minutes, None);
}

#[tokio::test]
async fn starting_twice_before_answering_keeps_one_check_in() {
    let h = Harness::start().await;
    let first = h.start_checkin(ALICE).await;
    let second = h.say(ALICE, "/checkin").await;
    assert!(second.text.contains("1 of 6"));
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE id > $1", 0)
            .await,
        Some(1)
    );
    // The question moved to the newest message; the old one lost its buttons.
    let old = h.fake.message(ALICE, first.message_id).unwrap();
    assert!(old.keyboard.is_empty(), "{old:#?}");
    h.answer(ALICE, second.message_id, "5").await;
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(5)
    );
}

#[tokio::test]
async fn a_checkin_left_open_expires_keeping_its_answers_and_later_text_is_not_bound_to_it() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let m = h.say(ALICE, "/checkin").await;
    h.answer(ALICE, m.message_id, "4").await;
    // Seven hours later (past the 6 h default), a number typed is not hours of sleep.
    h.at(2026, 3, 2, 20, 5).await;
    let reply = h.say(ALICE, "5").await;
    assert!(!reply.text.contains("hours"), "{}", reply.text);
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'abandoned' AND mood = 4 AND sleep_minutes IS NULL AND patient_id = $1",
            1
        )
        .await,
        Some(1),
        "closed as abandoned, the mood kept"
    );
    // A tap on its old keyboard changes nothing.
    let toast = h.tap(ALICE, m.message_id, "7").await;
    assert!(toast.is_some_and(|t| t.contains("finished") || t.contains("already")));
}

#[tokio::test]
async fn the_next_scheduled_checkin_closes_one_left_open_but_not_one_being_answered() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    // 19:00 in New York: a check-in started and left after one answer.
    h.at(2026, 3, 3, 0, 0).await;
    let m = h.say(ALICE, "/checkin").await;
    h.answer(ALICE, m.message_id, "4").await;
    // 20:00: the evening prompt goes out and the old check-in is closed, answers kept.
    let report = h.at(2026, 3, 3, 1, 0).await;
    assert_eq!(report.queued, 1);
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'abandoned' AND mood = 4 AND patient_id = $1",
            1
        )
        .await,
        Some(1)
    );
    // The next morning: a check-in begun ten minutes before the prompt is left alone.
    h.at(2026, 3, 3, 12, 50).await;
    let m = h.say(ALICE, "/checkin").await;
    h.answer(ALICE, m.message_id, "6").await;
    h.at(2026, 3, 3, 13, 0).await;
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'open' AND mood = 6 AND patient_id = $1",
            1
        )
        .await,
        Some(1)
    );
}
