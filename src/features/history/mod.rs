//! `/history` (also `/historial`): the patient's own chart of the last 7, 28 or 90 days, sent
//! as a protected photo with one or two plain lines under it, and buttons to switch the span
//! or turn the weekly reflection on or off. Only the patient sees it.

pub mod chart;

use crate::content::Content;
use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::{Ctx, Event, Tap};
use crate::domain::callback::Callback;
use crate::domain::checkin::UseAnswer;
use crate::domain::history::{self, Entry, Insight, Point};
use crate::features::help;
use crate::store::patients::Patient;
use crate::store::progress as store;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// The span `/history` opens with.
const FIRST_SPAN: u32 = 7;

pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    show(ctx, &ev.lang, patient, chat_id, None, FIRST_SPAN).await
}

/// "7 days" / "28 days" / "90 days" under the chart: the chart is replaced in place.
pub async fn span_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    days: u32,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    show(ctx, &ev.lang, patient, tap.chat_id, tap.message_id, days).await
}

/// The local days of `patient`'s check-ins describing the last `days` days (and the week before,
/// for the week-to-week lines), and today.
pub async fn points(
    ctx: &Ctx,
    patient: &Patient,
    days: u32,
    now: DateTime<Utc>,
) -> Result<(Vec<Point>, NaiveDate)> {
    let local = |at: DateTime<Utc>| match &patient.zone {
        Some(zone) => zone.local_date(at),
        None => at.date_naive(),
    };
    let today = local(now);
    let span = days.max(14);
    // A day more than the span, so a time zone change cannot cut its first day short.
    let since = now - chrono::Duration::days(i64::from(span) + 1);
    let rows = store::trend(&ctx.db, patient.id, since.timestamp()).await?;
    let small = |v: Option<i64>| v.and_then(|v| u8::try_from(v).ok());
    let entries: Vec<Entry> = rows
        .iter()
        .filter_map(|r| {
            Some(Entry {
                date: local(DateTime::from_timestamp(r.about_at, 0)?),
                mood: small(r.mood),
                sleep_minutes: r.sleep_minutes.and_then(|v| u16::try_from(v).ok()),
                craving: small(r.craving),
                used: r.used.as_deref().and_then(|u| UseAnswer::from_code(u).ok()),
            })
        })
        .collect();
    Ok((history::series(&entries, today, span), today))
}

async fn show(
    ctx: &Ctx,
    lang: &str,
    patient: &Patient,
    chat_id: i64,
    replace: Option<i32>,
    days: u32,
) -> Result<()> {
    let (all, today) = points(ctx, patient, days, ctx.clock.now()).await?;
    let shown = &all[all.len() - days as usize..];
    let keyboard = keyboard(ctx, lang, patient, days);
    if shown.iter().all(|p| p.checkins == 0) {
        let text = ctx.t_with(lang, "history-none", &[("days", days.into())]);
        // Below (a tapped picture stays: its caption cannot become a text message).
        ctx.say(chat_id, text, Some(keyboard)).await;
        return Ok(());
    }
    let labels = labels(&ctx.content, lang, shown, today);
    // Week-to-week lines need two weeks, even under the 7-day chart; the plain count is of
    // the days shown.
    let insights: Vec<Insight> = history::insights(if days >= 14 { shown } else { &all })
        .into_iter()
        .map(|i| match i {
            Insight::DaysCheckedIn { .. } => Insight::DaysCheckedIn {
                days: shown.iter().filter(|p| p.checkins > 0).count() as u32,
                of: days,
            },
            other => other,
        })
        .collect();
    let caption = caption(ctx, lang, &insights);
    let points = shown.to_vec();
    // Drawing takes a few tens of milliseconds: off the async threads.
    let png = tokio::task::spawn_blocking(move || chart::render(&points, &labels)).await??;
    if let Some(m) = replace {
        if ctx
            .edit_photo(chat_id, m, png.clone(), caption.clone(), keyboard.clone())
            .await
        {
            return Ok(());
        }
    }
    ctx.send_photo(chat_id, png, caption, keyboard).await;
    Ok(())
}

