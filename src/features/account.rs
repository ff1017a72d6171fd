//! The patient's account: blocking and unblocking the bot (the patient, or a support contact),
//! coming back, and `/delete`.

use super::help::not_enrolled;
use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::store::patients::{self, Patient};
use crate::store::slots;
use anyhow::Result;

/// The patient blocked or unblocked the bot (Telegram's my_chat_member update).
pub async fn membership(ctx: &Ctx, update_id: i64, user_id: i64, blocked: bool) -> Result<()> {
    let contact = crate::store::contacts::contact_by_user(&ctx.db, user_id).await?;
    let patient = patients::find_by_user(&ctx.db, user_id).await?;
    let mut tx = ctx.work_for(update_id).await?;
    // A support contact blocking the bot: their patients are told now, not at the next alert.
    if let Some(c) = contact {
        if blocked {
            crate::features::alerts::contact_unreachable(ctx, &mut tx, c.id, update_id).await?;
        } else {
            crate::store::contacts::set_contact_active(&mut tx, c.id, true).await?;
        }
    }
    if let Some(patient) = patient {
        if blocked {
            patients::deactivate(&mut tx, patient.id, "blocked the bot", ctx.now()).await?;
            tracing::info!(
                patient_id = patient.id,
                "patient blocked the bot; marked inactive"
            );
        } else {
            reactivate(ctx, &mut tx, &patient).await?;
            tx.rescheduled();
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Makes an inactive patient active again and plans their check-ins from now (none are sent
/// for the time they were away).
pub async fn reactivate(ctx: &Ctx, tx: &mut crate::store::Tx, patient: &Patient) -> Result<()> {
    if patients::reactivate(tx, patient.id).await? {
        if let Some(zone) = patient.zone {
            slots::reschedule_all(tx, patient.id, zone, patient.quiet, ctx.clock.now()).await?;
        }
        tracing::info!(patient_id = patient.id, "patient active again");
    }
    Ok(())
}

/// `/delete`: asks before erasing.
pub async fn delete_ask(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
) -> Result<()> {
    if patient.is_none() {
        return not_enrolled(ctx, ev, chat_id).await;
    }
    let keyboard = Keyboard::new([
        vec![
            Button::callback(
                ctx.t(&ev.lang, "button-delete-yes"),
                Callback::Delete { confirm: true }.encode(),
            ),
            Button::callback(
                ctx.t(&ev.lang, "button-cancel"),
                Callback::Delete { confirm: false }.encode(),
            ),
        ],
        // What they stored can go with them first (GDPR art. 20).
        vec![Button::callback(
            ctx.t(&ev.lang, "button-export-first"),
            Callback::ExportAsk.encode(),
        )],
        ctx.crisis_row(&ev.lang),
    ]);
    ctx.say(chat_id, ctx.t(&ev.lang, "delete-ask"), Some(keyboard))
        .await;
    Ok(())
}

/// The answer to `/delete`'s question. Deleting removes the patient and, through the foreign
/// keys, every check-in, slot, prompt and queued message; also any update still held for them.
pub async fn delete_answer(ctx: &Ctx, ev: &Event, tap: &Tap, confirm: bool) -> Result<()> {
    ctx.ack(&tap.query_id, None).await;
    let text = if confirm {
        let mut tx = ctx.work(ev).await?;
        // Their support contacts are told the link ended (that message outlives the patient).
        if let Some(p) = patients::find_by_user(&ctx.db, ev.user_id).await? {
            crate::features::contacts::end_all_for_patient(ctx, &mut tx, p.id).await?;
        }
        patients::delete_everything(&mut tx, ev.user_id).await?;
        tx.commit().await?;
        // The erased pages may still sit in the write-ahead log: fold it into the database
        // (secure_delete overwrites them there) and empty it.
        if let Err(e) = ctx.db.empty_log().await {
            tracing::warn!(error = %e, "could not checkpoint the log after an erasure");
        }
        tracing::info!("a patient deleted their data");
        ctx.t(&ev.lang, "delete-done")
    } else {
        ctx.t(&ev.lang, "delete-cancelled")
    };
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, ctx.crisis_only(&ev.lang))
        .await;
    Ok(())
}
