//! After an alert: escalation, acknowledgement, a contact who blocked the bot, no contact at
//! all, the weekly summary, "are you OK?" and a patient who deletes their data.

use crate::contacts::*;
use crate::coping::checkin_with;
use crate::support::*;
use chrono::TimeDelta;

#[tokio::test]
async fn an_unanswered_alert_escalates_once_after_the_cooldown() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    three_worsening_days(&h, ALICE).await;
    h.next_message_with(BOB, 0, ALERT).await;
    // Twelve hours later, another low check-in: inside the cooldown, nothing is sent.
    h.clock.advance(TimeDelta::hours(12));
    checkin_with(&h, ALICE, ["2", "4", "3", "6", "No"], "").await;
    // 23 hours after the alert: still cooling down.
    h.clock.advance(TimeDelta::hours(11));
    h.tick().await;
    h.drain_outbox().await;
    assert!(alerts_to(&h, BOB, "still there").is_empty());
    // Past the cooldown, nobody acknowledged, signs are still being seen: one more.
    h.clock.advance(TimeDelta::hours(1));
    h.tick().await;
    let esc = h.next_message_with(BOB, 0, "still there").await;
    assert!(
        esc.text.contains("nobody has told me they reached out"),
        "{}",
        esc.text
    );
    h.clock.advance(TimeDelta::hours(30));
    h.tick().await;
    h.drain_outbox().await;
    assert_eq!(
        alerts_to(&h, BOB, "still there").len(),
        1,
        "one escalation only"
    );
    assert_eq!(alerts_to(&h, BOB, ALERT).len(), 1);
}

#[tokio::test]
async fn an_acknowledged_alert_does_not_escalate() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    three_worsening_days(&h, ALICE).await;
    let alert = h.next_message_with(BOB, 0, ALERT).await;
    h.tap(BOB, alert.message_id, "✅ I reached out").await;
    h.clock.advance(TimeDelta::hours(25));
    h.tick().await;
    h.drain_outbox().await;
    assert!(alerts_to(&h, BOB, "still there").is_empty());
}

#[tokio::test]
async fn a_contact_who_blocked_the_bot_is_reported_to_the_patient() {
    let h = Harness::start_driven().await;
    h.fake.add_user(CAROL, "Carol", Some("en"));
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    pair(&h, ALICE, CAROL, "Sam", "Alerts only").await;
    // Bob blocks the bot: Telegram tells us at once.
    let n = h.count(ALICE);
    h.fake.block_bot(BOB, true);
    let told = h.next_message_with(ALICE, n, "I couldn't reach Bob").await;
    assert!(told.text.contains("988"), "{}", told.text);
    // Carol's account is deleted: only the alert's 403 says so.
    h.fake.deactivate(CAROL);
    let n = h.count(ALICE);
    three_worsening_days(&h, ALICE).await;
    h.next_message_with(ALICE, n, "I couldn't reach Carol")
        .await;
    h.drain_outbox().await;
    // "I've let Carol know" would be untrue: the alert never reached her, so it is not said.
    assert!(
        h.fake
            .bot_messages(ALICE)
            .iter()
            .skip(n)
            .all(|m| !m.text.contains("I've let")),
        "the patient is not told an alert reached anyone"
    );
    assert!(
        h.fake
            .bot_messages(BOB)
            .iter()
            .all(|m| !m.text.contains(ALERT)),
        "nothing was sent to Bob while he blocks the bot"
    );
    // The patient is still active and checking in.
    assert_eq!(
        h.scalar_i64(
            "SELECT active FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );
}

#[tokio::test]
async fn with_no_contact_the_patient_gets_the_crisis_line_and_their_options() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    three_worsening_days(&h, ALICE).await;
    let m = h
        .next_message_with(ALICE, n, "You don't have a support contact to alert yet")
        .await;
    assert!(
        m.text.contains("988") && m.text.contains("/contact"),
        "{}",
        m.text
    );
    assert!(m.buttons().any(|b| b.url.is_some()), "{m:#?}");
    assert!(m.has_button("🌊 Urge SOS"), "{m:#?}");
}

#[tokio::test]
async fn weekly_summary_only_when_chosen_and_without_notes_or_use() {
    let h = Harness::start_driven().await;
    h.fake.add_user(CAROL, "Carol", Some("en"));
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts and weekly summary").await;
    pair(&h, ALICE, CAROL, "Sam", "Alerts only").await;
    let m = h.say(ALICE, "/checkin").await;
    for label in ["6", "7", "7", "2", "Yes"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.say(ALICE, "my private note").await;
    h.clock.advance(TimeDelta::days(7));
    let report = h.tick().await;
    assert_eq!(report.weekly_summaries, 1);
    let w = h.next_message_with(BOB, 0, "Weekly summary for Sam").await;
    assert!(w.text.contains("Check-ins: 1"), "{}", w.text);
    assert!(w.text.contains("Average mood: 6.0/10"), "{}", w.text);
    assert!(!w.text.contains("private"), "{}", w.text);
    assert_eq!(h.tick().await.weekly_summaries, 0, "once a week");
    h.drain_outbox().await;
    assert!(alerts_to(&h, CAROL, "Weekly summary").is_empty());
    // The patient can turn it off; Bob is told.
    let menu = h.say(ALICE, "/contact").await;
    let n = h.count(BOB);
    h.tap(ALICE, menu.message_id, "Bob: alerts only").await;
    h.next_message_with(BOB, n, "alerts only, no weekly summary")
        .await;
    h.clock.advance(TimeDelta::days(7));
    assert_eq!(h.tick().await.weekly_summaries, 0);
}

#[tokio::test]
async fn two_missed_check_ins_ask_are_you_ok_and_silence_becomes_a_sign() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    // A low day before.
    h.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 2, 14, 0, 0).unwrap());
    checkin_with(&h, ALICE, ["3", "7", "6", "4", "No"], "").await;
    let n = h.count(ALICE);
    // Evening (20:00 New York = 01:00 UTC) and morning prompts go unanswered.
    let asked = miss_two_check_ins(&h).await;
    assert_eq!(asked, 1, "one gentle question for the run");
    let ok = h.next_message_with(ALICE, n, "are you OK?").await;
    assert!(ok.has_button("I'm OK") && ok.has_button("Not great"));
    let sent_at = h
        .scalar_i64("SELECT sent_at FROM ok_checks WHERE patient_id = $1", 1)
        .await
        .unwrap();
    // Twelve hours without an answer: a warning sign (not yet an alert by itself).
    h.clock
        .set(chrono::DateTime::from_timestamp(sent_at + 12 * 3600 - 60, 0).unwrap());
    assert_eq!(h.tick().await.ok_unanswered, 0);
    h.clock.advance(TimeDelta::minutes(1));
    assert_eq!(h.tick().await.ok_unanswered, 1);
    assert!(alerts_to(&h, BOB, ALERT).is_empty());
    // With low mood again and a strong craving on return, the cluster is complete.
    checkin_with(&h, ALICE, ["2", "7", "6", "8", "No"], "").await;
    let alert = h.next_message_with(BOB, 0, ALERT).await;
    assert!(
        alert.text.contains("no answer when I checked on them"),
        "{}",
        alert.text
    );
}

