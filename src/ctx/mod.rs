//! What every handler is handed: `Ctx` (the database, the texts, the clock, the wake-ups and
//! the Telegram client behind `say`/`edit`/`ack`), the update being handled (`Event`, `Tap`),
//! its unit of work (`Work`), who a queued message is for (`To`), and the keyboard type.
//! Everything above (features, jobs, the transport) depends on this; it depends on nothing
//! above it.

pub mod keyboard;
pub mod keyboards;
pub mod metrics;
pub mod render;
pub mod reply;
pub mod work;

use crate::clock::Clock;
use crate::config::{CrisisLine, ScheduleSettings};
use crate::content::{Args, Content};
use crate::domain::outbox_key::Key;
use crate::store::Db;
use std::sync::Arc;
use teloxide::Bot;
use tokio::sync::Notify;

/// What every handler needs.
#[derive(Clone)]
pub struct Ctx {
    pub bot: Bot,
    pub db: Db,
    pub content: Arc<Content>,
    /// When support contacts are alerted (`prompts/alert-rules.toml`, `config::rules`).
    pub rules: Arc<crate::domain::risk::Rules>,
    pub crisis: Arc<CrisisLine>,
    pub clock: Arc<dyn Clock>,
    pub schedule: Arc<ScheduleSettings>,
    /// Wakes the scheduler (a slot was added or moved).
    pub wake_scheduler: Arc<Notify>,
    /// Wakes the outbox sender (something was queued).
    pub wake_sender: Arc<Notify>,
    /// The bot's @username (from getMe), for invitation links.
    pub username: Arc<tokio::sync::OnceCell<String>>,
    /// Updates already answered whose "handled" could not be written yet (crisis help given
    /// while the disk was full, say): they are marked later, never answered again.
    pub answered: Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
    /// The last update whose `Work` committed (marked handled with it), per chat task: the
    /// worker does not take the write lock again to mark it.
    pub last_committed: Arc<std::sync::atomic::AtomicI64>,
    /// Words a queued message's recipe (`jobs::render::render`, wired in by `app`: the recipes
    /// belong to features above this module).
    pub renderer: fn(&Ctx, &render::Render, &str) -> (String, keyboard::Keyboard),
    /// This bot's counters (`/metrics` on the admin address).
    pub metrics: Arc<metrics::Metrics>,
}

impl Ctx {
    pub fn now(&self) -> i64 {
        self.clock.unix()
    }

    /// Notes that `update_id` was marked handled by its unit of work.
    fn committed(&self, update_id: i64) {
        self.last_committed
            .store(update_id, std::sync::atomic::Ordering::Relaxed);
    }

    /// A copy for one chat task, with its own record of the last committed update.
    pub fn for_chat(&self) -> Ctx {
        Ctx {
            last_committed: Arc::default(),
            ..self.clone()
        }
    }

    /// The bot's username, asked of Telegram once.
    pub async fn username(&self) -> Option<String> {
        use teloxide::prelude::Requester;
        self.username
            .get_or_try_init(|| async {
                let me = reply::send_idempotent(&self.metrics, self.bot.get_me()).await?;
                Ok::<_, teloxide::RequestError>(me.username().to_string())
            })
            .await
            .map_err(|e| tracing::warn!(error = %reply::describe(&e), "getMe failed"))
            .ok()
            .cloned()
    }

    /// Queues a message that must arrive, inside the caller's transaction; the sender is woken
    /// when the transaction commits (`wake_sender`). False if `key` was queued before.
    pub async fn queue(
        &self,
        tx: &mut crate::store::Tx,
        to: To,
        key: &Key,
        text: &str,
        keyboard: Option<&crate::ctx::keyboard::Keyboard>,
        priority: i64,
    ) -> anyhow::Result<bool> {
        self.queue_at(tx, to, key, text, keyboard, priority, self.now())
            .await
    }

