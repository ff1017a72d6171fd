//! `run` tells the truth at start-up (issue 16): it asks Telegram first, stops at once on a
//! token Telegram refuses, says which host it cannot reach and why, prints "bot started" with
//! the bot's @username only once Telegram answered, and a missing prompts folder names its
//! absolute path and `PROMPTS_DIR`.

use crate::support::*;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The bot binary with a clean environment and a database in `dir`; stderr to a pipe.
fn bot(dir: &std::path::Path, token: &str, api_url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_recovery-bot"));
    c.arg("run")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", api_url)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("bot.db").display()),
        )
        .env("PROMPTS_DIR", shipped_prompts())
        // One admin address per machine: these processes run side by side.
        .env("ADMIN_ADDR", "off")
        .env("POLL_TIMEOUT_SECS", "1")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Reads the child's stderr until `needle` shows (or `within` passes); returns what was read.
fn read_until(child: &mut Child, needle: &str, within: Duration) -> String {
    let mut err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let mut out = String::new();
    while start.elapsed() < within && !out.contains(needle) {
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            out.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    out
}

#[tokio::test]
async fn a_token_telegram_refuses_stops_at_once_and_says_so() {
    let h = Harness::without_bot().await;
    let dir = tempfile::tempdir().unwrap();
    let secret = "999999:wrong-token-do-not-print";
    let started = Instant::now();
    let out = tokio::task::spawn_blocking({
        let mut c = bot(dir.path(), secret, &h.fake.api_url());
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20), "not retried");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Telegram says the token is not valid: check TELOXIDE_TOKEN"),
        "{stderr}"
    );
    assert!(!stderr.contains("bot started"), "{stderr}");
    assert!(
        !stderr.contains("wrong-token"),
        "the token is never printed: {stderr}"
    );
    assert_eq!(
        h.fake
            .read(|s| s.requests.iter().filter(|r| r.method != "getme").count()),
        0,
        "nothing but getMe was asked"
    );
}

#[tokio::test]
async fn an_unreachable_telegram_is_named_with_its_cause_and_bot_started_waits_for_an_answer() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = bot(
        dir.path(),
        fake_telegram::DEFAULT_TOKEN,
        &format!("http://127.0.0.1:{port}/"),
    )
    .spawn()
    .unwrap();
    let log = tokio::task::spawn_blocking(move || {
        let log = read_until(&mut child, "trying again", Duration::from_secs(15));
        let _ = child.kill();
        let _ = child.wait();
        log
    })
    .await
    .unwrap();
    assert!(log.contains("cannot reach Telegram yet"), "{log}");
    assert!(log.contains(&format!("host=127.0.0.1:{port}")), "{log}");
    assert!(log.to_lowercase().contains("connection refused"), "{log}");
    assert!(!log.contains("bot started"), "{log}");
    assert!(
        !dir.path().join("bot.db").exists(),
        "stopped while waiting for Telegram: no database file is left behind"
    );
}

#[tokio::test]
async fn bot_started_names_the_bot_once_telegram_answered() {
    let h = Harness::without_bot().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = bot(dir.path(), h.fake.token(), &h.fake.api_url())
        .spawn()
        .unwrap();
    let log = tokio::task::spawn_blocking(move || {
        let log = read_until(&mut child, "bot started", Duration::from_secs(20));
        let _ = child.kill();
        let _ = child.wait();
        log
    })
    .await
    .unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("bot started"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        line.contains(&format!("@{}", fake_telegram::BOT_USERNAME)),
        "{line}"
    );
}

#[test]
fn a_missing_prompts_folder_names_its_absolute_path_and_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = bot(dir.path(), "1:x", "http://127.0.0.1:9/")
        .env("PROMPTS_DIR", "prompts")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let absolute = dir.path().join("prompts");
    assert!(
        stderr.contains(&format!(
            "there is no prompts folder at {}",
            absolute.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("PROMPTS_DIR is \"prompts\""), "{stderr}");
    assert!(!dir.path().join("bot.db-wal").exists());
}
