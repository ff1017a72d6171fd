//! Which coping suggestion fits what the patient just said: pure, no I/O.
//!
//! - `needs` reads one check-in and lists what it calls for, most urgent first
//!   (crisis > lapse > craving > mood > sleep > triggers > HALT > reinforcement).
//! - `choose` picks one suggestion for a need: never one shown in the last few times, rarely
//!   one marked "not for me" (only when nothing else is left), more often one marked helpful.
//! - `streak` counts the local days in a row with a finished check-in (the reinforcement).

use chrono::NaiveDate;
use rand::Rng;
use std::collections::HashMap;

/// What a suggestion can serve. The codes are the `needs` values in `prompts/suggestions.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    /// Mood at the very bottom: the crisis line comes first, not a tip.
    Crisis,
    /// A reported use: support and a plan for the next hours, never shame.
    Lapse,
    /// A strong or sharply rising urge.
    Craving,
    /// Low mood.
    Mood,
    /// Short, very long or poor sleep.
    Sleep,
    /// A moderate urge: spot the trigger (people, places, feelings) and plan a response.
    Triggers,
    /// Middling mood or tiredness: Hungry, Angry, Lonely, Tired?
    Halt,
    /// Nothing worrying: celebrate the check-in and small wins.
    Reinforce,
    /// A grounding step for a craving right now (`/sos`), not chosen from a check-in.
    Sos,
}

impl Need {
    pub const ALL: [Need; 9] = [
        Need::Crisis,
        Need::Lapse,
        Need::Craving,
        Need::Mood,
        Need::Sleep,
        Need::Triggers,
        Need::Halt,
        Need::Reinforce,
        Need::Sos,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Need::Crisis => "crisis",
            Need::Lapse => "lapse",
            Need::Craving => "craving",
            Need::Mood => "mood",
            Need::Sleep => "sleep",
            Need::Triggers => "triggers",
            Need::Halt => "halt",
            Need::Reinforce => "reinforce",
            Need::Sos => "sos",
        }
    }

    pub fn parse(s: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.code() == s)
    }

    /// Needs served by suggestions from the library (crisis is answered with the crisis line).
    pub fn has_suggestions(self) -> bool {
        self != Need::Crisis
    }
}

/// Thresholds, from the domain brief's warning signs.
pub mod threshold {
    /// Mood at or below this is low.
    pub const LOW_MOOD: u8 = 3;
    /// Mood at this is a crisis: the crisis line is shown first.
    pub const CRISIS_MOOD: u8 = 0;
    /// An urge at or above this is strong.
    pub const HIGH_CRAVING: u8 = 7;
    /// A rise of this much since the last check-in, to at least `RISING_FROM`, counts as
    /// strong too: a rise predicts use at the next prompt (Moore 2014).
    pub const RISE: u8 = 2;
    pub const RISING_FROM: u8 = 5;
    /// A moderate urge: worth spotting the trigger.
    pub const MODERATE_CRAVING: u8 = 4;
    /// Sleep under this many minutes is short, over the other very long.
    pub const SHORT_SLEEP_MIN: u16 = 5 * 60;
    pub const LONG_SLEEP_MIN: u16 = 12 * 60;
    /// Sleep quality at or below this is poor.
    pub const POOR_SLEEP_QUALITY: u8 = 3;
    /// Middling: mood or sleep quality at or below this, or under six hours of sleep.
    pub const MIDDLING: u8 = 5;
    pub const TIRED_SLEEP_MIN: u16 = 6 * 60;
}

/// The answers of one finished check-in (any of them may not have been asked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub mood: Option<u8>,
    pub sleep_minutes: Option<u16>,
    pub sleep_quality: Option<u8>,
    pub craving: Option<u8>,
    /// `Some(true)` only for "yes"; "prefer not to say" is `None`.
    pub used: Option<bool>,
    /// The urge reported at the check-in before this one, if any.
    pub previous_craving: Option<u8>,
}

