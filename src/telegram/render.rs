//! Messages that wait in the outbox (prompts, reminders, SOS follow-ups, "are you OK?", alerts
//! to contacts, weekly summaries) are stored with what to render, not only the rendered text:
//! if the recipient switches language before the message goes out, the sender renders it again
//! in their language at send time. Pure: everything a message needs is in its `Render`.

use super::Ctx;
use crate::domain::callback::Callback;
use crate::domain::risk::{Found, Signal};
use crate::telegram::keyboard::{Button, Keyboard};
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

    fn found(seen: &[Seen]) -> Vec<Found> {
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
    /// The text and keyboard in `lang`.
    pub fn render(&self, ctx: &Ctx, lang: &str) -> (String, Keyboard) {
        match self {
            Render::Prompt {
                prompt_id,
                kind,
                questions,
            } => (
                ctx.t_with(
                    lang,
                    &format!("prompt-{kind}"),
                    &[("count", (*questions).into())],
                ),
                ctx.prompt_keyboard(lang, *prompt_id),
            ),
            Render::Reminder { prompt_id, kind } => (
                ctx.t_with(
                    lang,
                    "reminder",
                    &[("kind", ctx.t(lang, &format!("slot-{kind}")).into())],
                ),
                ctx.prompt_keyboard(lang, *prompt_id),
            ),
            Render::SosFollowUp {
                sos_id,
                round,
                minutes,
            } => (
                ctx.t_with(lang, "sos-followup", &[("minutes", (*minutes).into())]),
                ctx.sos_rating_keyboard(lang, *sos_id, *round),
            ),
            Render::OkCheck => {
                let button = |label: &str, fine| {
                    Button::callback(ctx.t(lang, label), Callback::Ok { fine }.encode())
                };
                (
                    ctx.t(lang, "ok-check"),
                    Keyboard::new([
                        vec![
                            button("button-ok-fine", true),
                            button("button-ok-not-great", false),
                        ],
                        ctx.crisis_row(lang),
                    ]),
                )
            }
            Render::Alert {
                kind,
                alert_id,
                link_id,
                name,
                country,
                signs,
                at,
            } => super::alerts::contact_alert(
                ctx,
                lang,
                kind,
                *alert_id,
                *link_id,
                name,
                country.as_deref(),
                &Seen::found(signs),
                *at,
            ),
            Render::Weekly {
                name,
                checkins,
                mood,
                sleep_hours,
                craving,
            } => {
                let none = || ctx.t(lang, "weekly-none");
                let avg =
                    |v: &Option<f64>, unit: &str| v.map_or_else(none, |v| format!("{v:.1}{unit}"));
                (
                    ctx.t_with(
                        lang,
                        "weekly-summary",
                        &[
                            ("name", name.clone().into()),
                            ("checkins", (*checkins).into()),
                            ("mood", avg(mood, "/10").into()),
                            ("sleep", avg(sleep_hours, " h").into()),
                            ("craving", avg(craving, "/10").into()),
                        ],
                    ),
                    ctx.contact_only(lang),
                )
            }
        }
    }

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
