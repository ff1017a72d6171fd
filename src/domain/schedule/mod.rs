//! When check-ins are due: local times in the patient's zone, turned into instants.
//!
//! One prompt per slot per local day. Daylight saving never skips or doubles one:
//! - a local time inside the spring-forward gap (02:30 when clocks jump 02:00 → 03:00) is due at
//!   the first instant after the gap (03:00 local);
//! - a local time inside the fall-back hour (01:30 happens twice) is due at its first occurrence,
//!   and because instances are keyed by local date, the second occurrence is not another one.

use super::checkin::Questions;
use super::timezone::PatientZone;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use std::fmt;

/// A wall-clock time of day, in minutes after midnight (0..1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    pub fn from_minutes(m: u16) -> Option<LocalTime> {
        (m < 1440).then_some(LocalTime(m))
    }

    pub fn hm(h: u16, m: u16) -> LocalTime {
        LocalTime::from_minutes(h * 60 + m).expect("valid time")
    }

    /// Accepts "8", "8:30", "08:30", "20:00", "8.30", "830", "2030", "8pm", "8:30 am".
    pub fn parse(text: &str) -> Option<LocalTime> {
        let t = text.trim().to_lowercase().replace(' ', "");
        let (t, pm) = if let Some(x) = t.strip_suffix("pm") {
            (x.to_string(), Some(true))
        } else if let Some(x) = t.strip_suffix("am") {
            (x.to_string(), Some(false))
        } else {
            (t, None)
        };
        let (h, m) = if let Some((h, m)) = t.split_once([':', '.', 'h']) {
            (h.to_string(), m.to_string())
        } else if t.len() >= 3 && t.len() <= 4 {
            let (h, m) = t.split_at(t.len() - 2);
            (h.to_string(), m.to_string())
        } else {
            (t, "0".to_string())
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&h) || !digits(&m) {
            return None;
        }
        let mut h: u16 = h.parse().ok()?;
        let m: u16 = m.parse().ok()?;
        if m >= 60 {
            return None;
        }
        match pm {
            Some(_) if !(1..=12).contains(&h) => return None,
            Some(true) if h != 12 => h += 12,
            Some(false) if h == 12 => h = 0,
            _ => {}
        }
        if h >= 24 {
            return None;
        }
        LocalTime::from_minutes(h * 60 + m)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    fn naive(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0).expect("valid")
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// The instant at which `time` on `date` happens in `zone`, with the DST rules above.
pub fn instant_of(zone: PatientZone, date: NaiveDate, time: LocalTime) -> DateTime<Utc> {
    let local = NaiveDateTime::new(date, time.naive());
    match zone {
        PatientZone::Fixed(o) => {
            (local - Duration::seconds(i64::from(o.local_minus_utc()))).and_utc()
        }
        PatientZone::Iana(tz) => match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => {
                // In a gap: the first local minute after it that exists. Gaps are at most a
                // few hours; walk forward a minute at a time from the requested time.
                let mut probe = local;
                for _ in 0..(24 * 60) {
                    probe += Duration::minutes(1);
                    if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                        // The gap's end: the earliest instant whose local time is >= probe.
                        return t.with_timezone(&Utc);
                    }
                }
                local.and_utc()
            }
        },
    }
}

/// The patient's local date at `at`.
pub fn local_date(zone: PatientZone, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone.offset_at(at)).date_naive()
}

/// The patient's local time of day at `at`.
pub fn local_time(zone: PatientZone, at: DateTime<Utc>) -> LocalTime {
    use chrono::Timelike;
    let t = at.with_timezone(&zone.offset_at(at)).time();
    LocalTime::from_minutes((t.hour() * 60 + t.minute()) as u16).expect("valid")
}

/// The first local date from which a slot at `time` is still ahead of `now`: today if its
/// time has not passed yet, else tomorrow.
pub fn first_date(zone: PatientZone, time: LocalTime, now: DateTime<Utc>) -> NaiveDate {
    let today = local_date(zone, now);
    if instant_of(zone, today, time) > now {
        today
    } else {
        today.succ_opt().expect("date in range")
    }
}

/// The weekly reflection comes on Sunday evening, local time: the week is done, the next not
/// begun.
pub const REFLECTION_DAY: chrono::Weekday = chrono::Weekday::Sun;
pub const REFLECTION_TIME: LocalTime = LocalTime(18 * 60);

