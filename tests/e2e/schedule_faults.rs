//! Scheduled prompts through Telegram errors, outages, blocks, pauses and a second process:
//! never lost, never doubled, never sent late (same clock as `schedule`).

use crate::schedule::prompts_of_kind;
use crate::support::*;
use chrono::{TimeZone, Utc};
use fake_telegram::Fault;
use recovery_checkin_bot::app::Parts;
use std::time::Duration;

#[tokio::test]
async fn a_429_storm_delays_but_never_loses_or_doubles_a_prompt() {
    let h = Harness::start_driven().await;
    let users: Vec<i64> = (7000..7006).collect();
    for u in &users {
        h.fake.add_user(*u, "P", None);
        h.enroll(*u).await;
    }
    h.fake
        .fail_next(Some("sendMessage"), Fault::RetryAfter(1), 3);
    assert_eq!(h.at(2026, 3, 3, 1, 0).await.queued, users.len() as u64);
    h.drain_outbox().await;
    for u in &users {
        let n = h
            .fake
            .bot_messages(*u)
            .iter()
            .filter(|m| m.text.contains("Good evening"))
            .count();
        assert_eq!(n, 1, "user {u}");
    }
    // After each 429 the next send to that chat waited at least retry_after (1 s): Telegram's
    // per-chat limit. Three chats refused within a second is the bot's global limit: after the
    // third, every send waited.
    let sends: Vec<(u16, Option<i64>, std::time::Instant)> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "sendmessage")
            .map(|r| (r.status, r.chat_id, r.at))
            .collect()
    });
    let limited: Vec<usize> = sends
        .iter()
        .enumerate()
        .filter(|(_, (st, _, _))| *st == 429)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(limited.len(), 3);
    for &i in &limited {
        let (_, chat, at) = sends[i];
        let next_to_chat = sends[i + 1..]
            .iter()
            .find(|(_, c, _)| *c == chat)
            .expect("the refused message was sent again");
        let gap = next_to_chat.2 - at;
        assert!(
            gap >= Duration::from_millis(950),
            "chat {chat:?} waited only {gap:?} after a 429"
        );
    }
    let chats: std::collections::HashSet<_> = limited.iter().map(|&i| sends[i].1).collect();
    assert_eq!(chats.len(), 3, "the storm hit three chats");
    assert!(sends[limited[2]].2 - sends[limited[0]].2 < Duration::from_secs(1));
    let gap = sends[limited[2] + 1].2 - sends[limited[2]].2;
    assert!(
        gap >= Duration::from_millis(950),
        "after three chats were refused, the next send waited only {gap:?}"
    );
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_prompt_arrives_once() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.fake.fail_next(Some("sendMessage"), Fault::ServerError, 1);
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    assert_eq!(
        h.fake
            .bot_messages(ALICE)
            .iter()
            .filter(|m| m.text.contains("Good evening"))
            .count(),
        1
    );
    let statuses: Vec<u16> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "sendmessage")
            .map(|r| r.status)
            .collect()
    });
    assert!(statuses.ends_with(&[500, 200]), "{statuses:?}");
}

#[tokio::test]
async fn blocked_or_deactivated_patients_get_no_more_prompts_until_they_return() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    // Alice's account is deactivated: the send fails with 403 and she is marked inactive.
    h.fake.deactivate(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    h.drain_outbox().await;
    assert_eq!(
        h.scalar_i64(
            "SELECT active FROM patients WHERE telegram_user_id = $1",
            ALICE
        )
        .await,
        Some(0)
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM outbox WHERE status = 'undeliverable' AND chat_id = $1",
            ALICE
        )
        .await,
        Some(1)
    );
    assert_eq!(
        h.at(2026, 3, 3, 13, 0).await.queued,
        1,
        "only Bob's morning"
    );
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE patient_id = $1", 1)
            .await,
        Some(0)
    );

    // Bob blocks the bot: Telegram's my_chat_member update marks him inactive at once.
    h.fake.block_bot(BOB, true);
    h.wait_db(
        "SELECT active FROM patients WHERE telegram_user_id = $1",
        BOB,
        Some(0),
    )
    .await;
    assert_eq!(
        h.scalar_i64(
            "SELECT active FROM patients WHERE telegram_user_id = $1",
            BOB
        )
        .await,
        Some(0)
    );
    assert_eq!(
        h.at(2026, 3, 4, 1, 0).await.queued,
        0,
        "nobody left to prompt"
    );
    // He unblocks: active again, scheduled from now on (nothing for the time away).
    h.fake.block_bot(BOB, false);
    h.wait_db(
        "SELECT active FROM patients WHERE telegram_user_id = $1",
        BOB,
        Some(1),
    )
    .await;
    assert_eq!(h.tick().await.queued, 0);
    let n = h.count(BOB);
    assert_eq!(h.at(2026, 3, 4, 13, 0).await.queued, 1);
    h.next_message_with(BOB, n, "Good morning").await;
}

