//! Work the bot does on its own: the scheduler (prompts and reminders, "are you OK?",
//! escalations, weekly summaries) and the outbox sender.

pub mod render;
pub mod scheduler;
pub mod sender;
