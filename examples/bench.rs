//! Benchmark: scheduler and outbox at 100,000 patients. Prints numbers; asserts nothing.
//!
//!     cargo build --release && cargo run --release --example bench [patients]
//!
//! Everything runs on this machine: a real SQLite file, the real scheduler and outbox sender,
//! the real teloxide client, and the in-repo fake Bot API server on loopback. The memory figure
//! is read from /proc for the real `recovery-bot` binary running against the same database.

#[path = "support/mod.rs"]
mod support;
use anyhow::{Context, Result};
use chrono::{Duration as ChronoDuration, Utc};
use fake_telegram::{FakeTelegram, RateLimit};
use recovery_checkin_bot::app;
use recovery_checkin_bot::clock::{Clock, ManualClock};
use recovery_checkin_bot::config::{Config, CrisisLine, ScheduleSettings, SendLimits};
use recovery_checkin_bot::jobs::scheduler;
use recovery_checkin_bot::store::Db;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bot_binary, proc_status};
use tokio::sync::watch;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let patients: i64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().context("patients must be a number"))
        .transpose()?
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("bench.db");
    let fake = FakeTelegram::start().await;
    fake.open_to_all();
    let config = Config {
        token: fake.token().into(),
        api_url: Some(fake.api_url()),
        database_url: format!("sqlite://{}", db_path.display()),
        prompts_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts"),
        crisis: CrisisLine::default(),
        poll_timeout: Duration::from_secs(10),
        schedule: ScheduleSettings::default(),
        send: SendLimits::default(),
        intake: Default::default(),
        admin: Default::default(),
    };
    let t0 = Utc::now();
    let today = t0
        .with_timezone(&chrono_tz::America::New_York)
        .date_naive()
        .to_string();
    let clock = ManualClock::new(t0);
    let ctx = app::prepare(&config, Arc::new(clock.clone())).await?;

    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let started = Instant::now();
    seed(&ctx.db, patients, t0.timestamp(), &today).await?;
    println!(
        "seed: {patients} patients, {} slots in {:.1} s",
        patients * 2,
        started.elapsed().as_secs_f64()
    );

    // A typical minute: evening slots spread over six hours, ~1/360 of them due now.
    let started = Instant::now();
    let r = scheduler::tick(&ctx).await?;
    println!(
        "scheduler, typical minute: {} slots due, found and enqueued in {:.1} ms",
        r.queued,
        started.elapsed().as_secs_f64() * 1e3
    );
    // The worst minute: every patient's morning check-in at 08:00.
    clock.set(t0 + ChronoDuration::seconds(120));
    let started = Instant::now();
    let r = scheduler::tick(&ctx).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "scheduler, worst minute: {} slots due at once, found and enqueued in {:.2} s ({:.0} slots/s)",
        r.queued,
        secs,
        r.queued as f64 / secs
    );

    // Delivery with Telegram's limits lifted: how fast can scheduler + outbox go?
    let queued = pending(&ctx.db).await?;
    let unlimited = SendLimits {
        per_second: 1e9,
        per_chat_interval: Duration::ZERO,
        concurrency: 128,
    };
    let secs = deliver_all(&ctx, unlimited).await?;
    let errors = fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "sendmessage" && r.status != 200)
            .count()
    });
    println!(
        "delivery, limits lifted: {queued} prompts in {secs:.1} s = {:.0} msg/s ({errors} errors)",
        queued as f64 / secs
    );

    // Delivery against a fake that enforces 30 msg/s and 1 msg/s per chat.
    fake.set_rate_limit(Some(RateLimit {
        per_second: 30,
        per_chat_gap: Duration::from_secs(1),
    }));
    let n = 900;
    enqueue_messages(&ctx.db, n, clock.now().timestamp()).await?;
    let before_429 = fake.read(|s| s.requests.iter().filter(|r| r.status == 429).count());
    let secs = deliver_all(&ctx, SendLimits::default()).await?;
    let got_429 = fake.read(|s| s.requests.iter().filter(|r| r.status == 429).count()) - before_429;
    // Sustained rate as the fake saw it: accepted sends from the first to the last.
    let times: Vec<std::time::Instant> = fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "sendmessage" && r.status == 200)
            .map(|r| r.at)
            .collect()
    });
    let window = &times[times.len().saturating_sub(n as usize)..];
    let sustained = (window.len() - 1) as f64
        / window
            .last()
            .unwrap()
            .duration_since(window[0])
            .as_secs_f64();
    println!(
        "delivery, 30 msg/s enforced by the fake: {n} messages in {secs:.1} s end to end = {:.1} msg/s; \
         sustained (first to last send at the fake) {sustained:.1} msg/s; 429 answers: {got_429}",
        n as f64 / secs
    );
    fake.set_rate_limit(None);
    ctx.db.close().await;

    // Resident memory of the real bot process on this database.
    match bot_binary() {
        Some(bin) => {
            // Some work for it: 2,000 evening slots come due in the next seconds.
            let db = Db::open(&config.database_url).await?;
            let now = Utc::now().timestamp();
            sqlx::query("UPDATE slots SET next_due_at = ? + (id % 10) WHERE kind = 'evening' AND id % 100 = 0")
                .bind(now)
                .execute(db.pool())
                .await?;
            db.close().await;
            let mut child = std::process::Command::new(&bin)
                .arg("run")
                .current_dir(dir.path())
                .env(
                    "TELOXIDE_TOKEN",
                    secrecy::ExposeSecret::expose_secret(&config.token),
                )
                .env(
                    "TELOXIDE_API_URL",
                    config.api_url.as_deref().unwrap_or_default(),
                )
                .env("DATABASE_URL", &config.database_url)
                .env("PROMPTS_DIR", &config.prompts_dir)
                // One admin address per machine: these processes run side by side.
                .env("ADMIN_ADDR", "off")
                .env("LOG_LEVEL", "warn")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()?;
            let mut samples = Vec::new();
            for _ in 0..15 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if let Some(kb) = proc_status(child.id(), "VmRSS") {
                    samples.push(kb);
                }
            }
            let peak = proc_status(child.id(), "VmHWM").unwrap_or(0);
            let _ = child.kill();
            let _ = child.wait();
            let now_kb = samples.last().copied().unwrap_or(0);
            println!(
                "bot process memory ({patients} patients, sending): resident {:.1} MiB after 15 s, peak {:.1} MiB",
                now_kb as f64 / 1024.0,
                peak as f64 / 1024.0
            );
        }
        None => println!("bot process memory: skipped (run `cargo build --release` first)"),
    }
    Ok(())
}

