//! Button payloads (Telegram `callback_data`, 1–64 bytes).
//!
//! Anyone can read callback data and a modified client can send any value, so parsing is strict
//! and the handler still checks that what a payload names belongs to the person who tapped.

use super::checkin::Step;
use super::schedule::SlotKind;

mod fields;
use fields::{id_number, language_code, minute, parse_schedule, small_number, yes_no};

/// What a button in `/schedule` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleAction {
    List,
    Open(i64),
    /// Move a fixed slot to a time (minutes after midnight).
    SetTime(i64, u16),
    /// Set a random slot's window start; the window is five hours.
    SetWindow(i64, u16),
    Remove(i64),
    Add(SlotKind),
    /// The days a fixed slot is due, as `Days` bits (Monday = 1 … Sunday = 64).
    Days(i64, u8),
    /// Another time at weekends (minutes after midnight), or the same time every day.
    Weekend(i64, Option<u16>),
}

/// What a button under a suggestion does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionAction {
    More,
    Helpful,
    NotForMe,
}

impl SuggestionAction {
    fn code(self) -> &'static str {
        match self {
            SuggestionAction::More => "more",
            SuggestionAction::Helpful => "h",
            SuggestionAction::NotForMe => "n",
        }
    }
}

/// SOS follow-ups after the first rating.
pub const SOS_MAX_ROUND: u8 = 2;

/// Telegram's limit on callback data, in bytes.
pub const CALLBACK_DATA_MAX_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// The consent buttons on the introduction.
    Consent {
        agree: bool,
        /// The language the introduction was shown in, when the person chose one.
        lang: Option<String>,
    },
    /// Switch to this language (a language code like `es`).
    Language(String),
    /// A craving right now: start the SOS flow.
    Sos,
    /// How strong the urge is, in one round of an SOS (0 = at the start, then follow-ups).
    SosRate {
        sos_id: i64,
        round: u8,
        urge: u8,
    },
    /// A button under a coping suggestion, by the id of that showing.
    Suggestion {
        shown_id: i64,
        action: SuggestionAction,
    },
    /// A time zone from the offered list, by index.
    Zone(usize),
    /// Show the crisis line.
    Crisis,
    /// Show the help text.
    Help,
    /// Start a check-in now.
    StartCheckin,
    /// The answer to "/delete: erase everything?".
    Delete {
        confirm: bool,
    },
    /// A scheduled prompt's buttons: start the check-in, or remind me later.
    Prompt {
        prompt_id: i64,
        later: bool,
    },
    Schedule(ScheduleAction),
    /// Pause check-ins for this many days; 0 = until /resume.
    Pause {
        days: u8,
    },
    /// Quiet hours (start, end in minutes), or off.
    Quiet(Option<(u16, u16)>),
    /// An answer to one step of one check-in.
    Answer {
        checkin_id: i64,
        step: Step,
        value: String,
    },
    /// `/contact`: start an invitation.
    InviteStart,
    /// What the invited person will receive: alerts only, or also a weekly summary.
    InviteShare {
        weekly: bool,
    },
    /// Use the name from the last invitation.
    InviteLastName,
    /// Whether a reported use alone tells this contact.
    InviteUse {
        tell: bool,
    },
    /// "Ask <contact> to reach out", with the patient's tap as consent; what it was offered in.
    ReachOut(ReachFrom),
    /// The invited person accepts or declines.
    InviteAnswer {
        invite_id: i64,
        accept: bool,
    },
    /// Either side ends a pairing.
    LinkEnd(i64),
    /// The patient changes what a contact receives.
    LinkWeekly {
        link_id: i64,
        weekly: bool,
    },
    /// The patient changes whether a reported use alone tells a contact.
    LinkUse {
        link_id: i64,
        tell: bool,
    },
    /// A contact's answer to an alert: "I reached out" or "can't right now".
    AlertAnswer {
        alert_id: i64,
        link_id: i64,
        reached: bool,
    },
    /// "I'm not safe": the crisis screen.
    NotSafe,
    /// An answer to a crisis-screen question (1–6).
    Screen {
        screen_id: i64,
        question: u8,
        yes: bool,
    },
    /// The answer to "are you OK?".
    Ok {
        fine: bool,
    },
    /// Show the safety plan.
    PlanShow,
    /// Write (or rewrite) the safety plan.
    PlanWrite,
    /// Skip the part of the safety plan being asked.
    PlanSkip,
    /// Go on with a check-in the crisis screen interrupted.
    Resume(i64),
    /// The list of countries for the crisis line.
    CountryList,
    /// The patient's country, for the crisis line (ISO 3166 code, upper case).
    Country(String),
    /// "Don't show this again" under the harm-reduction message.
    HarmReductionOff,
    /// Show the use-free days (`/progress`).
    Progress,
    /// Milestone messages off (`false`) or on again (`true`).
    Milestones {
        on: bool,
    },
    /// `/history` over this many days (one of `history::SPANS`).
    History {
        days: u32,
    },
    /// The weekly reflection on (`true`) or off.
    Reflection {
        on: bool,
    },
    /// A page of the patient's notes (`/notes`), newest first; page 0 is the newest.
    Notes {
        page: u32,
    },
    /// Delete the note of this check-in: asked first (`confirm: false`), then done.
    NoteDelete {
        checkin: i64,
        confirm: bool,
    },
    /// "Get my data first" under `/delete`'s question: the export's explanation.
    ExportAsk,
    /// The answer to the export's explanation: send the files, or not.
    Export {
        confirm: bool,
    },
}

