use super::*;
use crate::domain::checkin::UseAnswer::{No, PreferNotToSay, Yes};

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + chrono::Days::new(n as u64 - 1)
}

fn e(day: u32, mood: u8, sleep_h: u16, craving: u8) -> Entry {
    Entry {
        date: d(day),
        mood: Some(mood),
        sleep_minutes: Some(sleep_h * 60),
        craving: Some(craving),
        used: Some(No),
    }
}

/// Days without an answer are gaps, not zeros; two check-ins on one day make one point.
#[test]
fn gaps_stay_gaps_and_a_day_folds_its_check_ins() {
    let mut entries = vec![e(1, 6, 7, 2), e(3, 4, 5, 6)];
    entries.push(Entry {
        craving: Some(8),
        mood: Some(8),
        sleep_minutes: None,
        used: Some(Yes),
        ..e(3, 0, 0, 0)
    });
    let s = series(&entries, d(4), 4);
    assert_eq!(s.len(), 4);
    assert_eq!(s[0].date, d(1));
    assert_eq!(s[0].mood, Some(6.0));
    assert_eq!(s[1].mood, None, "no check-in on day 2: a gap");
    assert_eq!(s[1].craving, None);
    assert_eq!(s[1].checkins, 0);
    assert_eq!(s[2].mood, Some(6.0), "the mean of 4 and 8");
    assert_eq!(s[2].craving, Some(8.0), "the strongest urge of the day");
    assert_eq!(s[2].sleep_hours, Some(5.0), "only one sleep answer");
    assert_eq!(s[2].use_day, Some(Day::Used), "a yes wins the day");
    assert_eq!(s[2].checkins, 2);
    assert_eq!(s[3].checkins, 0);
}

/// "Prefer not to say" alone is its own kind of day, and an entry outside the span is left out.
#[test]
fn unsaid_days_and_the_span() {
    let entries = vec![
        Entry {
            used: Some(PreferNotToSay),
            ..e(5, 5, 6, 3)
        },
        e(1, 9, 9, 0),
    ];
    let s = series(&entries, d(5), 3);
    assert_eq!(
        s.iter().map(|p| p.date).collect::<Vec<_>>(),
        [d(3), d(4), d(5)]
    );
    assert_eq!(s[2].use_day, Some(Day::Unsaid));
    assert!(s.iter().all(|p| p.mood != Some(9.0)));
}

/// Urges lower after 7 h of sleep, on at least three days each side.
#[test]
fn craving_lower_after_sleep() {
    let mut entries = Vec::new();
    for day in 1..=4 {
        entries.push(e(day, 6, 8, 2));
    }
    for day in 5..=7 {
        entries.push(e(day, 5, 5, 6));
    }
    let s = series(&entries, d(7), 7);
    let found = insights(&s);
    assert_eq!(
        found[0],
        Insight::CravingLowerAfterSleep {
            rested: 2.0,
            short: 6.0
        }
    );
    // Two short nights are not enough to see a pattern.
    let s = series(&entries[..6], d(6), 6);
    assert!(!insights(&s)
        .iter()
        .any(|i| matches!(i, Insight::CravingLowerAfterSleep { .. })));
}

/// Week against week: steadier mood, or the mood and urge moving by a point.
#[test]
fn week_over_week() {
    let mut entries = Vec::new();
    // The week before: moods swinging 2..9, urges 7.
    for (i, day) in (1..=7).enumerate() {
        entries.push(e(day, if i % 2 == 0 { 2 } else { 9 }, 6, 7));
    }
    // This week: moods 6 or 7, urges 3.
    for (i, day) in (8..=14).enumerate() {
        entries.push(e(day, 6 + (i % 2) as u8, 6, 3));
    }
    let s = series(&entries, d(14), 14);
    let found = insights(&s);
    assert!(found.contains(&Insight::MoodSteadier), "{found:?}");
    assert!(found
        .iter()
        .any(|i| matches!(i, Insight::Craving { now, before } if *now == 3.0 && *before == 7.0)));
    assert!(found.len() <= 2);
}

/// Nothing stands out: the plain count of days with a check-in.
#[test]
fn the_fallback_is_the_count() {
    let entries = vec![e(2, 5, 7, 3), e(4, 5, 7, 3)];
    let s = series(&entries, d(7), 7);
    assert_eq!(insights(&s), [Insight::DaysCheckedIn { days: 2, of: 7 }]);
}

#[test]
fn best_day_and_directions() {
    let entries = vec![e(1, 7, 7, 5), e(2, 7, 7, 1), e(3, 4, 7, 0)];
    let s = series(&entries, d(3), 3);
    assert_eq!(
        best_day(&s).unwrap().date,
        d(2),
        "the same mood, the lower urge"
    );
    assert_eq!(best_day(&series(&[], d(3), 3)), None);
    assert_eq!(direction(Some(6.0), Some(4.5), 1.0), Some(Direction::Up));
    assert_eq!(direction(Some(4.0), Some(4.5), 1.0), Some(Direction::Same));
    assert_eq!(direction(Some(2.0), Some(4.5), 1.0), Some(Direction::Down));
    assert_eq!(direction(None, Some(4.5), 1.0), None);
    let a = averages(&s);
    assert_eq!(a.mood, Some(6.0));
    assert_eq!((a.days_checked_in, a.checkins), (3, 3));
}

#[test]
fn the_weeks_need() {
    use crate::domain::coping::Need;
    let week = |mood, craving, sleep| Averages {
        mood: Some(mood),
        craving: Some(craving),
        sleep_hours: Some(sleep),
        ..Averages::default()
    };
    assert_eq!(week_need(&week(3.0, 7.0, 5.0)), Need::Craving);
    assert_eq!(week_need(&week(3.0, 2.0, 5.0)), Need::Sleep);
    assert_eq!(week_need(&week(3.0, 2.0, 7.5)), Need::Mood);
    assert_eq!(week_need(&week(6.0, 4.5, 7.5)), Need::Triggers);
    assert_eq!(week_need(&week(7.0, 1.0, 8.0)), Need::Halt);
    assert_eq!(week_need(&Averages::default()), Need::Halt);
}
