//! Recognising words of crisis in free text, so the crisis line (or, for a medical emergency,
//! the emergency number) comes first.
//!
//! This is a safety net, not a detector: it errs towards showing help (a false alarm costs a
//! message; a miss can cost more), and the crisis buttons are on every keyboard regardless.
//!
//! The words live in `prompts/<language>/crisis-words.toml`, so clinicians can extend them.
//! Every text is checked against every language's lexicon: a patient set to English may well
//! write in Spanish. Text is normalised first ([`tokens`]): lower case, accents off,
//! apostrophes dropped ("can't" → "cant"), other punctuation and emoji are spaces, and repeated
//! letters fold to one ("dieeee" → "die", "kill" → "kil"); patterns are normalised the same
//! way, so they are written plainly.
//!
//! A pattern is words separated by spaces:
//! - `word` matches that word; `word*` any word starting with it (`suicid*`);
//! - `a|b|c` any of the alternatives (each may end in `*`);
//! - `..` up to three words of anything in between (`want* .. die`).
//!
//! An `ignore` pattern ("muero de risa") hides the words it covers, so "me muero de risa" is
//! not "me muero", while "me muero de risa pero quiero morirme" still is.

use std::fmt;

mod line;
pub use line::CrisisLine;

/// What a text seems to be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Concern {
    /// Thoughts of suicide, or of not wanting to live.
    Suicide,
    /// Hurting oneself.
    SelfHarm,
    /// A medical emergency: overdose, chest pain, can't breathe, seizure, someone unconscious.
    Medical,
}

impl Concern {
    pub const ALL: [Concern; 3] = [Concern::Suicide, Concern::SelfHarm, Concern::Medical];

    /// The section name in `crisis-words.toml`.
    pub fn code(self) -> &'static str {
        match self {
            Concern::Suicide => "suicide",
            Concern::SelfHarm => "self_harm",
            Concern::Medical => "medical",
        }
    }
}

/// What was found in one text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Found {
    pub suicide: bool,
    pub self_harm: bool,
    pub medical: bool,
}

impl Found {
    pub fn any(self) -> bool {
        self.suicide || self.self_harm || self.medical
    }

    /// Suicide or self-harm: the crisis line and the crisis screen.
    pub fn harm(self) -> bool {
        self.suicide || self.self_harm
    }

    fn add(&mut self, c: Concern) {
        match c {
            Concern::Suicide => self.suicide = true,
            Concern::SelfHarm => self.self_harm = true,
            Concern::Medical => self.medical = true,
        }
    }
}

