//! Support contacts, one file per side of the pairing: `manage` (the patient's `/contact`:
//! what each contact receives, ending a link), `invite` (the patient invites someone),
//! `invitee` (the invitation deep link `t.me/<bot>?start=<token>`, accepted or declined by the
//! person invited), `contact_side` (`/stop` and `/patients` for contacts) and `weekly` (the
//! weekly summary, queued by the scheduler). Shared here: tokens, names, labels.
//!
//! Consent on both sides: the patient chooses what is shared before the link exists, and the
//! person invited sees exactly that before accepting. Messages to the other side go through the
//! outbox, tied to their link (`outbox.link_id`), so ending a link drops what was still queued.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::keyboards::button;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::ctx::To;
use crate::domain::callback::Callback;
use crate::domain::conversation::Awaiting;
use crate::domain::outbox_key::Key;
use crate::features::help;
use crate::store::contacts::{self, Link, MAX_FAILURES};
use crate::store::patients::{self, Patient};
use crate::store::Tx;
use anyhow::Result;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const NAME_MAX_CHARS: usize = 40;
/// Outbox priority of pairing news: a reply someone is waiting for.
const NEWS_PRIORITY: i64 = crate::ctx::REPLY_PRIORITY;

/// A new invitation token: 24 random bytes as hex (48 characters, inside Telegram's 64-character
/// `start` parameter and its alphabet).
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Only this is stored: the database alone gives no working link.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn looks_like_token(s: &str) -> bool {
    s.len() == 48
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A name as the patient typed it, tidied; `None` if it is not usable.
pub fn clean_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    let linky = name.contains('/') || name.contains('@') || name.to_lowercase().contains("t.me");
    ((1..=NAME_MAX_CHARS).contains(&chars) && !linky && !name.chars().any(char::is_control))
        .then_some(name)
}

/// The contact's first name on Telegram, as the patient will see it.
fn contact_label(first_name: Option<&str>, fallback: String) -> String {
    first_name
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(NAME_MAX_CHARS)
                .collect::<String>()
        })
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

mod contact_side;
mod invite;
mod invitee;
mod manage;
mod weekly;

pub use contact_side::*;
pub use invite::*;
pub use invitee::*;
pub use manage::*;
pub use weekly::*;
