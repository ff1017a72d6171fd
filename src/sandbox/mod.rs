//! `sandbox`: the real bot (the same `RunningBot`, scheduler, sender, risk engine and SQLite file)
//! against the in-repo fake Telegram server, in one process, on a clock you move. Nothing leaves
//! the machine: the fake listens on loopback, and so does the web page (`web`) that shows the
//! people's chats side by side. `--script` replays a conversation and prints it (`script`).

mod script;
mod web;

use crate::app::{Parts, RunningBot};
use crate::clock::{Clock, ManualClock};
use crate::config::{Config, CrisisLine};
use anyhow::{Context, Result};
use fake_telegram::FakeTelegram;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use script::{parse as parse_script, replay, start_of, Step, Transcript};
pub use web::router;

/// What `sandbox` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The SQLite file; a temporary one when `None` (gone when the sandbox stops).
    pub database: Option<PathBuf>,
    pub prompts_dir: PathBuf,
    /// The web page's loopback port.
    pub port: u16,
    /// Replay this script, print the transcript and stop.
    pub script: Option<PathBuf>,
    /// Where the clock starts; now (on a whole minute) when `None`.
    pub start: Option<chrono::DateTime<chrono::Utc>>,
}

/// One person in the sandbox.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    /// Their Telegram's language (`en`, `es`...).
    pub language: String,
}

/// The running sandbox: the fake server, the bot, its clock and the people.
pub struct Sandbox {
    pub fake: FakeTelegram,
    pub clock: ManualClock,
    pub bot: RunningBot,
    people: Mutex<Vec<Person>>,
    /// Kept for a temporary database: removed with the sandbox.
    _dir: Option<tempfile::TempDir>,
}

/// The first people on the page: a patient and the person they might invite.
const FIRST_PEOPLE: [(&str, &str); 2] = [("Alex", "en"), ("Sam", "en")];

impl Sandbox {
    pub async fn start(options: &Options) -> Result<Arc<Sandbox>> {
        let fake = FakeTelegram::start().await;
        let (dir, database) = match &options.database {
            Some(path) => (None, path.clone()),
            None => {
                let dir = tempfile::tempdir().context("a temporary folder for the database")?;
                let path = dir.path().join("sandbox.db");
                (Some(dir), path)
            }
        };
        let config = Config {
            token: fake.token().into(),
            api_url: Some(fake.api_url()),
            database_url: format!("sqlite://{}", database.display()),
            prompts_dir: options.prompts_dir.clone(),
            crisis: CrisisLine::from_env()?,
            poll_timeout: Duration::from_secs(2),
            schedule: Default::default(),
            send: Default::default(),
            intake: Default::default(),
            admin: Default::default(),
        };
        // The clock starts at the real time, on a whole minute (or where a script says), and
        // moves only when told.
        let now = chrono::Utc::now();
        let clock = ManualClock::new(
            options
                .start
                .unwrap_or(now - chrono::Duration::seconds(now.timestamp() % 60)),
        );
        let bot = RunningBot::start(&config, Arc::new(clock.clone()), Parts::ALL).await?;
        let sandbox = Arc::new(Sandbox {
            fake,
            clock,
            bot,
            people: Mutex::new(Vec::new()),
            _dir: dir,
        });
        for (name, lang) in FIRST_PEOPLE {
            sandbox.add_person(name, lang);
        }
        Ok(sandbox)
    }

    /// A new person (a Telegram user who has opened a chat with the bot).
    pub fn add_person(&self, name: &str, language: &str) -> Person {
        let mut people = self.people.lock().unwrap();
        let person = Person {
            id: 5001 + people.len() as i64,
            name: name.trim().chars().take(40).collect(),
            language: language.trim().to_lowercase(),
        };
        self.fake
            .add_user(person.id, &person.name, Some(&person.language));
        people.push(person.clone());
        person
    }

    pub fn people(&self) -> Vec<Person> {
        self.people.lock().unwrap().clone()
    }

