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

use crate::suggestions::Library;

/// The language every message must exist in, and the fallback for anyone else.
pub const DEFAULT_LANGUAGE: &str = "en";

/// Telegram's limit for a message text, in characters.
pub const TELEGRAM_TEXT_MAX: usize = 4096;

mod diagnostics;
mod messages;
#[cfg(test)]
mod tests;

pub use diagnostics::{ContentError, ContentErrors};
pub use messages::MESSAGES;

pub struct Content {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
    /// The coping suggestions (`prompts/suggestions.toml`).
    pub library: Library,
    /// When support contacts are alerted (`prompts/alert-rules.toml`).
    pub rules: crate::domain::risk::Rules,
    /// Crisis lines by country (`prompts/crisis-lines.toml`).
    pub crisis_lines: crate::crisis_lines::CrisisLines,
    /// Words of crisis in every language (`prompts/<language>/crisis-words.toml`).
    pub crisis_words: crate::domain::crisis::Lexicon,
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
        let rules = match crate::rules::load(dir) {
            Ok(r) => r,
            Err(mut e) => {
                errors.append(&mut e);
                crate::domain::risk::Rules::default()
            }
        };
        let crisis_lines = match crate::crisis_lines::CrisisLines::load(dir, &language_refs) {
            Ok(t) => t,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        let crisis_words = match crate::crisis_words::load(dir, &language_refs) {
            Ok(l) => l,
            Err(mut e) => {
                errors.append(&mut e);
                Default::default()
            }
        };
        if errors.is_empty() {
            Ok(Content {
                bundles,
                library,
                rules,
                crisis_lines,
                crisis_words,
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

/// Message → (file, line, variables it uses).
type Variables = BTreeMap<String, (PathBuf, usize, Vec<String>)>;

fn dollars(vars: &[String]) -> String {
    if vars.is_empty() {
        "no placeholders".to_string()
    } else {
        vars.iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn load_language(
    dir: &Path,
    lang: &str,
) -> Result<(FluentBundle<FluentResource>, Variables), Vec<ContentError>> {
    let mut errors = Vec::new();
    let err = |file: &Path, line: Option<usize>, key: Option<&str>, problem: String| ContentError {
        file: file.to_path_buf(),
        line,
        key: key.map(str::to_string),
        problem,
    };
    // Language codes travel in button data, which accepts 2–3 lowercase letters.
    let simple = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    let langid: LanguageIdentifier = match lang.parse().ok().filter(|_| simple) {
        Some(l) => l,
        None => {
            return Err(vec![err(
                dir,
                None,
                None,
                "the folder name is not a two- or three-letter language code in lowercase (like `en` or `es`)".into(),
            )])
        }
    };
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Telegram shows Unicode isolation marks as stray characters in some clients.
    bundle.set_use_isolating(false);

    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    // Where each message is defined: (file, line).
    let mut defined: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    let mut variables: BTreeMap<String, Vec<String>> = BTreeMap::new();

    for file in &files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                errors.push(err(
                    file,
                    None,
                    None,
                    format!("cannot be read as UTF-8 text: {e}"),
                ));
                continue;
            }
        };
        let resource = match FluentResource::try_new(source.clone()) {
            Ok(r) => r,
            Err((r, parse_errors)) => {
                for pe in parse_errors {
                    // Name the line where the broken entry starts; say where the parser
                    // stopped when that is further down.
                    let entry_line =
                        line_of(&source, pe.slice.as_ref().map_or(pe.pos.start, |s| s.start));
                    let error_line = line_of(&source, pe.pos.start);
                    let near = if error_line != entry_line {
                        format!(" (near line {error_line})")
                    } else {
                        String::new()
                    };
                    errors.push(err(
                        file,
                        Some(entry_line),
                        None,
                        format!("syntax error: {}{near}", pe.kind),
                    ));
                }
                r
            }
        };
        for entry in resource.entries() {
            if let ast::Entry::Message(m) = entry {
                let id = m.id.name.to_string();
                let line = find_definition_line(&source, &id);
                if let Some((other, other_line)) = defined.get(&id) {
                    errors.push(err(
                        file,
                        Some(line),
                        Some(&id),
                        format!("defined twice (also at {}:{other_line})", other.display()),
                    ));
                    continue;
                }
                let mut vars = Vec::new();
                if let Some(p) = &m.value {
                    collect_variables(p, &mut vars);
                }
                for a in &m.attributes {
                    collect_variables(&a.value, &mut vars);
                }
                variables.insert(id.clone(), vars);
                defined.insert(id, (file.clone(), line));
            }
        }
        if let Err(clashes) = bundle.add_resource(resource) {
            for c in clashes {
                errors.push(err(file, None, None, format!("{c:?}")));
            }
        }
    }

    let is_default = lang == DEFAULT_LANGUAGE;
    let anchor = files.first().cloned().unwrap_or_else(|| dir.to_path_buf());
    for (key, allowed) in MESSAGES {
        let Some((file, line)) = defined.get(*key) else {
            if is_default {
                errors.push(err(
                    &anchor,
                    None,
                    Some(key),
                    format!(
                        "is missing from {} (every message must exist in the default language)",
                        dir.display()
                    ),
                ));
            } else {
                errors.push(err(
                    &anchor,
                    None,
                    Some(key),
                    format!("is missing from {}", dir.display()),
                ));
            }
            continue;
        };
        let message = bundle.get_message(key);
        let Some(pattern) = message.as_ref().and_then(|m| m.value()) else {
            errors.push(err(file, Some(*line), Some(key), "has no text".into()));
            continue;
        };
        for v in variables.get(*key).into_iter().flatten() {
            if !allowed.contains(&v.as_str()) {
                let provided = if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed
                        .iter()
                        .map(|a| format!("${a}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                errors.push(err(
                    file,
                    Some(*line),
                    Some(key),
                    format!("uses ${v}, which the bot does not provide (it provides: {provided})"),
                ));
            }
        }
        // Format with several sample values, so every branch of a plural or a yes/no select is
        // tried: catches references to missing messages and texts over the limit.
        let samples: [FluentValue; 5] = [
            FluentValue::from("x".repeat(40)),
            FluentValue::from(0),
            FluentValue::from(1),
            FluentValue::from(5),
            FluentValue::from("yes"),
        ];
        let limit = part_limit(key);
        let mut reported = false;
        for sample in &samples {
            let mut args = FluentArgs::new();
            for a in *allowed {
                args.set(*a, sample.clone());
            }
            let mut format_errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut format_errors);
            let mut problems: Vec<String> = format_errors
                .iter()
                .map(|fe| format!("cannot be formatted: {fe:?}"))
                .collect();
            if text.trim().is_empty() {
                problems.push("is empty".into());
            }
            let chars = text.chars().count();
            if chars > limit {
                problems.push(format!(
                    "is {chars} characters long; at most {limit} fit here (Telegram allows {TELEGRAM_TEXT_MAX} per message)"
                ));
            }
            if !problems.is_empty() && !reported {
                reported = true;
                for p in problems {
                    errors.push(err(file, Some(*line), Some(key), p));
                }
            }
        }
    }
    // A message the code does not list would escape these checks in other languages.
    for (key, (file, line)) in &defined {
        if !MESSAGES.iter().any(|(k, _)| k == key) {
            errors.push(err(
                file,
                Some(*line),
                Some(key),
                "is not a message the bot uses (a typo, or missing from content::MESSAGES)".into(),
            ));
        }
    }
    if errors.is_empty() {
        let vars = defined
            .into_iter()
            .map(|(k, (f, l))| {
                let v = variables.remove(&k).unwrap_or_default();
                (k, (f, l, v))
            })
            .collect();
        Ok((bundle, vars))
    } else {
        Err(errors)
    }
}

/// The most characters a message may have. Texts sent together with others (the words around
/// a coping suggestion, the SOS steps) get a share of Telegram's limit, so that the whole
/// message always fits: four such parts and a suggestion stay under 4,096.
fn part_limit(key: &str) -> usize {
    if key.starts_with("coping-") || key.starts_with("sos-") {
        PART_MAX
    } else {
        TELEGRAM_TEXT_MAX
    }
}

/// The limit for a text that is one part of a longer message.
pub const PART_MAX: usize = 800;

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

fn find_definition_line(source: &str, id: &str) -> usize {
    source
        .lines()
        .position(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

fn collect_variables(pattern: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect_in_expression(expression, out);
        }
    }
}

fn collect_in_expression(expression: &ast::Expression<&str>, out: &mut Vec<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            collect_in_inline(selector, out);
            for v in variants {
                collect_variables(&v.value, out);
            }
        }
        ast::Expression::Inline(inline) => collect_in_inline(inline, out),
    }
}

fn collect_in_inline(inline: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } if !out.iter().any(|v| v == id.name) => {
            out.push(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                collect_in_inline(a, out);
            }
            for n in &arguments.named {
                collect_in_inline(&n.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => collect_in_expression(expression, out),
        _ => {}
    }
}
