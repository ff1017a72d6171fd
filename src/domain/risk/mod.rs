//! The risk engine: a patient's recent answers → warning signs → whether to alert their
//! support contacts. Pure: the caller reads the history and records the outcome.
//!
//! The signs are the ones relapse research names (domain.md: Melemis 2015, Gorski's warning
//! signs, HALT), grouped in five kinds: craving (strong, rising, or an SOS whose urge stayed
//! strong), mood, sleep (short, long or poor: one kind), a reported use, and disengagement
//! (an "are you OK?" left unanswered, or answered "not great"). Asking for help (/sos) is not a
//! sign. A crisis-screen yes is not part of the rule: it alerts at once on its own path.
//!
//! **A cluster is a pattern over time, not one bad night.** An alert needs `min_kinds` kinds of
//! sign inside the window, seen at `min_moments` or more separate check-ins or events (never
//! fewer than two), the first and last at least `min_span` apart, and at least
//! `min_repeated_kinds` of the kinds seen again at a separate moment (a sign that persists).
//! One check-in is never a cluster, whatever it says. After an alert, only signs seen since it
//! can make another (or the escalation): the same answers are not news.
//!
//! **Against the person's own usual.** In early abstinence bad nights and low mood are common
//! (the "crash"), and what predicts use in the EMA studies is change within the person (Moore
//! 2014: a rise in craving at one prompt; Preston 2009: craving rising over hours). So once a
//! patient has `baseline_min` answers to a question in the `baseline_days` before the window, an
//! answer past the fixed threshold counts only if it is also worse than their median by
//! `baseline_margin` points (sleep hours: by that many hours), and a craving
//! `craving_above_usual` points over their median counts even under the fixed threshold.
//! Someone who always sleeps 4 h and rates their mood 3 is not flagged for it every day; a
//! night worse than their usual is. Before there is a baseline (the first days), the fixed
//! thresholds alone apply.
//!
//! A craving reported at a check-in after an SOS that was ridden out (the urge fell below
//! `craving_high` at its follow-ups) is that same craving, already met by asking for help: not
//! a sign. Every threshold is a deployment setting (`prompts/alert-rules.toml`); the values
//! shipped were chosen with the calibration benchmark (BENCHMARKS.md).

use std::collections::BTreeMap;

mod rules;
pub use rules::Rules;

/// A kind of warning sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Craving,
    Mood,
    Sleep,
    Use,
    Disengagement,
}

/// A warning sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    HighCraving,
    RisingCraving,
    /// A craving well above the patient's own usual, even under the fixed threshold.
    CravingAboveUsual,
    /// An SOS whose urge was still strong at its last follow-up.
    SosUrgeStayedHigh,
    LowMood,
    ShortSleep,
    LongSleep,
    PoorSleep,
    ReportedUse,
    /// An "are you OK?" after missed check-ins, unanswered for the whole wait.
    MissedCheckins,
    /// "Not great" in answer to "are you OK?".
    NotGreat,
    /// A yes on the crisis screen (its own immediate alert, not part of the rule).
    CrisisScreen,
}

impl Signal {
    pub const ALL: [Signal; 12] = [
        Signal::HighCraving,
        Signal::RisingCraving,
        Signal::CravingAboveUsual,
        Signal::SosUrgeStayedHigh,
        Signal::LowMood,
        Signal::ShortSleep,
        Signal::LongSleep,
        Signal::PoorSleep,
        Signal::ReportedUse,
        Signal::MissedCheckins,
        Signal::NotGreat,
        Signal::CrisisScreen,
    ];

