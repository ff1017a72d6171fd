//! Load benchmark: many people tapping through check-ins at the same time. Prints numbers;
//! asserts nothing.
//!
//!     cargo build --release && cargo run --release --example load -- [patients] [users,users,...] [seconds]
//!
//! Defaults: 1,000 patients in the database, 10, 50 and 200 people tapping, 20 s each.
//! The real `recovery-bot` binary runs as its own process (so its CPU time and memory are its
//! own) against a SQLite file seeded with `patients` enrolled patients, each with two daily
//! slots, a week of decided check-in prompts and a place on the "are you OK?" watch list, and
//! talks real HTTP to the in-repo fake Bot API server in this process. Each simulated person
//! sends /checkin, then taps an answer as soon as the previous one is shown (mood, hours slept,
//! sleep quality, urge, use, note), and starts again; tap → reply is the time from the tap to
//! the check-in message showing the next question.
//!
//! Printed per run: taps/s, p50/p99/max tap → reply, fairness (the most-served person's taps ÷
//! the least-served's), the longest gap between two replies across everyone (a stall), the
//! bot's CPU per tap and its peak resident memory, and this process's CPU (the fake server and
//! the simulated people: it must stay a small share of a core, or the fake is the bottleneck).

#[path = "support/mod.rs"]
mod support;
use anyhow::{Context, Result};
use chrono::Utc;
use fake_telegram::FakeTelegram;
use recovery_checkin_bot::store::Db;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{bot_binary, proc_status};

/// Every reply's time, with the tap's latency when it answered a tap.
type Replies = Arc<Mutex<Vec<(Instant, Option<Duration>)>>>;