/// The first weekly reflection moment strictly after `after`: `REFLECTION_DAY` at
/// `REFLECTION_TIME` in `zone` (DST resolved like the slots), moved past quiet hours.
pub fn next_reflection(
    zone: PatientZone,
    quiet: Option<QuietHours>,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    use chrono::Datelike;
    let mut date = local_date(zone, after);
    loop {
        if date.weekday() == REFLECTION_DAY {
            let at = instant_of(zone, date, REFLECTION_TIME);
            if at > after {
                return quiet.map_or(at, |q| q.postpone(zone, at));
            }
        }
        date = date.succ_opt().expect("date in range");
    }
}

/// Quiet hours: a local window during which nothing is sent. It may wrap midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: LocalTime,
    pub end: LocalTime,
}

impl QuietHours {
    /// Whether the local time of day falls inside the window (start inclusive, end exclusive).
    pub fn contains(&self, t: LocalTime) -> bool {
        let (s, e, t) = (self.start.0, self.end.0, t.0);
        if s == e {
            false
        } else if s < e {
            s <= t && t < e
        } else {
            t >= s || t < e
        }
    }

    /// `at` if it is outside quiet hours, else the instant the quiet hours end.
    pub fn postpone(&self, zone: PatientZone, at: DateTime<Utc>) -> DateTime<Utc> {
        let t = local_time(zone, at);
        if !self.contains(t) {
            return at;
        }
        let date = local_date(zone, at);
        // The end is today if it is later than now, else tomorrow (window wrapping midnight).
        let end_date = if self.end > t {
            date
        } else {
            date.succ_opt().expect("date in range")
        };
        instant_of(zone, end_date, self.end).max(at)
    }
}

/// A time inside `[start, end)` chosen from `seed`: the same seed gives the same time, and a
/// different day gives a different seed, so the prompt comes at a different time each day.
pub fn random_time_in(start: LocalTime, end: LocalTime, seed: u64) -> LocalTime {
    let span = if end.0 > start.0 {
        end.0 - start.0
    } else {
        1440 - start.0 + end.0
    };
    let offset = (splitmix64(seed) % u64::from(span.max(1))) as u16;
    LocalTime((start.0 + offset) % 1440)
}

