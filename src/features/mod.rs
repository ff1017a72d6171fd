//! One module per thing a patient or a support contact can do. Each takes an update from the
//! router (`handlers`), decides and writes in one unit of work (`flow`, callable from jobs and
//! the sender too), and words its answer (`view`). A small feature is one file; a larger one
//! is a folder with those parts. Features never import teloxide: they speak through `Ctx`
//! (`say`, `edit`, `ack`, `queue`) and build `ctx::keyboard::Keyboard`s.

pub mod account;
pub mod alerts;
pub mod checkin;
pub mod contacts;
pub mod coping;
pub mod country;
pub mod export;
pub mod help;
pub mod history;
pub mod language;
pub mod notes;
pub mod ok_check;
pub mod onboarding;
pub mod progress;
pub mod reflection;
pub mod safety_plan;
pub mod schedule;
pub mod screen;
pub mod sos;
