//! What the bot waits for from a patient between two updates: typed text that is a part of
//! their safety plan, a contact's name, a check-in time, or a tap that finishes an invitation.
//! Stored in `patients.awaiting` as JSON (migration 0013 converted the older
//! `invite-share:<name>`-style strings), read back into one enum, never matched by prefix.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Awaiting {
    /// Typed text is this part of the safety plan.
    Plan { part: PlanPart },
    /// Typed text is the name the patient gives a person they invite.
    InviteName,
    /// The name is chosen; a tap says what the person will receive.
    InviteShare { name: String },
    /// A tap says whether a reported use alone tells them (`weekly`: they also get the
    /// weekly summary).
    InviteUse { name: String, weekly: bool },
    /// Typed text is a new time for this check-in slot.
    SlotTime { slot: i64 },
}

impl Awaiting {
    /// The stored form.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("plain data always serializes")
    }

    /// The stored form read back; `None` for anything unreadable (the conversation then
    /// simply starts afresh).
    pub fn decode(stored: &str) -> Option<Awaiting> {
        serde_json::from_str(stored).ok()
    }

    /// Typed text is part of making an invitation (a new name restarts the choices).
    pub fn is_invitation(&self) -> bool {
        matches!(
            self,
            Awaiting::InviteName | Awaiting::InviteShare { .. } | Awaiting::InviteUse { .. }
        )
    }
}

/// The parts of a safety plan, in the order they are asked (stored by `code`, which is also
/// its spelling inside a stored [`Awaiting`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanPart {
    WarningSigns,
    Coping,
    People,
    /// Professionals or services to contact (the crisis line is always shown with them).
    Professionals,
    SafePlace,
    /// Reasons for living.
    Reasons,
}

impl PlanPart {
    /// In the order Stanley & Brown's plan asks them, with reasons for living last.
    pub const ALL: [PlanPart; 6] = [
        PlanPart::WarningSigns,
        PlanPart::Coping,
        PlanPart::People,
        PlanPart::Professionals,
        PlanPart::SafePlace,
        PlanPart::Reasons,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PlanPart::WarningSigns => "warning_signs",
            PlanPart::Coping => "coping",
            PlanPart::People => "people",
            PlanPart::Professionals => "professionals",
            PlanPart::SafePlace => "safe_place",
            PlanPart::Reasons => "reasons",
        }
    }

    pub fn parse(s: &str) -> Option<PlanPart> {
        PlanPart::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn next(self) -> Option<PlanPart> {
        let i = PlanPart::ALL.iter().position(|p| *p == self)?;
        PlanPart::ALL.get(i + 1).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips_through_its_stored_form() {
        let states = [
            Awaiting::Plan {
                part: PlanPart::SafePlace,
            },
            Awaiting::InviteName,
            Awaiting::InviteShare {
                name: "Ana: \"mi hermana\"".into(),
            },
            Awaiting::InviteUse {
                name: "Sam".into(),
                weekly: true,
            },
            Awaiting::SlotTime { slot: 42 },
        ];
        for s in states {
            assert_eq!(Awaiting::decode(&s.encode()), Some(s.clone()), "{s:?}");
        }
    }

    /// The stored spellings (migration 0013 writes them from SQL): changing one would lose a
    /// conversation in progress at an upgrade.
    #[test]
    fn stored_spellings_are_fixed() {
        assert_eq!(
            Awaiting::Plan {
                part: PlanPart::WarningSigns
            }
            .encode(),
            r#"{"kind":"plan","part":"warning_signs"}"#
        );
        assert_eq!(Awaiting::InviteName.encode(), r#"{"kind":"invite_name"}"#);
        assert_eq!(
            Awaiting::InviteUse {
                name: "Sam".into(),
                weekly: false
            }
            .encode(),
            r#"{"kind":"invite_use","name":"Sam","weekly":false}"#
        );
        assert_eq!(
            Awaiting::SlotTime { slot: 3 }.encode(),
            r#"{"kind":"slot_time","slot":3}"#
        );
        for p in PlanPart::ALL {
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.code())
            );
        }
    }

    #[test]
    fn unreadable_states_are_dropped_not_guessed() {
        for s in [
            "",
            "invite-name",
            "slot-time:4",
            "{\"kind\":\"slot_time\"}",
            "{\"kind\":\"x\"}",
        ] {
            assert_eq!(Awaiting::decode(s), None, "{s}");
        }
    }

    #[test]
    fn plan_parts_follow_each_other_and_parse_from_their_codes() {
        assert_eq!(PlanPart::ALL[0].next(), Some(PlanPart::Coping));
        assert_eq!(PlanPart::Reasons.next(), None);
        for p in PlanPart::ALL {
            assert_eq!(PlanPart::parse(p.code()), Some(p));
        }
    }
}
