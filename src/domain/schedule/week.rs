//! A check-in's week: the days it is due and its time, with another time at weekends if the
//! patient wants ("07:30 on weekdays, 10:00 at weekends"). Stored as `cron` expressions on
//! local time (6 fields, seconds first, as `cron` 0.17 reads them; several joined by `;`), and
//! evaluated with `cron` on naive local times: which days, and at what local time. Turning that
//! local time into an instant stays with `instant_of` (a time in the spring-forward gap comes
//! right after it, a repeated hour counts once), so `cron` never sees a time zone.

use super::LocalTime;
use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};
use std::str::FromStr;

/// The days of the week, Monday first, as bits (Monday = 1, Sunday = 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days(u8);

impl Days {
    pub const EVERY: Days = Days(0b111_1111);
    pub const WEEKDAYS: Days = Days(0b001_1111);
    pub const WEEKENDS: Days = Days(0b110_0000);
    pub const NONE: Days = Days(0);

    pub fn from_bits(bits: u8) -> Option<Days> {
        (bits & 0b1000_0000 == 0).then_some(Days(bits))
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn with(self, day: Weekday, on: bool) -> Days {
        let bit = 1 << day.num_days_from_monday();
        Days(if on { self.0 | bit } else { self.0 & !bit })
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn and(self, other: Days) -> Days {
        Days(self.0 & other.0)
    }

    pub fn or(self, other: Days) -> Days {
        Days(self.0 | other.0)
    }

    pub fn days(self) -> impl Iterator<Item = Weekday> {
        ALL_DAYS.into_iter().filter(move |d| self.contains(*d))
    }

    /// `Mon,Wed,Fri`, as a cron day-of-week field.
    fn cron_field(self) -> String {
        self.days().map(cron_day).collect::<Vec<_>>().join(",")
    }
}

pub const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn cron_day(d: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.num_days_from_monday() as usize]
}

/// A slot's week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// The days it is due (never empty).
    pub days: Days,
    /// Its time on the days it is due (on weekdays, when `weekend` is set).
    pub time: LocalTime,
    /// Another time on Saturday and Sunday.
    pub weekend: Option<LocalTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekError(pub String);

impl Week {
    pub fn new(days: Days, time: LocalTime, weekend: Option<LocalTime>) -> Result<Week, WeekError> {
        if days.is_empty() {
            return Err(WeekError("no day is chosen".into()));
        }
        // A weekend time on a week without weekend days would never be used.
        let weekend = weekend.filter(|w| *w != time && !days.and(Days::WEEKENDS).is_empty());
        Ok(Week {
            days,
            time,
            weekend,
        })
    }

    /// Every day at `time`: today's behaviour.
    pub fn daily(time: LocalTime) -> Week {
        Week {
            days: Days::EVERY,
            time,
            weekend: None,
        }
    }

    pub fn is_daily(&self) -> bool {
        self.days == Days::EVERY && self.weekend.is_none()
    }

    /// (days, time) pairs, weekdays first.
    pub fn parts(&self) -> Vec<(Days, LocalTime)> {
        match self.weekend {
            Some(w) => [
                (self.days.and(Days::WEEKDAYS), self.time),
                (self.days.and(Days::WEEKENDS), w),
            ]
            .into_iter()
            .filter(|(d, _)| !d.is_empty())
            .collect(),
            None => vec![(self.days, self.time)],
        }
    }

