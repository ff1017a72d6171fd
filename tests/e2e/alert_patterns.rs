//! Alerts a contact can trust (issue 11), as a patient and their contacts use the bot: one bad
//! night or an SOS ridden out alerts nobody; "Not great" and "Ask Bob to reach out" reach Bob
//! once, also across a restart; a reported use tells only the contact chosen for it; the
//! invitation's share button speaks to the person invited; contacts never get the patient's
//! "I'm not safe" button.

use crate::contacts::{
    alerts_to, invite, miss_two_check_ins, pair, pair_choosing, three_worsening_days, ALERT,
};
use crate::coping::checkin_with;
use crate::support::*;
use chrono::{TimeDelta, TimeZone, Utc};

const CAROL: i64 = 1003;
const NOT_SAFE: &str = "🛑 I'm not safe";

/// Alice sends /sos and rates the urge.
async fn sos_rated(h: &Harness, urge: u8) {
    let (_, rate) = crate::sos::sos(h, ALICE).await;
    h.tap(ALICE, rate.message_id, &urge.to_string()).await;
    h.wait_text(ALICE, rate.message_id, &format!("Urge now: {urge}/10"))
        .await;
}

fn at(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

#[tokio::test]
async fn one_bad_night_alerts_nobody() {
    let h = Harness::start_driven().await;
    h.fake.add_user(CAROL, "Carol", Some("en"));
    h.enroll(ALICE).await;
    h.enroll(CAROL).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    pair(&h, CAROL, BOB, "Cee", "Alerts only").await;
    // The new user's very first check-in: mood 3, slept 4 h, quality 3, no craving, no use.
    checkin_with(&h, ALICE, ["3", "4", "3", "0", "No"], "").await;
    // And the worst single check-in there is, as another patient's first.
    checkin_with(&h, CAROL, ["1", "2", "1", "9", "No"], "").await;
    h.drain_outbox().await;
    assert!(alerts_to(&h, BOB, ALERT).is_empty());
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM alerts WHERE id > $1", 0)
            .await,
        Some(0)
    );
    // A second bad day for Alice is a pattern: two check-ins a day apart, three kinds, low
    // mood at both.
    h.clock.set(at(3, 14));
    checkin_with(&h, ALICE, ["2", "3", "2", "8", "No"], "").await;
    let alert = h.next_message_with(BOB, 0, ALERT).await;
    assert!(
        alert.text.contains("Sam") && alert.text.contains("over the last 2 days"),
        "{}",
        alert.text
    );
}

#[tokio::test]
async fn an_sos_ridden_out_and_low_mood_alert_nobody() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    sos_rated(&h, 8).await;
    let n = h.count(ALICE);
    h.clock.advance(TimeDelta::minutes(15));
    let follow = h.next_message_with(ALICE, n, "It's been 15 minutes").await;
    h.tap(ALICE, follow.message_id, "3").await;
    h.wait_text(ALICE, follow.message_id, "You rode the wave")
        .await;
    // That evening the strongest urge since the last check-in was that one (8), with low mood
    // and a bad night; the next morning, low mood again.
    h.clock.set(at(3, 1));
    checkin_with(&h, ALICE, ["2", "4", "3", "8", "No"], "").await;
    h.clock.set(at(3, 14));
    checkin_with(&h, ALICE, ["3", "7", "6", "2", "No"], "").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(alerts_to(&h, BOB, ALERT).is_empty());
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM alerts WHERE patient_id = $1", 1)
            .await,
        Some(0),
        "asking for help counted against nobody"
    );
}

