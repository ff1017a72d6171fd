//! Sending replies directly (replies to a tap or a message). Transient failures are retried a
//! few times: 429 waits exactly `retry_after`, 5xx and connections that could not be made back
//! off. A send that may have arrived (timeout, dropped connection) is not repeated, except crisis
//! resources (`say_urgent`). Messages that must not be lost go through the outbox instead.

use crate::ctx::keyboard::Keyboard;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::{ChatId, MessageId};
use teloxide::{ApiError, RequestError};

use crate::ctx::metrics::{Metrics, Path};
use crate::ctx::Ctx;

const ATTEMPTS: u32 = 4;
/// Longest we will hold a reply for a 429 before giving up on it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A description of an error that is safe to log. teloxide's `InvalidJson` carries the raw
/// reply, which can hold message text and names: only its kind is logged.
pub fn describe(e: &RequestError) -> String {
    match e {
        RequestError::InvalidJson { .. } => "unparseable reply from the Bot API".to_string(),
        RequestError::Api(api) => format!("Bot API error: {api}"),
        RequestError::RetryAfter(s) => format!("rate limited for {} s", s.seconds()),
        RequestError::MigrateToChatId(_) => "chat migrated".to_string(),
        // teloxide removes the token from the URL in network errors.
        RequestError::Network(n) => format!("network error: {n}"),
        RequestError::Io(_) => "I/O error".to_string(),
    }
}

/// Whether to try a request again after `e`. A timeout, a dropped connection or an unparseable
/// reply (a proxy's HTML error page, or a reply teloxide cannot read) may mean Telegram did
/// act, so only requests that are safe to repeat (`idempotent`: edits, answering a tap, and
/// crisis replies, where a duplicate is better than nothing) are retried after one; a message
/// is sent again only when the connection was never made.
fn is_transient(e: &RequestError, idempotent: bool, urgent: bool) -> bool {
    match e {
        RequestError::Network(n) => idempotent || n.is_connect(),
        RequestError::Io(_) => true,
        // A proxy's error page means nothing was sent; an ok reply we could not read means it
        // was, and only requests safe to repeat are retried then.
        RequestError::InvalidJson { raw, .. } => {
            let accepted = raw.replace(' ', "").contains("\"ok\":true");
            (idempotent && !urgent) || !accepted
        }
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

/// Runs a request that must not be repeated blindly (sending a message).
pub async fn send<R>(
    metrics: &Metrics,
    req: R,
) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    send_with(metrics, req, false, false).await
}

/// Sends a crisis reply: retried like a request safe to repeat, since the person seeing it twice
/// is better than not seeing it.
pub async fn send_urgent<R>(
    metrics: &Metrics,
    req: R,
) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    send_with(metrics, req, true, true).await
}

/// Runs a request that is safe to repeat (editing, answering a tap, settings).
pub async fn send_idempotent<R>(
    metrics: &Metrics,
    req: R,
) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    send_with(metrics, req, true, false).await
}

