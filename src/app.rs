//! Starting and stopping the bot: the same code path for `run` and for the end-to-end tests.

use crate::bot::{intake, webhook, worker};
use crate::clock::Clock;
use crate::config::{Config, Intake};
use crate::ctx::Ctx;
use crate::store::Db;
use anyhow::{Context, Result};
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// Builds the teloxide client, pointed at `api_url` when given (a local fake in tests).
pub fn make_bot(config: &Config) -> Result<Bot> {
    use secrecy::ExposeSecret;
    let bot = Bot::new(config.token.expose_secret());
    Ok(match &config.api_url {
        Some(url) => bot.set_api_url(
            reqwest::Url::parse(url).with_context(|| format!("TELOXIDE_API_URL {url}"))?,
        ),
        None => bot,
    })
}

/// Loads and checks everything the bot needs before it talks to Telegram.
pub async fn prepare(config: &Config, clock: Arc<dyn Clock>) -> Result<Ctx> {
    let prompts = crate::config::load_prompts(&config.prompts_dir).map_err(anyhow::Error::new)?;
    prepare_with(config, clock, prompts).await
}

/// `prepare` with the prompts already loaded and checked.
async fn prepare_with(
    config: &Config,
    clock: Arc<dyn Clock>,
    (content, rules): (crate::content::Content, crate::domain::risk::Rules),
) -> Result<Ctx> {
    let db = Db::open(&config.database_url).await?;
    Ok(Ctx {
        bot: make_bot(config)?,
        db,
        content: Arc::new(content),
        rules: Arc::new(rules),
        crisis: Arc::new(config.crisis.clone()),
        clock,
        schedule: Arc::new(config.schedule.clone()),
        wake_scheduler: Arc::new(Notify::new()),
        wake_sender: Arc::new(Notify::new()),
        username: Arc::default(),
        answered: Arc::default(),
        last_committed: Arc::default(),
        renderer: crate::jobs::render::render,
        metrics: Arc::default(),
    })
}

/// How long a shutdown waits for handlers and sends in progress (systemd's default stop timeout
/// is 90 s). What is cut off is handled or sent again at the next start.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// A running bot: its intake and worker tasks.
pub struct RunningBot {
    pub ctx: Ctx,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<Result<()>>>,
    /// Where the admin server (/healthz, /readyz, /metrics) and the webhook listen, if they do.
    pub admin_addr: Option<std::net::SocketAddr>,
    pub webhook_addr: Option<std::net::SocketAddr>,
    /// Held while running: a second bot process on the same database would send every
    /// queued message again.
    _lock: InstanceLock,
}

/// The one-process-per-database lock: a `flock` on the SQLite file, or a session advisory
/// lock on PostgreSQL (held by a connection of its own; released if the process dies).
#[allow(dead_code)]
enum InstanceLock {
    File(std::fs::File),
    Postgres(crate::store::PgLock),
}

/// Locks the database file itself, or explains that another bot process has it. The lock is on
/// the file (its inode), not on a name next to it: a symlink or a hard link to the same database
/// is the same file and refuses too. It is a `flock`, separate from SQLite's own `fcntl` locks.
pub(crate) fn lock_database(db: &std::path::Path) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .open(db)
        .with_context(|| format!("opening {} to lock it", db.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another bot process is already running on {} (or on a link to the same file); only one may run",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).context("locking the database"),
    }
}

/// Which parts to run. `run` runs both; tests may run the intake alone to stop a bot between
/// receiving an update and handling it.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    pub intake: bool,
    pub worker: bool,
    /// The scheduler loop (tests may drive `scheduler::tick` themselves instead).
    pub scheduler: bool,
    /// The outbox sender.
    pub sender: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        intake: true,
        worker: true,
        scheduler: true,
        sender: true,
    };
}

