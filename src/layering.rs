//! The dependency rule, checked from the source. Each layer may use only those below it:
//!
//! `domain ← store ← content ← config ← ctx ← features ← jobs ← bot ← app`
//!
//! - `domain` is pure: no storage, no Telegram, no runtime.
//! - `store` is SQL: nothing of Telegram, the texts, or anything above.
//! - `content` (what `prompts/` holds) knows no setting: `config` reads the alert rules with
//!   content's diagnostics, so the arrow points one way.
//! - `ctx` (what a handler is handed) knows no feature, job or transport.
//! - `features` know no job and no transport, and never import teloxide (they speak through
//!   `Ctx` and build `ctx::keyboard::Keyboard`s).
//! - `jobs` (scheduler, sender) know no transport.
//! - All SQL lives in `store`: nothing else names `sqlx::`.
//!
//! A file breaking the rule fails a test with its name and line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `file:line: text` for every line of code (comments skipped) under `dir` naming one of
/// `forbidden`.
fn offences(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let code = code.split("//").next().unwrap_or("");
            if let Some(word) = forbidden.iter().find(|w| code.contains(*w)) {
                found.push(format!(
                    "{}:{}: {word}: {}",
                    file.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

const UP_FROM_STORE: &[&str] = &[
    "crate::ctx",
    "crate::features",
    "crate::jobs",
    "crate::bot",
    "crate::app",
    "crate::content",
    "teloxide",
];

fn check(dir: &str, forbidden: &[&str], rule: &str) {
    let found = offences(dir, forbidden);
    assert!(found.is_empty(), "{dir}/ {rule}:\n{}", found.join("\n"));
}

#[test]
fn the_domain_is_pure() {
    let mut forbidden = UP_FROM_STORE.to_vec();
    forbidden.extend(["crate::store", "sqlx", "tokio", "reqwest"]);
    check("domain", &forbidden, "must stay pure");
}

#[test]
fn the_store_knows_nothing_above_it() {
    check("store", UP_FROM_STORE, "must not reach up the layers");
}

#[test]
fn content_knows_no_setting_and_nothing_above() {
    let mut forbidden = UP_FROM_STORE.to_vec();
    forbidden.retain(|w| *w != "crate::content");
    forbidden.extend(["crate::config", "crate::store"]);
    check("content", &forbidden, "reads prompts/ and nothing else");
}

#[test]
fn ctx_knows_no_feature_job_or_transport() {
    check(
        "ctx",
        &["crate::features", "crate::jobs", "crate::bot", "crate::app"],
        "is below every feature",
    );
}

#[test]
fn features_know_no_job_or_transport_and_no_teloxide() {
    check(
        "features",
        &["crate::jobs", "crate::bot", "crate::app", "teloxide"],
        "must not reach up the layers or into Telegram's types",
    );
}

#[test]
fn jobs_know_no_transport() {
    check(
        "jobs",
        &["crate::bot", "crate::app"],
        "must not reach the transport",
    );
}

#[test]
fn all_sql_lives_in_the_store() {
    for dir in ["content", "config", "ctx", "features", "jobs", "bot"] {
        check(dir, &["sqlx::"], "must leave SQL to store/");
    }
}

#[test]
fn the_check_sees_an_offence() {
    // The rule's own check: `bot/` does use teloxide and the features, so the scan finds them.
    assert!(!offences("bot", &["teloxide"]).is_empty());
    assert!(!offences("bot", &["crate::features"]).is_empty());
}

/// The names a line of code reaches through `prefix` (`crate::features::`, `super::`):
/// `prefix name` and every item of `prefix {a, b::c}`.
fn reached(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(prefix) {
        let at = from + found;
        from = at + prefix.len();
        let rest = &code[from..];
        // `super::super::x` is not `super::x` (nor `super::super`).
        if prefix == "super::" && (code[..at].ends_with("super::") || rest.starts_with("super::")) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let body = group.split('}').next().unwrap_or("");
            out.extend(body.split(',').map(ident).filter(|n| !n.is_empty()));
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Module → the sibling modules its code names, for the entries of `src/<dir>`.
fn sibling_graph(
    dir: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let crate_prefix = if dir.is_empty() {
        "crate::".to_string()
    } else {
        format!("crate::{dir}::")
    };
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&base).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if (path.is_dir() || path.extension().is_some_and(|e| e == "rs"))
            && !["mod", "lib", "main", "layering"].contains(&stem.as_str())
        {
            names.insert(stem);
        }
    }
    let mut graph = std::collections::BTreeMap::new();
    for name in &names {
        let file = base.join(format!("{name}.rs"));
        let files = if file.exists() {
            vec![file]
        } else {
            rust_files(&base.join(name))
        };
        let mut deps = std::collections::BTreeSet::new();
        for f in files {
            // `super::` names a sibling from `x.rs` or `x/mod.rs`, `super::super::` from `x/y.rs`.
            let depth = f.strip_prefix(&base).unwrap().components().count();
            let is_mod = f.file_name().is_some_and(|n| n == "mod.rs");
            let sibling = match (depth, is_mod) {
                (1, _) | (2, true) => "super::",
                (2, false) | (3, true) => "super::super::",
                _ => "super::super::super::",
            };
            let text = std::fs::read_to_string(&f).unwrap();
            for line in text.lines() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                let code = code.split("//").next().unwrap_or("");
                let mut found = reached(code, &crate_prefix);
                if !dir.is_empty() {
                    found.extend(reached(code, sibling));
                }
                deps.extend(found.into_iter().filter(|d| d != name && names.contains(d)));
            }
        }
        graph.insert(name.clone(), deps);
    }
    graph
}

/// A cycle in `graph`, as `a → b → a`, if there is one.
fn a_cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<String> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle.join(" → "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph = sibling_graph("");
    assert!(graph.contains_key("features") && graph["bot"].contains("features"));
    if let Some(cycle) = a_cycle(&graph) {
        panic!("top-level modules import each other in a cycle: {cycle}");
    }
}

#[test]
fn no_import_cycle_between_features() {
    let graph = sibling_graph("features");
    // The scan sees both `crate::features::x` and `super::x`.
    assert!(graph["checkin"].contains("coping") && graph["account"].contains("help"));
    if let Some(cycle) = a_cycle(&graph) {
        panic!("features import each other in a cycle: {cycle}");
    }
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let mut graph = std::collections::BTreeMap::new();
    graph.insert("a".to_string(), ["b".to_string()].into());
    graph.insert("b".to_string(), ["c".to_string()].into());
    graph.insert("c".to_string(), ["a".to_string()].into());
    assert_eq!(a_cycle(&graph).as_deref(), Some("a → b → c → a"));
    graph.get_mut("c").unwrap().clear();
    assert_eq!(a_cycle(&graph), None);
    assert_eq!(
        reached("use super::{help, alerts::x};", "super::"),
        ["help", "alerts"]
    );
    assert_eq!(reached("super::super::y", "super::"), Vec::<String>::new());
}
