//! `/sos`: a craving right now. A grounding step, the urge rated, a follow-up 15 minutes later
//! (through the outbox, on the controlled clock), another step while it stays high.

use crate::coping::{content, suggestion_in, MORE, SOS};
use crate::support::*;
use fake_telegram::ChatMessage;
use recovery_checkin_bot::domain::coping::Need;
use std::time::Duration;

/// Sends /sos; returns (the grounding step, the rating question).
pub async fn sos(h: &Harness, user: i64) -> (ChatMessage, ChatMessage) {
    let before = h.count(user);
    h.fake.user_sends(user, "/sos");
    let step = h
        .next_message_with(user, before, "Let's get through this together")
        .await;
    let rate = h
        .next_message_with(user, before, "How strong is the urge right now")
        .await;
    (step, rate)
}

fn pending_followups(h: &Harness) -> impl std::future::Future<Output = Option<i64>> + '_ {
    h.scalar_i64(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE 'sos:%' AND status = 'pending' AND id > $1",
        0,
    )
}

/// Waits until no SOS message is pending: the last follow-up's own "sent" is recorded a moment
/// after Telegram accepted it, and the patient's tap on it can come first. A real follow-up
/// (due 15 minutes later) stays pending, and this fails.
async fn no_pending_followups(h: &Harness) {
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE 'sos:%' AND status = 'pending' AND id > $1",
        0,
        Some(0),
    )
    .await;
}

#[tokio::test]
async fn sos_gives_a_step_then_asks_again_after_15_minutes_and_helps_while_it_stays_high() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let c = content();
    let (step, rate) = sos(&h, ALICE).await;
    let first = suggestion_in(&c, Need::Sos, "en", &step.text)
        .unwrap_or_else(|| panic!("no grounding step in {}", step.text));
    assert!(step.has_button(CRISIS_BUTTON) && step.has_button(MORE));
    assert!(rate.has_button("0") && rate.has_button("10") && rate.has_button(CRISIS_BUTTON));

    h.tap(ALICE, rate.message_id, "8").await;
    let rated = h.wait_text(ALICE, rate.message_id, "Urge now: 8/10").await;
    assert!(rated.text.contains("in 15 minutes"), "{}", rated.text);
    assert!(rated.has_button(CRISIS_BUTTON));
    assert_eq!(
        h.scalar_i64(
            "SELECT urge FROM sos_ratings WHERE round = 0 AND sos_id = $1",
            1
        )
        .await,
        Some(8)
    );

    // 14 minutes: nothing yet; the follow-up waits in the outbox.
    let count = h.count(ALICE);
    h.clock.advance(chrono::TimeDelta::minutes(14));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.count(ALICE), count);
    assert_eq!(pending_followups(&h).await, Some(1));

    // 15 minutes: "how strong is it now?"
    h.clock.advance(chrono::TimeDelta::minutes(1));
    let follow = h
        .next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    assert!(follow.has_button("7") && follow.has_button(CRISIS_BUTTON));

    // Still high: another step (not the first one), reach out, and one more follow-up.
    h.tap(ALICE, follow.message_id, "9").await;
    let high = h
        .wait_text(ALICE, follow.message_id, "That's a lot to carry")
        .await;
    let second = suggestion_in(&c, Need::Sos, "en", &high.text)
        .unwrap_or_else(|| panic!("no second step in {}", high.text));
    assert_ne!(second, first);
    assert!(
        high.text.contains("Reach out to someone you trust"),
        "{}",
        high.text
    );
    assert!(high.text.contains("again in 15 minutes"), "{}", high.text);
    assert!(high.has_button(SOS) && high.has_button(CRISIS_BUTTON));

    let count = h.count(ALICE);
    h.clock.advance(chrono::TimeDelta::minutes(15));
    let last = h
        .next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    h.tap(ALICE, last.message_id, "3").await;
    h.wait_text(ALICE, last.message_id, "The urge went from 9 to 3")
        .await;
    let db = h.db().await;
    let urges: Vec<(i64, i64)> = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
        "SELECT round, urge FROM sos_ratings ORDER BY round"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(urges, vec![(0, 8), (1, 9), (2, 3)]);
    // No further follow-up after the last round.
    no_pending_followups(&h).await;
}

#[tokio::test]
async fn the_follow_up_survives_a_restart() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    let (_, rate) = sos(&h, ALICE).await;
    h.tap(ALICE, rate.message_id, "7").await;
    h.wait_text(ALICE, rate.message_id, "Urge now: 7/10").await;
    h.kill_bot().await;
    h.clock.advance(chrono::TimeDelta::minutes(16));
    let count = h.count(ALICE);
    h.start_bot(recovery_checkin_bot::app::Parts::ALL).await;
    let follow = h
        .next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    h.tap(ALICE, follow.message_id, "2").await;
    h.wait_text(ALICE, follow.message_id, "The urge went from 7 to 2")
        .await;
}

#[tokio::test]
async fn an_urge_of_ten_opens_the_crisis_screen() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let (_, rate) = sos(&h, ALICE).await;
    let count = h.count(ALICE);
    h.tap(ALICE, rate.message_id, "10").await;
    let screen = h
        .next_message_with(ALICE, count, "wished you were dead")
        .await;
    assert!(
        screen.buttons().any(|b| b.url.is_some()),
        "the crisis line is one tap away: {screen:#?}"
    );
    // One bridging sentence first, not a jump straight to the question.
    assert!(
        screen.text.starts_with("An urge of 10 is a lot to carry"),
        "{}",
        screen.text
    );
}

