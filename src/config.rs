//! Settings from the environment (and an optional `.env`), typed, with clear errors.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://recovery-bot.db";

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
}

impl Default for CrisisLine {
    fn default() -> Self {
        CrisisLine {
            name: "988 Suicide & Crisis Lifeline".into(),
            number: "988".into(),
            url: "https://988lifeline.org".into(),
            emergency_number: "911".into(),
        }
    }
}

#[derive(Clone)]
pub struct Config {
    pub token: String,
    /// Bot API base URL; `None` means Telegram's own.
    pub api_url: Option<String>,
    pub database_url: String,
    pub prompts_dir: PathBuf,
    pub crisis: CrisisLine,
    /// getUpdates long-poll timeout. Must stay below teloxide's 17 s HTTP timeout.
    pub poll_timeout: Duration,
}

impl std::fmt::Debug for Config {
    // Never print the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &"<redacted>")
            .field("api_url", &self.api_url)
            .field("database_url", &self.database_url)
            .field("prompts_dir", &self.prompts_dir)
            .field("crisis", &self.crisis)
            .field("poll_timeout", &self.poll_timeout)
            .finish()
    }
}

/// Settings that do not need a token (migrate, check-content).
pub fn database_url() -> String {
    non_empty("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string())
}

pub fn prompts_dir() -> PathBuf {
    non_empty("PROMPTS_DIR").map_or_else(|| PathBuf::from("prompts"), PathBuf::from)
}

impl Config {
    pub fn from_env() -> Result<Config> {
        let Some(token) = non_empty("TELOXIDE_TOKEN") else {
            bail!(
                "TELOXIDE_TOKEN is not set. Create a bot with @BotFather in Telegram, copy the \
                 token it gives you, and put TELOXIDE_TOKEN=<token> in .env (see .env.example)."
            );
        };
        if !token.contains(':') || token.chars().any(char::is_whitespace) {
            bail!("TELOXIDE_TOKEN does not look like a bot token (expected <digits>:<letters> from @BotFather).");
        }
        let api_url = non_empty("TELOXIDE_API_URL");
        if let Some(url) = &api_url {
            reqwest::Url::parse(url)
                .with_context(|| format!("TELOXIDE_API_URL is not a valid URL: {url}"))?;
        }
        let defaults = CrisisLine::default();
        let crisis = CrisisLine {
            name: non_empty("CRISIS_LINE_NAME").unwrap_or(defaults.name),
            number: non_empty("CRISIS_LINE_NUMBER").unwrap_or(defaults.number),
            url: non_empty("CRISIS_LINE_URL").unwrap_or(defaults.url),
            emergency_number: non_empty("EMERGENCY_NUMBER").unwrap_or(defaults.emergency_number),
        };
        if !(crisis.url.starts_with("https://") || crisis.url.starts_with("http://")) {
            bail!(
                "CRISIS_LINE_URL must start with https:// (Telegram buttons open web links only)."
            );
        }
        let poll_timeout = match non_empty("POLL_TIMEOUT_SECS") {
            None => Duration::from_secs(10),
            Some(v) => {
                let secs: u64 =
                    v.parse().ok().filter(|s| (1..=15).contains(s)).context(
                        "POLL_TIMEOUT_SECS must be a whole number of seconds from 1 to 15",
                    )?;
                Duration::from_secs(secs)
            }
        };
        Ok(Config {
            token,
            api_url,
            database_url: database_url(),
            prompts_dir: prompts_dir(),
            crisis,
            poll_timeout,
        })
    }
}

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
