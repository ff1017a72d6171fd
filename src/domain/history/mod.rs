//! The patient's own trend, day by day: what `/history` draws and what the weekly reflection
//! says. Each check-in counts on the local day it describes (a missed day filled in counts on
//! that day). A day without an answer is a gap, never a zero.

use crate::domain::checkin::UseAnswer;
use crate::domain::progress::{self, Day};
use chrono::NaiveDate;

/// The views `/history` offers, in days.
pub const SPANS: [u32; 3] = [7, 28, 90];

/// Sleep at or above this many hours counts as "slept well enough" in the sleep/craving pattern.
pub const GOOD_SLEEP_HOURS: f64 = 7.0;

/// One check-in, on the local day it describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub date: NaiveDate,
    pub mood: Option<u8>,
    pub sleep_minutes: Option<u16>,
    pub craving: Option<u8>,
    pub used: Option<UseAnswer>,
}

/// One day of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    /// The day's mean mood.
    pub mood: Option<f64>,
    /// The day's strongest urge (the question asks for the strongest).
    pub craving: Option<f64>,
    /// Hours slept (the mean, when the day has more than one answer).
    pub sleep_hours: Option<f64>,
    /// What the day was about use, as `/progress` counts it.
    pub use_day: Option<Day>,
    /// Check-ins with at least one answer.
    pub checkins: u32,
}

/// The `days` local days ending with `last`, oldest first.
pub fn series(entries: &[Entry], last: NaiveDate, days: u32) -> Vec<Point> {
    let first = last - chrono::Days::new(u64::from(days.max(1)) - 1);
    let uses: Vec<(NaiveDate, UseAnswer)> = entries
        .iter()
        .filter_map(|e| e.used.map(|u| (e.date, u)))
        .collect();
    let use_days = progress::days(&uses);
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            let today: Vec<&Entry> = entries.iter().filter(|e| e.date == date).collect();
            let mean = |values: Vec<f64>| {
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
            };
            let moods = today.iter().filter_map(|e| e.mood).map(f64::from).collect();
            let sleeps = today
                .iter()
                .filter_map(|e| e.sleep_minutes)
                .map(|m| f64::from(m) / 60.0)
                .collect();
            let craving = today.iter().filter_map(|e| e.craving).max().map(f64::from);
            let answered = today.iter().filter(|e| {
                e.mood.is_some()
                    || e.sleep_minutes.is_some()
                    || e.craving.is_some()
                    || e.used.is_some()
            });
            Point {
                date,
                mood: mean(moods),
                craving,
                sleep_hours: mean(sleeps),
                use_day: use_days.get(&date).copied(),
                checkins: answered.count() as u32,
            }
        })
        .collect()
}

/// Averages over some days, and how many days had a value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Averages {
    pub mood: Option<f64>,
    pub craving: Option<f64>,
    pub sleep_hours: Option<f64>,
    /// Days with at least one check-in.
    pub days_checked_in: u32,
    pub checkins: u32,
}

pub fn averages(points: &[Point]) -> Averages {
    let mean = |f: fn(&Point) -> Option<f64>| {
        let v: Vec<f64> = points.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    Averages {
        mood: mean(|p| p.mood),
        craving: mean(|p| p.craving),
        sleep_hours: mean(|p| p.sleep_hours),
        days_checked_in: points.iter().filter(|p| p.checkins > 0).count() as u32,
        checkins: points.iter().map(|p| p.checkins).sum(),
    }
}

/// Which way a measure went from one week to the next (by at least a point, else `Same`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Same,
}

pub fn direction(now: Option<f64>, before: Option<f64>, step: f64) -> Option<Direction> {
    let (now, before) = (now?, before?);
    Some(if now - before >= step {
        Direction::Up
    } else if before - now >= step {
        Direction::Down
    } else {
        Direction::Same
    })
}

