//! Check-ins that follow the patient's week (issue 19): weekdays at one time, weekends at
//! another, a day switched off, typed in words, across both DST changes in New York. The
//! harness clock starts on Monday 2 March 2026, 08:00 in New York (UTC−5); the US moves to
//! summer time on Sunday 8 March and back on Sunday 1 November.

use crate::support::*;
use chrono::{Duration, TimeZone, Utc};

/// Opens the morning slot's editor from /schedule; returns the editor message.
async fn open_morning(h: &Harness) -> fake_telegram::ChatMessage {
    let s = h.say(ALICE, "/schedule").await;
    let label = button_starting(&s, "✏️ Morning");
    h.tap(ALICE, s.message_id, &label).await;
    h.wait_text(ALICE, s.message_id, "choose the days below")
        .await
}

/// (local date, due time as UTC) of the morning prompts for dates in `from..=to`.
async fn mornings(h: &Harness, from: &str, to: &str) -> Vec<(String, i64)> {
    crate::schedule::prompts_of_kind(h, "morning")
        .await
        .into_iter()
        .filter(|(d, _, _)| d.as_str() >= from && d.as_str() <= to)
        .map(|(d, due, _)| (d, due))
        .collect()
}

/// Lives through `days` days from `start`: the clock jumps from one scheduled check-in to the
/// next (at most 6 hours at a time), with a scheduler pass and delivery at each, as the
/// background loop would at those moments.
async fn live_through(h: &Harness, start: chrono::DateTime<Utc>, days: i64) {
    let end = start + Duration::days(days);
    let db = &h.bot.as_ref().expect("a running bot").ctx.db;
    let mut t = start;
    while t < end {
        h.clock.set(t);
        h.tick().await;
        // Delivered before the clock moves on (a prompt found past its time is not sent).
        h.drain_outbox().await;
        let next = recovery_checkin_bot::store::slots::next_due(db)
            .await
            .unwrap()
            .and_then(|n| chrono::DateTime::from_timestamp(n, 0))
            .filter(|n| *n > t);
        t = next
            .unwrap_or(t + Duration::hours(1))
            .min(t + Duration::hours(6));
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .timestamp()
}

#[tokio::test]
async fn weekdays_at_7_30_and_weekends_at_another_time_one_a_day_through_both_dst_changes() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    // Typed in words: weekdays at 7:30 (the weekends keep their 08:00 for now).
    open_morning(&h).await;
    let saved = h.say(ALICE, "weekdays at 7:30").await;
    assert!(
        saved
            .text
            .contains("Morning 07:30 on weekdays, 08:00 at weekends"),
        "{}",
        saved.text
    );
    // Weekends at 10:00, by its button; Wednesday off, by its own. The editor shows the week
    // in words, never as cron.
    let editor = open_morning(&h).await;
    h.tap(ALICE, editor.message_id, "Weekends 10:00").await;
    let editor = h
        .wait_text(
            ALICE,
            editor.message_id,
            "check-in at 07:30 on weekdays, 10:00 at weekends.",
        )
        .await;
    assert!(editor.has_button("✓ Wed") && editor.has_button("✓ Sat"));
    assert!(editor.has_button("✓ Weekends 10:00"));
    h.tap(ALICE, editor.message_id, "✓ Wed").await;
    let editor = h
        .wait_text(
            ALICE,
            editor.message_id,
            "at 07:30 on Mon, Tue, Thu, Fri, 10:00 at weekends.",
        )
        .await;
    assert!(!editor.text.contains('*') && !editor.text.contains("Mon-Fri"));
    assert!(editor.has_button("Wed") && !editor.has_button("✓ Wed"));
    // An impossible week is refused: weekends only, then both weekend days off.
    h.tap(ALICE, editor.message_id, "Weekends").await;
    let editor = h
        .wait_text(ALICE, editor.message_id, "check-in at 10:00 at weekends.")
        .await;
    h.tap(ALICE, editor.message_id, "✓ Sat").await;
    let editor = h
        .wait_text(ALICE, editor.message_id, "check-in at 10:00 on Sun.")
        .await;
    let toast = h.tap(ALICE, editor.message_id, "✓ Sun").await;
    assert!(
        toast.is_some_and(|t| t.contains("at least one day")),
        "no day chosen is refused"
    );
    // Back to the plan: weekdays but Wednesday at 07:30, weekends at 10:00.
    h.tap(ALICE, editor.message_id, "Every day").await;
    let editor = h
        .wait_text(
            ALICE,
            editor.message_id,
            "check-in at 07:30 on weekdays, 10:00 at weekends.",
        )
        .await;
    h.tap(ALICE, editor.message_id, "✓ Wed").await;
    h.wait_text(
        ALICE,
        editor.message_id,
        "at 07:30 on Mon, Tue, Thu, Fri, 10:00",
    )
    .await;
    let s = h.say(ALICE, "/schedule").await;
    assert!(
        s.text
            .contains("Morning 07:30 on Mon, Tue, Thu, Fri, 10:00 at weekends"),
        "{}",
        s.text
    );

    // The week of 3–9 March: one morning prompt a day at those local times, none on
    // Wednesday; the US changes to summer time in the night to Sunday 8 March, so Sunday's
    // 10:00 is 14:00 UTC and Monday's 07:30 is 11:30 UTC.
    let n = h.count(ALICE);
    live_through(&h, Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap(), 7).await;
    assert_eq!(
        mornings(&h, "2026-03-03", "2026-03-09").await,
        [
            ("2026-03-03".to_string(), utc(2026, 3, 3, 12, 30)),
            ("2026-03-05".to_string(), utc(2026, 3, 5, 12, 30)),
            ("2026-03-06".to_string(), utc(2026, 3, 6, 12, 30)),
            ("2026-03-07".to_string(), utc(2026, 3, 7, 15, 0)),
            ("2026-03-08".to_string(), utc(2026, 3, 8, 14, 0)),
            ("2026-03-09".to_string(), utc(2026, 3, 9, 11, 30)),
        ]
    );
    let sent = h
        .fake
        .bot_messages(ALICE)
        .into_iter()
        .skip(n)
        .filter(|m| m.text.starts_with("Good morning"))
        .count();
    assert_eq!(sent, 6, "exactly one morning prompt a day it is due");

    // Autumn: weekends at 01:30, which happens twice on Sunday 1 November: the first counts,
    // once. (The spring-forward gap is in the unit tests: a time in it comes right after it.)
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 10, 29, 12, 0, 0).unwrap());
    h.tick().await;
    open_morning(&h).await;
    h.say(ALICE, "weekends 1:30").await;
    live_through(&h, Utc.with_ymd_and_hms(2026, 10, 30, 0, 0, 0).unwrap(), 4).await;
    assert_eq!(
        mornings(&h, "2026-10-30", "2026-11-02").await,
        [
            ("2026-10-30".to_string(), utc(2026, 10, 30, 11, 30)),
            ("2026-10-31".to_string(), utc(2026, 10, 31, 5, 30)),
            ("2026-11-01".to_string(), utc(2026, 11, 1, 5, 30)),
            ("2026-11-02".to_string(), utc(2026, 11, 2, 12, 30)),
        ]
    );
}

#[tokio::test]
async fn spanish_days_typed_and_a_kind_answer_to_what_cannot_be_read() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.say(ALICE, "/language es").await;
    let s = h.say(ALICE, "/schedule").await;
    let label = button_starting(&s, "✏️ Por la mañana");
    h.tap(ALICE, s.message_id, &label).await;
    h.wait_text(ALICE, s.message_id, "elige los días").await;
    let saved = h.say(ALICE, "lunes a viernes 7:00").await;
    assert!(
        saved
            .text
            .contains("a las 07:00 entre semana, a las 08:00 los fines de semana"),
        "{}",
        saved.text
    );
    let s = h.say(ALICE, "/schedule").await;
    let label = button_starting(&s, "✏️ Por la mañana");
    h.tap(ALICE, s.message_id, &label).await;
    h.wait_text(ALICE, s.message_id, "elige los días").await;
    let what = h.say(ALICE, "cuando pueda").await;
    assert!(
        what.text.contains("lunes a viernes 7:30"),
        "a kind explanation with an example: {}",
        what.text
    );
}
