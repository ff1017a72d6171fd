//! `/schedule`: the patient's check-in times, each slot's editor, a time typed as `8:30`.

use super::week_view::{week_of, week_rows, week_words};
use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::{Callback, ScheduleAction};
use crate::domain::checkin::{Questions, Step};
use crate::domain::conversation::Awaiting;
use crate::domain::schedule::week::parse_typed;
use crate::domain::schedule::{Days, LocalTime, SlotKind, Timing, Week};
use crate::domain::timezone::PatientZone;
use crate::features::help;
use crate::store::patients::{self, Patient};
use crate::store::slots::{self, Slot, MAX_SLOTS};
use anyhow::Result;

pub(super) fn slot_name(ctx: &Ctx, lang: &str, kind: SlotKind) -> String {
    ctx.t(lang, &format!("slot-name-{}", kind.code()))
}

pub(super) fn questions_text(ctx: &Ctx, lang: &str, q: &Questions) -> String {
    q.steps()
        .iter()
        .map(|s: &Step| ctx.t(lang, &format!("q-{}", s.code())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn slot_line(ctx: &Ctx, lang: &str, s: &Slot) -> String {
    let name = slot_name(ctx, lang, s.kind);
    let questions = questions_text(ctx, lang, &s.questions);
    match s.timing {
        Timing::Week(w) => ctx.t_with(
            lang,
            "schedule-line-week",
            &[
                ("name", name.into()),
                ("when", week_words(ctx, lang, &w).into()),
                ("questions", questions.into()),
            ],
        ),
        Timing::At(t) => ctx.t_with(
            lang,
            "schedule-line-fixed",
            &[
                ("name", name.into()),
                ("time", t.to_string().into()),
                ("questions", questions.into()),
            ],
        ),
        Timing::Window { start, end } => ctx.t_with(
            lang,
            "schedule-line-window",
            &[
                ("name", name.into()),
                ("start", start.to_string().into()),
                ("end", end.to_string().into()),
                ("questions", questions.into()),
            ],
        ),
    }
}

fn slot_button_label(ctx: &Ctx, lang: &str, s: &Slot) -> String {
    let when = match s.timing {
        Timing::At(t) => t.to_string(),
        Timing::Week(w) => week_words(ctx, lang, &w),
        Timing::Window { start, end } => format!("{start}–{end}"),
    };
    format!("✏️ {} {when}", slot_name(ctx, lang, s.kind))
}

async fn overview(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, Keyboard)> {
    let list = slots::list(&ctx.db, patient.id).await?;
    let zone = patient.zone.map(|z| z.to_string()).unwrap_or_default();
    let mut text = if list.is_empty() {
        ctx.t(lang, "schedule-empty")
    } else {
        let mut lines = vec![ctx.t_with(lang, "schedule-intro", &[("zone", zone.into())])];
        lines.extend(list.iter().map(|s| slot_line(ctx, lang, s)));
        lines.join("\n")
    };
    if let Some(until) = patient.paused_until.filter(|u| *u > ctx.now()) {
        let _ = until;
        text.push_str("\n\n");
        text.push_str(&ctx.t(lang, "schedule-paused-note"));
    }
    let mut rows: Vec<Vec<Button>> = list
        .iter()
        .map(|s| {
            vec![button(
                slot_button_label(ctx, lang, s),
                Callback::Schedule(ScheduleAction::Open(s.id)),
            )]
        })
        .collect();
    if list.len() < MAX_SLOTS {
        rows.push(
            SlotKind::ALL
                .iter()
                .map(|k| {
                    button(
                        ctx.t(lang, &format!("button-add-{}", k.code())),
                        Callback::Schedule(ScheduleAction::Add(*k)),
                    )
                })
                .collect(),
        );
    }
    rows.push(ctx.crisis_row(lang));
    Ok((text, Keyboard::new(rows)))
}

fn slot_editor(ctx: &Ctx, lang: &str, s: &Slot) -> (String, Keyboard) {
    let name = slot_name(ctx, lang, s.kind);
    let mut week_buttons = Vec::new();
    let (text, choices): (String, Vec<Button>) = match (s.timing, week_of(s.timing)) {
        (Timing::Window { start, end }, _) => (
            ctx.t_with(
                lang,
                "slot-edit-window",
                &[
                    ("name", name.into()),
                    ("start", start.to_string().into()),
                    ("end", end.to_string().into()),
                ],
            ),
            SlotKind::window_choices()
                .into_iter()
                .map(|(a, b)| {
                    button(
                        format!("{a}–{b}"),
                        Callback::Schedule(ScheduleAction::SetWindow(s.id, a.minutes())),
                    )
                })
                .collect(),
        ),
        (fixed, week) => {
            let week = week
                .unwrap_or_else(|| Week::daily(fixed.fixed_time().unwrap_or(LocalTime::hm(8, 0))));
            week_buttons = week_rows(ctx, lang, s, &week);
            (
                ctx.t_with(
                    lang,
                    "slot-edit-fixed",
                    &[
                        ("name", name.into()),
                        ("time", week_words(ctx, lang, &week).into()),
                    ],
                ),
                s.kind
                    .time_choices()
                    .into_iter()
                    .map(|c| {
                        button(
                            c.to_string(),
                            Callback::Schedule(ScheduleAction::SetTime(s.id, c.minutes())),
                        )
                    })
                    .collect(),
            )
        }
    };
    let mut rows: Vec<Vec<Button>> = choices.chunks(4).map(<[_]>::to_vec).collect();
    rows.extend(week_buttons);
    rows.push(vec![
        button(
            ctx.t(lang, "button-remove"),
            Callback::Schedule(ScheduleAction::Remove(s.id)),
        ),
        button(
            ctx.t(lang, "button-back"),
            Callback::Schedule(ScheduleAction::List),
        ),
    ]);
    rows.push(ctx.crisis_row(lang));
    (text, Keyboard::new(rows))
}

pub(super) fn needs_zone(patient: Option<&Patient>) -> Option<(&Patient, PatientZone)> {
    let p = patient?;
    Some((p, p.zone?))
}

/// `/schedule`.
pub async fn show(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some((patient, _)) = needs_zone(patient) else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = overview(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// A button in `/schedule`.
pub async fn action(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    action: ScheduleAction,
) -> Result<()> {
    let Some((patient, zone)) = needs_zone(patient) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "not-enrolled")))
            .await;
        return Ok(());
    };
    let lang = &ev.lang;
    let now = ctx.clock.now();
    let owned = |id: i64| slots::get_owned(&ctx.db, id, patient.id);
    let mut toast = None;
    let view: (String, Keyboard) = match action {
        ScheduleAction::List => {
            clear_awaiting(ctx, patient).await?;
            overview(ctx, lang, patient).await?
        }
        ScheduleAction::Open(id) => {
            let Some(slot) = owned(id).await? else {
                return refuse(ctx, ev, tap).await;
            };
            let mut tx = ctx.work(ev).await?;
            patients::set_awaiting(&mut tx, patient.id, Some(&Awaiting::SlotTime { slot: id }))
                .await?;
            tx.commit().await?;
            slot_editor(ctx, lang, &slot)
        }
        ScheduleAction::SetTime(id, m) | ScheduleAction::SetWindow(id, m) => {
            let Some(slot) = owned(id).await? else {
                return refuse(ctx, ev, tap).await;
            };
            let t = LocalTime::from_minutes(m).expect("parsed as a minute");
            let timing = match (slot.timing, &action) {
                // The days stay; the (weekday) time changes.
                (Timing::At(_) | Timing::Week(_), ScheduleAction::SetTime(..)) => slot.timing.at(t),
                (Timing::Window { .. }, ScheduleAction::SetWindow(..)) => Timing::Window {
                    start: t,
                    end: LocalTime::from_minutes((m + 5 * 60) % 1440).expect("valid"),
                },
                _ => return refuse(ctx, ev, tap).await,
            };
            let mut tx = ctx.work(ev).await?;
            slots::set_timing(&mut tx, &slot, timing, zone, patient.quiet, now).await?;
            patients::set_awaiting(&mut tx, patient.id, None).await?;
            tx.rescheduled();
            tx.commit().await?;
            toast = Some(ctx.t(lang, "slot-saved"));
            overview(ctx, lang, patient).await?
        }
        ScheduleAction::Days(id, _) | ScheduleAction::Weekend(id, _) => {
            let Some(slot) = owned(id).await? else {
                return refuse(ctx, ev, tap).await;
            };
            let Some(week) = week_of(slot.timing) else {
                return refuse(ctx, ev, tap).await;
            };
            let changed = match action {
                ScheduleAction::Days(_, bits) => Days::from_bits(bits)
                    .ok_or(())
                    .and_then(|d| Week::new(d, week.time, week.weekend).map_err(|_| ())),
                ScheduleAction::Weekend(_, m) => {
                    Week::new(week.days, week.time, m.and_then(LocalTime::from_minutes))
                        .map_err(|_| ())
                }
                _ => Err(()),
            };
            let Ok(new_week) = changed else {
                // No day left: an impossible week is refused, and nothing changes.
                ctx.ack(&tap.query_id, Some(ctx.t(lang, "week-no-day")))
                    .await;
                return Ok(());
            };
            let mut tx = ctx.work(ev).await?;
            slots::set_timing(
                &mut tx,
                &slot,
                Timing::Week(new_week).normalized(),
                zone,
                patient.quiet,
                now,
            )
            .await?;
            tx.rescheduled();
            tx.commit().await?;
            toast = Some(ctx.t(lang, "slot-saved"));
            // The editor stays open, to go on choosing days.
            let slot = owned(id).await?.expect("still there");
            slot_editor(ctx, lang, &slot)
        }
        ScheduleAction::Remove(id) => {
            let mut tx = ctx.work(ev).await?;
            if !slots::delete(&mut tx, id, patient.id).await? {
                drop(tx);
                return refuse(ctx, ev, tap).await;
            }
            patients::set_awaiting(&mut tx, patient.id, None).await?;
            tx.commit().await?;
            toast = Some(ctx.t(lang, "slot-removed"));
            overview(ctx, lang, patient).await?
        }
        ScheduleAction::Add(kind) => {
            let mut tx = ctx.work(ev).await?;
            if slots::count(&mut tx, patient.id).await? >= MAX_SLOTS as i64 {
                drop(tx);
                ctx.ack(
                    &tap.query_id,
                    Some(ctx.t_with(lang, "slot-limit", &[("max", MAX_SLOTS.into())])),
                )
                .await;
                return Ok(());
            }
            let id = slots::create(
                &mut tx,
                patient.id,
                kind,
                kind.default_timing(),
                zone,
                patient.quiet,
                now,
            )
            .await?;
            patients::set_awaiting(&mut tx, patient.id, Some(&Awaiting::SlotTime { slot: id }))
                .await?;
            tx.rescheduled();
            tx.commit().await?;
            let slot = owned(id).await?.expect("just created");
            slot_editor(ctx, lang, &slot)
        }
    };
    ctx.ack(&tap.query_id, toast).await;
    let (text, keyboard) = view;
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, keyboard)
        .await;
    Ok(())
}

