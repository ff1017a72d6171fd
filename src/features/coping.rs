//! Coping suggestions: one after every finished check-in, chosen for what the patient said, and
//! the buttons under it (another idea, helpful, not for me).
//!
//! The suggestion is chosen and queued in the transaction that stores the last answer, through
//! the outbox: a crash or a Telegram error cannot lose it, and a re-delivered update cannot
//! send it twice.

use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::SuggestionAction;
use crate::domain::checkin::UseAnswer;
use crate::domain::coping::{self as domain, Need, Reading};
use crate::domain::outbox_key::Key;
use crate::store::checkins::Checkin;
use crate::store::coping::{self, Origin};
use crate::store::patients::Patient;
use crate::store::Tx;
use anyhow::Result;

use crate::ctx::REPLY_PRIORITY;

/// How far back the check-in streak is counted.
const STREAK_LOOKBACK_DAYS: i64 = 400;

/// Chooses a suggestion for a check-in that just finished and queues it, inside the
/// transaction that stored the last answer.
pub async fn after_checkin(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    lang: &str,
    c: &Checkin,
) -> Result<()> {
    let reading = Reading {
        mood: c.mood,
        sleep_minutes: c.sleep_minutes,
        sleep_quality: c.sleep_quality,
        craving: c.craving,
        used: c.used.and_then(UseAnswer::reported_use),
        previous_craving: coping::previous_craving(tx, patient.id, c.id).await?,
    };
    let mut need = domain::primary(&reading);
    // A mood of 0 before the last question already opened the crisis screen, at once; the end
    // of the check-in answers the rest (a very low mood, and whatever else was said).
    if need == Need::Crisis
        && c.questions.steps().last() != Some(&crate::domain::checkin::Step::Mood)
    {
        need = domain::primary(&Reading {
            mood: Some(1),
            ..reading
        });
    }
    let (text, keyboard) = if need == Need::Crisis {
        // The very bottom of the scale: the crisis screen, with the crisis line one tap away.
        crate::features::screen::open(
            ctx,
            tx,
            patient,
            lang,
            crate::features::screen::Origin::Mood,
        )
        .await?
    } else {
        let streak = if need == Need::Reinforce {
            streak(ctx, tx, patient).await?
        } else {
            0
        };
        let history = coping::history(tx, patient.id).await?;
        let pool = ctx.content.library.pool(need);
        let Some(key) = domain::choose(&pool, &history, &[], &mut rand::rng()) else {
            return Ok(());
        };
        let shown =
            coping::record_shown(tx, patient.id, Origin::Checkin(c.id), need, key, ctx.now())
                .await?;
        let mut keyboard = ctx.suggestion_keyboard(lang, shown, true);
        // After a lapse, telling someone is one tap: "Ask Sam to reach out".
        if need == Need::Lapse {
            if let Some(row) = crate::features::alerts::reach_out_row(
                ctx,
                tx,
                patient.id,
                lang,
                crate::domain::callback::ReachFrom::Checkin(c.id),
            )
            .await?
            {
                keyboard.inline_keyboard.insert(0, row);
            }
        }
        (
            compose(ctx, lang, patient.country.as_deref(), need, key, streak),
            keyboard,
        )
    };
    ctx.queue(
        tx,
        crate::ctx::To::patient(patient),
        &Key::Coping(c.id),
        &text,
        Some(&keyboard),
        REPLY_PRIORITY,
    )
    .await?;
    // After a reported use, a short, separate harm-reduction message (unless turned off).
    if c.used == Some(UseAnswer::Yes) && !patient.harm_reduction_off {
        let (text, keyboard) = harm_reduction(ctx, lang, patient.country.as_deref());
        ctx.queue(
            tx,
            crate::ctx::To::patient(patient),
            &Key::Harm(c.id),
            &text,
            Some(&keyboard),
            REPLY_PRIORITY,
        )
        .await?;
    }
    // No need in the log: "lapse" would say the patient used.
    tracing::info!(checkin_id = c.id, "coping suggestion queued");
    Ok(())
}

/// Staying safer after a use: never alone, fentanyl in the supply, the signs of an overdose and
/// the emergency number, naloxone. With "don't show this again".
pub fn harm_reduction(
    ctx: &Ctx,
    lang: &str,
    country: Option<&str>,
) -> (String, crate::ctx::keyboard::Keyboard) {
    use crate::ctx::keyboard::{Button, Keyboard};
    let text = ctx.t_with(
        lang,
        "harm-reduction",
        &[("emergency_number", ctx.emergency(country).into())],
    );
    let keyboard = Keyboard::new([
        vec![Button::callback(
            ctx.t(lang, "button-harm-reduction-off"),
            crate::domain::callback::Callback::HarmReductionOff.encode(),
        )],
        ctx.crisis_row(lang),
    ]);
    (text, keyboard)
}

/// "Don't show this again" under the harm-reduction message.
pub async fn harm_reduction_off(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    crate::store::patients::set_harm_reduction_off(&mut tx, patient.id).await?;
    tx.commit().await?;
    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "harm-reduction-off")))
        .await;
    // The message keeps its text; its button gives way to the crisis row.
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(tap.chat_id, m, ctx.crisis_only(&ev.lang))
            .await;
    }
    Ok(())
}