#[tokio::test]
async fn not_great_is_a_sign_and_ask_bob_to_reach_out_reaches_bob_once_across_a_restart() {
    let mut h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    let n = h.count(ALICE);
    miss_two_check_ins(&h).await;
    let ok = h.next_message_with(ALICE, n, "are you OK?").await;
    let n = h.count(ALICE);
    h.tap(ALICE, ok.message_id, "Not great").await;
    let reply = h
        .next_message_with(ALICE, n, "Thank you for telling me")
        .await;
    assert!(reply.has_button(CRISIS_BUTTON), "{reply:#?}");
    let ask = "💬 Ask Bob to reach out";
    assert!(reply.has_button(ask), "{reply:#?}");
    // Stored as what it is: "not great", a warning sign.
    let db = h.db().await;
    let answer: Option<String> = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT answer FROM ok_checks"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    db.close().await;
    assert_eq!(answer.as_deref(), Some("not-great"));
    assert!(
        alerts_to(&h, BOB, "asked me to let you know").is_empty(),
        "not before the tap"
    );

    // The first send to Bob is lost on the way, and the bot is killed while it waits.
    h.fake.fail_next_for_chat(
        "sendMessage",
        BOB,
        fake_telegram::Fault::Lost(std::time::Duration::from_secs(30)),
        1,
    );
    let n = h.count(ALICE);
    h.tap(ALICE, reply.message_id, ask).await;
    h.next_message_with(ALICE, n, "I'm asking Bob to reach out to you")
        .await;
    // The send has reached the fake (the fault is used up) and hangs there.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while h.fake.faults_left() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the send never came"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    h.kill_bot().await;
    h.start_bot(DRIVEN).await;
    let to_bob = h
        .next_message_with(BOB, 0, "Sam asked me to let you know")
        .await;
    // Only now is Alice told that it reached Bob (issue 12 item 2).
    h.next_message_with(ALICE, 0, "✓ Bob has my message now")
        .await;
    // Once it is recorded as sent, the bot is killed and started again. (A kill in the instant
    // between Telegram's answer and that record is the outbox's known window for a duplicate:
    // issue 12.)
    h.wait_db(
        "SELECT COUNT(*) FROM outbox o JOIN alerts a ON a.id = o.alert_id
         WHERE a.kind = 'request' AND o.status = 'sent' AND o.id > $1",
        0,
        Some(1),
    )
    .await;
    h.kill_bot().await;
    h.start_bot(DRIVEN).await;
    assert!(
        to_bob.has_button("✅ I reached out") && !to_bob.has_button(NOT_SAFE),
        "{to_bob:#?}"
    );
    assert!(to_bob.text.contains("911"), "{}", to_bob.text);
    // A second tap (the same button, after the restart) sends nothing twice.
    let n = h.count(ALICE);
    h.tap(ALICE, reply.message_id, ask).await;
    h.next_message_with(ALICE, n, "I've already asked Bob")
        .await;
    h.drain_outbox().await;
    assert_eq!(alerts_to(&h, BOB, "asked me to let you know").len(), 1);
    // Bob answers like an alert: Sam hears it.
    let n = h.count(ALICE);
    h.tap(BOB, to_bob.message_id, "✅ I reached out").await;
    h.next_message_with(ALICE, n, "Bob says they've reached out to you")
        .await;
    // Forged data for someone else's check is refused and sends nothing.
    let toast = h.tap_data(ALICE, reply.message_id, "ro:o:999").await;
    assert!(
        toast.is_some_and(|t| t.contains("doesn't work")),
        "a forged reach-out"
    );
}

#[tokio::test]
async fn a_reported_use_tells_only_the_contact_chosen_for_it_and_offers_to_ask_for_support() {
    let h = Harness::start_driven().await;
    h.fake.add_user(CAROL, "Carol", Some("en"));
    h.enroll(ALICE).await;
    pair_choosing(
        &h,
        ALICE,
        BOB,
        "Sam",
        "Alerts only",
        "Yes, tell them that day",
    )
    .await;
    pair(&h, ALICE, CAROL, "Sam", "Alerts only").await;
    // The patient sees what each contact gets.
    let menu = h.say(ALICE, "/contact").await;
    assert!(
        menu.text
            .contains("• Bob: alerts only, and told the day you report a use"),
        "{}",
        menu.text
    );
    assert!(
        menu.text.contains("• Carol: alerts only") && !menu.text.contains("Carol: alerts only,"),
        "{}",
        menu.text
    );
    let n = h.count(ALICE);
    checkin_with(&h, ALICE, ["5", "7", "6", "4", "Yes"], "").await;
    let bob = h
        .next_message_with(BOB, 0, "told me in a check-in that they used")
        .await;
    assert!(
        bob.text.contains("without blame") || bob.text.contains("support without blame"),
        "{}",
        bob.text
    );
    assert!(bob.has_button("✅ I reached out") && !bob.has_button(NOT_SAFE));
    h.next_message_with(ALICE, n, "I've let Bob know").await;
    let lapse = h.next_message_with(ALICE, n, "That took courage").await;
    assert!(
        lapse.has_button("💬 Ask Bob and Carol to reach out"),
        "{lapse:#?}"
    );
    h.drain_outbox().await;
    assert!(
        alerts_to(&h, CAROL, "that they used").is_empty(),
        "Carol was not chosen for it"
    );
    // The same check-in's use is told once, whatever is evaluated later.
    h.clock.advance(TimeDelta::hours(1));
    checkin_with(&h, ALICE, ["6", "7", "6", "2", "No"], "").await;
    h.drain_outbox().await;
    assert_eq!(alerts_to(&h, BOB, "that they used").len(), 1);

    // She changes her mind in /contact: Bob is told, and the next use is one sign only.
    let menu = h.say(ALICE, "/contact").await;
    h.tap(ALICE, menu.message_id, "Bob: a use only as a warning sign")
        .await;
    h.wait_text(
        ALICE,
        menu.message_id,
        "a use you report is only one warning sign for Bob",
    )
    .await;
    h.next_message_with(BOB, 0, "Sam changed what you receive")
        .await;
    h.clock.advance(TimeDelta::days(1));
    checkin_with(&h, ALICE, ["6", "7", "6", "2", "Yes"], "").await;
    h.drain_outbox().await;
    assert_eq!(alerts_to(&h, BOB, "that they used").len(), 1);
}