/// A plain observation about the patient's own data: never a judgment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Insight {
    /// Urges were lower on days after 7 h of sleep or more (mean strongest urge on each side).
    CravingLowerAfterSleep { rested: f64, short: f64 },
    /// Mood varied less from day to day this week than the week before.
    MoodSteadier,
    /// Mean mood this week and the week before, when it moved by a point or more.
    Mood { now: f64, before: f64 },
    /// Mean strongest urge this week and the week before, when it moved by a point or more.
    Craving { now: f64, before: f64 },
    /// Days with a check-in, of the days shown: the fallback when nothing else stands out.
    DaysCheckedIn { days: u32, of: u32 },
}

/// Enough days on each side of a comparison for it to mean something.
const MIN_DAYS: usize = 3;

/// Up to two observations about `points` (oldest first; the last 14 days are compared week to
/// week). Patterns first, then changes, then the plain count.
pub fn insights(points: &[Point]) -> Vec<Insight> {
    let mut out = Vec::new();
    // Urge by sleep: the days with both answers, split at GOOD_SLEEP_HOURS.
    let pairs: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((p.sleep_hours?, p.craving?)))
        .collect();
    let side = |rested: bool| {
        let v: Vec<f64> = pairs
            .iter()
            .filter(|(s, _)| (*s >= GOOD_SLEEP_HOURS) == rested)
            .map(|(_, c)| *c)
            .collect();
        (v.len() >= MIN_DAYS).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    if let (Some(rested), Some(short)) = (side(true), side(false)) {
        if short - rested >= 1.0 {
            out.push(Insight::CravingLowerAfterSleep { rested, short });
        }
    }
    let n = points.len();
    if n >= 14 {
        let (before, now) = (&points[n - 14..n - 7], &points[n - 7..]);
        let values = |ps: &[Point], f: fn(&Point) -> Option<f64>| -> Vec<f64> {
            ps.iter().filter_map(f).collect()
        };
        let enough = |v: &Vec<f64>| v.len() >= MIN_DAYS;
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let spread = |v: &Vec<f64>| {
            let m = mean(v);
            (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
        };
        let (mood_now, mood_before) = (values(now, |p| p.mood), values(before, |p| p.mood));
        if enough(&mood_now) && enough(&mood_before) {
            if spread(&mood_before) - spread(&mood_now) >= 0.75 {
                out.push(Insight::MoodSteadier);
            } else if (mean(&mood_now) - mean(&mood_before)).abs() >= 1.0 {
                out.push(Insight::Mood {
                    now: mean(&mood_now),
                    before: mean(&mood_before),
                });
            }
        }
        let (c_now, c_before) = (values(now, |p| p.craving), values(before, |p| p.craving));
        if enough(&c_now) && enough(&c_before) && (mean(&c_now) - mean(&c_before)).abs() >= 1.0 {
            out.push(Insight::Craving {
                now: mean(&c_now),
                before: mean(&c_before),
            });
        }
    }
    out.truncate(2);
    if out.is_empty() {
        out.push(Insight::DaysCheckedIn {
            days: points.iter().filter(|p| p.checkins > 0).count() as u32,
            of: n as u32,
        });
    }
    out
}

/// The best day of `points`: the highest mood, then the lowest urge, then the latest.
pub fn best_day(points: &[Point]) -> Option<&Point> {
    points.iter().filter(|p| p.mood.is_some()).max_by(|a, b| {
        let key = |p: &Point| (p.mood.unwrap_or(0.0), -p.craving.unwrap_or(10.0));
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.date.cmp(&b.date))
    })
}

#[cfg(test)]
mod tests;

/// What the weekly reflection's "one thing to try" serves, from the week's averages: the
/// strongest concern first, else the HALT check (hungry, angry, lonely, tired?).
pub fn week_need(week: &Averages) -> crate::domain::coping::Need {
    use crate::domain::coping::Need;
    let at_least = |v: Option<f64>, t: f64| v.is_some_and(|v| v >= t);
    let below = |v: Option<f64>, t: f64| v.is_some_and(|v| v < t);
    if at_least(week.craving, 6.0) {
        Need::Craving
    } else if below(week.sleep_hours, 6.0) {
        Need::Sleep
    } else if below(week.mood, 4.5) {
        Need::Mood
    } else if at_least(week.craving, 4.0) {
        Need::Triggers
    } else {
        Need::Halt
    }
}