/// Local days in a row with a finished check-in, including this one.
async fn streak(ctx: &Ctx, tx: &mut Tx, patient: &Patient) -> Result<u32> {
    let Some(zone) = patient.zone else {
        return Ok(0);
    };
    let since = ctx.now() - STREAK_LOOKBACK_DAYS * 86_400;
    let days: Vec<_> = coping::completed_since(tx, patient.id, since)
        .await?
        .into_iter()
        .filter_map(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| zone.local_date(t))
        .collect();
    Ok(domain::streak(&days, zone.local_date(ctx.clock.now())))
}

/// The words around a suggestion, fitting the need, and the suggestion itself.
pub fn compose(
    ctx: &Ctx,
    lang: &str,
    country: Option<&str>,
    need: Need,
    key: &str,
    streak: u32,
) -> String {
    let idea = ctx.content.library.text(key, lang).unwrap_or_default();
    match need {
        Need::Lapse => format!(
            "{}\n\n{}\n{idea}\n\n{}",
            ctx.t(lang, "coping-lapse"),
            ctx.t(lang, "coping-lapse-plan"),
            ctx.t_with(
                lang,
                "coping-lapse-tell",
                &[("emergency_number", ctx.emergency(country).into())]
            )
        ),
        Need::Reinforce => format!(
            "{}\n\n{}\n{idea}",
            ctx.t_with(lang, "coping-reinforce", &[("streak", streak.into())]),
            ctx.t(lang, "coping-reinforce-idea"),
        ),
        Need::Sos => format!("{}\n\n{idea}", ctx.t(lang, "sos-start")),
        Need::Craving | Need::Mood | Need::Sleep | Need::Triggers | Need::Halt | Need::Crisis => {
            format!(
                "{}\n\n{idea}",
                ctx.t(lang, &format!("coping-{}", need.code()))
            )
        }
    }
}

/// A button under a suggestion.
pub async fn tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    shown_id: i64,
    action: SuggestionAction,
) -> Result<()> {
    let lang = ev.lang.as_str();
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    let Some(shown) = coping::get(&mut tx, shown_id)
        .await?
        .filter(|s| s.patient_id == patient.id)
    else {
        drop(tx);
        tracing::info!("refused a suggestion button that is not the sender's");
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "coping-gone")))
            .await;
        return Ok(());
    };
    if action == SuggestionAction::Helpful {
        coping::set_feedback(&mut tx, shown.id, true, ctx.now()).await?;
        tx.commit().await?;
        tracing::info!(shown_id = shown.id, "suggestion marked helpful");
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "coping-helpful-saved")))
            .await;
        if let Some(m) = tap.message_id {
            ctx.set_keyboard(
                tap.chat_id,
                m,
                ctx.suggestion_keyboard(lang, shown.id, false),
            )
            .await;
        }
        return Ok(());
    }
    if action == SuggestionAction::NotForMe {
        coping::set_feedback(&mut tx, shown.id, false, ctx.now()).await?;
        tracing::info!(shown_id = shown.id, "suggestion marked not for me");
    }
    // Another idea for the same need, not one already shown for this check-in or SOS.
    let origin = match (shown.checkin_id, shown.sos_id) {
        (Some(c), _) => Some(Origin::Checkin(c)),
        (None, Some(s)) => Some(Origin::Sos(s)),
        (None, None) => None,
    };
    let mut exclude = match origin {
        Some(o) => coping::shown_for(&mut tx, o).await?,
        None => Vec::new(),
    };
    exclude.push(shown.key.clone());
    let excluded: Vec<&str> = exclude.iter().map(String::as_str).collect();
    let history = coping::history(&mut tx, patient.id).await?;
    let pool = ctx.content.library.pool(shown.need);
    let next = domain::choose(&pool, &history, &excluded, &mut rand::rng());
    let next_id = match (next, origin) {
        (Some(key), Some(origin)) => Some(
            coping::record_shown(&mut tx, patient.id, origin, shown.need, key, ctx.now()).await?,
        ),
        _ => None,
    };
    tx.commit().await?;
    let (Some(key), Some(next_id)) = (next, next_id) else {
        let toast = if action == SuggestionAction::NotForMe {
            "coping-not-for-me-saved"
        } else {
            "coping-no-more"
        };
        ctx.ack(&tap.query_id, Some(ctx.t(lang, toast))).await;
        return Ok(());
    };
    let toast =
        (action == SuggestionAction::NotForMe).then(|| ctx.t(lang, "coping-not-for-me-saved"));
    ctx.ack(&tap.query_id, toast).await;
    let idea = ctx.content.library.text(key, lang).unwrap_or_default();
    let text = format!("{}\n\n{idea}", ctx.t(lang, "coping-another"));
    ctx.replace_or_send(
        tap.chat_id,
        tap.message_id,
        text,
        ctx.suggestion_keyboard(lang, next_id, true),
    )
    .await;
    Ok(())
}
