//! The patient's side: `/contact` (who supports me and what they get), changing what a
//! contact receives, and ending a link.

use super::*;

/// `/contact`: who supports me, what they get, invite or end.
pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = menu(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

async fn menu(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, Keyboard)> {
    let links = contacts::links_of_patient(ctx.db.reader(), patient.id).await?;
    let mut text = ctx.t(lang, "contact-about");
    text.push_str("\n\n");
    let mut rows = Vec::new();
    if links.is_empty() {
        text.push_str(&ctx.t(lang, "contact-none"));
    } else {
        text.push_str(&ctx.t(lang, "contact-list"));
        for l in &links {
            text.push('\n');
            text.push_str(&ctx.t_with(
                lang,
                "contact-line",
                &[
                    ("contact", l.contact_name.clone().into()),
                    ("weekly", yes_no(l.weekly).into()),
                    ("use", yes_no(l.use_alerts).into()),
                ],
            ));
            let weekly_key = if l.weekly {
                "button-link-weekly-off"
            } else {
                "button-link-weekly-on"
            };
            rows.push(vec![
                button(
                    ctx.t_with(
                        lang,
                        weekly_key,
                        &[("contact", l.contact_name.clone().into())],
                    ),
                    Callback::LinkWeekly {
                        link_id: l.id,
                        weekly: !l.weekly,
                    },
                ),
                button(
                    ctx.t_with(
                        lang,
                        "button-link-end",
                        &[("contact", l.contact_name.clone().into())],
                    ),
                    Callback::LinkEnd(l.id),
                ),
            ]);
            rows.push(vec![button(
                ctx.t_with(
                    lang,
                    if l.use_alerts {
                        "button-link-use-off"
                    } else {
                        "button-link-use-on"
                    },
                    &[("contact", l.contact_name.clone().into())],
                ),
                Callback::LinkUse {
                    link_id: l.id,
                    tell: !l.use_alerts,
                },
            )]);
        }
    }
    let pending = contacts::open_invites(&ctx.db, patient.id, ctx.now()).await?;
    if pending > 0 {
        text.push_str("\n\n");
        text.push_str(&ctx.t_with(lang, "contact-pending", &[("count", pending.into())]));
    }
    rows.insert(
        0,
        vec![button(ctx.t(lang, "button-invite"), Callback::InviteStart)],
    );
    rows.push(ctx.crisis_row(lang));
    Ok((text, Keyboard::new(rows)))
}

/// Changes what a contact receives (the patient's consent, either way); both sides are told.
pub async fn link_setting(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    link_id: i64,
    setting: LinkSetting,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let link = contacts::link(&ctx.db, link_id).await?;
    let Some(link) = link.filter(|l| l.patient_id == patient.id && l.ended_at.is_none()) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    // (what it is now, the new value, the variable and the messages for each side)
    let (current, wanted, var, for_contact, changed) = match setting {
        LinkSetting::Weekly(on) => (
            link.weekly,
            on,
            "weekly",
            "link-weekly-for-contact",
            "link-weekly-changed",
        ),
        LinkSetting::Use(on) => (
            link.use_alerts,
            on,
            "use",
            "link-use-for-contact",
            "link-use-changed",
        ),
    };
    let mut tx = ctx.work(ev).await?;
    if current != wanted {
        match setting {
            LinkSetting::Weekly(on) => contacts::set_weekly(&mut tx, link.id, on).await?,
            LinkSetting::Use(on) => contacts::set_use_alerts(&mut tx, link.id, on).await?,
        }
        let text = ctx.t_with(
            &link.contact_language,
            for_contact,
            &[
                ("name", link.patient_name.clone().into()),
                (var, yes_no(wanted).into()),
            ],
        );
        ctx.queue(
            &mut tx,
            To::contact_of(&link),
            &Key::LinkSetting {
                link: link.id,
                setting: var,
                update: ev.update_id,
            },
            &text,
            Some(&ctx.contact_only(&link.contact_language)),
            NEWS_PRIORITY,
        )
        .await?;
    }
    tx.commit().await?;
    let Some(patient) = patients::find_by_user(&ctx.db, ev.user_id).await? else {
        return Ok(());
    };
    let (menu_text, keyboard) = menu(ctx, &ev.lang, &patient).await?;
    let text = format!(
        "{}\n\n{menu_text}",
        ctx.t_with(
            &ev.lang,
            changed,
            &[
                ("contact", link.contact_name.clone().into()),
                (var, yes_no(wanted).into()),
            ],
        )
    );
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, keyboard)
        .await;
    Ok(())
}