/// `urgent`: a message retried like an idempotent request, except after a reply that shows
/// Telegram took it (sending it again would be a certain duplicate).
async fn send_with<R>(
    metrics: &Metrics,
    req: R,
    idempotent: bool,
    urgent: bool,
) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let mut backoff = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        let result = req.send_ref().await;
        metrics.sent(Path::Reply, &result);
        match result {
            Ok(out) => return Ok(out),
            Err(RequestError::RetryAfter(s))
                if attempt < ATTEMPTS && s.duration() <= MAX_RETRY_AFTER =>
            {
                tokio::time::sleep(s.duration()).await;
            }
            Err(e) if attempt < ATTEMPTS && is_transient(&e, idempotent, urgent) => {
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
    pub async fn say(&self, chat_id: i64, text: String, keyboard: Option<Keyboard>) -> Option<i32> {
        self.say_at(chat_id, text, keyboard).await.map(|(id, _)| id)
    }

    /// `say`, also returning when the message appeared (Telegram's date, in seconds).
    pub async fn say_at(
        &self,
        chat_id: i64,
        text: String,
        keyboard: Option<Keyboard>,
    ) -> Option<(i32, i64)> {
        let mut req = self.bot.send_message(ChatId(chat_id), text);
        if let Some(k) = keyboard {
            req = req.reply_markup(k.to_telegram());
        }
        match send(&self.metrics, req).await {
            Ok(m) => Some((m.id.0, m.date.timestamp())),
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not send a message");
                None
            }
        }
    }

    /// Sends a file (`sendDocument`) with a caption; true if Telegram took it. Not repeated
    /// after a reply that may mean it arrived, like a message.
    pub async fn send_file(
        &self,
        chat_id: i64,
        file_name: &str,
        bytes: Vec<u8>,
        caption: String,
    ) -> bool {
        let file = teloxide::types::InputFile::memory(bytes).file_name(file_name.to_string());
        let req = self
            .bot
            .send_document(ChatId(chat_id), file)
            .caption(caption);
        match send(&self.metrics, req).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not send a file");
                false
            }
        }
    }

    /// Sends a picture (`sendPhoto`, PNG or JPEG) that cannot be forwarded or saved
    /// (`protect_content`), with a caption and buttons. Its message id if Telegram took it.
    pub async fn send_photo(
        &self,
        chat_id: i64,
        bytes: Vec<u8>,
        caption: String,
        keyboard: Keyboard,
    ) -> Option<i32> {
        let file = teloxide::types::InputFile::memory(bytes).file_name("chart.png");
        let req = self
            .bot
            .send_photo(ChatId(chat_id), file)
            .caption(caption)
            .protect_content(true)
            .reply_markup(keyboard.to_telegram());
        match send(&self.metrics, req).await {
            Ok(m) => Some(m.id.0),
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not send a picture");
                None
            }
        }
    }

    /// Replaces the picture, caption and buttons of a message sent with `send_photo`. True if
    /// Telegram took it ("not modified" included).
    pub async fn edit_photo(
        &self,
        chat_id: i64,
        message_id: i32,
        bytes: Vec<u8>,
        caption: String,
        keyboard: Keyboard,
    ) -> bool {
        use teloxide::types::{InputMedia, InputMediaPhoto};
        let file = teloxide::types::InputFile::memory(bytes).file_name("chart.png");
        let media = InputMedia::Photo(InputMediaPhoto::new(file).caption(caption));
        let req = self
            .bot
            .edit_message_media(ChatId(chat_id), MessageId(message_id), media)
            .reply_markup(keyboard.to_telegram());
        match send(&self.metrics, req).await {
            Ok(_) => true,
            Err(RequestError::Api(ApiError::MessageNotModified)) => true,
            Err(e) => {
                tracing::info!(chat_id, error = %describe(&e), "could not replace a picture");
                false
            }
        }
    }

    /// `say` for crisis resources: retried even when a first attempt may have arrived. True if
    /// Telegram took it (also when its reply could not be read but said ok).
    pub async fn say_urgent(&self, chat_id: i64, text: String, keyboard: Option<Keyboard>) -> bool {
        let mut req = self.bot.send_message(ChatId(chat_id), text);
        if let Some(k) = keyboard {
            req = req.reply_markup(k.to_telegram());
        }
        match send_urgent(&self.metrics, req).await {
            Ok(_) => true,
            Err(RequestError::InvalidJson { raw, .. })
                if raw.replace(' ', "").contains("\"ok\":true") =>
            {
                true
            }
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not send crisis resources");
                false
            }
        }
    }

    /// Replaces a message's text and keyboard. "Not modified" counts as success.
    pub async fn edit(
        &self,
        chat_id: i64,
        message_id: i32,
        text: String,
        keyboard: Option<Keyboard>,
    ) -> bool {
        self.edit_at(chat_id, message_id, text, keyboard)
            .await
            .is_some()
    }

    /// `edit`: `Some` when the message shows `text` now, with when it changed (Telegram's
    /// edit date) if Telegram said; `Some(None)` for "not modified".
    pub async fn edit_at(
        &self,
        chat_id: i64,
        message_id: i32,
        text: String,
        keyboard: Option<Keyboard>,
    ) -> Option<Option<i64>> {
        let mut req = self
            .bot
            .edit_message_text(ChatId(chat_id), MessageId(message_id), text);
        if let Some(k) = keyboard {
            req = req.reply_markup(k.to_telegram());
        }
        match send_idempotent(&self.metrics, req).await {
            Ok(m) => Some(Some(m.edit_date().unwrap_or(&m.date).timestamp())),
            Err(RequestError::Api(ApiError::MessageNotModified)) => Some(None),
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not edit a message");
                None
            }
        }
    }

    /// Shows `text` in place of message `message_id` (the one a button was tapped on), or as a
    /// new message when there is none.
    pub async fn replace_or_send(
        &self,
        chat_id: i64,
        message_id: Option<i32>,
        text: String,
        keyboard: Keyboard,
    ) {
        match message_id {
            Some(m) => {
                self.edit(chat_id, m, text, Some(keyboard)).await;
            }
            None => {
                self.say(chat_id, text, Some(keyboard)).await;
            }
        }
    }

    /// Removes (or replaces) the keyboard of a message, keeping its text.
    pub async fn set_keyboard(&self, chat_id: i64, message_id: i32, keyboard: Keyboard) -> bool {
        let req = self
            .bot
            .edit_message_reply_markup(ChatId(chat_id), MessageId(message_id))
            .reply_markup(keyboard.to_telegram());
        self.edit_result(
            chat_id,
            send_idempotent(&self.metrics, req).await.map(|_| ()),
        )
    }

    fn edit_result(&self, chat_id: i64, r: Result<(), RequestError>) -> bool {
        match r {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => true,
            Err(e) => {
                tracing::warn!(chat_id, error = %describe(&e), "could not edit a message");
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
        if let Err(e) = send_idempotent(&self.metrics, req).await {
            tracing::debug!(error = %describe(&e), "could not answer a callback query");
        }
    }
}
