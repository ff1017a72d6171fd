//! The finished check-in: its summary, shown in place of the last question, with a queued
//! copy sent below if that edit does not happen.

use crate::ctx::Ctx;
use crate::domain::checkin::{SleepDuration, Step, UseAnswer};
use crate::domain::outbox_key::Key;
use crate::store::checkins::Checkin;

/// How long the queued copy of a summary waits for the summary shown in place (a tap's edit)
/// before it is sent below instead: the edit may be lost, or the bot may stop before it.
pub(super) const SUMMARY_FALLBACK_SECS: i64 = 20;

pub(super) fn summary_key(checkin_id: i64) -> Key {
    Key::Summary(checkin_id)
}

/// The summary was edited into the check-in's message (its queued copy is withdrawn), or that
/// edit failed (the copy goes out now).
pub(super) async fn summary_in_place(ctx: &Ctx, checkin_id: i64, shown: bool) {
    let key = summary_key(checkin_id);
    let done = async {
        let mut tx = ctx.db.write().await?;
        if shown {
            crate::store::outbox::withdraw(&mut tx, &key).await?;
        } else {
            crate::store::outbox::hasten(&mut tx, &key, ctx.now()).await?;
        }
        tx.commit().await?;
        anyhow::Ok(())
    };
    match done.await {
        Ok(()) if !shown => ctx.wake_sender.notify_one(),
        Ok(()) => {}
        Err(e) => tracing::warn!(checkin_id, error = %e, "could not settle the summary's copy"),
    }
}

/// "Thank you" and one line per question the check-in asked.
pub(super) fn summary_text(ctx: &Ctx, lang: &str, c: &Checkin) -> String {
    let dash = || "–".to_string();
    let num = |v: Option<u8>| v.map_or_else(dash, |v| v.to_string());
    let mut lines = vec![ctx.t(lang, "checkin-done")];
    for step in c.questions.steps() {
        let line = match step {
            Step::Mood => ctx.t_with(lang, "summary-mood", &[("mood", num(c.mood).into())]),
            Step::SleepHours => ctx.t_with(
                lang,
                "summary-sleep-hours",
                &[(
                    "hours",
                    c.sleep_minutes
                        .and_then(|m| SleepDuration::from_minutes(i64::from(m)).ok())
                        .map_or_else(dash, |d| d.hours_label())
                        .into(),
                )],
            ),
            Step::SleepQuality => ctx.t_with(
                lang,
                "summary-sleep-quality",
                &[("quality", num(c.sleep_quality).into())],
            ),
            Step::Craving => ctx.t_with(
                lang,
                "summary-craving",
                &[("craving", num(c.craving).into())],
            ),
            Step::Used => {
                let key = match c.used.and_then(UseAnswer::reported_use) {
                    Some(true) => "summary-used-yes",
                    Some(false) => "summary-used-no",
                    None => "summary-used-skip",
                };
                ctx.t_with(lang, "summary-used", &[("used", ctx.t(lang, key).into())])
            }
            Step::Note => {
                let key = if c.has_note {
                    "summary-note-saved"
                } else {
                    "summary-note-none"
                };
                ctx.t_with(lang, "summary-note", &[("note", ctx.t(lang, key).into())])
            }
        };
        lines.push(line);
    }
    if c.is_backfill() {
        lines.push(ctx.t(lang, "summary-past"));
    }
    lines.join("\n")
}
