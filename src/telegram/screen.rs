//! "I'm not safe": the crisis screen (C-SSRS screener), the safety plan (`/safetyplan`), and the
//! "are you OK?" check after missed check-ins.
//!
//! The screen opens from the button (on every check-in, suggestion and help message), a mood of
//! 0, or an SOS urge of 10. Every question carries the one-tap crisis line. Any yes ends with
//! the crisis line and the safety plan; a yes to thoughts of suicide or to preparatory
//! behaviour alerts every support contact at once (no cooldown), and the patient is told.

use super::router::Tap;
use super::{alerts, support, Ctx, Event, To};
use crate::domain::callback::{Callback, ReachFrom};
use crate::domain::conversation::Awaiting;
use crate::domain::outbox_key::Key;
use crate::domain::screen::Question;
use crate::store::crisis::{self as store, PlanPart};
use crate::store::patients::{self, Patient};
use crate::store::{alerts as alert_store, inbox, Tx};
use anyhow::Result;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// The `awaiting` prefix while the patient writes a part of their plan: `plan:<part>`.
/// Longest part of a safety plan, in characters.
pub const PLAN_PART_MAX: usize = 500;
/// A screen started this recently and still open is continued rather than started again.
pub const SCREEN_REUSE_SECS: i64 = 10 * 60;

fn button(label: String, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, cb.encode())
}

/// Where a screen was opened from (stored, so a clinician can see it).
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Button,
    Mood,
    Sos,
}

impl Origin {
    fn code(self) -> &'static str {
        match self {
            Origin::Button => "button",
            Origin::Mood => "mood",
            Origin::Sos => "sos",
        }
    }
}

/// A question with Yes / No, the one-tap crisis line and the crisis button.
fn question(
    ctx: &Ctx,
    lang: &str,
    country: Option<&str>,
    screen_id: i64,
    q: Question,
) -> (String, InlineKeyboardMarkup) {
    let answer = |yes| Callback::Screen {
        screen_id,
        question: q.number(),
        yes,
    };
    let mut rows = vec![vec![
        button(ctx.t(lang, "button-yes"), answer(true)),
        button(ctx.t(lang, "button-no"), answer(false)),
    ]];
    rows.extend(ctx.crisis_link(lang, country).inline_keyboard);
    rows.push(vec![ctx.crisis_button(lang)]);
    (
        ctx.t(lang, &format!("screen-q{}", q.number())),
        InlineKeyboardMarkup::new(rows),
    )
}

/// Opens a screen (or continues one opened minutes ago) inside `tx`: the first message.
pub async fn open(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    lang: &str,
    origin: Origin,
) -> Result<(String, InlineKeyboardMarkup)> {
    let now = ctx.now();
    let screen = match store::open_since(tx, patient.id, now - SCREEN_REUSE_SECS).await? {
        Some(s) => s,
        None => {
            let id = store::start(tx, patient.id, origin.code(), now).await?;
            store::get(tx, id).await?.expect("just inserted")
        }
    };
    let q = screen.answers.next().unwrap_or(Question::WishDead);
    let (text, keyboard) = question(ctx, lang, patient.country.as_deref(), screen.id, q);
    // Not the origin: "mood" or "sos" would say the patient rated 0 or 10.
    tracing::info!(patient_id = patient.id, "crisis screen opened");
    // One sentence that bridges from what the patient just did to these questions.
    let bridge = match origin {
        Origin::Button => None,
        Origin::Mood => Some(ctx.t(lang, "screen-bridge-mood")),
        Origin::Sos => Some(ctx.t(lang, "screen-bridge-sos")),
    };
    let intro = ctx.t(lang, "screen-intro");
    Ok((
        match bridge {
            Some(b) => format!("{b}\n\n{intro}\n\n{text}"),
            None => format!("{intro}\n\n{text}"),
        },
        keyboard,
    ))
}