    /// `queue`, not before `not_before` (after the patient's quiet hours, say).
    #[allow(clippy::too_many_arguments)]
    pub async fn queue_at(
        &self,
        tx: &mut crate::store::Tx,
        to: To,
        key: &Key,
        text: &str,
        keyboard: Option<&crate::ctx::keyboard::Keyboard>,
        priority: i64,
        not_before: i64,
    ) -> anyhow::Result<bool> {
        let keyboard = keyboard.map(serde_json::to_string).transpose()?;
        self.enqueue(
            tx,
            &to,
            key,
            text,
            keyboard.as_deref(),
            priority,
            not_before,
            None,
        )
        .await
    }

    /// One outbox row for a message; `rendered` is its recipe and language, if it has one.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn enqueue(
        &self,
        tx: &mut crate::store::Tx,
        to: &To,
        key: &Key,
        text: &str,
        keyboard: Option<&str>,
        priority: i64,
        not_before: i64,
        rendered: Option<(&str, &str)>,
    ) -> anyhow::Result<bool> {
        crate::store::outbox::enqueue(
            tx,
            &crate::store::outbox::NewMessage {
                key,
                kind: crate::store::outbox::Kind::Message,
                patient_id: to.patient_id,
                chat_id: to.chat_id,
                prompt_id: None,
                text,
                keyboard,
                not_before,
                priority,
                contact_id: to.contact_id,
                alert_id: to.alert_id,
                render: rendered.map(|r| r.0),
                lang: rendered.map(|r| r.1),
            },
            self.now(),
        )
        .await
    }

    /// Queues a message that is rendered again at send time if the recipient has switched
    /// language by then (prompts, reminders, follow-ups, alerts, summaries).
    #[allow(clippy::too_many_arguments)]
    pub async fn queue_rendered(
        &self,
        tx: &mut crate::store::Tx,
        to: To,
        key: &Key,
        render: &render::Render,
        lang: &str,
        priority: i64,
        not_before: i64,
    ) -> anyhow::Result<bool> {
        let (text, keyboard) = (self.renderer)(self, render, lang);
        let keyboard = serde_json::to_string(&keyboard)?;
        let recipe = render.to_json();
        self.enqueue(
            tx,
            &to,
            key,
            &text,
            Some(&keyboard),
            priority,
            not_before,
            Some((&recipe, lang)),
        )
        .await
    }

    pub fn t(&self, lang: &str, key: &str) -> String {
        self.content.text(lang, key)
    }

    pub fn t_with(&self, lang: &str, key: &str, args: Args<'_>) -> String {
        self.content.text_with(lang, key, args)
    }

    pub fn date_long(&self, lang: &str, date: chrono::NaiveDate) -> String {
        self.content.date_long(lang, date)
    }

    /// The crisis line for a country: the table's (`prompts/crisis-lines.toml`), else the
    /// operator's `CRISIS_*` settings.
    pub fn line(&self, country: Option<&str>) -> &CrisisLine {
        country
            .and_then(|c| self.content.crisis_lines.get(c))
            .map_or(&*self.crisis, |c| &c.line)
    }

    /// The country, if the table has its own line (else the operator's line is shown).
    pub fn listed<'a>(&self, country: Option<&'a str>) -> Option<&'a str> {
        country.filter(|c| self.content.crisis_lines.get(c).is_some())
    }

    /// The emergency number for a country.
    pub fn emergency(&self, country: Option<&str>) -> String {
        self.line(country).emergency_number.clone()
    }

    /// "a, b and c" / "a, b y c", as `lang` joins a list.
    pub fn join_list(&self, lang: &str, mut items: Vec<String>) -> String {
        match items.len() {
            0 => String::new(),
            1 => items.remove(0),
            _ => {
                let last = items.pop().unwrap_or_default();
                self.t_with(
                    lang,
                    "list-and",
                    &[("rest", items.join(", ").into()), ("last", last.into())],
                )
            }
        }
    }

    /// A country's name in `lang` ("España").
    pub fn country_name(&self, code: &str, lang: &str) -> String {
        self.content.crisis_lines.name(code, lang)
    }

    /// "call or text 988 (988 Suicide & Crisis Lifeline)", for the person's country.
    pub fn crisis_action(&self, lang: &str, country: Option<&str>) -> String {
        let line = self.line(country);
        let hours = if line.always_open {
            String::new()
        } else {
            self.t(lang, "crisis-hours-limited")
        };
        self.t_with(
            lang,
            "crisis-action",
            &[
                ("can_text", if line.can_text { "yes" } else { "no" }.into()),
                ("crisis_number", line.number.clone().into()),
                ("crisis_line", line.name.clone().into()),
                ("hours", hours.into()),
            ],
        )
    }

    /// "Spain: crisis line 024, emergency 112", or the operator's line where the country's
    /// own is not known.
    pub fn crisis_summary(&self, lang: &str, country: Option<&str>) -> String {
        let line = self.line(country);
        let mut args: Vec<(&str, fluent_bundle::FluentValue)> = vec![
            ("crisis_number", line.number.clone().into()),
            ("crisis_line", line.name.clone().into()),
            ("emergency_number", line.emergency_number.clone().into()),
        ];
        let key = match self.listed(country) {
            Some(c) => {
                args.push(("country", self.country_name(c, lang).into()));
                "crisis-summary"
            }
            None => "crisis-summary-fallback",
        };
        self.t_with(lang, key, &args)
    }
}

