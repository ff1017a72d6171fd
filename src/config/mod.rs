//! Settings from the environment (and an optional `.env`), typed, with clear errors, and the
//! alert rules (`prompts/alert-rules.toml`, [`rules`]): deployment settings, not texts.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

pub mod rules;

use crate::content::{Content, ContentErrors};
use crate::domain::risk::Rules;

/// A crisis line: the type is the domain's; where the operator's comes from is here.
pub use crate::domain::crisis::CrisisLine;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://recovery-bot.db";

impl Default for CrisisLine {
    fn default() -> Self {
        CrisisLine {
            name: "988 Suicide & Crisis Lifeline".into(),
            number: "988".into(),
            url: "https://988lifeline.org".into(),
            emergency_number: "911".into(),
            can_text: true,
            always_open: true,
        }
    }
}

impl CrisisLine {
    /// The operator's crisis line (`CRISIS_LINE_*`, `EMERGENCY_NUMBER`): shown to anyone whose
    /// country is not in `prompts/crisis-lines.toml`.
    pub fn from_env() -> Result<CrisisLine> {
        let defaults = CrisisLine::default();
        let crisis = CrisisLine {
                name: non_empty("CRISIS_LINE_NAME").unwrap_or(defaults.name),
                number: non_empty("CRISIS_LINE_NUMBER").unwrap_or(defaults.number),
                url: non_empty("CRISIS_LINE_URL").unwrap_or(defaults.url),
                emergency_number: non_empty("EMERGENCY_NUMBER").unwrap_or(defaults.emergency_number),
                can_text: match non_empty("CRISIS_LINE_TEXT").as_deref() {
                    None => defaults.can_text,
                    Some("yes" | "true" | "1") => true,
                    Some("no" | "false" | "0") => false,
                    Some(_) => bail!("CRISIS_LINE_TEXT must be yes or no (whether the crisis line takes text messages)"),
                },
                always_open: match non_empty("CRISIS_LINE_24H").as_deref() {
                    None => defaults.always_open,
                    Some("yes" | "true" | "1") => true,
                    Some("no" | "false" | "0") => false,
                    Some(_) => bail!("CRISIS_LINE_24H must be yes or no (whether the crisis line answers day and night)"),
                },
            };
        if !(crisis.url.starts_with("https://") || crisis.url.starts_with("http://")) {
            bail!(
                "CRISIS_LINE_URL must start with https:// (Telegram buttons open web links only)."
            );
        }
        Ok(crisis)
    }
}

/// Timing rules for scheduled prompts. Deployment settings, not constants.
#[derive(Debug, Clone)]
pub struct ScheduleSettings {
    /// A slot that came due longer ago than this (the bot was down) is recorded as missed.
    pub grace: chrono::Duration,
    /// One gentle reminder this long after an unanswered prompt.
    pub reminder_after: chrono::Duration,
    /// "Remind me later" delay.
    pub snooze: chrono::Duration,
    /// An unanswered prompt counts as missed this long after it was sent.
    pub open_for: chrono::Duration,
    /// A check-in left open this long is closed as abandoned (answers kept), so text typed
    /// later is not taken as an answer to it.
    pub checkin_open_for: chrono::Duration,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        ScheduleSettings {
            grace: chrono::Duration::hours(2),
            reminder_after: chrono::Duration::minutes(60),
            snooze: chrono::Duration::minutes(30),
            open_for: chrono::Duration::hours(3),
            checkin_open_for: chrono::Duration::hours(6),
        }
    }
}

/// How fast the outbox may send. Telegram allows about 30 messages/s per bot and about one
/// message per second per chat. The default keeps a little below 30/s: at exactly 30/s,
/// network jitter bunches requests and Telegram answers 429 (each costing a pause).
#[derive(Debug, Clone)]
pub struct SendLimits {
    pub per_second: f64,
    pub per_chat_interval: Duration,
    /// Sends in flight at once.
    pub concurrency: usize,
}

impl Default for SendLimits {
    fn default() -> Self {
        SendLimits {
            per_second: 29.2,
            per_chat_interval: Duration::from_secs(1),
            concurrency: 64,
        }
    }
}

/// How updates arrive.
#[derive(Clone, Debug, Default)]
pub enum Intake {
    /// getUpdates, long polling (the default: nothing to open to the internet).
    #[default]
    Polling,
    /// Telegram pushes each update to our HTTPS address (`WEBHOOK_URL`).
    Webhook(WebhookSettings),
}

