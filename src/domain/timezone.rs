//! The patient's time zone: an IANA zone (DST-aware) or a fixed UTC offset.
//!
//! Telegram does not tell bots a user's time zone, so the patient picks one: a button from a
//! short list, or typed as a city, an IANA name (`Europe/Madrid`) or an offset (`UTC+2`, `-03:30`).

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

/// Zones offered as buttons. Anyone else types theirs.
pub const COMMON_ZONES: &[Tz] = &[
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Denver,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Mexico_City,
    chrono_tz::America::Bogota,
    chrono_tz::America::Argentina::Buenos_Aires,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Madrid,
    chrono_tz::Europe::Berlin,
];

/// Cities people commonly type that are not the name of an IANA zone.
const CITY_ALIASES: &[(&str, Tz)] = &[
    ("nyc", chrono_tz::America::New_York),
    ("new york city", chrono_tz::America::New_York),
    ("boston", chrono_tz::America::New_York),
    ("miami", chrono_tz::America::New_York),
    ("atlanta", chrono_tz::America::New_York),
    ("philadelphia", chrono_tz::America::New_York),
    ("washington", chrono_tz::America::New_York),
    ("washington dc", chrono_tz::America::New_York),
    ("dallas", chrono_tz::America::Chicago),
    ("houston", chrono_tz::America::Chicago),
    ("austin", chrono_tz::America::Chicago),
    ("san antonio", chrono_tz::America::Chicago),
    ("minneapolis", chrono_tz::America::Chicago),
    ("seattle", chrono_tz::America::Los_Angeles),
    ("san francisco", chrono_tz::America::Los_Angeles),
    ("san diego", chrono_tz::America::Los_Angeles),
    ("portland", chrono_tz::America::Los_Angeles),
    ("las vegas", chrono_tz::America::Los_Angeles),
    ("la", chrono_tz::America::Los_Angeles),
    ("salt lake city", chrono_tz::America::Denver),
    ("cdmx", chrono_tz::America::Mexico_City),
    ("ciudad de mexico", chrono_tz::America::Mexico_City),
    ("ciudad de méxico", chrono_tz::America::Mexico_City),
    ("bogotá", chrono_tz::America::Bogota),
    ("medellin", chrono_tz::America::Bogota),
    ("medellín", chrono_tz::America::Bogota),
    ("barcelona", chrono_tz::Europe::Madrid),
    ("valencia", chrono_tz::Europe::Madrid),
    ("sevilla", chrono_tz::Europe::Madrid),
    ("seville", chrono_tz::Europe::Madrid),
    ("munich", chrono_tz::Europe::Berlin),
    ("hamburg", chrono_tz::Europe::Berlin),
    ("frankfurt", chrono_tz::Europe::Berlin),
    ("manchester", chrono_tz::Europe::London),
    ("edinburgh", chrono_tz::Europe::London),
    ("toronto", chrono_tz::America::Toronto),
    ("montreal", chrono_tz::America::Toronto),
    ("vancouver", chrono_tz::America::Vancouver),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientZone {
    Iana(Tz),
    /// Offset east of UTC in seconds; no daylight saving.
    Fixed(FixedOffset),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneError {
    Empty,
    /// Typed text matched no zone, city or offset.
    Unknown,
    /// An offset outside UTC−12:00 … UTC+14:00, or minutes that are not 0, 15, 30 or 45.
    OffsetOutOfRange,
}

impl PatientZone {
    /// The country this zone lies in, per the tz database; none for a fixed offset.
    pub fn country(&self) -> Option<&'static str> {
        match self {
            PatientZone::Iana(tz) => super::country::of_zone(tz.name()),
            PatientZone::Fixed(_) => None,
        }
    }

    /// Parses what a patient types. Also parses the stored form (`Display`).
    pub fn parse(input: &str) -> Result<PatientZone, ZoneError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(ZoneError::Empty);
        }
        if t.chars().count() > 64 {
            return Err(ZoneError::Unknown);
        }
        if let Some(offset) = parse_offset(t)? {
            return Ok(PatientZone::Fixed(offset));
        }
        let lower = t.to_lowercase();
        if lower == "utc" || lower == "gmt" {
            return Ok(PatientZone::Iana(chrono_tz::UTC));
        }
        // IANA names, case-insensitively, with spaces accepted for underscores.
        let as_id = lower.replace(' ', "_");
        if let Some(tz) = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().to_lowercase() == as_id)
        {
            return Ok(PatientZone::Iana(*tz));
        }
        if let Some((_, tz)) = CITY_ALIASES.iter().find(|(name, _)| *name == lower) {
            return Ok(PatientZone::Iana(*tz));
        }
        // A city that is the last part of a canonical zone name: "madrid", "new york".
        let mut matches = chrono_tz::TZ_VARIANTS.iter().filter(|tz| {
            let name = tz.name();
            is_canonical_region(name)
                && name
                    .rsplit('/')
                    .next()
                    .is_some_and(|city| city.to_lowercase() == as_id)
        });
        if let Some(tz) = matches.next() {
            return Ok(PatientZone::Iana(*tz));
        }
        Err(ZoneError::Unknown)
    }

    /// The UTC offset in force at `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            PatientZone::Iana(tz) => tz.offset_from_utc_datetime(&at.naive_utc()).fix(),
            PatientZone::Fixed(o) => *o,
        }
    }

    /// Local wall-clock time at `at`, as "HH:MM".
    pub fn local_hhmm(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.offset_at(at))
            .format("%H:%M")
            .to_string()
    }

    /// The local calendar date at `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.offset_at(at)).date_naive()
    }

    /// A short label for people: the city part of a zone ("New York"), or the offset.
    pub fn label(&self) -> String {
        match self {
            PatientZone::Iana(tz) => tz
                .name()
                .rsplit('/')
                .next()
                .unwrap_or(tz.name())
                .replace('_', " "),
            PatientZone::Fixed(_) => self.to_string(),
        }
    }
}

