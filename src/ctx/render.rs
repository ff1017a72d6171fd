//! Messages that wait in the outbox (prompts, reminders, SOS follow-ups, "are you OK?", alerts
//! to contacts, weekly summaries) are stored with what to render, not only the rendered text:
//! if the recipient switches language before the message goes out, the sender renders it again
//! in their language at send time. This is the recipe, pure data; `jobs::render` words it,
//! through each feature's view.

use crate::domain::risk::{Found, Signal};
use serde::{Deserialize, Serialize};

/// A sign as an alert names it: how often, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub signal: String,
    pub count: usize,
    pub first: i64,
    pub at: i64,
}

impl Seen {
    pub fn of(found: &[Found]) -> Vec<Seen> {
        found
            .iter()
            .map(|f| Seen {
                signal: f.signal.code().to_string(),
                count: f.count,
                first: f.first,
                at: f.at,
            })
            .collect()
    }

    pub fn found(seen: &[Seen]) -> Vec<Found> {
        seen.iter()
            .filter_map(|s| {
                Some(Found {
                    signal: Signal::parse(&s.signal)?,
                    at: s.at,
                    first: s.first,
                    count: s.count,
                    moments: Vec::new(),
                })
            })
            .collect()
    }
}

/// What a queued message is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "message", rename_all = "kebab-case")]
pub enum Render {
    Prompt {
        prompt_id: i64,
        kind: String,
        questions: usize,
    },
    Reminder {
        prompt_id: i64,
        kind: String,
    },
    SosFollowUp {
        sos_id: i64,
        round: u8,
        minutes: i64,
    },
    OkCheck,
    /// An alert to one contact: `kind` is the alert's (`alert`, `escalation`, `crisis`, `use`,
    /// `request`), `at` when it was made.
    Alert {
        kind: String,
        alert_id: i64,
        link_id: i64,
        name: String,
        country: Option<String>,
        signs: Vec<Seen>,
        at: i64,
    },
    Weekly {
        name: String,
        checkins: i64,
        mood: Option<f64>,
        sleep_hours: Option<f64>,
        craving: Option<f64>,
    },
}

impl Render {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a render serializes")
    }

    pub fn from_json(s: &str) -> Option<Render> {
        serde_json::from_str(s).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_round_trip_through_json() {
        let all = [
            Render::Prompt {
                prompt_id: 1,
                kind: "morning".into(),
                questions: 3,
            },
            Render::Reminder {
                prompt_id: 2,
                kind: "evening".into(),
            },
            Render::SosFollowUp {
                sos_id: 3,
                round: 1,
                minutes: 15,
            },
            Render::OkCheck,
            Render::Alert {
                kind: "alert".into(),
                alert_id: 4,
                link_id: 5,
                name: "Sam".into(),
                country: Some("ES".into()),
                signs: vec![Seen {
                    signal: "mood-low".into(),
                    count: 2,
                    first: 10,
                    at: 20,
                }],
                at: 30,
            },
            Render::Weekly {
                name: "Sam".into(),
                checkins: 9,
                mood: Some(5.5),
                sleep_hours: None,
                craving: Some(2.0),
            },
        ];
        for r in all {
            assert_eq!(Render::from_json(&r.to_json()), Some(r));
        }
        assert_eq!(Render::from_json("{\"message\":\"nope\"}"), None);
    }
}
