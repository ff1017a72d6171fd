//! The end-to-end scenarios that touch the database, run again with `DATABASE_URL=postgres://`:
//! the same test files as `tests/e2e` (included by path), each test on a fresh database of a
//! throwaway PostgreSQL cluster (`crates/throwaway-postgres`; it needs Debian's `postgresql`
//! package, which `.ci/run` installs, and fails with a clear message without it).
//!
//! Left out, as they test no database: the browser, the sandbox (an in-process SQLite by
//! design), the crisis-word corpus, the systemd units, the fake server itself and the start-up
//! checks made before the database is opened. Left out as SQLite's own: `backup` (it copies
//! the SQLite file; PostgreSQL has pg_dump) and the tests wrapped in `sqlite_only!` (a damaged
//! or emptied file, links to the file).

/// This suite's backend (`support::on_postgres`).
pub const POSTGRES: bool = true;

macro_rules! sqlite_only {
    ($($item:item)*) => {};
}

#[path = "../e2e/alert_patterns.rs"]
mod alert_patterns;
#[path = "../e2e/checkin.rs"]
mod checkin;
#[path = "../e2e/contact_alerts.rs"]
mod contact_alerts;
#[path = "../e2e/contacts.rs"]
mod contacts;
#[path = "../e2e/coping.rs"]
mod coping;
#[path = "../e2e/crisis_country.rs"]
mod crisis_country;
#[path = "../e2e/crisis_screen.rs"]
mod crisis_screen;
#[path = "../e2e/durability.rs"]
mod durability;
#[path = "../e2e/export.rs"]
mod export;
#[path = "../e2e/failures.rs"]
mod failures;
#[path = "../e2e/history.rs"]
mod history;
#[path = "../e2e/language.rs"]
mod language;
#[path = "../e2e/notes.rs"]
mod notes;
#[path = "../e2e/onboarding.rs"]
mod onboarding;
#[path = "../e2e/operations.rs"]
mod operations;
#[path = "../e2e/progress.rs"]
mod progress;
#[path = "../e2e/reliability.rs"]
mod reliability;
#[path = "../e2e/review_fixes.rs"]
mod review_fixes;
#[path = "../e2e/schedule.rs"]
mod schedule;
#[path = "../e2e/schedule_faults.rs"]
mod schedule_faults;
#[path = "../e2e/schedule_week.rs"]
mod schedule_week;
#[path = "../e2e/sos.rs"]
mod sos;
#[path = "../e2e/support.rs"]
mod support;