    /// Stored in `alerts.signals` and used in message keys (`signal-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Signal::HighCraving => "craving-high",
            Signal::RisingCraving => "craving-rising",
            Signal::CravingAboveUsual => "craving-above-usual",
            Signal::SosUrgeStayedHigh => "sos-urge-high",
            Signal::LowMood => "mood-low",
            Signal::ShortSleep => "sleep-short",
            Signal::LongSleep => "sleep-long",
            Signal::PoorSleep => "sleep-poor",
            Signal::ReportedUse => "use",
            Signal::MissedCheckins => "missed",
            Signal::NotGreat => "not-great",
            Signal::CrisisScreen => "crisis-screen",
        }
    }

    pub fn parse(code: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The kind the rule counts it as (`None`: the crisis screen, which has its own path).
    pub fn kind(self) -> Option<Kind> {
        Some(match self {
            Signal::HighCraving
            | Signal::RisingCraving
            | Signal::CravingAboveUsual
            | Signal::SosUrgeStayedHigh => Kind::Craving,
            Signal::LowMood => Kind::Mood,
            Signal::ShortSleep | Signal::LongSleep | Signal::PoorSleep => Kind::Sleep,
            Signal::ReportedUse => Kind::Use,
            Signal::MissedCheckins | Signal::NotGreat => Kind::Disengagement,
            Signal::CrisisScreen => return None,
        })
    }
}

/// One check-in's answers (any may be missing: skipped or abandoned).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// When the check-in started (unix seconds).
    pub at: i64,
    pub mood: Option<u8>,
    pub sleep_minutes: Option<u16>,
    pub sleep_quality: Option<u8>,
    pub craving: Option<u8>,
    pub used: Option<bool>,
}

/// One /sos: when it started, and the urge at its last follow-up rating (if any was given).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sos {
    pub at: i64,
    pub last_followup_urge: Option<u8>,
}

/// What the engine looks at, oldest first in each list. Check-ins from before the window are
/// welcome (the baseline and a rising craving are judged over them); only signs inside the
/// window count.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub checkins: Vec<Answers>,
    /// When an "are you OK?" after missed check-ins was sent and not answered.
    pub unanswered_ok_checks: Vec<i64>,
    /// When "are you OK?" was answered "not great".
    pub not_great: Vec<i64>,
    pub sos: Vec<Sos>,
    /// When a crisis screen got a yes.
    pub crisis_yes: Vec<i64>,
}

/// A sign seen inside the window: how often, and when first and last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub signal: Signal,
    /// The latest time it was seen.
    pub at: i64,
    pub first: i64,
    pub count: usize,
    /// Every moment (check-in or event time) it was seen at.
    pub moments: Vec<i64>,
}

impl Found {
    /// A sign seen once, at `at` (a crisis-screen yes).
    pub fn once(signal: Signal, at: i64) -> Found {
        Found {
            signal,
            at,
            first: at,
            count: 1,
            moments: vec![at],
        }
    }
}

/// The median of the patient's answers before the window, if they gave enough.
fn median(values: impl Iterator<Item = i64>, min: usize) -> Option<i64> {
    let mut v: Vec<i64> = values.collect();
    if v.len() < min.max(1) {
        return None;
    }
    v.sort_unstable();
    Some(v[(v.len() - 1) / 2])
}

/// The patient's usual answers: their medians in the `baseline_days` before the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Baseline {
    pub mood: Option<i64>,
    pub craving: Option<i64>,
    pub sleep_minutes: Option<i64>,
    pub sleep_quality: Option<i64>,
}

pub fn baseline(history: &History, rules: &Rules, now: i64) -> Baseline {
    let to = now - rules.window;
    let from = to - rules.baseline_days * 24 * 3600;
    let before = || {
        history
            .checkins
            .iter()
            .filter(move |c| c.at > from && c.at <= to)
    };
    let n = rules.baseline_min;
    Baseline {
        mood: median(before().filter_map(|c| c.mood.map(i64::from)), n),
        craving: median(before().filter_map(|c| c.craving.map(i64::from)), n),
        sleep_minutes: median(before().filter_map(|c| c.sleep_minutes.map(i64::from)), n),
        sleep_quality: median(before().filter_map(|c| c.sleep_quality.map(i64::from)), n),
    }
}

