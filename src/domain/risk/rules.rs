//! The alert rule's settings (`prompts/alert-rules.toml`, read by `config::rules`), with the
//! defaults the shipped file holds.

/// The alert rule and the sign thresholds: deployment settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Kinds of sign needed inside the window to alert.
    pub min_kinds: usize,
    /// The signs must come from at least this many separate check-ins or events (2 or more)…
    pub min_moments: usize,
    /// …the first and last at least this far apart, seconds…
    pub min_span: i64,
    /// …and at least this many of the kinds seen again at a separate moment (persisting,
    /// not one bad day).
    pub min_repeated_kinds: usize,
    /// The rolling window, seconds.
    pub window: i64,
    /// After an alert, no other (except a crisis alert) for this long, seconds.
    pub cooldown: i64,
    /// The patient's usual is their median over this many days before the window…
    pub baseline_days: i64,
    /// …once they have given at least this many answers to the question there…
    pub baseline_min: usize,
    /// …and an answer counts only if worse than it by this many points (sleep: hours).
    pub baseline_margin: u8,
    /// Craving at or above this is a sign.
    pub craving_high: u8,
    /// Craving rising at every one of this many consecutive check-ins…
    pub craving_rising_checkins: usize,
    /// …ending at or above this, and this many points above where it started.
    pub craving_rising_min: u8,
    pub craving_rising_by: u8,
    /// Once there is a baseline, a craving this many points above the patient's usual is a
    /// sign even under `craving_high` (0: never).
    pub craving_above_usual: u8,
    /// Mood at or below this.
    pub mood_low: u8,
    /// Sleep under this many minutes…
    pub sleep_short_minutes: u16,
    /// …or over this many.
    pub sleep_long_minutes: u16,
    /// Sleep quality at or below this.
    pub sleep_quality_poor: u8,
    /// Missed check-ins in a row before the bot asks "are you OK?".
    pub missed_in_a_row: usize,
    /// How long "are you OK?" may go unanswered before it counts as a sign, seconds.
    pub ok_check_wait: i64,
}

impl Default for Rules {
    /// The shipped values (`prompts/alert-rules.toml`; why in BENCHMARKS.md): 3 kinds over at
    /// least 12 h inside 72 h, 24 h cooldown, craving ≥ 7, mood ≤ 3, sleep < 5 h or > 12 h.
    fn default() -> Self {
        Rules {
            min_kinds: 3,
            min_moments: 2,
            min_span: 12 * 3600,
            min_repeated_kinds: 1,
            window: 48 * 3600,
            cooldown: 24 * 3600,
            baseline_days: 14,
            baseline_min: 4,
            baseline_margin: 2,
            craving_high: 7,
            craving_rising_checkins: 3,
            craving_rising_min: 4,
            craving_rising_by: 3,
            craving_above_usual: 3,
            mood_low: 3,
            sleep_short_minutes: 5 * 60,
            sleep_long_minutes: 12 * 60,
            sleep_quality_poor: 3,
            missed_in_a_row: 2,
            ok_check_wait: 12 * 3600,
        }
    }
}
