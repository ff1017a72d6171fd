//! Starts the real bot (the code path `run` uses) against the in-repo fake Telegram server,
//! with a fresh SQLite file, and acts as its users.

use chrono::{TimeZone, Utc};
use fake_telegram::{ChatMessage, FakeTelegram};
use recovery_checkin_bot::app::{Parts, RunningBot};
use recovery_checkin_bot::clock::ManualClock;
use recovery_checkin_bot::config::{AdminSettings, Config, CrisisLine, Intake};
use recovery_checkin_bot::store::Db;
use sqlx::Row;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub const ALICE: i64 = 1001;
/// Everything but the background scheduler loop.
pub const DRIVEN: Parts = Parts {
    scheduler: false,
    ..Parts::ALL
};
pub const BOB: i64 = 1002;

pub struct Harness {
    pub fake: FakeTelegram,
    pub dir: tempfile::TempDir,
    pub clock: ManualClock,
    pub bot: Option<RunningBot>,
    pub prompts_dir: PathBuf,
    /// How the next bot started receives updates (polling unless a test sets a webhook).
    pub intake: Intake,
    pub admin: AdminSettings,
    /// The bot's database: a SQLite file in `dir`, or a fresh PostgreSQL database of the
    /// throwaway cluster when the suite runs on PostgreSQL (`backend()`).
    pub database_url: String,
}

/// Whether this suite runs on PostgreSQL (`tests/e2e_postgres`: every test gets a fresh
/// database of a throwaway cluster, started once per run) or on SQLite files (`tests/e2e`).
pub fn on_postgres() -> bool {
    crate::POSTGRES
}

/// The statements that make the database refuse `on` (like "INSERT ON inbox" or "UPDATE OF
/// mood ON checkins") with `message` while `fault.active` is 1: a trigger in each backend's
/// own language. `UPDATE fault SET active = 0` clears the fault.
pub fn fault_sql(trigger: &str, on: &str, message: &str) -> Vec<String> {
    let mut sql = vec![
        "CREATE TABLE IF NOT EXISTS fault (active BIGINT)".to_string(),
        "INSERT INTO fault VALUES (1)".to_string(),
    ];
    if on_postgres() {
        sql.push(format!(
            "CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $f$
             BEGIN IF (SELECT active FROM fault LIMIT 1) = 1 THEN RAISE EXCEPTION '{message}'; END IF;
             RETURN NEW; END $f$"
        ));
        sql.push(format!(
            "CREATE TRIGGER {trigger} BEFORE {on} FOR EACH ROW EXECUTE FUNCTION {trigger}()"
        ));
    } else {
        sql.push(format!(
            "CREATE TRIGGER {trigger} BEFORE {on} WHEN (SELECT active FROM fault) = 1
             BEGIN SELECT RAISE(ABORT, '{message}'); END"
        ));
    }
    sql
}

/// Runs statements on the database, outside the bot.
pub async fn exec_all(db: &Db, sql: &[String]) {
    for s in sql {
        recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(sqlx::AssertSqlSafe(s.clone()))
            .execute(c)
            .await
            .map(|_| ()))
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

pub fn shipped_prompts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts")
}

impl Harness {
    /// A fake server with Alice and Bob, and a running bot.
    pub async fn start() -> Harness {
        let mut h = Harness::without_bot().await;
        h.start_bot(Parts::ALL).await;
        h
    }

    /// A running bot whose scheduler is driven by the test (`tick`, `at`), for exact control.
    pub async fn start_driven() -> Harness {
        let mut h = Harness::without_bot().await;
        h.start_bot(DRIVEN).await;
        h
    }

    pub async fn without_bot() -> Harness {
        // `E2E_LOG=warn` (a tracing filter) shows the bot's own log in a failing test's output.
        if let Ok(filter) = std::env::var("E2E_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let fake = FakeTelegram::start().await;
        fake.add_user(ALICE, "Alice", Some("en"));
        fake.add_user(BOB, "Bob", Some("en-US"));
        let dir = tempfile::tempdir().unwrap();
        let database_url = if on_postgres() {
            tokio::task::spawn_blocking(|| throwaway_postgres::shared().new_database())
                .await
                .unwrap()
        } else {
            format!("sqlite://{}", dir.path().join("bot.db").display())
        };
        Harness {
            fake,
            dir,
            database_url,
            // 2026-03-02 13:00 UTC: 08:00 in New York.
            clock: ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 13, 0, 0).unwrap()),
            bot: None,
            prompts_dir: shipped_prompts(),
            intake: Intake::Polling,
            admin: AdminSettings::default(),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("bot.db")
    }

