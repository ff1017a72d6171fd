//! Chaos run (issue 12): simulated patients check in while the real bot binary is killed with
//! SIGKILL at random moments and the fake Telegram server injects faults. Prints what was lost,
//! doubled or put in the wrong place; asserts nothing.
//!
//!     cargo build --release && cargo run --release --example chaos [users] [kills] [seconds] [seed]
//!
//! Each patient behaves as a tired person on a phone would: answers the question on screen by
//! typing (numbers, a note) or tapping ("No"), and when nothing happens for a while, types the
//! same answer again. Answers are chosen from sets that differ per question (mood 2–4, sleep
//! 6–8 h, sleep quality 9–10, craving 0–1), so an answer stored under the wrong question is
//! seen in the database. Each note names its check-in, so a check-in the patient saw finished
//! can be found again.

use anyhow::{bail, Context, Result};
use fake_telegram::{ChatMessage, FakeTelegram, Fault};
use rand::{Rng, SeedableRng};
use recovery_checkin_bot::store::Db;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FIRST_USER: i64 = 50_000;
/// Patients whose check-in went round in circles (40 answers without finishing).
static LIVELOCKED: Mutex<Vec<i64>> = Mutex::new(Vec::new());
/// With CHAOS_DEBUG: the end of each chat when a check-in was counted finished, by note.
static TRAILS: std::sync::LazyLock<Mutex<HashMap<String, String>>> =
    std::sync::LazyLock::new(Mutex::default);
