//! End-to-end scenarios: the real bot, the real teloxide client and real SQLite files, talking
//! HTTP to the fake Telegram server in crates/fake-telegram. `tests/e2e_postgres` runs the
//! scenarios that touch the database again on PostgreSQL.

/// This suite's backend (`support::on_postgres`).
pub const POSTGRES: bool = false;

/// Tests of SQLite's file itself (a damaged or emptied file, links to it): they run here
/// only; `tests/e2e_postgres` defines this macro to leave them out.
macro_rules! sqlite_only {
    ($($item:item)*) => { $($item)* };
}

mod alert_patterns;
mod backup;
mod browser;
mod checkin;
mod contact_alerts;
mod contacts;
mod coping;
mod crisis_country;
mod crisis_screen;
mod crisis_words;
mod deploy;
mod durability;
mod export;
mod failures;
mod fake_server;
mod history;
mod language;
mod notes;
mod onboarding;
mod operations;
mod progress;
mod reliability;
mod review_fixes;
mod robustness;
mod sandbox;
mod schedule;
mod schedule_faults;
mod schedule_week;
mod sos;
mod startup;
mod support;
