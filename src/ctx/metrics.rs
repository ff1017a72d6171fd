//! The bot's counters, in its own Prometheus registry (one per running bot, so bots started in
//! one test process never share numbers). Counts only: no user, chat or patient id, and no
//! health data, ever becomes a label. The admin server (`crate::admin`) adds what it reads from
//! the database at scrape time (queue depths, the file's size) and encodes it all as text.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::Instant;
use teloxide::{ApiError, RequestError};

/// What became of one request that sends or changes a message.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum SendOutcome {
    Ok,
    /// 429: Telegram asked us to wait.
    TooManyRequests,
    /// 403 and its kin: the person blocked the bot, or their account is gone.
    Forbidden,
    /// Telegram (or a proxy in front of it) failed: 5xx, an error page.
    ServerError,
    /// No answer: the connection could not be made, broke, or timed out.
    Network,
    /// Refused for another reason (a 400).
    Other,
}

impl SendOutcome {
    pub fn of<T>(result: &Result<T, RequestError>) -> SendOutcome {
        match result {
            Ok(_) => SendOutcome::Ok,
            Err(RequestError::RetryAfter(_)) => SendOutcome::TooManyRequests,
            Err(RequestError::Api(
                ApiError::BotBlocked
                | ApiError::UserDeactivated
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots,
            )) => SendOutcome::Forbidden,
            Err(RequestError::Api(ApiError::Unknown(d))) => {
                let d = d.to_ascii_lowercase();
                if d.starts_with("forbidden") {
                    SendOutcome::Forbidden
                } else if d.contains("internal server error")
                    || d.contains("bad gateway")
                    || d.contains("service unavailable")
                    || d.contains("gateway timeout")
                {
                    SendOutcome::ServerError
                } else {
                    SendOutcome::Other
                }
            }
            // An unreadable reply is a proxy's page or a cut body: the server side failed.
            Err(RequestError::InvalidJson { .. }) => SendOutcome::ServerError,
            Err(RequestError::Network(_) | RequestError::Io(_)) => SendOutcome::Network,
            Err(_) => SendOutcome::Other,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            SendOutcome::Ok => "ok",
            SendOutcome::TooManyRequests => "429",
            SendOutcome::Forbidden => "403",
            SendOutcome::ServerError => "5xx",
            SendOutcome::Network => "network",
            SendOutcome::Other => "other",
        }
    }
}

impl EncodeLabelValue for SendOutcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        std::fmt::Write::write_str(encoder, self.as_str())
    }
}

/// Which part of the bot sent it: the outbox (prompts, alerts, everything queued) or a direct
/// reply to a tap or a message.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Path {
    Outbox,
    Reply,
}