impl RunningBot {
    pub async fn start(config: &Config, clock: Arc<dyn Clock>, parts: Parts) -> Result<RunningBot> {
        // The prompts (no network needed), then Telegram: a broken file, a wrong token or no
        // network is said before the database is touched (stopping while Telegram is still
        // unreachable leaves no file behind).
        let prompts =
            crate::config::load_prompts(&config.prompts_dir).map_err(anyhow::Error::new)?;
        let me = hello(&make_bot(config)?, config).await?;
        tracing::info!(bot = %format!("@{me}"), "Telegram answered");
        // Then the lock: a second process must not even run migrations on the database.
        let (lock, new_file) = match crate::store::sqlite_file(&config.database_url)? {
            Some((file, created)) => (
                InstanceLock::File(lock_database(&file)?),
                created.then_some(file),
            ),
            None => (
                InstanceLock::Postgres(crate::store::lock_postgres(&config.database_url).await?),
                None,
            ),
        };
        let ctx = match prepare_with(config, clock, prompts).await {
            Ok(ctx) => {
                let _ = ctx.username.set(me);
                ctx
            }
            Err(e) => {
                // A file made just now and never written would be refused as "emptied" next time.
                if let Some(file) = new_file {
                    crate::store::forget_new_file(&file);
                }
                return Err(e);
            }
        };
        announce(&ctx, &config.intake).await;
        let (stop, stop_rx) = watch::channel(false);
        let recorded = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        // Everything that can fail is done before any task is spawned, so a refused start
        // leaves nothing running.
        let admin = match config.admin.addr {
            None => None,
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
                    format!("cannot serve the admin address ADMIN_ADDR {addr} (in use? set another, or ADMIN_ADDR=off)")
                })?;
                if !addr.ip().is_loopback() {
                    tracing::warn!(%addr, "the admin address is reachable from other machines");
                }
                Some(listener)
            }
        };
        let hook = match (&config.intake, parts.intake) {
            (Intake::Webhook(w), true) => {
                let secret = webhook::secret(&ctx, w).await?;
                let listener = webhook::bind(w).await?;
                let app = webhook::router(ctx.clone(), w, &secret, recorded.clone());
                // Listening first: Telegram's first post waits in the backlog, not refused.
                webhook::register(&ctx, w, &secret).await?;
                Some((listener, app))
            }
            _ => None,
        };
        let admin_addr = admin.as_ref().and_then(|l| l.local_addr().ok());
        let webhook_addr = hook.as_ref().and_then(|(l, _)| l.local_addr().ok());
        if let Some(listener) = admin {
            tracing::info!(addr = ?admin_addr, "admin: /healthz /readyz /metrics");
            tasks.push(tokio::spawn(crate::bot::serve(
                listener,
                crate::bot::admin::router(ctx.clone(), config.admin.clone()),
                stop_rx.clone(),
                "the admin server",
            )));
        }
        if let Some((listener, app)) = hook {
            tasks.push(tokio::spawn(crate::bot::serve(
                listener,
                app,
                stop_rx.clone(),
                "the webhook server",
            )));
            tasks.push(tokio::spawn(webhook::watch(ctx.clone(), stop_rx.clone())));
        } else if parts.intake {
            tasks.push(tokio::spawn(intake::run(
                ctx.clone(),
                config.poll_timeout,
                recorded.clone(),
                stop_rx.clone(),
            )));
        }
        if parts.worker {
            tasks.push(tokio::spawn(worker::run(
                ctx.clone(),
                recorded,
                stop_rx.clone(),
            )));
        }
        if parts.scheduler {
            tasks.push(tokio::spawn(crate::jobs::scheduler::run(
                ctx.clone(),
                stop_rx.clone(),
            )));
        }
        if parts.sender {
            tasks.push(tokio::spawn(crate::jobs::sender::run(
                ctx.clone(),
                config.send.clone(),
                stop_rx,
            )));
        }
        Ok(RunningBot {
            ctx,
            stop,
            tasks,
            admin_addr,
            webhook_addr,
            _lock: lock,
        })
    }

    /// Stops receiving, lets the handling and sends in progress finish (up to
    /// `SHUTDOWN_GRACE`), closes the database.
    pub async fn shutdown(mut self) -> Result<()> {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        let mut first_error = None;
        for t in &mut self.tasks {
            match tokio::time::timeout_at(deadline, &mut *t).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => {
                    first_error.get_or_insert(e);
                }
                Ok(Err(e)) => {
                    first_error.get_or_insert(anyhow::Error::new(e).context("a bot task panicked"));
                }
                Err(_) => {
                    tracing::warn!(
                        seconds = SHUTDOWN_GRACE.as_secs(),
                        "work still in progress at shutdown was stopped; it is taken up again at the next start"
                    );
                    t.abort();
                }
            }
        }
        self.ctx.db.close().await;
        first_error.map_or(Ok(()), Err)
    }

    /// Stops everything at once, as a crash would: nothing is finished or flushed.
    pub async fn kill(self) {
        for t in &self.tasks {
            t.abort();
        }
        for t in self.tasks {
            let _ = t.await;
        }
        self.ctx.db.close().await;
    }

    /// Waits until a task ends on its own (an error), returning it. Cancel-safe: the tasks stay
    /// in `self` (dropping this future leaves them for `shutdown` to wait for).
    pub async fn wait(&mut self) -> Result<()> {
        if self.tasks.is_empty() {
            return std::future::pending().await;
        }
        let (result, index, _) = futures::future::select_all(self.tasks.iter_mut()).await;
        drop(self.tasks.remove(index));
        result.context("a bot task panicked")?
    }

    /// Runs until a task fails or `stop` completes (SIGINT or SIGTERM for `run`), then shuts
    /// down, waiting for the work in progress.
    pub async fn serve_until(mut self, stop: impl std::future::Future<Output = ()>) -> Result<()> {
        tokio::select! {
            r = self.wait() => {
                if let Err(e) = r {
                    let _ = self.shutdown().await;
                    return Err(e);
                }
            }
            _ = stop => {
                tracing::info!("shutting down");
            }
        }
        self.shutdown().await
    }
}

