//! "I'm not safe": the C-SSRS screen, the crisis line, the safety plan, and the immediate alert
//! to support contacts that bypasses the cooldown.

use crate::support::*;

const NOT_SAFE: &str = "🛑 I'm not safe";

/// Alice pairs with Bob (as "Sam"), the way /contact does it.
async fn paired(h: &Harness) {
    h.enroll(ALICE).await;
    crate::contacts::pair(h, ALICE, BOB, "Sam", "Alerts only").await;
}

/// Taps "I'm not safe" under /help and returns the first question.
async fn open_screen(h: &Harness) -> fake_telegram::ChatMessage {
    let help = h.say(ALICE, "/help").await;
    assert!(help.has_button(NOT_SAFE) && help.has_button(CRISIS_BUTTON));
    let n = h.count(ALICE);
    h.tap(ALICE, help.message_id, NOT_SAFE).await;
    let q = h.next_message_with(ALICE, n, "wished you were dead").await;
    assert!(q.text.contains("I'm a bot"), "{}", q.text);
    assert!(
        q.buttons().any(|b| b.url.is_some()),
        "the crisis line one tap away: {q:#?}"
    );
    q
}

async fn answer(h: &Harness, q: &fake_telegram::ChatMessage, label: &str, next: &str) {
    h.tap(ALICE, q.message_id, label).await;
    h.wait_text(ALICE, q.message_id, next).await;
}

#[tokio::test]
async fn thoughts_of_suicide_alert_every_contact_at_once_and_show_the_crisis_line() {
    let h = Harness::start().await;
    paired(&h).await;
    // A cluster alert just went out: the crisis alert ignores its cooldown.
    let db = h.db().await;
    recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(
        "INSERT INTO alerts (patient_id, kind, signals, created_at, recipients)
         VALUES (1, 'alert', '[]', $1, 1)",
    )
    .bind(recovery_checkin_bot::clock::Clock::unix(&h.clock))
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    db.close().await;
    let q = open_screen(&h).await;
    answer(&h, &q, "Yes", "actual thoughts of killing yourself").await;
    answer(&h, &q, "Yes", "thinking about how").await;
    // At once, before the screen is finished.
    let alert = h.next_message_with(BOB, 0, "may not be safe").await;
    assert!(
        alert.text.contains("Sam") && alert.text.contains("911"),
        "{}",
        alert.text
    );
    assert!(alert.text.contains("988"), "{}", alert.text);
    // Alice is told in the screen's own message, above the next question: one flow, and the
    // newest message still has Yes / No and the crisis line.
    let told = h
        .wait_text(ALICE, q.message_id, "I'm letting Bob know right now")
        .await;
    assert!(told.text.contains("thinking about how"), "{}", told.text);
    assert!(told.has_button("Yes") && told.has_button("No"), "{told:#?}");
    assert!(told.buttons().any(|b| b.url.is_some()), "{told:#?}");
    assert_eq!(
        h.fake.bot_messages(ALICE).last().unwrap().message_id,
        q.message_id,
        "no separate notice splits the questions"
    );
    answer(&h, &q, "No", "intention of acting").await;
    answer(&h, &q, "No", "details of how").await;
    answer(&h, &q, "No", "prepared to do anything").await;
    let n = h.count(ALICE);
    h.tap(ALICE, q.message_id, "No").await;
    let help = h
        .next_message_with(ALICE, n, "Thank you for telling me")
        .await;
    assert!(help.text.contains("call or text 988"), "{}", help.text);
    assert!(help.text.contains("911"), "{}", help.text);
    assert!(help.buttons().any(|b| b.url.is_some()));
    assert!(help.has_button("✍️ Write my safety plan"), "{help:#?}");
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM alerts WHERE kind = 'crisis' AND patient_id = $1",
            1
        )
        .await,
        Some(1),
        "one crisis alert per screen"
    );
    // A stale tap on an answered question changes nothing.
    let toast = h.tap_data(ALICE, q.message_id, "cs:1:1:n").await.unwrap();
    assert!(toast.contains("already answered"), "{toast}");

    // The safety plan: written step by step, any part skippable, seen again with /safetyplan.
    let n = h.count(ALICE);
    h.tap(ALICE, help.message_id, "✍️ Write my safety plan")
        .await;
    h.next_message_with(ALICE, n, "1 of 6").await;
    // Words of crisis in the plan are saved (a warning sign may well name them), and the
    // crisis line comes too.
    let n = h.count(ALICE);
    h.fake
        .user_sends(ALICE, "feeling trapped, thoughts of suicide");
    let second = h.next_message_with(ALICE, n, "2 of 6").await;
    h.next_message_with(ALICE, n, "You matter").await;
    let n = h.count(ALICE);
    h.tap(ALICE, second.message_id, "Skip").await;
    let third = h.next_message_with(ALICE, n, "3 of 6").await;
    assert!(third.has_button(CRISIS_BUTTON));
    let fourth = h.say(ALICE, "call Bob 555-0100").await;
    // Professionals and services: the crisis line is already there.
    assert!(
        fourth.text.contains("4 of 6") && fourth.text.contains("988"),
        "{}",
        fourth.text
    );
    let fifth = h.say(ALICE, "Dr Lee at the clinic").await;
    assert!(fifth.text.contains("5 of 6"), "{}", fifth.text);
    let sixth = h.say(ALICE, "give my pills to Bob").await;
    assert!(sixth.text.contains("reasons for living"), "{}", sixth.text);
    let saved = h.say(ALICE, "my daughter Mia").await;
    assert!(
        saved.text.contains("Your safety plan is saved"),
        "{}",
        saved.text
    );
    let plan = h.say(ALICE, "/safetyplan").await;
    for part in [
        "feeling trapped, thoughts of suicide",
        "(not written yet)",
        "call Bob 555-0100",
        "give my pills to Bob",
        "Dr Lee at the clinic",
        "my daughter Mia",
        "988",
        "911",
    ] {
        assert!(plan.text.contains(part), "{part} missing: {}", plan.text);
    }
    // The plan is never shared.
    assert!(h
        .fake
        .bot_messages(BOB)
        .iter()
        .all(|m| !m.text.contains("trapped")));
}

