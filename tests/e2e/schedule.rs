//! Scheduled check-ins with a controlled clock. The harness clock starts on Monday
//! 2026-03-02 at 13:00 UTC (08:00 in New York, UTC−5). Enrolling in New York gives a morning
//! slot at 08:00 (next: 2026-03-03 13:00 UTC) and an evening slot at 20:00 (next: 2026-03-03
//! 01:00 UTC).

use crate::support::*;
use chrono::{TimeZone, Utc};
use recovery_checkin_bot::app::Parts;

pub async fn prompts_of_kind(h: &Harness, kind: &str) -> Vec<(String, i64, String)> {
    let db = h.db().await;
    let rows = recovery_checkin_bot::on!(db.reader(), |c| {
        sqlx::query_as(
        "SELECT local_date, due_at, status FROM prompts WHERE kind = $1 ORDER BY local_date, id",
    )
    .bind(kind)
    .fetch_all(c).await
    })
    .unwrap();
    db.close().await;
    rows
}

/// Moves the patient's morning check-in by typing a time in the /schedule editor.
async fn move_morning_to(h: &Harness, user: i64, time: &str) {
    let s = h.say(user, "/schedule").await;
    h.tap(user, s.message_id, "✏️ Morning 08:00").await;
    h.wait_text(user, s.message_id, "Tap a new time").await;
    let saved = h.say(user, time).await;
    assert!(saved.text.contains("Saved."), "{}", saved.text);
}

/// (local date, due time) of every morning prompt.
async fn morning_dates_and_times(h: &Harness) -> Vec<(String, i64)> {
    prompts_of_kind(h, "morning")
        .await
        .into_iter()
        .map(|(d, due, _)| (d, due))
        .collect()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .timestamp()
}

#[tokio::test]
async fn the_default_schedule_fires_at_local_times_once() {
    let h = Harness::start_driven().await;
    let done = h.enroll(ALICE).await;
    assert!(
        done.text.contains("every morning at 08:00")
            && done.text.contains("every evening at 20:00"),
        "{}",
        done.text
    );
    assert_eq!(
        h.at(2026, 3, 3, 0, 59).await.queued,
        0,
        "not before 20:00 local"
    );
    let n = h.count(ALICE);
    assert_eq!(h.at(2026, 3, 3, 1, 0).await.queued, 1);
    let evening = h.next_message_with(ALICE, n, "Good evening").await;
    for b in ["Start check-in", "Remind me in 30 min", CRISIS_BUTTON] {
        assert!(evening.has_button(b), "{b}: {evening:#?}");
    }
    assert_eq!(h.tick().await.queued, 0, "a second pass sends nothing more");

    // Start turns the prompt itself into the evening check-in (4 questions).
    h.tap(ALICE, evening.message_id, "Start check-in").await;
    let m = h.wait_text(ALICE, evening.message_id, "1 of 4").await;
    assert!(m.text.contains("How is your mood"), "{}", m.text);
    for label in ["6", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.tap(ALICE, m.message_id, "Skip").await;
    let done = h.wait_text(ALICE, m.message_id, "Thank you").await;
    assert!(
        !done.text.contains("Sleep"),
        "the evening check-in does not ask about sleep: {}",
        done.text
    );

    let n = h.count(ALICE);
    assert_eq!(h.at(2026, 3, 3, 13, 0).await.queued, 1);
    h.next_message_with(ALICE, n, "Good morning").await;
    assert_eq!(
        prompts_of_kind(&h, "evening").await,
        vec![(
            "2026-03-02".into(),
            utc(2026, 3, 3, 1, 0),
            "answered".into()
        )]
    );
}

#[tokio::test]
async fn slots_can_be_moved_by_tapping_or_typing() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let s = h.say(ALICE, "/schedule").await;
    assert!(
        s.text.contains("Evening at 20:00") && s.text.contains("Morning at 08:00"),
        "{}",
        s.text
    );
    h.tap(ALICE, s.message_id, "✏️ Evening 20:00").await;
    let editor = h.wait_text(ALICE, s.message_id, "Tap a new time").await;
    assert_eq!(
        h.tap(ALICE, editor.message_id, "21:30").await.as_deref(),
        Some("Saved.")
    );
    h.wait_text(ALICE, s.message_id, "Evening at 21:30").await;
    // Typed, for the morning.
    h.tap(ALICE, s.message_id, "✏️ Morning 08:00").await;
    h.wait_text(ALICE, s.message_id, "Tap a new time").await;
    let bad = h.say(ALICE, "half past seven").await;
    assert!(bad.text.contains("couldn't read that time"), "{}", bad.text);
    let ok = h.say(ALICE, "7:15").await;
    assert!(ok.text.contains("Morning at 07:15"), "{}", ok.text);

    assert_eq!(
        h.at(2026, 3, 3, 1, 0).await.queued,
        0,
        "20:00 is no longer a slot"
    );
    assert_eq!(h.at(2026, 3, 3, 2, 30).await.queued, 1, "21:30 local");
    assert_eq!(h.at(2026, 3, 3, 12, 15).await.queued, 1, "07:15 local");
    // Someone else's slot cannot be touched with a forged button.
    h.enroll(BOB).await;
    let slot: i64 = h
        .scalar_i64("SELECT MIN(id) FROM slots WHERE patient_id = $1", 1)
        .await
        .unwrap();
    let bob_schedule = h.say(BOB, "/schedule").await;
    let toast = h
        .tap_data(BOB, bob_schedule.message_id, &format!("s:{slot}:rm"))
        .await;
    assert!(toast.unwrap().contains("doesn't work"));
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM slots WHERE patient_id = $1", 1)
            .await,
        Some(2)
    );
}