#[tokio::test]
async fn a_long_outage_records_each_missed_day_once_and_sends_no_burst() {
    let mut h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.kill_bot().await;
    // Five days down.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 7, 16, 0, 0).unwrap());
    let n = h.count(ALICE);
    h.start_bot(DRIVEN).await;
    let r = h.tick().await;
    h.drain_outbox().await;
    assert_eq!(r.queued, 0);
    assert_eq!(h.count(ALICE), n, "no burst of old prompts");
    let evenings = prompts_of_kind(&h, "evening").await;
    let mornings = prompts_of_kind(&h, "morning").await;
    assert_eq!(
        evenings.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        [
            "2026-03-02",
            "2026-03-03",
            "2026-03-04",
            "2026-03-05",
            "2026-03-06"
        ]
    );
    assert_eq!(mornings.len(), 5, "{mornings:?}");
    assert!(evenings.iter().chain(&mornings).all(|p| p.2 == "missed"));
    assert_eq!(
        h.tick().await,
        Default::default(),
        "a second pass finds nothing"
    );
    // Life goes on: tonight's check-in comes at 20:00.
    assert_eq!(h.at(2026, 3, 8, 1, 0).await.queued, 1);
}

#[tokio::test]
async fn a_removed_then_re_added_slot_still_sends_its_prompt() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    // 20:30: remove the evening slot, add a new one, move it to 21:00.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 30, 0).unwrap());
    let s = h.say(ALICE, "/schedule").await;
    h.tap(ALICE, s.message_id, "✏️ Evening 20:00").await;
    h.wait_text(ALICE, s.message_id, "Tap a new time").await;
    h.tap(ALICE, s.message_id, "Remove").await;
    h.wait_text(ALICE, s.message_id, "Morning at 08:00").await;
    h.tap(ALICE, s.message_id, "+ Evening").await;
    h.wait_text(ALICE, s.message_id, "Tap a new time").await;
    h.say(ALICE, "21:00").await;
    let n = h.count(ALICE);
    assert_eq!(h.at(2026, 3, 3, 2, 0).await.queued, 1);
    h.next_message_with(ALICE, n, "Good evening").await;
}

#[tokio::test]
async fn moving_a_slot_later_the_same_day_does_not_ask_twice() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.at(2026, 3, 3, 1, 0).await; // tonight's 20:00 prompt is sent
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 10, 0).unwrap());
    let s = h.say(ALICE, "/schedule").await;
    h.tap(ALICE, s.message_id, "✏️ Evening 20:00").await;
    h.wait_text(ALICE, s.message_id, "Tap a new time").await;
    h.tap(ALICE, s.message_id, "21:30").await;
    h.wait_text(ALICE, s.message_id, "Evening at 21:30").await;
    assert_eq!(
        h.at(2026, 3, 3, 2, 30).await.queued,
        0,
        "today was already asked"
    );
    assert_eq!(h.at(2026, 3, 4, 2, 30).await.queued, 1, "tomorrow at 21:30");
}

#[tokio::test]
async fn a_prompt_that_could_not_go_out_in_time_is_recorded_missed_not_sent_late() {
    let mut h = Harness::without_bot().await;
    // The scheduler queues tonight's prompt, but nothing sends it (the sender is down).
    h.start_bot(Parts {
        scheduler: false,
        sender: false,
        ..Parts::ALL
    })
    .await;
    h.enroll(ALICE).await;
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap());
    assert_eq!(h.tick().await.queued, 1);
    h.kill_bot().await;
    // The sender comes back three hours later: too late to ask "how was your evening?".
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 4, 0, 0).unwrap());
    let n = h.count(ALICE);
    h.start_bot(DRIVEN).await;
    h.drain_outbox().await;
    assert_eq!(h.count(ALICE), n, "not sent late");
    assert_eq!(prompts_of_kind(&h, "evening").await[0].2, "missed");
}

