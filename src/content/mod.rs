//! User-facing text, loaded from `prompts/<language>/*.ftl` (Fluent).
//!
//! Everything the bot says lives there, not in Rust literals. Loading validates the files and
//! refuses to start on any problem, naming the file, the line and the message: syntax errors,
//! missing messages, variables the bot does not provide, and texts over Telegram's limits.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use unic_langid::LanguageIdentifier;

pub mod crisis_lines;
pub mod crisis_words;
pub mod library;
pub mod phrases;
pub mod schedule;

use library::Library;

/// The language every message must exist in, and the fallback for anyone else.
pub const DEFAULT_LANGUAGE: &str = "en";

/// Telegram's limit for a message text, in characters.
pub const TELEGRAM_TEXT_MAX: usize = 4096;

mod diagnostics;
mod fluent;
mod messages;
#[cfg(test)]
mod tests;

pub(crate) use diagnostics::{line_of, parse_toml, read};
pub use diagnostics::{ContentError, ContentErrors};
pub use fluent::PART_MAX;
use fluent::{dollars, load_language};
pub use messages::MESSAGES;

pub struct Content {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
    /// The coping suggestions (`prompts/suggestions.toml`).
    pub library: Library,
    /// Crisis lines by country (`prompts/crisis-lines.toml`).
    pub crisis_lines: crisis_lines::CrisisLines,
    /// Words of crisis in every language (`prompts/<language>/crisis-words.toml`).
    pub crisis_words: crate::domain::crisis::Lexicon,
    /// Typed questions the bot answers with a view (`prompts/<language>/phrases.toml`).
    pub phrases: phrases::Phrases,
    /// The check-ins a new patient gets (`prompts/schedule.toml`).
    pub default_schedule: schedule::DefaultSchedule,
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut langs: Vec<_> = self.bundles.keys().collect();
        langs.sort();
        f.debug_struct("Content")
            .field("languages", &langs)
            .finish()
    }
}

/// Arguments for a message: `&[("mood", 7.into())]`.
pub type Args<'a> = &'a [(&'a str, FluentValue<'a>)];

impl Content {
    /// Loads and validates every language folder under `dir`.
    pub fn load(dir: &Path) -> Result<Content, ContentErrors> {
        let mut errors = Vec::new();
        let mut bundles = HashMap::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                return Err(ContentErrors(vec![ContentError {
                    file: dir.to_path_buf(),
                    line: None,
                    key: None,
                    problem: format!("cannot read the prompts folder: {e}"),
                }]))
            }
        };
        let mut lang_dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        lang_dirs.sort();
        if !lang_dirs
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == DEFAULT_LANGUAGE))
        {
            errors.push(ContentError {
                file: dir.join(DEFAULT_LANGUAGE),
                line: None,
                key: None,
                problem: format!("the default language folder `{DEFAULT_LANGUAGE}` is missing"),
            });
        }
        let mut variables_by_lang = BTreeMap::new();
        for lang_dir in &lang_dirs {
            let lang = lang_dir.file_name().unwrap().to_string_lossy().to_string();
            match load_language(lang_dir, &lang) {
                Ok((bundle, vars)) => {
                    bundles.insert(lang.clone(), bundle);
                    variables_by_lang.insert(lang, vars);
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        // A translation uses the same variables as the default language: one that drops
        // `$time` or adds `$name` would show something different, or nothing, in that language.
        if let Some(default) = variables_by_lang.get(DEFAULT_LANGUAGE) {
            for vars in variables_by_lang.values() {
                for (key, (file, line, used)) in vars {
                    let Some((_, _, expected)) = default.get(key) else {
                        continue;
                    };
                    let mut a = used.clone();
                    let mut b = expected.clone();
                    a.sort();
                    b.sort();
                    if a != b {
                        errors.push(ContentError {
                            file: file.clone(),
                            line: Some(*line),
                            key: Some(key.clone()),
                            problem: format!(
                                "uses {} but `{DEFAULT_LANGUAGE}` uses {}: translations keep the same placeholders",
                                dollars(&a),
                                dollars(&b)
                            ),
                        });
                    }
                }
            }
        }
        let languages: Vec<String> = lang_dirs
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .collect();
        let language_refs: Vec<&str> = languages.iter().map(String::as_str).collect();
        let library = match Library::load(dir, &language_refs) {
            Ok(l) => l,
            Err(mut e) => {
                errors.append(&mut e);
                Library::default()
            }
        };
        let crisis_lines = match crisis_lines::CrisisLines::load(dir, &language_refs) {
            Ok(t) => t,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        let crisis_words = match crisis_words::load(dir, &language_refs) {
            Ok(l) => l,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        let phrases = match phrases::load(dir, &language_refs) {
            Ok(p) => p,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        let default_schedule = match schedule::load(dir) {
            Ok(s) => s,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        if errors.is_empty() {
            Ok(Content {
                default_schedule,
                bundles,
                library,
                crisis_lines,
                crisis_words,
                phrases,
            })
        } else {
            Err(ContentErrors(errors))
        }
    }

    pub fn has_language(&self, lang: &str) -> bool {
        self.bundles.contains_key(lang)
    }

    pub fn languages(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.bundles.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    /// The supported language for a Telegram `language_code` ("es-MX" → "es"), else the default.
    pub fn pick_language(&self, telegram_code: Option<&str>) -> String {
        telegram_code
            .map(|c| c.split(['-', '_']).next().unwrap_or(c).to_lowercase())
            .filter(|c| self.bundles.contains_key(c))
            .unwrap_or_else(|| DEFAULT_LANGUAGE.to_string())
    }

    pub fn text(&self, lang: &str, key: &str) -> String {
        self.text_with(lang, key, &[])
    }

    /// "Tuesday 1 December", "martes 1 de diciembre".
    pub fn date_long(&self, lang: &str, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let weekday = self.text_with(
            lang,
            "date-weekday",
            &[("n", date.weekday().number_from_monday().into())],
        );
        let month = self.text_with(lang, "date-month", &[("n", date.month().into())]);
        self.text_with(
            lang,
            "date-long",
            &[
                ("weekday", weekday.into()),
                ("day", date.day().into()),
                ("month", month.into()),
            ],
        )
    }

    /// "1 Dec", "1 dic": for a chart's axis.
    pub fn date_short(&self, lang: &str, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self.text_with(lang, "date-month-short", &[("n", date.month().into())]);
        self.text_with(
            lang,
            "date-short",
            &[("day", date.day().into()), ("month", month.into())],
        )
    }

    /// Formats `key` in `lang` (falling back to the default language). Keys are validated at
    /// load time, so a missing key here is a programming error caught by the content test.
    pub fn text_with(&self, lang: &str, key: &str, args: Args<'_>) -> String {
        let bundle = self
            .bundles
            .get(lang)
            .filter(|b| b.has_message(key))
            .or_else(|| self.bundles.get(DEFAULT_LANGUAGE))
            .expect("the default language is loaded");
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::error!(key, "message missing from prompts");
            return key.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            fargs.set(*name, value.clone());
        }
        let mut errs = Vec::new();
        let s = bundle.format_pattern(pattern, Some(&fargs), &mut errs);
        if !errs.is_empty() {
            tracing::error!(key, ?errs, "message formatting problem");
        }
        s.into_owned()
    }
}