#[tokio::test]
async fn i_am_okay_answers_the_question_and_counts_nothing() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    miss_two_check_ins(&h).await;
    let ok = h.next_message_with(ALICE, n, "are you OK?").await;
    h.tap(ALICE, ok.message_id, "I'm OK").await;
    h.next_message_with(ALICE, n, "Thanks for letting me know")
        .await;
    h.clock.advance(TimeDelta::hours(13));
    assert_eq!(h.tick().await.ok_unanswered, 0);
}

#[tokio::test]
async fn a_patient_who_deletes_their_data_ends_every_link_and_contacts_are_told() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts and weekly summary").await;
    let ask = h.say(ALICE, "/delete").await;
    let n = h.count(BOB);
    let label = ask
        .buttons()
        .find(|b| b.callback_data.as_deref() == Some("delete:yes"))
        .unwrap()
        .text
        .clone();
    h.tap(ALICE, ask.message_id, &label).await;
    h.next_message_with(BOB, n, "Sam has ended sharing with you")
        .await;
    for table in ["links", "invites", "alerts"] {
        let db = h.db().await;
        let left: i64 = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))
        )
        .fetch_one(c)
        .await)
        .unwrap();
        db.close().await;
        assert_eq!(left, 0, "{table} still holds rows");
    }
    let none = h.say(BOB, "/patients").await;
    assert!(none.text.contains("not a support contact"), "{}", none.text);
}

#[tokio::test]
async fn a_late_i_am_okay_withdraws_the_missed_check_ins_sign() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    let n = h.count(ALICE);
    miss_two_check_ins(&h).await;
    let ok = h.next_message_with(ALICE, n, "are you OK?").await;
    h.clock.advance(TimeDelta::hours(13));
    assert_eq!(h.tick().await.ok_unanswered, 1, "counted as a sign");
    // The answer comes late: the sign is withdrawn, so low mood and a strong craving (two
    // signs) do not make a cluster.
    let m = h.count(ALICE);
    h.tap(ALICE, ok.message_id, "I'm OK").await;
    h.next_message_with(ALICE, m, "Thanks for letting me know")
        .await;
    checkin_with(&h, ALICE, ["2", "7", "6", "8", "No"], "").await;
    h.drain_outbox().await;
    assert!(alerts_to(&h, BOB, ALERT).is_empty());
}
