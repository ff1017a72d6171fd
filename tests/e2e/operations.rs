//! Running it for real, as an operator does: webhook intake (Telegram pushes, the bot stores
//! before it answers 200), the admin address's /healthz, /readyz and /metrics.

use crate::contacts::{alerts_to, pair, three_worsening_days, ALERT};
use crate::support::*;
use chrono::TimeDelta;
use fake_telegram::Fault;
use recovery_checkin_bot::app::Parts;
use recovery_checkin_bot::config::{AdminSettings, Intake, WebhookSettings};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "test-secret_0123456789";

/// A loopback port nobody listens on now (the bot binds it next).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn webhook(secret: Option<&str>) -> Intake {
    let port = free_port();
    Intake::Webhook(WebhookSettings {
        url: format!("http://127.0.0.1:{port}/telegram-hook")
            .parse()
            .unwrap(),
        secret: secret.map(|s| s.to_string().into()),
        listen: format!("127.0.0.1:{port}").parse().unwrap(),
        max_connections: 40,
    })
}

async fn webhook_harness(parts: Parts) -> Harness {
    let mut h = Harness::without_bot().await;
    h.intake = webhook(Some(SECRET));
    h.start_bot(parts).await;
    h
}

fn hook_url(h: &Harness) -> String {
    let addr = h
        .bot
        .as_ref()
        .unwrap()
        .webhook_addr
        .expect("a webhook address");
    format!("http://{addr}/telegram-hook")
}

async fn post(url: &str, secret: Option<&str>, body: &str) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(s) = secret {
        req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
    }
    req.send().await.unwrap().status().as_u16()
}

fn message_update(update_id: i64, user: i64, text: &str) -> String {
    serde_json::json!({
        "update_id": update_id,
        "message": {
            "message_id": 90_000 + update_id, "date": 1_772_456_400,
            "chat": {"id": user, "type": "private", "first_name": "Alice"},
            "from": {"id": user, "is_bot": false, "first_name": "Alice", "language_code": "en"},
            "text": text
        }
    })
    .to_string()
}

async fn get(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn webhook_mode_handles_a_checkin_and_an_alert() {
    let h = webhook_harness(DRIVEN).await;
    let hook = h
        .fake
        .read(|s| s.webhook.clone())
        .expect("the bot set a webhook");
    assert_eq!(hook.secret_token.as_deref(), Some(SECRET));
    let allowed = hook.allowed_updates.expect("allowed_updates sent");
    assert!(
        allowed.contains(&"message".to_string()) && allowed.contains(&"callback_query".to_string())
    );
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    three_worsening_days(&h, ALICE).await;
    let alert = h.next_message_with(BOB, 0, ALERT).await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM checkins WHERE id > $1", 0)
            .await,
        Some(3)
    );
    h.tap(BOB, alert.message_id, "✅ I reached out").await;
    h.wait_db(
        "SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL AND id > $1",
        0,
        Some(1),
    )
    .await;
    // Everything came by webhook: the bot never polled once the webhook was set.
    let (polls, deliveries) = h.fake.read(|s| {
        (
            s.requests
                .iter()
                .filter(|r| r.method == "getupdates")
                .count(),
            s.webhook_deliveries.clone(),
        )
    });
    assert_eq!(polls, 0);
    assert!(deliveries.len() > 20, "{}", deliveries.len());
    assert!(
        deliveries.iter().all(|d| d.status == Some(200)),
        "{deliveries:?}"
    );
    assert_eq!(alerts_to(&h, BOB, ALERT).len(), 1);
}

/// Captures what the bot logs in this test (the runtime is this thread's).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything logged in this test binary from the first call on, at every level. A global
/// subscriber, not a thread's default: with tests running side by side, tracing caches per
/// call site whether anyone listens, and a thread-local subscriber can miss lines that other
/// threads met first.
fn captured_log() -> Captured {
    static LOG: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a subscriber");
        log
    })
    .clone()
}