/// The "I'm not safe" button. Someone not enrolled gets the crisis line (nothing is stored).
pub async fn not_safe(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, tap: &Tap) -> Result<()> {
    ctx.ack(&tap.query_id, None).await;
    let Some(patient) = patient else {
        return support::crisis(ctx, ev, tap.chat_id).await;
    };
    let mut tx = ctx.db.write().await?;
    let (text, keyboard) = open(ctx, &mut tx, patient, &ev.lang, Origin::Button).await?;
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    ctx.say_urgent(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// An answer to one question.
pub async fn answer(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    screen_id: i64,
    number: u8,
    yes: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    let mut tx = ctx.db.write().await?;
    let screen = store::get(&mut tx, screen_id).await?;
    let q = Question::from_number(number);
    let (Some(mut screen), Some(q)) = (screen.filter(|s| s.patient_id == patient.id), q) else {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    if screen.completed || !screen.answers.expects(q) {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "screen-stale")))
            .await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    store::answer(&mut tx, screen.id, q, yes).await?;
    screen.answers.set(q, yes);
    let now = ctx.now();
    // Thoughts of suicide or preparatory behaviour: every contact, now, once per screen. What
    // the patient is told goes into the screen's own message, so the questions stay together.
    let mut notice = None;
    if screen.answers.alerts_contacts() && screen.alert_id.is_none() {
        if let Some((alert_id, told)) = alerts::fire_crisis(ctx, &mut tx, patient.id).await? {
            store::set_alert(&mut tx, screen.id, alert_id).await?;
            screen.alert_id = Some(alert_id);
            notice = Some(told);
        }
    }
    let alerted = notice.is_some();
    // A yes to intent, a plan or preparation: direct words now, before anything else.
    let urgent_now = yes && matches!(q, Question::Intent | Question::Plan | Question::Behaviour);
    let next = screen.answers.next();
    if next.is_none() {
        store::complete(&mut tx, screen.id, now).await?;
        // A yes is a warning sign too; a crisis alert already told the contacts everything.
        if screen.alert_id.is_none() && screen.answers.any_yes() {
            alerts::evaluate(ctx, &mut tx, patient.id).await?;
        }
    }
    inbox::mark_handled(&mut tx, ev.update_id, now).await?;
    tx.commit().await?;
    // Whatever was queued (a crisis alert, or a cluster alert the last answer completed).
    ctx.wake_sender.notify_one();

    let country = patient.country.as_deref();
    // What comes before the next question, in the same message.
    let mut preface = Vec::new();
    if urgent_now {
        preface.push(urgent_words(ctx, lang, country));
    }
    if let Some(n) = &notice {
        preface.push(n.clone());
    }
    match next {
        Some(q) => {
            let (text, keyboard) = question(ctx, lang, country, screen.id, q);
            preface.push(text);
            let text = preface.join("\n\n");
            let shown = match tap.message_id {
                Some(m) => ctx.edit(tap.chat_id, m, text, Some(keyboard)).await,
                None => ctx.say_urgent(tap.chat_id, text, Some(keyboard)).await,
            };
            if shown && alerted {
                withdraw_notice(ctx, screen.alert_id).await;
            }
        }
        None => {
            // The last question keeps its text; its buttons go.
            if let Some(m) = tap.message_id {
                ctx.set_keyboard(tap.chat_id, m, InlineKeyboardMarkup::default())
                    .await;
            }
            let open_checkin = crate::store::checkins::open_for(&ctx.db, patient.id).await?;
            let (text, mut keyboard) = if screen.answers.any_yes() {
                // The urgent words, if called for, were shown at the question after that yes.
                let (text, keyboard) = help_after_yes(ctx, lang, patient).await?;
                preface.push(text);
                (preface.join("\n\n"), keyboard)
            } else {
                (
                    ctx.t(lang, "screen-all-no"),
                    InlineKeyboardMarkup::new(ctx.sos_crisis_rows(lang)),
                )
            };
            // A check-in the screen interrupted can be finished now.
            if let Some(c) = open_checkin {
                keyboard.inline_keyboard.insert(
                    0,
                    vec![button(
                        ctx.t(lang, "button-checkin-resume"),
                        Callback::Resume(c.id),
                    )],
                );
            }
            let shown = ctx.say_urgent(tap.chat_id, text, Some(keyboard)).await;
            if shown && alerted {
                withdraw_notice(ctx, screen.alert_id).await;
            }
            tracing::info!(screen_id = screen.id, "crisis screen completed");
        }
    }
    Ok(())
}

/// After a yes to intent, a plan or preparation: call now, are you safe for the next hour, is
/// someone with you.
fn urgent_words(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    ctx.t_with(
        lang,
        "screen-urgent",
        &[
            ("crisis_action", ctx.crisis_action(lang, country).into()),
            ("emergency_number", ctx.emergency(country).into()),
        ],
    )
}

/// The patient saw the contacts' notice in the screen's own message: its queued copy (the
/// fallback if that message had failed) is withdrawn. A failure here only means it arrives too.
async fn withdraw_notice(ctx: &Ctx, alert_id: Option<i64>) {
    let Some(id) = alert_id else { return };
    let key = alerts::notice_key(id);
    let done = async {
        let mut tx = ctx.db.write().await?;
        crate::store::outbox::withdraw(&mut tx, &key).await?;
        tx.commit().await?;
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "could not withdraw a queued notice");
    }
}

