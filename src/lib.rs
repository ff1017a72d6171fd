//! Recovery check-in bot: daily check-ins for people in early recovery from cocaine use.
//!
//! Layers: `domain` (pure logic), `store` (SQLite), `telegram` (teloxide wiring and features),
//! `content` (texts from prompts/), `app` (start/stop). The fake Bot API server used by the
//! tests and benchmarks is its own crate, `crates/fake-telegram`.

pub mod app;
pub mod bot;
pub mod clock;
pub mod config;
pub mod content;
pub mod crisis_lines;
pub mod crisis_words;
pub mod ctx;
pub mod domain;
pub mod features;
pub mod jobs;
pub mod logging;
pub mod rules;
pub mod store;
pub mod suggestions;

#[cfg(test)]
mod layering;
