//! The weekly reflection, for the patient only, if they choose it (a button at the end of
//! onboarding and under `/history`): on Sunday evening in their time zone, after their quiet
//! hours, the week's check-ins, averages and their direction, the best day, one pattern, and
//! one thing to try next week from the coping library. It never reaches a contact.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::{Ctx, Event, Tap, To};
use crate::domain::callback::Callback;
use crate::domain::history::{self, Direction, Insight};
use crate::domain::outbox_key::Key;
use crate::domain::schedule::{next_reflection, REFLECTION_TIME};
use crate::features::history::{insight_text, one_decimal, points, reflection_button};
use crate::store::patients::{self, Patient};
use anyhow::Result;
use chrono::{DateTime, Utc};

/// Reflections handled per scheduler pass.
const BATCH: i64 = 100;

/// A reflection found more than this late (the bot was down) is not sent: its week is over.
const STALE_AFTER_SECS: i64 = 24 * 3600;

pub async fn toggle_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    on: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    let Some(zone) = patient.zone else {
        ctx.ack(&tap.query_id, None).await;
        ctx.say(
            tap.chat_id,
            ctx.t(lang, "timezone-first"),
            Some(ctx.zone_keyboard(lang)),
        )
        .await;
        return Ok(());
    };
    let now = ctx.clock.now();
    // Turning it on again keeps the moment already set.
    let next = match (on, patient.reflection_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(next_reflection(zone, patient.quiet, now).timestamp()),
        (false, _) => None,
    };
    let mut tx = ctx.work(ev).await?;
    patients::set_reflection_at(&mut tx, patient.id, next).await?;
    tx.rescheduled();
    tx.commit().await?;
    ctx.ack(&tap.query_id, None).await;
    let mut patient = patient.clone();
    patient.reflection_at = next;
    let text = match next.and_then(|at| DateTime::from_timestamp(at, 0)) {
        Some(at) => ctx.t_with(
            lang,
            "reflection-on",
            &[
                ("time", REFLECTION_TIME.to_string().into()),
                ("date", ctx.date_long(lang, zone.local_date(at)).into()),
            ],
        ),
        None => ctx.t(lang, "reflection-off"),
    };
    let keyboard = Keyboard::new([
        vec![reflection_button(ctx, lang, &patient)],
        ctx.crisis_row(lang),
    ]);
    ctx.say(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// After a new time zone or new quiet hours: a chosen reflection moves to Sunday 18:00 in them.
pub async fn follow(
    ctx: &Ctx,
    tx: &mut crate::store::Tx,
    patient: &Patient,
    zone: crate::domain::timezone::PatientZone,
    quiet: Option<crate::domain::schedule::QuietHours>,
) -> Result<()> {
    if patient.reflection_at.is_some() {
        let at = next_reflection(zone, quiet, ctx.clock.now()).timestamp();
        patients::move_chosen_reflection(tx, patient.id, at).await?;
    }
    Ok(())
}

/// Queues the reflections that are due and moves each on a week. Called by the scheduler.
pub async fn queue_due(ctx: &Ctx) -> Result<u64> {
    let now = ctx.clock.now();
    let due = patients::reflections_due(&ctx.db, now.timestamp(), BATCH).await?;
    let mut queued = 0;
    for patient in &due {
        let Some(was) = patient.reflection_at else {
            continue;
        };
        let Some(zone) = patient.zone else {
            // No time zone any more (a zone the tz database dropped): off until they choose.
            let mut tx = ctx.db.write().await?;
            patients::set_reflection_at(&mut tx, patient.id, None).await?;
            tx.commit().await?;
            continue;
        };
        let next = next_reflection(zone, patient.quiet, now).timestamp();
        let send = patient.active
            && !patient.paused_at(now.timestamp())
            && now.timestamp() - was <= STALE_AFTER_SECS;
        let draft = if send {
            Some(draft(ctx, patient, now).await?)
        } else {
            None
        };
        let mut tx = ctx.db.write().await?;
        if let Some(Draft { mut lines, need }) = draft {
            let lang = patient.language.as_str();
            // One thing to try, from the library: not one shown to them lately.
            if let Some(need) = need {
                let seen = crate::store::coping::history(&mut tx, patient.id).await?;
                let pool = ctx.content.library.pool(need);
                let idea = crate::domain::coping::choose(&pool, &seen, &[], &mut rand::rng())
                    .and_then(|k| ctx.content.library.text(k, lang));
                if let Some(idea) = idea {
                    lines.push(ctx.t_with(lang, "reflection-try", &[("idea", idea.into())]));
                }
            }
            lines.push(ctx.t(lang, "reflection-footer"));
            let text = lines.join("\n\n");
            let key = Key::Reflection {
                patient: patient.id,
                due: was,
            };
            let keyboard = Keyboard::new([
                vec![Button::callback(
                    ctx.t(&patient.language, "button-history"),
                    Callback::History { days: 28 }.encode(),
                )],
                ctx.crisis_row(&patient.language),
            ]);
            if ctx
                .queue(
                    &mut tx,
                    To::patient(patient),
                    &key,
                    &text,
                    Some(&keyboard),
                    0,
                )
                .await?
            {
                queued += 1;
            }
        }
        patients::move_reflection(&mut tx, patient.id, was, next).await?;
        tx.commit().await?;
    }
    Ok(queued)
}

/// The reflection's lines so far, and the need its "one thing to try" serves (`None` for a
/// week without check-ins).
struct Draft {
    lines: Vec<String>,
    need: Option<crate::domain::coping::Need>,
}

/// The reflection's words, about the 7 local days ending today.
async fn draft(ctx: &Ctx, patient: &Patient, now: DateTime<Utc>) -> Result<Draft> {
    let lang = patient.language.as_str();
    let (all, _) = points(ctx, patient, 14, now).await?;
    let (before, week) = all.split_at(all.len() - 7);
    let (a, b) = (history::averages(week), history::averages(before));
    let date = |d| ctx.content.date_short(lang, d);
    let mut lines = vec![ctx.t_with(
        lang,
        "reflection-title",
        &[
            ("from", date(week[0].date).into()),
            ("to", date(week[6].date).into()),
        ],
    )];
    if a.checkins == 0 {
        lines.push(ctx.t(lang, "reflection-none"));
        return Ok(Draft { lines, need: None });
    }
    lines.push(ctx.t_with(
        lang,
        "reflection-checkins",
        &[
            ("checkins", a.checkins.into()),
            ("days", a.days_checked_in.into()),
        ],
    ));
    let mut measures = Vec::new();
    for (key, now, before) in [
        ("reflection-mood", a.mood, b.mood),
        ("reflection-craving", a.craving, b.craving),
        ("reflection-sleep", a.sleep_hours, b.sleep_hours),
    ] {
        let Some(v) = now else { continue };
        let trend = match history::direction(now, before, 1.0) {
            Some(Direction::Up) => "up",
            Some(Direction::Down) => "down",
            Some(Direction::Same) => "same",
            None => "none",
        };
        measures.push(
            ctx.t_with(
                lang,
                key,
                &[
                    ("now", one_decimal(lang, v).into()),
                    (
                        "before",
                        before
                            .map_or(String::new(), |b| one_decimal(lang, b))
                            .into(),
                    ),
                    ("trend", trend.into()),
                ],
            ),
        );
    }
    lines.push(measures.join("\n"));
    if let Some(best) = history::best_day(week) {
        lines.push(ctx.t_with(
            lang,
            "reflection-best",
            &[
                ("date", ctx.date_long(lang, best.date).into()),
                (
                    "mood",
                    one_decimal(lang, best.mood.unwrap_or_default()).into(),
                ),
            ],
        ));
    }
    // One pattern: the first that is not the plain count (said above already).
    if let Some(i) = history::insights(&all)
        .into_iter()
        .find(|i| !matches!(i, Insight::DaysCheckedIn { .. }))
    {
        lines.push(insight_text(ctx, lang, &i));
    }
    Ok(Draft {
        lines,
        need: Some(history::week_need(&a)),
    })
}
