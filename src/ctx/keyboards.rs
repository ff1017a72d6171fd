//! Inline keyboards. Every keyboard a person can be in distress on carries the crisis button.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::Ctx;
use crate::domain::callback::{Callback, SuggestionAction};
use crate::domain::checkin::{SleepDuration, Step};
use crate::domain::timezone::{PatientZone, COMMON_ZONES};

/// A button that sends `cb` when tapped.
pub fn button(label: String, cb: Callback) -> Button {
    Button::callback(label, cb.encode())
}

impl Ctx {
    pub fn crisis_button(&self, lang: &str) -> Button {
        button(self.t(lang, "button-crisis"), Callback::Crisis)
    }

    /// "I'm not safe": the crisis screen (for someone not enrolled, the crisis line).
    pub fn not_safe_button(&self, lang: &str) -> Button {
        button(self.t(lang, "button-not-safe"), Callback::NotSafe)
    }

    /// The crisis line and "I'm not safe", side by side: on every keyboard.
    pub fn crisis_row(&self, lang: &str) -> Vec<Button> {
        vec![self.crisis_button(lang), self.not_safe_button(lang)]
    }

    /// A keyboard holding only the crisis row.
    pub fn crisis_only(&self, lang: &str) -> Keyboard {
        Keyboard::new([self.crisis_row(lang)])
    }

    /// For messages only a support contact receives: crisis help (the lines and the emergency
    /// number) one tap away, without the patient's "I'm not safe" screen.
    pub fn contact_only(&self, lang: &str) -> Keyboard {
        Keyboard::new([[self.crisis_button(lang)]])
    }

    /// The one-tap link to the crisis line's page, for the person's country.
    pub fn crisis_link(&self, lang: &str, country: Option<&str>) -> Keyboard {
        let line = self.line(country);
        let label = self.t_with(
            lang,
            "button-crisis-link",
            &[("crisis_line", line.name.clone().into())],
        );
        match reqwest::Url::parse(&line.url) {
            Ok(url) => Keyboard::new([[Button::url(label, url)]]),
            // Config validation makes this unreachable; never fail the crisis path over it.
            Err(_) => Keyboard::new(Vec::<Vec<Button>>::new()),
        }
    }

    /// The SOS button: a craving right now.
    pub fn sos_button(&self, lang: &str) -> Button {
        button(self.t(lang, "button-sos"), Callback::Sos)
    }

    /// SOS, then the crisis row: the last rows of every check-in and suggestion.
    pub fn sos_crisis_rows(&self, lang: &str) -> Vec<Vec<Button>> {
        vec![vec![self.sos_button(lang)], self.crisis_row(lang)]
    }

    /// Agree / not now, in the language the introduction is shown in; the other languages;
    /// crisis.
    pub fn consent_keyboard(&self, lang: &str) -> Keyboard {
        let consent = |agree| Callback::Consent {
            agree,
            lang: Some(lang.to_string()),
        };
        let mut rows = vec![vec![
            button(self.t(lang, "button-agree"), consent(true)),
            button(self.t(lang, "button-not-now"), consent(false)),
        ]];
        let others: Vec<Button> = self
            .content
            .languages()
            .into_iter()
            .filter(|l| *l != lang)
            .map(|l| {
                button(
                    self.t(l, "language-name"),
                    Callback::Language(l.to_string()),
                )
            })
            .collect();
        if !others.is_empty() {
            rows.push(others);
        }
        rows.push(self.crisis_row(lang));
        Keyboard::new(rows)
    }

    /// Every language the bot speaks, each named in itself; the current one ticked.
    pub fn language_keyboard(&self, lang: &str) -> Keyboard {
        let buttons: Vec<Button> = self
            .content
            .languages()
            .into_iter()
            .map(|l| {
                let name = self.t(l, "language-name");
                let label = if l == lang {
                    format!("✓ {name}")
                } else {
                    name
                };
                button(label, Callback::Language(l.to_string()))
            })
            .collect();
        let mut rows: Vec<Vec<Button>> = buttons.chunks(2).map(<[_]>::to_vec).collect();
        rows.push(self.crisis_row(lang));
        Keyboard::new(rows)
    }

    /// Under a coping suggestion: another idea, helpful / not for me (until rated), SOS, crisis.
    pub fn suggestion_keyboard(&self, lang: &str, shown_id: i64, with_feedback: bool) -> Keyboard {
        let action = |action| Callback::Suggestion { shown_id, action };
        let mut rows = vec![vec![button(
            self.t(lang, "button-more-ideas"),
            action(SuggestionAction::More),
        )]];
        if with_feedback {
            rows.push(vec![
                button(
                    self.t(lang, "button-helpful"),
                    action(SuggestionAction::Helpful),
                ),
                button(
                    self.t(lang, "button-not-for-me"),
                    action(SuggestionAction::NotForMe),
                ),
            ]);
        }
        rows.extend(self.sos_crisis_rows(lang));
        Keyboard::new(rows)
    }

