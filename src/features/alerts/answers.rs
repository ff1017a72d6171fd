//! A support contact's answer to an alert: "I reached out" / "Can't right now".

use super::*;

/// A contact's "I reached out" / "Can't right now".
pub async fn answer(
    ctx: &Ctx,
    ev: &Event,
    tap: &Tap,
    alert_id: i64,
    link_id: i64,
    reached: bool,
) -> Result<()> {
    let link = contacts::link(&ctx.db, link_id).await?;
    let contact = contacts::contact_by_user(&ctx.db, ev.user_id).await?;
    let mut tx = ctx.work(ev).await?;
    let alert = alerts::get(&mut tx, alert_id).await?;
    let valid = match (&link, &contact, &alert) {
        (Some(l), Some(c), Some(a)) => {
            l.contact_id == c.id
                && a.patient_id == l.patient_id
                && l.ended_at.is_none()
                && alerts::was_sent_to(&mut tx, a.id, l.id).await?
        }
        _ => false,
    };
    let (Some(link), true) = (link, valid) else {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    let lang = link.contact_language.clone();
    let now = ctx.now();
    if !alerts::answer(&mut tx, alert_id, link.id, reached, now).await? {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(&lang, "alert-answered")))
            .await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    if reached {
        let text = ctx.t_with(
            &link.patient_language,
            "alert-acknowledged",
            &[("contact", link.contact_name.clone().into())],
        );
        ctx.queue(
            &mut tx,
            To::patient_of(&link),
            &Key::AlertAck {
                alert: alert_id,
                link: link.id,
            },
            &text,
            Some(&Keyboard::new(ctx.sos_crisis_rows(&link.patient_language))),
            ALERT_PRIORITY,
        )
        .await?;
    }
    tx.commit().await?;
    if reached {
        ctx.metrics.alerts_acknowledged.inc();
    }
    tracing::info!(alert_id, link_id = link.id, reached, "alert answered");
    // The alert keeps its text; its answer buttons give way to the patient's crisis line.
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(
            tap.chat_id,
            m,
            ctx.crisis_link(&lang, link.patient_country.as_deref()),
        )
        .await;
    }
    let text = if reached {
        ctx.t_with(
            &lang,
            "alert-thanks-reached",
            &[("name", link.patient_name.clone().into())],
        )
    } else {
        ctx.t_with(
            &lang,
            "alert-thanks-cant",
            &[(
                "emergency_number",
                ctx.emergency(link.patient_country.as_deref()).into(),
            )],
        )
    };
    ctx.say(tap.chat_id, text, None).await;
    Ok(())
}
