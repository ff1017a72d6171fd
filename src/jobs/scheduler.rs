//! Due slots → prompts and outbox rows; reminders; closing unanswered prompts.
//!
//! Everything is in SQLite: each slot stores its next instance, each instance becomes one
//! `prompts` row (unique per slot and local date) and one outbox row (unique key
//! `prompt:<slot>:<date>`), in the same transaction that moves the slot to its next day. Two
//! ticks racing, a crash mid-tick or a restart cannot send a slot twice on one local day.

use crate::ctx::render::Render;
use crate::ctx::Ctx;
use crate::domain::outbox_key::Key;
use crate::domain::schedule::{day_seed, decide, instance, next_due_date, Due, QuietHours};
use crate::domain::timezone::PatientZone;
use crate::store::outbox::{self, Kind, NewMessage};
use crate::store::slots;
use crate::store::{checkins, prompts};
use anyhow::Result;
use std::time::Duration;
use tokio::sync::watch;

/// Slots handled per transaction.
const BATCH: i64 = 500;
/// After a long outage, at most this many past days are recorded per slot; older ones are
/// skipped (the outage itself is in the operator's logs).
const CATCH_UP_DAYS: u32 = 14;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub queued: u64,
    pub missed: u64,
    pub paused: u64,
    pub reminders: u64,
    pub closed_missed: u64,
    /// "Are you OK?" checks queued, and unanswered ones given to the risk engine.
    pub ok_checks: u64,
    pub ok_unanswered: u64,
    pub weekly_summaries: u64,
    pub reflections: u64,
    /// Check-ins left open too long, closed as abandoned.
    pub abandoned: u64,
}

pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) -> Result<()> {
    let mut clock_moved = ctx.clock.jumps();
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        match tick(&ctx).await {
            Ok(r) if r != TickReport::default() => tracing::info!(?r, "scheduler tick"),
            Ok(_) => {}
            Err(e) => {
                if ctx.db.note(&e) {
                    return ctx.db.damage();
                }
                if let Some(suppressed) = crate::logging::every_minute("scheduler-tick") {
                    tracing::error!(error = %e, suppressed, "scheduler tick failed");
                }
            }
        }
        let wait = match next_wakeup(&ctx).await {
            Ok(Some(at)) => Duration::from_secs((at - ctx.now()).clamp(0, 30) as u64),
            _ => Duration::from_secs(30),
        };
        tokio::select! {
            _ = tokio::time::sleep(wait.max(Duration::from_millis(200))) => {}
            _ = ctx.wake_scheduler.notified() => {}
            _ = crate::clock::jumped(&mut clock_moved) => {}
            _ = stop.changed() => {}
        }
    }
}

/// The earliest moment something is due: a slot, a reminder, a prompt closing, an "are you
/// OK?" wait ending, an alert's cooldown ending, a weekly summary.
async fn next_wakeup(ctx: &Ctx) -> Result<Option<i64>> {
    let rules = &ctx.rules;
    let others = [
        crate::store::ok_checks::next_ok_count(&ctx.db, rules.ok_check_wait).await?,
        crate::store::alerts::next_escalation(&ctx.db, rules.cooldown).await?,
        crate::store::contacts::next_weekly(&ctx.db).await?,
        crate::store::patients::next_reflection(&ctx.db).await?,
        crate::store::prompts::next_event(&ctx.db).await?,
    ];
    Ok(others.into_iter().flatten().min())
}

/// Does everything that is due at the clock's `now`.
pub async fn tick(ctx: &Ctx) -> Result<TickReport> {
    let started = std::time::Instant::now();
    let report = pass(ctx).await?;
    ctx.metrics
        .scheduler_pass
        .observe(started.elapsed().as_secs_f64());
    ctx.metrics
        .prompts_missed
        .inc_by(report.missed + report.closed_missed);
    Ok(report)
}

