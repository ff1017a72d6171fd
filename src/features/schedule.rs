//! Scheduled prompts (start / remind me later), /schedule, /pause, /resume and /quiet.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::{Callback, ScheduleAction};
use crate::domain::checkin::{Questions, Step};
use crate::domain::conversation::Awaiting;
use crate::domain::schedule::{LocalTime, QuietHours, SlotKind, Timing};
use crate::domain::timezone::PatientZone;
use crate::features::checkin;
use crate::features::help;
use crate::store::patients::{self, Patient, PAUSED_INDEFINITELY};
use crate::store::prompts;
use crate::store::slots::{self, Slot, MAX_SLOTS};
use anyhow::Result;

/// Default slots for a newly onboarded patient: morning and evening.
pub async fn create_defaults(
    ctx: &Ctx,
    tx: &mut crate::store::Tx,
    patient: &Patient,
    zone: PatientZone,
) -> Result<bool> {
    if slots::count(tx, patient.id).await? > 0 {
        return Ok(false);
    }
    for kind in [SlotKind::Morning, SlotKind::Evening] {
        slots::create(
            tx,
            patient.id,
            kind,
            kind.default_timing(),
            zone,
            patient.quiet,
            ctx.clock.now(),
        )
        .await?;
    }
    Ok(true)
}

/// The line told after onboarding: when the default check-ins come.
pub fn defaults_text(ctx: &Ctx, lang: &str) -> String {
    let t = |k: SlotKind| match k.default_timing() {
        Timing::At(t) => t.to_string(),
        Timing::Window { start, .. } => start.to_string(),
    };
    ctx.t_with(
        lang,
        "schedule-defaults",
        &[
            ("morning", t(SlotKind::Morning).into()),
            ("evening", t(SlotKind::Evening).into()),
        ],
    )
}

// ---------------------------------------------------------------- prompts

/// "Start check-in" or "Remind me in 30 min" under a prompt or reminder.
pub async fn prompt_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    prompt_id: i64,
    later: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let prompt = prompts::get(&ctx.db, prompt_id).await?;
    let Some(prompt) = prompt.filter(|p| p.patient_id == patient.id) else {
        tracing::info!("refused a prompt button that is not the sender's");
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
            .await;
        return Ok(());
    };
    if prompt.status == crate::store::prompts::PromptStatus::Answered {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "prompt-already-done")))
            .await;
        return Ok(());
    }
    if later {
        let now = ctx.clock.now();
        let at = now + ctx.schedule.snooze;
        let mut tx = ctx.work(ev).await?;
        let ok = prompts::snooze(
            &mut tx,
            prompt.id,
            patient.id,
            at.timestamp(),
            (at + ctx.schedule.reminder_after).timestamp(),
        )
        .await?;
        tx.rescheduled();
        tx.commit().await?;
        let toast = match (ok, patient.zone) {
            (true, Some(zone)) => ctx.t_with(
                &ev.lang,
                "prompt-snoozed",
                &[("time", zone.local_hhmm(at).into())],
            ),
            _ => ctx.t(&ev.lang, "tap-not-valid"),
        };
        ctx.ack(&tap.query_id, Some(toast)).await;
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    let questions = Questions::parse(&prompt.questions).unwrap_or_else(Questions::full);
    let c = checkin::open_new(ctx, ev, patient, &questions, Some(prompt.id)).await?;
    match tap.message_id {
        Some(m) => checkin::show_started(ctx, &ev.lang, tap.chat_id, m, &c).await,
        // Telegram did not say which message was tapped: ask below instead.
        None => checkin::move_down(ctx, &ev.lang, tap.chat_id, &c, None).await,
    }
}

// ---------------------------------------------------------------- /schedule

fn slot_name(ctx: &Ctx, lang: &str, kind: SlotKind) -> String {
    ctx.t(lang, &format!("slot-name-{}", kind.code()))
}

