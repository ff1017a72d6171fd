//! What the simulated people do: write, send stickers, write in a group, read, tap buttons,
//! and what Telegram does again (a redelivered update).

use super::*;

impl FakeTelegram {
    /// The user reads their chat, then sends a text message in it. Returns the update id.
    pub fn user_sends(&self, user_id: i64, text: &str) -> i64 {
        self.with(|s| s.read_chat(user_id));
        self.user_sends_at_once(user_id, text)
    }

    /// The user has read everything in their chat so far (their clock moves on by
    /// [`READING_SECS`] after the bot's latest message). A message the bot posts after this and
    /// before [`FakeTelegram::user_sends_at_once`] is one they had not seen when they typed.
    /// Returns the bot's messages as the user read them.
    pub fn user_reads(&self, user_id: i64) -> Vec<ChatMessage> {
        self.with(|s| {
            s.read_chat(user_id);
            s.bot_messages(user_id).into_iter().cloned().collect()
        })
    }

    /// The user sends a text message without reading what has just arrived (they typed it
    /// before it did). Returns the update id.
    pub fn user_sends_at_once(&self, user_id: i64, text: &str) -> i64 {
        self.with(|s| {
            let user = s.users.get(&user_id).cloned().expect("add_user first");
            let date = s.date_in(user_id);
            let message_id = next_message_id(s, user_id);
            s.chats.entry(user_id).or_default().push(ChatMessage {
                message_id,
                from_bot: false,
                text: text.to_string(),
                keyboard: vec![],
                edits: 0,
                date,
                edit_date: None,
                attachment: None,
            });
            let mut message = json!({
                "message_id": message_id,
                "date": date,
                "chat": private_chat(&user),
                "from": user_json(&user),
                "text": text,
            });
            if text.starts_with('/') {
                let len = text
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .encode_utf16()
                    .count();
                message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
            }
            queue_update(s, json!({ "message": message }))
        })
    }

    /// The user sends a sticker (a message without text).
    pub fn user_sends_sticker(&self, user_id: i64) -> i64 {
        self.with(|s| {
            let user = s.users.get(&user_id).cloned().expect("add_user first");
            s.read_chat(user_id);
            let date = s.date_in(user_id);
            let message_id = next_message_id(s, user_id);
            let message = json!({
                "message_id": message_id,
                "date": date,
                "chat": private_chat(&user),
                "from": user_json(&user),
                "sticker": {
                    "file_id": "CAACAgIAAxkBAAEBsticker", "file_unique_id": "AgADsticker",
                    "type": "regular", "width": 512, "height": 512,
                    "is_animated": false, "is_video": false
                }
            });
            queue_update(s, json!({ "message": message }))
        })
    }

    /// The user writes in a group the bot is in.
    pub fn group_message(&self, group_id: i64, user_id: i64, text: &str) -> i64 {
        self.with(|s| {
            let user = s.users.get(&user_id).cloned().expect("add_user first");
            let date = s.date_in(group_id);
            let message_id = next_message_id(s, group_id);
            let message = json!({
                "message_id": message_id,
                "date": date,
                "chat": {"id": group_id, "type": "group", "title": "Some group"},
                "from": user_json(&user),
                "text": text,
            });
            s.chats.entry(group_id).or_default();
            queue_update(s, json!({ "message": message }))
        })
    }

    /// The user taps a button with this `callback_data` on `message_id`, whatever the message
    /// really shows (a modified client can send anything). Returns the callback query id.
    pub fn user_taps_data(&self, user_id: i64, message_id: i32, data: &str) -> String {
        self.user_taps_in(user_id, user_id, message_id, data)
    }

    /// Like `user_taps_data`, on a message in chat `chat_id` (a group, say).
    pub fn user_taps_in(&self, chat_id: i64, user_id: i64, message_id: i32, data: &str) -> String {
        self.with(|s| {
            let user = s.users.get(&user_id).cloned().expect("add_user first");
            let msg = s
                .message(chat_id, message_id)
                .cloned()
                .unwrap_or_else(|| panic!("no message {message_id} in chat {chat_id}"));
            s.next_callback += 1;
            let id = format!("cbq-{}", s.next_callback);
            s.callbacks.insert(
                id.clone(),
                CallbackRecord {
                    user_id,
                    data: data.to_string(),
                    answered: false,
                    toast: None,
                },
            );
            let message = message_json(&user, chat_id, &msg);
            let update = json!({
                "callback_query": {
                    "id": id,
                    "from": user_json(&user),
                    "message": message,
                    "chat_instance": format!("ci-{user_id}"),
                    "data": data,
                }
            });
            queue_update(s, update);
            id
        })
    }

    /// The user taps the button labelled `label` on `message_id`. Panics if there is none,
    /// listing the buttons that are there.
    pub fn user_taps(&self, user_id: i64, message_id: i32, label: &str) -> String {
        let data = self.read(|s| {
            let msg = s
                .message(user_id, message_id)
                .unwrap_or_else(|| panic!("no message {message_id} in chat {user_id}"));
            let labels: Vec<&str> = msg.buttons().map(|b| b.text.as_str()).collect();
            msg.button(label)
                .and_then(|b| b.callback_data.clone())
                .unwrap_or_else(|| {
                    panic!("no button {label:?} on message {message_id}; buttons: {labels:?}")
                })
        });
        self.user_taps_data(user_id, message_id, &data)
    }

    /// Queues an already delivered update again, as Telegram does when a confirmation is lost.
    pub fn redeliver(&self, update_id: i64) {
        self.with(|s| {
            let u = s
                .all_updates
                .get(&update_id)
                .cloned()
                .expect("known update");
            if !s.pending.iter().any(|(id, _)| *id == update_id) {
                s.pending.push((update_id, u));
                s.pending.sort_by_key(|(id, _)| *id);
            }
        });
    }
}
