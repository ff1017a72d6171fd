//! `/history` charts, missed days filled in, and the weekly reflection, as a patient uses them
//! (issue 15). The harness clock starts on Monday 2 March 2026, 08:00 in New York.

use crate::coping::checkin_with;
use crate::support::*;
use chrono::Duration;
use recovery_checkin_bot::clock::Clock;

const OK_DAY: [&str; 5] = ["6", "7", "3", "2", "No"];

/// One check-in today, then the clock moves a day on.
async fn day(h: &Harness, labels: [&str; 5]) {
    checkin_with(h, ALICE, labels, "").await;
    h.drain_outbox().await;
    h.clock.advance(Duration::days(1));
}

/// The PNG's pixels (RGB) and width.
fn pixels(png_bytes: &[u8]) -> (Vec<u8>, usize, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (buf, info.width as usize, info.height as usize)
}

/// How many days have a bar in the chart's "check-ins done" strip: runs of the bars' grey
/// along a row just above its axis.
fn days_with_bars(png_bytes: &[u8]) -> usize {
    let (px, w, h) = pixels(png_bytes);
    let y = h - 20 - 48 - 8;
    let grey = |x: usize| {
        let i = (y * w + x) * 3;
        px[i..i + 3] == [90, 90, 90]
    };
    let mut runs = 0;
    let mut inside = false;
    for x in 0..w {
        match (grey(x), inside) {
            (true, false) => {
                runs += 1;
                inside = true;
            }
            (false, true) => inside = false,
            _ => {}
        }
    }
    runs
}

fn photo_of(m: &fake_telegram::ChatMessage) -> &fake_telegram::Attachment {
    let a = m.attachment.as_ref().expect("a picture");
    assert_eq!(a.kind, "photo");
    assert!(a.protected, "the chart cannot be forwarded or saved");
    assert!(a.bytes.starts_with(b"\x89PNG"));
    a
}

#[tokio::test]
async fn history_is_a_protected_chart_with_gaps_that_switches_span_in_place_and_speaks_spanish() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let empty = h.say(ALICE, "/history").await;
    assert!(
        empty.text.contains("No check-ins in the last 7 days yet"),
        "{}",
        empty.text
    );
    assert!(empty.attachment.is_none() && empty.has_button(CRISIS_BUTTON));

    // Monday to Friday, nothing on Saturday, and Sunday (today).
    for _ in 0..5 {
        day(&h, OK_DAY).await;
    }
    h.clock.advance(Duration::days(1));
    checkin_with(&h, ALICE, ["7", "8", "6", "1", "No"], "").await;
    h.drain_outbox().await;

    let chart = h.say(ALICE, "/history").await;
    let png = photo_of(&chart).bytes.clone();
    let (_, w, hgt) = pixels(&png);
    assert_eq!((w, hgt), (1080, 1500));
    assert_eq!(days_with_bars(&png), 6, "Saturday is a gap, not a zero");
    assert!(
        chart.text.contains("Only you can see this chart"),
        "{}",
        chart.text
    );
    assert!(
        chart
            .text
            .contains("You checked in on 6 of the last 7 days"),
        "{}",
        chart.text
    );
    for b in ["• 7 days", "28 days", "90 days", CRISIS_BUTTON] {
        assert!(chart.has_button(b), "{b}: {chart:#?}");
    }
    assert!(chart.has_button("📅 Weekly reflection for me: turn on"));

    // 28 days: the same message, a new picture.
    h.tap(ALICE, chart.message_id, "28 days").await;
    let wide = h
        .fake
        .wait_for("the chart replaced", |s| {
            s.message(ALICE, chart.message_id)
                .filter(|m| m.edits > 0)
                .cloned()
        })
        .await;
    assert!(wide.has_button("• 28 days") && wide.has_button("7 days"));
    assert_ne!(photo_of(&wide).bytes, png);
    assert_eq!(days_with_bars(&photo_of(&wide).bytes), 6);
    // A forged span is refused.
    let toast = h.tap_data(ALICE, chart.message_id, "hi:5").await;
    assert!(toast.is_some_and(|t| t.contains("doesn't work")));

    h.say(ALICE, "/language es").await;
    let es = h.say(ALICE, "/historial").await;
    assert!(
        es.text.contains("Solo tú puedes ver este gráfico"),
        "{}",
        es.text
    );
    assert!(es.has_button("• 7 días") && es.has_button("🆘 Ayuda en crisis"));
    assert_ne!(photo_of(&es).bytes, png, "the labels are in Spanish");
}

