//! The check-in: one message, edited step by step as the patient taps.
//!
//! Each answer is committed as it is given, together with marking its update handled, so a
//! check-in abandoned halfway keeps what was answered and a re-delivered update cannot store
//! an answer twice. When the patient types instead of tapping, the check-in message moves down
//! below their text so the buttons stay in reach.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::checkin::{
    read_in_time, Answer, AnswerError, Questions, SleepDuration, Step, UseAnswer, NOTE_MAX_CHARS,
};
use crate::domain::outbox_key::Key;
use crate::features::help;
use crate::store::checkins::{self, Checkin, Status};
use crate::store::patients::Patient;
use anyhow::Result;

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

fn step_text(ctx: &Ctx, lang: &str, questions: &Questions, step: Step) -> String {
    let (n, total) = questions.position(step);
    let progress = ctx.t_with(
        lang,
        "checkin-progress",
        &[("step", n.into()), ("total", total.into())],
    );
    let question = ctx.t_with(lang, question_key(step), &[("max", NOTE_MAX_CHARS.into())]);
    format!("{progress}\n\n{question}")
}

fn no_keyboard() -> Keyboard {
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
async fn send_step(
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
async fn remember_message(
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
async fn show_in(
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
                summary(ctx, lang, checkin),
                Some(Keyboard::new(ctx.sos_crisis_rows(lang))),
            )
            .await
        }
    }
}

/// How long the queued copy of a summary waits for the summary shown in place (a tap's edit)
/// before it is sent below instead: the edit may be lost, or the bot may stop before it.
const SUMMARY_FALLBACK_SECS: i64 = 20;

fn summary_key(checkin_id: i64) -> Key {
    Key::Summary(checkin_id)
}

/// The summary was edited into the check-in's message (its queued copy is withdrawn), or that
/// edit failed (the copy goes out now).
async fn summary_in_place(ctx: &Ctx, checkin_id: i64, shown: bool) {
    let key = summary_key(checkin_id);
    let done = async {
        let mut tx = ctx.db.write().await?;
        if shown {
            crate::store::outbox::withdraw(&mut tx, &key).await?;
        } else {
            crate::store::outbox::hasten(&mut tx, &key, ctx.now()).await?;
        }
        tx.commit().await?;
        anyhow::Ok(())
    };
    match done.await {
        Ok(()) if !shown => ctx.wake_sender.notify_one(),
        Ok(()) => {}
        Err(e) => tracing::warn!(checkin_id, error = %e, "could not settle the summary's copy"),
    }
}

/// "Thank you" and one line per question the check-in asked.
fn summary(ctx: &Ctx, lang: &str, c: &Checkin) -> String {
    let dash = || "–".to_string();
    let num = |v: Option<u8>| v.map_or_else(dash, |v| v.to_string());
    let mut lines = vec![ctx.t(lang, "checkin-done")];
    for step in c.questions.steps() {
        let line = match step {
            Step::Mood => ctx.t_with(lang, "summary-mood", &[("mood", num(c.mood).into())]),
            Step::SleepHours => ctx.t_with(
                lang,
                "summary-sleep-hours",
                &[(
                    "hours",
                    c.sleep_minutes
                        .and_then(|m| SleepDuration::from_minutes(i64::from(m)).ok())
                        .map_or_else(dash, |d| d.hours_label())
                        .into(),
                )],
            ),
            Step::SleepQuality => ctx.t_with(
                lang,
                "summary-sleep-quality",
                &[("quality", num(c.sleep_quality).into())],
            ),
            Step::Craving => ctx.t_with(
                lang,
                "summary-craving",
                &[("craving", num(c.craving).into())],
            ),
            Step::Used => {
                let key = match c.used.and_then(UseAnswer::reported_use) {
                    Some(true) => "summary-used-yes",
                    Some(false) => "summary-used-no",
                    None => "summary-used-skip",
                };
                ctx.t_with(lang, "summary-used", &[("used", ctx.t(lang, key).into())])
            }
            Step::Note => {
                let key = if c.has_note {
                    "summary-note-saved"
                } else {
                    "summary-note-none"
                };
                ctx.t_with(lang, "summary-note", &[("note", ctx.t(lang, key).into())])
            }
        };
        lines.push(line);
    }
    lines.join("\n")
}

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
            &summary(ctx, &ev.lang, c),
            Some(&keyboard),
            crate::ctx::REPLY_PRIORITY,
            not_before,
        )
        .await?;
        // The suggestion is queued with the last answer: neither can exist without the other.
        crate::features::coping::after_checkin(ctx, &mut tx, patient, &ev.lang, c).await?;
        // Its answers may complete a cluster of warning signs: alert the contacts if so.
        crate::features::alerts::evaluate(ctx, &mut tx, patient.id).await?;
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
            summary(ctx, lang, checkin),
            Some(Keyboard::new(ctx.sos_crisis_rows(lang))),
        )
        .await;
        Ok(())
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
