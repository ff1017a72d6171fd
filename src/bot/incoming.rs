//! What the bot keeps of a Telegram update between receiving and handling it.
//!
//! Only the fields the handlers need are kept: no usernames, and a first name only on a button
//! tap (a support contact accepting an invitation is shown to the patient by it). The payload is
//! cleared from the inbox once handled.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use teloxide::types::{ChatKind, ChatMemberKind, Update, UpdateKind};

/// A message in a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    pub user_id: i64,
    pub language: Option<String>,
    pub chat_id: i64,
    pub private: bool,
    pub message_id: i32,
    /// `None` for stickers, photos and anything else without text.
    pub text: Option<String>,
    /// When Telegram received it (Unix seconds; 0 when unknown, as in updates stored
    /// before this field existed).
    #[serde(default)]
    pub date: i64,
}

/// A tapped button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tapped {
    pub query_id: String,
    pub user_id: i64,
    pub language: Option<String>,
    /// The chat and message the tapped keyboard belongs to, when Telegram says.
    pub chat_id: Option<i64>,
    pub message_id: Option<i32>,
    pub data: Option<String>,
    /// The tapper's first name (used only when accepting an invitation).
    #[serde(default)]
    pub first_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Incoming {
    Message(Said),
    Callback(Tapped),
    /// The person blocked (`blocked`) or unblocked the bot in their private chat.
    Membership {
        user_id: i64,
        chat_id: i64,
        blocked: bool,
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
                    Incoming::Message(Said {
                        user_id: user.id.0 as i64,
                        language: user.language_code.clone(),
                        chat_id: m.chat.id.0,
                        private: matches!(m.chat.kind, ChatKind::Private(_)),
                        message_id: m.id.0,
                        text: m.text().map(str::to_string),
                        date: m.date.timestamp(),
                    }),
                )
            }
            UpdateKind::CallbackQuery(q) => {
                let user_id = q.from.id.0 as i64;
                let chat_id = q.message.as_ref().map(|m| m.chat().id.0);
                (
                    chat_id.unwrap_or(user_id),
                    Incoming::Callback(Tapped {
                        query_id: q.id.0.clone(),
                        user_id,
                        language: q.from.language_code.clone(),
                        chat_id,
                        message_id: q.message.as_ref().map(|m| m.id().0),
                        data: q.data.clone(),
                        first_name: Some(q.from.first_name.clone()),
                    }),
                )
            }
            UpdateKind::MyChatMember(m) if matches!(m.chat.kind, ChatKind::Private(_)) => (
                m.chat.id.0,
                Incoming::Membership {
                    user_id: m.from.id.0 as i64,
                    chat_id: m.chat.id.0,
                    blocked: matches!(
                        m.new_chat_member.kind,
                        ChatMemberKind::Banned(_) | ChatMemberKind::Left
                    ),
                },
            ),
            // teloxide could not parse this update (the Bot API changed under it). Rather than
            // lose a patient's message, read the few fields we need from the raw JSON.
            UpdateKind::Error(raw) => {
                let parsed = from_raw(raw);
                if parsed.1 == Incoming::Other {
                    tracing::error!(update_id = update.id.0, "an update could not be read");
                } else {
                    tracing::warn!(update_id = update.id.0, "an update was read from raw JSON");
                }
                parsed
            }
            _ => (0, Incoming::Other),
        }
    }
}

/// Reads a message or a button tap from an update's raw JSON.
pub fn from_raw(raw: &Value) -> (i64, Incoming) {
    let int = |v: &Value| v.as_i64();
    let string = |v: &Value| v.as_str().map(str::to_string);
    if let Some(m) = raw.get("message") {
        let (Some(chat_id), Some(user_id), Some(message_id)) = (
            int(&m["chat"]["id"]),
            int(&m["from"]["id"]),
            int(&m["message_id"]),
        ) else {
            return (0, Incoming::Other);
        };
        return (
            chat_id,
            Incoming::Message(Said {
                user_id,
                language: string(&m["from"]["language_code"]),
                chat_id,
                private: m["chat"]["type"] == "private",
                message_id: message_id as i32,
                text: string(&m["text"]),
                date: int(&m["date"]).unwrap_or(0),
            }),
        );
    }
    if let Some(q) = raw.get("callback_query") {
        let (Some(query_id), Some(user_id)) = (string(&q["id"]), int(&q["from"]["id"])) else {
            return (0, Incoming::Other);
        };
        let chat_id = int(&q["message"]["chat"]["id"]);
        return (
            chat_id.unwrap_or(user_id),
            Incoming::Callback(Tapped {
                query_id,
                user_id,
                language: string(&q["from"]["language_code"]),
                chat_id,
                message_id: int(&q["message"]["message_id"]).map(|m| m as i32),
                data: string(&q["data"]),
                first_name: string(&q["from"]["first_name"]),
            }),
        );
    }
    (0, Incoming::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_messages_and_taps_are_read() {
        let m = json!({"update_id": 5, "message": {"message_id": 9, "date": "garbage",
            "chat": {"id": 77, "type": "private"}, "from": {"id": 77, "language_code": "es"}, "text": "7"}});
        assert_eq!(
            from_raw(&m),
            (
                77,
                Incoming::Message(Said {
                    user_id: 77,
                    language: Some("es".into()),
                    chat_id: 77,
                    private: true,
                    message_id: 9,
                    text: Some("7".into()),
                    date: 0,
                })
            )
        );
        let q = json!({"update_id": 6, "callback_query": {"id": "q1", "from": {"id": 77},
            "message": {"message_id": 3, "chat": {"id": 77}}, "data": "crisis"}});
        assert_eq!(
            from_raw(&q),
            (
                77,
                Incoming::Callback(Tapped {
                    query_id: "q1".into(),
                    user_id: 77,
                    language: None,
                    chat_id: Some(77),
                    message_id: Some(3),
                    data: Some("crisis".into()),
                    first_name: None,
                })
            )
        );
        let dated = json!({"update_id": 8, "message": {"message_id": 10, "date": 1_700_000_000,
            "chat": {"id": 77, "type": "private"}, "from": {"id": 77}, "text": "5"}});
        assert!(matches!(
            from_raw(&dated).1,
            Incoming::Message(Said {
                date: 1_700_000_000,
                ..
            })
        ));
        // An update stored in the inbox before `date` existed is still read.
        let old: Incoming = serde_json::from_value(json!({"kind": "message", "user_id": 1,
            "language": null, "chat_id": 1, "private": true, "message_id": 2, "text": "4"}))
        .unwrap();
        assert!(matches!(old, Incoming::Message(Said { date: 0, .. })));
        // The inbox's stored form is flat, as it was before `Said` and `Tapped` were types.
        let tap = Incoming::Callback(Tapped {
            query_id: "q".into(),
            user_id: 1,
            language: None,
            chat_id: Some(1),
            message_id: Some(3),
            data: Some("help".into()),
            first_name: None,
        });
        let stored = serde_json::to_value(&tap).unwrap();
        assert_eq!(
            stored,
            json!({"kind": "callback", "query_id": "q", "user_id": 1, "language": null,
                "chat_id": 1, "message_id": 3, "data": "help", "first_name": null})
        );
        assert_eq!(serde_json::from_value::<Incoming>(stored).unwrap(), tap);
        assert_eq!(
            from_raw(&json!({"update_id": 7, "poll": {}})),
            (0, Incoming::Other)
        );
    }
}
