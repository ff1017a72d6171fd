//! Teloxide wiring: durable intake, the handling worker, and one file per feature.
//!
//! teloxide's own polling listener confirms a batch (advances the offset) before handlers run,
//! so a crash mid-batch would lose updates. Instead, `intake` writes each batch to the `inbox`
//! table first and only then asks for the next batch (which confirms the previous one), and
//! `worker` handles recorded updates: in order within a chat, chats concurrently. The router is
//! a plain `match`, so a wiring mistake is a compile error rather than a runtime panic.

pub mod checkin;
pub mod coping;
pub mod incoming;
pub mod intake;
pub mod keyboards;
pub mod language;
pub mod onboarding;
pub mod reply;
pub mod router;
pub mod schedule;
pub mod sos;
pub mod support;
pub mod worker;

use crate::clock::Clock;
use crate::config::{CrisisLine, ScheduleSettings};
use crate::content::{Args, Content};
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
    pub crisis: Arc<CrisisLine>,
    pub clock: Arc<dyn Clock>,
    pub schedule: Arc<ScheduleSettings>,
    /// Wakes the scheduler (a slot was added or moved).
    pub wake_scheduler: Arc<Notify>,
    /// Wakes the outbox sender (something was queued).
    pub wake_sender: Arc<Notify>,
}

impl Ctx {
    pub fn now(&self) -> i64 {
        self.clock.unix()
    }

    pub fn t(&self, lang: &str, key: &str) -> String {
        self.content.text(lang, key)
    }

    pub fn t_with(&self, lang: &str, key: &str, args: Args<'_>) -> String {
        self.content.text_with(lang, key, args)
    }

    /// "call or text 988 (988 Suicide & Crisis Lifeline)", per the deployment's settings.
    pub fn crisis_action(&self, lang: &str) -> String {
        self.t_with(
            lang,
            "crisis-action",
            &[
                (
                    "can_text",
                    if self.crisis.can_text { "yes" } else { "no" }.into(),
                ),
                ("crisis_number", self.crisis.number.clone().into()),
                ("crisis_line", self.crisis.name.clone().into()),
            ],
        )
    }
}

/// The update being handled, as handlers see it.
#[derive(Debug, Clone)]
pub struct Event {
    pub update_id: i64,
    pub user_id: i64,
    /// The language to answer in: the patient's stored one, else their Telegram language.
    pub lang: String,
}
