//! Scripted conversations for the sandbox: who says or taps what, and when the clock moves.
//! Replayed against the real bot, they print a transcript: for reviewing the texts of a flow
//! in a language without a phone.
//!
//! ```text
//! # a comment
//! person Ana es          # a person, with their Telegram's language
//! Ana: /start            # Ana types this
//! Ana taps Acepto        # Ana taps the newest button with this label
//! clock +15m             # the clock moves on: +15m, +2h, +1d, or `next` (the next check-in)
//! Sam opens the invitation from Ana   # Sam opens the newest t.me link in Ana's chat
//! ```

use super::Sandbox;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Person {
        name: String,
        language: String,
    },
    Say {
        who: String,
        text: String,
    },
    Tap {
        who: String,
        label: String,
    },
    /// `who` opens the newest invitation link in `from`'s chat (as if it were forwarded).
    OpenInvite {
        who: String,
        from: String,
    },
    Clock(ClockMove),
    /// `start 2026-03-04T09:00:00Z`: the clock starts there (first step only), so a
    /// transcript reads the same whatever the hour it is replayed at.
    Start(chrono::DateTime<chrono::Utc>),
}

/// Where the script's clock starts, if it says.
pub fn start_of(steps: &[(usize, Step)]) -> Option<chrono::DateTime<chrono::Utc>> {
    match steps.first() {
        Some((_, Step::Start(at))) => Some(*at),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMove {
    By(i64),
    NextCheckin,
}

/// The steps of a script, or `line: what is wrong`.
pub fn parse(text: &str) -> Result<Vec<(usize, Step)>, String> {
    let mut steps = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let step = if let Some(rest) = line.strip_prefix("start ") {
            if !steps.is_empty() {
                return Err(format!("{line_no}: `start` comes before every other step"));
            }
            let at = chrono::DateTime::parse_from_rfc3339(rest.trim()).map_err(|_| {
                format!("{line_no}: write the start as `start 2026-03-04T09:00:00Z`")
            })?;
            Step::Start(at.with_timezone(&chrono::Utc))
        } else if let Some(rest) = line.strip_prefix("person ") {
            let mut words = rest.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(name), Some(language), None) => Step::Person {
                    name: name.to_string(),
                    language: language.to_string(),
                },
                _ => return Err(format!("{line_no}: write `person <name> <language>`")),
            }
        } else if let Some(rest) = line.strip_prefix("clock ") {
            Step::Clock(clock_move(rest.trim()).ok_or_else(|| {
                format!("{line_no}: the clock moves by +15m, +2h, +1d, or to `next`")
            })?)
        } else if let Some((who, text)) = line.split_once(':').filter(|(w, _)| !w.contains(' ')) {
            Step::Say {
                who: who.to_string(),
                text: text.trim().to_string(),
            }
        } else if let Some((who, from)) = line.split_once(" opens the invitation from ") {
            Step::OpenInvite {
                who: who.trim().to_string(),
                from: from.trim().to_string(),
            }
        } else if let Some((who, label)) = line.split_once(" taps ") {
            Step::Tap {
                who: who.trim().to_string(),
                label: label.trim().to_string(),
            }
        } else {
            return Err(format!(
                "{line_no}: not a step (`Name: text`, `Name taps Label`, `clock +1h`, `person Name en`)"
            ));
        };
        steps.push((line_no, step));
    }
    Ok(steps)
}

