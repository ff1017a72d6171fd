//! The check-ins a new patient gets, `prompts/schedule.toml`: one `[[slot]]` per check-in, its
//! kind and its week as `cron` expressions on the patient's local time (see
//! `domain::schedule::week`). Range-checked at start-up: a problem names the file and line.

use super::{line_of, parse_toml, read, ContentError};
use crate::domain::schedule::{SlotKind, Timing, Week};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "schedule.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    slot: Vec<RawSlot>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlot {
    kind: toml::Spanned<String>,
    cron: toml::Spanned<String>,
}

/// The default check-ins, in file order.
#[derive(Debug, Clone)]
pub struct DefaultSchedule {
    pub slots: Vec<(SlotKind, Timing)>,
}

impl Default for DefaultSchedule {
    /// Morning 08:00 and evening 20:00, every day (what the shipped file says).
    fn default() -> Self {
        DefaultSchedule {
            slots: [SlotKind::Morning, SlotKind::Evening]
                .into_iter()
                .map(|k| (k, k.default_timing()))
                .collect(),
        }
    }
}

/// Most default check-ins (as many as a patient may have).
const MAX: usize = 6;

pub fn load(dir: &Path) -> Result<DefaultSchedule, Vec<ContentError>> {
    let file = dir.join(FILE_NAME);
    let source = read(&file)?;
    parse(&file, &source)
}

pub fn parse(file: &Path, source: &str) -> Result<DefaultSchedule, Vec<ContentError>> {
    let raw: RawFile = parse_toml(file, source)?;
    let err = |at: usize, key: &str, problem: String| ContentError {
        file: PathBuf::from(file),
        line: Some(line_of(source, at)),
        key: Some(key.to_string()),
        problem,
    };
    let mut errors = Vec::new();
    let mut slots = Vec::new();
    for s in &raw.slot {
        let kind = match SlotKind::parse(s.kind.get_ref()) {
            Some(k @ (SlotKind::Morning | SlotKind::Evening)) => Some(k),
            Some(SlotKind::Afternoon) => {
                errors.push(err(
                    s.kind.span().start,
                    "kind",
                    "`afternoon` comes at a random time in a window, not at a cron time; use morning or evening".into(),
                ));
                None
            }
            None => {
                errors.push(err(
                    s.kind.span().start,
                    "kind",
                    format!("`{}` is not morning or evening", s.kind.get_ref()),
                ));
                None
            }
        };
        let week = Week::parse_cron(s.cron.get_ref())
            .map_err(|e| errors.push(err(s.cron.span().start, "cron", e.0)))
            .ok();
        if let (Some(kind), Some(week)) = (kind, week) {
            slots.push((kind, Timing::Week(week).normalized()));
        }
    }
    if raw.slot.is_empty() || raw.slot.len() > MAX {
        errors.push(ContentError {
            file: PathBuf::from(file),
            line: None,
            key: None,
            problem: format!("has {} [[slot]]; give 1 to {MAX}", raw.slot.len()),
        });
    }
    if errors.is_empty() {
        Ok(DefaultSchedule { slots })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{Days, LocalTime};

    #[test]
    fn the_shipped_file_is_morning_and_evening_every_day() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        let d = load(&dir).unwrap();
        assert_eq!(d.slots, DefaultSchedule::default().slots);
    }

    #[test]
    fn weeks_are_read_and_mistakes_name_their_line() {
        let ok = "[[slot]]\nkind = \"morning\"\ncron = \"0 30 7 * * Mon-Fri;0 0 10 * * Sat,Sun\"\n";
        let d = parse(Path::new("prompts/schedule.toml"), ok).unwrap();
        assert_eq!(
            d.slots,
            [(
                SlotKind::Morning,
                Timing::Week(
                    Week::new(
                        Days::EVERY,
                        LocalTime::hm(7, 30),
                        Some(LocalTime::hm(10, 0))
                    )
                    .unwrap()
                )
            )]
        );
        let bad = "[[slot]]\nkind = \"morning\"\ncron = \"0 0 25 * * *\"\n\n[[slot]]\nkind = \"afternoon\"\ncron = \"0 0 15 * * *\"\n";
        let errs = parse(Path::new("prompts/schedule.toml"), bad).unwrap_err();
        let lines: Vec<_> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(3), Some(6)], "{errs:?}");
        assert!(parse(Path::new("x"), "slot = []\n").is_err(), "no check-in");
    }
}