/// Where "Ask <contact> to reach out" was offered: one request per place, never doubled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachFrom {
    /// "Not great" in answer to "are you OK?".
    OkCheck(i64),
    /// An SOS whose urge stayed strong.
    Sos(i64),
    /// A check-in that reported a use.
    Checkin(i64),
}

impl ReachFrom {
    /// The alert's `origin`: one request per place.
    pub fn origin(self) -> String {
        match self {
            ReachFrom::OkCheck(id) => format!("request:ok:{id}"),
            ReachFrom::Sos(id) => format!("request:sos:{id}"),
            ReachFrom::Checkin(id) => format!("request:checkin:{id}"),
        }
    }
}

impl Callback {
    pub fn encode(&self) -> String {
        let s = match self {
            Callback::Consent { agree, lang } => {
                let answer = if *agree { "yes" } else { "no" };
                match lang {
                    Some(l) => format!("consent:{answer}:{l}"),
                    None => format!("consent:{answer}"),
                }
            }
            Callback::Language(code) => format!("lang:{code}"),
            Callback::Sos => "sos".to_string(),
            Callback::SosRate {
                sos_id,
                round,
                urge,
            } => format!("sos:{sos_id}:{round}:{urge}"),
            Callback::Suggestion { shown_id, action } => {
                format!("sg:{shown_id}:{}", action.code())
            }
            Callback::Zone(i) => format!("tz:{i}"),
            Callback::Crisis => "crisis".to_string(),
            Callback::Help => "help".to_string(),
            Callback::StartCheckin => "checkin".to_string(),
            Callback::Delete { confirm: true } => "delete:yes".to_string(),
            Callback::Delete { confirm: false } => "delete:no".to_string(),
            Callback::Prompt { prompt_id, later } => {
                format!("p:{prompt_id}:{}", if *later { "later" } else { "go" })
            }
            Callback::Schedule(a) => match a {
                ScheduleAction::List => "s:list".to_string(),
                ScheduleAction::Open(id) => format!("s:{id}"),
                ScheduleAction::SetTime(id, m) => format!("s:{id}:t:{m}"),
                ScheduleAction::SetWindow(id, m) => format!("s:{id}:w:{m}"),
                ScheduleAction::Remove(id) => format!("s:{id}:rm"),
                ScheduleAction::Add(kind) => format!("s:add:{}", kind.code()),
                ScheduleAction::Days(id, bits) => format!("s:{id}:d:{bits}"),
                ScheduleAction::Weekend(id, Some(m)) => format!("s:{id}:we:{m}"),
                ScheduleAction::Weekend(id, None) => format!("s:{id}:we:off"),
            },
            Callback::Pause { days } => format!("pause:{days}"),
            Callback::Quiet(Some((a, b))) => format!("quiet:{a}:{b}"),
            Callback::Quiet(None) => "quiet:off".to_string(),
            Callback::Answer {
                checkin_id,
                step,
                value,
            } => format!("ci:{checkin_id}:{}:{value}", step.code()),
            Callback::InviteStart => "inv".to_string(),
            Callback::InviteShare { weekly } => format!("inv:{}", if *weekly { "w" } else { "a" }),
            Callback::InviteAnswer { invite_id, accept } => {
                format!("ia:{invite_id}:{}", if *accept { "y" } else { "n" })
            }
            Callback::InviteLastName => "inv:last".to_string(),
            Callback::InviteUse { tell } => format!("inv:u:{}", if *tell { "y" } else { "n" }),
            Callback::ReachOut(from) => match from {
                ReachFrom::OkCheck(id) => format!("ro:o:{id}"),
                ReachFrom::Sos(id) => format!("ro:s:{id}"),
                ReachFrom::Checkin(id) => format!("ro:c:{id}"),
            },
            Callback::LinkEnd(id) => format!("lk:{id}:end"),
            Callback::LinkWeekly { link_id, weekly } => {
                format!("lk:{link_id}:{}", if *weekly { "w1" } else { "w0" })
            }
            Callback::LinkUse { link_id, tell } => {
                format!("lk:{link_id}:{}", if *tell { "u1" } else { "u0" })
            }
            Callback::AlertAnswer {
                alert_id,
                link_id,
                reached,
            } => format!(
                "al:{alert_id}:{link_id}:{}",
                if *reached { "r" } else { "c" }
            ),
            Callback::NotSafe => "unsafe".to_string(),
            Callback::Screen {
                screen_id,
                question,
                yes,
            } => format!("cs:{screen_id}:{question}:{}", if *yes { "y" } else { "n" }),
            Callback::Ok { fine } => format!("ok:{}", if *fine { "y" } else { "n" }),
            Callback::PlanShow => "plan".to_string(),
            Callback::PlanWrite => "plan:write".to_string(),
            Callback::PlanSkip => "plan:skip".to_string(),
            Callback::Resume(id) => format!("resume:{id}"),
            Callback::CountryList => "ctry".to_string(),
            Callback::Country(code) => format!("ctry:{code}"),
            Callback::HarmReductionOff => "hr:off".to_string(),
            Callback::Progress => "prog".to_string(),
            Callback::Milestones { on } => format!("ms:{}", if *on { "on" } else { "off" }),
            Callback::Notes { page } => format!("nt:p:{page}"),
            Callback::History { days } => format!("hi:{days}"),
            Callback::Reflection { on } => format!("wr:{}", if *on { "on" } else { "off" }),
            Callback::ExportAsk => "exp".to_string(),
            Callback::Export { confirm } => format!("exp:{}", if *confirm { "y" } else { "n" }),
            Callback::NoteDelete { checkin, confirm } => {
                format!("nt:{}:{checkin}", if *confirm { "x" } else { "d" })
            }
        };
        debug_assert!(s.len() <= CALLBACK_DATA_MAX_BYTES);
        s
    }

