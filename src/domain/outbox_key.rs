//! The outbox's keys: what makes a queued message once only ("the summary of check-in 12"),
//! spelled here and nowhere else. The strings are stored (`outbox.key`, unique), so their
//! spelling is fixed: a test below pins every one. Rows are found by the columns a key fills
//! (`link_id`, `sos_id`, `ok_check_id`), never by matching the key's text.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A scheduled check-in prompt.
    Prompt(i64),
    /// The `n`th reminder of a prompt.
    Reminder { prompt: i64, n: i64 },
    /// A check-in's summary.
    Summary(i64),
    /// A check-in's coping suggestion.
    Coping(i64),
    /// A check-in's harm-reduction note after a reported use.
    Harm(i64),
    /// The crisis screen opened by the bottom of the mood scale in a check-in.
    ScreenAfterMood(i64),
    /// The crisis screen opened by an urge at the top of the scale during `/sos`.
    ScreenInSos { sos: i64, round: u8 },
    /// "Are you OK?" after missed check-ins.
    OkCheck(i64),
    /// The idea shown when a `/sos` starts.
    SosStep(i64),
    /// "How strong is the urge?" when a `/sos` starts.
    SosAsk(i64),
    /// A `/sos` follow-up.
    SosFollowUp { sos: i64, round: u8 },
    /// An alert to one support contact.
    LinkAlert { link: i64, alert: i64 },
    /// What the patient is told about an alert.
    AlertNotice(i64),
    /// "✓ Sam has my message now."
    AlertDelivered(i64),
    /// "My message to Sam didn't get through": sending the alert to a contact failed for good.
    AlertUndelivered(i64),
    /// "Sam says they reached out."
    AlertAck { alert: i64, link: i64 },
    /// No contact could be told of the alert with this origin (`None`: a use without one).
    NobodyReached(Option<String>),
    /// One contact could not be told (the `row`th such notice for the link).
    LinkUnreachable { link: i64, row: i64 },
    /// The patient changed what a contact receives (`setting` names it), by update `update`.
    LinkSetting {
        link: i64,
        setting: &'static str,
        update: i64,
    },
    /// The link ended: the other side is told.
    LinkEnded(i64),
    /// The contact accepted: the patient is told.
    LinkAccepted(i64),
    /// The invitee declined: the patient is told.
    InviteDeclined(i64),
    /// A weekly summary to a contact, by week since the link began.
    WeeklySummary { link: i64, week: i64 },
    /// A milestone of use-free days, once per patient and milestone.
    Milestone { patient: i64, days: i64 },
    /// The patient's weekly reflection, once per due moment.
    Reflection { patient: i64, due: i64 },
}

impl Key {
    /// The support link this message is about, for the `outbox.link_id` column.
    pub fn link_id(&self) -> Option<i64> {
        match self {
            Key::LinkAlert { link, .. }
            | Key::AlertAck { link, .. }
            | Key::LinkUnreachable { link, .. }
            | Key::LinkSetting { link, .. }
            | Key::LinkEnded(link)
            | Key::LinkAccepted(link)
            | Key::WeeklySummary { link, .. } => Some(*link),
            _ => None,
        }
    }

    /// The `/sos` session this is a step or follow-up of, for `outbox.sos_id` (a new `/sos`
    /// drops the old session's). The crisis screen inside a `/sos` is not one.
    pub fn sos_id(&self) -> Option<i64> {
        match self {
            Key::SosStep(s) | Key::SosAsk(s) | Key::SosFollowUp { sos: s, .. } => Some(*s),
            _ => None,
        }
    }