    /// As stored: `0 30 7 * * Mon,Tue,Wed,Thu,Fri;0 0 10 * * Sat,Sun`.
    pub fn cron(&self) -> String {
        self.parts()
            .into_iter()
            .map(|(days, t)| {
                format!(
                    "0 {} {} * * {}",
                    t.minutes() % 60,
                    t.minutes() / 60,
                    days.cron_field()
                )
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Reads a stored or operator-written week: one or two `cron` expressions joined by `;`,
    /// each firing at one time of day (`0 M H * * DAYS`). Anything `cron` cannot read, or that
    /// fires more than once a day, on chosen dates or months, is refused with the reason.
    pub fn parse_cron(source: &str) -> Result<Week, WeekError> {
        let mut parts: Vec<(Days, LocalTime)> = Vec::new();
        for expr in source.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let schedule = cron::Schedule::from_str(expr)
                .map_err(|e| WeekError(format!("`{expr}` is not a cron expression: {e}")))?;
            let fields: Vec<&str> = expr.split_whitespace().collect();
            if fields.len() != 6 {
                return Err(WeekError(format!(
                    "`{expr}` needs 6 fields: second minute hour day-of-month month day-of-week"
                )));
            }
            let number = |f: &str, max: u16, what: &str| {
                f.parse::<u16>().ok().filter(|v| *v <= max).ok_or_else(|| {
                    WeekError(format!(
                        "`{expr}`: the {what} must be one number (a check-in comes once a day)"
                    ))
                })
            };
            if fields[0] != "0" {
                return Err(WeekError(format!("`{expr}`: the seconds must be 0")));
            }
            let minute = number(fields[1], 59, "minute")?;
            let hour = number(fields[2], 23, "hour")?;
            if fields[3] != "*" || fields[4] != "*" {
                return Err(WeekError(format!(
                    "`{expr}`: day of month and month must be `*` (choose days of the week)"
                )));
            }
            // The days, as cron reads them: the weekdays of a sample week it fires on.
            let monday = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a Monday");
            let mut days = Days::NONE;
            for (i, day) in ALL_DAYS.into_iter().enumerate() {
                let date = monday + chrono::Days::new(i as u64);
                if fires_on(&schedule, date).is_some() {
                    days = days.with(day, true);
                }
            }
            if days.is_empty() {
                return Err(WeekError(format!("`{expr}` is due on no day")));
            }
            let time = LocalTime::from_minutes(hour * 60 + minute).expect("checked above");
            parts.push((days, time));
        }
        match parts.as_slice() {
            [] => Err(WeekError("no cron expression".into())),
            [(days, time)] => Week::new(*days, *time, None),
            [(a, ta), (b, tb)] if a.and(*b).is_empty() => {
                // Weekdays at one time, weekend days at another.
                let (weekdays, wt, weekend, et) = if b.and(Days::WEEKDAYS).is_empty() {
                    (*a, *ta, *b, *tb)
                } else {
                    (*b, *tb, *a, *ta)
                };
                if !weekdays.and(Days::WEEKENDS).is_empty()
                    || !weekend.and(Days::WEEKDAYS).is_empty()
                {
                    return Err(WeekError(
                        "two expressions must split weekdays and weekends".into(),
                    ));
                }
                Week::new(Days(weekdays.0 | weekend.0), wt, Some(et))
            }
            _ => Err(WeekError(
                "at most two expressions, one for weekdays and one for weekends, on different days"
                    .into(),
            )),
        }
    }

    /// The local time it is due on `date`, or `None` on a day off. Evaluated with `cron` on
    /// the naive local date and time.
    pub fn time_on(&self, date: NaiveDate) -> Option<LocalTime> {
        self.cron()
            .split(';')
            .filter_map(|expr| cron::Schedule::from_str(expr).ok())
            .filter_map(|s| fires_on(&s, date))
            .min()
    }
}

/// The first time of day `schedule` fires on `date`, read on naive local time (the date and
/// times are handed to `cron` as UTC, which has no DST: a wall-clock reading).
fn fires_on(schedule: &cron::Schedule, date: NaiveDate) -> Option<LocalTime> {
    let start = Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?) - chrono::Duration::seconds(1);
    let next = schedule.after(&start).next()?;
    if next.date_naive() != date {
        return None;
    }
    use chrono::Timelike;
    LocalTime::from_minutes((next.hour() * 60 + next.minute()) as u16)
}

/// `date`'s weekday is on a weekend.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u16, m: u16) -> LocalTime {
        LocalTime::hm(h, m)
    }

