use super::*;
use crate::domain::checkin::UseAnswer::{No, PreferNotToSay, Yes};

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + chrono::Days::new(n as u64 - 1)
}

fn run(answers: &[(u32, UseAnswer)], today: u32) -> Option<Progress> {
    let answers: Vec<_> = answers.iter().map(|&(n, a)| (d(n), a)).collect();
    progress(&days(&answers), d(today))
}

/// A lapse on day 9 after eight use-free days: 8 of the last 9, the longest stretch kept.
#[test]
fn a_lapse_keeps_what_was_kept() {
    let mut answers: Vec<_> = (1..=8).map(|n| (n, No)).collect();
    answers.push((9, Yes));
    let p = run(&answers, 9).unwrap();
    assert_eq!((p.free, p.window, p.used), (8, 9, 1));
    assert_eq!(p.stretch, 0);
    assert_eq!(p.longest, 8);
    // The next day without use: one day again, the longest still 8.
    answers.push((10, No));
    let p = run(&answers, 10).unwrap();
    assert_eq!((p.free, p.window, p.stretch, p.longest), (9, 10, 1, 8));
}

/// "Prefer not to say" is neither; a day with a "yes" and a "no" is a day of use.
#[test]
fn prefer_not_to_say_is_neither_and_a_yes_wins_the_day() {
    let p = run(
        &[(1, No), (2, PreferNotToSay), (3, No), (3, Yes), (4, No)],
        4,
    )
    .unwrap();
    assert_eq!((p.free, p.used, p.unsaid, p.unanswered), (2, 1, 1, 0));
    assert_eq!(p.stretch, 1);
    assert_eq!(
        p.longest, 1,
        "a stretch ends on its last use-free day, not on an unsaid one"
    );
    assert!(run(&[(1, PreferNotToSay)], 1).is_none());
}

/// Days without an answer count in neither column, but do not break the stretch (no use
/// was reported); the window is the last 30 days.
#[test]
fn unanswered_days_and_the_thirty_day_window() {
    let p = run(&[(1, No), (5, No)], 5).unwrap();
    assert_eq!((p.free, p.unanswered, p.window, p.stretch), (2, 3, 5, 5));
    let answers: Vec<_> = (1..=40)
        .map(|n| (n, if n == 20 { Yes } else { No }))
        .collect();
    let p = run(&answers, 40).unwrap();
    assert_eq!((p.window, p.free, p.used), (30, 29, 1));
    assert_eq!((p.stretch, p.longest), (20, 20));
    // Answers after "today" (another time zone's tomorrow) are not counted.
    let p = run(&[(1, No), (3, Yes)], 2).unwrap();
    assert_eq!((p.used, p.stretch), (0, 1));
}

#[test]
fn each_milestone_once_and_the_largest_crossed() {
    assert_eq!(milestone_due(1, &[]), Some(1));
    assert_eq!(milestone_due(2, &[1]), None);
    assert_eq!(milestone_due(5, &[1]), Some(3));
    assert_eq!(milestone_due(7, &[1, 3]), Some(7));
    assert_eq!(milestone_due(7, &[1, 3, 7]), None);
    assert_eq!(milestone_due(0, &[]), None);
    assert_eq!(milestone_due(400, &MILESTONES[..8]), Some(365));
}