#[tokio::test]
async fn stale_forged_and_foreign_ratings_change_nothing() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    let (_, rate) = sos(&h, ALICE).await;
    h.tap(ALICE, rate.message_id, "6").await;
    h.wait_text(ALICE, rate.message_id, "Urge now: 6/10").await;
    // A second tap on the same question (its buttons are gone; a forged one).
    let toast = h
        .tap_data(ALICE, rate.message_id, "sos:1:0:2")
        .await
        .unwrap();
    assert!(toast.contains("Already saved"), "{toast}");
    // A follow-up round that was never asked.
    let toast = h
        .tap_data(ALICE, rate.message_id, "sos:1:2:2")
        .await
        .unwrap();
    assert!(toast.contains("doesn't work anymore"), "{toast}");
    // Bob answers Alice's SOS.
    let hint = h.say(BOB, "hello").await;
    let toast = h.tap_data(BOB, hint.message_id, "sos:1:1:0").await.unwrap();
    assert!(toast.contains("doesn't work anymore"), "{toast}");
    let db = h.db().await;
    let urges: Vec<(i64, i64)> = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
        "SELECT round, urge FROM sos_ratings"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(urges, vec![(0, 6)]);
}

#[tokio::test]
async fn a_second_tap_within_a_minute_is_the_same_sos() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    sos(&h, ALICE).await;
    let count = h.count(ALICE);
    h.fake.user_sends(ALICE, "/sos");
    // Updates of a chat are handled in order: the answer to "hello" comes after the /sos.
    let reply = h.say(ALICE, "hello").await;
    assert!(
        reply.text.contains("I'm not sure what you mean"),
        "{}",
        reply.text
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.count(ALICE), count + 1, "no second step or question");
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM sos WHERE id > $1", 0)
            .await,
        Some(1)
    );
}

#[tokio::test]
async fn a_new_sos_replaces_the_pending_follow_up_and_an_old_one_asks_no_more() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let (_, first) = sos(&h, ALICE).await;
    h.tap(ALICE, first.message_id, "8").await;
    h.wait_text(ALICE, first.message_id, "Urge now: 8/10").await;
    // The first follow-up arrives; before answering it, a new SOS.
    let count = h.count(ALICE);
    h.clock.advance(chrono::TimeDelta::minutes(15));
    let old_follow = h
        .next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    h.clock.advance(chrono::TimeDelta::minutes(2));
    let (_, second) = sos(&h, ALICE).await;
    h.tap(ALICE, second.message_id, "7").await;
    h.wait_text(ALICE, second.message_id, "Urge now: 7/10")
        .await;
    // Answering the old follow-up late: still high, another step, but no second follow-up.
    h.tap(ALICE, old_follow.message_id, "9").await;
    let late = h
        .wait_text(ALICE, old_follow.message_id, "That's a lot to carry")
        .await;
    assert!(late.text.contains("/sos any time"), "{}", late.text);
    // Only the new SOS asks again. (Polled: the messages just sent are "pending" until their
    // outcome is recorded, a moment after Telegram accepted them.)
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE 'sos:%' AND status = 'pending' AND id > $1",
        0,
        Some(1),
    )
    .await;
    let count = h.count(ALICE);
    h.clock.advance(chrono::TimeDelta::minutes(15));
    h.next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let followups = h.fake.bot_messages(ALICE)[count..]
        .iter()
        .filter(|m| m.text.contains("It's been 15 minutes"))
        .count();
    assert_eq!(followups, 1);
}

#[tokio::test]
async fn sos_works_before_joining_and_stores_nothing() {
    let h = Harness::start().await;
    let m = h.say(ALICE, "/sos").await;
    assert!(
        suggestion_in(&content(), Need::Sos, "en", &m.text).is_some(),
        "{}",
        m.text
    );
    assert!(m.text.contains("join with /start"), "{}", m.text);
    assert!(m.has_button(CRISIS_BUTTON));
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM sos WHERE id > $1", 0)
            .await,
        Some(0)
    );
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM patients WHERE id > $1", 0)
            .await,
        Some(0)
    );
}

#[tokio::test]
async fn the_sos_button_on_a_check_in_starts_the_flow() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    assert!(m.has_button(SOS), "{m:#?}");
    let count = h.count(ALICE);
    h.tap(ALICE, m.message_id, SOS).await;
    h.next_message_with(ALICE, count, "How strong is the urge right now")
        .await;
}

#[tokio::test]
async fn an_urge_that_did_not_go_down_but_is_not_high_gets_thanks_and_no_more_follow_ups() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let (_, rate) = sos(&h, ALICE).await;
    h.tap(ALICE, rate.message_id, "3").await;
    h.wait_text(ALICE, rate.message_id, "Urge now: 3/10").await;
    let count = h.count(ALICE);
    h.clock.advance(chrono::TimeDelta::minutes(15));
    let follow = h
        .next_message_with(ALICE, count, "It's been 15 minutes")
        .await;
    h.tap(ALICE, follow.message_id, "5").await;
    let steady = h
        .wait_text(
            ALICE,
            follow.message_id,
            "Urge now: 5/10. Thank you for telling me",
        )
        .await;
    assert!(steady.has_button(CRISIS_BUTTON));
    assert!(!steady.text.contains("went from"), "{}", steady.text);
    no_pending_followups(&h).await;
}
