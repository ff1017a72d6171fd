//! The admin address (`ADMIN_ADDR`, loopback by default), for the operator's monitoring:
//!
//! - `GET /healthz`: 200 while the process runs.
//! - `GET /readyz`: 200 when the bot can do its work, 503 with the reasons otherwise: the
//!   database takes a durable write, its migrations are this binary's, Telegram answered with
//!   success recently, and no due message has waited too long (the sender is not stuck).
//! - `GET /metrics`: the Prometheus text format (`ctx::metrics`), with the queue depths and the
//!   database's size read at scrape time.
//!
//! Counts only, everywhere: no user id, name, answer or token is ever in a reply.

use crate::config::AdminSettings;
use crate::ctx::Ctx;
use crate::store::health;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

struct Admin {
    ctx: Ctx,
    settings: AdminSettings,
}

pub fn router(ctx: Ctx, settings: AdminSettings) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(Arc::new(Admin { ctx, settings }))
}

/// How long one check may take before it counts as failed.
const CHECK_WITHIN: Duration = Duration::from_secs(3);

/// One line per check; the status is 200 only when every check passed.
async fn readyz(State(admin): State<Arc<Admin>>) -> Response {
    let (ready, report) = readiness(&admin.ctx, &admin.settings).await;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, report).into_response()
}

/// Whether the bot is ready, and a line per check saying why.
pub async fn readiness(ctx: &Ctx, settings: &AdminSettings) -> (bool, String) {
    let mut ready = true;
    let mut out = String::new();
    let mut line = |ok: bool, what: String| {
        ready &= ok;
        let _ = writeln!(out, "{} {what}", if ok { "ok  " } else { "FAIL" });
    };
    match tokio::time::timeout(CHECK_WITHIN, health::probe_write(&ctx.db, ctx.now())).await {
        Ok(Ok(())) => line(true, "database: takes writes".into()),
        Ok(Err(e)) => line(false, format!("database: cannot write ({e})")),
        Err(_) => line(
            false,
            format!("database: a write took over {} s", CHECK_WITHIN.as_secs()),
        ),
    }
    match tokio::time::timeout(CHECK_WITHIN, health::migrations(&ctx.db)).await {
        Ok(Ok((applied, known, true))) if applied == known => {
            line(true, format!("migrations: {applied} of {known} applied"))
        }
        Ok(Ok((applied, known, _))) => line(
            false,
            format!("migrations: {applied} of {known} applied, or one failed"),
        ),
        Ok(Err(e)) => line(false, format!("migrations: cannot read ({e})")),
        Err(_) => line(false, "migrations: the read timed out".into()),
    }
    match ctx.metrics.since_telegram_answered() {
        Some(ago) if ago <= settings.telegram_within => {
            line(true, format!("telegram: answered {} s ago", ago.as_secs()))
        }
        Some(ago) => line(
            false,
            format!(
                "telegram: no successful answer for {} s (limit {} s)",
                ago.as_secs(),
                settings.telegram_within.as_secs()
            ),
        ),
        None => line(false, "telegram: no successful answer yet".into()),
    }
    match tokio::time::timeout(CHECK_WITHIN, health::depths(&ctx.db, ctx.now())).await {
        Ok(Ok(d)) if d.oldest_due_secs as u64 <= settings.outbox_within.as_secs() => line(
            true,
            format!(
                "sender: the oldest due message waited {} s",
                d.oldest_due_secs
            ),
        ),
        Ok(Ok(d)) => line(
            false,
            format!(
                "sender: a due message has waited {} s (limit {} s)",
                d.oldest_due_secs,
                settings.outbox_within.as_secs()
            ),
        ),
        Ok(Err(e)) => line(false, format!("sender: cannot read the outbox ({e})")),
        Err(_) => line(false, "sender: the outbox read timed out".into()),
    }
    (ready, out)
}

async fn metrics(State(admin): State<Arc<Admin>>) -> Response {
    let ctx = &admin.ctx;
    let m = &ctx.metrics;
    if let Ok(Ok(d)) = tokio::time::timeout(CHECK_WITHIN, health::depths(&ctx.db, ctx.now())).await
    {
        m.inbox_depth.set(d.inbox);
        m.outbox_oldest_due.set(d.oldest_due_secs);
        // Priorities with nothing waiting read 0, not their last value.
        m.outbox_depth.clear();
        for (priority, n) in d.outbox {
            m.outbox_depth
                .get_or_create(&crate::ctx::metrics::PriorityLabels { priority })
                .set(n);
        }
    }
    m.database_bytes
        .set(i64::try_from(health::size_bytes(&ctx.db).await).unwrap_or(i64::MAX));
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        m.encode(),
    )
        .into_response()
}
