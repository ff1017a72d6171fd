//! The dependency rule, checked from the source. Each layer may use only those below it:
//!
//! `domain ← store ← content, config ← ctx ← features ← jobs ← bot ← app`
//!
//! - `domain` is pure: no storage, no Telegram, no runtime.
//! - `store` is SQL: nothing of Telegram, the texts, or anything above.
//! - `ctx` (what a handler is handed) knows no feature, job or transport.
//! - `features` know no job and no transport, and never import teloxide (they speak through
//!   `Ctx` and build `ctx::keyboard::Keyboard`s).
//! - `jobs` (scheduler, sender) know no transport.
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
fn the_check_sees_an_offence() {
    // The rule's own check: `bot/` does use teloxide and the features, so the scan finds them.
    assert!(!offences("bot", &["teloxide"]).is_empty());
    assert!(!offences("bot", &["crate::features"]).is_empty());
}