pub(super) async fn refuse(ctx: &Ctx, ev: &Event, tap: &Tap) -> Result<()> {
    tracing::info!("refused a schedule button that does not apply");
    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
        .await;
    Ok(())
}

pub(super) async fn clear_awaiting(ctx: &Ctx, patient: &Patient) -> Result<()> {
    if patient.awaiting.is_some() {
        let mut tx = ctx.db.write().await?;
        patients::set_awaiting(&mut tx, patient.id, None).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Typed text while a slot editor is open: a new time, like `8:30`.
pub async fn awaiting_text(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    id: i64,
    text: Option<&str>,
) -> Result<()> {
    let Some(zone) = patient.zone else {
        return clear_awaiting(ctx, patient).await;
    };
    let Some(slot) = slots::get_owned(&ctx.db, id, patient.id).await? else {
        return clear_awaiting(ctx, patient).await;
    };
    // "8:30", or with days: "weekdays at 8", "lunes a viernes 8:00", "weekends 10".
    let typed = text.map(parse_typed).unwrap_or((None, None));
    let typed = match typed {
        (None, None) => (None, text.and_then(LocalTime::parse)),
        t => t,
    };
    let timing = match (slot.timing, typed) {
        (_, (None, None)) => None,
        (Timing::Window { .. }, (None, Some(t))) => Some(Timing::Window {
            start: t,
            end: LocalTime::from_minutes((t.minutes() + 5 * 60) % 1440).expect("valid"),
        }),
        // Days for a random window: not offered (its editor has no days).
        (Timing::Window { .. }, (Some(_), _)) => None,
        (fixed, (None, Some(t))) => Some(fixed.at(t)),
        (fixed, (Some(days), t)) => {
            let week = week_of(fixed).expect("a fixed slot");
            let has_weekdays = !week.days.and(Days::WEEKDAYS).is_empty();
            let has_weekend = !week.days.and(Days::WEEKENDS).is_empty();
            let new = match (days, t) {
                // "weekends at 10" on a slot due on weekdays: another time at weekends.
                (Days::WEEKENDS, Some(t)) if has_weekdays && week.days != Days::WEEKENDS => {
                    Week::new(week.days.or(Days::WEEKENDS), week.time, Some(t))
                }
                // "weekdays at 7:30" on a slot due at weekends: the weekday time.
                (Days::WEEKDAYS, Some(t)) if has_weekend && week.days != Days::WEEKDAYS => {
                    Week::new(
                        week.days.or(Days::WEEKDAYS),
                        t,
                        Some(week.weekend.unwrap_or(week.time)),
                    )
                }
                (days, t) => Week::new(days, t.unwrap_or(week.time), None),
            };
            new.ok().map(|w| Timing::Week(w).normalized())
        }
    };
    let Some(timing) = timing else {
        ctx.say(
            patient.chat_id,
            ctx.t(&ev.lang, "slot-time-invalid"),
            Some(ctx.crisis_only(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    slots::set_timing(&mut tx, &slot, timing, zone, patient.quiet, ctx.clock.now()).await?;
    patients::set_awaiting(&mut tx, patient.id, None).await?;
    tx.rescheduled();
    tx.commit().await?;
    let (text, keyboard) = overview(ctx, &ev.lang, patient).await?;
    let saved = ctx.t(&ev.lang, "slot-saved");
    ctx.say(
        patient.chat_id,
        format!("{saved}\n\n{text}"),
        Some(keyboard),
    )
    .await;
    Ok(())
}
