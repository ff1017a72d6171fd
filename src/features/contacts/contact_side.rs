//! A support contact's own commands: `/stop` and `/patients`.

use super::*;

/// `/stop`: a contact ends one of their links (a button per patient when there are several).
pub async fn stop_command(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    let links = contacts::links_of_contact_user(&ctx.db, ev.user_id).await?;
    if links.is_empty() {
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "stop-none"),
            Some(ctx.contact_only(&ev.lang)),
        )
        .await;
        return Ok(());
    }
    let mut rows: Vec<Vec<Button>> = links
        .iter()
        .map(|l| {
            vec![button(
                ctx.t_with(
                    &ev.lang,
                    "button-stop-link",
                    &[("name", l.patient_name.clone().into())],
                ),
                Callback::LinkEnd(l.id),
            )]
        })
        .collect();
    rows.push(vec![ctx.crisis_button(&ev.lang)]);
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "stop-choose"),
        Some(Keyboard::new(rows)),
    )
    .await;
    Ok(())
}

/// `/patients`: each supported person's last check-in time and status, nothing more.
pub async fn patients_command(ctx: &Ctx, ev: &Event, chat_id: i64) -> Result<()> {
    let links = contacts::links_of_contact_user(&ctx.db, ev.user_id).await?;
    if links.is_empty() {
        ctx.say(
            chat_id,
            ctx.t(&ev.lang, "patients-none"),
            Some(ctx.contact_only(&ev.lang)),
        )
        .await;
        return Ok(());
    }
    let now = ctx.now();
    let mut text = ctx.t(&ev.lang, "patients-list");
    for l in &links {
        let status = crate::store::reports::patient_status(&ctx.db, l.patient_id).await?;
        let last = match status.last_checkin {
            Some(at) => ago(ctx, &ev.lang, now - at),
            None => ctx.t(&ev.lang, "patients-never"),
        };
        // Only alerts this contact received, recently.
        let recent_alert = crate::store::reports::last_sent_to(&ctx.db, l.id)
            .await?
            .filter(|at| now - at < ctx.rules.window);
        let state = if !status.active {
            ctx.t(&ev.lang, "status-inactive")
        } else if let Some(at) = recent_alert {
            ctx.t_with(
                &ev.lang,
                "status-alert",
                &[("ago", ago(ctx, &ev.lang, now - at).into())],
            )
        } else if status.paused_until.is_some_and(|u| u > now) {
            ctx.t(&ev.lang, "status-paused")
        } else {
            ctx.t(&ev.lang, "status-ok")
        };
        text.push('\n');
        text.push_str(&ctx.t_with(
            &ev.lang,
            "patients-line",
            &[
                ("name", l.patient_name.clone().into()),
                ("last", last.into()),
                ("status", state.into()),
            ],
        ));
    }
    ctx.say(chat_id, text, Some(ctx.contact_only(&ev.lang)))
        .await;
    Ok(())
}

/// "3 hours ago", "yesterday".
pub fn ago(ctx: &Ctx, lang: &str, secs: i64) -> String {
    let secs = secs.max(0);
    let (key, n) = if secs < 3600 {
        ("ago-minutes", (secs / 60).max(1))
    } else if secs < 86_400 {
        ("ago-hours", secs / 3600)
    } else {
        ("ago-days", secs / 86_400)
    };
    ctx.t_with(lang, key, &[("n", n.into())])
}
