//! What the bot keeps of a Telegram update between receiving and handling it.
//!
//! Only the fields the handlers need are kept: no names, no usernames. The payload is cleared
//! from the inbox once handled.

use serde::{Deserialize, Serialize};
use teloxide::types::{ChatKind, Update, UpdateKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Incoming {
    Message {
        user_id: i64,
        language: Option<String>,
        chat_id: i64,
        private: bool,
        message_id: i32,
        /// `None` for stickers, photos and anything else without text.
        text: Option<String>,
    },
    Callback {
        query_id: String,
        user_id: i64,
        language: Option<String>,
        /// The chat and message the tapped keyboard belongs to, when Telegram says.
        chat_id: Option<i64>,
        message_id: Option<i32>,
        data: Option<String>,
    },
    /// Anything this bot does not act on (edited messages, channel posts, ...).
    Other,
}

impl Incoming {
    /// Normalizes an update. Returns the key that orders handling (updates with the same key
    /// are handled one after another, in update_id order) and the event.
    pub fn from_update(update: &Update) -> (i64, Incoming) {
        match &update.kind {
            UpdateKind::Message(m) => {
                let Some(user) = m.from.as_ref() else {
                    return (m.chat.id.0, Incoming::Other);
                };
                (
                    m.chat.id.0,
                    Incoming::Message {
                        user_id: user.id.0 as i64,
                        language: user.language_code.clone(),
                        chat_id: m.chat.id.0,
                        private: matches!(m.chat.kind, ChatKind::Private(_)),
                        message_id: m.id.0,
                        text: m.text().map(str::to_string),
                    },
                )
            }
            UpdateKind::CallbackQuery(q) => {
                let user_id = q.from.id.0 as i64;
                let chat_id = q.message.as_ref().map(|m| m.chat().id.0);
                (
                    chat_id.unwrap_or(user_id),
                    Incoming::Callback {
                        query_id: q.id.0.clone(),
                        user_id,
                        language: q.from.language_code.clone(),
                        chat_id,
                        message_id: q.message.as_ref().map(|m| m.id().0),
                        data: q.data.clone(),
                    },
                )
            }
            _ => (0, Incoming::Other),
        }
    }
}