/// Seed for a random slot's day.
pub fn day_seed(patient_id: i64, slot_id: i64, date: NaiveDate) -> u64 {
    use chrono::Datelike;
    (patient_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (slot_id as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ (date.num_days_from_ce() as u64).wrapping_mul(0x1656_67B1_9E37_79F9)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The kinds of slot a patient can have; each asks its own questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlotKind {
    Morning,
    Evening,
    /// One prompt at a random time inside a window, different each day.
    Afternoon,
}

impl SlotKind {
    pub const ALL: [SlotKind; 3] = [SlotKind::Morning, SlotKind::Evening, SlotKind::Afternoon];

    pub fn code(self) -> &'static str {
        match self {
            SlotKind::Morning => "morning",
            SlotKind::Evening => "evening",
            SlotKind::Afternoon => "afternoon",
        }
    }

    pub fn parse(code: &str) -> Option<SlotKind> {
        SlotKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn questions(self) -> Questions {
        match self {
            SlotKind::Morning => Questions::morning(),
            SlotKind::Evening => Questions::evening(),
            SlotKind::Afternoon => Questions::afternoon(),
        }
    }

    pub fn default_timing(self) -> Timing {
        match self {
            SlotKind::Morning => Timing::At(LocalTime::hm(8, 0)),
            SlotKind::Evening => Timing::At(LocalTime::hm(20, 0)),
            SlotKind::Afternoon => Timing::Window {
                start: LocalTime::hm(13, 0),
                end: LocalTime::hm(18, 0),
            },
        }
    }

    /// Times offered as buttons when moving a slot of this kind.
    pub fn time_choices(self) -> Vec<LocalTime> {
        let (from, to) = match self {
            SlotKind::Morning => (6 * 60, 11 * 60),
            SlotKind::Evening => (17 * 60, 22 * 60 + 30),
            SlotKind::Afternoon => (12 * 60, 17 * 60),
        };
        (from..=to)
            .step_by(30)
            .map(|m| LocalTime(m as u16))
            .collect()
    }

    /// Windows offered for a random slot.
    pub fn window_choices() -> Vec<(LocalTime, LocalTime)> {
        [(12, 17), (13, 18), (14, 19), (15, 20), (16, 21)]
            .into_iter()
            .map(|(a, b)| (LocalTime::hm(a, 0), LocalTime::hm(b, 0)))
            .collect()
    }
}

/// When in the local day a slot fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Every day at this time.
    At(LocalTime),
    Window {
        start: LocalTime,
        end: LocalTime,
    },
    /// On chosen days of the week, maybe at another time at weekends.
    Week(Week),
}

impl Timing {
    /// The local time on `date`, a day it is due (see `is_due_on`).
    pub fn time_on(&self, date: NaiveDate, seed: u64) -> LocalTime {
        match *self {
            Timing::At(t) => t,
            Timing::Window { start, end } => random_time_in(start, end, seed),
            Timing::Week(w) => w.time_on(date).unwrap_or(w.time),
        }
    }

    /// Whether it has an instance on local date `date` (a week's day off has none).
    pub fn is_due_on(&self, date: NaiveDate) -> bool {
        match self {
            Timing::Week(w) => w.time_on(date).is_some(),
            _ => true,
        }
    }

    /// The fixed time shown and edited for it (the weekday time of a week).
    pub fn fixed_time(&self) -> Option<LocalTime> {
        match *self {
            Timing::At(t) => Some(t),
            Timing::Week(w) => Some(w.time),
            Timing::Window { .. } => None,
        }
    }

    /// The same days, at a new (weekday) time.
    pub fn at(&self, time: LocalTime) -> Timing {
        match *self {
            Timing::Week(w) => {
                Week::new(w.days, time, w.weekend).map_or(Timing::At(time), Timing::Week)
            }
            _ => Timing::At(time),
        }
    }

    /// A week that is every day at one time is stored as a plain daily slot.
    pub fn normalized(self) -> Timing {
        match self {
            Timing::Week(w) if w.is_daily() => Timing::At(w.time),
            t => t,
        }
    }
}

/// The first local date from `from` on that `timing` is due.
pub fn next_due_date(timing: Timing, from: NaiveDate) -> NaiveDate {
    let mut date = from;
    // A week has at least one day: its next one is at most 6 days on.
    for _ in 0..7 {
        if timing.is_due_on(date) {
            return date;
        }
        date = date.succ_opt().expect("date in range");
    }
    from
}

/// The instant of a slot's instance on `date`: its local time (random slots: that day's
/// random time), moved to the end of quiet hours if it falls inside them.
pub fn instance(
    timing: Timing,
    zone: PatientZone,
    quiet: Option<QuietHours>,
    date: NaiveDate,
    seed: u64,
) -> DateTime<Utc> {
    let t = timing.time_on(date, seed);
    // A random window that crosses midnight (21:00–02:00): a time after midnight belongs to
    // the night that began on `date`, i.e. the next calendar day.
    let day = match timing {
        Timing::Window { start, .. } if t < start => date.succ_opt().expect("date in range"),
        _ => date,
    };
    let at = instant_of(zone, day, t);
    quiet.map_or(at, |q| q.postpone(zone, at))
}

/// The first instance strictly after `now`: today's if still ahead, else tomorrow's.
pub fn first_instance(
    timing: Timing,
    zone: PatientZone,
    quiet: Option<QuietHours>,
    now: DateTime<Utc>,
    seed: impl Fn(NaiveDate) -> u64,
) -> (NaiveDate, DateTime<Utc>) {
    let mut date = next_due_date(timing, local_date(zone, now));
    loop {
        let at = instance(timing, zone, quiet, date, seed(date));
        if at > now {
            return (date, at);
        }
        date = next_due_date(timing, date.succ_opt().expect("date in range"));
    }
}

/// What to do with a slot instance that has come due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Send,
    /// Came due longer ago than the grace period (the bot was down): record as missed.
    Missed,
    /// The patient paused check-ins.
    Paused,
}

pub fn decide(due_at: DateTime<Utc>, now: DateTime<Utc>, grace: Duration, paused: bool) -> Due {
    if paused {
        Due::Paused
    } else if now - due_at > grace {
        Due::Missed
    } else {
        Due::Send
    }
}

pub mod week;
pub use week::{Days, Week};

#[cfg(test)]
mod tests;
