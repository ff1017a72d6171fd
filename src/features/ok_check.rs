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
use crate::store::ok_checks as ok_store;
use crate::store::patients::{self, Patient};
use anyhow::Result;

/// "Are you OK?" rows queued per write transaction.
const OK_CHECKS_PER_WRITE: usize = 20;
/// Watched patients read at a time, and batches looked at in one scheduler pass (the rest
/// wait for the next pass).
const WATCH_BATCH: i64 = 500;
const WATCH_BATCHES_PER_PASS: usize = 4;

/// Queues "are you OK?" for patients whose last check-ins were all missed, and gives the
/// unanswered ones to the risk engine. Called by the scheduler.
pub async fn ok_checks(ctx: &Ctx) -> Result<(u64, u64)> {
    let rules = &ctx.rules;
    let now = ctx.now();
    // Only patients a missed prompt put on the watch list are looked at, each with a read of
    // their own prompts on the pool, so answers are not held up while this runs; each hit is
    // confirmed inside a short write transaction.
    let mut asked = 0;
    for _ in 0..WATCH_BATCHES_PER_PASS {
        let watched = ok_store::watched(&ctx.db, now, WATCH_BATCH).await?;
        let (mut hits, mut done, mut later) = (Vec::new(), Vec::new(), Vec::new());
        for &(watch, patient_id) in &watched {
            if ok_store::missed_run(
                &ctx.db,
                patient_id,
                rules.missed_in_a_row,
                rules.window,
                now,
            )
            .await?
            .is_some()
            {
                hits.push((watch, patient_id));
            } else if let Some(until) =
                ok_store::held_until(&ctx.db, patient_id, rules.window, now).await?
            {
                later.push((watch, until));
            } else {
                done.push(watch);
            }
        }
        // A few at a time, each its own short write, so answers get their turns in between.
        for chunk in hits.chunks(OK_CHECKS_PER_WRITE) {
            let mut tx = ctx.db.write().await?;
            let mut looked = Vec::new();
            for &(watch, patient_id) in chunk {
                if ask(ctx, &mut tx, patient_id, now).await? {
                    asked += 1;
                }
                // Asked, or no longer a run (a check-in started since the read). Nothing can
                // have held it back since: only this pass asks "are you OK?", and the read
                // already left out held-back runs (those wait in `later`).
                looked.push(watch);
            }
            ok_store::looked_at(&mut tx, &looked, &[]).await?;
            tx.commit().await?;
        }
        if !done.is_empty() || !later.is_empty() {
            let mut tx = ctx.db.write().await?;
            ok_store::looked_at(&mut tx, &done, &later).await?;
            tx.commit().await?;
        }
        if (watched.len() as i64) < WATCH_BATCH {
            break;
        }
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

/// Queues an "are you OK?" for the patient if their run of missed check-ins still stands
/// (confirmed inside `tx`). Returns whether one was queued.
async fn ask(ctx: &Ctx, tx: &mut crate::store::Tx, patient_id: i64, now: i64) -> Result<bool> {
    let rules = &ctx.rules;
    let Some(last_prompt) =
        ok_store::missed_run_of(tx, patient_id, rules.missed_in_a_row, rules.window, now).await?
    else {
        return Ok(false);
    };
    let Some(patient) = patients::find_by_id(tx, patient_id).await? else {
        return Ok(false);
    };
    // Not in the middle of the night: after the patient's quiet hours. The wait for an
    // answer starts when it is sent.
    let not_before = match (patient.zone, patient.quiet) {
        (Some(zone), Some(quiet)) => quiet.postpone(zone, ctx.clock.now()).timestamp(),
        _ => now,
    };
    let Some(id) = ok_store::insert_ok_check(tx, patient_id, last_prompt, now, not_before).await?
    else {
        return Ok(false);
    };
    ctx.queue_rendered(
        tx,
        To::patient(&patient),
        &Key::OkCheck(id),
        &crate::ctx::render::Render::OkCheck,
        &patient.language,
        crate::ctx::REPLY_PRIORITY,
        not_before,
    )
    .await?;
    Ok(true)
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