const FIRST_USER: i64 = 700_000_000;
/// What each person taps, question by question.
const ANSWERS: [&str; 6] = ["7", "6", "4", "3", "No", "Skip"];

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let patients: i64 = args
        .next()
        .map(|a| a.parse().context("patients must be a number"))
        .transpose()?
        .unwrap_or(1_000);
    let users: Vec<i64> = args
        .next()
        .map(|a| {
            a.split(',')
                .map(|u| {
                    u.parse()
                        .context("users must be numbers separated by commas")
                })
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?
        .unwrap_or_else(|| vec![10, 50, 200]);
    let seconds: u64 = args
        .next()
        .map(|a| a.parse().context("seconds must be a number"))
        .transpose()?
        .unwrap_or(20);
    let bin = bot_binary().context("build the bot first: cargo build --release")?;
    println!(
        "machine: {} cores; {patients} patients in the database; {seconds} s per run",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for &n in &users {
        run(&bin, patients, n, seconds).await?;
    }
    Ok(())
}

async fn run(bin: &std::path::Path, patients: i64, users: i64, seconds: u64) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("load.db").display());
    let started = Instant::now();
    let db = Db::open(&url).await?;
    seed(&db, patients, users).await?;
    db.close().await;
    let seeded = started.elapsed().as_secs_f64();

    let fake = Arc::new(FakeTelegram::start().await);
    let people: Vec<i64> = (0..users).map(|i| FIRST_USER + i).collect();
    for &p in &people {
        fake.add_user(p, "Sam", Some("en"));
    }
    let mut child = std::process::Command::new(bin)
        .arg("run")
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", fake.token())
        .env("TELOXIDE_API_URL", fake.api_url())
        .env("DATABASE_URL", &url)
        // One admin address per machine: these processes run side by side.
        .env("ADMIN_ADDR", "off")
        .env(
            "PROMPTS_DIR",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"),
        )
        .env("LOG_LEVEL", "warn")
        .env("POLL_TIMEOUT_SECS", "10")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    // The bot is up once it has asked for updates.
    fake.wait_for("the bot polling", |s| {
        (s.count("getUpdates") > 0).then_some(())
    })
    .await;

    let replies = Replies::default();
    let until = Instant::now() + Duration::from_secs(seconds);
    let syncs = SyncCount::start(pid, dir.path());
    let bot_cpu_before = cpu_ticks(pid);
    let own_cpu_before = cpu_ticks(std::process::id());
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for &p in &people {
        let (fake, replies) = (fake.clone(), replies.clone());
        tasks.push(tokio::spawn(async move {
            person(fake, p, until, replies).await
        }));
    }
    let mut per_person = Vec::new();
    for t in tasks {
        per_person.push(t.await?);
    }
    let wall = t0.elapsed().as_secs_f64();
    let bot_cpu = cpu_ticks(pid).zip(bot_cpu_before).map(|(a, b)| a - b);
    let own_cpu = cpu_ticks(std::process::id())
        .zip(own_cpu_before)
        .map(|(a, b)| a - b);
    let peak_kb = proc_status(pid, "VmHWM").unwrap_or(0);
    let syncs = syncs.stop();
    let _ = child.kill();
    let _ = child.wait();

    let mut replies = replies.lock().unwrap().clone();
    replies.sort_by_key(|(at, _)| *at);
    let longest_gap = replies
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .max()
        .unwrap_or_default();
    let mut latencies: Vec<Duration> = replies.iter().filter_map(|(_, d)| *d).collect();
    let taps = latencies.len();
    latencies.sort();
    let pct = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let most = per_person.iter().copied().max().unwrap_or(0);
    let least = per_person.iter().copied().min().unwrap_or(0);
    let ticks = ticks_per_second();
    println!(
        "{users} people: {taps} taps in {wall:.1} s = {:.0} taps/s; tap→reply p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; \
         fairness {} (most {most} taps, least {least}); longest gap between replies {:.0} ms; \
         bot CPU {:.2} ms/tap ({:.0}% of a core), peak RSS {:.1} MiB; {}; fake + people {:.0}% of a core (seed {seeded:.1} s)",
        taps as f64 / wall,
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        if least == 0 { "∞".to_string() } else { format!("{:.2}", most as f64 / least as f64) },
        ms(longest_gap),
        bot_cpu.map_or(0.0, |c| c as f64 / ticks * 1000.0 / taps.max(1) as f64),
        bot_cpu.map_or(0.0, |c| c as f64 / ticks / wall * 100.0),
        peak_kb as f64 / 1024.0,
        syncs.map_or("fsyncs not counted (needs perf)".to_string(), |n| format!(
            "{:.2} fsyncs/tap",
            n as f64 / taps.max(1) as f64
        )),
        own_cpu.map_or(0.0, |c| c as f64 / ticks / wall * 100.0),
    );
    Ok(())
}

/// The bot's fsync and fdatasync calls while people tap, counted by `perf stat` (all of the
/// process's threads, also those started later). `None` where perf is missing or not allowed.
struct SyncCount {
    perf: Option<std::process::Child>,
    out: std::path::PathBuf,
}

impl SyncCount {
    fn start(pid: u32, dir: &std::path::Path) -> SyncCount {
        let out = dir.join("perf-stat.txt");
        let perf = std::process::Command::new("perf")
            .args(["stat", "-x,", "-e"])
            .arg("syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync")
            .arg("-p")
            .arg(pid.to_string())
            .arg("-o")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        // perf needs a moment to attach before the first tap.
        std::thread::sleep(Duration::from_millis(300));
        SyncCount { perf, out }
    }

    fn stop(mut self) -> Option<u64> {
        let perf = self.perf.as_mut()?;
        let _ = std::process::Command::new("kill")
            .args(["-INT", &perf.id().to_string()])
            .status();
        let status = perf.wait().ok()?;
        let text = std::fs::read_to_string(&self.out).ok()?;
        let counts: Vec<u64> = text
            .lines()
            .filter(|l| l.contains("syscalls:sys_enter_f"))
            .filter_map(|l| l.split(',').next()?.parse().ok())
            .collect();
        (counts.len() == 2
            && (status.success() || status.code() == Some(130) || status.code().is_none()))
        .then(|| counts.iter().sum())
    }
}

