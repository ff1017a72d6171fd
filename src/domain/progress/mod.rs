//! Use-free days and milestones, derived from the "did you use?" answers.
//!
//! A day counts by what the patient said that day (in their time zone): any "yes" makes it a
//! day of use; otherwise any "no" makes it use-free; "prefer not to say" alone is neither,
//! and so is a day without an answer. A lapse never zeroes what was kept: the counts over the
//! last 30 days and the longest stretch stay, and only the current stretch starts again.

use crate::domain::checkin::UseAnswer;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Milestone messages, in days since the last reported use; each is sent once.
pub const MILESTONES: [i64; 9] = [1, 3, 7, 14, 30, 60, 90, 180, 365];

/// The window of the "n of the last m days" count.
pub const WINDOW_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Used,
    Free,
    /// Only "prefer not to say": neither use nor use-free.
    Unsaid,
}

/// Each day's answers folded into one `Day`.
pub fn days(answers: &[(NaiveDate, UseAnswer)]) -> BTreeMap<NaiveDate, Day> {
    let mut days = BTreeMap::new();
    for &(date, answer) in answers {
        let day = match answer.reported_use() {
            Some(true) => Day::Used,
            Some(false) => Day::Free,
            None => Day::Unsaid,
        };
        days.entry(date)
            .and_modify(|d: &mut Day| {
                *d = match (*d, day) {
                    (Day::Used, _) | (_, Day::Used) => Day::Used,
                    (Day::Free, _) | (_, Day::Free) => Day::Free,
                    _ => Day::Unsaid,
                }
            })
            .or_insert(day);
    }
    days
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Days counted in the window: the last 30, or fewer since the first answer.
    pub window: i64,
    pub free: i64,
    pub used: i64,
    pub unsaid: i64,
    /// Days in the window with no answer about use.
    pub unanswered: i64,
    /// Days since the last reported use, through the latest use-free day (unanswered days in
    /// between count, as no use was reported); 0 when the latest answer was a use.
    pub stretch: i64,
    /// The longest such stretch so far.
    pub longest: i64,
}

/// The picture on `today`; `None` before any answer about use (other than "prefer not to
/// say").
pub fn progress(days: &BTreeMap<NaiveDate, Day>, today: NaiveDate) -> Option<Progress> {
    let first = *days.keys().next()?;
    // A stretch runs from the day after a use (or the first use-free day, before any use)
    // to the last use-free day before the next use.
    let length = |used: Option<NaiveDate>, first_free: NaiveDate, last_free: NaiveDate| match used {
        Some(u) => (last_free - u).num_days(),
        None => (last_free - first_free).num_days() + 1,
    };
    let mut longest = 0;
    let mut last_used: Option<NaiveDate> = None;
    let mut segment: Option<(NaiveDate, NaiveDate)> = None;
    for (&date, &day) in days.range(..=today) {
        match day {
            Day::Free => {
                segment = Some(segment.map_or((date, date), |(f, _)| (f, date)));
            }
            Day::Used => {
                if let Some((f, l)) = segment.take() {
                    longest = longest.max(length(last_used, f, l));
                }
                last_used = Some(date);
            }
            Day::Unsaid => {}
        }
    }
    let stretch = segment.map_or(0, |(f, l)| length(last_used, f, l));
    let longest = longest.max(stretch);
    if last_used.is_none() && segment.is_none() {
        return None;
    }
    let from = first.max(today - chrono::Days::new(WINDOW_DAYS as u64 - 1));
    let window = (today - from).num_days() + 1;
    let in_window = |kind: Day| {
        days.range(from..=today)
            .filter(|(_, d)| **d == kind)
            .count() as i64
    };
    let (free, used, unsaid) = (
        in_window(Day::Free),
        in_window(Day::Used),
        in_window(Day::Unsaid),
    );
    Some(Progress {
        window,
        free,
        used,
        unsaid,
        unanswered: window - free - used - unsaid,
        stretch,
        longest,
    })
}

/// The milestone to celebrate for `stretch` days, if one was crossed that was not celebrated
/// yet (`given`): the largest one crossed, so a patient who skipped a few days gets one
/// message, not several. All crossed ones count as given afterwards.
pub fn milestone_due(stretch: i64, given: &[i64]) -> Option<i64> {
    MILESTONES
        .iter()
        .copied()
        .filter(|m| *m <= stretch && !given.contains(m))
        .max()
}

#[cfg(test)]
mod tests;
