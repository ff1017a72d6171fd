//! /start, consent, time zone, help and crisis, as a new person would meet them.

use crate::support::*;

#[tokio::test]
async fn start_explains_the_bot_and_asks_for_consent() {
    let h = Harness::start().await;
    let intro = h.say(ALICE, "/start").await;
    assert!(
        intro.text.contains("not an emergency service"),
        "{}",
        intro.text
    );
    assert!(
        intro.text.contains("988"),
        "crisis line shown: {}",
        intro.text
    );
    assert!(
        intro.text.contains("not end-to-end encrypted"),
        "{}",
        intro.text
    );
    assert!(intro.text.contains("What I store"), "{}", intro.text);
    for b in ["I agree", "Not now", CRISIS_BUTTON] {
        assert!(intro.has_button(b), "missing {b}");
    }
    // Nothing is stored about someone who has not answered.
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
    // The command menu was registered.
    assert!(h.fake.request_count("setMyCommands") >= 1);
}

#[tokio::test]
async fn agreeing_then_choosing_a_zone_button_enrolls() {
    let h = Harness::start().await;
    let intro = h.say(ALICE, "/start").await;
    h.tap(ALICE, intro.message_id, "I agree").await;
    let ask = h.fake.wait_for_bot_message(ALICE, 2).await;
    assert!(ask.text.contains("Which time zone"), "{}", ask.text);
    // Each zone button shows the local time there (the clock says 13:00 UTC).
    assert!(ask.has_button("New York · 08:00"), "{ask:#?}");
    assert!(ask.has_button("Madrid · 14:00"), "{ask:#?}");
    assert!(ask.has_button(CRISIS_BUTTON));
    // The consent buttons are gone from the introduction; the crisis button stays.
    let intro_now = h.fake.message(ALICE, intro.message_id).unwrap();
    assert!(!intro_now.has_button("I agree"));
    assert!(intro_now.has_button(CRISIS_BUTTON));

    h.tap(ALICE, ask.message_id, "New York · 08:00").await;
    let done = h
        .wait_text(ALICE, ask.message_id, "Done: America/New_York")
        .await;
    assert!(done.text.contains("08:00"));
    assert!(done.has_button("Check in now"));
    assert_eq!(
        h.scalar_i64(
            "SELECT consent_version FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(recovery_checkin_bot::store::patients::CONSENT_VERSION)
    );
    let db = h.db().await;
    let zone: String = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT time_zone FROM patients WHERE telegram_user_id = $1"
    )
    .bind(ALICE)
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(zone, "America/New_York");

    // /start again does not enroll twice.
    let again = h.say(ALICE, "/start").await;
    assert!(again.text.contains("already set up"), "{}", again.text);
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );
}

#[tokio::test]
async fn typed_time_zones_get_a_kind_retry_until_valid() {
    let h = Harness::start().await;
    let intro = h.say(BOB, "/start").await;
    h.tap(BOB, intro.message_id, "I agree").await;
    h.fake.wait_for_bot_message(BOB, 2).await;

    let reply = h.say(BOB, "Atlantis").await;
    assert!(
        reply.text.contains("couldn't find that place"),
        "{}",
        reply.text
    );
    assert!(reply.has_button(CRISIS_BUTTON));
    let reply = h.say(BOB, "UTC+15").await;
    assert!(
        reply.text.contains("Offsets go from -12 to +14"),
        "{}",
        reply.text
    );
    let stored: Option<String> = {
        let db = h.db().await;
        recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_scalar(
            "SELECT time_zone FROM patients WHERE telegram_user_id = $1"
        )
        .bind(BOB)
        .fetch_one(c)
        .await)
        .unwrap()
    };
    assert_eq!(stored, None, "invalid input changes nothing");
    // A check-in cannot start before the zone is known.
    let reply = h.say(BOB, "/checkin").await;
    assert!(reply.text.contains("time zone"), "{}", reply.text);

    let reply = h.say(BOB, "madrid").await;
    assert!(reply.text.contains("Done: Europe/Madrid"), "{}", reply.text);
    assert!(reply.text.contains("14:00"), "{}", reply.text);

    let intro2 = h.say(ALICE, "/start").await;
    h.tap(ALICE, intro2.message_id, "I agree").await;
    h.fake.wait_for_bot_message(ALICE, 2).await;
    let reply = h.say(ALICE, "-05:30").await;
    assert!(reply.text.contains("Done: UTC-05:30"), "{}", reply.text);
    assert!(reply.text.contains("07:30"), "{}", reply.text);
}

#[tokio::test]
async fn not_now_stores_only_the_no() {
    let h = Harness::start().await;
    let intro = h.say(ALICE, "/start").await;
    h.tap(ALICE, intro.message_id, "Not now").await;
    let reply = h.fake.wait_for_bot_message(ALICE, 2).await;
    assert!(
        reply.text.contains("not saved anything about you"),
        "{}",
        reply.text
    );
    assert!(reply.has_button(CRISIS_BUTTON));
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM declined WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );

    // Commands before enrolment get a kind pointer to /start, and store nothing.
    let reply = h.say(ALICE, "/checkin").await;
    assert!(reply.text.contains("haven't joined yet"), "{}", reply.text);
    let reply = h.say(ALICE, "hello?").await;
    assert!(reply.text.contains("haven't joined yet"), "{}", reply.text);
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id >= $1", 0)
            .await,
        Some(0)
    );

    // Changing their mind later works and forgets the "no".
    let intro = h.say(ALICE, "/start").await;
    h.tap(ALICE, intro.message_id, "I agree").await;
    h.fake.wait_for_bot_message(ALICE, 6).await;
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM declined WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
}

#[tokio::test]
async fn crisis_line_is_one_tap_away_for_anyone() {
    let h = Harness::start().await;
    // Not enrolled at all.
    let crisis = h.say(BOB, "/crisis").await;
    assert!(crisis.text.contains("call or text 988"), "{}", crisis.text);
    assert!(crisis.text.contains("911"), "{}", crisis.text);
    let link = crisis.buttons().next().expect("a link button");
    assert!(
        link.url
            .as_deref()
            .unwrap()
            .starts_with("https://988lifeline.org"),
        "{link:?}"
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            BOB
        )
        .await,
        Some(0)
    );

    // From the help text, one tap.
    let help = h.say(ALICE, "/help").await;
    assert!(help.text.contains("/checkin"), "{}", help.text);
    assert!(help.text.contains("/crisis"), "{}", help.text);
    h.tap(ALICE, help.message_id, CRISIS_BUTTON).await;
    let crisis = h.fake.wait_for_bot_message(ALICE, 2).await;
    assert!(crisis.text.contains("call or text 988"), "{}", crisis.text);
}

#[tokio::test]
async fn group_chats_are_declined_politely() {
    let h = Harness::start().await;
    h.fake.group_message(-5000, ALICE, "/start");
    let reply = h.fake.wait_for_bot_message(-5000, 1).await;
    assert!(
        reply.text.contains("only work in private chats"),
        "{}",
        reply.text
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
}