/// One person: /checkin (its first question is a reply, though not a tap), then each answer as soon as the question shows, again and again until
/// `until`. Returns how many taps were answered.
async fn person(fake: Arc<FakeTelegram>, user: i64, until: Instant, replies: Replies) -> usize {
    let mut taps = 0;
    while Instant::now() < until {
        let before = fake.bot_messages(user).len();
        fake.user_sends(user, "/checkin");
        let m = fake
            .wait_for("the check-in's first question", |s| {
                s.bot_messages(user)
                    .iter()
                    .skip(before)
                    .find(|m| m.has_button("7"))
                    .map(|m| (*m).clone())
            })
            .await;
        // A reply too (not a tap): it counts for the longest gap between replies.
        replies.lock().unwrap().push((Instant::now(), None));
        let id = m.message_id;
        let mut text = m.text;
        for answer in ANSWERS {
            if Instant::now() >= until {
                break;
            }
            let tapped = Instant::now();
            fake.user_taps(user, id, answer);
            text = fake
                .wait_for("the next question", |s| {
                    s.message(user, id)
                        .filter(|m| m.text != text)
                        .map(|m| m.text.clone())
                })
                .await;
            let now = Instant::now();
            replies.lock().unwrap().push((now, Some(now - tapped)));
            taps += 1;
        }
    }
    taps
}

/// `patients` enrolled patients with a morning and an evening slot (none due during the run)
/// and a week of decided prompts each, and `users` more who will tap.
async fn seed(db: &Db, patients: i64, users: i64) -> Result<()> {
    let now = Utc::now().timestamp();
    let today = Utc::now().date_naive();
    let mut tx = db.write().await?;
    for (first, n) in [(100_000_000, patients), (FIRST_USER, users)] {
        sqlx::query(
            "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1)
             INSERT INTO patients (telegram_user_id, chat_id, language, time_zone, consent_version, consented_at, created_at)
             SELECT ? + i, ? + i, 'en', 'Europe/Madrid', ?, ?, ? FROM seq",
        )
        .bind(n)
        .bind(first)
        .bind(first)
        .bind(recovery_checkin_bot::store::patients::CONSENT_VERSION)
        .bind(now - 30 * 86_400)
        .bind(now - 30 * 86_400)
        .execute(tx.lite())
        .await?;
    }
    for (kind, questions, minute) in [
        ("morning", "sleep,sq,mood", 480),
        ("evening", "mood,crave,used,note", 1200),
    ] {
        sqlx::query(
            "INSERT INTO slots (patient_id, kind, questions, at_minute, next_date, next_due_at, created_at)
             SELECT id, ?, ?, ?, ?, ? + 6 * 3600 + id % 3600, ? FROM patients",
        )
        .bind(kind)
        .bind(questions)
        .bind(minute)
        .bind((today + chrono::Days::new(1)).to_string())
        .bind(now)
        .bind(now)
        .execute(tx.lite())
        .await?;
    }
    // A week of prompts, answered or missed (every 5th patient missed the last ones), so the
    // "are you OK?" pass has a week of prompts to read for each patient it looks at.
    sqlx::query(
        "WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM d WHERE k < 14)
         INSERT INTO prompts (patient_id, kind, questions, local_date, due_at, status, sent_at, created_at)
         SELECT p.id, CASE WHEN d.k % 2 = 0 THEN 'morning' ELSE 'evening' END, 'full',
                date(?, 'unixepoch', '-' || ((d.k + 1) / 2) || ' days'),
                ? - d.k * 43200, CASE WHEN p.id % 5 = 0 THEN 'missed' ELSE 'answered' END,
                ? - d.k * 43200, ? - d.k * 43200
         FROM patients p, d",
    )
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(tx.lite())
    .await?;
    // Everyone on the "are you OK?" watch list, as if all their prompts had just closed: far
    // more than a real pass sees, so each pass during the run looks at its most (2,000
    // patients, a fifth of them asked).
    sqlx::query("INSERT INTO missed_watch (patient_id, look_at) SELECT id, 0 FROM patients")
        .execute(tx.lite())
        .await?;
    tx.commit().await?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// User + system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn ticks_per_second() -> f64 {
    // SC_CLK_TCK is 100 on Linux.
    100.0
}
