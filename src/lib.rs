//! Recovery check-in bot: daily check-ins for people in early recovery from cocaine use.
//!
//! Layers, each using only those before it (checked by `layering`):
//! `domain` (pure logic) ← `store` (SQLite) ← `content` (everything read from `prompts/`:
//! texts, coping suggestions, crisis lines, words of crisis) ← `config` (environment settings
//! and the alert rules) ← `ctx` (what a handler is handed) ← `features` (what a person can do)
//! ← `jobs` (scheduler, sender) ← `bot` (Telegram transport) ← `app` (start/stop) ← `sandbox`
//! (the bot against the in-repo fake Bot API, with a web page). The fake server, used by the
//! tests, the benchmarks and the sandbox, is its own crate, `crates/fake-telegram`.

pub mod app;
pub mod bot;
pub mod clock;
pub mod config;
pub mod content;
pub mod ctx;
pub mod domain;
pub mod features;
pub mod jobs;
pub mod logging;
pub mod ops;
pub mod sandbox;
pub mod store;

#[cfg(test)]
mod layering;