#[tokio::test]
async fn yesterday_filled_in_counts_on_yesterday_in_the_chart_and_the_use_free_days() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    // Monday, nothing on Tuesday, then Wednesday (today).
    day(&h, OK_DAY).await;
    h.clock.advance(Duration::days(1));
    checkin_with(&h, ALICE, OK_DAY, "").await;
    h.drain_outbox().await;
    let before = photo_of(&h.say(ALICE, "/history").await).bytes.clone();
    assert_eq!(days_with_bars(&before), 2);
    let p = h.say(ALICE, "/progress").await;
    assert!(
        p.text.contains("Use-free: 2 of the last 3 days"),
        "{}",
        p.text
    );

    let m = h.say(ALICE, "/checkin yesterday").await;
    assert!(m.text.contains("Filling in Tuesday 3 March"), "{}", m.text);
    assert!(
        m.text.contains("Yesterday's check-in · 1 of 6"),
        "{}",
        m.text
    );
    assert!(m.text.contains("How was your mood that day"), "{}", m.text);
    for label in ["5", "6", "4", "3", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.tap(ALICE, m.message_id, "Skip").await;
    let done = h.wait_text(ALICE, m.message_id, "Thank you").await;
    assert!(
        done.text.contains("Saved for the missed day"),
        "{}",
        done.text
    );
    h.next_message_with(ALICE, n, "").await;
    h.drain_outbox().await;

    // Stored both ways: entered today, about yesterday.
    let db = h.db().await;
    let (started, about): (i64, i64) = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
        "SELECT started_at, about_at FROM checkins ORDER BY id DESC LIMIT 1"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    db.close().await;
    assert_eq!(started, h.clock.now().timestamp());
    // Noon on Tuesday 3 March in New York (UTC−5).
    assert_eq!(
        about,
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 3, 17, 0, 0)
            .unwrap()
            .timestamp()
    );

    let after = photo_of(&h.say(ALICE, "/history").await).bytes.clone();
    assert_eq!(days_with_bars(&after), 3, "yesterday's bar is there now");
    let p = h.say(ALICE, "/progress").await;
    assert!(
        p.text.contains("Use-free: 3 of the last 3 days"),
        "{}",
        p.text
    );
    assert!(
        p.text
            .contains("3 days since the last use you told me about"),
        "{}",
        p.text
    );
    // "Yesterday" in Spanish too.
    h.say(ALICE, "/language es").await;
    let m = h.say(ALICE, "/checkin ayer").await;
    assert!(
        m.text.contains("Completando el martes 3 de marzo"),
        "{}",
        m.text
    );
}

