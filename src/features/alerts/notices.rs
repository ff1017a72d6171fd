//! What the patient is told about an alert, and when: "I've let Sam know" held until Telegram
//! confirmed it to a contact, "Sam has my message" after a request, "my message didn't get
//! through" when it failed for good, and a contact who blocked the bot.

use super::*;

/// `not_before` of a patient's message held until its alert reaches a contact.
pub(super) const HELD_UNTIL: i64 = 32_503_680_000; // 3000-01-01

/// The outbox key of "Sam has my message", after a crisis or a request.
pub(super) fn delivered_key(alert_id: i64) -> Key {
    Key::AlertDelivered(alert_id)
}

/// Once none of an alert's messages to contacts is waiting any more: if one was delivered, what
/// the patient is held to hear goes out now; if none was, it is withdrawn. A contact who
/// blocked the bot is told to the patient as unreachable (`contact_unreachable`); a message to
/// a contact that failed for another reason (Telegram kept refusing or failing it) is told
/// here: the patient, who may have been told "I'm letting Sam know", learns that Sam was not
/// told, with their crisis line.
pub async fn settle_notices(ctx: &Ctx, tx: &mut Tx, alert_id: i64, now: i64) -> Result<()> {
    let (pending, sent) = crate::store::outbox::alert_sends(tx, alert_id).await?;
    if pending > 0 {
        return Ok(());
    }
    for key in [notice_key(alert_id), delivered_key(alert_id)] {
        if sent > 0 {
            // Only what is held: a crisis notice's copy keeps waiting for the screen's edit.
            crate::store::outbox::release_held(tx, &key, HELD_UNTIL, now).await?;
        } else {
            crate::store::outbox::withdraw(tx, &key).await?;
        }
    }
    let failed = crate::store::outbox::alert_failed_links(tx, alert_id).await?;
    if failed.is_empty() {
        return Ok(());
    }
    let Some(alert) = alerts::get(tx, alert_id).await? else {
        return Ok(());
    };
    let Some(patient) = crate::store::patients::find_by_id(tx, alert.patient_id).await? else {
        return Ok(());
    };
    let links = contacts::links_of_patient(tx.conn(), patient.id).await?;
    let missed: Vec<&Link> = links.iter().filter(|l| failed.contains(&l.id)).collect();
    if missed.is_empty() {
        return Ok(());
    }
    let lang = &patient.language;
    let country = patient.country.as_deref();
    let text = ctx.t_with(
        lang,
        "alert-undelivered",
        &[
            ("contacts", names(ctx, lang, &missed).into()),
            ("count", missed.len().into()),
            ("crisis_action", ctx.crisis_action(lang, country).into()),
        ],
    );
    ctx.queue(
        tx,
        To::patient(&patient),
        &Key::AlertUndelivered(alert_id),
        &text,
        Some(&ctx.crisis_link(lang, country)),
        ALERT_PRIORITY,
    )
    .await?;
    tracing::warn!(alert_id, "an alert could not reach a contact; patient told");
    Ok(())
}

/// How long the queued copy of a crisis notice waits for the screen's own message.
pub(super) const CRISIS_NOTICE_GRACE_SECS: i64 = 90;

/// The outbox key of what the patient is told about an alert.
pub fn notice_key(alert_id: i64) -> Key {
    Key::AlertNotice(alert_id)
}

/// Telegram refused a message to a contact for good (they blocked the bot): the contact is
/// marked unreachable and every patient they support is told, once.
pub async fn contact_unreachable(ctx: &Ctx, tx: &mut Tx, contact_id: i64, row: i64) -> Result<()> {
    if !contacts::set_contact_active(tx, contact_id, false).await? {
        return Ok(());
    }
    let links = contacts::links_of_contact(tx.conn(), contact_id).await?;
    for link in links {
        let lang = &link.patient_language;
        let country = link.patient_country.as_deref();
        let text = ctx.t_with(
            lang,
            "contact-unreachable",
            &[
                ("contact", link.contact_name.clone().into()),
                ("crisis_action", ctx.crisis_action(lang, country).into()),
            ],
        );
        ctx.queue(
            tx,
            To::patient_of(&link),
            &Key::LinkUnreachable { link: link.id, row },
            &text,
            Some(&ctx.crisis_link(lang, country)),
            ALERT_PRIORITY,
        )
        .await?;
    }
    tracing::info!(
        contact_id,
        "a support contact blocked the bot; patients told"
    );
    Ok(())
}