/// Either side ends a link; the other side is told.
pub async fn link_end(ctx: &Ctx, ev: &Event, tap: &Tap, link_id: i64) -> Result<()> {
    let link = contacts::link(&ctx.db, link_id).await?;
    let patient = patients::find_by_user(&ctx.db, ev.user_id).await?;
    let contact = contacts::contact_by_user(&ctx.db, ev.user_id).await?;
    let by_patient = link
        .as_ref()
        .is_some_and(|l| patient.as_ref().is_some_and(|p| p.id == l.patient_id));
    let by_contact = link
        .as_ref()
        .is_some_and(|l| contact.as_ref().is_some_and(|c| c.id == l.contact_id));
    let Some(link) = link.filter(|l| l.ended_at.is_none() && (by_patient || by_contact)) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let mut tx = ctx.work(ev).await?;
    let ended = end(ctx, &mut tx, &link, by_patient).await?;
    tx.commit().await?;
    if !ended {
        return Ok(());
    }
    let text = if by_patient {
        ctx.t_with(
            &ev.lang,
            "link-ended-patient",
            &[("contact", link.contact_name.clone().into())],
        )
    } else {
        ctx.t_with(
            &link.contact_language,
            "link-ended-contact",
            &[("name", link.patient_name.clone().into())],
        )
    };
    let lang = if by_patient {
        ev.lang.clone()
    } else {
        link.contact_language.clone()
    };
    let keyboard = if by_patient {
        ctx.crisis_only(&lang)
    } else {
        ctx.contact_only(&lang)
    };
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, keyboard)
        .await;
    Ok(())
}

/// Ends a link and tells the other side. False if it had ended already.
async fn end(ctx: &Ctx, tx: &mut Tx, link: &Link, by_patient: bool) -> Result<bool> {
    let by = if by_patient { "patient" } else { "contact" };
    let Some(dropped) = contacts::end_link(tx, link.id, by, ctx.now()).await? else {
        return Ok(false);
    };
    for alert_id in dropped {
        crate::features::alerts::settle_notices(ctx, tx, alert_id, ctx.now()).await?;
    }
    if by_patient {
        let text = ctx.t_with(
            &link.contact_language,
            "link-ended-for-contact",
            &[("name", link.patient_name.clone().into())],
        );
        // Not tied to the patient row: they may delete their data right after.
        let to = To {
            patient_id: None,
            ..To::contact_of(link)
        };
        ctx.queue(tx, to, &Key::LinkEnded(link.id), &text, None, NEWS_PRIORITY)
            .await?;
    } else {
        let text = ctx.t_with(
            &link.patient_language,
            "link-ended-by-contact",
            &[("contact", link.contact_name.clone().into())],
        );
        ctx.queue(
            tx,
            To::patient_of(link),
            &Key::LinkEnded(link.id),
            &text,
            Some(&ctx.crisis_only(&link.patient_language)),
            NEWS_PRIORITY,
        )
        .await?;
    }
    tracing::info!(link_id = link.id, by, "support link ended");
    Ok(true)
}

/// A patient deleting their data ends every link first, so their contacts are told.
pub async fn end_all_for_patient(ctx: &Ctx, tx: &mut Tx, patient_id: i64) -> Result<()> {
    for link in contacts::links_of_patient(tx.conn(), patient_id).await? {
        end(ctx, tx, &link, true).await?;
    }
    Ok(())
}
