//! Webhook intake (`WEBHOOK_URL`): Telegram posts each update to us. Our own route, not
//! teloxide's `webhooks-axum` (which answers 200 before the update is stored, compares the
//! secret in variable time, and logs a whole update it cannot parse):
//!
//! - the `X-Telegram-Bot-Api-Secret-Token` header is compared in constant time; a mismatch is
//!   401 and only counted (`webhook_refused`), never logged with what was sent;
//! - the body is limited to [`BODY_LIMIT`];
//! - the update is stored in the inbox, durably, **before** the 200: if it cannot be stored the
//!   answer is 503 and Telegram delivers it again (crisis help is given meanwhile, as in
//!   polling); a second delivery of a stored update is recognised by its `update_id`;
//! - the worker handles stored updates exactly as it does for polling.
//!
//! At start `setWebhook` is called with the secret, the update types the bot handles and
//! `max_connections`; switching back to polling deletes the webhook (`app::announce`). A task
//! asks `getWebhookInfo` every [`WATCH_EVERY`]: it shows Telegram answers (readiness) and logs
//! the delivery errors Telegram reports.

use crate::bot::intake::{self, Told};
use crate::config::WebhookSettings;
use crate::ctx::Ctx;
use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio::sync::{watch, Notify};

/// Telegram's updates are a few KiB; this is generous and still bounded.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How often Telegram is asked how delivery goes.
pub const WATCH_EVERY: Duration = Duration::from_secs(30);
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The name the generated secret is kept under (`bot_settings`).
const SECRET_SETTING: &str = "webhook_secret";

struct Intake {
    ctx: Ctx,
    /// SHA-256 of the secret: both sides of the comparison have the same length, whatever was
    /// sent, so its timing says nothing about the secret.
    secret_digest: [u8; 32],
    recorded: Arc<Notify>,
    told: Told,
}

/// `WEBHOOK_SECRET`, or the one generated at the first start and kept in the database.
pub async fn secret(ctx: &Ctx, settings: &WebhookSettings) -> Result<SecretString> {
    if let Some(s) = &settings.secret {
        return Ok(s.clone());
    }
    use rand::Rng;
    let fresh: String = rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(48)
        .map(char::from)
        .collect();
    let kept = crate::store::health::keep_setting(&ctx.db, SECRET_SETTING, &fresh, ctx.now())
        .await
        .context("keeping the generated webhook secret")?;
    Ok(kept.into())
}

/// Listens on `LISTEN_ADDR` (before Telegram is told, so its first post finds us).
pub async fn bind(settings: &WebhookSettings) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen for the webhook on LISTEN_ADDR {} (in use, or not this machine's address)",
                settings.listen
            )
        })
}

/// Tells Telegram where to post, with the secret and the update types handled.
pub async fn register(ctx: &Ctx, settings: &WebhookSettings, secret: &SecretString) -> Result<()> {
    let req = ctx
        .bot
        .set_webhook(settings.url.clone())
        .secret_token(secret.expose_secret())
        .max_connections(settings.max_connections)
        .allowed_updates([
            AllowedUpdate::Message,
            AllowedUpdate::CallbackQuery,
            AllowedUpdate::MyChatMember,
        ]);
    match req.await {
        Ok(_) => {
            ctx.metrics.telegram_answered();
            tracing::info!(url = %settings.url, "webhook set; Telegram posts updates there");
            Ok(())
        }
        Err(e) => anyhow::bail!(
            "Telegram did not accept the webhook {}: {}",
            settings.url,
            crate::ctx::reply::describe(&e)
        ),
    }
}

/// The route at `WEBHOOK_URL`'s path.
pub fn router(
    ctx: Ctx,
    settings: &WebhookSettings,
    secret: &SecretString,
    recorded: Arc<Notify>,
) -> Router {
    let path = match settings.url.path() {
        "" => "/",
        p => p,
    };
    let intake = Intake {
        ctx,
        secret_digest: Sha256::digest(secret.expose_secret().as_bytes()).into(),
        recorded,
        told: Told::default(),
    };
    Router::new()
        .route(path, post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(intake))
}

async fn receive(State(intake): State<Arc<Intake>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let digest: [u8; 32] = Sha256::digest(given).into();
    if !bool::from(digest.ct_eq(&intake.secret_digest)) {
        intake.ctx.metrics.webhook_refused.inc();
        return StatusCode::UNAUTHORIZED;
    }
    // Telegram is reaching us: that is an answer from it too.
    intake.ctx.metrics.telegram_answered();
    let raw: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v @ serde_json::Value::Object(_)) if v["update_id"].is_u64() => v,
        _ => {
            intake.ctx.metrics.webhook_refused.inc();
            tracing::warn!(
                bytes = body.len(),
                "a webhook post that is not an update; refused"
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    let update = intake::read_update(&raw);
    match intake::store(&intake.ctx, &[update], &intake.told).await {
        Ok(_) => {
            intake.recorded.notify_one();
            StatusCode::OK
        }
        // Not stored: Telegram keeps it and posts it again.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Asks Telegram how delivery goes, every [`WATCH_EVERY`]: a success shows Telegram answers;
/// a new delivery error Telegram reports is logged (its words are Telegram's, about our
/// server: "Connection refused", "Wrong response from the webhook: 503").
pub async fn watch(ctx: Ctx, mut stop: watch::Receiver<bool>) -> Result<()> {
    let mut last_error: Option<i64> = None;
    loop {
        match ctx.bot.get_webhook_info().await {
            Ok(info) => {
                ctx.metrics.telegram_answered();
                let at = info.last_error_date.map(|d| d.timestamp());
                if at.is_some() && at != last_error {
                    tracing::warn!(
                        error = info.last_error_message.as_deref().unwrap_or(""),
                        pending = info.pending_update_count,
                        "Telegram reports it could not deliver to the webhook"
                    );
                }
                last_error = at;
            }
            Err(e) => {
                tracing::warn!(error = %crate::ctx::reply::describe(&e), "getWebhookInfo failed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(WATCH_EVERY) => {}
            _ = stop.wait_for(|s| *s) => return Ok(()),
        }
    }
}
