//! A check-in's week in `/schedule`: the words for it ("07:30 on weekdays, 10:00 at
//! weekends"), and the editor's day and weekend-time buttons.

use crate::ctx::keyboard::Button;
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::domain::callback::{Callback, ScheduleAction};
use crate::domain::schedule::week::ALL_DAYS;
use crate::domain::schedule::{Days, LocalTime, Timing, Week};
use crate::store::slots::Slot;

/// "every day", "on weekdays", "at weekends", "on Mon, Wed, Fri".
fn days_words(ctx: &Ctx, lang: &str, days: Days) -> String {
    match days {
        Days::EVERY => ctx.t(lang, "week-every-day"),
        Days::WEEKDAYS => ctx.t(lang, "week-weekdays"),
        Days::WEEKENDS => ctx.t(lang, "week-weekends"),
        d => {
            let names: Vec<String> = d
                .days()
                .map(|w| {
                    ctx.t_with(
                        lang,
                        "date-weekday-short",
                        &[("n", w.number_from_monday().into())],
                    )
                })
                .collect();
            ctx.t_with(lang, "week-days", &[("days", names.join(", ").into())])
        }
    }
}

/// "07:30 on weekdays, 10:00 at weekends": a week in words, never as cron.
pub fn week_words(ctx: &Ctx, lang: &str, week: &Week) -> String {
    week.parts()
        .into_iter()
        .map(|(days, t)| {
            ctx.t_with(
                lang,
                "week-part",
                &[
                    ("time", t.to_string().into()),
                    ("days", days_words(ctx, lang, days).into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The week of a fixed-time slot (a daily one is every day); `None` for a random window.
pub(super) fn week_of(t: Timing) -> Option<Week> {
    match t {
        Timing::At(t) => Some(Week::daily(t)),
        Timing::Week(w) => Some(w),
        Timing::Window { .. } => None,
    }
}

/// The days and weekend-time buttons of a fixed slot's editor.
pub(super) fn week_rows(ctx: &Ctx, lang: &str, s: &Slot, week: &Week) -> Vec<Vec<Button>> {
    let days = |d: Days| Callback::Schedule(ScheduleAction::Days(s.id, d.bits()));
    let mark = |on: bool, label: String| if on { format!("✓ {label}") } else { label };
    let presets = [
        (Days::EVERY, "week-every-day-button"),
        (Days::WEEKDAYS, "week-weekdays-button"),
        (Days::WEEKENDS, "week-weekends-button"),
    ]
    .into_iter()
    .map(|(d, key)| button(mark(week.days == d, ctx.t(lang, key)), days(d)))
    .collect();
    // One button per day: tapping turns that day on or off.
    let toggles: Vec<Button> = ALL_DAYS
        .into_iter()
        .map(|day| {
            let on = week.days.contains(day);
            let label = ctx.t_with(
                lang,
                "date-weekday-short",
                &[("n", day.number_from_monday().into())],
            );
            button(mark(on, label), days(week.days.with(day, !on)))
        })
        .collect();
    let mut rows = vec![presets];
    rows.extend(toggles.chunks(4).map(<[_]>::to_vec));
    // Another time at weekends, if it is due on a weekend day.
    if !week.days.and(Days::WEEKENDS).is_empty() {
        let mut weekend = vec![button(
            mark(week.weekend.is_none(), ctx.t(lang, "week-weekend-same")),
            Callback::Schedule(ScheduleAction::Weekend(s.id, None)),
        )];
        for h in [9, 10, 11] {
            let t = LocalTime::hm(h, 0);
            weekend.push(button(
                mark(
                    week.weekend == Some(t),
                    ctx.t_with(lang, "week-weekend-at", &[("time", t.to_string().into())]),
                ),
                Callback::Schedule(ScheduleAction::Weekend(s.id, Some(t.minutes()))),
            ));
        }
        rows.push(weekend);
    }
    rows
}
