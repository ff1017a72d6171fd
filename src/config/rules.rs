//! The alert rules, `prompts/alert-rules.toml`: deployment settings for the risk engine
//! (`domain::risk`), validated at start-up like the texts. A problem names the file and line.

use crate::content::ContentError;
use crate::content::{line_of, parse_toml, read};
use crate::domain::risk::Rules;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "alert-rules.toml";

type Setting = toml::Spanned<i64>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    min_kinds: Setting,
    min_checkins_or_events: Setting,
    min_repeated_kinds: Setting,
    min_span_hours: Setting,
    window_hours: Setting,
    cooldown_hours: Setting,
    baseline_days: Setting,
    baseline_min_answers: Setting,
    baseline_margin: Setting,
    craving_high: Setting,
    craving_rising_checkins: Setting,
    craving_rising_min: Setting,
    craving_rising_by: Setting,
    craving_above_usual: Setting,
    mood_low: Setting,
    sleep_short_hours: Setting,
    sleep_long_hours: Setting,
    sleep_quality_poor: Setting,
    missed_in_a_row: Setting,
    ok_check_wait_hours: Setting,
}

/// Loads `<dir>/alert-rules.toml`.
pub fn load(dir: &Path) -> Result<Rules, Vec<ContentError>> {
    let file = dir.join(FILE_NAME);
    let source = read(&file)?;
    parse(&file, &source)
}

pub fn parse(file: &Path, source: &str) -> Result<Rules, Vec<ContentError>> {
    let err = |line: Option<usize>, key: Option<&str>, problem: String| ContentError {
        file: PathBuf::from(file),
        line,
        key: key.map(|k| format!("setting {k}")),
        problem,
    };
    let raw: RawRules = parse_toml(file, source)?;
    let mut errors = Vec::new();
    let mut get = |name: &str, s: &Setting, lo: i64, hi: i64| -> i64 {
        let v = *s.get_ref();
        if !(lo..=hi).contains(&v) {
            errors.push(err(
                Some(line_of(source, s.span().start)),
                Some(name),
                format!("is {v}; it must be between {lo} and {hi}"),
            ));
        }
        v.clamp(lo, hi)
    };
    let rules = Rules {
        min_kinds: get("min_kinds", &raw.min_kinds, 1, 5) as usize,
        min_moments: get("min_checkins_or_events", &raw.min_checkins_or_events, 2, 20) as usize,
        min_repeated_kinds: get("min_repeated_kinds", &raw.min_repeated_kinds, 0, 5) as usize,
        min_span: get("min_span_hours", &raw.min_span_hours, 1, 168) * 3600,
        window: get("window_hours", &raw.window_hours, 1, 336) * 3600,
        cooldown: get("cooldown_hours", &raw.cooldown_hours, 1, 168) * 3600,
        baseline_days: get("baseline_days", &raw.baseline_days, 1, 90),
        baseline_min: get("baseline_min_answers", &raw.baseline_min_answers, 1, 100) as usize,
        baseline_margin: get("baseline_margin", &raw.baseline_margin, 0, 5) as u8,
        craving_high: get("craving_high", &raw.craving_high, 1, 10) as u8,
        craving_rising_checkins: get(
            "craving_rising_checkins",
            &raw.craving_rising_checkins,
            2,
            10,
        ) as usize,
        craving_rising_min: get("craving_rising_min", &raw.craving_rising_min, 1, 10) as u8,
        craving_rising_by: get("craving_rising_by", &raw.craving_rising_by, 1, 10) as u8,
        craving_above_usual: get("craving_above_usual", &raw.craving_above_usual, 0, 10) as u8,
        mood_low: get("mood_low", &raw.mood_low, 0, 9) as u8,
        sleep_short_minutes: (get("sleep_short_hours", &raw.sleep_short_hours, 1, 12) * 60) as u16,
        sleep_long_minutes: (get("sleep_long_hours", &raw.sleep_long_hours, 6, 23) * 60) as u16,
        sleep_quality_poor: get("sleep_quality_poor", &raw.sleep_quality_poor, 0, 9) as u8,
        missed_in_a_row: get("missed_in_a_row", &raw.missed_in_a_row, 1, 10) as usize,
        ok_check_wait: get("ok_check_wait_hours", &raw.ok_check_wait_hours, 1, 72) * 3600,
    };
    if rules.min_repeated_kinds > rules.min_kinds {
        errors.push(err(
            Some(line_of(source, raw.min_repeated_kinds.span().start)),
            Some("min_repeated_kinds"),
            "must not be more than `min_kinds`".into(),
        ));
    }
    if rules.min_span >= rules.window {
        errors.push(err(
            Some(line_of(source, raw.min_span_hours.span().start)),
            Some("min_span_hours"),
            "must be less than `window_hours`".into(),
        ));
    }
    if rules.sleep_short_minutes >= rules.sleep_long_minutes {
        errors.push(err(
            Some(line_of(source, raw.sleep_long_hours.span().start)),
            Some("sleep_long_hours"),
            "must be more than `sleep_short_hours`".into(),
        ));
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_source() -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("prompts")
                .join(FILE_NAME),
        )
        .unwrap()
    }

    #[test]
    fn the_shipped_file_holds_the_documented_defaults() {
        let rules = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")).unwrap();
        assert_eq!(rules, Rules::default());
    }

    #[test]
    fn a_value_out_of_range_names_the_file_line_and_setting() {
        let source = shipped_source().replace("min_kinds = 3", "min_kinds = 0");
        let line = source
            .lines()
            .position(|l| l.starts_with("min_kinds"))
            .unwrap()
            + 1;
        let errors = parse(Path::new("prompts/alert-rules.toml"), &source).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            format!(
                "prompts/alert-rules.toml:{line}: setting `min_kinds`: is 0; it must be between 1 and 5"
            )
        );
    }

    #[test]
    fn typos_missing_settings_and_bad_syntax_are_refused() {
        let file = Path::new("prompts/alert-rules.toml");
        let typo = shipped_source().replace("mood_low = 3", "mood_lo = 3");
        let e = parse(file, &typo).unwrap_err();
        assert!(e[0].to_string().contains("mood_lo"), "{}", e[0]);
        let missing = shipped_source().replace("min_span_hours = 12", "");
        let e = parse(file, &missing).unwrap_err();
        assert!(e[0].to_string().contains("min_span_hours"), "{}", e[0]);
        let broken = shipped_source().replace("window_hours = 48", "window_hours = = 48");
        let e = parse(file, &broken).unwrap_err();
        assert!(e[0].line.is_some(), "{}", e[0]);
        let crossed = shipped_source()
            .replace("sleep_long_hours = 12", "sleep_long_hours = 6")
            .replace("sleep_short_hours = 5", "sleep_short_hours = 7");
        let e = parse(file, &crossed).unwrap_err();
        assert!(e[0].to_string().contains("sleep_short_hours"), "{}", e[0]);
        let span = shipped_source().replace("min_span_hours = 12", "min_span_hours = 48");
        let e = parse(file, &span).unwrap_err();
        assert!(e[0].to_string().contains("min_span_hours"), "{}", e[0]);
    }
}
