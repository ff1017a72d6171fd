//! Pure domain logic: no teloxide, no sqlx, no clock. Functions take `now` and data and return
//! decisions, so everything here is tested without a network or a database.

pub mod callback;
pub mod checkin;
pub mod conversation;
pub mod coping;
pub mod country;
pub mod crisis;
pub mod export;
pub mod history;
pub mod outbox_key;
pub mod progress;
pub mod risk;
pub mod schedule;
pub mod screen;
pub mod timezone;
