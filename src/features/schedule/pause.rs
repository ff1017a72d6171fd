//! `/pause`, `/resume` and `/quiet`: a break from check-ins, and hours without messages.

use super::editor::needs_zone;
use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::domain::schedule::{LocalTime, QuietHours};
use crate::features::help;
use crate::store::patients::{self, Patient, PAUSED_INDEFINITELY};
use crate::store::slots::{self};
use anyhow::Result;

pub async fn pause_ask(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
) -> Result<()> {
    if needs_zone(patient).is_none() {
        return help::not_enrolled(ctx, ev, chat_id).await;
    }
    let lang = &ev.lang;
    let keyboard = Keyboard::new([
        vec![
            button(ctx.t(lang, "button-pause-1"), Callback::Pause { days: 1 }),
            button(ctx.t(lang, "button-pause-3"), Callback::Pause { days: 3 }),
            button(ctx.t(lang, "button-pause-7"), Callback::Pause { days: 7 }),
        ],
        vec![button(
            ctx.t(lang, "button-pause-open"),
            Callback::Pause { days: 0 },
        )],
        ctx.crisis_row(lang),
    ]);
    ctx.say(chat_id, ctx.t(lang, "pause-ask"), Some(keyboard))
        .await;
    Ok(())
}

pub async fn pause(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    days: u8,
) -> Result<()> {
    let Some((patient, zone)) = needs_zone(patient) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "not-enrolled")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let now = ctx.clock.now();
    let until = if days == 0 {
        PAUSED_INDEFINITELY
    } else {
        (now + chrono::Duration::days(i64::from(days))).timestamp()
    };
    let mut tx = ctx.work(ev).await?;
    patients::set_paused_until(&mut tx, patient.id, Some(until)).await?;
    tx.commit().await?;
    let text = if days == 0 {
        ctx.t(&ev.lang, "pause-done-open")
    } else {
        let at = chrono::DateTime::from_timestamp(until, 0).unwrap_or(now);
        let local = at.with_timezone(&zone.offset_at(at));
        ctx.t_with(
            &ev.lang,
            "pause-done-until",
            &[
                ("date", local.format("%Y-%m-%d").to_string().into()),
                ("time", local.format("%H:%M").to_string().into()),
            ],
        )
    };
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, ctx.crisis_only(&ev.lang))
        .await;
    Ok(())
}

pub async fn resume(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some((patient, zone)) = needs_zone(patient) else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    if !patient.paused_at(ctx.now()) {
        ctx.say(chat_id, ctx.t(&ev.lang, "resume-not-paused"), None)
            .await;
        return Ok(());
    }
    let mut tx = ctx.work(ev).await?;
    patients::set_paused_until(&mut tx, patient.id, None).await?;
    // Days passed while paused were recorded as paused; plan the next ones from now.
    slots::reschedule_all(&mut tx, patient.id, zone, patient.quiet, ctx.clock.now()).await?;
    tx.rescheduled();
    tx.commit().await?;
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "resume-done"),
        Some(ctx.home_keyboard(&ev.lang)),
    )
    .await;
    Ok(())
}

// ---------------------------------------------------------------- /quiet

const QUIET_CHOICES: [(u16, u16); 3] = [(22 * 60, 7 * 60), (23 * 60, 8 * 60), (21 * 60, 9 * 60)];

/// `/quiet` or `/quiet 22:00-07:00`.
pub async fn quiet_command(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    text: &str,
) -> Result<()> {
    let Some((patient, _)) = needs_zone(patient) else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let lang = &ev.lang;
    let arg = text
        .split_once(char::is_whitespace)
        .map(|(_, a)| a.trim())
        .unwrap_or("");
    if !arg.is_empty() {
        let parsed = if arg.eq_ignore_ascii_case("off") {
            Some(None)
        } else {
            arg.split_once(['-', '–'])
                .and_then(|(a, b)| Some((LocalTime::parse(a)?, LocalTime::parse(b)?)))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| Some(QuietHours { start: a, end: b }))
        };
        return match parsed {
            Some(q) => set_quiet(ctx, ev, patient, q, chat_id, None).await,
            None => {
                ctx.say(chat_id, ctx.t(lang, "quiet-invalid"), None).await;
                Ok(())
            }
        };
    }
    let current = match patient.quiet {
        Some(q) => format!("{}–{}", q.start, q.end),
        None => ctx.t(lang, "quiet-none"),
    };
    let mut rows: Vec<Vec<Button>> = vec![QUIET_CHOICES
        .iter()
        .map(|(a, b)| {
            let (a, b) = (
                LocalTime::from_minutes(*a).unwrap(),
                LocalTime::from_minutes(*b).unwrap(),
            );
            button(
                format!("{a}–{b}"),
                Callback::Quiet(Some((a.minutes(), b.minutes()))),
            )
        })
        .collect()];
    rows.push(vec![button(
        ctx.t(lang, "button-quiet-off"),
        Callback::Quiet(None),
    )]);
    rows.push(ctx.crisis_row(lang));
    ctx.say(
        chat_id,
        ctx.t_with(lang, "quiet-ask", &[("current", current.into())]),
        Some(Keyboard::new(rows)),
    )
    .await;
    Ok(())
}

pub async fn quiet_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    window: Option<(u16, u16)>,
) -> Result<()> {
    let Some((patient, _)) = needs_zone(patient) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "not-enrolled")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let q = window.map(|(a, b)| QuietHours {
        start: LocalTime::from_minutes(a).expect("parsed"),
        end: LocalTime::from_minutes(b).expect("parsed"),
    });
    set_quiet(ctx, ev, patient, q, tap.chat_id, tap.message_id).await
}

async fn set_quiet(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    q: Option<QuietHours>,
    chat_id: i64,
    edit: Option<i32>,
) -> Result<()> {
    let Some(zone) = patient.zone else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    patients::set_quiet(&mut tx, patient.id, q).await?;
    slots::reschedule_all(&mut tx, patient.id, zone, q, ctx.clock.now()).await?;
    crate::features::reflection::follow(ctx, &mut tx, patient, zone, q).await?;
    tx.rescheduled();
    tx.commit().await?;
    let text = match q {
        Some(q) => ctx.t_with(
            &ev.lang,
            "quiet-set",
            &[
                ("start", q.start.to_string().into()),
                ("end", q.end.to_string().into()),
            ],
        ),
        None => ctx.t(&ev.lang, "quiet-off"),
    };
    ctx.replace_or_send(chat_id, edit, text, ctx.crisis_only(&ev.lang))
        .await;
    Ok(())
}