#[tokio::test]
async fn the_random_afternoon_slot_stays_in_its_window_and_varies() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let s = h.say(ALICE, "/schedule").await;
    h.tap(ALICE, s.message_id, "+ Afternoon").await;
    let editor = h
        .wait_text(ALICE, s.message_id, "random time between 13:00 and 18:00")
        .await;
    assert!(editor.has_button("14:00–19:00"));
    for day in 3..=12 {
        h.at(2026, 3, day, 23, 30).await;
    }
    let rows = prompts_of_kind(&h, "afternoon").await;
    assert!(rows.len() >= 9, "{rows:?}");
    let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let mut minutes = std::collections::HashSet::new();
    for (_, due, _) in &rows {
        let local = Utc.timestamp_opt(*due, 0).unwrap().with_timezone(&ny);
        let m = local.format("%H:%M").to_string();
        assert!(
            ("13:00".."18:00").contains(&m.as_str()),
            "{m} outside 13:00–18:00"
        );
        minutes.insert(m);
    }
    assert!(minutes.len() >= 5, "a different time each day: {minutes:?}");
}

#[tokio::test]
async fn one_reminder_only_when_unanswered_then_missed() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    assert_eq!(h.at(2026, 3, 3, 1, 59).await.reminders, 0);
    let n = h.count(ALICE);
    assert_eq!(h.at(2026, 3, 3, 2, 0).await.reminders, 1);
    let r = h.next_message_with(ALICE, n, "gentle reminder").await;
    assert!(
        r.text.contains("evening check-in") && r.has_button("Start check-in"),
        "{r:#?}"
    );
    assert_eq!(
        h.at(2026, 3, 3, 3, 0).await.reminders,
        0,
        "exactly one reminder"
    );
    assert_eq!(h.at(2026, 3, 3, 4, 0).await.closed_missed, 1);
    assert_eq!(prompts_of_kind(&h, "evening").await[0].2, "missed");

    // Next evening the patient checks in on their own before the reminder: none is sent.
    let n = h.count(ALICE);
    h.at(2026, 3, 4, 1, 0).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 4, 1, 10, 0).unwrap());
    let c = h.say(ALICE, "/checkin").await;
    h.answer(ALICE, c.message_id, "5").await;
    assert_eq!(h.at(2026, 3, 4, 2, 0).await.reminders, 0);
    assert_eq!(prompts_of_kind(&h, "evening").await[1].2, "answered");
}

