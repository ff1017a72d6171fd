//! Start-up refuses bad content and bad settings with a message that says what to fix.

use crate::support::*;
use recovery_checkin_bot::app::{Parts, RunningBot};
use recovery_checkin_bot::clock::SystemClock;
use std::process::Command;
use std::sync::Arc;

fn copy_prompts(to: &std::path::Path) {
    for entry in walk(&shipped_prompts()) {
        let rel = entry.strip_prefix(shipped_prompts()).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, dest).unwrap();
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

async fn start_error(h: &Harness) -> String {
    match RunningBot::start(&h.config(), Arc::new(SystemClock), Parts::ALL).await {
        Ok(_) => panic!("the bot should refuse to start"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn a_corrupted_prompts_file_stops_the_bot_naming_file_and_line() {
    let mut h = Harness::without_bot().await;
    let prompts = h.dir.path().join("prompts");
    copy_prompts(&prompts);
    let file = prompts.join("en/bot.ftl");
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replace("button-agree = I agree", "button-agree = I agree {");
    let line = broken
        .lines()
        .position(|l| l.starts_with("button-agree"))
        .unwrap()
        + 1;
    std::fs::write(&file, broken).unwrap();
    h.prompts_dir = prompts.clone();
    let err = start_error(&h).await;
    assert!(err.contains(&format!("{}:{line}", file.display())), "{err}");
    assert!(err.contains("syntax error"), "{err}");
    // Nothing was sent to Telegram.
    assert_eq!(h.fake.read(|s| s.requests.len()), 0);
}

#[tokio::test]
async fn a_missing_message_or_unknown_variable_is_named() {
    let mut h = Harness::without_bot().await;
    let prompts = h.dir.path().join("prompts");
    copy_prompts(&prompts);
    let file = prompts.join("en/bot.ftl");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .lines()
        .filter(|l| !l.starts_with("tap-saved"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("button-help = Help", "button-help = Help { $name }");
    std::fs::write(&file, text).unwrap();
    h.prompts_dir = prompts;
    let err = start_error(&h).await;
    assert!(
        err.contains("message `tap-saved`") && err.contains("missing"),
        "{err}"
    );
    assert!(err.contains("message `button-help`: uses $name"), "{err}");
}

#[tokio::test]
async fn a_broken_suggestion_library_stops_the_bot_naming_file_line_and_key() {
    let mut h = Harness::without_bot().await;
    let prompts = h.dir.path().join("prompts");
    copy_prompts(&prompts);
    let file = prompts.join("suggestions.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // The first suggestion loses its Spanish text and gets a need nobody knows.
    let first_es = text
        .lines()
        .find(|l| l.starts_with("text.es = "))
        .unwrap()
        .to_string();
    let broken = text.replacen(&format!("{first_es}\n"), "", 1).replacen(
        "needs = [\"craving\"",
        "needs = [\"cravings\"",
        1,
    );
    let key_line = broken
        .lines()
        .position(|l| l.starts_with("key = "))
        .unwrap()
        + 1;
    std::fs::write(&file, &broken).unwrap();
    h.prompts_dir = prompts.clone();
    let err = start_error(&h).await;
    let at = format!("{}:{key_line}: suggestion `", file.display());
    assert!(err.contains(&at), "{err}");
    assert!(err.contains("has no text in `es`"), "{err}");
    assert!(err.contains("unknown need `cravings`"), "{err}");

    // A TOML syntax error names its line too.
    let syntax = text.replacen("key = \"", "key = \"unterminated\n", 1);
    std::fs::write(&file, syntax).unwrap();
    let err = start_error(&h).await;
    assert!(err.contains(&format!("{}:", file.display())), "{err}");
    assert!(err.contains("is not valid"), "{err}");
    assert_eq!(h.fake.read(|s| s.requests.len()), 0);
}

#[tokio::test]
async fn a_broken_alert_rules_file_stops_the_bot_naming_file_line_and_setting() {
    let mut h = Harness::without_bot().await;
    let prompts = h.dir.path().join("prompts");
    copy_prompts(&prompts);
    let file = prompts.join("alert-rules.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replace("cooldown_hours = 24", "cooldown_hours = 0");
    let line = broken
        .lines()
        .position(|l| l.starts_with("cooldown_hours"))
        .unwrap()
        + 1;
    std::fs::write(&file, &broken).unwrap();
    h.prompts_dir = prompts.clone();
    let err = start_error(&h).await;
    assert!(
        err.contains(&format!(
            "{}:{line}: setting `cooldown_hours`: is 0; it must be between 1 and 168",
            file.display()
        )),
        "{err}"
    );
    // A missing file is named too.
    std::fs::remove_file(&file).unwrap();
    let err = start_error(&h).await;
    assert!(err.contains("alert-rules.toml: cannot be read"), "{err}");
    assert_eq!(h.fake.read(|s| s.requests.len()), 0);
}

#[tokio::test]
async fn a_broken_crisis_table_or_crisis_words_stop_the_bot_naming_file_line_and_entry() {
    let mut h = Harness::without_bot().await;
    let prompts = h.dir.path().join("prompts");
    copy_prompts(&prompts);
    let file = prompts.join("crisis-lines.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // A guessed "number" for Spain.
    let broken = text.replacen("number = \"024\"", "number = \"ask a nurse\"", 1);
    assert_ne!(broken, text);
    let line = broken.lines().position(|l| l == "code = \"ES\"").unwrap();
    std::fs::write(&file, &broken).unwrap();
    h.prompts_dir = prompts.clone();
    let err = start_error(&h).await;
    assert!(
        err.contains(&format!(
            "{}:{line}: country `ES`: `number`",
            file.display()
        )),
        "{err}"
    );
    std::fs::write(&file, &text).unwrap();
    // A pattern a clinician mistyped in the Spanish words.
    let words = prompts.join("es/crisis-words.toml");
    let text = std::fs::read_to_string(&words).unwrap();
    let broken = text.replacen("    \"matarme\",\n", "    \"matarme ..\",\n", 1);
    assert_ne!(broken, text);
    let line = broken
        .lines()
        .position(|l| l.contains("\"matarme ..\""))
        .unwrap()
        + 1;
    std::fs::write(&words, &broken).unwrap();
    let err = start_error(&h).await;
    assert!(
        err.contains(&format!(
            "{}:{line}: pattern `suicide: matarme ..`",
            words.display()
        )),
        "{err}"
    );
    assert_eq!(h.fake.read(|s| s.requests.len()), 0);
}

#[test]
fn check_content_passes_on_the_shipped_prompts_and_fails_on_broken_ones() {
    let ok = Command::new(env!("CARGO_BIN_EXE_recovery-bot"))
        .arg("check-content")
        .env("PROMPTS_DIR", shipped_prompts())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("en"));

    let dir = tempfile::tempdir().unwrap();
    copy_prompts(dir.path());
    std::fs::write(dir.path().join("en/extra.ftl"), "help = duplicate\n").unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_recovery-bot"))
        .arg("check-content")
        .env("PROMPTS_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("extra.ftl:1: message `help`: defined twice"),
        "{stderr}"
    );
}

#[test]
fn run_without_a_token_says_which_variable_and_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_recovery-bot"))
        .arg("run")
        .current_dir(dir.path())
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TELOXIDE_TOKEN is not set"), "{stderr}");
    assert!(stderr.contains("@BotFather"), "{stderr}");
    // No database is created for a run that cannot start.
    assert!(!dir.path().join("recovery-bot.db").exists());
}

#[tokio::test]
async fn the_database_is_created_and_migrated_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_recovery-bot"))
        .arg("migrate")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = dir.path().join("recovery-bot.db");
    assert!(db.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
