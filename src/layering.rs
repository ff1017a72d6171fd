//! The dependency rule, checked from the source: the pure `domain` knows nothing of storage,
//! Telegram or the runtime, and `store` knows nothing of Telegram, the sender or the scheduler.
//! (`domain ← store ← outbox, content, config ← telegram, scheduler ← app`.) A file breaking
//! the rule fails this test with its name and line.

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

#[test]
fn the_domain_is_pure() {
    let found = offences(
        "domain",
        &[
            "crate::store",
            "crate::telegram",
            "crate::outbox",
            "crate::scheduler",
            "crate::content",
            "crate::app",
            "teloxide",
            "sqlx",
            "tokio",
            "reqwest",
        ],
    );
    assert!(
        found.is_empty(),
        "domain/ must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_store_knows_nothing_of_telegram_or_the_jobs() {
    let found = offences(
        "store",
        &[
            "crate::telegram",
            "crate::outbox",
            "crate::scheduler",
            "crate::content",
            "crate::app",
            "teloxide",
        ],
    );
    assert!(
        found.is_empty(),
        "store/ must not reach up the layers:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_an_offence() {
    // The rule's own check: `telegram/` does use teloxide, so the scan must find it.
    assert!(!offences("telegram", &["teloxide"]).is_empty());
}
