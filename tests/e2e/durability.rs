//! Nothing is lost: updates survive a crash between receipt and handling, a restart in the
//! middle of a check-in, re-delivery by Telegram, and Telegram errors.

use crate::support::*;
use fake_telegram::Fault;
use recovery_checkin_bot::app::Parts;
use std::process::{Child, Command, Stdio};

#[tokio::test]
async fn an_update_received_but_not_handled_is_handled_once_after_a_crash() {
    let mut h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    let answered_before = h.fake.request_count("answerCallbackQuery");
    h.kill_bot().await;

    // A bot that receives (records and confirms) but dies before handling.
    h.start_bot(Parts {
        intake: true,
        worker: false,
        scheduler: false,
        sender: false,
    })
    .await;
    let q = h.fake.user_taps(ALICE, m.message_id, "3");
    h.fake.wait_until_confirmed().await;
    h.kill_bot().await;
    let update_id = h.fake.read(|s| s.confirmed_below) - 1;
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM inbox WHERE update_id = $1 AND handled_at IS NULL",
            update_id
        )
        .await,
        Some(1)
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        None
    );
    assert_eq!(
        h.fake.request_count("answerCallbackQuery"),
        answered_before,
        "nothing was handled yet"
    );

    // Restart: the recorded update is handled from the inbox, not lost.
    h.start_bot(Parts::ALL).await;
    assert_eq!(h.fake.wait_for_answer(&q).await.as_deref(), Some("Saved"));
    h.wait_text(ALICE, m.message_id, "hours did you sleep")
        .await;
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(3)
    );
    // Handled updates keep no content.
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL AND update_id > $1",
            0
        )
        .await,
        Some(0)
    );

    // Telegram delivers the same update again (a lost confirmation): it is not handled twice.
    let answered = h.fake.request_count("answerCallbackQuery");
    let edits = h.fake.message(ALICE, m.message_id).unwrap().edits;
    h.fake.redeliver(update_id);
    h.fake.wait_until_confirmed().await;
    // A later update is handled normally, proving the bot went past the duplicate.
    h.answer(ALICE, m.message_id, "8").await;
    assert_eq!(h.fake.request_count("answerCallbackQuery"), answered + 1);
    assert_eq!(
        h.fake.message(ALICE, m.message_id).unwrap().edits,
        edits + 1
    );
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(3)
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = $1", 1)
            .await,
        Some(480)
    );
}

#[tokio::test]
async fn telegram_errors_are_retried_and_answers_stored_once() {
    let h = Harness::start().await;
    let m = h.start_checkin(ALICE).await;
    let seen = h.fake.read(|s| s.requests.len());
    // The edit after the tap is rate limited once, then a server error, then goes through.
    // (teloxide itself waits 10 s inside every 5xx response, so each 5xx here costs 10 s.)
    h.fake
        .fail_next(Some("editMessageText"), Fault::RetryAfter(1), 1);
    h.fake
        .fail_next(Some("editMessageText"), Fault::ServerError, 1);
    h.answer(ALICE, m.message_id, "6").await;
    // A proxy error on the next send is retried as well.
    h.fake
        .fail_next(Some("editMessageText"), Fault::BadGateway, 1);
    h.answer(ALICE, m.message_id, "7").await;
    assert_eq!(
        h.scalar_i64("SELECT mood FROM checkins WHERE id = $1", 1)
            .await,
        Some(6)
    );
    assert_eq!(
        h.scalar_i64("SELECT sleep_minutes FROM checkins WHERE id = $1", 1)
            .await,
        Some(420)
    );
    let statuses = h.fake.read(|s| {
        s.requests
            .iter()
            .skip(seen)
            .filter(|r| r.method == "editmessagetext")
            .map(|r| r.status)
            .collect::<Vec<_>>()
    });
    assert_eq!(statuses, vec![429, 500, 200, 502, 200]);
}

#[tokio::test]
async fn many_patients_checking_in_at_once_all_get_stored() {
    let h = Harness::start().await;
    let users: Vec<i64> = (5000..5012).collect();
    for u in &users {
        h.fake.add_user(*u, "P", None);
    }
    // Enrol and start everyone concurrently.
    futures::future::join_all(users.iter().map(|u| h.start_checkin(*u))).await;
    let msgs: Vec<i32> = users
        .iter()
        .map(|u| h.fake.bot_messages(*u).last().unwrap().message_id)
        .collect();
    for label in ["5", "7", "6", "2", "No", "Skip"] {
        futures::future::join_all(
            users
                .iter()
                .zip(&msgs)
                .map(|(u, m)| h.answer(*u, *m, label)),
        )
        .await;
    }
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'completed' AND mood = 5 AND craving = $1",
            2
        )
        .await,
        Some(users.len() as i64)
    );
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the compiled bot with logs at debug level appended to `bot.log` in the test folder.
fn spawn_binary(h: &Harness) -> Process {
    let config = h.config();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(h.dir.path().join("bot.log"))
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_recovery-bot"))
        .arg("run")
        .current_dir(h.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "TELOXIDE_TOKEN",
            secrecy::ExposeSecret::expose_secret(&config.token),
        )
        .env("TELOXIDE_API_URL", config.api_url.unwrap())
        .env("DATABASE_URL", &config.database_url)
        .env("PROMPTS_DIR", &config.prompts_dir)
        // One admin address per machine: these processes run side by side.
        .env("ADMIN_ADDR", "off")
        .env("POLL_TIMEOUT_SECS", "5")
        .env("LOG_LEVEL", "debug")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start the bot binary");
    Process(child)
}

