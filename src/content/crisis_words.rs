//! The words of crisis, `prompts/<language>/crisis-words.toml`: patterns for thoughts of
//! suicide, self-harm and medical emergencies, and phrases to ignore, per language, edited by
//! clinicians without recompiling. The pattern language is in `domain::crisis`.
//!
//! Every language must have the file and at least a few patterns for each concern; a broken
//! pattern stops the bot naming the file, the line and the pattern.

use super::{line_of, parse_toml, read};
use crate::content::ContentError;
use crate::domain::crisis::{Concern, Lexicon, Pattern};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "crisis-words.toml";

/// A language's file must give each concern at least this many patterns.
pub const MIN_PER_CONCERN: usize = 5;

type Patterns = Vec<toml::Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    suicide: Patterns,
    self_harm: Patterns,
    medical: Patterns,
    #[serde(default)]
    ignore: Patterns,
}

/// Loads every language's file into one lexicon.
pub fn load(dir: &Path, languages: &[&str]) -> Result<Lexicon, Vec<ContentError>> {
    let mut lexicon = Lexicon::default();
    let mut errors = Vec::new();
    for lang in languages {
        let file = dir.join(lang).join(FILE_NAME);
        match read(&file).and_then(|source| parse_into(&file, &source, &mut lexicon)) {
            Ok(()) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(lexicon)
    } else {
        Err(errors)
    }
}

/// Parses one file into `lexicon`.
pub fn parse_into(
    file: &Path,
    source: &str,
    lexicon: &mut Lexicon,
) -> Result<(), Vec<ContentError>> {
    let raw: RawFile = parse_toml(file, source)?;
    let mut errors = Vec::new();
    let mut parse = |list: &Patterns, section: &str| -> Vec<Pattern> {
        let mut out = Vec::new();
        for p in list {
            match Pattern::parse(p.get_ref()) {
                Ok(pattern) => out.push(pattern),
                Err(e) => errors.push(ContentError {
                    file: PathBuf::from(file),
                    line: Some(line_of(source, p.span().start)),
                    key: Some(format!("pattern {section}: {}", p.get_ref())),
                    problem: e.0,
                }),
            }
        }
        if section != "ignore" && list.len() < MIN_PER_CONCERN {
            errors.push(ContentError {
                file: PathBuf::from(file),
                line: None,
                key: Some(format!("pattern {section}")),
                problem: format!(
                    "has {} pattern(s); give it at least {MIN_PER_CONCERN}",
                    list.len()
                ),
            });
        }
        out
    };
    let mut found = Vec::new();
    for concern in Concern::ALL {
        let list = match concern {
            Concern::Suicide => &raw.suicide,
            Concern::SelfHarm => &raw.self_harm,
            Concern::Medical => &raw.medical,
        };
        found.push((concern, parse(list, concern.code())));
    }
    let ignore = parse(&raw.ignore, "ignore");
    if !errors.is_empty() {
        return Err(errors);
    }
    for (concern, patterns) in found {
        for p in patterns {
            lexicon.add(concern, p);
        }
    }
    for p in ignore {
        lexicon.add_ignore(p);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pattern_names_file_line_and_pattern() {
        let source = "suicide = [\"a\", \"b\", \"c\", \"d\", \"e\"]\nself_harm = [\"a\", \"b\", \"c\", \"d\", \"e\"]\nmedical = [\n  \"chest pain\",\n  \".. pain\",\n  \"c\", \"d\", \"e\", \"f\"]\n";
        let mut l = Lexicon::default();
        let errs =
            parse_into(Path::new("prompts/en/crisis-words.toml"), source, &mut l).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, Some(5));
        assert!(errs[0].key.as_deref().unwrap().contains(".. pain"));
        assert!(l.is_empty(), "nothing is added from a broken file");
    }

    #[test]
    fn too_few_patterns_and_unknown_sections_are_refused() {
        let mut l = Lexicon::default();
        let few = "suicide = [\"a\"]\nself_harm = [\"a\", \"b\", \"c\", \"d\", \"e\"]\nmedical = [\"a\", \"b\", \"c\", \"d\", \"e\"]\n";
        let errs = parse_into(Path::new("x.toml"), few, &mut l).unwrap_err();
        assert!(errs[0].problem.contains("at least"), "{errs:?}");
        let unknown = format!("{few}\nsuicidal = [\"x\"]\n");
        assert!(parse_into(Path::new("x.toml"), &unknown, &mut l).is_err());
    }
}