/// Accents and similar marks off Latin letters: "está" → "esta", "ñ" → "n", "ü" → "u".
pub fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// The normalised words of a text (see the module documentation).
pub fn tokens(text: &str) -> Vec<String> {
    let lowered = fold_accents(&text.to_lowercase());
    let mut words = Vec::new();
    let mut word = String::new();
    for c in lowered.chars() {
        if c.is_alphanumeric() {
            // Repeated letters fold to one: "noooo" → "no", "kill" → "kil".
            if !(c.is_alphabetic() && word.ends_with(c)) {
                word.push(c);
            }
        } else if matches!(c, '\'' | '’' | 'ʼ' | '`' | '´') {
            // "can't" → "cant", "I'm" → "im".
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Alt {
    Exact(String),
    Prefix(String),
}

impl Alt {
    fn matches(&self, word: &str) -> bool {
        match self {
            Alt::Exact(w) => w == word || near(w, word),
            Alt::Prefix(p) => {
                word.starts_with(p.as_str()) || {
                    // A typo inside the stem: compare with the word's start, one letter either way.
                    let chars: Vec<char> = word.chars().collect();
                    let n = p.chars().count();
                    (n.saturating_sub(1)..=n + 1)
                        .filter(|k| *k <= chars.len() && *k > 0)
                        .any(|k| near(p, &chars[..k].iter().collect::<String>()))
                }
            }
        }
    }
}

/// One typo apart, as people type on a phone: two neighbouring letters swapped ("wnat") in a
/// word of four letters or more, or one letter missing or extra ("matr", "suicde") in a word of
/// five or more. Never a letter changed for another: "matarte" is not "matarme".
fn near(pattern: &str, word: &str) -> bool {
    let a: Vec<char> = pattern.chars().collect();
    let b: Vec<char> = word.chars().collect();
    // The first letter is rarely the typo, and keeping it stops "doing" from being "oding".
    if a == b || a.first() != b.first() || !a.iter().chain(&b).all(|c| c.is_alphabetic()) {
        return false;
    }
    if a.len() == b.len() {
        if a.len() < 4 {
            return false;
        }
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        return diff.len() == 2
            && diff[1] == diff[0] + 1
            && a[diff[0]] == b[diff[1]]
            && a[diff[1]] == b[diff[0]];
    }
    let (long, short) = if a.len() > b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() != short.len() + 1 || a.len() < 5 {
        return false;
    }
    let i = (0..short.len())
        .find(|&i| long[i] != short[i])
        .unwrap_or(short.len());
    long[i + 1..] == short[i..]
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Word(Vec<Alt>),
    /// Up to this many words of anything.
    Gap(usize),
    /// `(a b|c)`: one of several phrases, each of one or more words.
    Phrases(Vec<Vec<Vec<Alt>>>),
}

/// How many words `..` may skip.
pub const GAP_WORDS: usize = 3;

/// Splits a pattern into words, `..`, and whole `( … )` groups.
fn split_groups(source: &str) -> Result<Vec<String>, PatternError> {
    let mut out = Vec::new();
    let mut rest = source.trim();
    while !rest.is_empty() {
        if rest.starts_with('(') {
            let end = rest
                .find(')')
                .ok_or_else(|| PatternError("a `(` is not closed: write `(a b|c)`".to_string()))?;
            if rest[1..end].contains('(') {
                return Err(PatternError("groups cannot be nested".to_string()));
            }
            out.push(rest[..=end].to_string());
            rest = rest[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            if word.contains(['(', ')']) {
                return Err(PatternError(format!(
                    "`{word}`: put a space before `(` and after `)`"
                )));
            }
            out.push(word.to_string());
            rest = rest[end..].trim_start();
        }
    }
    Ok(out)
}

/// One word slot: `word`, `word*` or `a|b*` (with `alternatives` false, a single word).
fn word_alts(raw: &str, alternatives: bool) -> Result<Vec<Alt>, PatternError> {
    let mut alts = Vec::new();
    for alt in raw.split('|') {
        if !alternatives && raw.contains('|') {
            return Err(PatternError(format!(
                "`{raw}`: inside `( )`, `|` separates phrases"
            )));
        }
        let (stem, prefix) = match alt.strip_suffix('*') {
            Some(s) => (s, true),
            None => (alt, false),
        };
        let normalised = tokens(stem);
        let [word] = normalised.as_slice() else {
            return Err(PatternError(format!(
                "`{alt}` is not one word (write words separated by spaces; `*` only at the end of a word; `(a b|c)` for a choice of phrases)"
            )));
        };
        if prefix && word.chars().count() < 3 {
            return Err(PatternError(format!(
                "`{alt}` is too short for `*` (at least three letters before it)"
            )));
        }
        alts.push(if prefix {
            Alt::Prefix(word.clone())
        } else {
            Alt::Exact(word.clone())
        });
    }
    Ok(alts)
}

/// One pattern, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    parts: Vec<Part>,
    /// As written in the file.
    source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let mut parts = Vec::new();
        for raw in split_groups(source)? {
            if raw == ".." {
                if parts.is_empty() || matches!(parts.last(), Some(Part::Gap(_))) {
                    return Err(PatternError(
                        "`..` must stand between two words".to_string(),
                    ));
                }
                parts.push(Part::Gap(GAP_WORDS));
                continue;
            }
            if let Some(inner) = raw.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                let mut phrases = Vec::new();
                for phrase in inner.split('|') {
                    let words = phrase
                        .split_whitespace()
                        .map(|w| word_alts(w, false))
                        .collect::<Result<Vec<_>, _>>()?;
                    if words.is_empty() {
                        return Err(PatternError(format!(
                            "`{raw}` has an empty choice (write `(a b|c)`)"
                        )));
                    }
                    phrases.push(words);
                }
                parts.push(Part::Phrases(phrases));
                continue;
            }
            parts.push(Part::Word(word_alts(&raw, true)?));
        }
        match parts.last() {
            None => Err(PatternError("is empty".to_string())),
            Some(Part::Gap(_)) => Err(PatternError(
                "`..` must stand between two words".to_string(),
            )),
            Some(_) => Ok(Pattern {
                parts,
                source: source.trim().to_string(),
            }),
        }
    }

    /// Whether the pattern matches somewhere in `text` (lower-cased, accents folded, as for
    /// the words of crisis).
    pub fn is_in(&self, text: &str) -> bool {
        let words = tokens(text);
        !self.matches(&words, &vec![false; words.len()]).is_empty()
    }

    /// Every match as (first word, one past the last word), skipping hidden words.
    fn matches(&self, words: &[String], hidden: &[bool]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for start in 0..words.len() {
            if let Some(end) = self.match_at(0, start, words, hidden) {
                out.push((start, end));
            }
        }
        out
    }

    fn match_at(&self, part: usize, at: usize, words: &[String], hidden: &[bool]) -> Option<usize> {
        let Some(p) = self.parts.get(part) else {
            return Some(at);
        };
        match p {
            Part::Word(alts) => {
                let w = words.get(at)?;
                if hidden[at] || !alts.iter().any(|a| a.matches(w)) {
                    return None;
                }
                self.match_at(part + 1, at + 1, words, hidden)
            }
            Part::Gap(n) => (0..=*n)
                .filter(|skip| at + skip <= words.len())
                .find_map(|skip| self.match_at(part + 1, at + skip, words, hidden)),
            Part::Phrases(phrases) => phrases.iter().find_map(|phrase| {
                let fits = phrase.iter().enumerate().all(|(i, alts)| {
                    words
                        .get(at + i)
                        .is_some_and(|w| !hidden[at + i] && alts.iter().any(|a| a.matches(w)))
                });
                fits.then(|| self.match_at(part + 1, at + phrase.len(), words, hidden))
                    .flatten()
            }),
        }
    }
}

/// The patterns of every language, by concern, and the ones to ignore.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    patterns: Vec<(Concern, Pattern)>,
    ignore: Vec<Pattern>,
}

impl Lexicon {
    pub fn add(&mut self, concern: Concern, pattern: Pattern) {
        self.patterns.push((concern, pattern));
    }

    pub fn add_ignore(&mut self, pattern: Pattern) {
        self.ignore.push(pattern);
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// What `text` seems to be about.
    pub fn detect(&self, text: &str) -> Found {
        let mut found = Found::default();
        for (concern, _) in self.explain(text) {
            found.add(concern);
        }
        found
    }

    /// Every pattern that matches `text`, as written: for clinicians tuning the files
    /// (`check-content --words "..."`).
    pub fn explain(&self, text: &str) -> Vec<(Concern, &str)> {
        let words = tokens(text);
        let mut hidden = vec![false; words.len()];
        for p in &self.ignore {
            for (a, b) in p.matches(&words, &vec![false; words.len()]) {
                hidden[a..b].iter_mut().for_each(|h| *h = true);
            }
        }
        self.patterns
            .iter()
            .filter(|(_, p)| !p.matches(&words, &hidden).is_empty())
            .map(|(c, p)| (*c, p.source.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests;
