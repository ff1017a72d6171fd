//! /start, consent and time zone.

use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::timezone::{PatientZone, ZoneError, COMMON_ZONES};
use crate::store::patients::{self, Patient};
use crate::store::slots;
use anyhow::Result;

pub async fn start(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    match patient {
        Some(p) if p.zone.is_some() => {
            ctx.say(
                chat_id,
                ctx.t(&ev.lang, "already-enrolled"),
                Some(ctx.home_keyboard(&ev.lang)),
            )
            .await;
        }
        Some(_) => ask_zone(ctx, &ev.lang, chat_id, None).await,
        None => {
            ctx.say(
                chat_id,
                intro_text(ctx, &ev.lang, ev.country()),
                Some(ctx.consent_keyboard(&ev.lang)),
            )
            .await;
        }
    }
    Ok(())
}

/// What the bot does, what it stores, and that it is not an emergency service.
pub fn intro_text(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    ctx.t_with(
        lang,
        "intro",
        &[("crisis_action", ctx.crisis_action(lang, country).into())],
    )
}

async fn ask_zone(ctx: &Ctx, lang: &str, chat_id: i64, preface: Option<String>) {
    let ask = ctx.t(lang, "timezone-ask");
    let text = match preface {
        Some(p) => format!("{p}\n\n{ask}"),
        None => ask,
    };
    ctx.say(chat_id, text, Some(ctx.zone_keyboard(lang))).await;
}

pub async fn consent(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    agree: bool,
    lang: Option<&str>,
) -> Result<()> {
    // The language the introduction was shown in, if the bot (still) speaks it; someone
    // already enrolled keeps their own.
    let chosen = lang
        .filter(|l| ctx.content.languages().contains(l))
        .filter(|_| patient.is_none());
    let ev = &Event {
        lang: chosen.map_or_else(|| ev.lang.clone(), str::to_string),
        ..ev.clone()
    };
    ctx.ack(&tap.query_id, None).await;
    if let Some(p) = patient {
        // A second tap on an old introduction: nothing to record.
        return start(ctx, ev, Some(p), tap.chat_id).await;
    }
    let mut tx = ctx.work(ev).await?;
    if agree {
        patients::enroll(&mut tx, ev.user_id, tap.chat_id, &ev.lang, ctx.now()).await?;
    } else {
        patients::record_declined(&mut tx, ev.user_id, ctx.now()).await?;
    }
    tx.commit().await?;
    tracing::info!(agree, "consent answered");
    // The introduction keeps its text; its consent buttons give way to the crisis button.
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(tap.chat_id, m, ctx.crisis_only(&ev.lang))
            .await;
    }
    if agree {
        ask_zone(
            ctx,
            &ev.lang,
            tap.chat_id,
            Some(ctx.t(&ev.lang, "consent-agreed")),
        )
        .await;
    } else {
        ctx.say(
            tap.chat_id,
            ctx.t(&ev.lang, "consent-declined"),
            Some(ctx.crisis_only(&ev.lang)),
        )
        .await;
    }
    Ok(())
}

pub async fn zone_button(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    index: usize,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let Some(tz) = COMMON_ZONES.get(index) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let zone = PatientZone::Iana(*tz);
    let defaults = save_zone(ctx, ev, patient, zone).await?;
    let text = saved_text(ctx, &ev.lang, patient, zone, defaults);
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        text,
        welcome_keyboard(ctx, &ev.lang, patient, defaults),
    )
    .await;
    Ok(())
}

/// Typed text while the patient has not chosen a zone yet.
pub async fn zone_text(ctx: &Ctx, ev: &Event, patient: &Patient, text: Option<&str>) -> Result<()> {
    let parsed = text.map_or(Err(ZoneError::Empty), PatientZone::parse);
    match parsed {
        Ok(zone) => {
            let defaults = save_zone(ctx, ev, patient, zone).await?;
            ctx.say(
                patient.chat_id,
                saved_text(ctx, &ev.lang, patient, zone, defaults),
                Some(welcome_keyboard(ctx, &ev.lang, patient, defaults)),
            )
            .await;
        }
        Err(e) => {
            let key = match e {
                ZoneError::OffsetOutOfRange => "timezone-offset-invalid",
                ZoneError::Empty | ZoneError::Unknown => "timezone-invalid",
            };
            ctx.say(
                patient.chat_id,
                ctx.t(&ev.lang, key),
                Some(ctx.zone_keyboard(&ev.lang)),
            )
            .await;
        }
    }
    Ok(())
}

/// Saves the zone; a new patient gets the default check-in times, and an existing one has
/// their times recomputed in the new zone. Returns whether defaults were created.
async fn save_zone(ctx: &Ctx, ev: &Event, patient: &Patient, zone: PatientZone) -> Result<bool> {
    let mut tx = ctx.work(ev).await?;
    patients::set_zone(&mut tx, patient.id, zone).await?;
    let created = crate::features::schedule::create_defaults(ctx, &mut tx, patient, zone).await?;
    if !created {
        slots::reschedule_all(&mut tx, patient.id, zone, patient.quiet, ctx.clock.now()).await?;
        crate::features::reflection::follow(ctx, &mut tx, patient, zone, patient.quiet).await?;
    }
    tx.rescheduled();
    tx.commit().await?;
    tracing::info!(patient_id = patient.id, "time zone set");
    Ok(created)
}

/// The welcome buttons, "change country" for the crisis line, and for someone just enrolled
/// (`new`) the offer of a weekly reflection.
fn welcome_keyboard(
    ctx: &Ctx,
    lang: &str,
    patient: &Patient,
    new: bool,
) -> crate::ctx::keyboard::Keyboard {
    let mut k = ctx.welcome_keyboard(lang);
    k.inline_keyboard
        .insert(1, vec![crate::features::country::change_button(ctx, lang)]);
    if new && patient.reflection_at.is_none() {
        k.inline_keyboard.insert(
            2,
            vec![crate::features::history::reflection_button(
                ctx, lang, patient,
            )],
        );
    }
    k
}

fn saved_text(
    ctx: &Ctx,
    lang: &str,
    patient: &Patient,
    zone: PatientZone,
    defaults: bool,
) -> String {
    // The country whose crisis line is shown from now on: the zone's, unless they chose one.
    let country = if patient.country_chosen {
        patient.country.as_deref()
    } else {
        zone.country()
    };
    let crisis = crate::features::country::onboarding_line(ctx, lang, country);
    let saved = ctx.t_with(
        lang,
        "timezone-saved",
        &[
            ("zone", zone.to_string().into()),
            ("time", zone.local_hhmm(ctx.clock.now()).into()),
        ],
    );
    if defaults {
        format!(
            "{saved}\n\n{}\n\n{crisis}",
            crate::features::schedule::defaults_text(ctx, lang)
        )
    } else {
        format!("{saved}\n\n{crisis}")
    }
}
