//! `/language`: the language the bot writes in. New patients start in their Telegram language
//! when the bot speaks it; anyone can switch at any time, even before joining (the
//! introduction is then shown again in the chosen language, and nothing is stored).

use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::store::patients::{self, Patient};
use anyhow::Result;

/// `/language`, `/language es`, `/language español`.
pub async fn command(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    text: &str,
) -> Result<()> {
    let Some(wanted) = text.split_whitespace().nth(1) else {
        let current = ctx.t(&ev.lang, "language-name");
        ctx.say(
            chat_id,
            ctx.t_with(&ev.lang, "language-ask", &[("current", current.into())]),
            Some(ctx.language_keyboard(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    match find(ctx, wanted) {
        Some(code) => set(ctx, ev, patient, chat_id, None, &code).await,
        None => {
            let available = ctx
                .content
                .languages()
                .into_iter()
                .map(|l| format!("{} ({l})", ctx.t(l, "language-name")))
                .collect::<Vec<_>>()
                .join(", ");
            ctx.say(
                chat_id,
                ctx.t_with(
                    &ev.lang,
                    "language-unknown",
                    &[("available", available.into())],
                ),
                Some(ctx.language_keyboard(&ev.lang)),
            )
            .await;
            Ok(())
        }
    }
}

/// A language the bot speaks, by code ("es", "ES", "es-MX") or by its own name ("Español").
fn find(ctx: &Ctx, wanted: &str) -> Option<String> {
    let w = wanted.trim().to_lowercase();
    let code = w.split(['-', '_']).next().unwrap_or(&w);
    ctx.content
        .languages()
        .into_iter()
        .find(|l| *l == code || ctx.t(l, "language-name").to_lowercase() == w)
        .map(str::to_string)
}

/// A language button.
pub async fn tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    code: &str,
) -> Result<()> {
    if !ctx.content.languages().contains(&code) {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    set(ctx, ev, patient, tap.chat_id, tap.message_id, code).await
}

async fn set(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    message_id: Option<i32>,
    code: &str,
) -> Result<()> {
    match patient {
        Some(p) => {
            let mut tx = ctx.work(ev).await?;
            patients::set_language(&mut tx, p.id, code).await?;
            tx.commit().await?;
            tracing::info!(language = code, "language changed");
            ctx.replace_or_send(
                chat_id,
                message_id,
                ctx.t(code, "language-set"),
                ctx.home_keyboard(code),
            )
            .await;
        }
        None => {
            // Not enrolled: nothing to store. Show the introduction in that language; its
            // consent buttons carry the language, so agreeing keeps it.
            let text = crate::features::onboarding::intro_text(ctx, code, ev.country());
            ctx.replace_or_send(chat_id, message_id, text, ctx.consent_keyboard(code))
                .await;
        }
    }
    Ok(())
}
