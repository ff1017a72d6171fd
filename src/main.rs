use anyhow::Result;
use clap::{Parser, Subcommand};
use recovery_checkin_bot::{app, config, store::Db};
use tracing_subscriber::EnvFilter;

/// Daily check-ins for people in early recovery from cocaine use, on Telegram.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot (needs TELOXIDE_TOKEN). Creates and migrates the database on its own.
    Run,
    /// Try the bot with no token and no network: the real bot against the in-repo fake Telegram,
    /// with a web page of chats side by side and a clock you can move.
    Sandbox {
        /// Keep the SQLite file here (a temporary one otherwise, gone when the sandbox stops).
        #[arg(long)]
        database: Option<std::path::PathBuf>,
        /// The page's port on 127.0.0.1.
        #[arg(long, default_value_t = 8088)]
        port: u16,
        /// Replay this scripted conversation, print the transcript, and stop.
        #[arg(long)]
        script: Option<std::path::PathBuf>,
        /// Start the clock at this moment (like 2026-03-04T17:00:00Z) instead of now; a
        /// script's own `start` line is used when this is not given.
        #[arg(long)]
        start: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// An online, checked copy of the database in DIR, named by time, keeping the newest N;
    /// or, with --verify FILE, restore FILE into a scratch folder and check it.
    Backup {
        /// Where backups go (created, owner-only).
        dir: Option<std::path::PathBuf>,
        /// How many backups to keep in DIR.
        #[arg(long, default_value_t = 14)]
        keep: usize,
        /// Check this backup instead of taking one.
        #[arg(long)]
        verify: Option<std::path::PathBuf>,
    },
    /// Replace the database with a backup, after checking it. Refused while the bot runs.
    Restore { file: std::path::PathBuf },
    /// Create the database if needed and apply migrations, then exit.
    Migrate,
    /// Check every file under prompts/ and report problems with file, line and message.
    CheckContent {
        /// Also show which words of crisis (prompts/<language>/crisis-words.toml) match this
        /// text, and what the bot would do.
        #[arg(long)]
        words: Option<String>,
    },
}

#[tokio::main]
async fn main() {
    // A missing .env is fine; a malformed one is reported.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("error: .env could not be read: {e}");
            std::process::exit(2);
        }
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            EnvFilter::try_from_env("LOG_LEVEL")
                .unwrap_or_else(|_| EnvFilter::new("info,teloxide=warn,sqlx=warn")),
        )
        .init();
    if let Err(e) = real_main(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn real_main(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run => app::run(config::Config::from_env()?).await,
        Command::Backup { dir, keep, verify } => {
            use recovery_checkin_bot::ops;
            let keys = ops::Keys::from_env()?;
            let (file, v) = match (verify, dir) {
                (Some(file), _) => (file.clone(), ops::verify(&file, &keys).await?),
                (None, Some(dir)) => {
                    ops::backup(&config::database_url(), &dir, keep, &keys).await?
                }
                (None, None) => anyhow::bail!("give a folder for the backup, or --verify FILE"),
            };
            println!(
                "{}: integrity ok, migration {}, {} patients, {} check-ins",
                file.display(),
                v.migration,
                v.patients,
                v.checkins
            );
            Ok(())
        }
        Command::Restore { file } => {
            let keys = recovery_checkin_bot::ops::Keys::from_env()?;
            match recovery_checkin_bot::ops::restore(&config::database_url(), &file, &keys).await? {
                Some(kept) => println!(
                    "restored {}; the database it replaced is kept as {}",
                    file.display(),
                    kept.display()
                ),
                None => println!("restored {}", file.display()),
            }
            Ok(())
        }
        Command::Sandbox {
            database,
            port,
            script,
            start,
        } => {
            recovery_checkin_bot::sandbox::run(recovery_checkin_bot::sandbox::Options {
                database,
                prompts_dir: config::prompts_dir(),
                port,
                script,
                start,
            })
            .await
        }
        Command::Migrate => {
            let url = config::database_url();
            let new_file = recovery_checkin_bot::store::sqlite_file(&url)?
                .and_then(|(file, created)| created.then_some(file));
            let db = match Db::open(&url).await {
                Ok(db) => db,
                Err(e) => {
                    if let Some(file) = new_file {
                        recovery_checkin_bot::store::forget_new_file(&file);
                    }
                    return Err(e);
                }
            };
            if db.is_postgres() {
                // The URL may hold a password: never printed.
                println!("database ready: PostgreSQL");
            } else {
                println!("database ready: {}", db.path().display());
            }
            db.close().await;
            Ok(())
        }
        Command::CheckContent { words } => {
            let dir = config::prompts_dir();
            let (content, rules) = config::load_prompts(&dir)?;
            println!(
                "{}: all messages present and valid in: {}; {} coping suggestions, each with a need, a source and every language",
                dir.display(),
                content.languages().join(", "),
                content.library.len()
            );
            let r = &rules;
            println!(
                "alert rules: {} kinds of warning sign, seen at least {} h apart within {} h, alert the support contacts; cooldown {} h",
                r.min_kinds,
                r.min_span / 3600,
                r.window / 3600,
                r.cooldown / 3600
            );
            let lines = &content.crisis_lines;
            let codes: Vec<&str> = lines.all().map(|c| c.code.as_str()).collect();
            println!(
                "crisis lines: {} countries ({}), each with a number, an https link, the emergency number and a source; any other country gets CRISIS_LINE_* ({})",
                lines.len(),
                codes.join(" "),
                config::CrisisLine::from_env()?.name
            );
            println!(
                "words of crisis: {} patterns across {}",
                content.crisis_words.len(),
                content.languages().join(", ")
            );
            println!(
                "typed questions: {} patterns (\"how am I doing?\" → /progress, \"my chart\" → /history)",
                content.phrases.len()
            );
            if let Some(text) = words {
                let matched = content.crisis_words.explain(&text);
                if matched.is_empty() {
                    println!("no words of crisis match: the bot answers as usual");
                }
                for (concern, pattern) in matched {
                    println!("matches {}: \"{pattern}\"", concern.code());
                }
            }
            Ok(())
        }
    }
}
