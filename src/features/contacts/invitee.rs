//! The invited person's side: opening the link, seeing exactly what would be shared, and
//! accepting or declining.

use super::*;

/// `/start <token>`: someone opened an invitation link.
pub async fn open_invite(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    token: &str,
) -> Result<()> {
    let now = ctx.now();
    let mut tx = ctx.work(ev).await?;
    if contacts::recent_failures(&mut tx, ev.user_id, now).await? >= MAX_FAILURES {
        tx.commit().await?;
        tracing::warn!("invitation guessing slowed down");
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "invite-too-many"),
            Some(ctx.contact_only(&ev.lang)),
        )
        .await;
        return Ok(());
    }
    let invite = if looks_like_token(token) {
        contacts::invite_by_hash(&mut tx, &token_hash(token)).await?
    } else {
        None
    };
    let own = invite
        .as_ref()
        .is_some_and(|i| patient.is_some_and(|p| p.id == i.patient_id));
    let usable = invite.filter(|i| {
        i.status == contacts::InviteStatus::Open
            && i.expires_at > now
            && i.opened_by.is_none_or(|u| u == ev.user_id)
    });
    let Some(invite) = usable.filter(|_| !own) else {
        if own {
            tx.commit().await?;
            ctx.say(
                chat_id,
                ctx.t(&ev.lang, "invite-own"),
                Some(ctx.contact_only(&ev.lang)),
            )
            .await;
            return Ok(());
        }
        contacts::record_failure(&mut tx, ev.user_id, now).await?;
        tx.commit().await?;
        tracing::info!("an invitation link that does not work");
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "invite-invalid"),
            Some(ctx.contact_only(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    if already_supports(ctx, ev.user_id, invite.patient_id).await? {
        tx.commit().await?;
        ctx.say(
            chat_id,
            ctx.t_with(
                &ev.lang,
                "invite-already",
                &[("name", invite.patient_name.clone().into())],
            ),
            Some(ctx.contact_only(&ev.lang)),
        )
        .await;
        return Ok(());
    }
    contacts::claim_invite(&mut tx, invite.id, ev.user_id).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let mut receive = ctx.t(lang, "invite-receive-alerts");
    if invite.use_alerts {
        receive.push('\n');
        receive.push_str(&ctx.t(lang, "invite-receive-use"));
    }
    if invite.weekly {
        receive.push('\n');
        receive.push_str(&ctx.t(lang, "invite-receive-weekly"));
    }
    let keyboard = Keyboard::new([
        vec![
            button(
                ctx.t(lang, "button-accept"),
                Callback::InviteAnswer {
                    invite_id: invite.id,
                    accept: true,
                },
            ),
            button(
                ctx.t(lang, "button-decline"),
                Callback::InviteAnswer {
                    invite_id: invite.id,
                    accept: false,
                },
            ),
        ],
        vec![ctx.crisis_button(lang)],
    ]);
    ctx.say(
        chat_id,
        ctx.t_with(
            lang,
            "invite-show",
            &[
                ("name", invite.patient_name.clone().into()),
                ("receive", receive.into()),
            ],
        ),
        Some(keyboard),
    )
    .await;
    Ok(())
}

async fn already_supports(ctx: &Ctx, user_id: i64, patient_id: i64) -> Result<bool> {
    Ok(contacts::links_of_contact_user(&ctx.db, user_id)
        .await?
        .iter()
        .any(|l| l.patient_id == patient_id))
}

/// Accept or decline, by the person who opened the link, while it is still open.
pub async fn invite_answer(
    ctx: &Ctx,
    ev: &Event,
    tap: &Tap,
    first_name: Option<&str>,
    invite_id: i64,
    accept: bool,
) -> Result<()> {
    let now = ctx.now();
    let mut tx = ctx.work(ev).await?;
    let invite = contacts::invite(&mut tx, invite_id).await?;
    let Some(invite) = invite.filter(|i| {
        i.status == contacts::InviteStatus::Open
            && i.expires_at > now
            && i.opened_by == Some(ev.user_id)
    }) else {
        drop(tx);
        ctx.ack(&tap.query_id, None).await;
        ctx.replace_or_send(
            tap.chat_id,
            tap.message_id,
            ctx.t(&ev.lang, "invite-invalid"),
            ctx.contact_only(&ev.lang),
        )
        .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let Some(patient) = patients::find_by_id(&mut tx, invite.patient_id).await? else {
        return Ok(());
    };
    let status = if accept {
        contacts::InviteStatus::Accepted
    } else {
        contacts::InviteStatus::Declined
    };
    contacts::close_invite(&mut tx, invite.id, status, now).await?;
    let text = if accept {
        let contact_id =
            contacts::upsert_contact(&mut tx, ev.user_id, tap.chat_id, &ev.lang, now).await?;
        let fallback = ctx.t(&patient.language, "contact-unnamed");
        let contact_name = contact_label(first_name, fallback);
        if let Some(link_id) =
            contacts::create_link(&mut tx, &invite, contact_id, &contact_name, now).await?
        {
            let news = ctx.t_with(
                &patient.language,
                "invite-accepted-patient",
                &[
                    ("contact", contact_name.into()),
                    ("weekly", yes_no(invite.weekly).into()),
                ],
            );
            ctx.queue(
                &mut tx,
                To::patient(&patient),
                &Key::LinkAccepted(link_id),
                &news,
                Some(&ctx.crisis_only(&patient.language)),
                NEWS_PRIORITY,
            )
            .await?;
            tracing::info!(link_id, "support link made");
        }
        ctx.t_with(
            &ev.lang,
            "invite-accepted-contact",
            &[
                ("name", invite.patient_name.clone().into()),
                (
                    "emergency_number",
                    ctx.emergency(patient.country.as_deref()).into(),
                ),
            ],
        )
    } else {
        let news = ctx.t(&patient.language, "invite-declined-patient");
        ctx.queue(
            &mut tx,
            To::patient(&patient),
            &Key::InviteDeclined(invite.id),
            &news,
            Some(&ctx.crisis_only(&patient.language)),
            NEWS_PRIORITY,
        )
        .await?;
        tracing::info!("an invitation was declined");
        ctx.t(&ev.lang, "invite-declined-contact")
    };
    tx.commit().await?;
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        text,
        ctx.contact_only(&ev.lang),
    )
    .await;
    Ok(())
}