#[tokio::test]
async fn the_invitation_share_button_speaks_to_the_invitee_and_the_name_is_remembered() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    let link = invite(&h, ALICE, "Sam", "Alerts only").await;
    let share = link
        .buttons()
        .find(|b| b.text == "📤 Share invitation")
        .and_then(|b| b.url.clone())
        .unwrap_or_else(|| panic!("a share button: {link:#?}"));
    let url = reqwest::Url::parse(&share).unwrap();
    assert_eq!(url.host_str(), Some("t.me"));
    assert_eq!(url.path(), "/share/url");
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(
        q["url"].starts_with("https://t.me/recovery_checkin_test_bot?start="),
        "{q:?}"
    );
    assert!(link.text.contains(&q["url"]), "the same link to copy");
    // Addressed to the person invited, in the patient's name, not to the patient.
    assert!(
        q["text"].contains("Sam would like you as their support contact"),
        "{q:?}"
    );
    assert!(!q["text"].contains("Forward"), "{q:?}");
    assert!(link.has_button(CRISIS_BUTTON));

    // The next invitation offers the same name.
    let menu = h.say(ALICE, "/contact").await;
    let n = h.count(ALICE);
    h.tap(ALICE, menu.message_id, "➕ Invite someone").await;
    let ask = h
        .next_message_with(ALICE, n, "use the same as last time")
        .await;
    h.tap(ALICE, ask.message_id, "Use “Sam”").await;
    h.next_message_with(ALICE, n, "What should they receive about you, Sam?")
        .await;
}

#[tokio::test]
async fn messages_only_a_contact_receives_carry_no_patient_crisis_screen_button() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    three_worsening_days(&h, ALICE).await;
    h.next_message_with(BOB, 0, ALERT).await;
    h.say(BOB, "/patients").await;
    h.say(BOB, "/help").await;
    h.say(BOB, "/stop").await;
    let all = h.fake.bot_messages(BOB);
    assert!(all.len() >= 5, "{all:#?}");
    for m in &all {
        assert!(
            !m.has_button(NOT_SAFE),
            "a contact got the patient's button: {m:#?}"
        );
        assert!(
            m.has_button(CRISIS_BUTTON) || m.buttons().any(|b| b.url.is_some()),
            "crisis help one tap away: {m:#?}"
        );
    }
}

#[tokio::test]
async fn a_queued_follow_up_follows_a_language_switch() {
    let h = Harness::start().await;
    h.enroll(ALICE).await;
    sos_rated(&h, 8).await;
    // Queued in English; she switches to Spanish before it is due.
    h.say(ALICE, "/language es").await;
    let n = h.count(ALICE);
    h.clock.advance(TimeDelta::minutes(15));
    let follow = h.next_message_with(ALICE, n, "Han pasado 15 minutos").await;
    assert!(
        follow.has_button("7") && follow.has_button("🆘 Ayuda en crisis"),
        "{follow:#?}"
    );
    // The rating buttons still answer the same SOS.
    h.tap(ALICE, follow.message_id, "3").await;
    h.wait_text(ALICE, follow.message_id, "3").await;
    assert_eq!(
        h.scalar_i64(
            "SELECT urge FROM sos_ratings WHERE round = 1 AND sos_id = $1",
            1
        )
        .await,
        Some(3)
    );
}
