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
mod tests;