/// Who a queued message is for. `patient_id`: the patient it concerns (deleting them drops it);
/// `contact_id`: set for messages to a support contact.
#[derive(Debug, Clone, Copy)]
pub struct To {
    pub chat_id: i64,
    pub patient_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub alert_id: Option<i64>,
}

impl To {
    pub fn patient(p: &crate::store::patients::Patient) -> To {
        To {
            chat_id: p.chat_id,
            patient_id: Some(p.id),
            contact_id: None,
            alert_id: None,
        }
    }

    pub fn contact_of(link: &crate::store::contacts::Link) -> To {
        To {
            chat_id: link.contact_chat_id,
            patient_id: Some(link.patient_id),
            contact_id: Some(link.contact_id),
            alert_id: None,
        }
    }

    pub fn patient_of(link: &crate::store::contacts::Link) -> To {
        To {
            chat_id: link.patient_chat_id,
            patient_id: Some(link.patient_id),
            contact_id: None,
            alert_id: None,
        }
    }
}

/// Outbox priority of a reply the patient is waiting for: ahead of scheduled prompts (0).
pub const REPLY_PRIORITY: i64 = 1;

/// Outbox priority of alerts and crisis screens: ahead of replies and prompts, and they do not
/// wait behind other chats' messages for the send budget (`outbox::Limiter`).
pub const ALERT_PRIORITY: i64 = 2;

/// The update being handled, as handlers see it.
#[derive(Debug, Clone)]
pub struct Event {
    pub update_id: i64,
    pub user_id: i64,
    /// The language to answer in: the patient's stored one, else their Telegram language.
    pub lang: String,
    /// The country whose crisis line to show: the patient's, else the region of their
    /// Telegram language ("es-MX"), else none (the operator's line).
    pub country: Option<String>,
}

impl Event {
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }
}

/// A button tap being handled.
#[derive(Debug, Clone)]
pub struct Tap {
    pub query_id: String,
    pub chat_id: i64,
    pub message_id: Option<i32>,
}

impl Ctx {
    /// The enrolled patient behind a tap; for anyone else, a "you haven't joined yet" toast
    /// and `None`.
    pub async fn enrolled<'p>(
        &self,
        patient: Option<&'p crate::store::patients::Patient>,
        tap: &Tap,
        lang: &str,
    ) -> Option<&'p crate::store::patients::Patient> {
        if patient.is_none() {
            self.ack(&tap.query_id, Some(self.t(lang, "not-enrolled")))
                .await;
        }
        patient
    }
}
