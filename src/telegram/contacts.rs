//! Support contacts: `/contact` (the patient invites, changes, ends), the invitation deep link
//! (`t.me/<bot>?start=<token>`, accepted or declined by the person invited), `/stop` and
//! `/patients` for contacts, and the weekly summary.
//!
//! Consent on both sides: the patient chooses what is shared before the link exists, and the
//! person invited sees exactly that before accepting. Messages to the other side go through the
//! outbox (keys `link:<id>:…`, so ending a link drops what was still queued for it).

use super::keyboards::button;
use super::router::Tap;
use super::{support, Ctx, Event, To};
use crate::domain::callback::Callback;
use crate::domain::conversation::Awaiting;
use crate::domain::outbox_key::Key;
use crate::store::contacts::{self, Link, MAX_FAILURES};
use crate::store::patients::{self, Patient};
use crate::store::{inbox, Tx};
use anyhow::Result;
use rand::RngCore;
use sha2::{Digest, Sha256};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

pub const NAME_MAX_CHARS: usize = 40;
/// Outbox priority of pairing news: a reply someone is waiting for.
const NEWS_PRIORITY: i64 = super::coping::REPLY_PRIORITY;

/// A new invitation token: 24 random bytes as hex (48 characters, inside Telegram's 64-character
/// `start` parameter and its alphabet).
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Only this is stored: the database alone gives no working link.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn looks_like_token(s: &str) -> bool {
    s.len() == 48
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A name as the patient typed it, tidied; `None` if it is not usable.
pub fn clean_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    let linky = name.contains('/') || name.contains('@') || name.to_lowercase().contains("t.me");
    ((1..=NAME_MAX_CHARS).contains(&chars) && !linky && !name.chars().any(char::is_control))
        .then_some(name)
}

/// The contact's first name on Telegram, as the patient will see it.
fn contact_label(first_name: Option<&str>, fallback: String) -> String {
    first_name
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(NAME_MAX_CHARS)
                .collect::<String>()
        })
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback)
}

// The patient's side.

