//! What is wrong in the prompts folder, said so an editor can fix it: file, line, message.

use std::fmt;
use std::path::PathBuf;

/// A problem in the prompts folder. `Display` names the file, line and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(self))]
pub struct ContentError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub problem: String,
}

fn render(e: &ContentError) -> String {
    use fmt::Write;
    let mut out = e.file.display().to_string();
    if let Some(line) = e.line {
        let _ = write!(out, ":{line}");
    }
    if let Some(key) = e.key.as_deref() {
        let _ = match key.split_once(' ') {
            Some((kind @ ("suggestion" | "setting" | "country" | "pattern"), rest)) => {
                write!(out, ": {kind} `{rest}`")
            }
            _ => write!(out, ": message `{key}`"),
        };
    }
    let _ = write!(out, ": {}", e.problem);
    out
}

/// All problems found, so an editor can fix them in one go.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", list(.0))]
pub struct ContentErrors(pub Vec<ContentError>);

fn list(errors: &[ContentError]) -> String {
    let mut out = format!(
        "the prompts are not usable ({} problem(s)):\n",
        errors.len()
    );
    for e in errors {
        out.push_str(&format!("  {e}\n"));
    }
    out
}
