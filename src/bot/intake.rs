//! Receives updates by long polling and records them durably before confirming them.
//!
//! Telegram confirms an update when getUpdates is next called with a higher offset. This loop
//! only asks for the next batch after the current one is committed to the `inbox` table, so a
//! crash at any point loses nothing: unrecorded updates are delivered again, and recorded ones
//! are deduplicated by update_id.
//!
//! getUpdates is called directly, not through teloxide: teloxide sleeps 10 s inside every 5xx
//! before returning it, which stopped intake for every user on one bad gateway, and it takes the
//! offset as a 32-bit number while update ids may pass 2^31. Here a 5xx or a dropped
//! connection is retried after 0.25 s, doubling to 5 s at most.
//!
//! The offset is kept in memory and starts empty: Telegram then returns every unconfirmed
//! update. It is not derived from stored ids, because after a week without updates Telegram
//! may start ids again at a random (possibly lower) number.

use crate::bot::distress::Distress;
use crate::bot::incoming::Incoming;
use crate::ctx::Ctx;
use crate::store::inbox;
use std::sync::Arc;
use std::time::Duration;
use teloxide::types::{Update, UpdateId, UpdateKind};
use tokio::sync::{watch, Notify};

/// Why a getUpdates call did not return updates.
enum PollError {
    /// 429: wait this many seconds.
    RetryAfter(u64),
    /// 409: another process polls with this token.
    Conflict,
    /// A 5xx, a proxy's page, a dropped connection, a timeout: try again soon.
    Transient(String),
}

/// One long poll. The token is in the URL: no error here may carry the URL.
async fn get_updates(
    ctx: &Ctx,
    client: &reqwest::Client,
    offset: i64,
    timeout: Duration,
) -> Result<Vec<Update>, PollError> {
    let mut url = ctx.bot.api_url();
    url.set_path(&format!(
        "{}bot{}/getUpdates",
        url.path().trim_end_matches('/').to_string() + "/",
        ctx.bot.token()
    ));
    let mut body = serde_json::json!({
        "timeout": timeout.as_secs(),
        "allowed_updates": ALLOWED_UPDATES,
    });
    if offset != 0 {
        body["offset"] = offset.into();
    }
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .timeout(timeout + Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| PollError::Transient(e.without_url().to_string()))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| PollError::Transient(e.without_url().to_string()))?;
    let reply: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| PollError::Transient(format!("HTTP {status}, not a Bot API reply")))?;
    if reply["ok"].as_bool() == Some(true) {
        let Some(items) = reply["result"].as_array() else {
            return Err(PollError::Transient("a reply without updates".into()));
        };
        return Ok(items.iter().map(read_update).collect());
    }
    match reply["error_code"].as_i64() {
        Some(429) => Err(PollError::RetryAfter(
            reply["parameters"]["retry_after"].as_u64().unwrap_or(1),
        )),
        Some(409) => Err(PollError::Conflict),
        code => Err(PollError::Transient(format!(
            "error {}: {}",
            code.unwrap_or(i64::from(status.as_u16())),
            reply["description"].as_str().unwrap_or("")
        ))),
    }
}

/// The update types the bot handles, for getUpdates and setWebhook alike.
pub(crate) const ALLOWED_UPDATES: [&str; 3] = ["message", "callback_query", "my_chat_member"];

/// One update from its JSON, as teloxide reads it (from text: its types read borrowed keys).
/// One it cannot read is kept whole as `UpdateKind::Error`, so it is still answered and, above
/// all, confirmed: it must never block the updates after it.
pub(crate) fn read_update(raw: &serde_json::Value) -> Update {
    match serde_json::from_str::<Update>(&raw.to_string()).ok() {
        Some(u) if !matches!(u.kind, UpdateKind::Error(_)) => u,
        _ => Update {
            id: UpdateId(raw["update_id"].as_u64().unwrap_or(0) as u32),
            kind: UpdateKind::Error(raw.clone()),
        },
    }
}

/// Updates that were given crisis help while they could not be stored: not told twice.
pub(crate) type Told = std::sync::Mutex<std::collections::HashSet<i64>>;

