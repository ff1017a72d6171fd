//! Help, the crisis line (asked for, or typed words of crisis), and kind answers to things the
//! bot does not understand or to someone not enrolled.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::domain::callback::Callback;
use crate::store::patients::Patient;
use anyhow::Result;

pub async fn help(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    if patient.is_none() && is_contact(ctx, ev).await? {
        return contact_help(ctx, ev, chat_id).await;
    }
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
    crisis_sent(ctx, ev, chat_id).await;
    Ok(())
}

/// `crisis`; false if Telegram did not take it.
pub async fn crisis_sent(ctx: &Ctx, ev: &Event, chat_id: i64) -> bool {
    let sent = ctx
        .say_urgent(
            chat_id,
            crisis_text(ctx, &ev.lang, ev.country()),
            Some(ctx.crisis_link(&ev.lang, ev.country())),
        )
        .await;
    tracing::info!("crisis resources shown");
    sent
}

/// Typed words of crisis. A medical emergency gets the emergency number first; thoughts of
/// suicide or self-harm get the crisis line and, for a patient, the offer of the crisis screen.
/// Nothing is stored: the words are not kept, and whatever was going on (a check-in) stays
/// open.
pub async fn typed_crisis(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    found: crate::domain::crisis::Found,
) -> Result<()> {
    typed_crisis_sent(ctx, ev, patient, chat_id, found).await;
    Ok(())
}

/// `typed_crisis`; false if Telegram did not take it.
pub async fn typed_crisis_sent(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    found: crate::domain::crisis::Found,
) -> bool {
    let lang = &ev.lang;
    let country = ev.country();
    let mut parts = Vec::new();
    if found.medical {
        parts.push(ctx.t_with(
            lang,
            "emergency-medical",
            &[("emergency_number", ctx.emergency(country).into())],
        ));
    }
    if found.harm() || !found.medical {
        parts.push(crisis_text(ctx, lang, country));
    } else {
        parts.push(format!(
            "{}\n\n{}",
            ctx.crisis_summary(lang, country),
            where_line(ctx, lang, country)
        ));
    }
    let mut rows = ctx.crisis_link(lang, country).inline_keyboard;
    if found.harm() && patient.is_some_and(|p| p.zone.is_some()) {
        parts.push(ctx.t(lang, "crisis-screen-offer"));
        rows.push(vec![Button::callback(
            ctx.t(lang, "button-screen-offer"),
            Callback::NotSafe.encode(),
        )]);
    }
    let sent = ctx
        .say_urgent(chat_id, parts.join("\n\n"), Some(Keyboard::new(rows)))
        .await;
    // Which kind is not logged: it says what the person wrote.
    tracing::info!("crisis resources shown for typed words");
    sent
}

/// The crisis line, the emergency number and what to do now, for the person's country; where
/// the table has no line for it, also where to find one.
pub fn crisis_text(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    let line = ctx.line(country);
    let body = ctx.t_with(
        lang,
        "crisis",
        &[
            ("crisis_action", ctx.crisis_action(lang, country).into()),
            ("crisis_line", line.name.clone().into()),
            ("emergency_number", line.emergency_number.clone().into()),
        ],
    );
    format!("{body}\n\n{}", where_line(ctx, lang, country))
}

/// "These are the numbers for Spain. Somewhere else? /country" or, where the table has no line
/// for the country, where to find one.
pub fn where_line(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    match ctx.listed(country) {
        Some(c) => ctx.t_with(
            lang,
            "crisis-for-country",
            &[("country", ctx.country_name(c, lang).into())],
        ),
        None => ctx.t(lang, "crisis-elsewhere"),
    }
}

/// Whether the person is someone's support contact now.
async fn is_contact(ctx: &Ctx, ev: &Event) -> Result<bool> {
    Ok(
        !crate::store::contacts::links_of_contact_user(&ctx.db, ev.user_id)
            .await?
            .is_empty(),
    )
}

async fn contact_help(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "contact-help"),
        Some(ctx.contact_only(&ev.lang)),
    )
    .await;
    Ok(())
}

/// Someone who is not a patient: a support contact gets what they can do; anyone else, how to
/// join.
pub async fn not_enrolled(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    if is_contact(ctx, ev).await? {
        return contact_help(ctx, ev, chat_id).await;
    }
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
