//! Transport: what talks to Telegram and turns its updates into calls of the features.
//!
//! teloxide's own polling listener confirms a batch (advances the offset) before handlers run,
//! so a crash mid-batch would lose updates. Instead, `intake` writes each batch to the `inbox`
//! table first and only then asks for the next batch (which confirms the previous one), and
//! `worker` handles recorded updates: in order within a chat, chats concurrently. `incoming`
//! reads an update into the few fields the bot uses; `router` (with `messages`, `taps` and
//! `commands`) is a plain `match` from a command, a button's data or typed text to the feature
//! that answers it, so a wiring mistake is a compile error rather than a runtime panic;
//! `distress` gives crisis help while nothing can be written. `webhook` is the other way in
//! (Telegram posts updates; stored before the 200), and `admin` serves /healthz, /readyz and
//! /metrics. No business rule lives here.

pub mod admin;
pub mod commands;
pub mod distress;
pub mod incoming;
pub mod intake;
mod messages;
pub mod router;
mod taps;
pub mod webhook;
pub mod worker;

/// Serves `app` on `listener` until `stop`; requests in progress finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
    what: &'static str,
) -> anyhow::Result<()> {
    use anyhow::Context;
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
        .context(what)
}
