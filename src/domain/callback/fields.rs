//! The fields inside a payload, each parsed strictly: ids, small numbers, minutes, language
//! codes, yes/no words, schedule actions.

use super::ScheduleAction;
use crate::domain::schedule::SlotKind;

pub(super) fn parse_schedule(rest: &str) -> Option<ScheduleAction> {
    if rest == "list" {
        return Some(ScheduleAction::List);
    }
    if let Some(kind) = rest.strip_prefix("add:") {
        return SlotKind::parse(kind).map(ScheduleAction::Add);
    }
    let mut parts = rest.split(':');
    let id = id_number(parts.next()?)?;
    let action = match (parts.next(), parts.next()) {
        (None, _) => ScheduleAction::Open(id),
        (Some("rm"), None) => ScheduleAction::Remove(id),
        (Some("t"), Some(m)) => ScheduleAction::SetTime(id, minute(m)?),
        (Some("w"), Some(m)) => ScheduleAction::SetWindow(id, minute(m)?),
        // Days as bits (0 is read: the editor answers "choose at least one day").
        (Some("d"), Some(bits)) => ScheduleAction::Days(
            id,
            small_number(bits).filter(|b| *b < 128).map(|b| b as u8)?,
        ),
        (Some("we"), Some("off")) => ScheduleAction::Weekend(id, None),
        (Some("we"), Some(m)) => ScheduleAction::Weekend(id, Some(minute(m)?)),
        _ => return None,
    };
    parts.next().is_none().then_some(action)
}

/// Minutes after midnight, 0–1439.
pub(super) fn minute(s: &str) -> Option<u16> {
    small_number(s)
        .or_else(|| {
            (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        })
        .filter(|m| *m < 1440)
        .map(|m| m as u16)
}

/// A language code as the prompts folders are named: 2–3 lowercase ASCII letters. Whether the
/// bot speaks it is the handler's check.
pub(super) fn language_code(s: &str) -> Option<String> {
    ((2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())).then(|| s.to_string())
}

pub(super) fn yes_no(s: &str, yes: &str, no: &str) -> Option<bool> {
    if s == yes {
        Some(true)
    } else if s == no {
        Some(false)
    } else {
        None
    }
}

/// A database id: 1–19 ASCII digits that fit an i64.
pub(super) fn id_number(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub(super) fn small_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
