//! Button payloads (Telegram `callback_data`, 1–64 bytes).
//!
//! Anyone can read callback data and a modified client can send any value, so parsing is strict
//! and the handler still checks that what a payload names belongs to the person who tapped.

use super::checkin::Step;

/// Telegram's limit on callback data, in bytes.
pub const CALLBACK_DATA_MAX_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// The consent buttons on the introduction.
    Consent { agree: bool },
    /// A time zone from the offered list, by index.
    Zone(usize),
    /// Show the crisis line.
    Crisis,
    /// Show the help text.
    Help,
    /// Start a check-in now.
    StartCheckin,
    /// The answer to "/delete: erase everything?".
    Delete { confirm: bool },
    /// An answer to one step of one check-in.
    Answer {
        checkin_id: i64,
        step: Step,
        value: String,
    },
}

impl Callback {
    pub fn encode(&self) -> String {
        let s = match self {
            Callback::Consent { agree: true } => "consent:yes".to_string(),
            Callback::Consent { agree: false } => "consent:no".to_string(),
            Callback::Zone(i) => format!("tz:{i}"),
            Callback::Crisis => "crisis".to_string(),
            Callback::Help => "help".to_string(),
            Callback::StartCheckin => "checkin".to_string(),
            Callback::Delete { confirm: true } => "delete:yes".to_string(),
            Callback::Delete { confirm: false } => "delete:no".to_string(),
            Callback::Answer {
                checkin_id,
                step,
                value,
            } => format!("ci:{checkin_id}:{}:{value}", step.code()),
        };
        debug_assert!(s.len() <= CALLBACK_DATA_MAX_BYTES);
        s
    }

    /// `None` for anything our buttons never send.
    pub fn parse(data: &str) -> Option<Callback> {
        if data.is_empty() || data.len() > CALLBACK_DATA_MAX_BYTES {
            return None;
        }
        match data {
            "consent:yes" => return Some(Callback::Consent { agree: true }),
            "consent:no" => return Some(Callback::Consent { agree: false }),
            "crisis" => return Some(Callback::Crisis),
            "help" => return Some(Callback::Help),
            "checkin" => return Some(Callback::StartCheckin),
            "delete:yes" => return Some(Callback::Delete { confirm: true }),
            "delete:no" => return Some(Callback::Delete { confirm: false }),
            _ => {}
        }
        if let Some(i) = data.strip_prefix("tz:") {
            return small_number(i).map(|i| Callback::Zone(i as usize));
        }
        let rest = data.strip_prefix("ci:")?;
        let mut parts = rest.splitn(3, ':');
        let id = parts.next()?;
        let step = Step::from_code(parts.next()?)?;
        let value = parts.next()?;
        if value.is_empty() || value.contains(':') {
            return None;
        }
        if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Callback::Answer {
            checkin_id: id.parse().ok()?,
            step,
            value: value.to_string(),
        })
    }
}

fn small_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let all = [
            Callback::Consent { agree: true },
            Callback::Consent { agree: false },
            Callback::Zone(3),
            Callback::Crisis,
            Callback::Help,
            Callback::StartCheckin,
            Callback::Delete { confirm: true },
            Callback::Delete { confirm: false },
            Callback::Answer {
                checkin_id: 42,
                step: Step::SleepHours,
                value: "7".into(),
            },
            Callback::Answer {
                checkin_id: i64::MAX,
                step: Step::Used,
                value: "skip".into(),
            },
        ];
        for c in all {
            let s = c.encode();
            assert!(s.len() <= CALLBACK_DATA_MAX_BYTES, "{s}");
            assert_eq!(Callback::parse(&s), Some(c));
        }
    }

    #[test]
    fn forged_payloads_are_refused() {
        for bad in [
            "",
            "consent",
            "consent:maybe",
            "tz:",
            "tz:-1",
            "tz:9999",
            "ci:",
            "ci:1",
            "ci:1:mood",
            "ci:1:mood:",
            "ci:x:mood:5",
            "ci:-1:mood:5",
            "ci:1:nope:5",
            "ci:1:mood:5:6",
            "ci:99999999999999999999:mood:5",
            "drop table",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Callback::parse(&"a".repeat(65)), None);
    }
}