async fn pass(ctx: &Ctx) -> Result<TickReport> {
    let mut report = TickReport::default();
    enqueue_due_slots(ctx, &mut report).await?;
    send_reminders(ctx, &mut report).await?;
    let (_, missed) = prompts::close_expired(&ctx.db, ctx.now()).await?;
    report.closed_missed = missed;
    report.abandoned = {
        let mut tx = ctx.db.write().await?;
        let n = checkins::abandon(
            &mut tx,
            None,
            ctx.now() - ctx.schedule.checkin_open_for.num_seconds(),
            ctx.now(),
        )
        .await?;
        tx.commit().await?;
        n
    };
    let (asked, counted) = crate::features::ok_check::ok_checks(ctx).await?;
    report.ok_checks = asked;
    report.ok_unanswered = counted;
    report.weekly_summaries = crate::features::contacts::queue_weekly(ctx).await?;
    report.reflections = crate::features::reflection::queue_due(ctx).await?;
    if report.queued
        + report.reminders
        + report.ok_checks
        + report.ok_unanswered
        + report.weekly_summaries
        + report.reflections
        > 0
    {
        ctx.wake_sender.notify_one();
    }
    Ok(report)
}

async fn enqueue_due_slots(ctx: &Ctx, report: &mut TickReport) -> Result<()> {
    loop {
        let now = ctx.clock.now();
        let mut tx = ctx.db.write().await?;
        let due = slots::due(&mut tx, now.timestamp(), BATCH).await?;
        if due.is_empty() {
            return Ok(());
        }
        for d in &due {
            let slot = &d.slot;
            let due_at = chrono::DateTime::from_timestamp(slot.next_due_at, 0).unwrap_or(now);
            let paused = d.paused_until.is_some_and(|u| u > now.timestamp());
            let decision = decide(due_at, now, ctx.schedule.grace, paused);
            let status = match decision {
                Due::Send => prompts::PromptStatus::Queued,
                Due::Missed => prompts::PromptStatus::Missed,
                Due::Paused => prompts::PromptStatus::Paused,
            };
            let date = slot.next_date.to_string();
            let prompt_id = prompts::insert(
                &mut tx,
                slot.patient_id,
                slot.id,
                slot.kind.code(),
                &slot.questions.code(),
                &date,
                slot.next_due_at,
                status,
                now.timestamp(),
            )
            .await?;
            if let Some(prompt_id) = prompt_id {
                match decision {
                    Due::Send => {
                        // The next scheduled check-in starts: one still open from before is
                        // closed (answers kept), so typed text is not bound to it. One begun in
                        // the last half hour is being answered now and is left alone.
                        checkins::abandon(
                            &mut tx,
                            Some(slot.patient_id),
                            now.timestamp() - 30 * 60,
                            now.timestamp(),
                        )
                        .await?;
                        let render = Render::Prompt {
                            prompt_id,
                            kind: slot.kind.code().to_string(),
                            questions: slot.questions.len(),
                        };
                        let (text, keyboard) =
                            crate::jobs::render::render(ctx, &render, &d.language);
                        let keyboard = serde_json::to_string(&keyboard)?;
                        let recipe = render.to_json();
                        // One prompt row per slot and local date (the UNIQUE index) and one
                        // outbox row per prompt.
                        let queued = outbox::enqueue(
                            &mut tx,
                            &NewMessage {
                                key: &Key::Prompt(prompt_id),
                                kind: Kind::Prompt,
                                patient_id: Some(slot.patient_id),
                                chat_id: d.chat_id,
                                prompt_id: Some(prompt_id),
                                text: &text,
                                keyboard: Some(&keyboard),
                                not_before: now.timestamp(),
                                priority: 0,
                                contact_id: None,
                                alert_id: None,
                                render: Some(&recipe),
                                lang: Some(&d.language),
                            },
                            now.timestamp(),
                        )
                        .await?;
                        anyhow::ensure!(queued, "prompt {prompt_id} was already in the outbox");
                        report.queued += 1;
                    }
                    Due::Missed => report.missed += 1,
                    Due::Paused => report.paused += 1,
                }
            }
            // The next local day's instance. After downtime (or a pause) several days may
            // have passed: record each as missed (or paused) here, up to a limit, and move on
            // to the first instance that is still ahead or within the grace period.
            let mut next_date = next_due_date(
                slot.timing,
                slot.next_date.succ_opt().expect("date in range"),
            );
            let mut next_due = instance(
                slot.timing,
                d.zone,
                d.quiet,
                next_date,
                day_seed(slot.patient_id, slot.id, next_date),
            );
            let mut caught_up = 0;
            while now - next_due > ctx.schedule.grace {
                if caught_up < CATCH_UP_DAYS {
                    let status = if paused {
                        prompts::PromptStatus::Paused
                    } else {
                        prompts::PromptStatus::Missed
                    };
                    let inserted = prompts::insert(
                        &mut tx,
                        slot.patient_id,
                        slot.id,
                        slot.kind.code(),
                        &slot.questions.code(),
                        &next_date.to_string(),
                        next_due.timestamp(),
                        status,
                        now.timestamp(),
                    )
                    .await?;
                    if inserted.is_some() {
                        if paused {
                            report.paused += 1;
                        } else {
                            report.missed += 1;
                        }
                    }
                }
                caught_up += 1;
                next_date =
                    next_due_date(slot.timing, next_date.succ_opt().expect("date in range"));
                next_due = instance(
                    slot.timing,
                    d.zone,
                    d.quiet,
                    next_date,
                    day_seed(slot.patient_id, slot.id, next_date),
                );
            }
            slots::set_next(&mut tx, slot.id, next_date, next_due.timestamp()).await?;
        }
        tx.commit().await?;
        if (due.len() as i64) < BATCH {
            return Ok(());
        }
    }
}