fn questions_text(ctx: &Ctx, lang: &str, q: &Questions) -> String {
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
    let (text, choices): (String, Vec<Button>) = match s.timing {
        Timing::At(t) => (
            ctx.t_with(
                lang,
                "slot-edit-fixed",
                &[("name", name.into()), ("time", t.to_string().into())],
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
        ),
        Timing::Window { start, end } => (
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
    };
    let mut rows: Vec<Vec<Button>> = choices.chunks(4).map(<[_]>::to_vec).collect();
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

fn needs_zone(patient: Option<&Patient>) -> Option<(&Patient, PatientZone)> {
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
                (Timing::At(_), ScheduleAction::SetTime(..)) => Timing::At(t),
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

async fn refuse(ctx: &Ctx, ev: &Event, tap: &Tap) -> Result<()> {
    tracing::info!("refused a schedule button that does not apply");
    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
        .await;
    Ok(())
}

async fn clear_awaiting(ctx: &Ctx, patient: &Patient) -> Result<()> {
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
    let Some(t) = text.and_then(LocalTime::parse) else {
        ctx.say(
            patient.chat_id,
            ctx.t(&ev.lang, "slot-time-invalid"),
            Some(ctx.crisis_only(&ev.lang)),
        )
        .await;
        return Ok(());
    };
    let timing = match slot.timing {
        Timing::At(_) => Timing::At(t),
        Timing::Window { .. } => Timing::Window {
            start: t,
            end: LocalTime::from_minutes((t.minutes() + 5 * 60) % 1440).expect("valid"),
        },
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

// ---------------------------------------------------------------- /pause, /resume

pub async fn pause_ask(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
) -> Result<()> {
    if needs_zone(patient).is_none() {
        return help::not_enrolled(ctx, ev, chat_id).await;
    }
    let lang = &ev.lang;
    let keyboard = Keyboard::new([
        vec![
            button(ctx.t(lang, "button-pause-1"), Callback::Pause { days: 1 }),
            button(ctx.t(lang, "button-pause-3"), Callback::Pause { days: 3 }),
            button(ctx.t(lang, "button-pause-7"), Callback::Pause { days: 7 }),
        ],
        vec![button(
            ctx.t(lang, "button-pause-open"),
            Callback::Pause { days: 0 },
        )],
        ctx.crisis_row(lang),
    ]);
    ctx.say(chat_id, ctx.t(lang, "pause-ask"), Some(keyboard))
        .await;
    Ok(())
}

pub async fn pause(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    days: u8,
) -> Result<()> {
    let Some((patient, zone)) = needs_zone(patient) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "not-enrolled")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let now = ctx.clock.now();
    let until = if days == 0 {
        PAUSED_INDEFINITELY
    } else {
        (now + chrono::Duration::days(i64::from(days))).timestamp()
    };
    let mut tx = ctx.work(ev).await?;
    patients::set_paused_until(&mut tx, patient.id, Some(until)).await?;
    tx.commit().await?;
    let text = if days == 0 {
        ctx.t(&ev.lang, "pause-done-open")
    } else {
        let at = chrono::DateTime::from_timestamp(until, 0).unwrap_or(now);
        let local = at.with_timezone(&zone.offset_at(at));
        ctx.t_with(
            &ev.lang,
            "pause-done-until",
            &[
                ("date", local.format("%Y-%m-%d").to_string().into()),
                ("time", local.format("%H:%M").to_string().into()),
            ],
        )
    };
    ctx.replace_or_send(tap.chat_id, tap.message_id, text, ctx.crisis_only(&ev.lang))
        .await;
    Ok(())
}

pub async fn resume(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some((patient, zone)) = needs_zone(patient) else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    if !patient.paused_at(ctx.now()) {
        ctx.say(chat_id, ctx.t(&ev.lang, "resume-not-paused"), None)
            .await;
        return Ok(());
    }
    let mut tx = ctx.work(ev).await?;
    patients::set_paused_until(&mut tx, patient.id, None).await?;
    // Days passed while paused were recorded as paused; plan the next ones from now.
    slots::reschedule_all(&mut tx, patient.id, zone, patient.quiet, ctx.clock.now()).await?;
    tx.rescheduled();
    tx.commit().await?;
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "resume-done"),
        Some(ctx.home_keyboard(&ev.lang)),
    )
    .await;
    Ok(())
}

// ---------------------------------------------------------------- /quiet

const QUIET_CHOICES: [(u16, u16); 3] = [(22 * 60, 7 * 60), (23 * 60, 8 * 60), (21 * 60, 9 * 60)];

/// `/quiet` or `/quiet 22:00-07:00`.
pub async fn quiet_command(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    chat_id: i64,
    text: &str,
) -> Result<()> {
    let Some((patient, _)) = needs_zone(patient) else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let lang = &ev.lang;
    let arg = text
        .split_once(char::is_whitespace)
        .map(|(_, a)| a.trim())
        .unwrap_or("");
    if !arg.is_empty() {
        let parsed = if arg.eq_ignore_ascii_case("off") {
            Some(None)
        } else {
            arg.split_once(['-', '–'])
                .and_then(|(a, b)| Some((LocalTime::parse(a)?, LocalTime::parse(b)?)))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| Some(QuietHours { start: a, end: b }))
        };
        return match parsed {
            Some(q) => set_quiet(ctx, ev, patient, q, chat_id, None).await,
            None => {
                ctx.say(chat_id, ctx.t(lang, "quiet-invalid"), None).await;
                Ok(())
            }
        };
    }
    let current = match patient.quiet {
        Some(q) => format!("{}–{}", q.start, q.end),
        None => ctx.t(lang, "quiet-none"),
    };
    let mut rows: Vec<Vec<Button>> = vec![QUIET_CHOICES
        .iter()
        .map(|(a, b)| {
            let (a, b) = (
                LocalTime::from_minutes(*a).unwrap(),
                LocalTime::from_minutes(*b).unwrap(),
            );
            button(
                format!("{a}–{b}"),
                Callback::Quiet(Some((a.minutes(), b.minutes()))),
            )
        })
        .collect()];
    rows.push(vec![button(
        ctx.t(lang, "button-quiet-off"),
        Callback::Quiet(None),
    )]);
    rows.push(ctx.crisis_row(lang));
    ctx.say(
        chat_id,
        ctx.t_with(lang, "quiet-ask", &[("current", current.into())]),
        Some(Keyboard::new(rows)),
    )
    .await;
    Ok(())
}

pub async fn quiet_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    window: Option<(u16, u16)>,
) -> Result<()> {
    let Some((patient, _)) = needs_zone(patient) else {
        ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, "not-enrolled")))
            .await;
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let q = window.map(|(a, b)| QuietHours {
        start: LocalTime::from_minutes(a).expect("parsed"),
        end: LocalTime::from_minutes(b).expect("parsed"),
    });
    set_quiet(ctx, ev, patient, q, tap.chat_id, tap.message_id).await
}