    pub fn config(&self) -> Config {
        Config {
            token: self.fake.token().into(),
            api_url: Some(self.fake.api_url()),
            database_url: self.database_url.clone(),
            prompts_dir: self.prompts_dir.clone(),
            crisis: CrisisLine::default(),
            poll_timeout: Duration::from_secs(5),
            schedule: Default::default(),
            send: Default::default(),
            intake: self.intake.clone(),
            admin: self.admin.clone(),
        }
    }

    pub async fn start_bot(&mut self, parts: Parts) {
        assert!(self.bot.is_none(), "a bot is already running");
        let bot = RunningBot::start(&self.config(), Arc::new(self.clock.clone()), parts)
            .await
            .expect("bot starts");
        // The suite's backend, for real: a fallback to SQLite would pass every test unseen.
        assert_eq!(bot.ctx.db.is_postgres(), on_postgres(), "the bot's backend");
        self.bot = Some(bot);
    }

    /// Ends the bot abruptly, as a crash would.
    pub async fn kill_bot(&mut self) {
        self.bot.take().expect("a running bot").kill().await;
    }

    /// A separate connection to the bot's database file, for assertions.
    pub async fn db(&self) -> Db {
        Db::open(&self.config().database_url).await.unwrap()
    }

    pub async fn scalar_i64(&self, sql: &'static str, bind: i64) -> Option<i64> {
        async fn read(db: &Db, sql: &'static str, bind: i64) -> Option<i64> {
            recovery_checkin_bot::on!(db.reader(), |c| sqlx::query(sql)
                .bind(bind)
                .fetch_optional(c)
                .await
                .unwrap()
                .and_then(|r| r.get::<Option<i64>, _>(0)))
        }
        // The running bot's readers when there is one (opening the database again costs more
        // than the query); a connection of its own otherwise.
        if let Some(bot) = &self.bot {
            return read(&bot.ctx.db, sql, bind).await;
        }
        let db = self.db().await;
        let v = read(&db, sql, bind).await;
        db.close().await;
        v
    }

    /// Sends text and waits for the bot's next message in that chat.
    pub async fn say(&self, user: i64, text: &str) -> ChatMessage {
        let before = self.fake.bot_messages(user).len();
        self.fake.user_sends(user, text);
        self.fake.wait_for_bot_message(user, before + 1).await
    }

    /// Taps a button by label and waits until the tap is answered; returns the toast.
    pub async fn tap(&self, user: i64, message_id: i32, label: &str) -> Option<String> {
        let q = self.fake.user_taps(user, message_id, label);
        self.fake.wait_for_answer(&q).await
    }

    pub async fn tap_data(&self, user: i64, message_id: i32, data: &str) -> Option<String> {
        let q = self.fake.user_taps_data(user, message_id, data);
        self.fake.wait_for_answer(&q).await
    }

    /// Waits until message `id` in `user`'s chat contains `needle`.
    pub async fn wait_text(&self, user: i64, id: i32, needle: &str) -> ChatMessage {
        self.fake
            .wait_for(&format!("message {id} to contain {needle:?}"), |s| {
                s.message(user, id)
                    .filter(|m| m.text.contains(needle))
                    .cloned()
            })
            .await
    }

    /// /start → I agree → the New York button. Returns the last bot message.
    pub async fn enroll(&self, user: i64) -> ChatMessage {
        let intro = self.say(user, "/start").await;
        self.tap(user, intro.message_id, "I agree").await;
        let ask = self.fake.wait_for_bot_message(user, 2).await;
        let ny = button_starting(&ask, "New York");
        self.tap(user, ask.message_id, &ny).await;
        self.wait_text(user, ask.message_id, "Done: America/New_York")
            .await
    }

