//! An answer, tapped or typed: checked, stored with its update, and the next step shown; a
//! mood of 0 pauses the check-in for the crisis screen.

use super::summary::{summary_in_place, summary_key, summary_text, SUMMARY_FALLBACK_SECS};
use super::{move_down, no_keyboard, remember_message, show_in};
use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::checkin::{read_in_time, Answer, AnswerError, Step, NOTE_MAX_CHARS};
use crate::domain::outbox_key::Key;
use crate::store::checkins::{self, Checkin, Status};
use crate::store::patients::Patient;
use anyhow::Result;

/// Whether this answer stops the check-in for the crisis screen.
fn interrupts(answer: &Answer) -> bool {
    matches!(answer, Answer::Mood(s) if s.value() == 0)
}

/// A check-in the crisis screen interrupted: what was answered, and a button to go on.
fn paused_view(ctx: &Ctx, lang: &str, checkin: &Checkin) -> (String, Keyboard) {
    let mut rows = vec![vec![Button::callback(
        ctx.t(lang, "button-checkin-resume"),
        crate::domain::callback::Callback::Resume(checkin.id).encode(),
    )]];
    rows.push(ctx.crisis_row(lang));
    (
        ctx.t(lang, "checkin-paused-for-screen"),
        Keyboard::new(rows),
    )
}

/// "Go on with my check-in" after the crisis screen: the open question again, below.
pub async fn resume(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    checkin_id: i64,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    match checkins::get(&ctx.db, checkin_id).await? {
        Some(c) if c.patient_id == patient.id && c.status == Status::Open => {
            ctx.ack(&tap.query_id, None).await;
            move_down(ctx, &ev.lang, patient.chat_id, &c, None).await
        }
        Some(c) if c.patient_id == patient.id => {
            ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-finished")))
                .await;
            Ok(())
        }
        _ => {
            ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
                .await;
            Ok(())
        }
    }
}

/// Stores an answer if it still applies. `None` means it does not (double tap, old keyboard,
/// someone else's check-in).
///
/// When the answer finishes the check-in, the coping suggestion is queued in the same
/// transaction. With `summary_below`, the summary is queued too, ahead of the suggestion, so a
/// summary that goes below the patient's typed text cannot arrive after the suggestion.
async fn store(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    checkin_id: i64,
    answer: &Answer,
    summary_below: bool,
) -> Result<Option<Checkin>> {
    let mut tx = ctx.work(ev).await?;
    let updated =
        checkins::record_answer(&mut tx, checkin_id, patient.id, answer, ctx.now()).await?;
    // The very bottom of the mood scale interrupts the check-in at once: the crisis screen comes
    // now, queued with the answer so it cannot be lost; the rest can be finished afterwards.
    // (When mood is the last question, the end of the check-in opens the screen instead.)
    let interrupted = updated
        .as_ref()
        .is_some_and(|c| c.step.is_some() && interrupts(answer));
    if let Some(c) = updated.as_ref().filter(|_| interrupted) {
        let (text, keyboard) = crate::features::screen::open(
            ctx,
            &mut tx,
            patient,
            &ev.lang,
            crate::features::screen::Origin::Mood,
        )
        .await?;
        ctx.queue(
            &mut tx,
            crate::ctx::To::patient(patient),
            &Key::ScreenAfterMood(c.id),
            &text,
            Some(&keyboard),
            crate::ctx::ALERT_PRIORITY,
        )
        .await?;
    }
    let completed = updated.as_ref().filter(|c| c.status == Status::Completed);
    if let Some(c) = completed {
        // The summary is queued with the last answer. Below typed text it goes out now; after a
        // tap it is edited into the tapped message, and this copy waits in case that edit is
        // lost (withdrawn once it is confirmed).
        let not_before = if summary_below {
            ctx.now()
        } else {
            ctx.now() + SUMMARY_FALLBACK_SECS
        };
        let keyboard = Keyboard::new(ctx.sos_crisis_rows(&ev.lang));
        ctx.queue_at(
            &mut tx,
            crate::ctx::To::patient(patient),
            &summary_key(c.id),
            &summary_text(ctx, &ev.lang, c),
            Some(&keyboard),
            crate::ctx::REPLY_PRIORITY,
            not_before,
        )
        .await?;
        // The suggestion is queued with the last answer: neither can exist without the other.
        crate::features::coping::after_checkin(ctx, &mut tx, patient, &ev.lang, c).await?;
        // A milestone of use-free days, after the suggestion.
        crate::features::progress::after_checkin(ctx, &mut tx, patient, &ev.lang, c).await?;
        // Its answers may complete a cluster of warning signs: alert the contacts if so. A missed
        // day filled in afterwards never alerts by itself: it is about the past, and the next
        // check-in about now is judged with it.
        if !c.is_backfill() {
            crate::features::alerts::evaluate(ctx, &mut tx, patient.id).await?;
        }
    }
    tx.commit().await?;
    if let Some(c) = &updated {
        tracing::info!(
            checkin_id = c.id,
            step = answer.step().code(),
            "answer stored"
        );
        if c.status == Status::Completed {
            tracing::info!(checkin_id = c.id, "check-in completed");
        }
    }
    Ok(updated)
}