/// Asks Telegram who the bot is (`getMe`) before anything else, and returns its @username. A
/// token Telegram refuses stops the start at once; an unreachable Telegram is tried again, with
/// a line naming the host and the cause each time, for as long as it takes.
async fn hello(bot: &Bot, config: &Config) -> Result<String> {
    let host = config
        .api_url
        .as_deref()
        .and_then(|u| reqwest::Url::parse(u).ok())
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(u.port().map_or(host.clone(), |p| format!("{host}:{p}")))
        })
        .unwrap_or_else(|| "api.telegram.org".to_string());
    let mut wait = std::time::Duration::from_secs(1);
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me.username().to_string()),
            Err(teloxide::RequestError::Api(teloxide::ApiError::InvalidToken)) => {
                anyhow::bail!(
                    "Telegram says the token is not valid: check TELOXIDE_TOKEN (the token @BotFather gave you, like 123456789:AAE...)"
                )
            }
            Err(e) => {
                tracing::warn!(
                    host = %host,
                    cause = %root_cause(&e),
                    retry_in_s = wait.as_secs(),
                    "cannot reach Telegram yet; trying again"
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(30));
            }
        }
    }
}

/// The innermost cause of a request error ("Connection refused", "failed to lookup address"),
/// which never holds the token: teloxide takes it out of the URL, and the URL is not a cause.
fn root_cause(e: &teloxide::RequestError) -> String {
    match e {
        teloxide::RequestError::Network(n) => {
            let mut cause: &dyn std::error::Error = n;
            while let Some(next) = cause.source() {
                cause = next;
            }
            let text = cause.to_string();
            if n.is_timeout() {
                format!("timed out ({text})")
            } else {
                text
            }
        }
        other => crate::ctx::reply::describe(other),
    }
}

/// Registers the command menu and, when polling, makes sure no webhook blocks it (switching
/// back from webhook mode deletes the webhook; its pending updates are then polled).
async fn announce(ctx: &Ctx, intake: &Intake) {
    const COMMANDS: [(&str, &str); 20] = [
        ("checkin", "command-checkin"),
        ("history", "command-history"),
        ("progress", "command-progress"),
        ("notes", "command-notes"),
        ("export", "command-export"),
        ("sos", "command-sos"),
        ("crisis", "command-crisis"),
        ("safetyplan", "command-safetyplan"),
        ("contact", "command-contact"),
        ("schedule", "command-schedule"),
        ("pause", "command-pause"),
        ("resume", "command-resume"),
        ("quiet", "command-quiet"),
        ("language", "command-language"),
        ("country", "command-country"),
        ("help", "command-help"),
        ("start", "command-start"),
        ("delete", "command-delete"),
        ("patients", "command-patients"),
        ("stop", "command-stop"),
    ];
    // The default menu, then one per language, for people whose Telegram uses it.
    let default = crate::content::DEFAULT_LANGUAGE;
    let mut menus: Vec<(&str, Option<&str>)> = vec![(default, None)];
    menus.extend(ctx.content.languages().into_iter().map(|l| (l, Some(l))));
    for (lang, code) in menus {
        let commands = COMMANDS.map(|(c, key)| BotCommand::new(c, ctx.t(lang, key)));
        let mut req = ctx.bot.set_my_commands(commands);
        if let Some(code) = code {
            req = req.language_code(code);
        }
        if let Err(e) = crate::ctx::reply::send_idempotent(&ctx.metrics, req).await {
            tracing::warn!(error = %crate::ctx::reply::describe(&e), "could not set the command menu");
        }
    }
    if matches!(intake, Intake::Polling) {
        if let Err(e) =
            crate::ctx::reply::send_idempotent(&ctx.metrics, ctx.bot.delete_webhook()).await
        {
            tracing::warn!(error = %crate::ctx::reply::describe(&e), "could not remove a webhook");
        }
    }
}

/// `run`: until SIGINT or SIGTERM.
pub async fn run(config: Config) -> Result<()> {
    // Ctrl-C while Telegram is still unreachable stops at once.
    let start = RunningBot::start(&config, Arc::new(crate::clock::SystemClock), Parts::ALL);
    let bot = tokio::select! {
        bot = start => bot?,
        _ = shutdown_signal() => return Ok(()),
    };
    let me = bot.ctx.username().await.unwrap_or_default();
    tracing::info!(bot = %format!("@{me}"), database = %bot.ctx.db.path().display(), "bot started");
    bot.serve_until(shutdown_signal()).await
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
