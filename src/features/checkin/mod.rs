//! The check-in: one message, edited step by step as the patient taps.
//!
//! Each answer is committed as it is given, together with marking its update handled, so a
//! check-in abandoned halfway keeps what was answered and a re-delivered update cannot store
//! an answer twice. When the patient types instead of tapping, the check-in message moves down
//! below their text so the buttons stay in reach.
//!
//! `answer` takes an answer (tapped or typed) and `summary` shows the finished check-in.

mod answer;
mod summary;

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::domain::checkin::{Questions, Step, NOTE_MAX_CHARS};
use crate::features::help;
use crate::store::checkins::{self, Checkin};
use crate::store::patients::Patient;
pub use answer::{button_answer, resume, text_answer, Typed};
use anyhow::Result;
use summary::summary_text;

/// The question for `step`; a missed day filled in asks about that day, not about now.
fn question_key(step: Step, backfill: bool) -> &'static str {
    match (step, backfill) {
        (Step::Mood, false) => "checkin-mood",
        (Step::Mood, true) => "checkin-past-mood",
        (Step::SleepHours, false) => "checkin-sleep-hours",
        (Step::SleepHours, true) => "checkin-past-sleep-hours",
        (Step::SleepQuality, _) => "checkin-sleep-quality",
        (Step::Craving, false) => "checkin-craving",
        (Step::Craving, true) => "checkin-past-craving",
        (Step::Used, false) => "checkin-used",
        (Step::Used, true) => "checkin-past-used",
        (Step::Note, _) => "checkin-note",
    }
}

pub(super) fn step_text(ctx: &Ctx, lang: &str, checkin: &Checkin, step: Step) -> String {
    let (n, total) = checkin.questions.position(step);
    let backfill = checkin.is_backfill();
    let progress = ctx.t_with(
        lang,
        if backfill {
            "checkin-past-progress"
        } else {
            "checkin-progress"
        },
        &[("step", n.into()), ("total", total.into())],
    );
    let step = question_key(step, backfill);
    let question = ctx.t_with(lang, step, &[("max", NOTE_MAX_CHARS.into())]);
    format!("{progress}\n\n{question}")
}

pub(super) fn no_keyboard() -> Keyboard {
    Keyboard::new(Vec::<Vec<Button>>::new())
}

/// `/checkin` or the "Check in now" button.
pub async fn begin(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    begin_about(ctx, ev, patient, chat_id, false).await
}

