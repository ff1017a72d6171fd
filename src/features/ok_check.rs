//! "Are you OK?" after missed check-ins: asked by the scheduler, answered by a tap; an
//! unanswered one is a warning sign for the risk engine.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::ctx::To;
use crate::domain::callback::{Callback, ReachFrom};
use crate::domain::outbox_key::Key;
use crate::features::alerts;
use crate::store::alerts as alert_store;
use crate::store::patients::{self, Patient};
use anyhow::Result;

/// "Are you OK?" rows queued per write transaction.
const OK_CHECKS_PER_WRITE: usize = 20;

/// Queues "are you OK?" for patients whose last check-ins were all missed, and gives the
/// unanswered ones to the risk engine. Called by the scheduler.
pub async fn ok_checks(ctx: &Ctx) -> Result<(u64, u64)> {
    let rules = &ctx.rules;
    let now = ctx.now();
    // Found by a read on the pool (it looks at a week of everyone's prompts), so answers are
    // not held up while it runs; each hit is confirmed inside the write transaction.
    let candidates = crate::store::ok_checks::missed_runs(
        &ctx.db,
        rules.missed_in_a_row,
        rules.window,
        now,
        500,
    )
    .await?;
    // A few at a time, each its own short write, so answers get their turns in between.
    let mut asked = 0;
    for chunk in candidates.chunks(OK_CHECKS_PER_WRITE) {
        let mut tx = ctx.db.write().await?;
        for &(patient_id, _) in chunk {
            let Some(last_prompt) = crate::store::ok_checks::missed_run_of(
                &mut tx,
                patient_id,
                rules.missed_in_a_row,
                rules.window,
                now,
            )
            .await?
            else {
                continue;
            };
            let Some(patient) = patients::find_by_id(&mut tx, patient_id).await? else {
                continue;
            };
            // Not in the middle of the night: after the patient's quiet hours. The wait for an
            // answer starts when it is sent.
            let not_before = match (patient.zone, patient.quiet) {
                (Some(zone), Some(quiet)) => quiet.postpone(zone, ctx.clock.now()).timestamp(),
                _ => now,
            };
            let Some(id) = crate::store::ok_checks::insert_ok_check(
                &mut tx,
                patient_id,
                last_prompt,
                now,
                not_before,
            )
            .await?
            else {
                continue;
            };
            ctx.queue_rendered(
                &mut tx,
                To::patient(&patient),
                &Key::OkCheck(id),
                &crate::ctx::render::Render::OkCheck,
                &patient.language,
                crate::ctx::REPLY_PRIORITY,
                not_before,
            )
            .await?;
            asked += 1;
        }
        tx.commit().await?;
    }
    let mut tx = ctx.db.write().await?;
    let mut counted = 0;
    let mut fired = false;
    for patient_id in
        crate::store::ok_checks::count_unanswered(&mut tx, rules.ok_check_wait, now).await?
    {
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
    let mut tx = ctx.work(ev).await?;
    let answered =
        crate::store::ok_checks::ok_answered(&mut tx, patient.id, fine, ctx.now()).await?;
    if answered > 0 && !fine {
        alerts::evaluate(ctx, &mut tx, patient.id).await?;
    }
    // The button names the check this answer was recorded on (none for a stale tap).
    let reach = if fine || answered == 0 {
        None
    } else {
        match crate::store::ok_checks::latest_ok_check(&mut tx, patient.id).await? {
            Some(id) => {
                alerts::reach_out_row(ctx, &mut tx, patient.id, lang, ReachFrom::OkCheck(id))
                    .await?
            }
            None => None,
        }
    };
    tx.commit().await?;
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(tap.chat_id, m, ctx.crisis_only(lang))
            .await;
    }
    let (text, keyboard) = if fine {
        (ctx.t(lang, "ok-fine"), ctx.home_keyboard(lang))
    } else {
        let mut rows: Vec<Vec<Button>> = reach.into_iter().collect();
        rows.push(vec![button(
            ctx.t(lang, "button-checkin-now"),
            Callback::StartCheckin,
        )]);
        rows.extend(ctx.sos_crisis_rows(lang));
        (ctx.t(lang, "ok-not-great"), Keyboard::new(rows))
    };
    ctx.say(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// "Are you OK?", with I'm fine / Not great and the crisis row.
pub fn ok_check_message(ctx: &Ctx, lang: &str) -> (String, Keyboard) {
    let button =
        |label: &str, fine| Button::callback(ctx.t(lang, label), Callback::Ok { fine }.encode());
    (
        ctx.t(lang, "ok-check"),
        Keyboard::new([
            vec![
                button("button-ok-fine", true),
                button("button-ok-not-great", false),
            ],
            ctx.crisis_row(lang),
        ]),
    )
}