#[tokio::test]
async fn a_post_without_the_right_secret_is_refused_and_leaves_no_trace() {
    let log = captured_log();

    let h = webhook_harness(Parts::ALL).await;
    let url = hook_url(&h);
    let body = message_update(777_001, ALICE, "/start forged-ZETA-words");
    for secret in [None, Some("wrong"), Some("test-secret_012345678"), Some("")] {
        assert_eq!(post(&url, secret, &body).await, 401, "{secret:?}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.scalar_i64("SELECT COUNT(*) FROM inbox WHERE update_id >= $1", 0)
            .await,
        Some(0)
    );
    assert!(h.fake.bot_messages(ALICE).is_empty(), "nobody was answered");
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        !logged.is_empty(),
        "the capture works: the bot's start is logged"
    );
    assert!(
        !logged.contains("ZETA") && !logged.contains("777001"),
        "{logged}"
    );
    // Not an update, with the right secret: 400, and the body is not logged either.
    assert_eq!(post(&url, Some(SECRET), "{\"ZETA\": 1}").await, 400);
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(!logged.contains("ZETA"), "{logged}");
    // The right secret: stored and handled.
    assert_eq!(post(&url, Some(SECRET), &body).await, 200);
    h.next_message_with(ALICE, 0, "").await;
}

#[tokio::test]
async fn the_same_update_posted_twice_is_handled_once() {
    let h = webhook_harness(Parts::ALL).await;
    let url = hook_url(&h);
    let body = message_update(555_000, ALICE, "/start");
    assert_eq!(post(&url, Some(SECRET), &body).await, 200);
    assert_eq!(post(&url, Some(SECRET), &body).await, 200);
    h.wait_db(
        "SELECT COUNT(*) FROM inbox WHERE handled_at IS NOT NULL AND update_id >= $1",
        555_000,
        Some(1),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let welcomes = h.fake.bot_messages(ALICE).len();
    assert_eq!(welcomes, 1, "{:#?}", h.fake.bot_messages(ALICE));
}

#[tokio::test]
async fn a_kill_after_storing_and_before_handling_loses_nothing() {
    let mut h = webhook_harness(Parts {
        worker: false,
        ..DRIVEN
    })
    .await;
    h.fake.user_sends(ALICE, "/start");
    h.wait_db(
        "SELECT COUNT(*) FROM inbox WHERE update_id >= $1",
        0,
        Some(1),
    )
    .await;
    // Telegram was answered 200: it will not post this update again.
    h.fake
        .wait_for("Telegram got its 200", |s| {
            (s.pending_updates() == 0).then_some(())
        })
        .await;
    assert!(h.fake.bot_messages(ALICE).is_empty());
    h.kill_bot().await;
    h.start_bot(DRIVEN).await;
    let intro = h.next_message_with(ALICE, 0, "").await;
    h.tap(ALICE, intro.message_id, "I agree").await;
    h.fake.wait_for_bot_message(ALICE, 2).await;
}

#[tokio::test]
async fn switching_back_to_polling_deletes_the_webhook_and_polls_what_waits() {
    let mut h = webhook_harness(DRIVEN).await;
    h.enroll(ALICE).await;
    h.kill_bot().await;
    // Sent while no bot listens: Telegram keeps it for the webhook.
    h.fake.user_sends(ALICE, "/help");
    h.intake = Intake::Polling;
    let n = h.count(ALICE);
    h.start_bot(DRIVEN).await;
    assert!(
        h.fake.read(|s| s.webhook.is_none()),
        "the webhook was deleted"
    );
    h.next_message_with(ALICE, n, "").await;
}

#[tokio::test]
async fn readiness_fails_while_the_sender_is_stuck_behind_429s_and_recovers() {
    let mut h = Harness::without_bot().await;
    h.admin = AdminSettings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        telegram_within: Duration::from_secs(120),
        outbox_within: Duration::from_secs(600),
    };
    h.start_bot(DRIVEN).await;
    let admin = h
        .bot
        .as_ref()
        .unwrap()
        .admin_addr
        .expect("an admin address");
    let base = format!("http://{admin}");
    assert_eq!(get(&format!("{base}/healthz")).await.0, 200);
    let (code, text) = get(&format!("{base}/readyz")).await;
    assert_eq!(code, 200, "{text}");
    h.enroll(ALICE).await;

    // Telegram answers every send with 429 for a long while: the evening prompt waits.
    h.fake
        .fail_next(Some("sendMessage"), Fault::RetryAfter(2), 10_000);
    h.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 3, 1, 0, 0).unwrap());
    h.tick().await;
    h.clock.advance(TimeDelta::minutes(11));
    let (code, text) = get(&format!("{base}/readyz")).await;
    assert_eq!(code, 503, "{text}");
    assert!(text.contains("FAIL") && text.contains("sender"), "{text}");
    // The sender's first attempt may still be on its way: wait for it to be counted.
    let series = "recovery_bot_sends_total{path=\"outbox\",outcome=\"429\"}";
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, metrics) = get(&format!("{base}/metrics")).await;
        if metric(&metrics, series) >= 1.0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{metrics}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The storm ends: the prompt goes out and the bot is ready again.
    h.fake.clear_faults();
    h.next_message_with(ALICE, 0, "Good evening").await;
    h.drain_outbox().await;
    let (code, text) = get(&format!("{base}/readyz")).await;
    assert_eq!(code, 200, "{text}");
}