/// Every sign inside the window `(now - window, now]`, one entry per occurrence, in time order.
pub fn occurrences(history: &History, rules: &Rules, now: i64) -> Vec<(Signal, i64)> {
    let inside = |at: i64| at > now - rules.window && at <= now;
    let base = baseline(history, rules, now);
    let m = i64::from(rules.baseline_margin);
    // Past the threshold, and (once there is a baseline) worse than usual by the margin.
    let above = |v: i64, usual: Option<i64>, margin: i64| usual.is_none_or(|u| v >= u + margin);
    let below = |v: i64, usual: Option<i64>, margin: i64| usual.is_none_or(|u| v <= u - margin);
    let mut out = Vec::new();
    let mut previous_at = i64::MIN;
    for c in &history.checkins {
        let since_previous = previous_at;
        previous_at = c.at;
        if !inside(c.at) {
            continue;
        }
        let mut note = |s| out.push((s, c.at));
        // "Strongest urge since the last check-in" after an SOS ridden out in between is that
        // same craving, already met by asking for help: not a sign.
        // Either way the SOS in between already says how that craving went: ridden out (no
        // sign) or still strong (its own sign), so the check-in does not count it again.
        let ridden_out = history
            .sos
            .iter()
            .any(|s| s.at > since_previous && s.at <= c.at && s.last_followup_urge.is_some());
        if let Some(v) = c.craving.map(i64::from) {
            if v >= i64::from(rules.craving_high) && above(v, base.craving, m) && !ridden_out {
                note(Signal::HighCraving);
            } else if rules.craving_above_usual > 0
                && !ridden_out
                && base
                    .craving
                    .is_some_and(|u| v >= u + i64::from(rules.craving_above_usual))
            {
                note(Signal::CravingAboveUsual);
            }
        }
        if let Some(v) = c.mood.map(i64::from) {
            if v <= i64::from(rules.mood_low) && below(v, base.mood, m) {
                note(Signal::LowMood);
            }
        }
        if let Some(v) = c.sleep_minutes.map(i64::from) {
            if v < i64::from(rules.sleep_short_minutes) && below(v, base.sleep_minutes, 60 * m) {
                note(Signal::ShortSleep);
            }
            if v > i64::from(rules.sleep_long_minutes) && above(v, base.sleep_minutes, 60 * m) {
                note(Signal::LongSleep);
            }
        }
        if let Some(v) = c.sleep_quality.map(i64::from) {
            if v <= i64::from(rules.sleep_quality_poor) && below(v, base.sleep_quality, m) {
                note(Signal::PoorSleep);
            }
        }
        if c.used == Some(true) {
            note(Signal::ReportedUse);
        }
    }
    // Rising: each of the last `n` consecutive craving answers higher than the one before
    // (within the person by construction, so no baseline).
    let cravings: Vec<(i64, u8)> = history
        .checkins
        .iter()
        .filter_map(|c| c.craving.map(|v| (c.at, v)))
        .collect();
    let n = rules.craving_rising_checkins.max(2);
    for run in cravings.windows(n) {
        let rising = run.windows(2).all(|w| w[1].1 > w[0].1);
        let (at, last) = run[n - 1];
        let by = last.saturating_sub(run[0].1);
        if rising && last >= rules.craving_rising_min && by >= rules.craving_rising_by && inside(at)
        {
            out.push((Signal::RisingCraving, at));
        }
    }
    for &at in &history.unanswered_ok_checks {
        // It counts once it has gone unanswered for the whole wait.
        let at = at + rules.ok_check_wait;
        if inside(at) {
            out.push((Signal::MissedCheckins, at));
        }
    }
    for &at in history.not_great.iter().filter(|t| inside(**t)) {
        out.push((Signal::NotGreat, at));
    }
    // Asking for help is not a sign; an urge still strong after the SOS's follow-ups is.
    for s in history.sos.iter().filter(|s| inside(s.at)) {
        if s.last_followup_urge
            .is_some_and(|u| u >= rules.craving_high)
        {
            out.push((Signal::SosUrgeStayedHigh, s.at));
        }
    }
    for &at in history.crisis_yes.iter().filter(|t| inside(**t)) {
        out.push((Signal::CrisisScreen, at));
    }
    out.sort_by_key(|(s, at)| (*at, *s));
    out
}

/// The signs inside the window, one entry per sign with its count, in `Signal` order.
pub fn signals(history: &History, rules: &Rules, now: i64) -> Vec<Found> {
    let mut by: BTreeMap<Signal, Found> = BTreeMap::new();
    for (signal, at) in occurrences(history, rules, now) {
        by.entry(signal)
            .and_modify(|f| {
                f.count += 1;
                f.at = f.at.max(at);
                f.first = f.first.min(at);
                f.moments.push(at);
            })
            .or_insert(Found::once(signal, at));
    }
    by.into_values().collect()
}