/// How long a patient waits for the bot before typing the same thing again.
const PATIENCE: Duration = Duration::from_secs(6);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let arg = |n: usize, default: u64| -> Result<u64> {
        std::env::args()
            .nth(n)
            .map(|a| a.parse().context("arguments are numbers"))
            .transpose()
            .map(|v| v.unwrap_or(default))
    };
    let users = arg(1, 20)? as i64;
    let kills = arg(2, 10)?;
    let seconds = arg(3, 120)?;
    let seed = arg(4, 1)?;
    let bin = bot_binary().context("build the bot first: cargo build --release")?;

    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("chaos.db");
    // CHAOS_DEBUG keeps the database for a look afterwards.
    let dir_path = dir.path().to_path_buf();
    let _dir = if std::env::var_os("CHAOS_DEBUG").is_some() {
        println!("database kept: {}", db_path.display());
        let _ = dir.keep();
        None
    } else {
        Some(dir)
    };
    let database_url = format!("sqlite://{}", db_path.display());
    let fake = Arc::new(FakeTelegram::start().await);
    for u in 0..users {
        fake.add_user(FIRST_USER + u, "Pat", Some("en"));
    }
    let prompts = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let spawn_bot = || -> Result<std::process::Child> {
        Ok(std::process::Command::new(&bin)
            .arg("run")
            .current_dir(&dir_path)
            .env("TELOXIDE_TOKEN", fake.token())
            .env("TELOXIDE_API_URL", fake.api_url())
            .env("DATABASE_URL", &database_url)
            .env("PROMPTS_DIR", &prompts)
            // One admin address per machine: these processes run side by side.
            .env("ADMIN_ADDR", "off")
            .env("POLL_TIMEOUT_SECS", "2")
            .env("LOG_LEVEL", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(match std::env::var_os("CHAOS_LOG") {
                Some(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?
                    .into(),
                None => std::process::Stdio::null(),
            })
            .spawn()?)
    };
    let bot = Arc::new(Mutex::new(spawn_bot()?));
    println!(
        "chaos: {users} patients, {kills} kills, {seconds} s, seed {seed}, machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let seen_done: Arc<Mutex<HashMap<i64, Vec<Expected>>>> = Arc::default();
    let stuck = Arc::new(AtomicU64::new(0));
    // Every fourth patient gets a support contact who receives alerts of a reported use.
    let paired: Arc<Mutex<std::collections::HashSet<i64>>> = Arc::default();
    let mut to_pair: Vec<i64> = (0..users).step_by(4).map(|u| FIRST_USER + u).collect();
    let mut agents = tokio::task::JoinSet::new();
    for u in 0..users {
        let (fake, stop, seen_done, stuck, paired) = (
            fake.clone(),
            stop.clone(),
            seen_done.clone(),
            stuck.clone(),
            paired.clone(),
        );
        agents.spawn(async move {
            let user = FIRST_USER + u;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed * 1_000_003 + u as u64);
            if enroll(&fake, user, &stop).await.is_err() {
                stuck.fetch_add(1, Ordering::Relaxed);
                return;
            }
            let mut ordinal = 0;
            let mut reported_use = false;
            while !stop.load(Ordering::Relaxed) {
                let mut want = Expected::pick(user, ordinal, &mut rng);
                if !reported_use && paired.lock().unwrap().contains(&user) {
                    want.used = true;
                    reported_use = true;
                }
                match check_in(&fake, user, &want, &stop).await {
                    Ok(true) => seen_done
                        .lock()
                        .unwrap()
                        .entry(user)
                        .or_default()
                        .push(want),
                    Ok(false) => {}
                    Err(_) => {
                        stuck.fetch_add(1, Ordering::Relaxed);
                    }
                }
                ordinal += 1;
            }
        });
    }

    // Faults and kills until the deadline.
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kill_at: Vec<Duration> = (0..kills)
        .map(|_| Duration::from_millis(rng.random_range(3_000..seconds.max(4) * 1000 - 1000)))
        .collect();
    kill_at.sort();
    let mut faults = 0u64;
    let mut killed = 0u64;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(700)).await;
        if !to_pair.is_empty() {
            let done = pair_enrolled(&database_url, &fake, &to_pair).await?;
            to_pair.retain(|u| !done.contains(u));
            paired.lock().unwrap().extend(done);
        }
        let chat = FIRST_USER + rng.random_range(0..users);
        let (method, fault) = match rng.random_range(0..6) {
            0 => ("sendMessage", Fault::RetryAfter(rng.random_range(1..4))),
            1 => ("editMessageText", Fault::ServerError),
            2 => ("sendMessage", Fault::SlowReply(Duration::from_secs(20))),
            3 => ("sendMessage", Fault::Lost(Duration::from_secs(20))),
            4 => ("editMessageReplyMarkup", Fault::BadGateway),
            _ => ("sendMessage", Fault::MalformedOk),
        };
        // A few faults at a time, each used up by the next matching request.
        if fake.faults_left() < 3 && std::env::var_os("CHAOS_NO_FAULTS").is_none() {
            fake.fail_next_for_chat(method, chat, fault, 1);
            faults += 1;
            if rng.random_range(0..8) == 0 {
                fake.fail_next(Some("getUpdates"), Fault::BadGateway, 1);
                faults += 1;
            }
        }
        if kill_at.first().is_some_and(|at| start.elapsed() >= *at) {
            kill_at.remove(0);
            let mut child = bot.lock().unwrap();
            child.kill()?; // SIGKILL
            child.wait()?;
            killed += 1;
            std::thread::sleep(Duration::from_millis(300));
            *child = spawn_bot()?;
        }
    }
    stop.store(true, Ordering::Relaxed);
    // Let the last check-ins settle: no faults from here on.
    let settle = Instant::now();
    let cut_off = tokio::time::timeout(Duration::from_secs(90), async {
        while agents.join_next().await.is_some() {}
    })
    .await
    .is_err();
    if cut_off {
        println!("some patients were still busy 90 s after the end: cut off");
        agents.abort_all();
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    {
        let mut child = bot.lock().unwrap();
        // SIGTERM: a clean stop, so what was sent is recorded.
        let _ = std::process::Command::new("kill")
            .arg(child.id().to_string())
            .status();
        child.wait()?;
    }
    let settled = settle.elapsed();

    let livelocked = LIVELOCKED.lock().unwrap().clone();
    if let Some(user) = livelocked.first() {
        println!(
            "check-ins that went round in circles: {} (patients {livelocked:?})",
            livelocked.len()
        );
        match TRAILS.lock().unwrap().get(&format!("livelock {user}")) {
            Some(trail) => println!("the first one's chat then:\n{trail}"),
            None => println!("{}", chat_tail(&fake, *user, 12)),
        }
    }
    if std::env::var_os("CHAOS_DEBUG").is_some() {
        println!(
            "requests: getUpdates {}, sendMessage {}; chat entries {}",
            fake.request_count("getupdates"),
            fake.request_count("sendmessage"),
            fake.read(|s| s.chats.get(&FIRST_USER).map_or(0, |c| c.len()))
        );
        for m in fake.bot_messages(FIRST_USER) {
            println!(
                "{:>4} {} {:?}",
                m.message_id,
                m.edits,
                m.text.lines().next()
            );
        }
    }
    let db = Db::open(&database_url).await?;
    let seen_done = std::mem::take(&mut *seen_done.lock().unwrap());
    let report = inspect(&db, &fake, users, &seen_done).await?;
    db.close().await;
    println!(
        "ran {:.0} s (+{:.0} s to settle): {killed} SIGKILLs, {faults} faults injected",
        (deadline - start).as_secs_f64(),
        settled.as_secs_f64()
    );
    println!(
        "check-ins the patients saw finished: {}; patients who gave up waiting at some point: {}",
        report.seen_done,
        stuck.load(Ordering::Relaxed)
    );
    println!(
        "answers lost (a finished check-in missing an answer, or missing): {}",
        report.lost
    );
    println!("answers in the wrong step: {}", report.wrong_step);
    println!(
        "messages doubled: summaries {}, suggestions {}, scheduled prompts {}",
        report.doubled_summaries, report.doubled_suggestions, report.doubled_prompts
    );
    println!("summaries missing: {}", report.missing_summaries);
    println!(
        "check-in questions left with buttons (not the open one): {}",
        report.stale_keyboards
    );
    println!("updates unhandled: {}", report.unhandled);
    println!(
        "alerts: {} queued for {} contacts, lost {}, doubled {}",
        report.alerts, report.alert_contacts, report.alerts_lost, report.alerts_doubled
    );
    Ok(())
}

