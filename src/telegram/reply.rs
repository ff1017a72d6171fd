//! Sending replies directly (replies to a tap or a message). Transient failures are retried a
//! few times: 429 waits exactly `retry_after`, network errors and 5xx back off. Messages that
//! must not be lost go through the outbox instead (a later issue).

use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId};
use teloxide::{ApiError, RequestError};

use super::Ctx;

const ATTEMPTS: u32 = 4;
/// Longest we will hold a reply for a 429 before giving up on it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

fn is_transient(e: &RequestError) -> bool {
    match e {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(d)) => {
            let d = d.to_ascii_lowercase();
            d.contains("internal server error")
                || d.contains("bad gateway")
                || d.contains("service unavailable")
                || d.contains("gateway timeout")
        }
        _ => false,
    }
}

/// Runs a request, retrying transient failures.
pub async fn send<R>(req: R) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let mut backoff = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        match req.send_ref().await {
            Ok(out) => return Ok(out),
            Err(RequestError::RetryAfter(s))
                if attempt < ATTEMPTS && s.duration() <= MAX_RETRY_AFTER =>
            {
                tokio::time::sleep(s.duration()).await;
            }
            Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            Err(e) => return Err(e),
        }
        attempt += 1;
    }
}

impl Ctx {
    /// Sends a text message; returns its id, or `None` when it could not be sent (logged).
    pub async fn say(
        &self,
        chat_id: i64,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Option<MessageId> {
        let mut req = self.bot.send_message(ChatId(chat_id), text);
        if let Some(k) = keyboard {
            req = req.reply_markup(k);
        }
        match send(req).await {
            Ok(m) => Some(m.id),
            Err(e) => {
                tracing::warn!(chat_id, error = %e, "could not send a message");
                None
            }
        }
    }

    /// Replaces a message's text and keyboard. "Not modified" counts as success.
    pub async fn edit(
        &self,
        chat_id: i64,
        message_id: i32,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> bool {
        let mut req = self
            .bot
            .edit_message_text(ChatId(chat_id), MessageId(message_id), text);
        if let Some(k) = keyboard {
            req = req.reply_markup(k);
        }
        self.edit_result(chat_id, send(req).await.map(|_| ()))
    }

    /// Removes (or replaces) the keyboard of a message, keeping its text.
    pub async fn set_keyboard(
        &self,
        chat_id: i64,
        message_id: i32,
        keyboard: InlineKeyboardMarkup,
    ) -> bool {
        let req = self
            .bot
            .edit_message_reply_markup(ChatId(chat_id), MessageId(message_id))
            .reply_markup(keyboard);
        self.edit_result(chat_id, send(req).await.map(|_| ()))
    }

    fn edit_result(&self, chat_id: i64, r: Result<(), RequestError>) -> bool {
        match r {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => true,
            Err(e) => {
                tracing::warn!(chat_id, error = %e, "could not edit a message");
                false
            }
        }
    }

    /// Answers a button tap (always, or the client shows a spinner), with an optional toast.
    pub async fn ack(&self, query_id: &str, toast: Option<String>) {
        let mut req = self
            .bot
            .answer_callback_query(teloxide::types::CallbackQueryId(query_id.to_string()));
        if let Some(t) = toast {
            req = req.text(t);
        }
        if let Err(e) = send(req).await {
            tracing::debug!(error = %e, "could not answer a callback query");
        }
    }
}