#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// The public address Telegram posts to (`WEBHOOK_URL`); its path is the route served.
    pub url: reqwest::Url,
    /// `WEBHOOK_SECRET`; when `None`, one is generated once and kept in the database.
    pub secret: Option<secrecy::SecretString>,
    /// Where the bot listens (`LISTEN_ADDR`), behind the TLS proxy that `url` points at.
    pub listen: std::net::SocketAddr,
    /// Connections Telegram may open at once (`WEBHOOK_MAX_CONNECTIONS`, 1–100).
    pub max_connections: u8,
}

/// The admin address (`ADMIN_ADDR`): /healthz, /readyz and /metrics, and what "ready" means.
#[derive(Clone, Debug)]
pub struct AdminSettings {
    /// `None`: no admin server (`ADMIN_ADDR=off`; the tests' default).
    pub addr: Option<std::net::SocketAddr>,
    /// Not ready when Telegram has not answered with success for this long.
    pub telegram_within: Duration,
    /// Not ready when a due message has waited this long (the sender is stuck).
    pub outbox_within: Duration,
}

impl Default for AdminSettings {
    fn default() -> Self {
        AdminSettings {
            addr: None,
            telegram_within: Duration::from_secs(120),
            outbox_within: Duration::from_secs(600),
        }
    }
}

/// The admin address when `ADMIN_ADDR` is not set: loopback only.
pub const DEFAULT_ADMIN_ADDR: &str = "127.0.0.1:9291";
/// Where the webhook listens when `LISTEN_ADDR` is not set (behind a TLS proxy on this host).
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8080";

/// `Debug` is derived: the token prints as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct Config {
    /// Wrapped: `Debug` prints `[REDACTED]`, and reading it takes an explicit
    /// `expose_secret()` (only where the Telegram client is made).
    pub token: secrecy::SecretString,
    /// Bot API base URL; `None` means Telegram's own.
    pub api_url: Option<String>,
    pub database_url: String,
    pub prompts_dir: PathBuf,
    pub crisis: CrisisLine,
    /// getUpdates long-poll timeout. Must stay below teloxide's 17 s HTTP timeout.
    pub poll_timeout: Duration,
    pub schedule: ScheduleSettings,
    pub send: SendLimits,
    pub intake: Intake,
    pub admin: AdminSettings,
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
        let crisis = CrisisLine::from_env()?;
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
        let minutes =
            |name: &str, default: chrono::Duration, max: i64| -> Result<chrono::Duration> {
                match non_empty(name) {
                    None => Ok(default),
                    Some(v) => v
                        .parse::<i64>()
                        .ok()
                        .filter(|m| (1..=max).contains(m))
                        .map(chrono::Duration::minutes)
                        .with_context(|| {
                            format!("{name} must be a whole number of minutes from 1 to {max}")
                        }),
                }
            };
        let d = ScheduleSettings::default();
        let schedule = ScheduleSettings {
            grace: minutes("MISSED_GRACE_MINUTES", d.grace, 24 * 60)?,
            reminder_after: minutes("REMINDER_AFTER_MINUTES", d.reminder_after, 24 * 60)?,
            snooze: d.snooze,
            open_for: minutes("PROMPT_OPEN_MINUTES", d.open_for, 24 * 60)?,
            checkin_open_for: minutes("CHECKIN_OPEN_MINUTES", d.checkin_open_for, 48 * 60)?,
        };
        let mut send = SendLimits::default();
        if let Some(v) = non_empty("SEND_PER_SECOND") {
            send.per_second = v
                .parse::<f64>()
                .ok()
                .filter(|r| *r > 0.0 && r.is_finite())
                .context("SEND_PER_SECOND must be a positive number (Telegram allows about 30)")?;
        }
        Ok(Config {
            token: token.into(),
            api_url,
            database_url: database_url(),
            prompts_dir: prompts_dir(),
            crisis,
            poll_timeout,
            schedule,
            send,
            intake: intake_from_env()?,
            admin: admin_from_env()?,
        })
    }
}

fn socket_addr(name: &str, value: &str) -> Result<std::net::SocketAddr> {
    value.parse().with_context(|| {
        format!("{name} must be an IP address and port, like 127.0.0.1:8080 (it is {value:?})")
    })
}

