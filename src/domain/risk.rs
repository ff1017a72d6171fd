//! The risk engine: a patient's recent answers → warning signs → whether to alert their
//! support contacts. Pure: the caller reads the history and records the outcome.
//!
//! The signals are the ones relapse research names (domain.md: Melemis 2015, Gorski's warning
//! signs, HALT): strong or rising craving, low mood, short, long or poor sleep, a reported use,
//! missed check-ins (after an unanswered "are you OK?"), SOS uses and crisis-screen answers.
//! One bad answer is not an alert; a rule fires when enough *distinct* signals fall inside a
//! rolling window. Every threshold is a deployment setting (`prompts/alert-rules.toml`).

use std::collections::BTreeMap;

/// A kind of warning sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    HighCraving,
    RisingCraving,
    LowMood,
    ShortSleep,
    LongSleep,
    PoorSleep,
    ReportedUse,
    MissedCheckins,
    SosUse,
    CrisisScreen,
}

impl Signal {
    pub const ALL: [Signal; 10] = [
        Signal::HighCraving,
        Signal::RisingCraving,
        Signal::LowMood,
        Signal::ShortSleep,
        Signal::LongSleep,
        Signal::PoorSleep,
        Signal::ReportedUse,
        Signal::MissedCheckins,
        Signal::SosUse,
        Signal::CrisisScreen,
    ];

    /// Stored in `alerts.signals` and used in message keys (`signal-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Signal::HighCraving => "craving-high",
            Signal::RisingCraving => "craving-rising",
            Signal::LowMood => "mood-low",
            Signal::ShortSleep => "sleep-short",
            Signal::LongSleep => "sleep-long",
            Signal::PoorSleep => "sleep-poor",
            Signal::ReportedUse => "use",
            Signal::MissedCheckins => "missed",
            Signal::SosUse => "sos",
            Signal::CrisisScreen => "crisis-screen",
        }
    }

    pub fn parse(code: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The alert rule and the signal thresholds: deployment settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Distinct signals needed inside the window to alert.
    pub min_signals: usize,
    /// The rolling window, seconds.
    pub window: i64,
    /// After an alert, no other (except a crisis alert) for this long, seconds.
    pub cooldown: i64,
    /// Craving at or above this is a signal.
    pub craving_high: u8,
    /// Craving rising at every one of this many consecutive check-ins…
    pub craving_rising_checkins: usize,
    /// …ending at or above this.
    pub craving_rising_min: u8,
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
    /// How long "are you OK?" may go unanswered before it counts as a signal, seconds.
    pub ok_check_wait: i64,
    /// SOS sessions inside the window that make a signal.
    pub sos_uses: usize,
}

impl Default for Rules {
    /// The values domain.md gives (3 signals in 72 h, 24 h cooldown, craving ≥ 7, mood ≤ 3,
    /// sleep < 5 h or > 12 h).
    fn default() -> Self {
        Rules {
            min_signals: 3,
            window: 72 * 3600,
            cooldown: 24 * 3600,
            craving_high: 7,
            craving_rising_checkins: 3,
            craving_rising_min: 4,
            mood_low: 3,
            sleep_short_minutes: 5 * 60,
            sleep_long_minutes: 12 * 60,
            sleep_quality_poor: 3,
            missed_in_a_row: 2,
            ok_check_wait: 12 * 3600,
            sos_uses: 1,
        }
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

/// What the engine looks at, oldest first in each list. Check-ins from before the window are
/// welcome (a rising craving is judged over consecutive check-ins); only signals inside the
/// window count.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub checkins: Vec<Answers>,
    /// When an "are you OK?" after missed check-ins was sent and not answered.
    pub unanswered_ok_checks: Vec<i64>,
    /// When SOS sessions started.
    pub sos: Vec<i64>,
    /// When a crisis screen got a yes.
    pub crisis_yes: Vec<i64>,
}

/// A signal and the latest moment it occurred inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub signal: Signal,
    pub at: i64,
}