/// The value of a metric line (name with its labels, exactly as printed).
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_a_checkins_sends_and_carry_no_ids() {
    let mut h = Harness::without_bot().await;
    h.admin.addr = Some("127.0.0.1:0".parse().unwrap());
    h.start_bot(DRIVEN).await;
    let url = format!(
        "http://{}/metrics",
        h.bot.as_ref().unwrap().admin_addr.unwrap()
    );
    h.enroll(ALICE).await;
    h.drain_outbox().await;
    let (code, before) = get(&url).await;
    assert_eq!(code, 200);
    assert!(before.trim_end().ends_with("# EOF"), "{before}");
    let ok = "recovery_bot_sends_total{path=\"outbox\",outcome=\"ok\"}";
    let replies = "recovery_bot_sends_total{path=\"reply\",outcome=\"ok\"}";
    let sent_before = metric(&before, ok) + metric(&before, replies);

    h.at(2026, 3, 3, 1, 0).await; // the evening prompt
    let prompt = h.next_message_with(ALICE, 0, "Good evening").await;
    h.tap(ALICE, prompt.message_id, "Start check-in").await;
    let m = h
        .wait_text(ALICE, prompt.message_id, "Check-in · 1 of")
        .await;
    for label in ["6", "2", "No"] {
        h.answer(ALICE, m.message_id, label).await;
    }
    let n = h.count(ALICE);
    h.tap(ALICE, m.message_id, "Skip").await;
    h.next_message_with(ALICE, n, "").await;
    h.drain_outbox().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, after) = get(&url).await;
    let sent = metric(&after, ok) + metric(&after, replies) - sent_before;
    // The prompt, its edits per answer and the taps' answers, the suggestion.
    assert!(sent >= 7.0, "{sent}\n{after}");
    assert_eq!(
        metric(&after, "recovery_bot_prompts_sent_total"),
        1.0,
        "{after}"
    );
    assert_eq!(
        metric(&after, "recovery_bot_prompts_answered_total"),
        1.0,
        "{after}"
    );
    assert!(
        metric(&after, "recovery_bot_updates_handled_total") >= 7.0,
        "{after}"
    );
    assert!(
        metric(&after, "recovery_bot_database_size_bytes") > 0.0,
        "{after}"
    );
    for id in [ALICE.to_string(), "Alice".to_string()] {
        assert!(!after.contains(&id), "{id} in {after}");
    }
}