fn clock_move(s: &str) -> Option<ClockMove> {
    if s == "next" {
        return Some(ClockMove::NextCheckin);
    }
    let n = s.strip_prefix('+')?;
    let (num, unit) = n.split_at(n.find(|c: char| !c.is_ascii_digit())?);
    let num: i64 = num.parse().ok()?;
    let secs = match unit {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    (num > 0 && num <= 400).then_some(ClockMove::By(num * secs))
}

pub struct Transcript {
    pub text: String,
    /// The first step that could not be done (`line: why`), after which the replay stopped.
    pub error: Option<String>,
}

/// Plays `steps`, waiting after each until the bot is quiet, and writes down what everyone saw.
pub async fn replay(sandbox: &Sandbox, steps: &[(usize, Step)]) -> Transcript {
    let mut out = String::new();
    let mut seen = Seen::default();
    seen.catch_up(sandbox, &mut String::new());
    for (line, step) in steps {
        let done: Result<(), String> = match step {
            Step::Person { name, language } => {
                sandbox.add_person(name, language);
                let _ = writeln!(out, "= {name} joins (Telegram in {language})");
                Ok(())
            }
            Step::Say { who, text } => match sandbox.person(who) {
                Some(p) => {
                    let _ = writeln!(out, "\n> {}: {text}", p.name);
                    sandbox.say(p.id, text);
                    Ok(())
                }
                None => Err(format!("nobody called {who} (add `person {who} en`)")),
            },
            Step::Tap { who, label } => match sandbox.person(who) {
                Some(p) => {
                    let _ = writeln!(out, "\n> {} taps [{label}]", p.name);
                    sandbox.tap_label(p.id, label).map(|_| ())
                }
                None => Err(format!("nobody called {who} (add `person {who} en`)")),
            },
            Step::OpenInvite { who, from } => match (sandbox.person(who), sandbox.person(from)) {
                (Some(p), Some(f)) => match invitation_token(sandbox, f.id) {
                    Some(token) => {
                        let _ = writeln!(out, "\n> {} opens {}'s invitation link", p.name, f.name);
                        sandbox.say(p.id, &format!("/start {token}"));
                        Ok(())
                    }
                    None => Err(format!("no invitation link in {}'s chat", f.name)),
                },
                _ => Err(format!("nobody called {who} or {from}")),
            },
            Step::Start(at) if crate::clock::Clock::now(&sandbox.clock) == *at => {
                let _ = writeln!(
                    out,
                    "~ the clock starts at {}",
                    at.format("%a %d %b %H:%M UTC")
                );
                Ok(())
            }
            Step::Start(_) => Err("start the sandbox with this script's start time \
                                   (Options::start, from script::start_of)"
                .to_string()),
            Step::Clock(m) => {
                match m {
                    ClockMove::By(secs) => sandbox.advance(chrono::Duration::seconds(*secs)),
                    ClockMove::NextCheckin => {
                        let _ = sandbox.to_next_checkin().await;
                    }
                }
                let _ = writeln!(
                    out,
                    "\n~ the clock is now {}",
                    crate::clock::Clock::now(&sandbox.clock).format("%a %d %b %H:%M UTC")
                );
                Ok(())
            }
        };
        if let Err(e) = done {
            return Transcript {
                text: out,
                error: Some(format!("{line}: {e}")),
            };
        }
        sandbox.settle(Duration::from_secs(10)).await;
        seen.catch_up(sandbox, &mut out);
    }
    Transcript {
        text: out,
        error: None,
    }
}

/// The token of the newest `t.me/<bot>?start=<token>` link the bot sent to `person`.
fn invitation_token(sandbox: &Sandbox, person: i64) -> Option<String> {
    sandbox.fake.read(|s| {
        s.bot_messages(person).iter().rev().find_map(|m| {
            let texts = std::iter::once(m.text.as_str())
                .chain(m.buttons().filter_map(|b| b.url.as_deref()));
            texts.into_iter().find_map(|t| {
                let (_, rest) = t.split_once("?start=")?;
                let token: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                (!token.is_empty()).then_some(token)
            })
        })
    })
}

/// What the transcript has shown already.
#[derive(Default)]
struct Seen {
    messages: HashMap<(i64, i32), (String, u32)>,
    toasts: HashSet<String>,
}

impl Seen {
    fn catch_up(&mut self, sandbox: &Sandbox, out: &mut String) {
        let people = sandbox.people();
        sandbox.fake.read(|s| {
            for p in &people {
                let mut toasts: Vec<(&String, &fake_telegram::CallbackRecord)> = s
                    .callbacks
                    .iter()
                    .filter(|(id, c)| c.user_id == p.id && !self.toasts.contains(*id))
                    .filter(|(_, c)| c.answered)
                    .collect();
                toasts.sort_by_key(|(id, _)| id.to_string());
                for (id, c) in toasts {
                    if let Some(t) = &c.toast {
                        let _ = writeln!(out, "  (toast for {}) {t}", p.name);
                    }
                    self.toasts.insert(id.clone());
                }
                for m in s.bot_messages(p.id) {
                    let key = (p.id, m.message_id);
                    let now = (m.text.clone(), m.edits);
                    let verb = match self.messages.get(&key) {
                        None => "→",
                        Some(before) if *before != now => "✎",
                        Some(_) => continue,
                    };
                    let _ = writeln!(out, "  bot {verb} {}:", p.name);
                    if let Some(a) = &m.attachment {
                        let _ = writeln!(
                            out,
                            "    [{} {}, {} KiB{}]",
                            a.kind,
                            a.file_name,
                            a.bytes.len() / 1024,
                            if a.protected { ", protected" } else { "" }
                        );
                    }
                    for l in m.text.lines() {
                        let _ = writeln!(out, "    {l}");
                    }
                    for row in &m.keyboard {
                        let labels: Vec<String> = row
                            .iter()
                            .map(|b| match &b.url {
                                Some(u) => format!("[{} ↗ {u}]", b.text),
                                None => format!("[{}]", b.text),
                            })
                            .collect();
                        let _ = writeln!(out, "    {}", labels.join(" "));
                    }
                    self.messages.insert(key, now);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_and_say_which_line_is_wrong() {
        let steps = parse(
            "# hi\nperson Ana es\nAna: /start\nAna taps Acepto\nclock +15m\nclock next\nclock +2d\n",
        )
        .unwrap();
        assert_eq!(steps.len(), 6);
        assert_eq!(
            parse("Sam opens the invitation from Ana").unwrap()[0].1,
            Step::OpenInvite {
                who: "Sam".into(),
                from: "Ana".into()
            }
        );
        assert_eq!(steps[0].0, 2);
        assert_eq!(
            steps[2].1,
            Step::Tap {
                who: "Ana".into(),
                label: "Acepto".into()
            }
        );
        assert_eq!(steps[3].1, Step::Clock(ClockMove::By(900)));
        assert_eq!(steps[4].1, Step::Clock(ClockMove::NextCheckin));
        assert_eq!(steps[5].1, Step::Clock(ClockMove::By(2 * 86_400)));
        assert!(parse("Ana says hi").unwrap_err().starts_with("1:"));
        assert!(parse("\nclock -1h").unwrap_err().starts_with("2:"));
        assert!(parse("clock +1y").is_err());
        assert!(parse("person Ana").is_err());
        let start = parse("# a\nstart 2026-03-04T10:00:00+01:00\nAna: hi").unwrap();
        assert_eq!(
            start_of(&start),
            Some("2026-03-04T09:00:00Z".parse().unwrap())
        );
        assert_eq!(start_of(&start[1..]), None);
        assert!(parse("Ana: hi\nstart 2026-03-04T09:00:00Z")
            .unwrap_err()
            .starts_with("2:"));
        assert!(parse("start tomorrow").unwrap_err().starts_with("1:"));
        // A typed text may hold a colon.
        assert_eq!(
            parse("Ana: /quiet 22:00-07:00").unwrap()[0].1,
            Step::Say {
                who: "Ana".into(),
                text: "/quiet 22:00-07:00".into()
            }
        );
    }
}