impl fmt::Display for PatientZone {
    /// The stored form: an IANA name, or `UTC+05:30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatientZone::Iana(tz) => f.write_str(tz.name()),
            PatientZone::Fixed(o) => {
                let s = o.local_minus_utc();
                let sign = if s < 0 { '-' } else { '+' };
                let a = s.abs();
                write!(f, "UTC{}{:02}:{:02}", sign, a / 3600, (a % 3600) / 60)
            }
        }
    }
}

fn is_canonical_region(name: &str) -> bool {
    [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// `+2`, `-3`, `+05:30`, `UTC+2`, `GMT-03:00`, `utc +0530`. `Ok(None)` when it is not an offset.
fn parse_offset(t: &str) -> Result<Option<FixedOffset>, ZoneError> {
    let lower = t.to_lowercase();
    let rest = lower
        .strip_prefix("utc")
        .or_else(|| lower.strip_prefix("gmt"))
        .unwrap_or(&lower)
        .trim();
    let (sign, digits) = match rest.chars().next() {
        Some('+') => (1, &rest[1..]),
        Some('-') | Some('−') => (-1, &rest[rest.chars().next().unwrap().len_utf8()..]),
        _ => return Ok(None),
    };
    let digits = digits.trim();
    let (h, m) = if let Some((h, m)) = digits.split_once(':') {
        (h, m)
    } else if digits.len() == 4 {
        digits.split_at(2)
    } else {
        (digits, "0")
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return Ok(None);
    }
    let h: i32 = h.parse().map_err(|_| ZoneError::Unknown)?;
    let m: i32 = m.parse().map_err(|_| ZoneError::Unknown)?;
    if ![0, 15, 30, 45].contains(&m) {
        return Err(ZoneError::OffsetOutOfRange);
    }
    let secs = sign * (h * 3600 + m * 60);
    if !(-12 * 3600..=14 * 3600).contains(&secs) {
        return Err(ZoneError::OffsetOutOfRange);
    }
    Ok(FixedOffset::east_opt(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn iana(name: &str) -> PatientZone {
        PatientZone::Iana(name.parse().unwrap())
    }

    #[test]
    fn iana_names_case_insensitive() {
        assert_eq!(
            PatientZone::parse("Europe/Madrid"),
            Ok(iana("Europe/Madrid"))
        );
        assert_eq!(
            PatientZone::parse("europe/madrid"),
            Ok(iana("Europe/Madrid"))
        );
        assert_eq!(
            PatientZone::parse("America/New York"),
            Ok(iana("America/New_York"))
        );
        assert_eq!(PatientZone::parse("utc"), Ok(iana("UTC")));
    }

    #[test]
    fn cities_and_aliases() {
        assert_eq!(PatientZone::parse("Madrid"), Ok(iana("Europe/Madrid")));
        assert_eq!(PatientZone::parse("new york"), Ok(iana("America/New_York")));
        assert_eq!(PatientZone::parse("Tokyo"), Ok(iana("Asia/Tokyo")));
        assert_eq!(PatientZone::parse("Boston"), Ok(iana("America/New_York")));
        assert_eq!(PatientZone::parse("Barcelona"), Ok(iana("Europe/Madrid")));
        assert_eq!(
            PatientZone::parse("Buenos Aires"),
            Ok(iana("America/Argentina/Buenos_Aires"))
        );
        assert_eq!(PatientZone::parse("Atlantis"), Err(ZoneError::Unknown));
        assert_eq!(PatientZone::parse("  "), Err(ZoneError::Empty));
        assert_eq!(
            PatientZone::parse(&"x".repeat(5000)),
            Err(ZoneError::Unknown)
        );
    }

    #[test]
    fn offsets() {
        let fixed = |s: i32| Ok(PatientZone::Fixed(FixedOffset::east_opt(s).unwrap()));
        assert_eq!(PatientZone::parse("+2"), fixed(7200));
        assert_eq!(PatientZone::parse("UTC+2"), fixed(7200));
        assert_eq!(PatientZone::parse("GMT-03:00"), fixed(-3 * 3600));
        assert_eq!(PatientZone::parse("utc +0530"), fixed(5 * 3600 + 1800));
        assert_eq!(PatientZone::parse("+05:45"), fixed(5 * 3600 + 45 * 60));
        assert_eq!(
            PatientZone::parse("UTC+15"),
            Err(ZoneError::OffsetOutOfRange)
        );
        assert_eq!(PatientZone::parse("-13"), Err(ZoneError::OffsetOutOfRange));
        assert_eq!(
            PatientZone::parse("+02:10"),
            Err(ZoneError::OffsetOutOfRange)
        );
        assert_eq!(PatientZone::parse("+abc"), Err(ZoneError::Unknown));
    }

    #[test]
    fn stored_form_round_trips() {
        for input in [
            "Europe/Berlin",
            "UTC+05:30",
            "UTC-03:00",
            "UTC+00:00",
            "UTC",
        ] {
            let z = PatientZone::parse(input).unwrap();
            assert_eq!(PatientZone::parse(&z.to_string()), Ok(z), "{input}");
        }
        assert_eq!(PatientZone::parse("-3").unwrap().to_string(), "UTC-03:00");
    }

    #[test]
    fn local_time_follows_daylight_saving() {
        let ny = iana("America/New_York");
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 13, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 13, 0, 0).unwrap();
        assert_eq!(ny.local_hhmm(winter), "08:00");
        assert_eq!(ny.local_hhmm(summer), "09:00");
        assert_eq!(ny.label(), "New York");
    }

    #[test]
    fn every_common_zone_round_trips() {
        for tz in COMMON_ZONES {
            let z = PatientZone::Iana(*tz);
            assert_eq!(PatientZone::parse(&z.to_string()), Ok(z));
        }
    }
}