    /// "How strong is the urge?" 0–10 for one round of an SOS, and the crisis button.
    pub fn sos_rating_keyboard(&self, lang: &str, sos_id: i64, round: u8) -> Keyboard {
        let rate = |urge: u8| {
            button(
                urge.to_string(),
                Callback::SosRate {
                    sos_id,
                    round,
                    urge,
                },
            )
        };
        Keyboard::new([
            (0..=5).map(rate).collect::<Vec<_>>(),
            (6..=10).map(rate).collect(),
            self.crisis_row(lang),
        ])
    }

    /// Check in / help / crisis: what an enrolled patient can do next.
    pub fn home_keyboard(&self, lang: &str) -> Keyboard {
        Keyboard::new([
            vec![
                button(self.t(lang, "button-checkin-now"), Callback::StartCheckin),
                button(self.t(lang, "button-help"), Callback::Help),
            ],
            self.crisis_row(lang),
        ])
    }

    /// After onboarding: check in now, change the times, help, crisis.
    pub fn welcome_keyboard(&self, lang: &str) -> Keyboard {
        Keyboard::new([
            vec![
                button(self.t(lang, "button-checkin-now"), Callback::StartCheckin),
                button(
                    self.t(lang, "button-change-times"),
                    Callback::Schedule(crate::domain::callback::ScheduleAction::List),
                ),
            ],
            vec![button(self.t(lang, "button-help"), Callback::Help)],
            self.crisis_row(lang),
        ])
    }

    /// The common zones, each labelled with its local time now, two per row.
    pub fn zone_keyboard(&self, lang: &str) -> Keyboard {
        let now = self.clock.now();
        let buttons: Vec<Button> = COMMON_ZONES
            .iter()
            .enumerate()
            .map(|(i, tz)| {
                let zone = PatientZone::Iana(*tz);
                let label = self.t_with(
                    lang,
                    "timezone-button",
                    &[
                        ("city", zone.label().into()),
                        ("time", zone.local_hhmm(now).into()),
                    ],
                );
                button(label, Callback::Zone(i))
            })
            .collect();
        let mut rows: Vec<Vec<Button>> = buttons.chunks(2).map(<[_]>::to_vec).collect();
        rows.push(self.crisis_row(lang));
        Keyboard::new(rows)
    }

    /// Under a scheduled prompt or its reminder: start, remind me later, crisis.
    pub fn prompt_keyboard(&self, lang: &str, prompt_id: i64) -> Keyboard {
        Keyboard::new([
            vec![
                button(
                    self.t(lang, "button-prompt-start"),
                    Callback::Prompt {
                        prompt_id,
                        later: false,
                    },
                ),
                button(
                    self.t(lang, "button-prompt-later"),
                    Callback::Prompt {
                        prompt_id,
                        later: true,
                    },
                ),
            ],
            self.crisis_row(lang),
        ])
    }

    /// The answer buttons for one step of a check-in.
    pub fn step_keyboard(&self, lang: &str, checkin_id: i64, step: Step) -> Keyboard {
        let answer = |label: String, value: String| {
            button(
                label,
                Callback::Answer {
                    checkin_id,
                    step,
                    value,
                },
            )
        };
        let numbers = |range: std::ops::RangeInclusive<u16>| -> Vec<Button> {
            range
                .map(|n| answer(n.to_string(), n.to_string()))
                .collect()
        };
        let mut rows: Vec<Vec<Button>> = match step {
            Step::Mood | Step::SleepQuality | Step::Craving => {
                vec![numbers(0..=5), numbers(6..=10)]
            }
            Step::SleepHours => {
                let most = SleepDuration::BUTTON_MAX_HOURS;
                let mut last = numbers(10..=most - 1);
                last.push(answer(
                    self.t_with(lang, "button-sleep-most", &[("hours", most.into())]),
                    most.to_string(),
                ));
                vec![numbers(0..=4), numbers(5..=9), last]
            }
            Step::Used => vec![
                vec![
                    answer(self.t(lang, "button-used-yes"), "yes".into()),
                    answer(self.t(lang, "button-used-no"), "no".into()),
                ],
                vec![answer(self.t(lang, "button-used-skip"), "skip".into())],
            ],
            Step::Note => vec![vec![answer(
                self.t(lang, "button-note-skip"),
                "skip".into(),
            )]],
        };
        rows.extend(self.sos_crisis_rows(lang));
        Keyboard::new(rows)
    }
}