/// Whether a host is this machine (a local test server may then be plain http).
fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// A secret Telegram accepts: 1–256 of A–Z, a–z, 0–9, `_` and `-`.
pub fn valid_webhook_secret(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn intake_from_env() -> Result<Intake> {
    let Some(raw) = non_empty("WEBHOOK_URL") else {
        return Ok(Intake::Polling);
    };
    let url = reqwest::Url::parse(&raw)
        .with_context(|| format!("WEBHOOK_URL is not a valid URL: {raw}"))?;
    if url.scheme() != "https" && !(url.scheme() == "http" && is_loopback(&url)) {
        bail!("WEBHOOK_URL must start with https:// (Telegram posts updates over HTTPS only)");
    }
    if url.scheme() == "https" && !matches!(url.port_or_known_default(), Some(443 | 80 | 88 | 8443))
    {
        bail!("WEBHOOK_URL must use port 443, 80, 88 or 8443 (the only ports Telegram posts to)");
    }
    let secret = match non_empty("WEBHOOK_SECRET") {
        None => None,
        Some(s) if valid_webhook_secret(&s) => Some(s.into()),
        Some(_) => bail!(
            "WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (or leave it unset and one is generated and kept)"
        ),
    };
    let listen = socket_addr(
        "LISTEN_ADDR",
        &non_empty("LISTEN_ADDR").unwrap_or_else(|| DEFAULT_LISTEN_ADDR.to_string()),
    )?;
    let max_connections = match non_empty("WEBHOOK_MAX_CONNECTIONS") {
        None => 40,
        Some(v) => v
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .context("WEBHOOK_MAX_CONNECTIONS must be a whole number from 1 to 100")?,
    };
    Ok(Intake::Webhook(WebhookSettings {
        url,
        secret,
        listen,
        max_connections,
    }))
}

fn admin_from_env() -> Result<AdminSettings> {
    let d = AdminSettings::default();
    let addr = match non_empty("ADMIN_ADDR").as_deref() {
        Some("off" | "no" | "none") => None,
        Some(v) => Some(socket_addr("ADMIN_ADDR", v)?),
        None => Some(socket_addr("ADMIN_ADDR", DEFAULT_ADMIN_ADDR)?),
    };
    let secs = |name: &str, default: Duration| -> Result<Duration> {
        match non_empty(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .map(Duration::from_secs)
                .with_context(|| {
                    format!("{name} must be a whole number of seconds from 1 to 86400")
                }),
        }
    };
    Ok(AdminSettings {
        addr,
        telegram_within: secs("READY_TELEGRAM_SECS", d.telegram_within)?,
        outbox_within: secs("READY_OUTBOX_SECS", d.outbox_within)?,
    })
}

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Everything under the prompts folder: the texts (with the suggestions, crisis lines and words
/// of crisis) and the alert rules, checked together so an editor sees every problem at once.
pub fn load_prompts(dir: &std::path::Path) -> std::result::Result<(Content, Rules), ContentErrors> {
    // A folder that is not there: say where it was looked for, and which setting says so.
    if !dir.is_dir() {
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let setting = match non_empty("PROMPTS_DIR") {
            Some(v) => format!("PROMPTS_DIR is {v:?}"),
            None => "PROMPTS_DIR is not set, so `prompts` in the working directory".to_string(),
        };
        let cwd = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        return Err(ContentErrors(vec![crate::content::ContentError {
            file: absolute.clone(),
            line: None,
            key: None,
            problem: format!(
                "there is no prompts folder at {} ({setting}; the working directory is {cwd}). Run the bot from the repository's folder, or set PROMPTS_DIR to the prompts folder's path",
                absolute.display()
            ),
        }]));
    }
    match (Content::load(dir), rules::load(dir)) {
        (Ok(content), Ok(rules)) => Ok((content, rules)),
        (content, rules) => {
            let mut errors = content.err().map(|e| e.0).unwrap_or_default();
            errors.extend(rules.err().unwrap_or_default());
            Err(ContentErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_shows_the_token() {
        let config = super::Config {
            token: "123456:SECRET-token-value".into(),
            api_url: None,
            database_url: "sqlite://x.db".into(),
            prompts_dir: "prompts".into(),
            crisis: Default::default(),
            poll_timeout: std::time::Duration::from_secs(5),
            schedule: Default::default(),
            send: Default::default(),
            intake: super::Intake::Webhook(super::WebhookSettings {
                url: "https://bot.example.org/hook".parse().unwrap(),
                secret: Some("WEBHOOK-secret-value".into()),
                listen: "127.0.0.1:8080".parse().unwrap(),
                max_connections: 40,
            }),
            admin: Default::default(),
        };
        let printed = format!("{config:?} {config:#?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(!printed.contains("secret-value"), "{printed}");
        assert!(printed.contains("REDACTED") && printed.contains("x.db"));
    }
}