/// The chart's words for `shown` (oldest first, ending `today`) in `lang`.
pub fn labels(content: &Content, lang: &str, shown: &[Point], today: NaiveDate) -> chart::Labels {
    let from = shown.first().map_or(today, |p| p.date);
    chart::Labels {
        title: content.text_with(
            lang,
            "history-title",
            &[
                ("days", shown.len().into()),
                ("from", content.date_short(lang, from).into()),
                ("to", content.date_short(lang, today).into()),
            ],
        ),
        mood: content.text(lang, "history-mood"),
        craving: content.text(lang, "history-craving"),
        sleep: content.text(lang, "history-sleep"),
        checkins: content.text(lang, "history-checkins"),
        used: content.text(lang, "history-used"),
        days: shown
            .iter()
            .map(|p| content.date_short(lang, p.date))
            .collect(),
    }
}

/// A number with one decimal, as the language writes it (5.5, 5,5).
pub fn one_decimal(lang: &str, v: f64) -> String {
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").map_or(s.clone(), str::to_string);
    if lang == "es" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// One line for an observation.
pub fn insight_text(ctx: &Ctx, lang: &str, insight: &Insight) -> String {
    let n = |v: f64| one_decimal(lang, v);
    match *insight {
        Insight::CravingLowerAfterSleep { rested, short } => ctx.t_with(
            lang,
            "insight-sleep-craving",
            &[("rested", n(rested).into()), ("short", n(short).into())],
        ),
        Insight::MoodSteadier => ctx.t(lang, "insight-mood-steadier"),
        Insight::Mood { now, before } => ctx.t_with(
            lang,
            if now > before {
                "insight-mood-up"
            } else {
                "insight-mood-down"
            },
            &[("now", n(now).into()), ("before", n(before).into())],
        ),
        Insight::Craving { now, before } => ctx.t_with(
            lang,
            if now < before {
                "insight-craving-down"
            } else {
                "insight-craving-up"
            },
            &[("now", n(now).into()), ("before", n(before).into())],
        ),
        Insight::DaysCheckedIn { days, of } => ctx.t_with(
            lang,
            "insight-days",
            &[("days", days.into()), ("of", of.into())],
        ),
    }
}

fn caption(ctx: &Ctx, lang: &str, insights: &[Insight]) -> String {
    let mut lines: Vec<String> = insights
        .iter()
        .map(|i| insight_text(ctx, lang, i))
        .collect();
    lines.push(ctx.t(lang, "history-private"));
    lines.join("\n\n")
}

fn keyboard(ctx: &Ctx, lang: &str, patient: &Patient, current: u32) -> Keyboard {
    let spans = history::SPANS
        .into_iter()
        .map(|days| {
            let key = if days == current {
                "button-history-span-current"
            } else {
                "button-history-span"
            };
            Button::callback(
                ctx.t_with(lang, key, &[("days", days.into())]),
                Callback::History { days }.encode(),
            )
        })
        .collect();
    Keyboard::new([
        spans,
        vec![reflection_button(ctx, lang, patient)],
        ctx.crisis_row(lang),
    ])
}

/// "Weekly reflection: turn on" or "… turn off", as it stands for the patient.
pub fn reflection_button(ctx: &Ctx, lang: &str, patient: &Patient) -> Button {
    let on = patient.reflection_at.is_some();
    Button::callback(
        ctx.t(
            lang,
            if on {
                "button-reflection-off"
            } else {
                "button-reflection-on"
            },
        ),
        Callback::Reflection { on: !on }.encode(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_decimal_by_language() {
        assert_eq!(super::one_decimal("en", 5.26), "5.3");
        assert_eq!(super::one_decimal("es", 5.26), "5,3");
        assert_eq!(super::one_decimal("es", 6.0), "6");
        assert_eq!(super::one_decimal("en", 7.96), "8");
    }
}