    /// Enrolls and starts a check-in; returns the check-in message.
    pub async fn start_checkin(&self, user: i64) -> ChatMessage {
        self.enroll(user).await;
        self.say(user, "/checkin").await
    }
}

pub fn button_starting(m: &ChatMessage, prefix: &str) -> String {
    m.buttons()
        .find(|b| b.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("no button starting with {prefix:?} in {m:#?}"))
        .text
        .clone()
}

pub const CRISIS_BUTTON: &str = "🆘 Crisis help";

impl Harness {
    /// Runs one scheduler pass now (the background loop also runs; passes are idempotent).
    pub async fn tick(&self) -> recovery_checkin_bot::jobs::scheduler::TickReport {
        let ctx = &self.bot.as_ref().expect("a running bot").ctx;
        recovery_checkin_bot::jobs::scheduler::tick(ctx)
            .await
            .unwrap()
    }

    /// Moves the clock to `at` (UTC), runs a scheduler pass and lets the outbox deliver.
    pub async fn at(
        &self,
        y: i32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
    ) -> recovery_checkin_bot::jobs::scheduler::TickReport {
        self.clock
            .set(Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap());
        let report = self.tick().await;
        self.drain_outbox().await;
        report
    }

    /// Waits for the bot's next message in a chat after `count` messages, containing `needle`.
    pub async fn next_message_with(&self, user: i64, count: usize, needle: &str) -> ChatMessage {
        self.fake
            .wait_for(
                &format!("a message containing {needle:?} after #{count}"),
                |s| {
                    s.bot_messages(user)
                        .into_iter()
                        .skip(count)
                        .find(|m| m.text.contains(needle))
                        .cloned()
                },
            )
            .await
    }

    pub fn count(&self, user: i64) -> usize {
        self.fake.bot_messages(user).len()
    }

    /// How many of the bot's messages in `user`'s chat contain `needle`.
    pub fn count_with(&self, user: i64, needle: &str) -> usize {
        self.fake
            .bot_messages(user)
            .iter()
            .filter(|m| m.text.contains(needle))
            .count()
    }

    /// Waits until `sql` (one bound integer) returns `expected`, e.g. a status the bot sets in
    /// the background. Panics after 5 s with the value it last saw.
    pub async fn wait_db(&self, sql: &'static str, bind: i64, expected: Option<i64>) {
        let mut last = None;
        for _ in 0..200 {
            last = self.scalar_i64(sql, bind).await;
            if last == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{sql} ({bind}) stayed {last:?}, expected {expected:?}");
    }

    /// Lets the outbox sender catch up: waits until nothing is pending. Up to 30 s: teloxide
    /// waits 10 s after any 5xx answer before it returns the error.
    pub async fn drain_outbox(&self) {
        for _ in 0..1200 {
            if self
                .scalar_i64(
                    "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND id > $1",
                    0,
                )
                .await
                == Some(0)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the outbox did not drain");
    }

    /// A whole check-in by taps (`labels`: mood, sleep, quality, urge, use), ending with a
    /// typed note; then the outbox drains and the clock moves on 3 hours (so the next one is
    /// later, on the same day or the next).
    pub async fn checkin_noting(&self, user: i64, labels: [&str; 5], note: &str) {
        let m = self.say(user, "/checkin").await;
        for label in labels {
            self.answer(user, m.message_id, label).await;
        }
        let before = self.count(user);
        self.fake.user_sends(user, note);
        self.next_message_with(user, before, "Thank you for checking in")
            .await;
        self.drain_outbox().await;
        self.clock.advance(chrono::Duration::hours(3));
    }

    /// Taps an answer button and waits until the check-in message has moved on.
    pub async fn answer(&self, user: i64, message_id: i32, label: &str) {
        let edits = self.fake.message(user, message_id).unwrap().edits;
        self.tap(user, message_id, label).await;
        self.fake
            .wait_for(
                &format!("message {message_id} edited after tapping {label:?}"),
                |s| {
                    s.message(user, message_id)
                        .filter(|m| m.edits > edits)
                        .map(|_| ())
                },
            )
            .await;
    }
}
