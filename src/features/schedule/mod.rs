//! Scheduled prompts: the default slots, "Start check-in" / "Remind me later" under a prompt or
//! reminder, and how both read. `/schedule` (the slot editor) is in `editor`, `/pause`,
//! `/resume` and `/quiet` in `pause`.

mod editor;
mod pause;
mod week_view;

pub use editor::{action, awaiting_text, show};
pub use pause::{pause, pause_ask, quiet_command, quiet_tap, resume};

use crate::ctx::keyboard::Keyboard;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::checkin::Questions;
use crate::domain::schedule::{SlotKind, Timing};
use crate::domain::timezone::PatientZone;
use crate::features::checkin;
use crate::store::patients::Patient;
use crate::store::prompts;
use crate::store::slots::{self};
use anyhow::Result;

/// Default slots for a newly onboarded patient: `prompts/schedule.toml`'s (morning and
/// evening every day, as shipped).
pub async fn create_defaults(
    ctx: &Ctx,
    tx: &mut crate::store::Tx,
    patient: &Patient,
    zone: PatientZone,
) -> Result<bool> {
    if slots::count(tx, patient.id).await? > 0 {
        return Ok(false);
    }
    for &(kind, timing) in &ctx.content.default_schedule.slots {
        slots::create(
            tx,
            patient.id,
            kind,
            timing,
            zone,
            patient.quiet,
            ctx.clock.now(),
        )
        .await?;
    }
    Ok(true)
}

/// The line told after onboarding: when the default check-ins come.
pub fn defaults_text(ctx: &Ctx, lang: &str) -> String {
    let slots = &ctx.content.default_schedule.slots;
    let daily = |kind: SlotKind| {
        slots.iter().find_map(|(k, t)| match t {
            Timing::At(t) if *k == kind => Some(t.to_string()),
            _ => None,
        })
    };
    // The shipped morning and evening, every day: the sentence that says so.
    if let ([_, _], Some(morning), Some(evening)) = (
        slots.as_slice(),
        daily(SlotKind::Morning),
        daily(SlotKind::Evening),
    ) {
        return ctx.t_with(
            lang,
            "schedule-defaults",
            &[("morning", morning.into()), ("evening", evening.into())],
        );
    }
    // Anything else an operator set: each check-in in words.
    let list: Vec<String> = slots
        .iter()
        .map(|(k, t)| {
            let when = match t {
                Timing::At(t) => {
                    week_view::week_words(ctx, lang, &crate::domain::schedule::Week::daily(*t))
                }
                Timing::Week(w) => week_view::week_words(ctx, lang, w),
                Timing::Window { start, end } => format!("{start}–{end}"),
            };
            format!("{} {when}", editor::slot_name(ctx, lang, *k))
        })
        .collect();
    ctx.t_with(
        lang,
        "schedule-defaults-list",
        &[("list", list.join("; ").into())],
    )
}

// ---------------------------------------------------------------- prompts

/// "Start check-in" or "Remind me in 30 min" under a prompt or reminder.
pub async fn prompt_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    prompt_id: i64,
    later: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let prompt = prompts::get(&ctx.db, prompt_id).await?;
    let Some(prompt) = prompt.filter(|p| p.patient_id == patient.id) else {
        tracing::info!("refused a prompt button that is not the sender's");
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    if prompt.status == crate::store::prompts::PromptStatus::Answered {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "prompt-already-done")))
            .await;
        return Ok(());
    }
    // A prompt of an earlier day is filled in for that day, until the end of the next.
    let today = patient.zone.map(|z| z.local_date(ctx.clock.now()));
    let day = chrono::NaiveDate::parse_from_str(&prompt.local_date, "%Y-%m-%d").ok();
    let backfill = match (day, today) {
        (Some(day), Some(today)) if today > day + chrono::Days::new(1) => {
            ctx.ack(&tap.query_id, None).await;
            let text = ctx.t_with(
                &ev.lang,
                "checkin-past-too-late",
                &[("date", ctx.date_long(&ev.lang, day).into())],
            );
            let keyboard = Keyboard::new([
                vec![crate::ctx::keyboard::Button::callback(
                    ctx.t(&ev.lang, "button-checkin-now"),
                    crate::domain::callback::Callback::StartCheckin.encode(),
                )],
                ctx.crisis_row(&ev.lang),
            ]);
            ctx.say(tap.chat_id, text, Some(keyboard)).await;
            return Ok(());
        }
        (Some(day), Some(today)) => today > day,
        _ => false,
    };
    if later && backfill {
        // Yesterday's prompt cannot be put off; its "Start" fills yesterday in.
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    }
    if later {
        let now = ctx.clock.now();
        let at = now + ctx.schedule.snooze;
        let mut tx = ctx.work(ev).await?;
        let ok = prompts::snooze(
            &mut tx,
            prompt.id,
            patient.id,
            at.timestamp(),
            (at + ctx.schedule.reminder_after).timestamp(),
        )
        .await?;
        tx.rescheduled();
        tx.commit().await?;
        let toast = match (ok, patient.zone) {
            (true, Some(zone)) => ctx.t_with(
                &ev.lang,
                "prompt-snoozed",
                &[("time", zone.local_hhmm(at).into())],
            ),
            _ => ctx.t(&ev.lang, "tap-not-valid"),
        };
        ctx.ack(&tap.query_id, Some(toast)).await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    let questions = Questions::parse(&prompt.questions).unwrap_or_else(Questions::full);
    let about = backfill.then_some(prompt.due_at);
    let c = checkin::open_new(ctx, ev, patient, &questions, Some(prompt.id), about).await?;
    if c.is_backfill() {
        // Below, after a line naming the day it is for.
        let preface = checkin::backfill_preface(ctx, &ev.lang, patient, &c);
        return checkin::move_down(ctx, &ev.lang, tap.chat_id, &c, Some(preface)).await;
    }
    match tap.message_id {
        Some(m) => checkin::show_started(ctx, &ev.lang, tap.chat_id, m, &c).await,
        // Telegram did not say which message was tapped: ask below instead.
        None => checkin::move_down(ctx, &ev.lang, tap.chat_id, &c, None).await,
    }
}

/// A scheduled prompt: "Good morning, 3 short questions", with Start / Later.
pub fn prompt_message(
    ctx: &Ctx,
    lang: &str,
    prompt_id: i64,
    kind: &str,
    questions: usize,
) -> (String, Keyboard) {
    (
        ctx.t_with(
            lang,
            &format!("prompt-{kind}"),
            &[("count", questions.into())],
        ),
        ctx.prompt_keyboard(lang, prompt_id),
    )
}

/// The reminder of a prompt not started yet.
pub fn reminder_message(ctx: &Ctx, lang: &str, prompt_id: i64, kind: &str) -> (String, Keyboard) {
    (
        ctx.t_with(
            lang,
            "reminder",
            &[("kind", ctx.t(lang, &format!("slot-{kind}")).into())],
        ),
        ctx.prompt_keyboard(lang, prompt_id),
    )
}