/// Stores updates in the inbox (duplicates by update_id are ignored), durably, before Telegram
/// is told they arrived. If they cannot be stored (a full disk, say), whoever asks for crisis
/// help gets it at once, from what can still be read, and the error is returned: the caller
/// does not confirm them, so Telegram delivers them again. Returns how many were new.
pub(crate) async fn store(
    ctx: &Ctx,
    updates: &[Update],
    told: &Told,
) -> Result<u64, anyhow::Error> {
    let batch: Vec<(i64, i64, String)> = updates
        .iter()
        .map(|u| {
            let (key, event) = Incoming::from_update(u);
            let payload = serde_json::to_string(&event).expect("Incoming serializes");
            (i64::from(u.id.0), key, payload)
        })
        .collect();
    match inbox::record_batch(&ctx.db, &batch, ctx.now()).await {
        Ok(new) => {
            tracing::debug!(received = batch.len(), new, "updates recorded");
            ctx.metrics.updates_received.inc_by(new);
            ctx.metrics
                .updates_duplicate
                .inc_by(batch.len() as u64 - new);
            let mut told = told.lock().unwrap();
            for (update_id, _, _) in &batch {
                told.remove(update_id);
            }
            Ok(new)
        }
        Err(e) => {
            if !ctx.db.note(&e) {
                if let Some(suppressed) = crate::logging::every_minute("intake-record") {
                    // (database errors carry no message content)
                    tracing::error!(error = %e, suppressed, "could not record updates; retrying");
                }
                for (update_id, _, payload) in &batch {
                    if told.lock().unwrap().contains(update_id) {
                        continue;
                    }
                    let incoming: Incoming =
                        serde_json::from_str(payload).unwrap_or(Incoming::Other);
                    match crate::bot::distress::crisis_without_writing(ctx, *update_id, &incoming)
                        .await
                    {
                        Distress::Answered => {
                            ctx.answered.lock().unwrap().insert(*update_id);
                            told.lock().unwrap().insert(*update_id);
                        }
                        Distress::AnsweredFirst => {
                            told.lock().unwrap().insert(*update_id);
                        }
                        Distress::NotAnswered => {}
                    }
                }
            }
            Err(e)
        }
    }
}

pub async fn run(
    ctx: Ctx,
    poll_timeout: Duration,
    recorded: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut offset: i64 = 0;
    let mut last_update_at = ctx.clock.now();
    let mut backoff = QUICK;
    let client = reqwest::Client::new();
    let told = Told::default();
    tracing::info!(offset, "receiving updates");
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let result = tokio::select! {
            r = get_updates(&ctx, &client, offset, poll_timeout) => r,
            _ = stop.changed() => return Ok(()),
        };
        let updates = match result {
            Ok(u) => {
                backoff = QUICK;
                ctx.metrics.telegram_answered();
                u
            }
            Err(PollError::RetryAfter(s)) => {
                tracing::warn!(seconds = s, "getUpdates rate limited");
                pause(Duration::from_secs(s), &mut stop).await;
                continue;
            }
            Err(PollError::Conflict) => {
                tracing::error!("another process is polling with this bot token; only one may run");
                pause(Duration::from_secs(5), &mut stop).await;
                continue;
            }
            Err(PollError::Transient(why)) => {
                tracing::warn!(error = %why, "getUpdates failed; retrying");
                pause(backoff, &mut stop).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        if updates.is_empty() {
            // After about a week without updates Telegram may restart update ids at a lower
            // number; an old offset would then swallow them. Forget it: duplicates are
            // recognised by the inbox anyway.
            if offset != 0 && ctx.clock.now() - last_update_at > chrono::Duration::days(6) {
                tracing::info!("no updates for six days; polling without an offset");
                offset = 0;
            }
            continue;
        }
        last_update_at = ctx.clock.now();
        let max = updates
            .iter()
            .map(|u| i64::from(u.id.0))
            .max()
            .expect("non-empty batch");
        // Stored before the next getUpdates confirms them: confirming without storing would
        // lose a patient's answer. If they cannot be stored, nothing is confirmed and the same
        // updates come back at the next poll, with any new ones.
        if let Err(e) = store(&ctx, &updates, &told).await {
            if ctx.db.note(&e) {
                return ctx.db.damage();
            }
            pause(Duration::from_secs(1), &mut stop).await;
            continue;
        }
        offset = max + 1;
        recorded.notify_one();
    }
}

/// The first wait after a failed poll; it doubles up to 5 s.
const QUICK: Duration = Duration::from_millis(250);

async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = stop.changed() => {}
    }
}