#[tokio::test]
async fn a_missed_prompt_can_be_filled_in_until_the_end_of_the_next_day() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    // The evening prompt of Monday 2 March (20:00 in New York), not answered.
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    let evening = h.next_message_with(ALICE, n, "Good evening").await;
    // Tuesday morning, 09:00: the prompt has closed as missed; Start fills Monday in.
    h.at(2026, 3, 3, 14, 0).await;
    let n = h.count(ALICE);
    h.tap(ALICE, evening.message_id, "Start check-in").await;
    let m = h
        .next_message_with(ALICE, n, "Filling in Monday 2 March")
        .await;
    assert!(
        m.text.contains("Yesterday's check-in · 1 of 4"),
        "{}",
        m.text
    );
    for label in ["4", "8", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.tap(ALICE, m.message_id, "Skip").await;
    h.wait_text(ALICE, m.message_id, "Saved for the missed day")
        .await;
    h.drain_outbox().await;
    let db = h.db().await;
    let (status,): (String,) = recovery_checkin_bot::on!(db.reader(), |c| sqlx::query_as(
        "SELECT status FROM prompts WHERE kind = 'evening' ORDER BY id LIMIT 1"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    db.close().await;
    assert_eq!(status, "answered");
    // "Remind me later" on yesterday's prompt is refused.
    let toast = h
        .tap(ALICE, evening.message_id, "Remind me in 30 min")
        .await;
    assert!(toast.is_some(), "the tap is answered");

    // Tuesday's evening prompt, missed, and tapped on Thursday: too late.
    let n = h.count(ALICE);
    h.at(2026, 3, 4, 1, 0).await;
    let tuesday = h.next_message_with(ALICE, n, "Good evening").await;
    h.at(2026, 3, 5, 14, 0).await;
    let n = h.count(ALICE);
    h.tap(ALICE, tuesday.message_id, "Start check-in").await;
    let late = h
        .next_message_with(ALICE, n, "That check-in was for Tuesday 3 March")
        .await;
    assert!(late.has_button("Check in now") && late.has_button(CRISIS_BUTTON));
    let open: Option<i64> = h
        .scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'open' AND patient_id = $1",
            1,
        )
        .await;
    assert_eq!(open, Some(0), "nothing was started");
}

#[tokio::test]
async fn a_use_told_for_yesterday_does_not_alert_by_itself() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    crate::contacts::pair_choosing(
        &h,
        ALICE,
        BOB,
        "Sam",
        "Alerts only",
        "Yes, tell them that day",
    )
    .await;
    let m = h.say(ALICE, "/checkin yesterday").await;
    for label in ["5", "6", "4", "6", "Yes"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    h.tap(ALICE, m.message_id, "Skip").await;
    h.wait_text(ALICE, m.message_id, "Saved for the missed day")
        .await;
    h.drain_outbox().await;
    h.clock.advance(Duration::hours(1));
    // A check-in about now, with nothing worrying: still no alert about yesterday's use.
    checkin_with(&h, ALICE, OK_DAY, "").await;
    h.drain_outbox().await;
    assert_eq!(h.count_with(BOB, "told me in a check-in that they used"), 0);
    // A use told about today does tell Bob, as he was chosen for it.
    h.clock.advance(Duration::hours(1));
    checkin_with(&h, ALICE, ["5", "6", "4", "6", "Yes"], "").await;
    h.next_message_with(BOB, 0, "told me in a check-in that they used")
        .await;
}

#[tokio::test]
async fn the_weekly_reflection_comes_on_sunday_evening_local_only_to_the_patient() {
    let h = Harness::start_driven().await;
    let welcome = h.enroll(ALICE).await;
    crate::contacts::pair(&h, ALICE, BOB, "Sam", "Alerts and weekly summary").await;
    let n = h.count(ALICE);
    h.tap(
        ALICE,
        welcome.message_id,
        "📅 Weekly reflection for me: turn on",
    )
    .await;
    let on = h
        .next_message_with(ALICE, n, "weekly reflection is on")
        .await;
    assert!(on.text.contains("Sundays at 18:00"), "{}", on.text);
    assert!(on.text.contains("Sunday 8 March"), "{}", on.text);
    assert!(on.has_button("📅 Turn off my weekly reflection"));
    // Quiet hours over 18:00 move it to their end; without them it is back at 18:00.
    let due = || h.scalar_i64("SELECT reflection_at FROM patients WHERE id = $1", 1);
    let utc = |d, hr| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, d, hr, 0, 0)
            .unwrap()
            .timestamp()
    };
    assert_eq!(due().await, Some(utc(8, 22)));
    h.say(ALICE, "/quiet 17:00-20:00").await;
    assert_eq!(due().await, Some(utc(9, 0)), "20:00 EDT");
    h.say(ALICE, "/quiet off").await;
    assert_eq!(due().await, Some(utc(8, 22)));

    // A week: low sleep and strong urges early, better later.
    for labels in [
        ["4", "5", "4", "8", "No"],
        ["5", "5", "5", "7", "No"],
        ["6", "8", "7", "3", "No"],
        ["7", "8", "7", "2", "No"],
        ["6", "8", "6", "2", "No"],
    ] {
        day(&h, labels).await;
    }
    let bob_before = h.count(BOB);
    // Sunday 8 March (the US changes to summer time that night): 17:59 EDT is 21:59 UTC.
    let n = h.count(ALICE);
    h.at(2026, 3, 8, 21, 59).await;
    assert_eq!(h.count_with(ALICE, "📅 Your week,"), 0, "not before 18:00");
    let report = h.at(2026, 3, 8, 22, 0).await;
    assert_eq!(report.reflections, 1);
    let r = h.next_message_with(ALICE, n, "📅 Your week").await;
    assert!(r.text.contains("2 Mar – 8 Mar"), "{}", r.text);
    assert!(
        r.text
            .contains("You checked in 5 times, on 5 days of the 7"),
        "{}",
        r.text
    );
    assert!(r.text.contains("Mood: 5.6/10 on average."), "{}", r.text);
    assert!(
        r.text.contains("Your best day: Thursday 5 March"),
        "{}",
        r.text
    );
    assert!(r.text.contains("One thing to try next week:"), "{}", r.text);
    assert!(r.text.contains("Only you see this"), "{}", r.text);
    assert!(r.has_button("📈 See my chart") && r.has_button(CRISIS_BUTTON));
    // Once.
    assert_eq!(h.at(2026, 3, 8, 22, 30).await.reflections, 0);
    assert_eq!(h.count_with(ALICE, "📅 Your week,"), 1);
    // Bob never sees it.
    assert!(h
        .fake
        .bot_messages(BOB)
        .iter()
        .skip(bob_before)
        .all(|m| !m.text.contains("Your week") && !m.text.contains("try next week")));
    // Its chart button works.
    h.tap(ALICE, r.message_id, "📈 See my chart").await;
    let chart = h
        .next_message_with(ALICE, n, "Only you can see this chart")
        .await;
    assert!(chart.has_button("• 28 days"));

    // Turned off: no reflection the next Sunday.
    let n = h.count(ALICE);
    h.tap(ALICE, on.message_id, "📅 Turn off my weekly reflection")
        .await;
    h.next_message_with(ALICE, n, "weekly reflection is off")
        .await;
    assert_eq!(h.at(2026, 3, 15, 22, 0).await.reflections, 0);
}

#[tokio::test]
async fn how_am_i_doing_typed_gets_the_progress_and_my_chart_gets_the_chart() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    day(&h, OK_DAY).await;
    let p = h.say(ALICE, "how am I doing this week?").await;
    assert!(p.text.contains("Your use-free days"), "{}", p.text);
    let c = h.say(ALICE, "show me my chart").await;
    assert!(c.attachment.is_some(), "{c:#?}");
    h.say(ALICE, "/language es").await;
    let p = h.say(ALICE, "¿cómo voy?").await;
    assert!(p.text.contains("días sin consumo"), "{}", p.text);
    // Words of distress are not answered with numbers.
    let other = h.say(ALICE, "no sé cómo voy a aguantar").await;
    assert!(!other.text.contains("días sin consumo"), "{}", other.text);
}