/// Whether the signs make a cluster: enough kinds, from separate moments far enough apart.
pub fn is_cluster(found: &[Found], rules: &Rules) -> bool {
    let counted: Vec<&Found> = found.iter().filter(|f| f.signal.kind().is_some()).collect();
    let mut kinds: Vec<Kind> = counted.iter().filter_map(|f| f.signal.kind()).collect();
    kinds.sort();
    kinds.dedup();
    let (Some(first), Some(last)) = (
        counted.iter().map(|f| f.first).min(),
        counted.iter().map(|f| f.at).max(),
    ) else {
        return false;
    };
    // A kind is repeated when seen at two or more separate moments (by any of its signs).
    let is_repeated = |k: Kind| {
        let mut at: Vec<i64> = counted
            .iter()
            .filter(|f| f.signal.kind() == Some(k))
            .flat_map(|f| f.moments.iter().copied())
            .collect();
        at.sort_unstable();
        at.dedup();
        at.len() >= 2
    };
    let repeated = kinds.iter().filter(|k| is_repeated(**k)).count();
    if repeated < rules.min_repeated_kinds {
        return false;
    }
    let mut moments: Vec<i64> = counted
        .iter()
        .flat_map(|f| f.moments.iter().copied())
        .collect();
    moments.sort_unstable();
    moments.dedup();
    // Separate moments, far enough apart (never fewer than two: one check-in is not a cluster).
    kinds.len() >= rules.min_kinds.max(1)
        && moments.len() >= rules.min_moments.max(2)
        && last - first >= rules.min_span.max(1)
}

/// How many days the signs span, for "over the last 2 days": from the first sign to now,
/// rounded up to whole days.
pub fn days_spanned(found: &[Found], now: i64) -> i64 {
    let first = found.iter().map(|f| f.first).min().unwrap_or(now);
    ((now - first + 24 * 3600 - 1) / (24 * 3600)).max(1)
}

/// The patient's latest cluster alert (crisis alerts do not count: they bypass the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastAlert {
    pub at: i64,
    pub escalation: bool,
    /// A contact answered "I reached out".
    pub acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not a cluster.
    Quiet,
    /// Enough signals, but an alert went out within the cooldown (or the escalation already
    /// did).
    CoolingDown,
    /// Alert every contact.
    Alert(Vec<Found>),
    /// The cluster persisted past the cooldown and nobody acknowledged the alert: one more.
    Escalate(Vec<Found>),
}

impl Decision {
    /// Whether this decision sends messages.
    pub fn alerts(&self) -> bool {
        matches!(self, Decision::Alert(_) | Decision::Escalate(_))
    }
}

/// Whether the signals found now call for an alert, given the last one.
pub fn decide(found: Vec<Found>, last: Option<LastAlert>, rules: &Rules, now: i64) -> Decision {
    if !is_cluster(&found, rules) {
        return Decision::Quiet;
    }
    let Some(last) = last else {
        return Decision::Alert(found);
    };
    if now - last.at < rules.cooldown {
        return Decision::CoolingDown;
    }
    // Past the cooldown, the same answers are not news: a contact already heard about them.
    // An escalation needs signs still being seen since the alert; a new alert needs a new
    // cluster, from what was seen since.
    let since: Vec<Found> = found
        .iter()
        .filter_map(|f| {
            let moments: Vec<i64> = f.moments.iter().copied().filter(|m| *m > last.at).collect();
            Some(Found {
                signal: f.signal,
                at: *moments.iter().max()?,
                first: *moments.iter().min()?,
                count: moments.len(),
                moments,
            })
        })
        .filter(|f| f.signal.kind().is_some())
        .collect();
    if since.is_empty() {
        return Decision::Quiet;
    }
    // Past the cooldown. A first alert nobody acknowledged, recent enough that the cluster
    // firing now is the same one (within cooldown + window of it), gets one escalation.
    let persists = now - last.at < rules.cooldown + rules.window;
    if !last.escalation && !last.acknowledged && persists {
        return Decision::Escalate(found);
    }
    if !is_cluster(&since, rules) {
        return Decision::Quiet;
    }
    Decision::Alert(found)
}

#[cfg(test)]
mod tests;
