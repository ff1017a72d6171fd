//! `/country` (`/pais`): which country's crisis line and emergency number the patient sees.
//! It starts as the country of their time zone; choosing one here keeps it when the zone
//! changes.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::features::help;
use crate::store::patients::{self, Patient};
use anyhow::Result;

/// Every country in the table, by its name in `lang`, three to a row; then "another country".
pub fn keyboard(ctx: &Ctx, lang: &str) -> Keyboard {
    let mut countries: Vec<(String, String)> = ctx
        .content
        .crisis_lines
        .all()
        .map(|c| (ctx.country_name(&c.code, lang), c.code.clone()))
        .collect();
    // "the United Kingdom" sorts under U.
    countries.sort_by_key(|(name, _)| {
        let name = name.strip_prefix("the ").unwrap_or(name);
        crate::domain::country::fold(name)
    });
    let mut rows: Vec<Vec<Button>> = countries
        .chunks(3)
        .map(|chunk| {
            chunk
                .iter()
                .map(|(name, code)| button(name.clone(), Callback::Country(code.clone())))
                .collect()
        })
        .collect();
    rows.push(vec![button(
        ctx.t(lang, "button-country-other"),
        Callback::Country("ZZ".into()),
    )]);
    rows.push(ctx.crisis_row(lang));
    Keyboard::new(rows)
}

/// What the patient sees now, and the list to change it.
fn ask_text(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    format!(
        "{}\n\n{}",
        ctx.crisis_summary(lang, country),
        ctx.t(lang, "country-ask")
    )
}

/// `/country`, `/country Spain`, `/pais México`.
pub async fn command(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    text: &str,
) -> Result<()> {
    let lang = &ev.lang;
    let typed = text
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim());
    let Some(patient) = patient else {
        // Someone not enrolled (or a support contact): the numbers for the country they name,
        // and nothing is stored.
        let code = typed.and_then(|t| ctx.content.crisis_lines.parse_typed(t));
        let text = match code.as_deref() {
            Some(c) => format!(
                "{}\n\n{}",
                ctx.crisis_summary(lang, Some(c)),
                help::where_line(ctx, lang, Some(c))
            ),
            None => ctx.t(lang, "country-other-help"),
        };
        ctx.say(chat_id, text, Some(ctx.crisis_link(lang, code.as_deref())))
            .await;
        return Ok(());
    };
    match typed.filter(|t| !t.is_empty()) {
        None => {
            ctx.say(
                chat_id,
                ask_text(ctx, lang, patient.country.as_deref()),
                Some(keyboard(ctx, lang)),
            )
            .await;
        }
        Some(t) => match ctx.content.crisis_lines.parse_typed(t) {
            Some(code) => {
                let text = save(ctx, ev, patient, &code).await?;
                ctx.say(chat_id, text, Some(ctx.home_keyboard(lang))).await;
            }
            None => {
                ctx.say(
                    chat_id,
                    format!(
                        "{}\n\n{}",
                        ctx.t(lang, "country-unknown"),
                        ctx.t(lang, "country-ask")
                    ),
                    Some(keyboard(ctx, lang)),
                )
                .await;
            }
        },
    }
    Ok(())
}

/// "Change country" under the onboarding message or the crisis text.
pub async fn list_tap(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, tap: &Tap) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    ctx.say(
        tap.chat_id,
        ask_text(ctx, &ev.lang, patient.country.as_deref()),
        Some(keyboard(ctx, &ev.lang)),
    )
    .await;
    Ok(())
}

/// A country from the list (`ZZ`: another country, to be typed).
pub async fn tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    code: &str,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    if code == "ZZ" {
        ctx.ack(&tap.query_id, None).await;
        ctx.say(tap.chat_id, ctx.t(lang, "country-other-help"), None)
            .await;
        return Ok(());
    }
    // Only real countries: anything else is forged button data.
    if !crate::domain::country::is_code(code) {
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "tap-not-valid")))
            .await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    let text = save(ctx, ev, patient, code).await?;
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, ctx.home_keyboard(lang))
        .await;
    Ok(())
}

/// Stores the choice; returns what the patient will see from now on.
async fn save(ctx: &Ctx, ev: &Event, patient: &Patient, code: &str) -> Result<String> {
    let mut tx = ctx.work(ev).await?;
    patients::set_country(&mut tx, patient.id, code).await?;
    tx.commit().await?;
    tracing::info!(patient_id = patient.id, "country chosen");
    let lang = &ev.lang;
    let heading = not_listed(ctx, lang, code).unwrap_or_else(|| ctx.t(lang, "country-saved"));
    Ok(format!(
        "{heading}\n\n{}",
        ctx.crisis_summary(lang, Some(code))
    ))
}

/// For a country not in the table: that it has no checked line yet, and where to look.
fn not_listed(ctx: &Ctx, lang: &str, code: &str) -> Option<String> {
    ctx.listed(Some(code)).is_none().then(|| {
        ctx.t_with(
            lang,
            "country-not-listed",
            &[("country", ctx.country_name(code, lang).into())],
        )
    })
}

/// For onboarding: the crisis line of the zone's country and a button to change it, or the
/// question when the zone names no country (a UTC offset).
pub fn onboarding_line(ctx: &Ctx, lang: &str, country: Option<&str>) -> String {
    let (note, next) = match country {
        Some(c) => (not_listed(ctx, lang, c), "country-change-hint"),
        None => (None, "country-which"),
    };
    note.into_iter()
        .chain([ctx.crisis_summary(lang, country), ctx.t(lang, next)])
        .collect::<Vec<_>>()
        .join("\n")
}

/// The button under the onboarding message.
pub fn change_button(ctx: &Ctx, lang: &str) -> Button {
    button(ctx.t(lang, "button-country-change"), Callback::CountryList)
}
