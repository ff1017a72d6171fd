//! A crisis line as the bot shows it. Which one a patient sees is decided by their country
//! (`prompts/crisis-lines.toml`), else the operator's (`config`).

#[derive(Debug, Clone)]
pub struct CrisisLine {
    /// Shown name, e.g. "988 Suicide & Crisis Lifeline".
    pub name: String,
    /// Number to call or text, e.g. "988".
    pub number: String,
    /// A https:// page for the one-tap button.
    pub url: String,
    /// Emergency services number, e.g. "911".
    pub emergency_number: String,
    /// Whether the line takes text messages as well as calls (988 does; many lines don't).
    pub can_text: bool,
    /// Whether someone answers day and night; if not, texts point to the emergency number too.
    pub always_open: bool,
}
