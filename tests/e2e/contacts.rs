//! Support contacts as two people use them: the patient invites with /contact, the contact
//! opens the deep link and accepts; worsening answers alert every contact once; answers,
//! cooldown, escalation; a contact who blocked the bot; the crisis screen's immediate alert.

use crate::coping::checkin_with;
use crate::support::*;
use chrono::TimeDelta;
use fake_telegram::ChatMessage;

pub const CAROL: i64 = 1003;
pub const DAVE: i64 = 1004;
pub const ALERT: &str = "warning signs have been building";

/// The invitation token in the link the bot showed.
fn token_in(text: &str) -> String {
    let start = text.find("?start=").expect("a deep link") + "?start=".len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The patient (enrolled) makes an invitation under `name`; returns the link message.
pub async fn invite(h: &Harness, patient: i64, name: &str, share: &str) -> ChatMessage {
    invite_choosing(h, patient, name, share, "No, only with other signs").await
}

/// As `invite`, choosing whether a reported use alone tells them (`use_choice`, a label).
pub async fn invite_choosing(
    h: &Harness,
    patient: i64,
    name: &str,
    share: &str,
    use_choice: &str,
) -> ChatMessage {
    let menu = h.say(patient, "/contact").await;
    let n = h.count(patient);
    h.tap(patient, menu.message_id, "➕ Invite someone").await;
    h.next_message_with(patient, n, "What name should they see")
        .await;
    let ask = h.say(patient, name).await;
    assert!(
        ask.text.contains("What should they receive"),
        "{}",
        ask.text
    );
    h.tap(patient, ask.message_id, share).await;
    let use_ask = h
        .wait_text(patient, ask.message_id, "should I tell them that day")
        .await;
    h.tap(patient, use_ask.message_id, use_choice).await;
    h.wait_text(
        patient,
        ask.message_id,
        "t.me/recovery_checkin_test_bot?start=",
    )
    .await
}

/// `contact` opens the patient's invitation and accepts; both sides are told.
pub async fn pair(h: &Harness, patient: i64, contact: i64, name: &str, share: &str) {
    pair_choosing(
        h,
        patient,
        contact,
        name,
        share,
        "No, only with other signs",
    )
    .await
}

/// As `pair`, choosing whether a reported use alone tells the contact (a button label).
pub async fn pair_choosing(
    h: &Harness,
    patient: i64,
    contact: i64,
    name: &str,
    share: &str,
    use_choice: &str,
) {
    let link = invite_choosing(h, patient, name, share, use_choice).await;
    let shown = h
        .say(contact, &format!("/start {}", token_in(&link.text)))
        .await;
    assert!(shown.text.contains(name), "{}", shown.text);
    // What they would receive says whether a reported use alone tells them.
    assert_eq!(
        shown
            .text
            .contains("If they tell me in a check-in that they used")
            || shown
                .text
                .contains("Si en un registro me dice que consumió"),
        use_choice.starts_with("Yes"),
        "{}",
        shown.text
    );
    // By the button's data: the contact may read another language.
    let accept = shown
        .buttons()
        .find_map(|b| {
            b.callback_data
                .clone()
                .filter(|d| d.starts_with("ia:") && d.ends_with(":y"))
        })
        .expect("an accept button");
    let n = h.count(patient);
    h.tap_data(contact, shown.message_id, &accept).await;
    h.fake
        .wait_for("the invitation answered", |s| {
            s.message(contact, shown.message_id)
                .filter(|m| m.edits > 0)
                .map(|_| ())
        })
        .await;
    h.next_message_with(patient, n, "accepted your invitation")
        .await;
}

pub fn alerts_to(h: &Harness, user: i64, needle: &str) -> Vec<ChatMessage> {
    h.fake
        .bot_messages(user)
        .into_iter()
        .filter(|m| m.text.contains(needle))
        .collect()
}

/// Two days of bad nights and low mood with craving rising to strong: a cluster at the third
/// check-in (the first two, bad nights and low mood, are not one).
pub async fn three_worsening_days(h: &Harness, patient: i64) {
    let day = |d: u32, hour: u32| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, d, hour, 0, 0).unwrap()
    };
    // Mood, hours slept, sleep quality, craving, use.
    h.clock.set(day(2, 14));
    checkin_with(h, patient, ["3", "4", "3", "4", "No"], "").await;
    h.clock.set(day(3, 14));
    checkin_with(h, patient, ["3", "4", "2", "6", "No"], "").await;
    h.drain_outbox().await;
    assert!(
        alerts_to(h, 1002, ALERT).is_empty() && alerts_to(h, CAROL, ALERT).is_empty(),
        "bad nights and low mood alone are not a cluster"
    );
    h.clock.set(day(4, 13));
    // The third day's note must never reach a contact.
    let m = h.say(patient, "/checkin").await;
    for label in ["2", "3", "2", "8", "No"] {
        h.answer(patient, m.message_id, label).await;
    }
    h.say(patient, "private words about my brother").await;
}

