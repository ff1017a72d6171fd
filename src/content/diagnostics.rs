//! What is wrong in the prompts folder, said so an editor can fix it: file, line, message.

use std::fmt;
use std::path::{Path, PathBuf};

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

pub(crate) fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

/// A file under `prompts/`, or the problem naming it.
pub(crate) fn read(file: &Path) -> Result<String, Vec<ContentError>> {
    std::fs::read_to_string(file).map_err(|e| {
        vec![ContentError {
            file: file.to_path_buf(),
            line: None,
            key: None,
            problem: format!("cannot be read: {e}"),
        }]
    })
}

/// TOML into `T`; a syntax error or an unknown field names the file and line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &Path,
    source: &str,
) -> Result<T, Vec<ContentError>> {
    toml::from_str(source).map_err(|e| {
        vec![ContentError {
            file: file.to_path_buf(),
            line: e.span().map(|s| line_of(source, s.start)),
            key: None,
            problem: format!("is not valid: {}", e.message().trim()),
        }]
    })
}