    fn d(day: u32) -> NaiveDate {
        // Monday 7 December 2026 .. Sunday 13 December.
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn weekdays_and_weekends_at_different_times() {
        let w = Week::new(Days::EVERY, t(7, 30), Some(t(10, 0))).unwrap();
        assert_eq!(
            w.cron(),
            "0 30 7 * * Mon,Tue,Wed,Thu,Fri;0 0 10 * * Sat,Sun"
        );
        for day in 7..=11 {
            assert_eq!(w.time_on(d(day)), Some(t(7, 30)), "{day}");
        }
        assert_eq!(w.time_on(d(12)), Some(t(10, 0)));
        assert_eq!(w.time_on(d(13)), Some(t(10, 0)));
        assert_eq!(Week::parse_cron(&w.cron()).unwrap(), w);
    }

    #[test]
    fn chosen_days_and_days_off() {
        let days = Days::NONE
            .with(Weekday::Mon, true)
            .with(Weekday::Wed, true)
            .with(Weekday::Fri, true);
        let w = Week::new(days, t(8, 0), None).unwrap();
        assert_eq!(w.cron(), "0 0 8 * * Mon,Wed,Fri");
        let due: Vec<bool> = (7..=13).map(|x| w.time_on(d(x)).is_some()).collect();
        assert_eq!(due, [true, false, true, false, true, false, false]);
        assert!(
            Week::new(Days::NONE, t(8, 0), None).is_err(),
            "no day chosen"
        );
        // A weekend time without weekend days is dropped, as it would never be used.
        let w = Week::new(Days::WEEKDAYS, t(8, 0), Some(t(10, 0))).unwrap();
        assert_eq!(w.weekend, None);
        assert!(Week::daily(t(8, 0)).is_daily());
    }

    #[test]
    fn operator_written_cron_is_read_or_refused_with_the_reason() {
        let w = Week::parse_cron("0 0 9 * * Mon-Fri").unwrap();
        assert_eq!((w.days, w.time), (Days::WEEKDAYS, t(9, 0)));
        let w = Week::parse_cron("0 0 21 * * *").unwrap();
        assert!(w.is_daily());
        let w = Week::parse_cron("0 30 10 * * Sat,Sun ; 0 0 8 * * Mon-Fri").unwrap();
        assert_eq!((w.time, w.weekend), (t(8, 0), Some(t(10, 30))));
        for bad in [
            "",
            "0 */5 9 * * *",
            "30 0 9 * * *",
            "0 0 9 1 * *",
            "0 0 9 * * Mon;0 0 10 * * Mon",
            "0 0 25 * * *",
            "0 0 9 * *",
            "nonsense",
        ] {
            assert!(Week::parse_cron(bad).is_err(), "{bad}");
        }
    }
}

/// What a patient typed while editing a check-in: "weekdays at 8", "lunes a viernes 8:00",
/// "mon wed fri 7:30", "weekends 10". The days named (if any) and the time (if any).
pub fn parse_typed(text: &str) -> (Option<Days>, Option<LocalTime>) {
    let folded = crate::domain::crisis::fold_accents(&text.to_lowercase());
    let clean: String = folded
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ':' || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = clean.split_whitespace().collect();
    let time = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .find_map(|w| LocalTime::parse(w));
    let joined = format!(" {} ", words.join(" "));
    let has = |phrases: &[&str]| phrases.iter().any(|p| joined.contains(&format!(" {p} ")));
    let mut days = None;
    if has(&[
        "every day",
        "everyday",
        "daily",
        "todos los dias",
        "cada dia",
        "diario",
    ]) {
        days = Some(Days::EVERY);
    } else if has(&[
        "weekdays",
        "weekday",
        "mon fri",
        "monday to friday",
        "monday friday",
        "entre semana",
        "lunes a viernes",
        "de lunes a viernes",
        "laborables",
        "dias laborables",
    ]) {
        days = Some(Days::WEEKDAYS);
    } else if has(&[
        "weekends",
        "weekend",
        "at weekends",
        "fin de semana",
        "fines de semana",
        "sabados y domingos",
        "sabado y domingo",
    ]) {
        days = Some(Days::WEEKENDS);
    } else {
        const NAMES: [(&[&str], Weekday); 7] = [
            (&["mon", "monday", "mondays", "lunes", "lun"], Weekday::Mon),
            (
                &["tue", "tues", "tuesday", "tuesdays", "martes", "mar"],
                Weekday::Tue,
            ),
            (
                &["wed", "wednesday", "wednesdays", "miercoles", "mie"],
                Weekday::Wed,
            ),
            (
                &[
                    "thu",
                    "thur",
                    "thurs",
                    "thursday",
                    "thursdays",
                    "jueves",
                    "jue",
                ],
                Weekday::Thu,
            ),
            (
                &["fri", "friday", "fridays", "viernes", "vie"],
                Weekday::Fri,
            ),
            (
                &["sat", "saturday", "saturdays", "sabado", "sabados", "sab"],
                Weekday::Sat,
            ),
            (
                &["sun", "sunday", "sundays", "domingo", "domingos", "dom"],
                Weekday::Sun,
            ),
        ];
        let mut found = Days::NONE;
        for w in &words {
            if let Some((_, day)) = NAMES.iter().find(|(names, _)| names.contains(w)) {
                found = found.with(*day, true);
            }
        }
        if !found.is_empty() {
            days = Some(found);
        }
    }
    (days, time)
}

#[cfg(test)]
mod typed_tests {
    use super::*;

    #[test]
    fn typed_days_and_times_in_english_and_spanish() {
        let t = |h, m| Some(LocalTime::hm(h, m));
        assert_eq!(
            parse_typed("weekdays at 8"),
            (Some(Days::WEEKDAYS), t(8, 0))
        );
        assert_eq!(
            parse_typed("Lunes a viernes 8:00"),
            (Some(Days::WEEKDAYS), t(8, 0))
        );
        assert_eq!(
            parse_typed("weekends 10:30"),
            (Some(Days::WEEKENDS), t(10, 30))
        );
        assert_eq!(
            parse_typed("fines de semana a las 10"),
            (Some(Days::WEEKENDS), t(10, 0))
        );
        let mwf = Days::NONE
            .with(Weekday::Mon, true)
            .with(Weekday::Wed, true)
            .with(Weekday::Fri, true);
        assert_eq!(parse_typed("mon, wed, fri 7:30"), (Some(mwf), t(7, 30)));
        assert_eq!(
            parse_typed("lunes, miércoles y viernes 7:30"),
            (Some(mwf), t(7, 30))
        );
        assert_eq!(parse_typed("8:30"), (None, t(8, 30)));
        assert_eq!(parse_typed("every day"), (Some(Days::EVERY), None));
        assert_eq!(parse_typed("whenever"), (None, None));
    }
}