#[tokio::test]
async fn remind_me_later_asks_again_in_30_minutes() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    let p = h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    let toast = h.tap(ALICE, p.message_id, "Remind me in 30 min").await;
    assert_eq!(toast.as_deref(), Some("Okay, I'll remind you at 20:30."));
    assert_eq!(h.at(2026, 3, 3, 1, 29).await.reminders, 0);
    let n = h.count(ALICE);
    assert_eq!(h.at(2026, 3, 3, 1, 30).await.reminders, 1);
    let r = h.next_message_with(ALICE, n, "gentle reminder").await;
    h.drain_outbox().await;
    // Starting from the reminder works too, and closes the prompt.
    h.tap(ALICE, r.message_id, "Start check-in").await;
    h.wait_text(ALICE, r.message_id, "1 of 4").await;
    assert_eq!(prompts_of_kind(&h, "evening").await[0].2, "answered");
    let toast = h.tap(ALICE, p.message_id, "Remind me in 30 min").await;
    assert_eq!(toast.as_deref(), Some("You already checked in. Thank you!"));
}

#[tokio::test]
async fn pause_and_resume() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let ask = h.say(ALICE, "/pause").await;
    h.tap(ALICE, ask.message_id, "1 day").await;
    let done = h
        .wait_text(ALICE, ask.message_id, "paused until 2026-03-03 at 08:00")
        .await;
    assert!(done.has_button(CRISIS_BUTTON));
    let r = h.at(2026, 3, 3, 1, 0).await;
    assert_eq!((r.queued, r.paused), (0, 1), "no prompt while paused");
    assert_eq!(
        h.at(2026, 3, 3, 13, 0).await.queued,
        1,
        "the pause is over at 08:00"
    );

    let ask = h.say(ALICE, "/pause").await;
    h.tap(ALICE, ask.message_id, "Until I send /resume").await;
    h.wait_text(ALICE, ask.message_id, "until you send /resume")
        .await;
    assert_eq!(h.at(2026, 3, 5, 13, 0).await.queued, 0);
    let back = h.say(ALICE, "/resume").await;
    assert!(back.text.contains("Welcome back"), "{}", back.text);
    let again = h.say(ALICE, "/resume").await;
    assert!(again.text.contains("already on"), "{}", again.text);
    // Nothing is sent for the days away; the next slot comes as usual.
    assert_eq!(h.tick().await.queued, 0);
    assert_eq!(h.at(2026, 3, 6, 1, 0).await.queued, 1);
}

#[tokio::test]
async fn a_slot_inside_quiet_hours_waits_until_they_end() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let r = h.say(ALICE, "/quiet 19:00-21:00").await;
    assert!(
        r.text.contains("Quiet hours set: 19:00 to 21:00"),
        "{}",
        r.text
    );
    assert_eq!(
        h.at(2026, 3, 3, 1, 0).await.queued,
        0,
        "20:00 is inside quiet hours"
    );
    assert_eq!(
        h.at(2026, 3, 3, 2, 0).await.queued,
        1,
        "sent at 21:00 when they end"
    );
    let menu = h.say(ALICE, "/quiet").await;
    assert!(menu.text.contains("Now: 19:00–21:00"), "{}", menu.text);
    h.tap(ALICE, menu.message_id, "Off").await;
    h.wait_text(ALICE, menu.message_id, "Quiet hours are off")
        .await;
    assert_eq!(h.at(2026, 3, 4, 1, 0).await.queued, 1, "back to 20:00");
}