/// Every need this check-in calls for, most urgent first; `Reinforce` when nothing else.
pub fn needs(r: &Reading) -> Vec<Need> {
    use threshold::*;
    let mut out = Vec::new();
    if r.mood == Some(CRISIS_MOOD) {
        out.push(Need::Crisis);
    }
    if r.used == Some(true) {
        out.push(Need::Lapse);
    }
    if let Some(c) = r.craving {
        let rising = c >= RISING_FROM
            && r.previous_craving
                .is_some_and(|p| c >= p.saturating_add(RISE));
        if c >= HIGH_CRAVING || rising {
            out.push(Need::Craving);
        } else if c >= MODERATE_CRAVING {
            out.push(Need::Triggers);
        }
    }
    if r.mood.is_some_and(|m| m <= LOW_MOOD) {
        out.push(Need::Mood);
    }
    let short_or_long = r
        .sleep_minutes
        .is_some_and(|m| !(SHORT_SLEEP_MIN..=LONG_SLEEP_MIN).contains(&m));
    if short_or_long || r.sleep_quality.is_some_and(|q| q <= POOR_SLEEP_QUALITY) {
        out.push(Need::Sleep);
    }
    let middling = r.mood.is_some_and(|m| m > LOW_MOOD && m <= MIDDLING)
        || r.sleep_quality
            .is_some_and(|q| q > POOR_SLEEP_QUALITY && q <= MIDDLING)
        || r.sleep_minutes
            .is_some_and(|m| (SHORT_SLEEP_MIN..TIRED_SLEEP_MIN).contains(&m));
    if middling {
        out.push(Need::Halt);
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        out.push(Need::Reinforce);
    }
    out
}

/// The most urgent need of a check-in: what the suggestion answers.
pub fn primary(r: &Reading) -> Need {
    needs(r)[0]
}

/// How a patient rated one suggestion, summed over the times it was shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Feedback {
    pub helpful: u32,
    pub not_for_me: u32,
}

impl Feedback {
    /// "Not for me" more often than "helpful": kept back while anything else is left.
    pub fn disliked(&self) -> bool {
        self.not_for_me > self.helpful
    }

    /// Relative chance among the candidates left: helpful ones come up more (up to 4×).
    pub fn weight(&self) -> u32 {
        1 + self.helpful.saturating_sub(self.not_for_me).min(3)
    }
}

/// What the patient has seen and said so far.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Keys shown, most recent first.
    pub recent: Vec<String>,
    pub feedback: HashMap<String, Feedback>,
}

/// A suggestion is not shown again until this many others have been shown.
pub const NO_REPEAT_WITHIN: usize = 5;

/// Picks a suggestion from `pool` (the keys serving the need), leaving out `exclude` (those
/// already on screen in this round of "more ideas").
///
/// In order of preference: not among the last `NO_REPEAT_WITHIN` shown and not disliked
/// (weighted towards helpful ones); then not recent but disliked; then whichever was shown
/// longest ago. `None` only when every key in the pool is excluded.
pub fn choose<'a, R: Rng + ?Sized>(
    pool: &[&'a str],
    history: &History,
    exclude: &[&str],
    rng: &mut R,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = pool
        .iter()
        .copied()
        .filter(|k| !exclude.contains(k))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let recent: Vec<&str> = history
        .recent
        .iter()
        .take(NO_REPEAT_WITHIN)
        .map(String::as_str)
        .collect();
    let feedback = |k: &str| history.feedback.get(k).copied().unwrap_or_default();
    let fresh: Vec<&'a str> = candidates
        .iter()
        .copied()
        .filter(|k| !recent.contains(k))
        .collect();
    let liked: Vec<&'a str> = fresh
        .iter()
        .copied()
        .filter(|k| !feedback(k).disliked())
        .collect();
    let tier = if !liked.is_empty() { liked } else { fresh };
    if !tier.is_empty() {
        let total: u32 = tier.iter().map(|k| feedback(k).weight()).sum();
        let mut ticket = rng.random_range(0..total);
        for k in &tier {
            let w = feedback(k).weight();
            if ticket < w {
                return Some(k);
            }
            ticket -= w;
        }
        unreachable!("the ticket falls inside the total weight");
    }
    // Everything was shown recently: the one shown longest ago (never shown counts as oldest).
    candidates.into_iter().max_by_key(|k| {
        history
            .recent
            .iter()
            .position(|r| r == k)
            .unwrap_or(usize::MAX)
    })
}

