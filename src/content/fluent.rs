//! Reading one language folder of Fluent files: parsing, the message and variable checks,
//! Telegram's length limits, each problem named by file and line.

use super::*;

/// Message → (file, line, variables it uses).
type Variables = BTreeMap<String, (PathBuf, usize, Vec<String>)>;

pub(super) fn dollars(vars: &[String]) -> String {
    if vars.is_empty() {
        "no placeholders".to_string()
    } else {
        vars.iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(super) fn load_language(
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
