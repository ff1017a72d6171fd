//! The safety plan (`/safetyplan`, and after a yes on the crisis screen): Stanley & Brown's
//! parts asked one by one, each optional, with the crisis line always shown with it.

use crate::ctx::keyboard::Keyboard;
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::domain::conversation::Awaiting;
use crate::features::help;
use crate::store::crisis::{self as store, PlanPart};
use crate::store::patients::{self, Patient};
use anyhow::Result;

/// Longest part of a safety plan, in characters.
pub const PLAN_PART_MAX: usize = 500;

/// `/safetyplan` and the "My safety plan" button.
pub async fn plan_show(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = plan_view(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

async fn plan_view(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, Keyboard)> {
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
    Ok((text, Keyboard::new(rows)))
}

fn plan_question(
    ctx: &Ctx,
    lang: &str,
    country: Option<&str>,
    part: PlanPart,
) -> (String, Keyboard) {
    (
        ctx.t_with(
            lang,
            &format!("plan-ask-{}", part.code()),
            &[("crisis_summary", ctx.crisis_summary(lang, country).into())],
        ),
        Keyboard::new([
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
    let mut tx = ctx.work(ev).await?;
    let awaiting = next.map(|part| Awaiting::Plan { part });
    patients::set_awaiting(&mut tx, patient.id, awaiting.as_ref()).await?;
    if next.is_none() && store::plan(&ctx.db, patient.id).await?.is_none() {
        // Everything skipped: an empty plan still shows the crisis line when opened.
        store::set_plan_part(&mut tx, patient.id, PlanPart::WarningSigns, None, ctx.now()).await?;
    }
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
