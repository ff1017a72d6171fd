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

fn question_key(step: Step) -> &'static str {
    match step {
        Step::Mood => "checkin-mood",
        Step::SleepHours => "checkin-sleep-hours",
        Step::SleepQuality => "checkin-sleep-quality",
        Step::Craving => "checkin-craving",
        Step::Used => "checkin-used",
        Step::Note => "checkin-note",
    }
}

pub(super) fn step_text(ctx: &Ctx, lang: &str, questions: &Questions, step: Step) -> String {
    let (n, total) = questions.position(step);
    let progress = ctx.t_with(
        lang,
        "checkin-progress",
        &[("step", n.into()), ("total", total.into())],
    );
    let question = ctx.t_with(lang, question_key(step), &[("max", NOTE_MAX_CHARS.into())]);
    format!("{progress}\n\n{question}")
}

pub(super) fn no_keyboard() -> Keyboard {
    Keyboard::new(Vec::<Vec<Button>>::new())
}

/// `/checkin` or the "Check in now" button.
pub async fn begin(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    if patient.zone.is_none() {
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "timezone-first"),
            Some(ctx.zone_keyboard(&ev.lang)),
        )
        .await;
        return Ok(());
    }
    let checkin = open_new(ctx, ev, patient, &Questions::full(), None).await?;
    // A reused check-in already has a message: its buttons move down to the new one.
    move_down(ctx, &ev.lang, patient.chat_id, &checkin, None).await
}

/// Starts a check-in asking `questions`, closing any open one (its message is tidied).
pub async fn open_new(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    questions: &Questions,
    prompt_id: Option<i64>,
) -> Result<Checkin> {
    let mut tx = ctx.work(ev).await?;
    let (checkin, previous) =
        checkins::start(&mut tx, patient.id, questions, prompt_id, ctx.now()).await?;
    if let Some(p) = prompt_id {
        crate::store::prompts::mark_answered(&mut tx, p).await?;
    }
    crate::store::patients::set_awaiting(&mut tx, patient.id, None).await?;
    tx.commit().await?;
    tracing::info!(checkin_id = checkin.id, "check-in started");
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
    let body = step_text(ctx, lang, &checkin.questions, step);
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
                step_text(ctx, lang, &checkin.questions, step),
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
