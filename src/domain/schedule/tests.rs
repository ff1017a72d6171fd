use super::*;

fn zone(name: &str) -> PatientZone {
    PatientZone::parse(name).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn parses_typed_times() {
    let t = |s: &str| LocalTime::parse(s).map(|t| t.to_string());
    assert_eq!(t("8:30").as_deref(), Some("08:30"));
    assert_eq!(t("20:00").as_deref(), Some("20:00"));
    assert_eq!(t("8").as_deref(), Some("08:00"));
    assert_eq!(t("8.15").as_deref(), Some("08:15"));
    assert_eq!(t("2030").as_deref(), Some("20:30"));
    assert_eq!(t("8pm").as_deref(), Some("20:00"));
    assert_eq!(t("12am").as_deref(), Some("00:00"));
    assert_eq!(t("12:30 pm").as_deref(), Some("12:30"));
    assert_eq!(t("24:00"), None);
    assert_eq!(t("8:60"), None);
    assert_eq!(t("13pm"), None);
    assert_eq!(t("soon"), None);
    assert_eq!(t(""), None);
}

#[test]
fn ordinary_days_follow_the_zone() {
    let ny = zone("America/New_York");
    assert_eq!(
        instant_of(ny, date(2026, 1, 10), LocalTime::hm(8, 0)),
        utc(2026, 1, 10, 13, 0)
    );
    assert_eq!(
        instant_of(ny, date(2026, 7, 10), LocalTime::hm(8, 0)),
        utc(2026, 7, 10, 12, 0)
    );
    let fixed = zone("UTC+05:30");
    assert_eq!(
        instant_of(fixed, date(2026, 7, 10), LocalTime::hm(8, 0)),
        utc(2026, 7, 10, 2, 30)
    );
}

#[test]
fn spring_forward_gap_is_sent_right_after_the_gap() {
    // New York: 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    let ny = zone("America/New_York");
    assert_eq!(
        instant_of(ny, date(2026, 3, 8), LocalTime::hm(2, 30)),
        utc(2026, 3, 8, 7, 0)
    );
    // Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    let berlin = zone("Europe/Berlin");
    assert_eq!(
        instant_of(berlin, date(2026, 3, 29), LocalTime::hm(2, 15)),
        utc(2026, 3, 29, 1, 0)
    );
    // Times outside the gap are unaffected that day.
    assert_eq!(
        instant_of(ny, date(2026, 3, 8), LocalTime::hm(8, 0)),
        utc(2026, 3, 8, 12, 0)
    );
}

#[test]
fn fall_back_hour_is_sent_once_at_its_first_occurrence() {
    // New York: 2026-11-01 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    let ny = zone("America/New_York");
    assert_eq!(
        instant_of(ny, date(2026, 11, 1), LocalTime::hm(1, 30)),
        utc(2026, 11, 1, 5, 30)
    );
    // Berlin: 2026-10-25 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET).
    let berlin = zone("Europe/Berlin");
    assert_eq!(
        instant_of(berlin, date(2026, 10, 25), LocalTime::hm(2, 30)),
        utc(2026, 10, 25, 0, 30)
    );
    // The next instance is the next local date, a full day later in local terms.
    assert_eq!(
        instant_of(berlin, date(2026, 10, 26), LocalTime::hm(2, 30)),
        utc(2026, 10, 26, 1, 30)
    );
}

#[test]
fn first_date_is_today_until_the_time_passes() {
    let ny = zone("America/New_York");
    let t = LocalTime::hm(20, 0);
    assert_eq!(
        first_date(ny, t, utc(2026, 1, 10, 13, 0)),
        date(2026, 1, 10)
    );
    assert_eq!(first_date(ny, t, utc(2026, 1, 11, 1, 0)), date(2026, 1, 11));
    assert_eq!(
        first_date(ny, t, utc(2026, 1, 11, 3, 0)),
        date(2026, 1, 11),
        "22:00 local on the 10th"
    );
    assert_eq!(
        first_date(ny, LocalTime::hm(8, 0), utc(2026, 1, 10, 13, 0)),
        date(2026, 1, 11),
        "exactly due counts as passed"
    );
}

#[test]
fn quiet_hours_wrap_midnight_and_postpone_to_their_end() {
    let q = QuietHours {
        start: LocalTime::hm(22, 0),
        end: LocalTime::hm(7, 0),
    };
    assert!(q.contains(LocalTime::hm(23, 0)));
    assert!(q.contains(LocalTime::hm(0, 0)));
    assert!(q.contains(LocalTime::hm(6, 59)));
    assert!(!q.contains(LocalTime::hm(7, 0)));
    assert!(!q.contains(LocalTime::hm(21, 59)));
    let ny = zone("America/New_York");
    // 23:00 local on Jan 10 → 07:00 local on Jan 11.
    assert_eq!(
        q.postpone(ny, utc(2026, 1, 11, 4, 0)),
        utc(2026, 1, 11, 12, 0)
    );
    // 05:00 local → 07:00 the same day.
    assert_eq!(
        q.postpone(ny, utc(2026, 1, 11, 10, 0)),
        utc(2026, 1, 11, 12, 0)
    );
    // Outside: unchanged.
    assert_eq!(
        q.postpone(ny, utc(2026, 1, 11, 14, 0)),
        utc(2026, 1, 11, 14, 0)
    );
    let day = QuietHours {
        start: LocalTime::hm(13, 0),
        end: LocalTime::hm(15, 0),
    };
    assert!(day.contains(LocalTime::hm(14, 0)) && !day.contains(LocalTime::hm(15, 0)));
}

#[test]
fn random_times_stay_in_the_window_and_vary_by_day() {
    let (s, e) = (LocalTime::hm(13, 0), LocalTime::hm(18, 0));
    let mut seen = std::collections::HashSet::new();
    for day in 0..200 {
        let d = date(2026, 1, 1) + Duration::days(day);
        let t = random_time_in(s, e, day_seed(7, 3, d));
        assert!(t >= s && t < e, "{t}");
        seen.insert(t);
        assert_eq!(
            t,
            random_time_in(s, e, day_seed(7, 3, d)),
            "same day, same time"
        );
    }
    assert!(seen.len() > 100, "times vary: {} distinct", seen.len());
    // A window wrapping midnight.
    for day in 0..50 {
        let t = random_time_in(LocalTime::hm(22, 0), LocalTime::hm(1, 0), day);
        assert!(t >= LocalTime::hm(22, 0) || t < LocalTime::hm(1, 0), "{t}");
    }
}

#[test]
fn first_instance_skips_a_time_already_passed_and_honours_quiet_hours() {
    let ny = zone("America/New_York");
    let evening = SlotKind::Evening.default_timing();
    let now = utc(2026, 1, 10, 13, 0); // 08:00 local
    assert_eq!(
        first_instance(evening, ny, None, now, |_| 0),
        (date(2026, 1, 10), utc(2026, 1, 11, 1, 0))
    );
    let late = utc(2026, 1, 11, 2, 0); // 21:00 local
    assert_eq!(
        first_instance(evening, ny, None, late, |_| 0).0,
        date(2026, 1, 11)
    );
    // Quiet 19:00–21:00 moves the 20:00 slot to 21:00.
    let q = QuietHours {
        start: LocalTime::hm(19, 0),
        end: LocalTime::hm(21, 0),
    };
    assert_eq!(
        first_instance(evening, ny, Some(q), now, |_| 0).1,
        utc(2026, 1, 11, 2, 0)
    );
}

#[test]
fn a_window_across_midnight_gives_one_prompt_per_night() {
    let ny = zone("America/New_York");
    let w = Timing::Window {
        start: LocalTime::hm(21, 0),
        end: LocalTime::hm(2, 0),
    };
    let mut last: Option<DateTime<Utc>> = None;
    for day in 0..60 {
        let d = date(2026, 1, 1) + Duration::days(day);
        let at = instance(w, ny, None, d, day_seed(1, 1, d));
        // Inside the night that starts on `d`: from 21:00 on d to 02:00 on d + 1.
        assert!(at >= instant_of(ny, d, LocalTime::hm(21, 0)), "{d}: {at}");
        assert!(
            at < instant_of(ny, d + Duration::days(1), LocalTime::hm(2, 0)),
            "{d}: {at}"
        );
        if let Some(prev) = last {
            let gap = at - prev;
            assert!(
                gap > Duration::hours(19) && gap < Duration::hours(29),
                "{d}: gap {gap}"
            );
        }
        last = Some(at);
    }
}

#[test]
fn due_instances_are_sent_missed_or_paused() {
    let now = utc(2026, 1, 10, 12, 0);
    let grace = Duration::hours(2);
    assert_eq!(
        decide(now - Duration::minutes(1), now, grace, false),
        Due::Send
    );
    assert_eq!(
        decide(now - Duration::hours(2), now, grace, false),
        Due::Send
    );
    assert_eq!(
        decide(
            now - Duration::hours(2) - Duration::seconds(1),
            now,
            grace,
            false
        ),
        Due::Missed
    );
    assert_eq!(decide(now, now, grace, true), Due::Paused);
}

/// Sunday 18:00 local, strictly after the moment given, across a DST change and past quiet
/// hours.
#[test]
fn the_weekly_reflection_is_sunday_evening_local() {
    let madrid = zone("Europe/Madrid");
    // Thursday 3 December 2026, noon UTC: Sunday 6 December, 18:00 in Madrid (17:00 UTC).
    let now = utc(2026, 12, 3, 12, 0);
    assert_eq!(next_reflection(madrid, None, now), utc(2026, 12, 6, 17, 0));
    // At that very moment, the next one is a week later.
    let at = utc(2026, 12, 6, 17, 0);
    assert_eq!(next_reflection(madrid, None, at), utc(2026, 12, 13, 17, 0));
    // Across the October change (25 October 2026): 18:00 CET is 17:00 UTC again.
    let before = utc(2026, 10, 20, 12, 0);
    assert_eq!(
        next_reflection(madrid, None, before),
        utc(2026, 10, 25, 17, 0)
    );
    // Quiet hours from 17:00 to 20:00 move it to 20:00.
    let quiet = QuietHours {
        start: LocalTime::hm(17, 0),
        end: LocalTime::hm(20, 0),
    };
    assert_eq!(
        next_reflection(madrid, Some(quiet), now),
        utc(2026, 12, 6, 19, 0)
    );
    // Mexico City (no DST): 18:00 is 00:00 UTC on Monday.
    let mexico = zone("America/Mexico_City");
    assert_eq!(next_reflection(mexico, None, now), utc(2026, 12, 7, 0, 0));
}

/// Weekdays 07:30 and weekends at another time, through a week boundary and both DST changes
/// in Madrid: `cron` picks the day and the local time, `instant_of` the instant.
#[test]
fn a_week_slot_across_a_week_boundary_and_both_dst_changes() {
    let madrid = zone("Europe/Madrid");
    let week = |weekend: LocalTime| {
        Timing::Week(Week::new(Days::EVERY, LocalTime::hm(7, 30), Some(weekend)).unwrap())
    };
    let at = |timing: Timing, d: NaiveDate| instance(timing, madrid, None, d, 0);
    let ten = week(LocalTime::hm(10, 0));
    // Friday 4 December 2026, then the weekend, then Monday (CET, UTC+1).
    assert_eq!(at(ten, date(2026, 12, 4)), utc(2026, 12, 4, 6, 30));
    assert_eq!(at(ten, date(2026, 12, 5)), utc(2026, 12, 5, 9, 0));
    assert_eq!(at(ten, date(2026, 12, 6)), utc(2026, 12, 6, 9, 0));
    assert_eq!(at(ten, date(2026, 12, 7)), utc(2026, 12, 7, 6, 30));
    // Weekdays only: after Friday's, the next is Monday.
    let weekdays = Timing::Week(Week::new(Days::WEEKDAYS, LocalTime::hm(7, 30), None).unwrap());
    let after_friday = utc(2026, 12, 4, 7, 0);
    assert_eq!(
        first_instance(weekdays, madrid, None, after_friday, |_| 0),
        (date(2026, 12, 7), utc(2026, 12, 7, 6, 30))
    );
    assert_eq!(
        next_due_date(weekdays, date(2026, 12, 5)),
        date(2026, 12, 7)
    );
    // Spring forward, Sunday 29 March 2026: 02:30 does not exist; it comes right after the
    // gap, at 03:00 CEST (01:00 UTC). The Monday after is back at 07:30 CEST.
    let gap = week(LocalTime::hm(2, 30));
    assert_eq!(at(gap, date(2026, 3, 29)), utc(2026, 3, 29, 1, 0));
    assert_eq!(at(gap, date(2026, 3, 30)), utc(2026, 3, 30, 5, 30));
    // Fall back, Sunday 25 October 2026: 02:30 happens twice; the first one counts (CEST,
    // 00:30 UTC), once.
    assert_eq!(at(gap, date(2026, 10, 25)), utc(2026, 10, 25, 0, 30));
    assert_eq!(at(gap, date(2026, 10, 26)), utc(2026, 10, 26, 6, 30));
    // One instance per local date, through the whole week of the change.
    let mut d = date(2026, 10, 22);
    let mut seen = Vec::new();
    while d <= date(2026, 10, 28) {
        seen.push(at(gap, d));
        d = next_due_date(gap, d.succ_opt().unwrap());
    }
    assert_eq!(seen.len(), 7);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
}