/// Patients in New York, each with a morning slot due two minutes from `t0` (the worst case:
/// everyone at 08:00) and an evening slot spread over six hours, 1 in 360 due now.
async fn seed(db: &Db, n: i64, t0: i64, today: &str) -> Result<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
         INSERT INTO patients (telegram_user_id, chat_id, language, time_zone, consent_version, consented_at, created_at)
         SELECT 100000000 + i, 100000000 + i, 'en', 'America/New_York', 1, ?, ? FROM seq",
    )
    .bind(n)
    .bind(t0)
    .bind(t0)
    .execute(tx.lite())
    .await?;
    sqlx::query(
        "INSERT INTO slots (patient_id, kind, questions, at_minute, next_date, next_due_at, created_at)
         SELECT id, 'morning', 'sleep,sq,mood', 480, ?, ? + 120, ? FROM patients",
    )
    .bind(today)
    .bind(t0)
    .bind(t0)
    .execute(tx.lite())
    .await?;
    sqlx::query(
        "INSERT INTO slots (patient_id, kind, questions, at_minute, next_date, next_due_at, created_at)
         SELECT id, 'evening', 'mood,crave,used,note', 1020 + id % 360, ?,
                CASE WHEN id % 360 = 0 THEN ? - 30 ELSE ? + 3600 + (id % 360) * 60 END, ?
         FROM patients",
    )
    .bind(today)
    .bind(t0)
    .bind(t0)
    .bind(t0)
    .execute(tx.lite())
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn enqueue_messages(db: &Db, n: i64, now: i64) -> Result<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO outbox (key, kind, patient_id, chat_id, text, status, not_before, created_at)
         SELECT 'bench:' || id, 'message', id, chat_id, 'A message from the benchmark.', 'pending', ?, ?
         FROM patients ORDER BY id LIMIT ?",
    )
    .bind(now)
    .bind(now)
    .bind(n)
    .execute(tx.lite())
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs the real outbox sender with `limits` until nothing is pending; returns the seconds.
async fn deliver_all(ctx: &recovery_checkin_bot::ctx::Ctx, limits: SendLimits) -> Result<f64> {
    let (stop, stop_rx) = watch::channel(false);
    let sender = tokio::spawn(recovery_checkin_bot::jobs::sender::run(
        ctx.clone(),
        limits,
        stop_rx,
    ));
    let started = Instant::now();
    wait_drained(&ctx.db).await?;
    let secs = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    sender.await??;
    Ok(secs)
}

async fn pending(db: &Db) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .fetch_one(db.pool())
            .await?,
    )
}

async fn wait_drained(db: &Db) -> Result<()> {
    while pending(db).await? > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