#[allow(clippy::too_many_arguments)]
pub async fn button_answer(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    checkin_id: i64,
    step: Step,
    value: &str,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let Ok(answer) = Answer::from_button(step, value) else {
        tracing::info!("refused a button value our keyboards never send");
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    match store(ctx, ev, patient, checkin_id, &answer, false).await? {
        Some(updated) => {
            ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-saved")))
                .await;
            let target = tap.message_id.or(updated.message_id);
            if let (Some(m), true) = (target, updated.step.is_some() && interrupts(&answer)) {
                let (text, keyboard) = paused_view(ctx, &ev.lang, &updated);
                ctx.edit(tap.chat_id, m, text, Some(keyboard)).await;
                remember_message(ctx, updated.id, m, None, None).await;
            } else if let Some(m) = target {
                let confirmed = show_in(ctx, &ev.lang, tap.chat_id, m, &updated).await;
                match (updated.step, confirmed) {
                    (Some(step), Some(at)) => {
                        remember_message(ctx, updated.id, m, Some(step), at).await
                    }
                    (Some(_), None) => {}
                    (None, _) => summary_in_place(ctx, updated.id, confirmed.is_some()).await,
                }
            } else if updated.step.is_none() {
                summary_in_place(ctx, updated.id, false).await;
            }
        }
        None => {
            let current = checkins::get(&ctx.db, checkin_id).await?;
            match current {
                Some(c) if c.patient_id == patient.id && c.status == Status::Open => {
                    // A double tap, or a tap whose edit was lost: show the question that is
                    // actually open, so the patient can go on.
                    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-already-answered")))
                        .await;
                    if let Some(m) = c.message_id.or(tap.message_id) {
                        if let Some(at) = show_in(ctx, &ev.lang, tap.chat_id, m, &c).await {
                            remember_message(ctx, c.id, m, c.step, at).await;
                        }
                    }
                }
                Some(c) if c.patient_id == patient.id => {
                    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-finished")))
                        .await;
                }
                _ => {
                    tracing::info!("refused a tap on a check-in that is not the sender's");
                    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
                        .await;
                }
            }
        }
    }
    Ok(())
}

/// Where a typed message sits in the chat: its id and Telegram's date for it.
#[derive(Debug, Clone, Copy)]
pub struct Typed {
    pub message_id: i32,
    /// Unix seconds; 0 when unknown.
    pub date: i64,
}

/// Typed text while a check-in is open.
pub async fn text_answer(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    open: &Checkin,
    typed: Typed,
    text: Option<&str>,
) -> Result<()> {
    let Some(step) = open.step else {
        return Ok(());
    };
    let message_id = typed.message_id;
    // Typed text answers the question the patient has seen. Text sent before the current
    // question appeared, or while it has not been confirmed on screen (the reply after their
    // last answer was lost, and they typed it again), answers an earlier one: it must not land
    // in this question, which is shown instead.
    if open.message_id.is_some_and(|q| message_id < q) || open.shown != Some(step) {
        let hint = open
            .shown
            .is_some()
            .then(|| ctx.t(&ev.lang, "checkin-text-too-early"));
        tracing::info!(
            checkin_id = open.id,
            "typed text before its question was on screen"
        );
        return move_down(ctx, &ev.lang, patient.chat_id, open, hint).await;
    }
    // Text that arrived within a moment of the question appearing was written before the
    // patient could read it (an answer to an older question crossing with this one): shown
    // again rather than taken as this question's answer.
    if !read_in_time(open.shown_at, typed.date) {
        tracing::info!(
            checkin_id = open.id,
            "typed text crossed with its question on the way"
        );
        let hint = ctx.t(&ev.lang, "checkin-text-crossed");
        return move_down(ctx, &ev.lang, patient.chat_id, open, Some(hint)).await;
    }
    let parsed = match text {
        Some(t) => Answer::from_text(step, t),
        None => Err(AnswerError::UnknownChoice),
    };
    let answer = match parsed {
        Ok(a) => a,
        Err(e) => {
            let hint = refusal(ctx, &ev.lang, step, &e);
            move_down(ctx, &ev.lang, patient.chat_id, open, Some(hint)).await?;
            return Ok(());
        }
    };
    match store(ctx, ev, patient, open.id, &answer, true).await? {
        Some(updated) if updated.step.is_none() => {
            // The summary and the suggestion are on their way through the outbox; the old
            // message only loses its buttons.
            if let Some(m) = updated.message_id {
                ctx.set_keyboard(patient.chat_id, m, no_keyboard()).await;
            }
            Ok(())
        }
        Some(updated) if interrupts(&answer) => {
            // The screen is on its way; the check-in waits, with a button to go on.
            if let Some(m) = updated.message_id {
                let (text, keyboard) = paused_view(ctx, &ev.lang, &updated);
                ctx.edit(patient.chat_id, m, text, Some(keyboard)).await;
                remember_message(ctx, updated.id, m, None, None).await;
            }
            Ok(())
        }
        Some(updated) => move_down(ctx, &ev.lang, patient.chat_id, &updated, None).await,
        None => Ok(()),
    }
}

fn refusal(ctx: &Ctx, lang: &str, step: Step, e: &AnswerError) -> String {
    match (step, e) {
        (Step::Note, AnswerError::NoteTooLong { chars }) => ctx.t_with(
            lang,
            "checkin-note-too-long",
            &[("max", NOTE_MAX_CHARS.into()), ("length", (*chars).into())],
        ),
        (Step::Note | Step::Used, _) => ctx.t(lang, "checkin-tap-expected"),
        (Step::SleepHours, _) => ctx.t_with(
            lang,
            "checkin-number-expected",
            &[("min", 0.into()), ("max", 24.into())],
        ),
        (Step::Mood | Step::SleepQuality | Step::Craving, _) => ctx.t_with(
            lang,
            "checkin-number-expected",
            &[("min", 0.into()), ("max", 10.into())],
        ),
    }
}