    /// `None` for anything our buttons never send.
    pub fn parse(data: &str) -> Option<Callback> {
        if data.is_empty() || data.len() > CALLBACK_DATA_MAX_BYTES {
            return None;
        }
        match data {
            "sos" => return Some(Callback::Sos),
            "crisis" => return Some(Callback::Crisis),
            "help" => return Some(Callback::Help),
            "checkin" => return Some(Callback::StartCheckin),
            "delete:yes" => return Some(Callback::Delete { confirm: true }),
            "delete:no" => return Some(Callback::Delete { confirm: false }),
            "inv" => return Some(Callback::InviteStart),
            "inv:a" => return Some(Callback::InviteShare { weekly: false }),
            "inv:w" => return Some(Callback::InviteShare { weekly: true }),
            "inv:last" => return Some(Callback::InviteLastName),
            "inv:u:y" => return Some(Callback::InviteUse { tell: true }),
            "inv:u:n" => return Some(Callback::InviteUse { tell: false }),
            "unsafe" => return Some(Callback::NotSafe),
            "ok:y" => return Some(Callback::Ok { fine: true }),
            "ok:n" => return Some(Callback::Ok { fine: false }),
            "plan" => return Some(Callback::PlanShow),
            "plan:write" => return Some(Callback::PlanWrite),
            "plan:skip" => return Some(Callback::PlanSkip),
            "ctry" => return Some(Callback::CountryList),
            "hr:off" => return Some(Callback::HarmReductionOff),
            "prog" => return Some(Callback::Progress),
            "ms:on" => return Some(Callback::Milestones { on: true }),
            "ms:off" => return Some(Callback::Milestones { on: false }),
            "wr:on" => return Some(Callback::Reflection { on: true }),
            "wr:off" => return Some(Callback::Reflection { on: false }),
            "exp" => return Some(Callback::ExportAsk),
            "exp:y" => return Some(Callback::Export { confirm: true }),
            "exp:n" => return Some(Callback::Export { confirm: false }),
            _ => {}
        }
        if let Some(rest) = data.strip_prefix("ro:") {
            let (what, id) = rest.split_once(':')?;
            let id = id_number(id)?;
            return match what {
                "o" => Some(Callback::ReachOut(ReachFrom::OkCheck(id))),
                "s" => Some(Callback::ReachOut(ReachFrom::Sos(id))),
                "c" => Some(Callback::ReachOut(ReachFrom::Checkin(id))),
                _ => None,
            };
        }
        if let Some(days) = data.strip_prefix("hi:") {
            return crate::domain::history::SPANS
                .into_iter()
                .find(|s| s.to_string() == days)
                .map(|days| Callback::History { days });
        }
        if let Some(rest) = data.strip_prefix("nt:") {
            let (what, n) = rest.split_once(':')?;
            return match what {
                "p" => small_number(n).map(|page| Callback::Notes { page }),
                "d" | "x" => id_number(n).map(|checkin| Callback::NoteDelete {
                    checkin,
                    confirm: what == "x",
                }),
                _ => None,
            };
        }
        if let Some(id) = data.strip_prefix("resume:") {
            return id_number(id).map(Callback::Resume);
        }
        if let Some(code) = data.strip_prefix("ctry:") {
            return (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
                .then(|| Callback::Country(code.to_string()));
        }
        if let Some(rest) = data.strip_prefix("ia:") {
            let (id, answer) = rest.split_once(':')?;
            return Some(Callback::InviteAnswer {
                invite_id: id_number(id)?,
                accept: yes_no(answer, "y", "n")?,
            });
        }
        if let Some(rest) = data.strip_prefix("lk:") {
            let (id, action) = rest.split_once(':')?;
            let id = id_number(id)?;
            return match action {
                "end" => Some(Callback::LinkEnd(id)),
                "w1" | "w0" => Some(Callback::LinkWeekly {
                    link_id: id,
                    weekly: action == "w1",
                }),
                "u1" | "u0" => Some(Callback::LinkUse {
                    link_id: id,
                    tell: action == "u1",
                }),
                _ => None,
            };
        }
        if let Some(rest) = data.strip_prefix("al:") {
            let mut parts = rest.split(':');
            let alert_id = id_number(parts.next()?)?;
            let link_id = id_number(parts.next()?)?;
            let reached = yes_no(parts.next()?, "r", "c")?;
            return parts.next().is_none().then_some(Callback::AlertAnswer {
                alert_id,
                link_id,
                reached,
            });
        }
        if let Some(rest) = data.strip_prefix("cs:") {
            let mut parts = rest.split(':');
            let screen_id = id_number(parts.next()?)?;
            let question = small_number(parts.next()?).filter(|q| (1..=6).contains(q))? as u8;
            let yes = yes_no(parts.next()?, "y", "n")?;
            return parts.next().is_none().then_some(Callback::Screen {
                screen_id,
                question,
                yes,
            });
        }
        if let Some(rest) = data.strip_prefix("consent:") {
            let (answer, lang) = match rest.split_once(':') {
                Some((a, l)) => (a, Some(language_code(l)?)),
                None => (rest, None),
            };
            let agree = match answer {
                "yes" => true,
                "no" => false,
                _ => return None,
            };
            return Some(Callback::Consent { agree, lang });
        }
        if let Some(code) = data.strip_prefix("lang:") {
            return language_code(code).map(Callback::Language);
        }
        if let Some(rest) = data.strip_prefix("sos:") {
            let mut parts = rest.split(':');
            let sos_id = id_number(parts.next()?)?;
            let round = small_number(parts.next()?).filter(|r| *r <= u32::from(SOS_MAX_ROUND))?;
            let urge = small_number(parts.next()?).filter(|u| *u <= 10)?;
            if parts.next().is_some() {
                return None;
            }
            return Some(Callback::SosRate {
                sos_id,
                round: round as u8,
                urge: urge as u8,
            });
        }
        if let Some(rest) = data.strip_prefix("sg:") {
            let (id, action) = rest.split_once(':')?;
            let action = match action {
                "more" => SuggestionAction::More,
                "h" => SuggestionAction::Helpful,
                "n" => SuggestionAction::NotForMe,
                _ => return None,
            };
            return Some(Callback::Suggestion {
                shown_id: id_number(id)?,
                action,
            });
        }
        if let Some(i) = data.strip_prefix("tz:") {
            return small_number(i).map(|i| Callback::Zone(i as usize));
        }
        if let Some(rest) = data.strip_prefix("s:") {
            return parse_schedule(rest).map(Callback::Schedule);
        }
        if let Some(days) = data.strip_prefix("pause:") {
            let days = small_number(days).filter(|d| [0, 1, 3, 7].contains(d))?;
            return Some(Callback::Pause { days: days as u8 });
        }
        if let Some(rest) = data.strip_prefix("quiet:") {
            if rest == "off" {
                return Some(Callback::Quiet(None));
            }
            let (a, b) = rest.split_once(':')?;
            let (a, b) = (minute(a)?, minute(b)?);
            return (a != b).then_some(Callback::Quiet(Some((a, b))));
        }
        if let Some(rest) = data.strip_prefix("p:") {
            let (id, action) = rest.split_once(':')?;
            let later = match action {
                "go" => false,
                "later" => true,
                _ => return None,
            };
            return Some(Callback::Prompt {
                prompt_id: id_number(id)?,
                later,
            });
        }
        let rest = data.strip_prefix("ci:")?;
        let mut parts = rest.splitn(3, ':');
        let id = parts.next()?;
        let step = Step::from_code(parts.next()?)?;
        let value = parts.next()?;
        if value.is_empty() || value.contains(':') {
            return None;
        }
        Some(Callback::Answer {
            checkin_id: id_number(id)?,
            step,
            value: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests;