#[tokio::test]
async fn the_real_process_killed_mid_check_in_resumes_where_it_was() {
    let h = Harness::without_bot().await;
    let bot = spawn_binary(&h);
    let m = h.start_checkin(ALICE).await;
    h.answer(ALICE, m.message_id, "2").await;
    h.answer(ALICE, m.message_id, "4").await;
    // SIGKILL: no shutdown code runs.
    drop(bot);

    // A tap while the bot is down waits at Telegram and is handled after the restart.
    let q = h.fake.user_taps(ALICE, m.message_id, "3");
    let _bot = spawn_binary(&h);
    assert_eq!(h.fake.wait_for_answer(&q).await.as_deref(), Some("Saved"));
    h.wait_text(ALICE, m.message_id, "strongest urge").await;
    h.answer(ALICE, m.message_id, "9").await;
    h.answer(ALICE, m.message_id, "Yes").await;
    // A typed note (the marker must never reach the log).
    let done = h.say(ALICE, "secret note about my cousin Zed").await;
    assert!(
        done.text.contains("Thank you for checking in"),
        "{}",
        done.text
    );
    assert!(done.text.contains("Note: saved"), "{}", done.text);
    assert!(done.text.contains("Mood: 2/10"), "{}", done.text);
    assert!(
        done.text.contains("Sleep: 4 h\nSleep quality: 3/10"),
        "{}",
        done.text
    );
    assert!(done.text.contains("Strongest urge: 9/10"), "{}", done.text);
    assert_eq!(
        h.scalar_i64(
            "SELECT COUNT(*) FROM checkins WHERE status = 'completed' AND id = $1",
            1
        )
        .await,
        Some(1)
    );

    // The logs (at debug level) carry ids, never the token, names, answers or notes.
    let log = std::fs::read_to_string(h.dir.path().join("bot.log")).unwrap();
    assert!(log.contains("answer stored"), "the log was written: {log}");
    let secret = h.fake.token().split(':').nth(1).unwrap();
    for forbidden in [secret, "Alice", "cousin Zed", "Strongest urge"] {
        assert!(
            !log.contains(forbidden),
            "log contains {forbidden:?}:\n{log}"
        );
    }

    // The database file is private to its owner (SQLite; PostgreSQL keeps its own files).
    #[cfg(unix)]
    if !on_postgres() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(h.db_path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test]
async fn updates_sent_while_down_arrive_after_a_rate_limited_poll() {
    let mut h = Harness::start().await;
    h.enroll(ALICE).await;
    h.kill_bot().await;
    let before = h.fake.bot_messages(ALICE).len();
    h.fake.user_sends(ALICE, "/help");
    h.fake.user_sends(ALICE, "/checkin");
    h.fake
        .fail_next(Some("getUpdates"), Fault::RetryAfter(1), 1);
    h.start_bot(Parts::ALL).await;
    let help = h.fake.wait_for_bot_message(ALICE, before + 1).await;
    let checkin = h.fake.wait_for_bot_message(ALICE, before + 2).await;
    // In the order they were sent.
    assert!(help.text.contains("Here's what I can do"), "{}", help.text);
    assert!(checkin.text.contains("1 of 6"), "{}", checkin.text);
    let statuses: Vec<u16> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "getupdates")
            .map(|r| r.status)
            .collect()
    });
    assert!(statuses.contains(&429), "{statuses:?}");
}

/// Many queued messages across many chats, sent as fast as the sender goes: each arrives
/// exactly once. (A row committed as sent between the sender's outbox read and its in-flight
/// snapshot used to be handed out again.)
#[tokio::test]
async fn every_queued_message_is_sent_exactly_once_under_a_full_outbox() {
    use recovery_checkin_bot::clock::Clock;
    use recovery_checkin_bot::store::outbox::{enqueue, Kind, NewMessage};
    let h = Harness::without_bot().await;
    let chats: Vec<i64> = (5000..5040).collect();
    for c in &chats {
        h.fake.add_user(*c, "Patient", Some("en"));
    }
    let mut config = h.config();
    config.send = recovery_checkin_bot::config::SendLimits {
        per_second: 100_000.0,
        per_chat_interval: std::time::Duration::ZERO,
        concurrency: 8,
    };
    let bot = recovery_checkin_bot::app::RunningBot::start(
        &config,
        std::sync::Arc::new(h.clock.clone()),
        recovery_checkin_bot::app::Parts::ALL,
    )
    .await
    .unwrap();
    let db = h.db().await;
    let per_chat = 15;
    let now = h.clock.now().timestamp();
    for round in 0..per_chat {
        let mut tx = db.write().await.unwrap();
        for c in &chats {
            // Any unique keys do: these stand for summaries of made-up check-ins.
            let key = recovery_checkin_bot::domain::outbox_key::Key::Summary(c * 100 + round);
            let text = key.to_string();
            enqueue(
                &mut tx,
                &NewMessage {
                    key: &key,
                    kind: Kind::Message,
                    patient_id: None,
                    chat_id: *c,
                    prompt_id: None,
                    text: &text,
                    keyboard: None,
                    not_before: now,
                    priority: 0,
                    contact_id: None,
                    alert_id: None,
                    render: None,
                    lang: None,
                },
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        bot.ctx.wake_sender.notify_one();
    }
    h.drain_outbox().await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    for c in &chats {
        let texts: Vec<String> = h
            .fake
            .bot_messages(*c)
            .into_iter()
            .map(|m| m.text)
            .collect();
        let expected: Vec<String> = (0..per_chat)
            .map(|r| format!("summary:{}", c * 100 + r))
            .collect();
        assert_eq!(texts, expected, "chat {c}");
    }
    bot.shutdown().await.unwrap();
}