#[tokio::test]
async fn a_prompt_queued_before_a_pause_is_not_sent_during_it() {
    let mut h = Harness::without_bot().await;
    h.start_bot(Parts {
        scheduler: false,
        sender: false,
        ..Parts::ALL
    })
    .await;
    h.enroll(ALICE).await;
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap());
    assert_eq!(h.tick().await.queued, 1);
    let ask = h.say(ALICE, "/pause").await;
    h.tap(ALICE, ask.message_id, "1 week").await;
    h.wait_text(ALICE, ask.message_id, "paused until").await;
    h.kill_bot().await;
    let n = h.count(ALICE);
    h.start_bot(DRIVEN).await;
    h.drain_outbox().await;
    assert_eq!(h.count(ALICE), n);
    assert_eq!(prompts_of_kind(&h, "evening").await[0].2, "paused");
}

#[tokio::test]
async fn a_proxy_error_page_is_retried_and_the_prompt_arrives_once() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.fake.fail_next(Some("sendMessage"), Fault::BadGateway, 1);
    let n = h.count(ALICE);
    h.at(2026, 3, 3, 1, 0).await;
    h.next_message_with(ALICE, n, "Good evening").await;
    let evenings = h
        .fake
        .bot_messages(ALICE)
        .iter()
        .filter(|m| m.text.contains("Good evening"))
        .count();
    assert_eq!(evenings, 1);
    let row: Option<i64> = h
        .scalar_i64(
            "SELECT message_id FROM prompts WHERE kind = 'evening' AND id > $1",
            0,
        )
        .await;
    assert!(row.is_some(), "the prompt knows its message");
}

#[tokio::test]
async fn a_blocked_patients_open_prompt_is_closed_and_nothing_spins() {
    let h = Harness::start().await; // with the background scheduler
    h.enroll(ALICE).await;
    let n = h.count(ALICE);
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap());
    h.next_message_with(ALICE, n, "Good evening").await;
    h.drain_outbox().await;
    h.fake.block_bot(ALICE, true);
    h.wait_db(
        "SELECT active FROM patients WHERE telegram_user_id = $1",
        ALICE,
        Some(0),
    )
    .await;
    assert_eq!(
        prompts_of_kind(&h, "evening").await[0].2,
        "missed",
        "cannot be answered now"
    );
    // Days pass; the scheduler does not spin on Alice's past-due rows, and queues nothing.
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 6, 1, 0, 0).unwrap());
    let before = h
        .scalar_i64("SELECT COUNT(*) FROM prompts WHERE id > $1", 0)
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM prompts WHERE id > $1", 0)
            .await,
        before
    );
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND id > $1",
            0
        )
        .await,
        Some(0)
    );
}

#[tokio::test]
async fn a_second_bot_process_on_the_same_database_refuses_to_start() {
    let h = Harness::start().await;
    let err = recovery_checkin_bot::app::RunningBot::start(
        &h.config(),
        std::sync::Arc::new(h.clock.clone()),
        Parts::ALL,
    )
    .await
    .err()
    .expect("refused");
    assert!(
        format!("{err:#}").contains("another bot process is already running"),
        "{err:#}"
    );
}

#[tokio::test]
async fn one_chats_failing_send_does_not_hold_up_the_others() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    h.enroll(BOB).await;
    // Alice's prompt is queued first and its send gets a 500 (teloxide then waits 10 s).
    h.fake.fail_next(Some("sendMessage"), Fault::ServerError, 1);
    let (na, nb) = (h.count(ALICE), h.count(BOB));
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap());
    let started = std::time::Instant::now();
    assert_eq!(h.tick().await.queued, 2);
    h.next_message_with(BOB, nb, "Good evening").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "Bob waited {:?}",
        started.elapsed()
    );
    assert_eq!(h.count(ALICE), na, "Alice's send is still being retried");
    h.next_message_with(ALICE, na, "Good evening").await;
}

#[tokio::test]
async fn two_scheduler_passes_racing_send_each_prompt_once() {
    let h = Harness::start_driven().await;
    for u in [ALICE, BOB] {
        h.enroll(u).await;
    }
    h.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap());
    let (a, b) = tokio::join!(h.tick(), h.tick());
    assert_eq!(a.queued + b.queued, 2, "{a:?} {b:?}");
    h.drain_outbox().await;
    for u in [ALICE, BOB] {
        let n = h
            .fake
            .bot_messages(u)
            .iter()
            .filter(|m| m.text.contains("Good evening"))
            .count();
        assert_eq!(n, 1);
    }
}