/// Links each enrolled patient of `users` to a contact (as an accepted invitation would) who
/// receives use alerts. Returns those linked.
async fn pair_enrolled(database_url: &str, fake: &FakeTelegram, users: &[i64]) -> Result<Vec<i64>> {
    let db = Db::open(database_url).await?;
    let mut done = Vec::new();
    for &user in users {
        let Some(patient_id) = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM patients WHERE telegram_user_id = ? AND time_zone IS NOT NULL",
        )
        .bind(user)
        .fetch_optional(db.pool())
        .await?
        else {
            continue;
        };
        let contact = user + CONTACT_OFFSET;
        fake.add_user(contact, "Kim", Some("en"));
        let now = chrono::Utc::now().timestamp();
        let mut tx = db.write().await?;
        let contact_id: i64 = sqlx::query_scalar(
            "INSERT INTO contacts (telegram_user_id, chat_id, language, created_at)
             VALUES (?, ?, 'en', ?) RETURNING id",
        )
        .bind(contact)
        .bind(contact)
        .bind(now)
        .fetch_one(tx.lite())
        .await?;
        sqlx::query(
            "INSERT INTO links (patient_id, contact_id, patient_name, contact_name, weekly,
                                created_at, use_alerts)
             VALUES (?, ?, 'Pat', 'Kim', 0, ?, 1)",
        )
        .bind(patient_id)
        .bind(contact_id)
        .bind(now)
        .execute(tx.lite())
        .await?;
        tx.commit().await?;
        done.push(user);
    }
    db.close().await;
    Ok(done)
}

/// A patient's contact's Telegram id is the patient's plus this.
const CONTACT_OFFSET: i64 = 100_000;

/// What one patient answers in one check-in.
#[derive(Debug, Clone)]
struct Expected {
    note: String,
    /// "Yes" to "Have you used?": a paired patient does so once, which alerts their contact.
    used: bool,
    mood: i64,
    sleep_h: i64,
    quality: i64,
    craving: i64,
}

