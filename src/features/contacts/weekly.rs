//! The weekly summary to contacts who chose it (counts and averages only). Called by the
//! scheduler.

use super::*;

/// Queues the weekly summaries that are due. Called by the scheduler.
pub async fn queue_weekly(ctx: &Ctx) -> Result<u64> {
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    let due = contacts::weekly_due(&mut tx, now, 500).await?;
    let mut queued = 0;
    for link in &due {
        let since = now - 7 * 86_400;
        let w = crate::store::reports::week(&mut tx, link.patient_id, since, now).await?;
        let render = crate::ctx::render::Render::Weekly {
            name: link.patient_name.clone(),
            checkins: w.checkins,
            mood: w.mood,
            sleep_hours: w.sleep_hours,
            craving: w.craving,
        };
        // One summary per link per week, whatever happens to the clock.
        let week = (now - link.created_at) / (7 * 86_400);
        if ctx
            .queue_rendered(
                &mut tx,
                To::contact_of(link),
                &Key::WeeklySummary {
                    link: link.id,
                    week,
                },
                &render,
                &link.contact_language,
                0,
                now,
            )
            .await?
        {
            queued += 1;
        }
        contacts::weekly_sent(&mut tx, link.id, now).await?;
    }
    tx.commit().await?;
    Ok(queued)
}

/// The weekly summary's words: check-ins and the averages of mood, sleep and craving.
pub fn weekly_message(
    ctx: &Ctx,
    lang: &str,
    name: &str,
    checkins: i64,
    [mood, sleep_hours, craving]: [Option<f64>; 3],
) -> (String, Keyboard) {
    let none = || ctx.t(lang, "weekly-none");
    let avg = |v: Option<f64>, unit: &str| v.map_or_else(none, |v| format!("{v:.1}{unit}"));
    (
        ctx.t_with(
            lang,
            "weekly-summary",
            &[
                ("name", name.to_string().into()),
                ("checkins", checkins.into()),
                ("mood", avg(mood, "/10").into()),
                ("sleep", avg(sleep_hours, " h").into()),
                ("craving", avg(craving, "/10").into()),
            ],
        ),
        ctx.contact_only(lang),
    )
}