    pub fn person(&self, name_or_id: &str) -> Option<Person> {
        self.people()
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name_or_id) || p.id.to_string() == name_or_id)
    }

    /// The person types `text`.
    pub fn say(&self, person: i64, text: &str) {
        self.fake.user_sends(person, text);
    }

    /// The person taps the button with this data on `message_id`; returns the query's id.
    pub fn tap_data(&self, person: i64, message_id: i32, data: &str) -> String {
        self.fake.user_taps_data(person, message_id, data)
    }

    /// The person taps the newest button labelled `label` in their chat. `None` if there is
    /// none (the labels that are there are in the error).
    pub fn tap_label(&self, person: i64, label: &str) -> Result<String, String> {
        let found = self.fake.read(|s| {
            let msgs = s.bot_messages(person);
            msgs.iter().rev().find_map(|m| {
                m.buttons()
                    .find(|b| b.text == label || b.text.trim() == label.trim())
                    .and_then(|b| b.callback_data.clone())
                    .map(|d| (m.message_id, d))
            })
        });
        match found {
            Some((message_id, data)) => Ok(self.tap_data(person, message_id, &data)),
            None => {
                let there: Vec<String> = self.fake.read(|s| {
                    s.last_bot_message(person)
                        .map(|m| m.buttons().map(|b| format!("{:?}", b.text)).collect())
                        .unwrap_or_default()
                });
                Err(format!(
                    "no button {label:?}; the last message has {}",
                    if there.is_empty() {
                        "none".to_string()
                    } else {
                        there.join(", ")
                    }
                ))
            }
        }
    }

    /// Moves the clock on; the scheduler and the sender see it at once.
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    /// Moves the clock to the next scheduled check-in of anyone. Returns when that is, if any.
    pub async fn to_next_checkin(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let next = crate::store::slots::next_due(&self.bot.ctx.db).await?;
        let at = next.and_then(|t| chrono::DateTime::from_timestamp(t, 0));
        if let Some(at) = at.filter(|at| *at > self.clock.now()) {
            self.clock.set(at);
        }
        Ok(at)
    }

    /// Waits until the bot has gone quiet: nothing changed in the fake for a moment and
    /// nothing due is left in the outbox (at most `within`).
    pub async fn settle(&self, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        let mut changes = self.fake.subscribe();
        loop {
            let quiet = tokio::time::timeout(Duration::from_millis(250), changes.changed()).await;
            let now = self.clock.now().timestamp();
            let idle = crate::store::outbox::due(&self.bot.ctx.db, now, 1)
                .await
                .map_or(true, |due| due.is_empty())
                && self.fake.read(|s| s.pending_updates()) == 0;
            if (quiet.is_err() && idle) || tokio::time::Instant::now() >= deadline {
                return;
            }
        }
    }

    /// What the database holds about a person: their whole record if they are a patient (the
    /// same as `/export`'s JSON), the pairings they are a contact in, or nothing.
    pub async fn record_of(&self, person: i64) -> Result<Value> {
        let db = &self.bot.ctx.db;
        let as_patient = match crate::store::patients::find_by_user(db, person).await? {
            Some(p) => crate::store::export::everything(db, p.id).await?,
            None => Value::Null,
        };
        let links = crate::store::contacts::links_of_contact_user(db, person).await?;
        let as_contact: Vec<Value> = links
            .iter()
            .map(|l| {
                json!({
                    "patient_name": l.patient_name,
                    "contact_name": l.contact_name,
                    "weekly_summary": l.weekly,
                    "told_of_a_reported_use": l.use_alerts,
                    "since": l.created_at,
                    "ended_at": l.ended_at,
                })
            })
            .collect();
        Ok(json!({ "as_patient": as_patient, "as_contact": as_contact }))
    }

    /// Everything the page shows: the clock, the people and their chats, the command menu.
    pub fn snapshot(&self) -> Value {
        let now = self.clock.now();
        let people = self.people();
        self.fake.read(|s| {
            let chats: Vec<Value> = people
                .iter()
                .map(|p| {
                    let messages: Vec<Value> = s
                        .chats
                        .get(&p.id)
                        .map(|c| c.iter().map(|m| message_json(p.id, m)).collect())
                        .unwrap_or_default();
                    let mut toasts: Vec<(&String, &fake_telegram::CallbackRecord)> = s
                        .callbacks
                        .iter()
                        .filter(|(_, c)| c.user_id == p.id && c.toast.is_some())
                        .collect();
                    toasts.sort_by_key(|(id, _)| {
                        id.trim_start_matches("cbq-").parse::<u64>().unwrap_or(0)
                    });
                    json!({
                        "id": p.id,
                        "name": p.name,
                        "language": p.language,
                        "messages": messages,
                        "toasts": toasts
                            .iter()
                            .map(|(id, c)| json!({"id": id, "text": c.toast}))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            let menu = |lang: &str| {
                s.commands
                    .get(lang)
                    .or_else(|| s.commands.get(""))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            let menus: serde_json::Map<String, Value> = people
                .iter()
                .map(|p| (p.id.to_string(), menu(&p.language)))
                .collect();
            json!({
                "clock": now.to_rfc3339(),
                "people": chats,
                "menus": menus,
            })
        })
    }
}

fn message_json(chat: i64, m: &fake_telegram::ChatMessage) -> Value {
    let keyboard: Vec<Vec<Value>> = m
        .keyboard
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| json!({"text": b.text, "data": b.callback_data, "url": b.url}))
                .collect()
        })
        .collect();
    json!({
        "id": m.message_id,
        "from_bot": m.from_bot,
        "text": m.text,
        "keyboard": keyboard,
        "edits": m.edits,
        "attachment": m.attachment.as_ref().map(|a| json!({
            "kind": a.kind,
            "file_name": a.file_name,
            "size": a.bytes.len(),
            "protected": a.protected,
            "url": format!("/file/{chat}/{}", m.message_id),
        })),
    })
}

/// `sandbox`: the page until Ctrl-C, or a script's transcript.
pub async fn run(mut options: Options) -> Result<()> {
    if let Some(file) = options.script.clone() {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading the script {}", file.display()))?;
        let steps = script::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", file.display()))?;
        options.start = options.start.or(script::start_of(&steps));
        let sandbox = Sandbox::start(&options).await?;
        let transcript = script::replay(&sandbox, &steps).await;
        print!("{}", transcript.text);
        let result = match transcript.error {
            Some(e) => Err(anyhow::anyhow!("{}:{e}", file.display())),
            None => Ok(()),
        };
        stop(sandbox).await;
        return result;
    }
    let sandbox = Sandbox::start(&options).await?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{} (try --port)", options.port))?;
    println!(
        "sandbox ready: open http://{} (loopback only; Ctrl-C stops it)",
        listener.local_addr()?
    );
    let app = web::router(sandbox.clone());
    tokio::select! {
        r = axum::serve(listener, app) => r.context("the sandbox page")?,
        _ = tokio::signal::ctrl_c() => {}
    }
    stop(sandbox).await;
    Ok(())
}

async fn stop(sandbox: Arc<Sandbox>) {
    match Arc::try_unwrap(sandbox) {
        Ok(s) => {
            let _ = s.bot.shutdown().await;
        }
        Err(s) => s.bot.ctx.db.close().await,
    }
}
