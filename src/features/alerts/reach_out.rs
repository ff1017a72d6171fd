//! "💬 Ask Sam to reach out": the patient asks, on the spot, for their contacts to get in touch.

use super::*;

/// "💬 Ask Sam to reach out", when the patient has a contact who can get messages.
pub async fn reach_out_row(
    ctx: &Ctx,
    tx: &mut Tx,
    patient_id: i64,
    lang: &str,
    from: ReachFrom,
) -> Result<Option<Vec<Button>>> {
    let links = contacts::links_of_patient(tx.conn(), patient_id).await?;
    let reachable: Vec<&Link> = links.iter().filter(|l| l.contact_active).collect();
    if reachable.is_empty() {
        return Ok(None);
    }
    Ok(Some(vec![Button::callback(
        ctx.t_with(
            lang,
            "button-ask-reach-out",
            &[
                ("contacts", names(ctx, lang, &reachable).into()),
                ("count", (reachable.len() as i64).into()),
            ],
        ),
        Callback::ReachOut(from).encode(),
    )]))
}

/// The patient tapped "Ask Sam to reach out": the tap is their consent, on the spot. Every
/// reachable contact gets a short message (through the outbox, at alert priority) with the
/// alert's answer buttons; a second tap on the same button sends nothing again.
pub async fn reach_out(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&crate::store::patients::Patient>,
    tap: &Tap,
    from: ReachFrom,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    let mut tx = ctx.work(ev).await?;
    // Offered where it was needed, and good for two days.
    let since = ctx.now() - 48 * 3600;
    if !alerts::reach_source_is_patients(&mut tx, patient.id, from, since).await? {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "tap-not-valid")))
            .await;
        return Ok(());
    }
    let links = contacts::links_of_patient(tx.conn(), patient.id).await?;
    let reachable: Vec<&Link> = links.iter().filter(|l| l.contact_active).collect();
    let contacts_named = names(ctx, lang, &reachable);
    let text = if reachable.is_empty() {
        ctx.t(lang, "reach-out-none")
    } else {
        let origin = from.origin();
        match fire(ctx, &mut tx, patient.id, Fire::Request(&origin), &[]).await? {
            Some((_, text)) => text,
            None => ctx.t_with(
                lang,
                "reach-out-already",
                &[
                    ("contacts", contacts_named.into()),
                    ("count", (reachable.len() as i64).into()),
                ],
            ),
        }
    };
    tx.commit().await?;
    ctx.ack(&tap.query_id, None).await;
    ctx.say(
        tap.chat_id,
        text,
        Some(Keyboard::new(ctx.sos_crisis_rows(lang))),
    )
    .await;
    Ok(())
}
