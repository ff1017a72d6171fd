//! Typed questions the bot answers with one of its views, `prompts/<language>/phrases.toml`:
//! "how am I doing this week?" gets `/progress`, "show me my chart" gets `/history`. Written in
//! the pattern language of the words of crisis (`domain::crisis`), every language's file used
//! for every patient; a broken pattern stops the bot naming the file, the line and the pattern.
//! Words of crisis are always checked first: these never hide them.

use super::{line_of, parse_toml, read};
use crate::content::ContentError;
use crate::domain::crisis::Pattern;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "phrases.toml";

/// What a typed question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Use-free days and milestones (`/progress`).
    Progress,
    /// The chart (`/history`).
    History,
}

type Patterns = Vec<toml::Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    progress: Patterns,
    history: Patterns,
    #[serde(default)]
    not: Patterns,
}

/// A longer message is someone telling something, not asking for a view: it is not answered
/// with numbers.
pub const MAX_WORDS: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct Phrases {
    patterns: Vec<(Intent, Pattern)>,
    /// Texts that look like a question but are not ("cómo voy a aguantar").
    not: Vec<Pattern>,
}

impl Phrases {
    /// What `text` asks for, if it is one of the questions (the chart wins over progress
    /// when both match, being the more specific ask).
    pub fn intent(&self, text: &str) -> Option<Intent> {
        if crate::domain::crisis::tokens(text).len() > MAX_WORDS
            || self.not.iter().any(|p| p.is_in(text))
        {
            return None;
        }
        let hits: Vec<Intent> = self
            .patterns
            .iter()
            .filter(|(_, p)| p.is_in(text))
            .map(|(i, _)| *i)
            .collect();
        [Intent::History, Intent::Progress]
            .into_iter()
            .find(|i| hits.contains(i))
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

pub fn load(dir: &Path, languages: &[&str]) -> Result<Phrases, Vec<ContentError>> {
    let mut phrases = Phrases::default();
    let mut errors = Vec::new();
    for lang in languages {
        let file = dir.join(lang).join(FILE_NAME);
        match read(&file).and_then(|source| parse_into(&file, &source, &mut phrases)) {
            Ok(()) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(phrases)
    } else {
        Err(errors)
    }
}

pub fn parse_into(
    file: &Path,
    source: &str,
    phrases: &mut Phrases,
) -> Result<(), Vec<ContentError>> {
    let raw: RawFile = parse_toml(file, source)?;
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for (intent, section, list) in [
        (Intent::Progress, "progress", &raw.progress),
        (Intent::History, "history", &raw.history),
    ] {
        if list.is_empty() {
            errors.push(ContentError {
                file: PathBuf::from(file),
                line: None,
                key: Some(section.to_string()),
                problem: "has no patterns".to_string(),
            });
        }
        for p in list {
            match Pattern::parse(p.get_ref()) {
                Ok(pattern) => found.push((intent, pattern)),
                Err(e) => errors.push(ContentError {
                    file: PathBuf::from(file),
                    line: Some(line_of(source, p.span().start)),
                    key: Some(format!("pattern {section}: {}", p.get_ref())),
                    problem: e.0,
                }),
            }
        }
    }
    let mut not = Vec::new();
    for p in &raw.not {
        match Pattern::parse(p.get_ref()) {
            Ok(pattern) => not.push(pattern),
            Err(e) => errors.push(ContentError {
                file: PathBuf::from(file),
                line: Some(line_of(source, p.span().start)),
                key: Some(format!("pattern not: {}", p.get_ref())),
                problem: e.0,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    phrases.patterns.extend(found);
    phrases.not.extend(not);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Phrases {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        load(&dir, &["en", "es"]).unwrap()
    }

    #[test]
    fn questions_people_type_find_their_view() {
        let p = shipped();
        for text in [
            "how am I doing?",
            "How am i doing this week",
            "how's my progress",
            "am I doing ok",
            "how many days clean am i",
            "cómo voy?",
            "Como lo estoy haciendo esta semana",
            "¿cuántos días llevo sin consumir?",
            "como va mi progreso",
        ] {
            assert_eq!(p.intent(text), Some(Intent::Progress), "{text}");
        }
        for text in [
            "show me my chart",
            "can I see my history",
            "my graph please",
            "quiero ver mi gráfico",
            "muéstrame mi historial",
        ] {
            assert_eq!(p.intent(text), Some(Intent::History), "{text}");
        }
        for text in [
            "no sé cómo voy a aguantar esta noche",
            "no voy bien",
            "how am I doing this to myself again",
            "I keep thinking about my history with coke and how am I doing anything right, it's been a long day",
            "I'm doing laundry",
            "how are you",
            "voy a la tienda",
            "hello",
            "7",
            "what are you doing",
        ] {
            assert_eq!(p.intent(text), None, "{text}");
        }
    }

    #[test]
    fn a_broken_pattern_names_file_and_line() {
        let source =
            "progress = [\n  \"how am i doing\",\n  \".. doing\",\n]\nhistory = [\"my chart\"]\n";
        let mut p = Phrases::default();
        let errs = parse_into(Path::new("prompts/en/phrases.toml"), source, &mut p).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, Some(3));
        assert!(p.is_empty());
    }
}