/// The evening prompt (20:00 New York, 01:00 UTC) and the next morning's (08:00, 13:00 UTC) are
/// sent and go unanswered: hour by hour, the scheduler driven and the outbox drained. Returns
/// how many "are you OK?" were queued.
pub async fn miss_two_check_ins(h: &Harness) -> u64 {
    let mut asked = 0;
    for hour in 0..18 {
        let t = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 3, 0, 0, 0).unwrap()
            + TimeDelta::hours(hour);
        h.clock.set(t);
        asked += h.tick().await.ok_checks;
        h.drain_outbox().await;
    }
    asked
}

#[tokio::test]
async fn pairing_shows_what_is_shared_and_needs_both_sides() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let token = token_in(&link.text);
    assert_eq!(token.len(), 48, "{token}");
    // Only a hash of the token is stored.
    let db = h.db().await;
    let stored: String = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT token_hash FROM invites"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_ne!(stored, token);
    db.close().await;

    let shown = h.say(BOB, &format!("/start {token}")).await;
    assert!(shown.text.contains("Sam has invited you"), "{}", shown.text);
    assert!(shown.text.contains("An alert if warning signs build up"));
    assert!(
        !shown.text.contains("Once a week"),
        "alerts only: no weekly summary promised"
    );
    assert!(shown.has_button("✅ Accept") && shown.has_button("No, thanks"));
    // Nothing is set up by opening the link.
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM links WHERE patient_id = $1", 1)
            .await,
        Some(0)
    );
    let n = h.count(ALICE);
    h.tap(BOB, shown.message_id, "✅ Accept").await;
    let done = h
        .wait_text(
            BOB,
            shown.message_id,
            "You're now a support contact for Sam",
        )
        .await;
    assert!(
        done.text.contains("911"),
        "what to do in danger: {}",
        done.text
    );
    let told = h
        .next_message_with(ALICE, n, "Bob accepted your invitation")
        .await;
    assert!(told.text.contains("alerts as you chose"), "{}", told.text);

    let menu = h.say(ALICE, "/contact").await;
    assert!(menu.text.contains("• Bob: alerts only"), "{}", menu.text);
    let patients = h.say(BOB, "/patients").await;
    assert!(
        patients
            .text
            .contains("Sam: last check-in none yet. Checking in."),
        "{}",
        patients.text
    );
    // Someone who is not a contact has no patients, and hears nothing of Alice.
    h.fake.add_user(DAVE, "Dave", Some("en"));
    let none = h.say(DAVE, "/patients").await;
    assert!(none.text.contains("not a support contact"), "{}", none.text);
}

#[tokio::test]
async fn declined_used_expired_forged_and_own_links_are_refused_politely() {
    let h = Harness::start().await;
    h.fake.add_user(CAROL, "Carol", Some("en"));
    h.enroll(ALICE).await;

    // Declined: the patient is told, nothing is set up, the link is spent.
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let token = token_in(&link.text);
    let shown = h.say(BOB, &format!("/start {token}")).await;
    let n = h.count(ALICE);
    h.tap(BOB, shown.message_id, "No, thanks").await;
    h.wait_text(BOB, shown.message_id, "nothing about you is stored")
        .await;
    h.next_message_with(ALICE, n, "The person you invited said no")
        .await;
    let again = h.say(BOB, &format!("/start {token}")).await;
    assert!(again.text.contains("doesn't work"), "{}", again.text);

    // Opened by one person, the link is theirs: another cannot use it, nor tap its buttons.
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let token = token_in(&link.text);
    let shown = h.say(BOB, &format!("/start {token}")).await;
    let other = h.say(CAROL, &format!("/start {token}")).await;
    assert!(other.text.contains("doesn't work"), "{}", other.text);
    let accept = shown
        .button("✅ Accept")
        .unwrap()
        .callback_data
        .clone()
        .unwrap();
    h.tap_data(CAROL, other.message_id, &accept).await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM links WHERE patient_id = $1", 1)
            .await,
        Some(0)
    );
    h.tap(BOB, shown.message_id, "✅ Accept").await;
    h.wait_text(BOB, shown.message_id, "You're now a support contact")
        .await;
    // Used: it does not work a second time.
    let reused = h.say(CAROL, &format!("/start {token}")).await;
    assert!(reused.text.contains("doesn't work"), "{}", reused.text);

    // Expired after 24 hours.
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    h.clock.advance(TimeDelta::hours(24));
    let late = h
        .say(CAROL, &format!("/start {}", token_in(&link.text)))
        .await;
    assert!(late.text.contains("expired"), "{}", late.text);

    // The patient's own link.
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let own = h
        .say(ALICE, &format!("/start {}", token_in(&link.text)))
        .await;
    assert!(own.text.contains("your own invitation"), "{}", own.text);

    // Guessing: after five links that do not work, even a good one waits an hour.
    h.fake.add_user(DAVE, "Dave", Some("en"));
    for guess in ["abc", "0123456789abcdef0123456789abcdef0123456789abcdef"] {
        let r = h.say(DAVE, &format!("/start {guess}")).await;
        assert!(r.text.contains("doesn't work"), "{}", r.text);
    }
    for _ in 0..3 {
        h.say(
            DAVE,
            "/start ffffffffffffffffffffffffffffffffffffffffffffffff",
        )
        .await;
    }
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let slowed = h
        .say(DAVE, &format!("/start {}", token_in(&link.text)))
        .await;
    assert!(slowed.text.contains("wait an hour"), "{}", slowed.text);
    h.clock.advance(TimeDelta::minutes(61));
    let ok = h
        .say(DAVE, &format!("/start {}", token_in(&link.text)))
        .await;
    assert!(ok.text.contains("Sam has invited you"), "{}", ok.text);
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM links WHERE patient_id = $1", 1)
            .await,
        Some(1),
        "only Bob, who accepted"
    );
}