async fn send_reminders(ctx: &Ctx, report: &mut TickReport) -> Result<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.write().await?;
    let due = prompts::due_reminders(&mut tx, now.timestamp(), BATCH).await?;
    if due.is_empty() {
        return Ok(());
    }
    for r in due {
        let p = &r.prompt;
        if r.checked_in_since {
            // Already checked in since the prompt: no reminder.
            prompts::reminder_done(&mut tx, p.id, false, true).await?;
            continue;
        }
        if r.paused_until.is_some_and(|u| u > now.timestamp()) {
            prompts::reminder_done(&mut tx, p.id, false, false).await?;
            continue;
        }
        let zone = r
            .time_zone
            .as_deref()
            .and_then(|z| PatientZone::parse(z).ok());
        let quiet: Option<QuietHours> = slots::quiet_from(r.quiet_start, r.quiet_end);
        if let (Some(zone), Some(q)) = (zone, quiet) {
            let later = q.postpone(zone, now);
            if later > now {
                prompts::postpone_reminder(&mut tx, p.id, later.timestamp()).await?;
                continue;
            }
        }
        let render = Render::Reminder {
            prompt_id: p.id,
            kind: p.kind.clone(),
        };
        let (text, keyboard) = crate::jobs::render::render(ctx, &render, &r.language);
        let keyboard = serde_json::to_string(&keyboard)?;
        let recipe = render.to_json();
        outbox::enqueue(
            &mut tx,
            &NewMessage {
                key: &Key::Reminder {
                    prompt: p.id,
                    n: p.reminders + 1,
                },
                kind: Kind::Reminder,
                patient_id: Some(p.patient_id),
                chat_id: r.chat_id,
                prompt_id: Some(p.id),
                text: &text,
                keyboard: Some(&keyboard),
                not_before: now.timestamp(),
                priority: 0,
                contact_id: None,
                alert_id: None,
                render: Some(&recipe),
                lang: Some(&r.language),
            },
            now.timestamp(),
        )
        .await?;
        prompts::reminder_done(&mut tx, p.id, true, false).await?;
        report.reminders += 1;
    }
    tx.commit().await?;
    Ok(())
}
