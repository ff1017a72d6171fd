//! Webhooks as Telegram does them: `setWebhook` (URL, `secret_token`, `max_connections`,
//! `allowed_updates`, `drop_pending_updates`), `deleteWebhook`, `getWebhookInfo` with
//! `pending_update_count` and the last delivery error, 409 for getUpdates while a webhook is
//! set, and a pusher that posts each pending update (JSON, with the
//! `X-Telegram-Bot-Api-Secret-Token` header) until the bot answers 2xx, retrying with growing
//! delays. An update counts as delivered only on a 2xx; anything else (an error status, a
//! refused or dropped connection, no answer within [`PUSH_TIMEOUT`]) keeps it pending.
//!
//! Differences from Telegram, on purpose: plain `http://` is accepted for loopback hosts (the
//! tests' bot listens on 127.0.0.1), updates are posted one at a time in order (Telegram may
//! post up to `max_connections` at once), and the retry delays are short (from
//! [`FIRST_RETRY`] doubling to [`LAST_RETRY`]) so tests take seconds.

use super::api::{bad_request, ok, Params, Reply};
use super::{Shared, State};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub const FIRST_RETRY: Duration = Duration::from_millis(100);
pub const LAST_RETRY: Duration = Duration::from_secs(2);
pub const PUSH_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Webhook {
    pub url: String,
    pub secret_token: Option<String>,
    pub max_connections: i64,
    pub allowed_updates: Option<Vec<String>>,
    pub last_error_date: Option<i64>,
    pub last_error_message: Option<String>,
}

/// One post to the bot's webhook and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub update_id: i64,
    /// The HTTP status the bot answered, or `None` when there was no answer.
    pub status: Option<u16>,
}

fn loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn valid_secret(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn drop_pending(s: &mut State, p: &Params) {
    let drop = matches!(p.get("drop_pending_updates"), Some(Value::Bool(true)))
        || p.get("drop_pending_updates").and_then(Value::as_str) == Some("true");
    if drop {
        if let Some(last) = s.pending.last().map(|(id, _)| *id) {
            s.confirmed_below = s.confirmed_below.max(last + 1);
        }
        s.pending.clear();
    }
}

pub(crate) fn set(s: &mut State, p: &Params) -> Reply {
    let url = p.get("url").and_then(Value::as_str).unwrap_or("");
    if url.is_empty() {
        s.webhook = None;
        drop_pending(s, p);
        return ok(json!(true));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad_request(
            "Bad Request: bad webhook: Failed to resolve host: Name or service not known",
        );
    };
    let host = rest
        .split('/')
        .next()
        .unwrap_or("")
        .rsplit_once(':')
        .map_or(rest.split('/').next().unwrap_or(""), |(h, _)| h);
    if scheme != "https" && !(scheme == "http" && loopback(host)) {
        return bad_request("Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
    }
    let secret_token = match p.get("secret_token").and_then(Value::as_str) {
        None => None,
        Some(t) if valid_secret(t) => Some(t.to_string()),
        Some(_) => return bad_request("Bad Request: secret token contains unallowed characters"),
    };
    let max_connections = match p.get("max_connections") {
        None => 40,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
        {
            Some(n) if (1..=100).contains(&n) => n,
            _ => return bad_request("Bad Request: bad maximum connection count"),
        },
    };
    let allowed_updates = p.get("allowed_updates").and_then(|v| match v {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
        ),
        Value::String(t) => serde_json::from_str(t).ok(),
        _ => None,
    });
    drop_pending(s, p);
    s.webhook = Some(Webhook {
        url: url.to_string(),
        secret_token,
        max_connections,
        allowed_updates,
        last_error_date: None,
        last_error_message: None,
    });
    ok(json!(true))
}

pub(crate) fn delete(s: &mut State, p: &Params) -> Reply {
    s.webhook = None;
    drop_pending(s, p);
    ok(json!(true))
}

pub(crate) fn info(s: &State) -> Reply {
    let mut v = json!({
        "url": "", "has_custom_certificate": false, "pending_update_count": s.pending.len(),
    });
    if let Some(w) = &s.webhook {
        v["url"] = json!(w.url);
        v["max_connections"] = json!(w.max_connections);
        if let Some(a) = &w.allowed_updates {
            v["allowed_updates"] = json!(a);
        }
        if let (Some(d), Some(m)) = (w.last_error_date, &w.last_error_message) {
            v["last_error_date"] = json!(d);
            v["last_error_message"] = json!(m);
        }
    }
    ok(v)
}

/// Posts pending updates to the webhook while one is set, oldest first, forever.
pub(crate) async fn push(shared: Arc<Shared>) {
    let client = reqwest::Client::builder()
        .timeout(PUSH_TIMEOUT)
        .build()
        .expect("an HTTP client");
    let mut changes = shared.version.subscribe();
    let mut wait = FIRST_RETRY;
    loop {
        let next = {
            let s = shared.state.lock().unwrap();
            match (&s.webhook, s.pending.first()) {
                (Some(w), Some((id, update))) => {
                    Some((w.url.clone(), w.secret_token.clone(), *id, update.clone()))
                }
                _ => None,
            }
        };
        let Some((url, secret, id, update)) = next else {
            wait = FIRST_RETRY;
            if changes.changed().await.is_err() {
                return;
            }
            continue;
        };
        let mut req = client
            .post(&url)
            .header("content-type", "application/json")
            .body(update.to_string());
        if let Some(t) = &secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", t);
        }
        let answer = req.send().await;
        let status = answer.as_ref().ok().map(|r| r.status().as_u16());
        let delivered = status.is_some_and(|c| (200..300).contains(&c));
        {
            let mut s = shared.state.lock().unwrap();
            s.webhook_deliveries.push(Delivery {
                update_id: id,
                status,
            });
            if delivered {
                s.pending.retain(|(p, _)| *p != id);
                s.confirmed_below = s.confirmed_below.max(id + 1);
            } else if let Some(w) = s.webhook.as_mut() {
                let now = chrono::Utc::now().timestamp();
                w.last_error_date = Some(now);
                w.last_error_message = Some(match (&answer, status) {
                    (_, Some(code)) => format!("Wrong response from the webhook: {code}"),
                    (Err(e), None) if e.is_timeout() => "Read timeout expired".to_string(),
                    _ => "Connection refused".to_string(),
                });
            }
        }
        shared.changed();
        if delivered {
            wait = FIRST_RETRY;
        } else {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LAST_RETRY);
        }
    }
}