/// `/checkin`, or `/checkin yesterday` (`yesterday`) to fill in a day that was missed.
pub async fn begin_about(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    yesterday: bool,
) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let Some(zone) = patient.zone else {
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "timezone-first"),
            Some(ctx.zone_keyboard(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    // Yesterday at noon, local time: a moment inside the day it describes, whatever DST did.
    let about = yesterday.then(|| {
        let day = zone.local_date(ctx.clock.now()) - chrono::Days::new(1);
        let noon = crate::domain::schedule::LocalTime::hm(12, 0);
        crate::domain::schedule::instant_of(zone, day, noon).timestamp()
    });
    let checkin = open_new(ctx, ev, patient, &Questions::full(), None, about).await?;
    let preface = checkin
        .is_backfill()
        .then(|| backfill_preface(ctx, &ev.lang, patient, &checkin));
    // A reused check-in already has a message: its buttons move down to the new one.
    move_down(ctx, &ev.lang, patient.chat_id, &checkin, preface).await
}

/// "Filling in Tuesday 1 December": said once, when a missed day's check-in starts.
pub fn backfill_preface(ctx: &Ctx, lang: &str, patient: &Patient, checkin: &Checkin) -> String {
    let day = patient
        .zone
        .zip(chrono::DateTime::from_timestamp(checkin.about_at, 0))
        .map(|(zone, at)| zone.local_date(at));
    match day {
        Some(day) => ctx.t_with(
            lang,
            "checkin-past-intro",
            &[("date", ctx.date_long(lang, day).into())],
        ),
        None => String::new(),
    }
}

/// Starts a check-in asking `questions`, closing any open one (its message is tidied).
pub async fn open_new(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    questions: &Questions,
    prompt_id: Option<i64>,
    about_at: Option<i64>,
) -> Result<Checkin> {
    let mut tx = ctx.work(ev).await?;
    let (checkin, previous) = checkins::start(
        &mut tx,
        patient.id,
        questions,
        prompt_id,
        about_at,
        ctx.now(),
    )
    .await?;
    if let Some(p) = prompt_id {
        crate::store::prompts::mark_answered(&mut tx, p).await?;
    }
    crate::store::patients::set_awaiting(&mut tx, patient.id, None).await?;
    tx.commit().await?;
    if prompt_id.is_some() {
        ctx.metrics.prompts_answered.inc();
    }
    tracing::info!(
        checkin_id = checkin.id,
        backfill = checkin.is_backfill(),
        "check-in started"
    );
    if let Some(m) = previous.and_then(|p| p.message_id) {
        ctx.edit(
            patient.chat_id,
            m,
            ctx.t(&ev.lang, "checkin-replaced"),
            None,
        )
        .await;
    }
    Ok(checkin)
}

/// Shows a freshly started check-in in an existing message (a scheduled prompt's).
pub async fn show_started(
    ctx: &Ctx,
    lang: &str,
    chat_id: i64,
    message_id: i32,
    checkin: &Checkin,
) -> Result<()> {
    let confirmed = show_in(ctx, lang, chat_id, message_id, checkin).await;
    let shown = confirmed.and(checkin.step);
    remember_message(ctx, checkin.id, message_id, shown, confirmed.flatten()).await;
    Ok(())
}

/// Sends the current step as a new message (optionally after a short preface) and remembers
/// it as the check-in's message.
pub(super) async fn send_step(
    ctx: &Ctx,
    lang: &str,
    chat_id: i64,
    checkin: &Checkin,
    preface: Option<String>,
) -> Result<()> {
    let Some(step) = checkin.step else {
        return Ok(());
    };
    let body = step_text(ctx, lang, checkin, step);
    let text = match preface {
        Some(p) => format!("{p}\n\n{body}"),
        None => body,
    };
    let keyboard = ctx.step_keyboard(lang, checkin.id, step);
    if let Some((mid, at)) = ctx.say_at(chat_id, text, Some(keyboard)).await {
        remember_message(ctx, checkin.id, mid, Some(step), Some(at)).await;
    }
    Ok(())
}

/// Records which message shows the check-in, and which question it shows now that Telegram
/// confirmed it (since `at`, Telegram's date, when known). Bookkeeping after the answer is committed: a failure here is logged, never
/// turned into a handler error (which would re-run the handler); the worst it does is make the
/// next typed answer show its question again.
pub(super) async fn remember_message(
    ctx: &Ctx,
    checkin_id: i64,
    message_id: i32,
    shown: Option<Step>,
    at: Option<i64>,
) {
    if let Err(e) = checkins::set_shown(&ctx.db, checkin_id, message_id, shown, at).await {
        tracing::warn!(checkin_id, error = %e, "could not record the check-in message");
    }
}

/// Shows the current state of a check-in in `message_id`: the next question, or the summary.
/// `None` if Telegram did not confirm the edit; else when it was made, if Telegram said.
pub(super) async fn show_in(
    ctx: &Ctx,
    lang: &str,
    chat_id: i64,
    message_id: i32,
    checkin: &Checkin,
) -> Option<Option<i64>> {
    match checkin.step {
        Some(step) => {
            ctx.edit_at(
                chat_id,
                message_id,
                step_text(ctx, lang, checkin, step),
                Some(ctx.step_keyboard(lang, checkin.id, step)),
            )
            .await
        }
        None => {
            ctx.edit_at(
                chat_id,
                message_id,
                summary_text(ctx, lang, checkin),
                Some(Keyboard::new(ctx.sos_crisis_rows(lang))),
            )
            .await
        }
    }
}

/// Takes the keyboard off the check-in's current message and shows the check-in again below.
pub async fn move_down(
    ctx: &Ctx,
    lang: &str,
    chat_id: i64,
    checkin: &Checkin,
    preface: Option<String>,
) -> Result<()> {
    if let Some(m) = checkin.message_id {
        ctx.set_keyboard(chat_id, m, no_keyboard()).await;
    }
    if checkin.step.is_some() {
        send_step(ctx, lang, chat_id, checkin, preface).await
    } else {
        ctx.say(
            chat_id,
            summary_text(ctx, lang, checkin),
            Some(Keyboard::new(ctx.sos_crisis_rows(lang))),
        )
        .await;
        Ok(())
    }
}