/// The crisis line, the emergency number, and the safety plan one tap away.
async fn help_after_yes(
    ctx: &Ctx,
    lang: &str,
    patient: &Patient,
) -> Result<(String, InlineKeyboardMarkup)> {
    let country = patient.country.as_deref();
    let has_plan = store::plan(&ctx.db, patient.id).await?.is_some();
    let text = ctx.t_with(
        lang,
        "screen-help",
        &[
            ("crisis_action", ctx.crisis_action(lang, country).into()),
            ("emergency_number", ctx.emergency(country).into()),
            ("has_plan", if has_plan { "yes" } else { "no" }.into()),
        ],
    );

    let mut rows = ctx.crisis_link(lang, country).inline_keyboard;
    rows.push(vec![if has_plan {
        button(ctx.t(lang, "button-plan-show"), Callback::PlanShow)
    } else {
        button(ctx.t(lang, "button-plan-write"), Callback::PlanWrite)
    }]);
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

// The safety plan.

/// `/safetyplan` and the "My safety plan" button.
pub async fn plan_show(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
) -> Result<()> {
    let Some(patient) = patient else {
        return support::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = plan_view(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

async fn plan_view(
    ctx: &Ctx,
    lang: &str,
    patient: &Patient,
) -> Result<(String, InlineKeyboardMarkup)> {
    let country = patient.country.as_deref();
    // The crisis line is always among the services to contact, whatever was written.
    let typed_none = ctx.t(lang, "plan-empty-part");
    let professionals = |typed: String| {
        let line = ctx.crisis_summary(lang, country);
        if typed == typed_none {
            line
        } else {
            format!("{typed}. {line}")
        }
    };
    let mut rows = Vec::new();
    let text = match store::plan(&ctx.db, patient.id).await? {
        Some(plan) => {
            let part = |p: PlanPart| {
                plan.iter()
                    .find(|(q, _)| *q == p)
                    .and_then(|(_, t)| t.clone())
                    .unwrap_or_else(|| ctx.t(lang, "plan-empty-part"))
            };
            rows.push(vec![button(
                ctx.t(lang, "button-plan-rewrite"),
                Callback::PlanWrite,
            )]);
            ctx.t_with(
                lang,
                "plan-show",
                &[
                    ("signs", part(PlanPart::WarningSigns).into()),
                    ("coping", part(PlanPart::Coping).into()),
                    ("people", part(PlanPart::People).into()),
                    ("safe", part(PlanPart::SafePlace).into()),
                    ("reasons", part(PlanPart::Reasons).into()),
                    (
                        "professionals",
                        professionals(part(PlanPart::Professionals)).into(),
                    ),
                    ("crisis_action", ctx.crisis_action(lang, country).into()),
                    ("emergency_number", ctx.emergency(country).into()),
                ],
            )
        }
        None => {
            rows.push(vec![button(
                ctx.t(lang, "button-plan-write"),
                Callback::PlanWrite,
            )]);
            ctx.t(lang, "plan-none")
        }
    };
    rows.extend(ctx.crisis_link(lang, country).inline_keyboard);
    rows.push(ctx.crisis_row(lang));
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

fn plan_question(
    ctx: &Ctx,
    lang: &str,
    country: Option<&str>,
    part: PlanPart,
) -> (String, InlineKeyboardMarkup) {
    (
        ctx.t_with(
            lang,
            &format!("plan-ask-{}", part.code()),
            &[("crisis_summary", ctx.crisis_summary(lang, country).into())],
        ),
        InlineKeyboardMarkup::new([
            vec![button(ctx.t(lang, "button-plan-skip"), Callback::PlanSkip)],
            ctx.crisis_row(lang),
        ]),
    )
}

/// Plan buttons: show it, start writing it, skip the part being asked.
pub async fn plan_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    action: &Callback,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    let current = match patient.awaiting {
        Some(Awaiting::Plan { part }) => Some(part),
        _ => None,
    };
    let next = match action {
        Callback::PlanShow => {
            ctx.ack(&tap.query_id, None).await;
            let (text, keyboard) = plan_view(ctx, lang, patient).await?;
            ctx.say(tap.chat_id, text, Some(keyboard)).await;
            return Ok(());
        }
        Callback::PlanWrite => Some(PlanPart::ALL[0]),
        _ => match current {
            Some(part) => part.next(),
            None => {
                ctx.ack(&tap.query_id, Some(ctx.t(lang, "tap-not-valid")))
                    .await;
                return Ok(());
            }
        },
    };
    ctx.ack(&tap.query_id, None).await;
    advance(ctx, ev, patient, tap.chat_id, next).await
}

/// Asks `next`, or (when the plan is done) shows it.
async fn advance(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    chat_id: i64,
    next: Option<PlanPart>,
) -> Result<()> {
    let mut tx = ctx.db.write().await?;
    let awaiting = next.map(|part| Awaiting::Plan { part });
    patients::set_awaiting(&mut tx, patient.id, awaiting.as_ref()).await?;
    if next.is_none() && store::plan(&ctx.db, patient.id).await?.is_none() {
        // Everything skipped: an empty plan still shows the crisis line when opened.
        store::set_plan_part(&mut tx, patient.id, PlanPart::WarningSigns, None, ctx.now()).await?;
    }
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    match next {
        Some(part) => {
            let (text, keyboard) = plan_question(ctx, &ev.lang, patient.country.as_deref(), part);
            ctx.say(chat_id, text, Some(keyboard)).await;
        }
        None => {
            let (text, keyboard) = plan_view(ctx, &ev.lang, patient).await?;
            ctx.say(
                chat_id,
                format!("{}\n\n{text}", ctx.t(&ev.lang, "plan-saved")),
                Some(keyboard),
            )
            .await;
            tracing::info!(patient_id = patient.id, "safety plan saved");
        }
    }
    Ok(())
}

/// Typed text while writing the plan.
pub async fn plan_text(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    part: PlanPart,
    text: Option<&str>,
) -> Result<()> {
    let text = text.map(str::trim).unwrap_or("");
    if text.is_empty() || text.chars().count() > PLAN_PART_MAX {
        let (ask, keyboard) = plan_question(ctx, &ev.lang, patient.country.as_deref(), part);
        let problem = ctx.t_with(&ev.lang, "plan-too-long", &[("max", PLAN_PART_MAX.into())]);
        ctx.say(
            patient.chat_id,
            format!("{problem}\n\n{ask}"),
            Some(keyboard),
        )
        .await;
        return Ok(());
    }
    {
        let mut tx = ctx.db.write().await?;
        store::set_plan_part(&mut tx, patient.id, part, Some(text), ctx.now()).await?;
        tx.commit().await?;
    }
    advance(ctx, ev, patient, patient.chat_id, part.next()).await
}

// "Are you OK?"

/// Queues "are you OK?" for patients whose last check-ins were all missed, and gives the
/// unanswered ones to the risk engine. Called by the scheduler.
pub async fn ok_checks(ctx: &Ctx) -> Result<(u64, u64)> {
    let rules = &ctx.content.rules;
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    let mut asked = 0;
    for (patient_id, last_prompt) in
        alert_store::missed_runs(&mut tx, rules.missed_in_a_row, rules.window, now, 500).await?
    {
        let Some(patient) = patients::find_by_id(&mut tx, patient_id).await? else {
            continue;
        };
        // Not in the middle of the night: after the patient's quiet hours. The wait for an
        // answer starts when it is sent.
        let not_before = match (patient.zone, patient.quiet) {
            (Some(zone), Some(quiet)) => quiet.postpone(zone, ctx.clock.now()).timestamp(),
            _ => now,
        };
        let Some(id) =
            alert_store::insert_ok_check(&mut tx, patient_id, last_prompt, now, not_before).await?
        else {
            continue;
        };
        ctx.queue_rendered(
            &mut tx,
            To::patient(&patient),
            &Key::OkCheck(id),
            &super::render::Render::OkCheck,
            &patient.language,
            super::coping::REPLY_PRIORITY,
            not_before,
        )
        .await?;
        asked += 1;
    }
    let mut counted = 0;
    let mut fired = false;
    for patient_id in alert_store::count_unanswered(&mut tx, rules.ok_check_wait, now).await? {
        fired |= alerts::evaluate(ctx, &mut tx, patient_id).await?.alerts();
        counted += 1;
    }
    for patient_id in alert_store::escalation_candidates(&mut tx, rules.cooldown, now).await? {
        fired |= alerts::evaluate(ctx, &mut tx, patient_id).await?.alerts();
    }
    tx.commit().await?;
    if fired || asked > 0 {
        ctx.wake_sender.notify_one();
    }
    Ok((asked, counted))
}

/// "I'm OK" / "Not great". "Not great" is a warning sign (disengagement), stored with the
/// answer; the reply offers to ask the patient's contact to reach out.
pub async fn ok_answer(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    fine: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let lang = &ev.lang;
    let mut tx = ctx.db.write().await?;
    let answered = alert_store::ok_answered(&mut tx, patient.id, fine, ctx.now()).await?;
    let mut fired = false;
    if answered > 0 && !fine {
        fired = alerts::evaluate(ctx, &mut tx, patient.id).await?.alerts();
    }
    // The button names the check this answer was recorded on (none for a stale tap).
    let reach = if fine || answered == 0 {
        None
    } else {
        match alert_store::latest_ok_check(&mut tx, patient.id).await? {
            Some(id) => {
                alerts::reach_out_row(ctx, &mut tx, patient.id, lang, ReachFrom::OkCheck(id))
                    .await?
            }
            None => None,
        }
    };
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    if fired {
        ctx.wake_sender.notify_one();
    }
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(tap.chat_id, m, ctx.crisis_only(lang))
            .await;
    }
    let (text, keyboard) = if fine {
        (ctx.t(lang, "ok-fine"), ctx.home_keyboard(lang))
    } else {
        let mut rows: Vec<Vec<InlineKeyboardButton>> = reach.into_iter().collect();
        rows.push(vec![button(
            ctx.t(lang, "button-checkin-now"),
            Callback::StartCheckin,
        )]);
        rows.extend(ctx.sos_crisis_rows(lang));
        (ctx.t(lang, "ok-not-great"), InlineKeyboardMarkup::new(rows))
    };
    ctx.say(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}
