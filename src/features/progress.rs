//! Use-free days and milestones: `/progress` (also `/stats`, `/progreso`), and a milestone
//! message after a check-in that reaches one. Derived from the "did you use?" answers only;
//! nothing here reaches a contact.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::{Ctx, Event, Tap, To, REPLY_PRIORITY};
use crate::domain::callback::Callback;
use crate::domain::checkin::UseAnswer;
use crate::domain::outbox_key::Key;
use crate::domain::progress::{self, Progress};
use crate::features::help;
use crate::store::checkins::Checkin;
use crate::store::patients::Patient;
use crate::store::progress as store;
use crate::store::Tx;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// The patient's answers as local days, and today in their time zone (UTC until they chose
/// one).
fn local_days(
    patient: &Patient,
    answers: &[(i64, String)],
    now: DateTime<Utc>,
) -> (Vec<(NaiveDate, UseAnswer)>, NaiveDate) {
    let date = |at: DateTime<Utc>| match &patient.zone {
        Some(zone) => zone.local_date(at),
        None => at.date_naive(),
    };
    let days = answers
        .iter()
        .filter_map(|(at, code)| {
            let at = DateTime::from_timestamp(*at, 0)?;
            Some((date(at), UseAnswer::from_code(code).ok()?))
        })
        .collect();
    (days, date(now))
}

/// After a completed check-in whose answer was "no use": the milestone it reaches, if one is
/// due, is queued with the answer (once per milestone, unless the patient turned them off).
pub async fn after_checkin(
    ctx: &Ctx,
    tx: &mut Tx,
    patient: &Patient,
    lang: &str,
    c: &Checkin,
) -> Result<()> {
    if c.used != Some(UseAnswer::No) {
        return Ok(());
    }
    // A check-in at the very bottom of the mood scale opened the crisis screen: a cheerful
    // note would read as not listening. The milestone waits for the next check-in.
    if c.mood == Some(0) {
        return Ok(());
    }
    let answers = store::use_answers(tx, patient.id).await?;
    let (days, today) = local_days(patient, &answers, ctx.clock.now());
    let Some(p) = progress::progress(&progress::days(&days), today) else {
        return Ok(());
    };
    let given = store::milestones_given(tx, patient.id).await?;
    let Some(reached) = progress::milestone_due(p.stretch, &given) else {
        return Ok(());
    };
    let crossed: Vec<i64> = progress::MILESTONES
        .iter()
        .copied()
        .filter(|m| *m <= reached)
        .collect();
    store::give_milestones(tx, patient.id, &crossed, ctx.now()).await?;
    if patient.milestones_off {
        return Ok(());
    }
    // The real count (a patient who skipped a few days may be past the milestone).
    let text = ctx.t_with(
        lang,
        "milestone",
        &[("days", p.stretch.into()), ("milestone", reached.into())],
    );
    let keyboard = Keyboard::new([
        vec![
            Button::callback(ctx.t(lang, "button-progress"), Callback::Progress.encode()),
            Button::callback(
                ctx.t(lang, "button-milestones-off"),
                Callback::Milestones { on: false }.encode(),
            ),
        ],
        ctx.crisis_row(lang),
    ]);
    ctx.queue(
        tx,
        To::patient(patient),
        &Key::Milestone {
            patient: patient.id,
            days: reached,
        },
        &text,
        Some(&keyboard),
        REPLY_PRIORITY,
    )
    .await?;
    Ok(())
}

/// `/progress`: use-free days over the last 30, the current and the longest stretch.
pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = view(ctx, &ev.lang, patient).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// "See my progress" under a milestone.
pub async fn tap(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, tap: &Tap) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let (text, keyboard) = view(ctx, &ev.lang, patient).await?;
    ctx.say(tap.chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// Milestone messages off or on again.
pub async fn milestones_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    on: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let mut tx = ctx.work(ev).await?;
    store::set_milestones_off(&mut tx, patient.id, !on).await?;
    tx.commit().await?;
    let said = if on {
        "milestones-on"
    } else {
        "milestones-off"
    };
    ctx.ack(&tap.query_id, Some(ctx.t(&ev.lang, said))).await;
    // The tapped message now offers the opposite.
    if let Some(m) = tap.message_id {
        let mut patient = patient.clone();
        patient.milestones_off = !on;
        ctx.set_keyboard(tap.chat_id, m, keyboard(ctx, &ev.lang, &patient))
            .await;
    }
    Ok(())
}

fn keyboard(ctx: &Ctx, lang: &str, patient: &Patient) -> Keyboard {
    let toggle = if patient.milestones_off {
        Button::callback(
            ctx.t(lang, "button-milestones-on"),
            Callback::Milestones { on: true }.encode(),
        )
    } else {
        Button::callback(
            ctx.t(lang, "button-milestones-off"),
            Callback::Milestones { on: false }.encode(),
        )
    };
    Keyboard::new([vec![toggle], ctx.crisis_row(lang)])
}

async fn view(ctx: &Ctx, lang: &str, patient: &Patient) -> Result<(String, Keyboard)> {
    let answers = store::use_answers_read(&ctx.db, patient.id).await?;
    let (days, today) = local_days(patient, &answers, ctx.clock.now());
    let p = progress::progress(&progress::days(&days), today);
    Ok((
        text(ctx, lang, patient, p.as_ref()),
        keyboard(ctx, lang, patient),
    ))
}

/// The `/progress` text: never a judgment, never a zeroed counter.
fn text(ctx: &Ctx, lang: &str, patient: &Patient, p: Option<&Progress>) -> String {
    let Some(p) = p else {
        return ctx.t(lang, "progress-none");
    };
    let n = |key: &str, v: i64| ctx.t_with(lang, key, &[("n", v.into())]);
    let mut lines = vec![
        ctx.t(lang, "progress-title"),
        String::new(),
        ctx.t_with(
            lang,
            "progress-window",
            &[("free", p.free.into()), ("window", p.window.into())],
        ),
    ];
    if p.stretch > 0 {
        lines.push(n("progress-stretch", p.stretch));
    } else {
        lines.push(ctx.t(lang, "progress-after-use"));
    }
    if p.longest > 0 {
        lines.push(n("progress-longest", p.longest));
    }
    if p.unsaid > 0 {
        lines.push(n("progress-unsaid", p.unsaid));
    }
    if p.unanswered > 0 {
        lines.push(n("progress-unanswered", p.unanswered));
    }
    lines.push(String::new());
    lines.push(ctx.t(lang, "progress-neither"));
    lines.push(ctx.t(
        lang,
        if patient.milestones_off {
            "progress-milestones-are-off"
        } else {
            "progress-milestones-are-on"
        },
    ));
    lines.join("\n")
}
