//! Every update to the feature that handles it: messages (`messages`), taps (`taps`), a
//! block or unblock (`account`). The match is plain so the compiler checks every case.

use super::incoming::Incoming;
use super::messages::said;
use super::taps::tapped;
use crate::ctx::{Ctx, Event};
use crate::features::account;
use crate::store::patients;
use anyhow::Result;

pub async fn handle(ctx: &Ctx, update_id: i64, incoming: Incoming) -> Result<()> {
    match incoming {
        Incoming::Message(m) => said(ctx, update_id, m).await,
        Incoming::Callback(t) => tapped(ctx, update_id, t).await,
        Incoming::Membership {
            user_id, blocked, ..
        } => account::membership(ctx, update_id, user_id, blocked).await,
        Incoming::Other => Ok(()),
    }
}

/// Who wrote or tapped, and the event a feature is handed: their language (a patient's own,
/// else their Telegram language's if we have it) and the country of their crisis numbers.
pub(super) async fn event(
    ctx: &Ctx,
    update_id: i64,
    user_id: i64,
    language: Option<&str>,
) -> Result<(Option<patients::Patient>, Event)> {
    let patient = patients::find_by_user(&ctx.db, user_id).await?;
    let lang = patient
        .as_ref()
        .map(|p| p.language.clone())
        .unwrap_or_else(|| ctx.content.pick_language(language));
    let country = event_country(ctx, patient.as_ref(), user_id, language).await?;
    let ev = Event {
        update_id,
        user_id,
        lang,
        country,
    };
    Ok((patient, ev))
}

/// The country whose crisis numbers a person is shown: a patient's own; for a support contact,
/// the country of the (first) patient they support, whose emergency number their alerts name;
/// else the region of their Telegram language.
pub(super) async fn event_country(
    ctx: &Ctx,
    patient: Option<&patients::Patient>,
    user_id: i64,
    language: Option<&str>,
) -> Result<Option<String>> {
    if let Some(p) = patient {
        return Ok(p.country.clone());
    }
    let links = crate::store::contacts::links_of_contact_user(&ctx.db, user_id).await?;
    if let Some(c) = links.iter().find_map(|l| l.patient_country.clone()) {
        return Ok(Some(c));
    }
    Ok(region(language))
}

/// The country of a Telegram language code ("es-MX" → "MX"), if it names one.
pub(super) fn region(language: Option<&str>) -> Option<String> {
    language
        .and_then(|l| l.split(['-', '_']).nth(1))
        .map(str::to_ascii_uppercase)
        .filter(|c| crate::domain::country::is_code(c))
}