#[tokio::test]
async fn daylight_saving_in_new_york_never_skips_a_day() {
    let h = Harness::start_driven().await;
    // Saturday 2026-03-07, 07:00 in New York; clocks spring forward on Sunday at 02:00.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 7, 12, 0, 0).unwrap());
    h.enroll(ALICE).await;
    move_morning_to(&h, ALICE, "2:30").await;
    h.at(2026, 3, 8, 6, 59).await;
    assert!(
        prompts_of_kind(&h, "morning").await.is_empty(),
        "02:30 does not exist that day; nothing early"
    );
    // 02:30 does not exist on 2026-03-08: sent right after the gap, at 03:00 EDT (07:00 UTC).
    h.at(2026, 3, 8, 7, 0).await;
    h.at(2026, 3, 9, 6, 30).await; // 02:30 EDT the next day
    assert_eq!(
        morning_dates_and_times(&h).await,
        vec![
            ("2026-03-08".to_string(), utc(2026, 3, 8, 7, 0)),
            ("2026-03-09".to_string(), utc(2026, 3, 9, 6, 30))
        ]
    );
}

#[tokio::test]
async fn daylight_saving_in_berlin_sends_the_repeated_hour_once() {
    let h = Harness::start_driven().await;
    // Saturday 2026-10-24; Berlin falls back on Sunday 03:00 CEST → 02:00 CET.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap());
    let intro = h.say(BOB, "/start").await;
    h.tap(BOB, intro.message_id, "I agree").await;
    h.fake.wait_for_bot_message(BOB, 2).await;
    let saved = h.say(BOB, "Europe/Berlin").await;
    assert!(saved.text.contains("Done: Europe/Berlin"), "{}", saved.text);
    move_morning_to(&h, BOB, "2:30").await;
    // 02:30 happens twice on 2026-10-25: at 00:30 UTC (CEST) and 01:30 UTC (CET).
    h.at(2026, 10, 25, 0, 30).await;
    h.at(2026, 10, 25, 1, 30).await;
    h.at(2026, 10, 26, 1, 30).await;
    assert_eq!(
        morning_dates_and_times(&h).await,
        vec![
            ("2026-10-25".to_string(), utc(2026, 10, 25, 0, 30)),
            ("2026-10-26".to_string(), utc(2026, 10, 26, 1, 30))
        ]
    );
}

#[tokio::test]
async fn after_downtime_a_recent_slot_is_sent_once_and_an_old_one_recorded_missed() {
    let mut h = Harness::start().await; // the background scheduler too
    h.enroll(ALICE).await;
    h.kill_bot().await;
    // Down through 20:00 local; back at 20:30: within the 2 h grace.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 30, 0).unwrap());
    let n = h.count(ALICE);
    h.start_bot(Parts::ALL).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    h.kill_bot().await;
    h.start_bot(Parts::ALL).await;
    assert_eq!(h.tick().await.queued, 0);
    h.drain_outbox().await;
    let evenings = h
        .fake
        .bot_messages(ALICE)
        .iter()
        .filter(|m| m.text.contains("Good evening"))
        .count();
    assert_eq!(evenings, 1, "sent once across restarts");

    // Down through the next evening and morning, back long after: recorded missed, no burst.
    h.kill_bot().await;
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 4, 16, 0, 0).unwrap());
    let n = h.count(ALICE);
    h.start_bot(Parts::ALL).await;
    let r = h.tick().await;
    h.drain_outbox().await;
    let sent: Vec<String> = h
        .fake
        .bot_messages(ALICE)
        .iter()
        .skip(n)
        .map(|m| m.text.clone())
        .collect();
    assert!(
        sent.is_empty(),
        "nothing sent for slots long past: {r:?} {sent:?}"
    );
    assert_eq!(prompts_of_kind(&h, "evening").await[1].2, "missed");
    assert_eq!(prompts_of_kind(&h, "morning").await[0].2, "missed");
}
