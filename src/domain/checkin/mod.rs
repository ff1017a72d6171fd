//! Check-in answers: parsed into validated values, and the order of the steps.
//!
//! Pure: no I/O, no clock. Everything here is unit-tested below.

use std::fmt;

/// Upper bound on a free-text note, in characters. Telegram allows 4096 per message; we keep
/// notes shorter so a summary that quotes one always fits, and the column has the same CHECK.
pub const NOTE_MAX_CHARS: usize = 1000;

/// The questions of a check-in, in the order they are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Mood,
    SleepHours,
    SleepQuality,
    Craving,
    Used,
    Note,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Mood,
        Step::SleepHours,
        Step::SleepQuality,
        Step::Craving,
        Step::Used,
        Step::Note,
    ];

    /// Stable short code used in the database and in callback data.
    pub fn code(self) -> &'static str {
        match self {
            Step::Mood => "mood",
            Step::SleepHours => "sleep",
            Step::SleepQuality => "sq",
            Step::Craving => "crave",
            Step::Used => "used",
            Step::Note => "note",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The step after this one, or `None` when the check-in is complete.
    pub fn next(self) -> Option<Step> {
        let i = Step::ALL
            .iter()
            .position(|s| *s == self)
            .expect("step is in ALL");
        Step::ALL.get(i + 1).copied()
    }

    /// 1-based position, for "question 2 of 6".
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .expect("step is in ALL")
            + 1
    }
}

/// The questions one check-in asks, in order. A full check-in asks all of them; scheduled
/// slots ask fewer (a morning check-in asks about sleep and mood).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Questions(Vec<Step>);

impl Questions {
    pub fn full() -> Questions {
        Questions(Step::ALL.to_vec())
    }

    /// Sleep is asked in the morning, within an hour or so of waking (domain.md).
    pub fn morning() -> Questions {
        Questions(vec![Step::SleepHours, Step::SleepQuality, Step::Mood])
    }

    pub fn evening() -> Questions {
        Questions(vec![Step::Mood, Step::Craving, Step::Used, Step::Note])
    }

    /// The random afternoon prompt: craving and mood (EMA designs, domain.md).
    pub fn afternoon() -> Questions {
        Questions(vec![Step::Craving, Step::Mood])
    }

    /// Builds a question list in the given order; a repeated step is refused.
    pub fn new(steps: &[Step]) -> Option<Questions> {
        let mut v: Vec<Step> = Vec::new();
        for s in steps {
            if v.contains(s) {
                return None;
            }
            v.push(*s);
        }
        (!v.is_empty()).then_some(Questions(v))
    }

    /// Parses the stored form, e.g. `mood,crave`.
    pub fn parse(code: &str) -> Option<Questions> {
        let steps: Option<Vec<Step>> = code.split(',').map(Step::from_code).collect();
        Questions::new(&steps?)
    }