/// `/contact`: who supports me, what they get, invite or end.
pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return support::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = menu(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

async fn menu(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, InlineKeyboardMarkup)> {
    let links = contacts::links_of_patient(&ctx.db, patient.id).await?;
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
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

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
    let mut tx = ctx.db.write().await?;
    patients::set_awaiting(&mut tx, patient.id, Some(&Awaiting::InviteName)).await?;
    let last = contacts::last_patient_name(&mut tx, patient.id).await?;
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let (text, keyboard) = match last {
        Some(name) => (
            ctx.t(lang, "invite-ask-name-again"),
            InlineKeyboardMarkup::new([
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

/// The name is set: what should they receive?
async fn name_chosen(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    chat_id: i64,
    name: String,
) -> Result<()> {
    let mut tx = ctx.db.write().await?;
    patients::set_awaiting(
        &mut tx,
        patient.id,
        Some(&Awaiting::InviteShare { name: name.clone() }),
    )
    .await?;
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let keyboard = InlineKeyboardMarkup::new([
        vec![button(
            ctx.t(lang, "button-share-alerts"),
            Callback::InviteShare { weekly: false },
        )],
        vec![button(
            ctx.t(lang, "button-share-weekly"),
            Callback::InviteShare { weekly: true },
        )],
        ctx.crisis_row(lang),
    ]);
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
    let mut tx = ctx.db.write().await?;
    let state = Awaiting::InviteUse { name, weekly };
    patients::set_awaiting(&mut tx, patient.id, Some(&state)).await?;
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    let lang = &ev.lang;
    let keyboard = InlineKeyboardMarkup::new([
        vec![button(
            ctx.t(lang, "button-use-tell"),
            Callback::InviteUse { tell: true },
        )],
        vec![button(
            ctx.t(lang, "button-use-sign"),
            Callback::InviteUse { tell: false },
        )],
        ctx.crisis_row(lang),
    ]);
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
    let mut tx = ctx.db.write().await?;
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
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
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
        rows.push(vec![InlineKeyboardButton::url(
            ctx.t(lang, "button-share-invite"),
            share,
        )]);
    }
    rows.push(ctx.crisis_row(lang));
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        ctx.t_with(lang, "invite-link", &[("link", link.into())]),
        InlineKeyboardMarkup::new(rows),
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
    let mut tx = ctx.db.write().await?;
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
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    ctx.wake_sender.notify_one();
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
    let mut tx = ctx.db.write().await?;
    let ended = end(ctx, &mut tx, &link, by_patient).await?;
    inbox::mark_handled(&mut tx, ev.update_id, ctx.now()).await?;
    tx.commit().await?;
    ctx.wake_sender.notify_one();
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
        super::alerts::settle_notices(ctx, tx, alert_id, ctx.now()).await?;
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
    for link in contacts::links_of_patient_tx(tx, patient_id).await? {
        end(ctx, tx, &link, true).await?;
    }
    Ok(())
}

// The invited person's side.

/// `/start <token>`: someone opened an invitation link.
pub async fn open_invite(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    token: &str,
) -> Result<()> {
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    if contacts::recent_failures(&mut tx, ev.user_id, now).await? >= MAX_FAILURES {
        inbox::mark_handled(&mut tx, ev.update_id, now).await?;
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
        i.status == "open" && i.expires_at > now && i.opened_by.is_none_or(|u| u == ev.user_id)
    });
    let Some(invite) = usable.filter(|_| !own) else {
        if own {
            inbox::mark_handled(&mut tx, ev.update_id, now).await?;
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
        inbox::mark_handled(&mut tx, ev.update_id, now).await?;
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
        inbox::mark_handled(&mut tx, ev.update_id, now).await?;
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
    inbox::mark_handled(&mut tx, ev.update_id, now).await?;
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
    let keyboard = InlineKeyboardMarkup::new([
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
    let mut tx = ctx.db.write().await?;
    let invite = contacts::invite(&mut tx, invite_id).await?;
    let Some(invite) = invite
        .filter(|i| i.status == "open" && i.expires_at > now && i.opened_by == Some(ev.user_id))
    else {
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
    let status = if accept { "accepted" } else { "declined" };
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
    inbox::mark_handled(&mut tx, ev.update_id, now).await?;
    tx.commit().await?;
    ctx.wake_sender.notify_one();
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        text,
        ctx.contact_only(&ev.lang),
    )
    .await;
    Ok(())
}

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
    let mut rows: Vec<Vec<InlineKeyboardButton>> = links
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
        Some(InlineKeyboardMarkup::new(rows)),
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
        let status = crate::store::alerts::patient_status(&ctx.db, l.patient_id).await?;
        let last = match status.last_checkin {
            Some(at) => ago(ctx, &ev.lang, now - at),
            None => ctx.t(&ev.lang, "patients-never"),
        };
        // Only alerts this contact received, recently.
        let recent_alert = crate::store::alerts::last_sent_to(&ctx.db, l.id)
            .await?
            .filter(|at| now - at < ctx.content.rules.window);
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

/// Queues the weekly summaries that are due. Called by the scheduler.
pub async fn queue_weekly(ctx: &Ctx) -> Result<u64> {
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    let due = contacts::weekly_due(&mut tx, now, 500).await?;
    let mut queued = 0;
    for link in &due {
        let since = now - 7 * 86_400;
        let w = crate::store::alerts::week(&mut tx, link.patient_id, since, now).await?;
        let render = super::render::Render::Weekly {
            name: link.patient_name.clone(),
            checkins: w.checkins,
            mood: w.mood,
            sleep_hours: w.sleep_hours,
            craving: w.craving,
        };
        // One summary per link per week, whatever happens to the clock.
        let week = (now - link.created_at) / (7 * 86_400);
        if ctx
            .queue_rendered(
                &mut tx,
                To::contact_of(link),
                &Key::WeeklySummary {
                    link: link.id,
                    week,
                },
                &render,
                &link.contact_language,
                0,
                now,
            )
            .await?
        {
            queued += 1;
        }
        contacts::weekly_sent(&mut tx, link.id, now).await?;
    }
    tx.commit().await?;
    Ok(queued)
}
