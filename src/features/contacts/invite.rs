//! The patient invites someone: the name they give them, what is shared, whether a reported
//! use alone tells them, then the link to send.

use super::*;

/// "Invite someone": ask for the name the contact will see, offering last time's.
pub async fn invite_start(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let mut tx = ctx.work(ev).await?;
    patients::set_awaiting(&mut tx, patient.id, Some(&Awaiting::InviteName)).await?;
    let last = contacts::last_patient_name(&mut tx, patient.id).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let (text, keyboard) = match last {
        Some(name) => (
            ctx.t(lang, "invite-ask-name-again"),
            Keyboard::new([
                vec![button(
                    ctx.t_with(lang, "button-use-name", &[("name", name.into())]),
                    Callback::InviteLastName,
                )],
                ctx.crisis_row(lang),
            ]),
        ),
        None => (ctx.t(lang, "invite-ask-name"), ctx.crisis_only(lang)),
    };
    ctx.say(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// Typed text while the bot waits for the patient's name (or for a later choice: a new name
/// starts the choices again).
pub async fn name_text(ctx: &Ctx, ev: &Event, patient: &Patient, text: Option<&str>) -> Result<()> {
    let Some(name) = text.and_then(clean_name) else {
        ctx.say(
            patient.chat_id,
            ctx.t(&ev.lang, "invite-name-invalid"),
            Some(ctx.crisis_only(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    name_chosen(ctx, ev, patient, patient.chat_id, name).await
}

/// "Use “Ana”": the name from the last invitation.
pub async fn invite_last_name(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let mut tx = ctx.db.write().await?;
    let last = contacts::last_patient_name(&mut tx, patient.id).await?;
    drop(tx);
    let (Some(name), Some(Awaiting::InviteName)) = (last, &patient.awaiting) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    name_chosen(ctx, ev, patient, tap.chat_id, name).await
}

/// One of two choices, a button each, with the crisis row under them.
fn choices(ctx: &Ctx, lang: &str, options: [(&str, Callback); 2]) -> Keyboard {
    let mut rows: Vec<_> = options
        .into_iter()
        .map(|(label, callback)| vec![button(ctx.t(lang, label), callback)])
        .collect();
    rows.push(ctx.crisis_row(lang));
    Keyboard::new(rows)
}

/// The name is set: what should they receive?
async fn name_chosen(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    chat_id: i64,
    name: String,
) -> Result<()> {
    let mut tx = ctx.work(ev).await?;
    patients::set_awaiting(
        &mut tx,
        patient.id,
        Some(&Awaiting::InviteShare { name: name.clone() }),
    )
    .await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let keyboard = choices(
        ctx,
        lang,
        [
            (
                "button-share-alerts",
                Callback::InviteShare { weekly: false },
            ),
            (
                "button-share-weekly",
                Callback::InviteShare { weekly: true },
            ),
        ],
    );
    ctx.say(
        chat_id,
        ctx.t_with(lang, "invite-ask-share", &[("name", name.into())]),
        Some(keyboard),
    )
    .await;
    Ok(())
}

/// The sharing choice: then, should a reported use alone tell them?
pub async fn invite_share(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    weekly: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let Some(Awaiting::InviteShare { name }) = patient.awaiting.clone() else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let mut tx = ctx.work(ev).await?;
    let state = Awaiting::InviteUse { name, weekly };
    patients::set_awaiting(&mut tx, patient.id, Some(&state)).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let keyboard = choices(
        ctx,
        lang,
        [
            ("button-use-tell", Callback::InviteUse { tell: true }),
            ("button-use-sign", Callback::InviteUse { tell: false }),
        ],
    );
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        ctx.t(lang, "invite-ask-use"),
        keyboard,
    )
    .await;
    Ok(())
}

/// The last choice: the invitation is made, with a share button whose text is addressed to
/// the person invited, and the link to copy.
pub async fn invite_use(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    tell: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let Some(Awaiting::InviteUse { name, weekly }) = patient.awaiting.clone() else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let Some(username) = ctx.username().await else {
        ctx.say(
            tap.chat_id,
            ctx.t(&ev.lang, "invite-link-unavailable"),
            Some(ctx.crisis_only(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    let token = new_token();
    let mut tx = ctx.work(ev).await?;
    contacts::create_invite(
        &mut tx,
        patient.id,
        &token_hash(&token),
        &name,
        weekly,
        tell,
        ctx.now(),
    )
    .await?;
    patients::set_awaiting(&mut tx, patient.id, None).await?;
    tx.commit().await?;
    tracing::info!(patient_id = patient.id, weekly, "invitation created");
    let lang = &ev.lang;
    let link = format!("https://t.me/{username}?start={token}");
    let mut rows = Vec::new();
    // Telegram's share page: the person picks a chat; the text goes with the link.
    let note = ctx.t_with(lang, "invite-share-text", &[("name", name.into())]);
    if let Ok(share) = reqwest::Url::parse_with_params(
        "https://t.me/share/url",
        &[("url", link.as_str()), ("text", note.as_str())],
    ) {
        rows.push(vec![Button::url(ctx.t(lang, "button-share-invite"), share)]);
    }
    rows.push(ctx.crisis_row(lang));
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        ctx.t_with(lang, "invite-link", &[("link", link.into())]),
        Keyboard::new(rows),
    )
    .await;
    Ok(())
}

/// What the patient changes about what a contact receives.
#[derive(Debug, Clone, Copy)]
pub enum LinkSetting {
    /// A weekly summary besides alerts.
    Weekly(bool),
    /// A reported use alone tells them that day.
    Use(bool),
}