    pub fn code(&self) -> String {
        self.0
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn first(&self) -> Step {
        self.0[0]
    }

    /// The step after `step`, or `None` when `step` is the last (or not asked).
    pub fn after(&self, step: Step) -> Option<Step> {
        let i = self.0.iter().position(|s| *s == step)?;
        self.0.get(i + 1).copied()
    }

    /// 1-based position and total, for "question 2 of 3".
    pub fn position(&self, step: Step) -> (usize, usize) {
        let i = self.0.iter().position(|s| *s == step).unwrap_or(0);
        (i + 1, self.0.len())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why an answer was refused. Each maps to a kind sentence in prompts/.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// Not a number where one was expected.
    NotANumber,
    /// A number, but outside the allowed range.
    OutOfRange { min: u32, max: u32 },
    /// Not one of the offered choices.
    UnknownChoice,
    /// A note longer than [`NOTE_MAX_CHARS`].
    NoteTooLong { chars: usize },
    /// An empty note (use "skip" instead).
    EmptyNote,
}

/// A 0–10 self-rating (mood, sleep quality, craving).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    pub const MAX: u8 = 10;

    pub fn new(v: i64) -> Result<Score, AnswerError> {
        if (0..=i64::from(Self::MAX)).contains(&v) {
            Ok(Score(v as u8))
        } else {
            Err(AnswerError::OutOfRange {
                min: 0,
                max: u32::from(Self::MAX),
            })
        }
    }

    /// Accepts what a person types: "7", " 7 ", "7/10".
    pub fn parse(text: &str) -> Result<Score, AnswerError> {
        let t = text.trim();
        let t = t.strip_suffix("/10").unwrap_or(t).trim();
        let v: i64 = t.parse().map_err(|_| AnswerError::NotANumber)?;
        Score::new(v)
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Hours slept last night, kept in minutes (0 to 24 h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SleepDuration(u16);

impl SleepDuration {
    pub const MAX_MINUTES: u16 = 24 * 60;
    /// The largest whole-hour button; typed answers may go up to 24 h.
    pub const BUTTON_MAX_HOURS: u16 = 14;

    pub fn from_minutes(m: i64) -> Result<SleepDuration, AnswerError> {
        if (0..=i64::from(Self::MAX_MINUTES)).contains(&m) {
            Ok(SleepDuration(m as u16))
        } else {
            Err(AnswerError::OutOfRange { min: 0, max: 24 })
        }
    }

    /// Accepts "7", "7.5", "7,5", "7h", "7 h", "7:30", "7h30".
    pub fn parse(text: &str) -> Result<SleepDuration, AnswerError> {
        let t = text.trim().to_lowercase();
        let t = t
            .strip_suffix("hours")
            .or_else(|| t.strip_suffix("hrs"))
            .or_else(|| t.strip_suffix('h'))
            .unwrap_or(&t)
            .trim()
            .to_string();
        let minutes = if let Some((h, m)) = t.split_once(':').or_else(|| t.split_once('h')) {
            let h: i64 = h.trim().parse().map_err(|_| AnswerError::NotANumber)?;
            let m: i64 = m.trim().parse().map_err(|_| AnswerError::NotANumber)?;
            if !(0..60).contains(&m) {
                return Err(AnswerError::NotANumber);
            }
            h * 60 + m
        } else {
            // Hours as people write them: "7", "7.5", "6,5". Not "1e1", "-0.001", "inf".
            let t = t.replace(',', ".");
            let unsigned = t.strip_prefix('-').unwrap_or(&t);
            let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if whole.is_empty() || !digits(whole) || !digits(fraction) {
                return Err(AnswerError::NotANumber);
            }
            if t.starts_with('-') {
                // "-0.001" is not 0 h: below the range, said so.
                return Err(AnswerError::OutOfRange { min: 0, max: 24 });
            }
            if fraction.len() > 2 {
                return Err(AnswerError::NotANumber);
            }
            let v: f64 = t.parse().map_err(|_| AnswerError::NotANumber)?;
            if !v.is_finite() {
                return Err(AnswerError::NotANumber);
            }
            (v * 60.0).round() as i64
        };
        SleepDuration::from_minutes(minutes)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Hours as shown to a person: "7", "7.5", "6.3".
    pub fn hours_label(self) -> String {
        let tenths = (u32::from(self.0) * 10 + 30) / 60;
        if tenths % 10 == 0 {
            format!("{}", tenths / 10)
        } else {
            format!("{}.{}", tenths / 10, tenths % 10)
        }
    }
}

/// "Have you used since your last check-in?" Honest answers must be safe to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseAnswer {
    Yes,
    No,
    PreferNotToSay,
}

impl UseAnswer {
    pub const ALL: [UseAnswer; 3] = [UseAnswer::Yes, UseAnswer::No, UseAnswer::PreferNotToSay];

    pub fn code(self) -> &'static str {
        match self {
            UseAnswer::Yes => "yes",
            UseAnswer::No => "no",
            UseAnswer::PreferNotToSay => "skip",
        }
    }

    pub fn from_code(code: &str) -> Result<UseAnswer, AnswerError> {
        UseAnswer::ALL
            .into_iter()
            .find(|u| u.code() == code)
            .ok_or(AnswerError::UnknownChoice)
    }

    /// Whether a use was reported: `None` for "prefer not to say", which is neither.
    pub fn reported_use(self) -> Option<bool> {
        match self {
            UseAnswer::Yes => Some(true),
            UseAnswer::No => Some(false),
            UseAnswer::PreferNotToSay => None,
        }
    }
}

/// An optional free-text note. Never logged, never shared with a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

impl Note {
    pub fn parse(text: &str) -> Result<Note, AnswerError> {
        let t = text.trim();
        // Only spaces and invisible characters (zero-width spaces and joiners, word joiner,
        // byte-order mark, soft hyphen, Hangul fillers) is no note.
        let invisible = |c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '\u{00AD}'
                        | '\u{034F}'
                        | '\u{115F}'
                        | '\u{1160}'
                        | '\u{180E}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2060}'..='\u{2064}'
                        | '\u{3164}'
                        | '\u{FEFF}'
                        | '\u{FFA0}'
                )
        };
        if t.chars().all(invisible) {
            return Err(AnswerError::EmptyNote);
        }
        let chars = t.chars().count();
        if chars > NOTE_MAX_CHARS {
            return Err(AnswerError::NoteTooLong { chars });
        }
        Ok(Note(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One answer to one step, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Mood(Score),
    SleepHours(SleepDuration),
    SleepQuality(Score),
    Craving(Score),
    Used(UseAnswer),
    /// `None` when the patient skipped the note.
    Note(Option<Note>),
}

impl Answer {
    pub fn step(&self) -> Step {
        match self {
            Answer::Mood(_) => Step::Mood,
            Answer::SleepHours(_) => Step::SleepHours,
            Answer::SleepQuality(_) => Step::SleepQuality,
            Answer::Craving(_) => Step::Craving,
            Answer::Used(_) => Step::Used,
            Answer::Note(_) => Step::Note,
        }
    }

    /// Parses the value part of a button's callback data for `step`.
    /// Button values are compact codes: scores and whole hours as numbers, choices as codes.
    pub fn from_button(step: Step, value: &str) -> Result<Answer, AnswerError> {
        let number = || -> Result<i64, AnswerError> {
            // Only plain ASCII digits as our buttons write them: "+7", " 7", "07x" or "05" are
            // not something they send.
            if value.is_empty()
                || value.len() > 4
                || !value.bytes().all(|b| b.is_ascii_digit())
                || (value.len() > 1 && value.starts_with('0'))
            {
                return Err(AnswerError::NotANumber);
            }
            value.parse().map_err(|_| AnswerError::NotANumber)
        };
        match step {
            Step::Mood => Ok(Answer::Mood(Score::new(number()?)?)),
            Step::SleepQuality => Ok(Answer::SleepQuality(Score::new(number()?)?)),
            Step::Craving => Ok(Answer::Craving(Score::new(number()?)?)),
            Step::SleepHours => {
                let h = number()?;
                if h > i64::from(SleepDuration::BUTTON_MAX_HOURS) {
                    return Err(AnswerError::OutOfRange {
                        min: 0,
                        max: u32::from(SleepDuration::BUTTON_MAX_HOURS),
                    });
                }
                Ok(Answer::SleepHours(SleepDuration::from_minutes(h * 60)?))
            }
            Step::Used => Ok(Answer::Used(UseAnswer::from_code(value)?)),
            Step::Note => {
                if value == "skip" {
                    Ok(Answer::Note(None))
                } else {
                    Err(AnswerError::UnknownChoice)
                }
            }
        }
    }

    /// Parses typed text as an answer to `step`. Typing is optional: buttons are the main path.
    pub fn from_text(step: Step, text: &str) -> Result<Answer, AnswerError> {
        match step {
            Step::Mood => Ok(Answer::Mood(Score::parse(text)?)),
            Step::SleepHours => Ok(Answer::SleepHours(SleepDuration::parse(text)?)),
            Step::SleepQuality => Ok(Answer::SleepQuality(Score::parse(text)?)),
            Step::Craving => Ok(Answer::Craving(Score::parse(text)?)),
            Step::Used => {
                let t = text.trim().to_lowercase();
                match t.as_str() {
                    "yes" | "y" => Ok(Answer::Used(UseAnswer::Yes)),
                    "no" | "n" => Ok(Answer::Used(UseAnswer::No)),
                    _ => Err(AnswerError::UnknownChoice),
                }
            }
            Step::Note => Ok(Answer::Note(Some(Note::parse(text)?))),
        }
    }
}

/// Seconds a person needs at least to read a question and type an answer. Telegram dates
/// messages in whole seconds, so text dated less than this after the question appeared was
/// (almost surely) written before the patient could see it: an answer to something else that
/// crossed with the question on the way.
pub const READ_SECS: i64 = 2;

/// Whether typed text dated `typed_at` can answer a question that appeared at `shown_at`
/// (both Telegram's dates, Unix seconds). An unknown date on either side (0 or `None`, as for
/// updates stored before dates were kept) accepts the text: the message order still guards.
pub fn read_in_time(shown_at: Option<i64>, typed_at: i64) -> bool {
    match shown_at {
        Some(shown) if shown > 0 && typed_at > 0 => typed_at >= shown + READ_SECS,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