/// The distinct signals inside the window `(now - window, now]`, in `Signal` order.
pub fn signals(history: &History, rules: &Rules, now: i64) -> Vec<Found> {
    let inside = |at: i64| at > now - rules.window && at <= now;
    let mut latest: BTreeMap<Signal, i64> = BTreeMap::new();
    let mut note = |signal: Signal, at: i64| {
        if inside(at) {
            let e = latest.entry(signal).or_insert(at);
            *e = (*e).max(at);
        }
    };
    for c in &history.checkins {
        if c.craving.is_some_and(|v| v >= rules.craving_high) {
            note(Signal::HighCraving, c.at);
        }
        if c.mood.is_some_and(|v| v <= rules.mood_low) {
            note(Signal::LowMood, c.at);
        }
        if let Some(m) = c.sleep_minutes {
            if m < rules.sleep_short_minutes {
                note(Signal::ShortSleep, c.at);
            }
            if m > rules.sleep_long_minutes {
                note(Signal::LongSleep, c.at);
            }
        }
        if c.sleep_quality
            .is_some_and(|v| v <= rules.sleep_quality_poor)
        {
            note(Signal::PoorSleep, c.at);
        }
        if c.used == Some(true) {
            note(Signal::ReportedUse, c.at);
        }
    }
    // Rising: each of the last `n` consecutive craving answers higher than the one before.
    let cravings: Vec<(i64, u8)> = history
        .checkins
        .iter()
        .filter_map(|c| c.craving.map(|v| (c.at, v)))
        .collect();
    let n = rules.craving_rising_checkins.max(2);
    for run in cravings.windows(n) {
        let rising = run.windows(2).all(|w| w[1].1 > w[0].1);
        let (at, last) = run[n - 1];
        if rising && last >= rules.craving_rising_min {
            note(Signal::RisingCraving, at);
        }
    }
    for &at in &history.unanswered_ok_checks {
        // It counts once it has gone unanswered for the whole wait.
        note(Signal::MissedCheckins, at + rules.ok_check_wait);
    }
    let sos_inside: Vec<i64> = history.sos.iter().copied().filter(|t| inside(*t)).collect();
    if rules.sos_uses > 0 && sos_inside.len() >= rules.sos_uses {
        note(Signal::SosUse, *sos_inside.iter().max().expect("not empty"));
    }
    for &at in &history.crisis_yes {
        note(Signal::CrisisScreen, at);
    }
    latest
        .into_iter()
        .map(|(signal, at)| Found { signal, at })
        .collect()
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
    /// Not enough signals.
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
    if found.len() < rules.min_signals.max(1) {
        return Decision::Quiet;
    }
    let Some(last) = last else {
        return Decision::Alert(found);
    };
    if now - last.at < rules.cooldown {
        return Decision::CoolingDown;
    }
    // Past the cooldown. A first alert nobody acknowledged, recent enough that the cluster
    // firing now is the same one (within cooldown + window of it), gets one escalation.
    let persists = now - last.at < rules.cooldown + rules.window;
    if !last.escalation && !last.acknowledged && persists {
        return Decision::Escalate(found);
    }
    Decision::Alert(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;
    const NOW: i64 = 1_000 * H;

    fn checkin(hours_ago: i64) -> Answers {
        Answers {
            at: NOW - hours_ago * H,
            ..Answers::default()
        }
    }

    fn kinds(found: &[Found]) -> Vec<Signal> {
        found.iter().map(|f| f.signal).collect()
    }

    fn found_now(h: &History) -> Vec<Signal> {
        kinds(&signals(h, &Rules::default(), NOW))
    }

    #[test]
    fn each_signal_at_its_threshold_and_not_one_step_inside() {
        let r = Rules::default();
        let one = |a: Answers| {
            found_now(&History {
                checkins: vec![a],
                ..History::default()
            })
        };
        let at = checkin(1);
        assert_eq!(
            one(Answers {
                craving: Some(r.craving_high),
                ..at.clone()
            }),
            [Signal::HighCraving]
        );
        assert!(one(Answers {
            craving: Some(r.craving_high - 1),
            ..at.clone()
        })
        .is_empty());
        assert_eq!(
            one(Answers {
                mood: Some(r.mood_low),
                ..at.clone()
            }),
            [Signal::LowMood]
        );
        assert!(one(Answers {
            mood: Some(r.mood_low + 1),
            ..at.clone()
        })
        .is_empty());
        // Under 5 h is short; exactly 5 h is not. Over 12 h is long; exactly 12 h is not.
        assert_eq!(
            one(Answers {
                sleep_minutes: Some(4 * 60 + 59),
                ..at.clone()
            }),
            [Signal::ShortSleep]
        );
        assert!(one(Answers {
            sleep_minutes: Some(5 * 60),
            ..at.clone()
        })
        .is_empty());
        assert_eq!(
            one(Answers {
                sleep_minutes: Some(12 * 60 + 1),
                ..at.clone()
            }),
            [Signal::LongSleep]
        );
        assert!(one(Answers {
            sleep_minutes: Some(12 * 60),
            ..at.clone()
        })
        .is_empty());
        assert_eq!(
            one(Answers {
                sleep_quality: Some(3),
                ..at.clone()
            }),
            [Signal::PoorSleep]
        );
        assert!(one(Answers {
            sleep_quality: Some(4),
            ..at.clone()
        })
        .is_empty());
        assert_eq!(
            one(Answers {
                used: Some(true),
                ..at.clone()
            }),
            [Signal::ReportedUse]
        );
        assert!(one(Answers {
            used: Some(false),
            ..at.clone()
        })
        .is_empty());
        // A check-in with nothing answered is no signal at all.
        assert!(one(at).is_empty());
    }

    #[test]
    fn rising_craving_needs_every_step_up_and_a_high_enough_end() {
        let h = |values: &[u8]| History {
            checkins: values
                .iter()
                .enumerate()
                .map(|(i, v)| Answers {
                    craving: Some(*v),
                    ..checkin(10 * (values.len() - i) as i64)
                })
                .collect(),
            ..History::default()
        };
        assert_eq!(found_now(&h(&[2, 3, 5])), [Signal::RisingCraving]);
        assert!(
            found_now(&h(&[2, 5])).is_empty(),
            "two check-ins are not a run"
        );
        assert!(found_now(&h(&[2, 5, 5])).is_empty(), "flat is not rising");
        assert!(found_now(&h(&[1, 2, 3])).is_empty(), "ends below 4");
        assert_eq!(
            found_now(&h(&[3, 4, 5, 1])),
            [Signal::RisingCraving],
            "a run earlier in the window still counts"
        );
        // Rising into the high range is both signals.
        assert_eq!(
            found_now(&h(&[4, 5, 8])),
            [Signal::HighCraving, Signal::RisingCraving]
        );
        // A check-in without a craving answer does not break the run.
        let mut gap = h(&[2, 3, 5]);
        gap.checkins.insert(1, checkin(25));
        gap.checkins.sort_by_key(|c| c.at);
        assert_eq!(found_now(&gap), [Signal::RisingCraving]);
    }

    #[test]
    fn the_window_is_open_at_its_start_and_closed_at_now() {
        let r = Rules::default();
        let at = |t: i64| History {
            checkins: vec![Answers {
                at: t,
                mood: Some(1),
                ..Answers::default()
            }],
            ..History::default()
        };
        assert_eq!(
            kinds(&signals(&at(NOW - r.window + 1), &r, NOW)),
            [Signal::LowMood]
        );
        assert!(signals(&at(NOW - r.window), &r, NOW).is_empty());
        assert!(
            signals(&at(NOW + 1), &r, NOW).is_empty(),
            "nothing from the future"
        );
    }

    #[test]
    fn an_unanswered_are_you_ok_counts_only_after_the_wait() {
        let r = Rules::default();
        let h = History {
            unanswered_ok_checks: vec![NOW - r.ok_check_wait],
            ..History::default()
        };
        assert_eq!(found_now(&h), [Signal::MissedCheckins]);
        let h = History {
            unanswered_ok_checks: vec![NOW - r.ok_check_wait + 1],
            ..History::default()
        };
        assert!(found_now(&h).is_empty());
    }

    #[test]
    fn sos_uses_and_crisis_answers() {
        let h = History {
            sos: vec![NOW - 80 * H, NOW - 2 * H],
            crisis_yes: vec![NOW - H],
            ..History::default()
        };
        let found = signals(&h, &Rules::default(), NOW);
        assert_eq!(kinds(&found), [Signal::SosUse, Signal::CrisisScreen]);
        assert_eq!(found[0].at, NOW - 2 * H, "the latest SOS inside the window");
        let two = Rules {
            sos_uses: 2,
            ..Rules::default()
        };
        assert!(
            kinds(&signals(&h, &two, NOW)) == [Signal::CrisisScreen],
            "the older SOS is outside the window"
        );
    }

    #[test]
    fn signals_are_distinct_kinds_not_counts() {
        let h = History {
            checkins: (1..=5)
                .map(|i| Answers {
                    craving: Some(9),
                    ..checkin(i * 5)
                })
                .collect(),
            ..History::default()
        };
        let found = signals(&h, &Rules::default(), NOW);
        assert_eq!(kinds(&found), [Signal::HighCraving]);
        assert_eq!(found[0].at, NOW - 5 * H, "the latest occurrence");
        assert_eq!(
            decide(found, None, &Rules::default(), NOW),
            Decision::Quiet,
            "five strong cravings are one kind of sign"
        );
    }

    fn three() -> Vec<Found> {
        [
            Signal::HighCraving,
            Signal::ShortSleep,
            Signal::MissedCheckins,
        ]
        .into_iter()
        .map(|signal| Found { signal, at: NOW })
        .collect()
    }

    #[test]
    fn the_rule_fires_at_the_threshold() {
        let r = Rules::default();
        let mut two = three();
        two.pop();
        assert_eq!(decide(two, None, &r, NOW), Decision::Quiet);
        assert_eq!(decide(three(), None, &r, NOW), Decision::Alert(three()));
    }

    #[test]
    fn cooldown_then_one_escalation_then_alerts_again() {
        let r = Rules::default();
        let last = |hours_ago: i64, escalation: bool, acknowledged: bool| {
            Some(LastAlert {
                at: NOW - hours_ago * H,
                escalation,
                acknowledged,
            })
        };
        // Inside the cooldown: nothing, acknowledged or not.
        assert_eq!(
            decide(three(), last(23, false, false), &r, NOW),
            Decision::CoolingDown
        );
        assert_eq!(
            decide(three(), last(23, false, true), &r, NOW),
            Decision::CoolingDown
        );
        // Just past it, unacknowledged: escalate once.
        assert_eq!(
            decide(three(), last(24, false, false), &r, NOW),
            Decision::Escalate(three())
        );
        // Acknowledged: a new alert, not an escalation.
        assert_eq!(
            decide(three(), last(24, false, true), &r, NOW),
            Decision::Alert(three())
        );
        // After the escalation's own cooldown: an ordinary alert again (at most one a day).
        assert_eq!(
            decide(three(), last(23, true, false), &r, NOW),
            Decision::CoolingDown
        );
        assert_eq!(
            decide(three(), last(24, true, false), &r, NOW),
            Decision::Alert(three())
        );
        // An unanswered alert from long ago (past cooldown + window): a new cluster.
        assert_eq!(
            decide(three(), last(24 + 72, false, false), &r, NOW),
            Decision::Alert(three())
        );
        // Not enough signals: quiet, whatever came before.
        assert_eq!(
            decide(three()[..2].to_vec(), last(30, false, false), &r, NOW),
            Decision::Quiet
        );
    }

    #[test]
    fn three_days_of_worsening_answers() {
        // Day 1 fine, day 2 short sleep, day 3 high craving and low mood.
        let h = History {
            checkins: vec![
                Answers {
                    mood: Some(6),
                    sleep_minutes: Some(7 * 60),
                    craving: Some(3),
                    ..checkin(48)
                },
                Answers {
                    mood: Some(5),
                    sleep_minutes: Some(4 * 60),
                    craving: Some(5),
                    ..checkin(24)
                },
                Answers {
                    mood: Some(2),
                    sleep_minutes: Some(6 * 60),
                    craving: Some(8),
                    ..checkin(0)
                },
            ],
            ..History::default()
        };
        let r = Rules::default();
        let found = signals(&h, &r, NOW);
        assert_eq!(
            kinds(&found),
            [
                Signal::HighCraving,
                Signal::RisingCraving,
                Signal::LowMood,
                Signal::ShortSleep
            ]
        );
        assert!(matches!(decide(found, None, &r, NOW), Decision::Alert(_)));
        // The day before, only short sleep and a rise that had not yet reached the run.
        let before = signals(&h, &r, NOW - 24 * H);
        assert_eq!(kinds(&before), [Signal::ShortSleep]);
    }

    #[test]
    fn codes_round_trip() {
        for s in Signal::ALL {
            assert_eq!(Signal::parse(s.code()), Some(s));
        }
        assert_eq!(Signal::parse("nope"), None);
    }
}
