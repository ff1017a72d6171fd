//! "I'm not safe": the crisis screen (C-SSRS screener). The safety plan it offers is in
//! `safety_plan.rs`; "are you OK?" after missed check-ins in `ok_check.rs`.
//!
//! The screen opens from the button (on every check-in, suggestion and help message), a mood of
//! 0, or an SOS urge of 10. Every question carries the one-tap crisis line. Any yes ends with
//! the crisis line and the safety plan; a yes to thoughts of suicide or to preparatory
//! behaviour alerts every support contact at once (no cooldown), and the patient is told.

use crate::ctx::keyboard::Keyboard;
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::domain::screen::Question;
use crate::features::alerts;
use crate::features::help;
use crate::store::crisis::{self as store};
use crate::store::patients::Patient;
use crate::store::Tx;
use anyhow::Result;

/// A screen started this recently and still open is continued rather than started again.
pub const SCREEN_REUSE_SECS: i64 = 10 * 60;

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
) -> (String, Keyboard) {
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
        Keyboard::new(rows),
    )
}

/// Opens a screen (or continues one opened minutes ago) inside `tx`: the first message.
pub async fn open(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    lang: &str,
    origin: Origin,
) -> Result<(String, Keyboard)> {
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
        return help::crisis(ctx, ev, tap.chat_id).await;
    };
    let mut tx = ctx.work(ev).await?;
    let (text, keyboard) = open(ctx, &mut tx, patient, &ev.lang, Origin::Button).await?;
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
    let mut tx = ctx.work(ev).await?;
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
    tx.commit().await?;
    // Whatever was queued (a crisis alert, or a cluster alert the last answer completed).

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
                ctx.set_keyboard(tap.chat_id, m, Keyboard::default()).await;
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
                    Keyboard::new(ctx.sos_crisis_rows(lang)),
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
async fn help_after_yes(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, Keyboard)> {
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
    Ok((text, Keyboard::new(rows)))
}