#[tokio::test]
async fn either_side_can_end_it_and_the_other_is_told() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    let menu = h.say(ALICE, "/contact").await;
    let n = h.count(BOB);
    h.tap(ALICE, menu.message_id, "End: Bob").await;
    h.wait_text(
        ALICE,
        menu.message_id,
        "Bob won't get alerts about you anymore",
    )
    .await;
    h.next_message_with(BOB, n, "Sam has ended sharing with you")
        .await;
    let none = h.say(BOB, "/patients").await;
    assert!(none.text.contains("not a support contact"), "{}", none.text);

    pair(&h, ALICE, BOB, "Sam", "Alerts and weekly summary").await;
    let stop = h.say(BOB, "/stop").await;
    let n = h.count(ALICE);
    h.tap(BOB, stop.message_id, "Stop: Sam").await;
    h.wait_text(
        BOB,
        stop.message_id,
        "you won't get alerts about Sam anymore",
    )
    .await;
    h.next_message_with(ALICE, n, "Bob has stopped being your support contact")
        .await;
    let menu = h.say(ALICE, "/contact").await;
    assert!(
        menu.text.contains("no support contacts yet"),
        "{}",
        menu.text
    );
}

#[tokio::test]
async fn three_worsening_days_alert_each_contact_once_with_the_signs_and_no_notes() {
    let h = Harness::start_driven().await;
    h.fake.add_user(CAROL, "Carol", Some("es"));
    h.fake.add_user(DAVE, "Dave", Some("en"));
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    pair(&h, ALICE, CAROL, "Sam", "Alerts only").await;
    let n = h.count(ALICE);
    three_worsening_days(&h, ALICE).await;
    let bob = h.next_message_with(BOB, 0, ALERT).await;
    // What was seen, and over what time: truthfully.
    for sign in [
        "over the last 2 days:",
        "a strong craving at one check-in",
        "cravings rising",
        "low mood at 3 check-ins",
        "short sleep 3 nights",
        "poor sleep 3 nights",
    ] {
        assert!(bob.text.contains(sign), "{sign} missing: {}", bob.text);
    }
    assert!(
        bob.text.contains("Sam") && bob.text.contains("911"),
        "{}",
        bob.text
    );
    assert!(
        !bob.text.contains("brother"),
        "never the notes: {}",
        bob.text
    );
    assert!(bob.has_button("✅ I reached out") && bob.has_button("Can't right now"));
    // Carol reads it in her language.
    let carol = h.next_message_with(CAROL, 0, "señales de alarma").await;
    assert!(
        carol.text.contains("Sam") && carol.text.contains("en los últimos 2 días"),
        "{}",
        carol.text
    );
    let told = h
        .next_message_with(ALICE, n, "so I've let Bob and Carol know")
        .await;
    assert!(told.text.contains("a strong craving"), "{}", told.text);

    // Another bad check-in the same day: the cooldown holds.
    checkin_with(&h, ALICE, ["1", "3", "2", "9", "No"], "").await;
    h.drain_outbox().await;
    assert_eq!(alerts_to(&h, BOB, ALERT).len(), 1);
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM alerts WHERE patient_id = $1", 1)
            .await,
        Some(1)
    );
    // The alert is recorded with the signals that fired it.
    let db = h.db().await;
    let signals: String = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT signals FROM alerts"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    db.close().await;
    assert!(
        signals.contains("craving-high") && signals.contains("sleep-short"),
        "{signals}"
    );
    // Nobody else heard anything.
    assert_eq!(h.count(DAVE), 0);

    // Bob reached out: Sam is told; a second tap changes nothing.
    let n = h.count(ALICE);
    h.tap(BOB, bob.message_id, "✅ I reached out").await;
    h.next_message_with(BOB, 0, "I've let Sam know you reached out")
        .await;
    h.next_message_with(ALICE, n, "Bob says they've reached out to you")
        .await;
    let data = format!(
        "al:1:{}:r",
        h.scalar_i64("SELECT id FROM links WHERE contact_id = $1", 1)
            .await
            .unwrap()
    );
    let toast = h.tap_data(BOB, bob.message_id, &data).await.unwrap();
    assert!(toast.contains("already answered"), "{toast}");
    // Carol cannot answer for Bob's link.
    let toast = h.tap_data(CAROL, carol.message_id, &data).await.unwrap();
    assert!(toast.contains("ya no funciona"), "in her language: {toast}");
}
