//! Help, the crisis line, and kind answers to things the bot does not understand.

use super::{Ctx, Event};
use crate::store::patients::Patient;
use anyhow::Result;

pub async fn help(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "help"),
        Some(ctx.crisis_only(&ev.lang)),
    )
    .await;
    Ok(())
}

/// Shown to anyone, enrolled or not, at any time. Stores nothing.
pub async fn crisis(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    let text = ctx.t_with(
        &ev.lang,
        "crisis",
        &[
            ("crisis_line", ctx.crisis.name.clone().into()),
            ("crisis_number", ctx.crisis.number.clone().into()),
            (
                "emergency_number",
                ctx.crisis.emergency_number.clone().into(),
            ),
        ],
    );
    ctx.say(chat_id, text, Some(ctx.crisis_link(&ev.lang)))
        .await;
    tracing::info!("crisis resources shown");
    Ok(())
}

pub async fn not_enrolled(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "not-enrolled"),
        Some(ctx.crisis_only(&ev.lang)),
    )
    .await;
    Ok(())
}

pub async fn unknown(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    if patient.is_none() {
        return not_enrolled(ctx, ev, chat_id).await;
    }
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "unknown-text"),
        Some(ctx.home_keyboard(&ev.lang)),
    )
    .await;
    Ok(())
}
