//! The coping-suggestion library, `prompts/suggestions.toml`: structured data, edited without
//! recompiling. Each suggestion has a key, the needs it serves, the evidence it rests on, and
//! its text in every language the bot speaks.
//!
//! Loading validates everything and names the file, the line and the key of each problem.

use super::{line_of, parse_toml, read, ContentError};
use crate::domain::coping::Need;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "suggestions.toml";

/// A suggestion is shown under a short heading and above buttons: keep it readable on a phone.
pub const SUGGESTION_MAX_CHARS: usize = 600;

/// Each need must have at least this many suggestions, so that rotation and "more ideas" work.
pub const MIN_PER_NEED: usize = 3;

#[derive(Debug, Clone)]
pub struct Suggestion {
    pub key: String,
    pub needs: Vec<Need>,
    pub source: String,
    /// Language code → text.
    pub text: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    suggestions: Vec<Suggestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    suggestion: Vec<RawSuggestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuggestion {
    key: toml::Spanned<String>,
    #[serde(default)]
    needs: Vec<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    text: BTreeMap<String, String>,
}

impl Library {
    /// Loads `<dir>/suggestions.toml`, requiring a text in each of `languages`.
    pub fn load(dir: &Path, languages: &[&str]) -> Result<Library, Vec<ContentError>> {
        let file = dir.join(FILE_NAME);
        let source = read(&file)?;
        Library::parse(&file, &source, languages)
    }

