//! `/sos`: a craving right now.
//!
//! A grounding step at once, then "how strong is the urge?" (0–10, stored like a check-in
//! answer). A follow-up goes out through the outbox 15 minutes later, so it survives restarts.
//! Still high then: another step, a nudge to reach someone, and one more follow-up. The crisis
//! button is on every message.

use crate::ctx::keyboard::Keyboard;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::SOS_MAX_ROUND;
use crate::domain::coping::{self as domain, threshold, History, Need};
use crate::domain::outbox_key::Key;
use crate::features::coping as coping_ui;
use crate::store::coping::{self, Origin};
use crate::store::patients::Patient;
use crate::store::{sos, Tx};
use anyhow::Result;

/// Minutes between a rating and the next "how strong is it now?".
pub const FOLLOW_UP_MINUTES: i64 = 15;

/// The urge at which the crisis line is shown as well.
const CRISIS_URGE: u8 = 10;

/// A second /sos this soon after one not yet answered is the same SOS.
const SAME_SOS_WITHIN_SECS: i64 = 60;

/// `/sos` or the SOS button.
pub async fn start(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let lang = ev.lang.as_str();
    let pool = ctx.content.library.pool(Need::Sos);
    let Some(patient) = patient else {
        // Someone not enrolled still gets a step to try now; nothing is stored.
        let step = domain::choose(&pool, &History::default(), &[], &mut rand::rng())
            .and_then(|k| ctx.content.library.text(k, lang))
            .unwrap_or_default();
        let text = format!(
            "{}\n\n{step}\n\n{}",
            ctx.t(lang, "sos-not-enrolled"),
            ctx.t(lang, "sos-join")
        );
        ctx.say(chat_id, text, Some(ctx.crisis_only(lang))).await;
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    // A second tap or /sos within a minute of one not yet answered is the same SOS: its step and
    // question are on their way (or just above).
    if let Some(recent) = sos::latest(&mut tx, patient.id).await? {
        let fresh = ctx.now() - recent.started_at < SAME_SOS_WITHIN_SECS;
        if fresh && sos::ratings(&mut tx, recent.id).await?.is_empty() {
            tx.commit().await?;
            tracing::info!(sos_id = recent.id, "sos asked again; the open one stands");
            return Ok(());
        }
    }
    let sos_id = sos::start(&mut tx, patient.id, ctx.now()).await?;
    let history = coping::history(&mut tx, patient.id).await?;
    // The step and the question go through the outbox, with the session: a Telegram error
    // cannot leave a follow-up asking about a step that never arrived.
    let step = domain::choose(&pool, &history, &[], &mut rand::rng());
    if let Some(key) = step {
        let shown = coping::record_shown(
            &mut tx,
            patient.id,
            Origin::Sos(sos_id),
            Need::Sos,
            key,
            ctx.now(),
        )
        .await?;
        let keyboard = ctx.suggestion_keyboard(lang, shown, true);
        queue(
            ctx,
            &mut tx,
            patient,
            &Key::SosStep(sos_id),
            &coping_ui::compose(ctx, lang, patient.country.as_deref(), Need::Sos, key, 0),
            &keyboard,
            ctx.now(),
        )
        .await?;
    }
    let keyboard = ctx.sos_rating_keyboard(lang, sos_id, 0);
    queue(
        ctx,
        &mut tx,
        patient,
        &Key::SosAsk(sos_id),
        &ctx.t(lang, "sos-rate"),
        &keyboard,
        ctx.now(),
    )
    .await?;
    queue_follow_up(ctx, &mut tx, patient, lang, sos_id, 1).await?;
    // Asking for help is not a warning sign: no alert is evaluated here. An urge still strong
    // at a follow-up is (evaluated when it is rated).
    tx.commit().await?;
    tracing::info!(sos_id, "sos started");
    Ok(())
}

/// Queues one SOS message for the patient, ahead of scheduled prompts.
async fn queue(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    key: &Key,
    text: &str,
    keyboard: &Keyboard,
    not_before: i64,
) -> Result<()> {
    ctx.queue_at(
        tx,
        crate::ctx::To::patient(patient),
        key,
        text,
        Some(keyboard),
        crate::ctx::REPLY_PRIORITY,
        not_before,
    )
    .await?;
    Ok(())
}

/// Queues "how strong is the urge now?" for `round`, `FOLLOW_UP_MINUTES` from now.
async fn queue_follow_up(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    lang: &str,
    sos_id: i64,
    round: u8,
) -> Result<()> {
    ctx.queue_rendered(
        tx,
        crate::ctx::To::patient(patient),
        &Key::SosFollowUp { sos: sos_id, round },
        &crate::ctx::render::Render::SosFollowUp {
            sos_id,
            round,
            minutes: FOLLOW_UP_MINUTES,
        },
        lang,
        crate::ctx::REPLY_PRIORITY,
        ctx.now() + FOLLOW_UP_MINUTES * 60,
    )
    .await?;
    sos::set_followups(tx, sos_id, i64::from(round)).await
}

/// A tap on 0–10 under "how strong is the urge?".
pub async fn rate(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    sos_id: i64,
    round: u8,
    urge: u8,
) -> Result<()> {
    let lang = ev.lang.as_str();
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    // Only the patient's own SOS, and only a round that was actually asked.
    let Some(session) = sos::get(&mut tx, sos_id)
        .await?
        .filter(|s| s.patient_id == patient.id && i64::from(round) <= s.followups)
    else {
        drop(tx);
        tracing::info!("refused an SOS rating that is not the sender's");
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    if !sos::rate(&mut tx, sos_id, i64::from(round), urge, ctx.now()).await? {
        drop(tx);
        ctx.ack(&tap.query_id, Some(ctx.t(lang, "sos-already-rated")))
            .await;
        return Ok(());
    }
    let before = sos::ratings(&mut tx, sos_id)
        .await?
        .into_iter()
        .filter(|(r, _)| *r < i64::from(round))
        .map(|(_, u)| u)
        .next_back();
    let still_high = round > 0 && urge >= threshold::HIGH_CRAVING;
    let mut next_step = None;
    let mut follow_up = false;
    if still_high {
        let exclude = coping::shown_for(&mut tx, Origin::Sos(sos_id)).await?;
        let excluded: Vec<&str> = exclude.iter().map(String::as_str).collect();
        let history = coping::history(&mut tx, patient.id).await?;
        let pool = ctx.content.library.pool(Need::Sos);
        // Steps for right now first; when those are used up, other ideas for cravings.
        let craving_pool = ctx.content.library.pool(Need::Craving);
        let choice = domain::choose(&pool, &history, &excluded, &mut rand::rng())
            .map(|k| (k, Need::Sos))
            .or_else(|| {
                domain::choose(&craving_pool, &history, &excluded, &mut rand::rng())
                    .map(|k| (k, Need::Craving))
            });
        if let Some((k, need)) = choice {
            let shown =
                coping::record_shown(&mut tx, patient.id, Origin::Sos(sos_id), need, k, ctx.now())
                    .await?;
            next_step = Some((k.to_string(), shown));
        }
        // Only the latest SOS asks again: an older one answered late must not add a second
        // "how strong is it now?" next to the current one's.
        let latest = sos::latest(&mut tx, patient.id).await?.map(|s| s.id);
        if round < SOS_MAX_ROUND && session.followups == i64::from(round) && latest == Some(sos_id)
        {
            queue_follow_up(ctx, &mut tx, patient, lang, sos_id, round + 1).await?;
            follow_up = true;
        }
    }
    // The top of the scale: the crisis screen, queued with the rating so it cannot be lost.
    let crisis = urge >= CRISIS_URGE;
    if crisis {
        let (text, keyboard) = crate::features::screen::open(
            ctx,
            &mut tx,
            patient,
            lang,
            crate::features::screen::Origin::Sos,
        )
        .await?;
        queue(
            ctx,
            &mut tx,
            patient,
            &Key::ScreenInSos { sos: sos_id, round },
            &text,
            &keyboard,
            ctx.now(),
        )
        .await?;
    }
    let mut reach = None;
    if round > 0 {
        // An urge that stays strong through the follow-ups is a craving sign.
        crate::features::alerts::evaluate(ctx, &mut tx, patient.id).await?;
        if still_high {
            reach = crate::features::alerts::reach_out_row(
                ctx,
                &mut tx,
                patient.id,
                lang,
                crate::domain::callback::ReachFrom::Sos(sos_id),
            )
            .await?;
        }
    }
    tx.commit().await?;
    tracing::info!(sos_id, round, "sos urge stored");
    ctx.ack(&tap.query_id, Some(ctx.t(lang, "sos-rating-saved")))
        .await;

    let minutes = ("minutes", FOLLOW_UP_MINUTES.into());
    let (text, keyboard) = if round == 0 {
        (
            ctx.t_with(lang, "sos-rated", &[("urge", urge.into()), minutes]),
            ctx.crisis_only(lang),
        )
    } else if still_high {
        let mut parts = vec![ctx.t_with(lang, "sos-still-high", &[("urge", urge.into())])];
        if let Some((k, _)) = &next_step {
            parts.push(
                ctx.content
                    .library
                    .text(k, lang)
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        parts.push(ctx.t(lang, "sos-reach-out"));
        parts.push(if follow_up {
            ctx.t_with(lang, "sos-next-check", &[minutes])
        } else {
            ctx.t(lang, "sos-last-check")
        });
        let mut keyboard = match &next_step {
            Some((_, shown)) => ctx.suggestion_keyboard(lang, *shown, true),
            None => ctx.crisis_only(lang),
        };
        if let Some(row) = reach {
            keyboard.inline_keyboard.insert(0, row);
        }
        (parts.join("\n\n"), keyboard)
    } else {
        let text = match before.filter(|b| urge < *b) {
            Some(b) => ctx.t_with(
                lang,
                "sos-better",
                &[("before", b.into()), ("now", urge.into())],
            ),
            None => ctx.t_with(lang, "sos-steady", &[("now", urge.into())]),
        };
        (text, ctx.crisis_only(lang))
    };
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, keyboard)
        .await;

    Ok(())
}

/// "How strong is the urge now?", `minutes` after the SOS.
pub fn follow_up_message(
    ctx: &Ctx,
    lang: &str,
    sos_id: i64,
    round: u8,
    minutes: i64,
) -> (String, Keyboard) {
    (
        ctx.t_with(lang, "sos-followup", &[("minutes", minutes.into())]),
        ctx.sos_rating_keyboard(lang, sos_id, round),
    )
}