#[tokio::test]
async fn a_wish_to_be_dead_shows_help_without_alerting_and_all_no_is_met_kindly() {
    let h = Harness::start().await;
    paired(&h).await;
    let q = open_screen(&h).await;
    answer(&h, &q, "Yes", "actual thoughts").await;
    answer(&h, &q, "No", "prepared to do anything").await;
    let n = h.count(ALICE);
    h.tap(ALICE, q.message_id, "No").await;
    h.next_message_with(ALICE, n, "Thank you for telling me")
        .await;
    assert!(
        h.fake
            .bot_messages(BOB)
            .iter()
            .all(|m| !m.text.contains("not be safe")),
        "a wish to be dead alone shows the crisis line but alerts nobody"
    );

    let q = {
        // A new screen later on.
        h.clock.advance(chrono::TimeDelta::hours(1));
        open_screen(&h).await
    };
    answer(&h, &q, "No", "actual thoughts").await;
    answer(&h, &q, "No", "prepared to do anything").await;
    let n = h.count(ALICE);
    h.tap(ALICE, q.message_id, "No").await;
    let m = h.next_message_with(ALICE, n, "glad you're safe").await;
    assert!(
        m.has_button(CRISIS_BUTTON) && m.has_button(NOT_SAFE),
        "{m:#?}"
    );
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM alerts WHERE patient_id = $1", 1)
            .await,
        Some(0)
    );
}

#[tokio::test]
async fn preparatory_behaviour_alone_alerts() {
    let h = Harness::start().await;
    paired(&h).await;
    let q = open_screen(&h).await;
    answer(&h, &q, "No", "actual thoughts").await;
    answer(&h, &q, "No", "prepared to do anything").await;
    h.tap(ALICE, q.message_id, "Yes").await;
    h.next_message_with(BOB, 0, "may not be safe").await;
}

#[tokio::test]
async fn not_safe_from_someone_not_enrolled_shows_the_crisis_line_and_stores_nothing() {
    let h = Harness::start().await;
    let intro = h.say(ALICE, "/start").await;
    assert!(intro.has_button(NOT_SAFE), "{intro:#?}");
    let n = h.count(ALICE);
    h.tap(ALICE, intro.message_id, NOT_SAFE).await;
    let m = h.next_message_with(ALICE, n, "You matter").await;
    assert!(m.text.contains("988"));
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM crisis_screens WHERE patient_id >= $1",
            0
        )
        .await,
        Some(0)
    );
}

#[tokio::test]
async fn with_no_contact_the_screen_says_so_in_its_own_message_and_the_fallback_notice_is_withdrawn(
) {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let q = open_screen(&h).await;
    answer(&h, &q, "Yes", "actual thoughts").await;
    answer(&h, &q, "Yes", "thinking about how").await;
    let m = h
        .wait_text(ALICE, q.message_id, "no support contact yet")
        .await;
    assert!(m.has_button("Yes") && m.has_button("No"), "{m:#?}");
    assert!(
        !m.text.contains("/sos"),
        "not the cluster-alert wording: {}",
        m.text
    );
    // The queued copy (for a failed edit or a crash) is withdrawn, not sent later.
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE 'alert:%:patient' AND status = 'expired' AND id > $1",
        0,
        Some(1),
    )
    .await;
    h.clock.advance(chrono::TimeDelta::minutes(5));
    h.drain_outbox().await;
    assert_eq!(
        h.fake
            .bot_messages(ALICE)
            .iter()
            .filter(|m| m.text.contains("no support contact yet"))
            .count(),
        1
    );
}