impl Expected {
    fn pick(user: i64, ordinal: u64, rng: &mut impl Rng) -> Expected {
        Expected {
            note: format!("chaos {user} {ordinal}"),
            used: false,
            mood: rng.random_range(2..=4),
            sleep_h: rng.random_range(6..=8),
            quality: rng.random_range(9..=10),
            craving: rng.random_range(0..=1),
        }
    }
}

impl Expected {
    /// Whether `text` is the summary of these answers.
    fn is_summarised_in(&self, text: &str) -> bool {
        text.contains("Thank you for checking in")
            && [
                format!("Mood: {}/10", self.mood),
                format!("Sleep: {} h", self.sleep_h),
                format!("Sleep quality: {}/10", self.quality),
                format!("Strongest urge: {}/10", self.craving),
                format!(
                    "Used since last check-in: {}",
                    if self.used { "yes" } else { "no" }
                ),
            ]
            .iter()
            .all(|line| text.contains(line.as_str()))
    }
}

fn activity(fake: &FakeTelegram, user: i64) -> (usize, u32) {
    let msgs = fake.bot_messages(user);
    (msgs.len(), msgs.iter().map(|m| m.edits).sum())
}

/// Waits until the bot does something in the chat, up to `PATIENCE`.
async fn wait_activity(fake: &FakeTelegram, user: i64, before: (usize, u32)) -> bool {
    let until = Instant::now() + PATIENCE;
    while Instant::now() < until {
        if activity(fake, user) != before {
            // A moment more, for the rest of the reply to land.
            tokio::time::sleep(Duration::from_millis(150)).await;
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn latest_with(msgs: &[ChatMessage], f: impl Fn(&ChatMessage) -> bool) -> Option<&ChatMessage> {
    msgs.iter().rev().find(|m| m.from_bot && f(m))
}

async fn enroll(fake: &FakeTelegram, user: i64, stop: &AtomicBool) -> Result<()> {
    for _ in 0..20 {
        if stop.load(Ordering::Relaxed) {
            bail!("stopped");
        }
        let msgs = fake.bot_messages(user);
        if msgs
            .iter()
            .any(|m| m.text.contains("Done: America/New_York"))
        {
            return Ok(());
        }
        let before = activity(fake, user);
        if let Some(zone) = latest_with(&msgs, |m| {
            m.buttons().any(|b| b.text.starts_with("New York"))
        }) {
            let label = zone
                .buttons()
                .find(|b| b.text.starts_with("New York"))
                .map(|b| b.text.clone())
                .unwrap_or_default();
            fake.user_taps(user, zone.message_id, &label);
        } else if let Some(intro) = latest_with(&msgs, |m| m.has_button("I agree")) {
            fake.user_taps(user, intro.message_id, "I agree");
        } else {
            fake.user_sends(user, "/start");
        }
        wait_activity(fake, user, before).await;
    }
    bail!("could not enroll")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Mood,
    Sleep,
    Quality,
    Craving,
    Used,
    Note,
}

fn step_of(m: &ChatMessage) -> Option<Step> {
    let t = &m.text;
    if !t.contains("Check-in ·") || m.keyboard.is_empty() {
        return None;
    }
    Some(if t.contains("How is your mood") {
        Step::Mood
    } else if t.contains("hours did you sleep") {
        Step::Sleep
    } else if t.contains("How well did you sleep") {
        Step::Quality
    } else if t.contains("strongest urge") {
        Step::Craving
    } else if t.contains("Have you used") {
        Step::Used
    } else if t.contains("Anything you want to add") {
        Step::Note
    } else {
        return None;
    })
}

/// One check-in, as the patient sees it. True if they saw its summary.
async fn check_in(
    fake: &FakeTelegram,
    user: i64,
    want: &Expected,
    stop: &AtomicBool,
) -> Result<bool> {
    // Only a summary of these answers that comes after the note was sent ends this check-in: a
    // summary of the previous check-in can arrive late (its send waited behind a lost request in
    // the same chat), after the patient typed a note into an old question still showing buttons.
    let started_after = fake
        .read(|s| {
            s.chats
                .get(&user)
                .and_then(|c| c.last())
                .map(|m| m.message_id)
        })
        .unwrap_or(0);
    let summaries = |fake: &FakeTelegram| {
        count(fake, user, |m| {
            m.message_id > started_after && want.is_summarised_in(&m.text)
        })
    };
    let mut summaries_before = summaries(fake);
    let mut note_sent = false;
    let mut before = activity(fake, user);
    fake.user_sends(user, "/checkin");
    wait_activity(fake, user, before).await;
    let mut idle = 0;
    let mut actions = 0;
    loop {
        actions += 1;
        if actions > 40 {
            LIVELOCKED.lock().unwrap().push(user);
            if std::env::var_os("CHAOS_DEBUG").is_some() {
                TRAILS
                    .lock()
                    .unwrap()
                    .entry(format!("livelock {user}"))
                    .or_insert_with(|| chat_tail(fake, user, 40));
            }
            bail!("no progress after 40 answers");
        }
        let now_summaries = summaries(fake);
        if now_summaries > summaries_before {
            if note_sent {
                if std::env::var_os("CHAOS_DEBUG").is_some() {
                    let tail = chat_tail(fake, user, 40);
                    TRAILS.lock().unwrap().insert(want.note.clone(), tail);
                }
                return Ok(true);
            }
            summaries_before = now_summaries;
        }
        if stop.load(Ordering::Relaxed) && idle > 0 {
            return Ok(false);
        }
        // What the patient reads now is what they answer; a message that arrives while they
        // type is one they have not seen (Telegram dates their text after their reading).
        let msgs = fake.user_reads(user);
        let current = msgs
            .iter()
            .rev()
            .filter(|m| m.from_bot)
            .find_map(|m| step_of(m).map(|s| (s, m.message_id)));
        before = activity(fake, user);
        // "I'm not sure what you mean. Send /checkin…": the question answered was an old one
        // still showing buttons (its send's reply was lost, so the bot never learned its id
        // and could not take them off); the patient does what the bot says.
        let told_to_start = msgs
            .iter()
            .rev()
            .find(|m| m.from_bot)
            .is_some_and(|m| m.text.starts_with("I'm not sure what you mean"));
        match current.filter(|_| !told_to_start) {
            None => {
                // Nothing on screen to answer: start again, as a patient would.
                fake.user_sends(user, "/checkin");
            }
            Some((step, message_id)) => {
                // The question on screen is answered; if it is still there after the bot's
                // silence, it is answered again (the patient cannot tell whether it was seen).
                match step {
                    Step::Mood => drop(fake.user_sends_at_once(user, &want.mood.to_string())),
                    Step::Sleep => drop(fake.user_sends_at_once(user, &want.sleep_h.to_string())),
                    Step::Quality => drop(fake.user_sends_at_once(user, &want.quality.to_string())),
                    Step::Craving => drop(fake.user_sends_at_once(user, &want.craving.to_string())),
                    Step::Used => {
                        drop(fake.user_taps(user, message_id, if want.used { "Yes" } else { "No" }))
                    }
                    Step::Note => {
                        fake.user_sends_at_once(user, &want.note);
                        note_sent = true;
                    }
                }
            }
        }
        if wait_activity(fake, user, before).await {
            idle = 0;
        } else {
            idle += 1;
            if idle > 8 {
                bail!("the bot stopped answering this patient");
            }
        }
    }
}

/// The last `n` messages of a chat, one line each (summaries whole).
fn chat_tail(fake: &FakeTelegram, user: i64, n: usize) -> String {
    let chat = fake.read(|s| s.chats.get(&user).cloned().unwrap_or_default());
    let lines: Vec<String> = chat[chat.len().saturating_sub(n)..]
        .iter()
        .map(|m| {
            format!(
                "{:>4}{} e{} k{} {:?}",
                m.message_id,
                if m.from_bot { "B" } else { "U" },
                m.edits,
                m.keyboard.len(),
                if m.text.contains("Thank you for checking in") {
                    m.text.replace('\n', " | ")
                } else {
                    m.text.lines().next().unwrap_or("").to_string()
                }
            )
        })
        .collect();
    lines.join("\n")
}

fn count(fake: &FakeTelegram, user: i64, f: impl Fn(&ChatMessage) -> bool) -> usize {
    fake.bot_messages(user).iter().filter(|m| f(m)).count()
}

/// Mood, sleep minutes, sleep quality, craving, as stored.
type Answers = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);

struct Report {
    seen_done: usize,
    lost: usize,
    wrong_step: usize,
    doubled_summaries: usize,
    doubled_suggestions: usize,
    doubled_prompts: usize,
    missing_summaries: usize,
    stale_keyboards: usize,
    unhandled: i64,
    alerts: usize,
    alert_contacts: usize,
    alerts_lost: usize,
    alerts_doubled: usize,
}

async fn inspect(
    db: &Db,
    fake: &FakeTelegram,
    users: i64,
    seen_done: &HashMap<i64, Vec<Expected>>,
) -> Result<Report> {
    let rows = sqlx::query(
        "SELECT p.telegram_user_id AS user, c.status, c.mood, c.sleep_minutes, c.sleep_quality,
                c.craving, c.note
         FROM checkins c JOIN patients p ON p.id = c.patient_id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut wrong_step = 0;
    let mut by_note: HashMap<String, Answers> = HashMap::new();
    let mut completed: HashMap<i64, usize> = HashMap::new();
    for r in &rows {
        let (mood, sleep, quality, craving): Answers = (
            r.get("mood"),
            r.get("sleep_minutes"),
            r.get("sleep_quality"),
            r.get("craving"),
        );
        let outside = |v: Option<i64>, lo: i64, hi: i64| v.is_some_and(|v| v < lo || v > hi);
        wrong_step += usize::from(outside(mood, 2, 4))
            + usize::from(outside(sleep, 360, 480))
            + usize::from(outside(quality, 9, 10))
            + usize::from(outside(craving, 0, 1));
        if let Some(note) = r.get::<Option<String>, _>("note") {
            by_note.insert(note, (mood, sleep, quality, craving));
        }
        if r.get::<String, _>("status") == "completed" {
            *completed.entry(r.get("user")).or_default() += 1;
        }
    }
    let mut lost = 0;
    let mut seen = 0;
    for done in seen_done.values() {
        for want in done {
            seen += 1;
            let missing = match by_note.get(&want.note) {
                None => 4,
                Some((m, s, q, c)) => {
                    usize::from(*m != Some(want.mood))
                        + usize::from(*s != Some(want.sleep_h * 60))
                        + usize::from(*q != Some(want.quality))
                        + usize::from(*c != Some(want.craving))
                }
            };
            if missing > 0 && std::env::var_os("CHAOS_DEBUG").is_some() {
                println!(
                    "lost: wanted {want:?}, stored {:?}",
                    by_note.get(&want.note)
                );
                for r in sqlx::query(
                    "SELECT o.key, o.status, o.not_before AS due_at, o.sent_at FROM outbox o
                     WHERE o.chat_id = ? AND o.key LIKE 'summary:%' ORDER BY o.id DESC LIMIT 8",
                )
                .bind(
                    want.note
                        .split(' ')
                        .nth(1)
                        .and_then(|u| u.parse::<i64>().ok())
                        .unwrap_or(0),
                )
                .fetch_all(db.pool())
                .await?
                {
                    println!(
                        "  outbox {} {} due {:?} sent {:?}",
                        r.get::<String, _>("key"),
                        r.get::<String, _>("status"),
                        r.get::<Option<i64>, _>("due_at"),
                        r.get::<Option<i64>, _>("sent_at"),
                    );
                }
                let trail = TRAILS.lock().unwrap().get(&want.note).cloned();
                println!(
                    "the chat when it was counted finished:\n{}",
                    trail.unwrap_or_default()
                );
                let user: i64 = want
                    .note
                    .split(' ')
                    .nth(1)
                    .and_then(|u| u.parse().ok())
                    .unwrap_or(0);
                for r in sqlx::query(
                    "SELECT c.id, c.status, c.step, c.mood, c.sleep_minutes, c.sleep_quality,
                            c.craving, c.used, c.note, c.started_at
                     FROM checkins c JOIN patients p ON p.id = c.patient_id
                     WHERE p.telegram_user_id = ? ORDER BY c.id DESC LIMIT 6",
                )
                .bind(user)
                .fetch_all(db.pool())
                .await?
                {
                    println!(
                        "  checkin {} {} step {:?} answers {:?}/{:?}/{:?}/{:?} used {:?} note {:?}",
                        r.get::<i64, _>("id"),
                        r.get::<String, _>("status"),
                        r.get::<Option<String>, _>("step"),
                        r.get::<Option<i64>, _>("mood"),
                        r.get::<Option<i64>, _>("sleep_minutes"),
                        r.get::<Option<i64>, _>("sleep_quality"),
                        r.get::<Option<i64>, _>("craving"),
                        r.get::<Option<String>, _>("used"),
                        r.get::<Option<String>, _>("note"),
                    );
                }
            }
            lost += missing;
        }
    }
    let (
        mut doubled_summaries,
        mut doubled_suggestions,
        mut missing_summaries,
        mut doubled_prompts,
        mut stale_keyboards,
    ) = (0, 0, 0, 0, 0);
    for u in 0..users {
        let user = FIRST_USER + u;
        let done = completed.get(&user).copied().unwrap_or(0);
        let summaries = count(fake, user, |m| m.text.contains("Thank you for checking in"));
        let suggestions = count(fake, user, |m| m.has_button("👍 Helpful"));
        doubled_summaries += summaries.saturating_sub(done);
        missing_summaries += done.saturating_sub(summaries);
        doubled_suggestions += suggestions.saturating_sub(done);
        let prompts = count(fake, user, |m| {
            m.text.contains("Good morning") || m.text.contains("Good evening")
        });
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM prompts pr JOIN patients p ON p.id = pr.patient_id
             WHERE p.telegram_user_id = ? AND pr.status IN ('sent', 'answered', 'missed')",
        )
        .bind(user)
        .fetch_one(db.pool())
        .await?;
        doubled_prompts += prompts.saturating_sub(sent as usize);
        // Questions still showing buttons although they are not the open check-in's.
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT c.message_id FROM checkins c JOIN patients p ON p.id = c.patient_id
             WHERE p.telegram_user_id = ? AND c.status = 'open'",
        )
        .bind(user)
        .fetch_optional(db.pool())
        .await?
        .flatten();
        stale_keyboards += count(fake, user, |m| {
            step_of(m).is_some() && Some(i64::from(m.message_id)) != open
        });
    }
    let unhandled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL")
        .fetch_one(db.pool())
        .await?;
    // Each alert's messages to contacts: every one must have arrived, once.
    let per_contact = sqlx::query(
        "SELECT c.telegram_user_id AS contact, COUNT(DISTINCT a.id) AS alerts
         FROM alerts a JOIN links l ON l.patient_id = a.patient_id
         JOIN contacts c ON c.id = l.contact_id WHERE a.kind = 'use'
         GROUP BY c.telegram_user_id",
    )
    .fetch_all(db.pool())
    .await?;
    let (mut alerts, mut alerts_lost, mut alerts_doubled) = (0, 0, 0);
    for r in &per_contact {
        let expected = r.get::<i64, _>("alerts") as usize;
        let got = count(fake, r.get("contact"), |m| {
            m.text.contains("told me in a check-in that they used")
        });
        alerts += expected;
        alerts_lost += expected.saturating_sub(got);
        alerts_doubled += got.saturating_sub(expected);
    }
    Ok(Report {
        seen_done: seen,
        lost,
        wrong_step,
        doubled_summaries,
        doubled_suggestions,
        doubled_prompts,
        missing_summaries,
        stale_keyboards,
        unhandled,
        alerts,
        alert_contacts: per_contact.len(),
        alerts_lost,
        alerts_doubled,
    })
}

fn bot_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("recovery-bot");
    bin.exists().then_some(bin)
}