    /// The "are you OK?" check this asks, for `outbox.ok_check_id`.
    pub fn ok_check_id(&self) -> Option<i64> {
        match self {
            Key::OkCheck(id) => Some(*id),
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Prompt(p) => write!(f, "prompt:{p}"),
            Key::Reminder { prompt, n } => write!(f, "reminder:{prompt}:{n}"),
            Key::Summary(c) => write!(f, "summary:{c}"),
            Key::Coping(c) => write!(f, "coping:{c}"),
            Key::Harm(c) => write!(f, "harm:{c}"),
            Key::ScreenAfterMood(c) => write!(f, "screen:mood:{c}"),
            Key::ScreenInSos { sos, round } => write!(f, "screen:sos:{sos}:{round}"),
            Key::OkCheck(id) => write!(f, "ok:{id}"),
            Key::SosStep(s) => write!(f, "sos:{s}:step"),
            Key::SosAsk(s) => write!(f, "sos:{s}:ask"),
            Key::SosFollowUp { sos, round } => write!(f, "sos:{sos}:{round}"),
            Key::LinkAlert { link, alert } => write!(f, "link:{link}:alert:{alert}"),
            Key::AlertNotice(a) => write!(f, "alert:{a}:patient"),
            Key::AlertDelivered(a) => write!(f, "alert:{a}:delivered"),
            Key::AlertUndelivered(a) => write!(f, "alert:{a}:undelivered"),
            Key::AlertAck { alert, link } => write!(f, "alert:{alert}:ack:{link}"),
            Key::NobodyReached(origin) => {
                write!(f, "{}:unreachable", origin.as_deref().unwrap_or("use"))
            }
            Key::LinkUnreachable { link, row } => write!(f, "unreachable:{link}:{row}"),
            Key::LinkSetting {
                link,
                setting,
                update,
            } => write!(f, "link:{link}:{setting}:{update}"),
            Key::LinkEnded(l) => write!(f, "ended:{l}"),
            Key::LinkAccepted(l) => write!(f, "link:{l}:accepted"),
            Key::InviteDeclined(i) => write!(f, "invite:{i}:declined"),
            Key::WeeklySummary { link, week } => write!(f, "link:{link}:weekly-summary:{week}"),
            Key::Milestone { patient, days } => write!(f, "milestone:{patient}:{days}"),
            Key::Reflection { patient, due } => write!(f, "reflection:{patient}:{due}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    /// The stored spellings: changing one would send again what was sent before an upgrade.
    #[test]
    fn every_key_keeps_its_stored_spelling_and_columns() {
        // The key, its text, and its link, sos and ok-check columns.
        type Case = (Key, &'static str, Option<i64>, Option<i64>, Option<i64>);
        let cases: Vec<Case> = vec![
            (Key::Prompt(7), "prompt:7", None, None, None),
            (
                Key::Reminder { prompt: 7, n: 2 },
                "reminder:7:2",
                None,
                None,
                None,
            ),
            (Key::Summary(3), "summary:3", None, None, None),
            (Key::Coping(3), "coping:3", None, None, None),
            (
                Key::Milestone {
                    patient: 4,
                    days: 7,
                },
                "milestone:4:7",
                None,
                None,
                None,
            ),
            (
                Key::Reflection {
                    patient: 4,
                    due: 1_800_000_000,
                },
                "reflection:4:1800000000",
                None,
                None,
                None,
            ),
            (Key::Harm(3), "harm:3", None, None, None),
            (Key::ScreenAfterMood(3), "screen:mood:3", None, None, None),
            (
                Key::ScreenInSos { sos: 4, round: 1 },
                "screen:sos:4:1",
                None,
                None,
                None,
            ),
            (Key::OkCheck(5), "ok:5", None, None, Some(5)),
            (Key::SosStep(4), "sos:4:step", None, Some(4), None),
            (Key::SosAsk(4), "sos:4:ask", None, Some(4), None),
            (
                Key::SosFollowUp { sos: 4, round: 2 },
                "sos:4:2",
                None,
                Some(4),
                None,
            ),
            (
                Key::LinkAlert { link: 9, alert: 11 },
                "link:9:alert:11",
                Some(9),
                None,
                None,
            ),
            (Key::AlertNotice(11), "alert:11:patient", None, None, None),
            (
                Key::AlertDelivered(11),
                "alert:11:delivered",
                None,
                None,
                None,
            ),
            (
                Key::AlertUndelivered(11),
                "alert:11:undelivered",
                None,
                None,
                None,
            ),
            (
                Key::AlertAck { alert: 11, link: 9 },
                "alert:11:ack:9",
                Some(9),
                None,
                None,
            ),
            (
                Key::NobodyReached(Some("use:1700000000".into())),
                "use:1700000000:unreachable",
                None,
                None,
                None,
            ),
            (
                Key::NobodyReached(None),
                "use:unreachable",
                None,
                None,
                None,
            ),
            (
                Key::LinkUnreachable { link: 9, row: 3 },
                "unreachable:9:3",
                Some(9),
                None,
                None,
            ),
            (
                Key::LinkSetting {
                    link: 9,
                    setting: "weekly",
                    update: 77,
                },
                "link:9:weekly:77",
                Some(9),
                None,
                None,
            ),
            (Key::LinkEnded(9), "ended:9", Some(9), None, None),
            (Key::LinkAccepted(9), "link:9:accepted", Some(9), None, None),
            (
                Key::InviteDeclined(2),
                "invite:2:declined",
                None,
                None,
                None,
            ),
            (
                Key::WeeklySummary { link: 9, week: 4 },
                "link:9:weekly-summary:4",
                Some(9),
                None,
                None,
            ),
        ];
        for (key, text, link, sos, ok) in cases {
            assert_eq!(key.to_string(), text);
            assert_eq!(key.link_id(), link, "{text}");
            assert_eq!(key.sos_id(), sos, "{text}");
            assert_eq!(key.ok_check_id(), ok, "{text}");
        }
    }
}