async fn set_quiet(
    ctx: &Ctx,
    ev: &Event,
    patient: &Patient,
    q: Option<QuietHours>,
    chat_id: i64,
    edit: Option<i32>,
) -> Result<()> {
    let Some(zone) = patient.zone else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    patients::set_quiet(&mut tx, patient.id, q).await?;
    slots::reschedule_all(&mut tx, patient.id, zone, q, ctx.clock.now()).await?;
    tx.rescheduled();
    tx.commit().await?;
    let text = match q {
        Some(q) => ctx.t_with(
            &ev.lang,
            "quiet-set",
            &[
                ("start", q.start.to_string().into()),
                ("end", q.end.to_string().into()),
            ],
        ),
        None => ctx.t(&ev.lang, "quiet-off"),
    };
    ctx.replace_or_send(chat_id, edit, text, ctx.crisis_only(&ev.lang))
        .await;
    Ok(())
}

/// A scheduled prompt: "Good morning, 3 short questions", with Start / Later.
pub fn prompt_message(
    ctx: &Ctx,
    lang: &str,
    prompt_id: i64,
    kind: &str,
    questions: usize,
) -> (String, Keyboard) {
    (
        ctx.t_with(
            lang,
            &format!("prompt-{kind}"),
            &[("count", questions.into())],
        ),
        ctx.prompt_keyboard(lang, prompt_id),
    )
}

/// The reminder of a prompt not started yet.
pub fn reminder_message(ctx: &Ctx, lang: &str, prompt_id: i64, kind: &str) -> (String, Keyboard) {
    (
        ctx.t_with(
            lang,
            "reminder",
            &[("kind", ctx.t(lang, &format!("slot-{kind}")).into())],
        ),
        ctx.prompt_keyboard(lang, prompt_id),
    )
}