/// Days in a row, ending today or yesterday, with at least one finished check-in. `days` are
/// local dates in any order, duplicates allowed.
pub fn streak(days: &[NaiveDate], today: NaiveDate) -> u32 {
    let mut sorted: Vec<NaiveDate> = days.iter().copied().filter(|d| *d <= today).collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    let Some(&latest) = sorted.first() else {
        return 0;
    };
    if (today - latest).num_days() > 1 {
        return 0;
    }
    let mut count = 1;
    for pair in sorted.windows(2) {
        if (pair[0] - pair[1]).num_days() == 1 {
            count += 1;
        } else {
            break;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn reading() -> Reading {
        Reading::default()
    }

    #[test]
    fn all_fine_is_reinforcement() {
        let r = Reading {
            mood: Some(7),
            sleep_minutes: Some(7 * 60),
            sleep_quality: Some(7),
            craving: Some(2),
            used: Some(false),
            previous_craving: Some(3),
        };
        assert_eq!(needs(&r), vec![Need::Reinforce]);
        assert_eq!(primary(&reading()), Need::Reinforce);
    }

    #[test]
    fn the_most_urgent_need_wins() {
        let everything = Reading {
            mood: Some(0),
            sleep_minutes: Some(3 * 60),
            sleep_quality: Some(1),
            craving: Some(9),
            used: Some(true),
            previous_craving: None,
        };
        assert_eq!(
            needs(&everything),
            vec![
                Need::Crisis,
                Need::Lapse,
                Need::Craving,
                Need::Mood,
                Need::Sleep
            ]
        );
        let no_crisis = Reading {
            mood: Some(2),
            ..everything
        };
        assert_eq!(primary(&no_crisis), Need::Lapse);
        let no_use = Reading {
            used: Some(false),
            ..no_crisis
        };
        assert_eq!(primary(&no_use), Need::Craving);
        let calm = Reading {
            craving: Some(1),
            ..no_use
        };
        assert_eq!(primary(&calm), Need::Mood);
        let ok_mood = Reading {
            mood: Some(7),
            ..calm
        };
        assert_eq!(primary(&ok_mood), Need::Sleep);
    }

    #[test]
    fn threshold_edges() {
        let craving = |c, p| Reading {
            craving: Some(c),
            previous_craving: p,
            ..reading()
        };
        assert_eq!(primary(&craving(7, None)), Need::Craving);
        assert_eq!(primary(&craving(6, None)), Need::Triggers);
        assert_eq!(primary(&craving(4, None)), Need::Triggers);
        assert_eq!(primary(&craving(3, None)), Need::Reinforce);
        // Rising by two to five or more counts as strong; from a higher base it does not.
        assert_eq!(primary(&craving(5, Some(3))), Need::Craving);
        assert_eq!(primary(&craving(5, Some(4))), Need::Triggers);
        assert_eq!(primary(&craving(4, Some(0))), Need::Triggers);

        let mood = |m| Reading {
            mood: Some(m),
            ..reading()
        };
        assert_eq!(primary(&mood(0)), Need::Crisis);
        assert_eq!(primary(&mood(1)), Need::Mood);
        assert_eq!(primary(&mood(3)), Need::Mood);
        assert_eq!(primary(&mood(4)), Need::Halt);
        assert_eq!(primary(&mood(5)), Need::Halt);
        assert_eq!(primary(&mood(6)), Need::Reinforce);

        let sleep = |h: u16, q| Reading {
            sleep_minutes: Some(h),
            sleep_quality: q,
            ..reading()
        };
        assert_eq!(primary(&sleep(299, None)), Need::Sleep);
        assert_eq!(primary(&sleep(300, None)), Need::Halt);
        assert_eq!(primary(&sleep(359, None)), Need::Halt);
        assert_eq!(primary(&sleep(360, None)), Need::Reinforce);
        assert_eq!(primary(&sleep(720, None)), Need::Reinforce);
        assert_eq!(primary(&sleep(721, None)), Need::Sleep);
        assert_eq!(primary(&sleep(480, Some(3))), Need::Sleep);
        assert_eq!(primary(&sleep(480, Some(4))), Need::Halt);
        assert_eq!(primary(&sleep(480, Some(6))), Need::Reinforce);

        // "Prefer not to say" is never read as a use.
        let skipped = Reading {
            used: None,
            mood: Some(8),
            ..reading()
        };
        assert_eq!(primary(&skipped), Need::Reinforce);
    }

    #[test]
    fn codes_round_trip() {
        for n in Need::ALL {
            assert_eq!(Need::parse(n.code()), Some(n));
        }
        assert_eq!(Need::parse("nope"), None);
    }

    const POOL: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

    fn history(recent: &[&str]) -> History {
        History {
            recent: recent.iter().map(|s| s.to_string()).collect(),
            feedback: HashMap::new(),
        }
    }

    #[test]
    fn never_repeats_within_the_last_few() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut h = history(&[]);
        for _ in 0..200 {
            let k = choose(&POOL, &h, &[], &mut rng).unwrap();
            assert!(
                !h.recent.iter().take(NO_REPEAT_WITHIN).any(|r| r == k),
                "{k} repeated within {:?}",
                &h.recent[..NO_REPEAT_WITHIN.min(h.recent.len())]
            );
            h.recent.insert(0, k.to_string());
        }
    }

    #[test]
    fn a_small_pool_falls_back_to_the_oldest() {
        let mut rng = StdRng::seed_from_u64(1);
        let pool = ["a", "b", "c"];
        let h = history(&["b", "a", "c"]);
        assert_eq!(choose(&pool, &h, &[], &mut rng), Some("c"));
        let h = history(&["b", "a"]);
        // Never shown beats anything shown.
        assert_eq!(choose(&pool, &h, &[], &mut rng), Some("c"));
        assert_eq!(choose(&pool, &h, &["a", "b", "c"], &mut rng), None);
        assert_eq!(choose(&[], &h, &[], &mut rng), None);
    }

    #[test]
    fn excluded_keys_are_not_offered_again() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..100 {
            let k = choose(&POOL, &history(&[]), &["a", "b", "c"], &mut rng).unwrap();
            assert!(!["a", "b", "c"].contains(&k));
        }
    }

    #[test]
    fn not_for_me_waits_until_everything_else_was_shown() {
        let mut rng = StdRng::seed_from_u64(11);
        let mut h = history(&[]);
        h.feedback.insert(
            "a".into(),
            Feedback {
                helpful: 0,
                not_for_me: 1,
            },
        );
        for _ in 0..500 {
            assert_ne!(choose(&POOL, &h, &[], &mut rng), Some("a"));
        }
        // Once the others are all recent, it may come back rather than repeat one.
        let h2 = History {
            recent: ["b", "c", "d", "e", "f"].map(String::from).to_vec(),
            feedback: h.feedback.clone(),
        };
        let pool = ["a", "b", "c", "d", "e", "f"];
        assert_eq!(choose(&pool, &h2, &[], &mut rng), Some("a"));
        // Marked helpful later as often: no longer kept back.
        h.feedback.insert(
            "a".into(),
            Feedback {
                helpful: 1,
                not_for_me: 1,
            },
        );
        assert!((0..500).any(|_| choose(&POOL, &h, &[], &mut rng) == Some("a")));
    }

    #[test]
    fn helpful_ones_come_up_more_often() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut h = history(&[]);
        h.feedback.insert(
            "a".into(),
            Feedback {
                helpful: 3,
                not_for_me: 0,
            },
        );
        let n = 8000;
        let hits = (0..n)
            .filter(|_| choose(&POOL, &h, &[], &mut rng) == Some("a"))
            .count();
        // Weight 4 among seven others of weight 1: 4/11 ≈ 36%, against 1/8 = 12.5% plain.
        let share = hits as f64 / n as f64;
        assert!((0.31..0.42).contains(&share), "share {share}");
    }

    #[test]
    fn seeded_choice_is_reproducible() {
        let h = history(&["c"]);
        let a: Vec<_> = {
            let mut rng = StdRng::seed_from_u64(42);
            (0..20)
                .map(|_| choose(&POOL, &h, &[], &mut rng).unwrap())
                .collect()
        };
        let mut rng = StdRng::seed_from_u64(42);
        let b: Vec<_> = (0..20)
            .map(|_| choose(&POOL, &h, &[], &mut rng).unwrap())
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn streaks() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        assert_eq!(streak(&[], d(10)), 0);
        assert_eq!(streak(&[d(10)], d(10)), 1);
        assert_eq!(streak(&[d(10), d(10), d(9), d(8)], d(10)), 3);
        // A streak still counts on a day not yet checked in.
        assert_eq!(streak(&[d(9), d(8)], d(10)), 2);
        assert_eq!(streak(&[d(8), d(7)], d(10)), 0);
        assert_eq!(streak(&[d(10), d(8), d(7)], d(10)), 1);
        assert_eq!(streak(&[d(7), d(10), d(9), d(8)], d(10)), 4);
        // Dates after "today" (a zone change) are ignored.
        assert_eq!(streak(&[d(11), d(10)], d(10)), 1);
    }
}