    pub fn parse(
        file: &Path,
        source: &str,
        languages: &[&str],
    ) -> Result<Library, Vec<ContentError>> {
        let err = |line: Option<usize>, key: Option<&str>, problem: String| ContentError {
            file: PathBuf::from(file),
            line,
            key: key.map(|k| format!("suggestion {k}")),
            problem,
        };
        let raw: RawFile = parse_toml(file, source)?;
        let mut errors = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut suggestions = Vec::new();
        for r in raw.suggestion {
            let line = Some(line_of(source, r.key.span().start));
            let key = r.key.into_inner();
            let k = Some(key.as_str());
            let mut ok = true;
            let mut problem = |p: String| {
                errors.push(err(line, k, p));
                ok = false;
            };
            if key.is_empty()
                || key.len() > 40
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                problem("the key must be 1–40 lowercase letters, digits or dashes".into());
            }
            if !seen.insert(key.clone()) {
                problem("the key is used twice".into());
            }
            let mut needs = Vec::new();
            if r.needs.is_empty() {
                problem("has no `needs`: say which answers it serves".into());
            }
            for n in &r.needs {
                match Need::parse(n).filter(|n| n.has_suggestions()) {
                    Some(need) if !needs.contains(&need) => needs.push(need),
                    Some(_) => problem(format!("lists the need `{n}` twice")),
                    None => problem(format!(
                        "has an unknown need `{n}` (known: {})",
                        known_needs()
                    )),
                }
            }
            if r.source.trim().is_empty() {
                problem("has no `source`: name the evidence it rests on".into());
            }
            for lang in languages {
                if !r.text.contains_key(*lang) {
                    problem(format!("has no text in `{lang}` (text.{lang} = \"...\")"));
                }
            }
            for (lang, text) in &r.text {
                if !languages.contains(&lang.as_str()) {
                    problem(format!(
                        "has a text in `{lang}`, but there is no prompts/{lang} folder"
                    ));
                }
                let chars = text.chars().count();
                if text.trim().is_empty() {
                    problem(format!("text.{lang} is empty"));
                } else if chars > SUGGESTION_MAX_CHARS {
                    problem(format!(
                        "text.{lang} is {chars} characters long; keep it under {SUGGESTION_MAX_CHARS}"
                    ));
                }
                if text.contains(['{', '}']) {
                    problem(format!(
                        "text.{lang} has {{ or }}: suggestions take no placeholders"
                    ));
                }
            }
            if ok {
                suggestions.push(Suggestion {
                    key,
                    needs,
                    source: r.source,
                    text: r.text,
                });
            }
        }
        let library = Library { suggestions };
        if errors.is_empty() {
            for need in Need::ALL.into_iter().filter(|n| n.has_suggestions()) {
                let n = library.pool(need).len();
                if n < MIN_PER_NEED {
                    errors.push(err(
                        None,
                        None,
                        format!(
                            "the need `{}` has {n} suggestion(s); it needs at least {MIN_PER_NEED}",
                            need.code()
                        ),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(library)
        } else {
            Err(errors)
        }
    }

    pub fn len(&self) -> usize {
        self.suggestions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.suggestions.is_empty()
    }

    pub fn all(&self) -> &[Suggestion] {
        &self.suggestions
    }

    /// The keys of every suggestion serving `need`, in file order.
    pub fn pool(&self, need: Need) -> Vec<&str> {
        self.suggestions
            .iter()
            .filter(|s| s.needs.contains(&need))
            .map(|s| s.key.as_str())
            .collect()
    }

    pub fn get(&self, key: &str) -> Option<&Suggestion> {
        self.suggestions.iter().find(|s| s.key == key)
    }

    /// The text of `key` in `lang`, falling back to the default language.
    pub fn text(&self, key: &str, lang: &str) -> Option<&str> {
        let s = self.get(key)?;
        s.text
            .get(lang)
            .or_else(|| s.text.get(crate::content::DEFAULT_LANGUAGE))
            .map(String::as_str)
    }
}

fn known_needs() -> String {
    Need::ALL
        .into_iter()
        .filter(|n| n.has_suggestions())
        .map(Need::code)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, needs: &str) -> String {
        format!(
            "[[suggestion]]\nkey = \"{key}\"\nneeds = [{needs}]\nsource = \"a study\"\ntext.en = \"Do a thing.\"\ntext.es = \"Haz algo.\"\n\n"
        )
    }

    fn full_library() -> String {
        let mut s = String::new();
        for need in Need::ALL.into_iter().filter(|n| n.has_suggestions()) {
            for i in 0..MIN_PER_NEED {
                s.push_str(&entry(
                    &format!("{}-{i}", need.code()),
                    &format!("\"{}\"", need.code()),
                ));
            }
        }
        s
    }

    fn parse(source: &str) -> Result<Library, Vec<ContentError>> {
        Library::parse(Path::new("prompts/suggestions.toml"), source, &["en", "es"])
    }

    fn problems(source: &str) -> Vec<String> {
        parse(source)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_complete_library_loads() {
        let lib = parse(&full_library()).unwrap();
        assert_eq!(lib.len(), 8 * MIN_PER_NEED);
        assert_eq!(
            lib.pool(Need::Craving),
            ["craving-0", "craving-1", "craving-2"]
        );
        assert_eq!(lib.text("sleep-1", "es"), Some("Haz algo."));
        assert_eq!(lib.text("sleep-1", "fr"), Some("Do a thing."));
        assert_eq!(lib.text("nope", "en"), None);
    }

    #[test]
    fn problems_name_the_line_and_the_key() {
        let mut s = full_library();
        // The key's line: the one after the [[suggestion]] header.
        let line = s.lines().count() + 2;
        s.push_str(
            "[[suggestion]]\nkey = \"odd\"\nneeds = [\"craving\", \"joy\"]\nsource = \"\"\ntext.en = \"Use {name}.\"\n",
        );
        let p = problems(&s);
        let at = format!("prompts/suggestions.toml:{line}: suggestion `odd`");
        assert!(
            p.iter()
                .any(|e| e.starts_with(&at) && e.contains("unknown need `joy`")),
            "{p:?}"
        );
        assert!(p.iter().any(|e| e.contains("has no `source`")), "{p:?}");
        assert!(p.iter().any(|e| e.contains("no text in `es`")), "{p:?}");
        assert!(p.iter().any(|e| e.contains("placeholders")), "{p:?}");
    }

    #[test]
    fn duplicates_unknown_languages_and_long_texts_are_refused() {
        let mut s = full_library();
        s.push_str(&entry("craving-0", "\"craving\""));
        s.push_str(&format!(
            "[[suggestion]]\nkey = \"x\"\nneeds = [\"mood\"]\nsource = \"s\"\ntext.en = \"{}\"\ntext.es = \"y\"\ntext.fr = \"z\"\n",
            "a".repeat(SUGGESTION_MAX_CHARS + 1)
        ));
        let p = problems(&s);
        assert!(p.iter().any(|e| e.contains("used twice")), "{p:?}");
        assert!(
            p.iter().any(|e| e.contains("no prompts/fr folder")),
            "{p:?}"
        );
        assert!(p.iter().any(|e| e.contains("characters long")), "{p:?}");
    }

    #[test]
    fn a_thin_need_is_refused() {
        let s: String = full_library()
            .split("[[suggestion]]")
            .filter(|e| !e.contains("key = \"halt-0\""))
            .collect::<Vec<_>>()
            .join("[[suggestion]]");
        let p = problems(&s);
        assert!(p.iter().any(|e| e.contains("`halt` has 2")), "{p:?}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let mut s = full_library();
        let line = s.lines().count() + 2;
        s.push_str("[[suggestion]]\nkey = \"broken\n");
        let p = problems(&s);
        assert!(
            p[0].starts_with(&format!("prompts/suggestions.toml:{line}:")),
            "{p:?}"
        );
        let p = problems("[[suggestion]]\nkey = \"a\"\nwhatever = 1\n");
        assert!(p[0].contains(":3:") && p[0].contains("whatever"), "{p:?}");
    }
}