impl EncodeLabelValue for Path {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        let name = match self {
            Path::Outbox => "outbox",
            Path::Reply => "reply",
        };
        std::fmt::Write::write_str(encoder, name)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SendLabels {
    pub path: Path,
    pub outcome: SendOutcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PriorityLabels {
    /// The outbox priority (a small number: crisis and alerts above check-ins).
    pub priority: i64,
}

/// Every number the bot keeps about itself.
pub struct Metrics {
    registry: Registry,
    pub updates_received: Counter,
    pub updates_duplicate: Counter,
    pub updates_handled: Counter,
    pub handler_retries: Counter,
    pub handler_failures: Counter,
    pub webhook_refused: Counter,
    pub sends: Family<SendLabels, Counter>,
    pub pause_seconds: Counter<f64, AtomicU64>,
    pub prompts_sent: Counter,
    pub prompts_answered: Counter,
    pub prompts_missed: Counter,
    pub alerts_sent: Counter,
    pub alerts_acknowledged: Counter,
    pub scheduler_pass: Histogram,
    pub inbox_depth: Gauge,
    pub outbox_depth: Family<PriorityLabels, Gauge>,
    pub outbox_oldest_due: Gauge,
    pub database_bytes: Gauge,
    /// When Telegram last answered a request with success (getUpdates, a send, getWebhookInfo).
    telegram_ok: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("recovery_bot"),
            updates_received: Counter::default(),
            updates_duplicate: Counter::default(),
            updates_handled: Counter::default(),
            handler_retries: Counter::default(),
            handler_failures: Counter::default(),
            webhook_refused: Counter::default(),
            sends: Family::default(),
            pause_seconds: Counter::default(),
            prompts_sent: Counter::default(),
            prompts_answered: Counter::default(),
            prompts_missed: Counter::default(),
            alerts_sent: Counter::default(),
            alerts_acknowledged: Counter::default(),
            scheduler_pass: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            inbox_depth: Gauge::default(),
            outbox_depth: Family::default(),
            outbox_oldest_due: Gauge::default(),
            database_bytes: Gauge::default(),
            telegram_ok: Mutex::new(None),
        };
        let r = &mut m.registry;
        r.register(
            "updates_received",
            "Updates from Telegram stored in the inbox (new ones)",
            m.updates_received.clone(),
        );
        r.register(
            "updates_duplicate",
            "Updates Telegram delivered again that were stored already",
            m.updates_duplicate.clone(),
        );
        r.register(
            "updates_handled",
            "Updates handled (answered or given up after retries)",
            m.updates_handled.clone(),
        );
        r.register(
            "handler_retries",
            "Handler attempts that failed and will be tried again",
            m.handler_retries.clone(),
        );
        r.register(
            "handler_failures",
            "Updates given up after repeated handler failures (the person was told)",
            m.handler_failures.clone(),
        );
        r.register(
            "webhook_refused",
            "Webhook requests refused: wrong secret, too large or not an update",
            m.webhook_refused.clone(),
        );
        r.register(
            "sends",
            "Requests that send or change a message, by path and outcome",
            m.sends.clone(),
        );
        r.register_with_unit(
            "rate_limit_pause",
            "Time Telegram's 429 answers asked the sender to wait",
            Unit::Seconds,
            m.pause_seconds.clone(),
        );
        r.register(
            "prompts_sent",
            "Scheduled check-in prompts delivered",
            m.prompts_sent.clone(),
        );
        r.register(
            "prompts_answered",
            "Scheduled check-in prompts answered (a check-in started from them)",
            m.prompts_answered.clone(),
        );
        r.register(
            "prompts_missed",
            "Scheduled check-in prompts recorded as missed",
            m.prompts_missed.clone(),
        );
        r.register(
            "alerts_sent",
            "Alerts delivered to support contacts",
            m.alerts_sent.clone(),
        );
        r.register(
            "alerts_acknowledged",
            "Alerts a support contact answered with \"I reached out\"",
            m.alerts_acknowledged.clone(),
        );
        r.register_with_unit(
            "scheduler_pass_duration",
            "How long one scheduler pass took",
            Unit::Seconds,
            m.scheduler_pass.clone(),
        );
        r.register(
            "inbox_depth",
            "Updates stored and not handled yet",
            m.inbox_depth.clone(),
        );
        r.register(
            "outbox_depth",
            "Messages waiting to be sent, by priority",
            m.outbox_depth.clone(),
        );
        r.register_with_unit(
            "outbox_oldest_due_age",
            "Age of the oldest message that is due and not sent",
            Unit::Seconds,
            m.outbox_oldest_due.clone(),
        );
        r.register_with_unit(
            "database_size",
            "The SQLite file and its write-ahead log",
            Unit::Bytes,
            m.database_bytes.clone(),
        );
        m
    }

    /// Counts a request that sends or changes a message; a success also shows Telegram answers.
    pub fn sent<T>(&self, path: Path, result: &Result<T, RequestError>) {
        let outcome = SendOutcome::of(result);
        self.sends
            .get_or_create(&SendLabels { path, outcome })
            .inc();
        match result {
            Ok(_) => self.telegram_answered(),
            Err(RequestError::RetryAfter(s)) => {
                self.pause_seconds.inc_by(s.duration().as_secs_f64());
            }
            Err(_) => {}
        }
    }

    /// Telegram answered a request with success just now.
    pub fn telegram_answered(&self) {
        *self.telegram_ok.lock().unwrap() = Some(Instant::now());
    }

    /// How long ago Telegram last answered with success (`None`: not since the start).
    pub fn since_telegram_answered(&self) -> Option<std::time::Duration> {
        self.telegram_ok.lock().unwrap().map(|t| t.elapsed())
    }

    /// The Prometheus text format (OpenMetrics), ending in `# EOF`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_counted_by_kind_and_carry_no_ids() {
        let m = Metrics::new();
        m.sent::<()>(Path::Outbox, &Ok(()));
        m.sent::<()>(Path::Outbox, &Ok(()));
        m.sent::<()>(
            Path::Outbox,
            &Err(RequestError::RetryAfter(
                teloxide::types::Seconds::from_seconds(3),
            )),
        );
        m.sent::<()>(Path::Reply, &Err(RequestError::Api(ApiError::BotBlocked)));
        m.sent::<()>(
            Path::Reply,
            &Err(RequestError::Api(ApiError::Unknown(
                "Bad Gateway".to_string(),
            ))),
        );
        m.prompts_sent.inc();
        let text = m.encode();
        assert!(
            text.contains(r#"recovery_bot_sends_total{path="outbox",outcome="ok"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"outcome="429"} 1"#), "{text}");
        assert!(text.contains(r#"outcome="403"} 1"#), "{text}");
        assert!(text.contains(r#"outcome="5xx"} 1"#), "{text}");
        assert!(
            text.contains("recovery_bot_rate_limit_pause_seconds_total 3.0"),
            "{text}"
        );
        assert!(text.contains("recovery_bot_prompts_sent_total 1"), "{text}");
        assert!(text.ends_with("# EOF\n"));
        assert!(m.since_telegram_answered().is_some());
        // A second bot's registry starts from nothing.
        assert!(!Metrics::new().encode().contains("outcome=\"ok\"} 2"));
    }
}
