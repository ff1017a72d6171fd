//! Routes one recorded update to its feature handler.

use crate::bot::incoming::Incoming;
use crate::ctx::Ctx;
use crate::ctx::Event;
use crate::ctx::Tap;
use crate::domain::callback::Callback;
use crate::domain::conversation::Awaiting;
use crate::features::account;
use crate::features::alerts;
use crate::features::checkin;
use crate::features::contacts;
use crate::features::coping;
use crate::features::country;
use crate::features::help;
use crate::features::language;
use crate::features::ok_check;
use crate::features::onboarding;
use crate::features::safety_plan;
use crate::features::schedule;
use crate::features::screen;
use crate::features::sos;
use crate::store::{checkins, patients};
use anyhow::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Checkin,
    Help,
    Crisis,
    Delete,
    Schedule,
    Pause,
    Resume,
    Quiet,
    Sos,
    Language,
    Contact,
    SafetyPlan,
    Patients,
    Stop,
    Country,
    Unknown,
}

/// `/start`, `/start payload`, `/checkin@SomeBot` → the command; plain text → `None`.
pub fn parse_command(text: &str) -> Option<Command> {
    let first = text.split_whitespace().next()?;
    let name = first.strip_prefix('/')?;
    let name = name.split('@').next().unwrap_or(name).to_ascii_lowercase();
    Some(match name.as_str() {
        "start" => Command::Start,
        "checkin" | "check" => Command::Checkin,
        "help" => Command::Help,
        "crisis" => Command::Crisis,
        "sos" => Command::Sos,
        "language" | "lang" | "idioma" => Command::Language,
        "delete" => Command::Delete,
        "schedule" => Command::Schedule,
        "pause" => Command::Pause,
        "resume" => Command::Resume,
        "quiet" => Command::Quiet,
        "contact" | "contacts" | "contacto" => Command::Contact,
        "safetyplan" | "plan" => Command::SafetyPlan,
        "patients" => Command::Patients,
        "stop" => Command::Stop,
        "country" | "pais" | "país" => Command::Country,
        _ => Command::Unknown,
    })
}

/// The bot a command names, if any: `/checkin@SomeBot` → `SomeBot`.
pub fn command_target(text: &str) -> Option<&str> {
    let first = text.split_whitespace().next()?;
    first.strip_prefix('/')?.split_once('@').map(|(_, bot)| bot)
}

/// What `crisis_without_writing` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distress {
    /// Not a request for crisis help (or its reply could not be sent): handled normally later.
    NotAnswered,
    /// `/crisis` or the crisis button: fully answered; only to be marked handled later.
    Answered,
    /// Crisis help given, but the update is still to be handled normally once it is recorded:
    /// "I'm not safe" opens the screen (and alerts), a note or safety plan is kept.
    AnsweredFirst,
}

/// While nothing can be written (a full disk): answers what asks for crisis help, `/crisis`,
/// the crisis buttons and typed words of crisis, from what can still be read (or, failing
/// that, the person's Telegram language), so the crisis path never waits for a write.
pub async fn crisis_without_writing(ctx: &Ctx, update_id: i64, incoming: &Incoming) -> Distress {
    let (user_id, language, chat_id) = match incoming {
        Incoming::Message {
            user_id,
            language,
            chat_id,
            private: true,
            ..
        } => (*user_id, language.as_deref(), *chat_id),
        Incoming::Callback {
            user_id,
            language,
            chat_id,
            ..
        } => (*user_id, language.as_deref(), chat_id.unwrap_or(*user_id)),
        _ => return Distress::NotAnswered,
    };
    let (command, found) = match incoming {
        Incoming::Message {
            text: Some(text), ..
        } => {
            let command = parse_command(text);
            let found = match command {
                None => ctx.content.crisis_words.detect(text),
                Some(_) => Default::default(),
            };
            (command, found)
        }
        _ => (None, Default::default()),
    };
    let tapped = match incoming {
        Incoming::Callback { data, .. } => data
            .as_deref()
            .and_then(Callback::parse)
            .filter(|c| matches!(c, Callback::Crisis | Callback::NotSafe)),
        _ => None,
    };
    if command != Some(Command::Crisis) && !found.any() && tapped.is_none() {
        return Distress::NotAnswered;
    }
    let patient = patients::find_by_user(&ctx.db, user_id)
        .await
        .ok()
        .flatten();
    let lang = patient
        .as_ref()
        .map(|p| p.language.clone())
        .unwrap_or_else(|| ctx.content.pick_language(language));
    let country = match event_country(ctx, patient.as_ref(), user_id, language).await {
        Ok(c) => c,
        Err(_) => language
            .and_then(|l| l.split(['-', '_']).nth(1))
            .map(str::to_ascii_uppercase)
            .filter(|c| crate::domain::country::is_code(c)),
    };
    let ev = Event {
        update_id,
        user_id,
        lang,
        country,
    };
    if let Incoming::Callback { query_id, .. } = incoming {
        ctx.ack(query_id, None).await;
    }
    let sent = if found.any() {
        help::typed_crisis_sent(ctx, &ev, patient.as_ref(), chat_id, found).await
    } else {
        help::crisis_sent(ctx, &ev, chat_id).await
    };
    if !sent {
        return Distress::NotAnswered;
    }
    tracing::warn!("crisis help given although the update could not be recorded");
    // Typed words mean more only while the patient is writing a note or a safety plan (the
    // words are theirs to keep); "I'm not safe" opens the screen.
    let more = match (&patient, found.any()) {
        (_, false) => tapped == Some(Callback::NotSafe),
        (None, true) => false,
        (Some(p), true) => {
            p.awaiting.is_some()
                || checkins::open_for(&ctx.db, p.id).await.map_or(true, |c| {
                    c.is_some_and(|c| c.step == Some(crate::domain::checkin::Step::Note))
                })
        }
    };
    if more {
        Distress::AnsweredFirst
    } else {
        Distress::Answered
    }
}

pub async fn handle(ctx: &Ctx, update_id: i64, incoming: Incoming) -> Result<()> {
    match incoming {
        Incoming::Message {
            user_id,
            language,
            chat_id,
            private,
            text,
            message_id,
            date,
        } => {
            let typed = checkin::Typed { message_id, date };
            let mut command = text.as_deref().and_then(parse_command);
            // `/checkin@OtherBot` is not for us: it must not restart anything here.
            if let Some(target) = text.as_deref().and_then(command_target) {
                if let Some(me) = ctx.username().await {
                    if !target.eq_ignore_ascii_case(&me) {
                        command = Some(Command::Unknown);
                    }
                }
            }
            if !private {
                // Check-ins are personal: never in groups. Only answer a direct command.
                if command.is_some() {
                    let lang = ctx.content.pick_language(language.as_deref());
                    ctx.say(chat_id, ctx.t(&lang, "private-only"), None).await;
                }
                return Ok(());
            }
            let patient = patients::find_by_user(&ctx.db, user_id).await?;
            let lang = patient
                .as_ref()
                .map(|p| p.language.clone())
                .unwrap_or_else(|| ctx.content.pick_language(language.as_deref()));
            let ev = Event {
                update_id,
                user_id,
                lang,
                country: event_country(ctx, patient.as_ref(), user_id, language.as_deref()).await?,
            };
            // Someone who blocked the bot and writes again is back.
            if let Some(p) = patient.as_ref().filter(|p| !p.active) {
                let mut tx = ctx.db.write().await?;
                account::reactivate(ctx, &mut tx, p).await?;
                tx.commit().await?;
                ctx.wake_scheduler.notify_one();
            }
            // A command ends any half-finished edit of a check-in time.
            if let (Some(_), Some(p)) = (command, patient.as_ref().filter(|p| p.awaiting.is_some()))
            {
                let mut tx = ctx.db.write().await?;
                patients::set_awaiting(&mut tx, p.id, None).await?;
                tx.commit().await?;
            }
            // What typed words seem to be about: thoughts of suicide, self-harm, a medical
            // emergency (every language's words, whatever the patient's language).
            let found = match (command, text.as_deref()) {
                (None, Some(t)) => ctx.content.crisis_words.detect(t),
                _ => Default::default(),
            };
            // Writing the safety plan: the words are saved whatever they say (a plan's warning
            // signs may well name suicide), and words of crisis also bring the crisis line.
            if let (None, Some(p)) = (command, patient.as_ref()) {
                if let Some(Awaiting::Plan { part }) = p.awaiting {
                    safety_plan::plan_text(ctx, &ev, p, part, text.as_deref()).await?;
                    if found.any() {
                        help::typed_crisis(ctx, &ev, patient.as_ref(), chat_id, found).await?;
                    }
                    return Ok(());
                }
            }
            // Words of crisis get the crisis line (or the emergency number) first, whatever
            // else was going on: a check-in, pairing, onboarding, or not being enrolled at all.
            if found.any() {
                // A note is the patient's own words: kept (like a safety plan), then the help.
                if let Some(p) = patient.as_ref().filter(|p| p.awaiting.is_none()) {
                    if let Some(open) = checkins::open_for(&ctx.db, p.id)
                        .await?
                        .filter(|c| c.step == Some(crate::domain::checkin::Step::Note))
                    {
                        checkin::text_answer(ctx, &ev, p, &open, typed, text.as_deref()).await?;
                    }
                }
                return help::typed_crisis(ctx, &ev, patient.as_ref(), chat_id, found).await;
            }
            match command {
                Some(Command::Start) => match start_payload(text.as_deref().unwrap_or("")) {
                    Some(token) => {
                        contacts::open_invite(ctx, &ev, patient.as_ref(), chat_id, token).await
                    }
                    None => onboarding::start(ctx, &ev, patient.as_ref(), chat_id).await,
                },
                Some(Command::Contact) => {
                    contacts::command(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::SafetyPlan) => {
                    safety_plan::plan_show(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::Patients) => contacts::patients_command(ctx, &ev, chat_id).await,
                Some(Command::Stop) => contacts::stop_command(ctx, &ev, chat_id).await,
                Some(Command::Country) => {
                    country::command(
                        ctx,
                        &ev,
                        patient.as_ref(),
                        chat_id,
                        text.as_deref().unwrap_or(""),
                    )
                    .await
                }
                Some(Command::Checkin) => checkin::begin(ctx, &ev, patient.as_ref(), chat_id).await,
                Some(Command::Help) => help::help(ctx, &ev, patient.as_ref(), chat_id).await,
                Some(Command::Crisis) => help::crisis(ctx, &ev, chat_id).await,
                Some(Command::Schedule) => {
                    schedule::show(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::Pause) => {
                    schedule::pause_ask(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::Resume) => {
                    schedule::resume(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::Quiet) => {
                    schedule::quiet_command(
                        ctx,
                        &ev,
                        patient.as_ref(),
                        chat_id,
                        text.as_deref().unwrap_or(""),
                    )
                    .await
                }
                Some(Command::Sos) => sos::start(ctx, &ev, patient.as_ref(), chat_id).await,
                Some(Command::Language) => {
                    language::command(
                        ctx,
                        &ev,
                        patient.as_ref(),
                        chat_id,
                        text.as_deref().unwrap_or(""),
                    )
                    .await
                }
                Some(Command::Delete) => {
                    account::delete_ask(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Some(Command::Unknown) => help::unknown(ctx, &ev, patient.as_ref(), chat_id).await,
                None => {
                    let Some(patient) = patient else {
                        return help::not_enrolled(ctx, &ev, chat_id).await;
                    };
                    if patient.zone.is_none() {
                        return onboarding::zone_text(ctx, &ev, &patient, text.as_deref()).await;
                    }
                    match &patient.awaiting {
                        Some(a) if a.is_invitation() => {
                            return contacts::name_text(ctx, &ev, &patient, text.as_deref()).await;
                        }
                        Some(Awaiting::SlotTime { slot }) => {
                            return schedule::awaiting_text(
                                ctx,
                                &ev,
                                &patient,
                                *slot,
                                text.as_deref(),
                            )
                            .await;
                        }
                        // (A safety plan in progress took the text above.)
                        _ => {}
                    }
                    // A crisis screen waiting for answers (one a mood of 0 opened, say): typed
                    // text must not land in the paused check-in.
                    if crate::store::crisis::is_open_since(
                        &ctx.db,
                        patient.id,
                        ctx.now() - screen::SCREEN_REUSE_SECS,
                    )
                    .await?
                    {
                        ctx.say(
                            chat_id,
                            ctx.t(&ev.lang, "screen-use-buttons"),
                            Some(ctx.crisis_link(&ev.lang, ev.country())),
                        )
                        .await;
                        return Ok(());
                    }
                    match checkins::open_for(&ctx.db, patient.id).await? {
                        Some(open) => {
                            checkin::text_answer(ctx, &ev, &patient, &open, typed, text.as_deref())
                                .await
                        }
                        None => help::unknown(ctx, &ev, Some(&patient), chat_id).await,
                    }
                }
            }
        }
        Incoming::Callback {
            query_id,
            user_id,
            language,
            chat_id,
            message_id,
            data,
            first_name,
        } => {
            let patient = patients::find_by_user(&ctx.db, user_id).await?;
            let lang = patient
                .as_ref()
                .map(|p| p.language.clone())
                .unwrap_or_else(|| ctx.content.pick_language(language.as_deref()));
            let ev = Event {
                update_id,
                user_id,
                lang,
                country: event_country(ctx, patient.as_ref(), user_id, language.as_deref()).await?,
            };
            // Our buttons only live in the private chat with the person who tapped. A tap in any
            // other chat (a forged payload on a group message) is refused, so nothing can be
            // enrolled into, or sent to, a group.
            let chat_id = chat_id.unwrap_or(user_id);
            if chat_id != user_id {
                tracing::info!("refused a tap outside the tapper's private chat");
                ctx.ack(&query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
                    .await;
                return Ok(());
            }
            let Some(callback) = data.as_deref().and_then(Callback::parse) else {
                tracing::info!("unrecognised button data");
                ctx.ack(&query_id, Some(ctx.t(&ev.lang, "tap-not-valid")))
                    .await;
                return Ok(());
            };
            let tap = Tap {
                query_id,
                chat_id,
                message_id,
            };
            match callback {
                Callback::Crisis => {
                    ctx.ack(&tap.query_id, None).await;
                    help::crisis(ctx, &ev, chat_id).await
                }
                Callback::Help => {
                    ctx.ack(&tap.query_id, None).await;
                    help::help(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Callback::InviteStart => {
                    contacts::invite_start(ctx, &ev, patient.as_ref(), &tap).await
                }
                Callback::InviteShare { weekly } => {
                    contacts::invite_share(ctx, &ev, patient.as_ref(), &tap, weekly).await
                }
                Callback::InviteLastName => {
                    contacts::invite_last_name(ctx, &ev, patient.as_ref(), &tap).await
                }
                Callback::InviteUse { tell } => {
                    contacts::invite_use(ctx, &ev, patient.as_ref(), &tap, tell).await
                }
                Callback::ReachOut(from) => {
                    alerts::reach_out(ctx, &ev, patient.as_ref(), &tap, from).await
                }
                Callback::InviteAnswer { invite_id, accept } => {
                    contacts::invite_answer(
                        ctx,
                        &ev,
                        &tap,
                        first_name.as_deref(),
                        invite_id,
                        accept,
                    )
                    .await
                }
                Callback::LinkEnd(link_id) => contacts::link_end(ctx, &ev, &tap, link_id).await,
                Callback::LinkWeekly { link_id, weekly } => {
                    let setting = contacts::LinkSetting::Weekly(weekly);
                    contacts::link_setting(ctx, &ev, patient.as_ref(), &tap, link_id, setting).await
                }
                Callback::LinkUse { link_id, tell } => {
                    let setting = contacts::LinkSetting::Use(tell);
                    contacts::link_setting(ctx, &ev, patient.as_ref(), &tap, link_id, setting).await
                }
                Callback::AlertAnswer {
                    alert_id,
                    link_id,
                    reached,
                } => alerts::answer(ctx, &ev, &tap, alert_id, link_id, reached).await,
                Callback::NotSafe => screen::not_safe(ctx, &ev, patient.as_ref(), &tap).await,
                Callback::Screen {
                    screen_id,
                    question,
                    yes,
                } => {
                    screen::answer(ctx, &ev, patient.as_ref(), &tap, screen_id, question, yes).await
                }
                Callback::Ok { fine } => {
                    ok_check::ok_answer(ctx, &ev, patient.as_ref(), &tap, fine).await
                }
                ref plan @ (Callback::PlanShow | Callback::PlanWrite | Callback::PlanSkip) => {
                    safety_plan::plan_tap(ctx, &ev, patient.as_ref(), &tap, plan).await
                }
                Callback::Consent { agree, lang } => {
                    onboarding::consent(ctx, &ev, patient.as_ref(), &tap, agree, lang.as_deref())
                        .await
                }
                Callback::Language(code) => {
                    language::tap(ctx, &ev, patient.as_ref(), &tap, &code).await
                }
                Callback::Sos => {
                    ctx.ack(&tap.query_id, None).await;
                    sos::start(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Callback::SosRate {
                    sos_id,
                    round,
                    urge,
                } => sos::rate(ctx, &ev, patient.as_ref(), &tap, sos_id, round, urge).await,
                Callback::Suggestion { shown_id, action } => {
                    coping::tap(ctx, &ev, patient.as_ref(), &tap, shown_id, action).await
                }
                Callback::Zone(i) => {
                    onboarding::zone_button(ctx, &ev, patient.as_ref(), &tap, i).await
                }
                Callback::Delete { confirm } => {
                    account::delete_answer(ctx, &ev, &tap, confirm).await
                }
                Callback::Prompt { prompt_id, later } => {
                    schedule::prompt_tap(ctx, &ev, patient.as_ref(), &tap, prompt_id, later).await
                }
                Callback::Schedule(action) => {
                    schedule::action(ctx, &ev, patient.as_ref(), &tap, action).await
                }
                Callback::Pause { days } => {
                    schedule::pause(ctx, &ev, patient.as_ref(), &tap, days).await
                }
                Callback::Quiet(window) => {
                    schedule::quiet_tap(ctx, &ev, patient.as_ref(), &tap, window).await
                }
                Callback::StartCheckin => {
                    ctx.ack(&tap.query_id, None).await;
                    checkin::begin(ctx, &ev, patient.as_ref(), chat_id).await
                }
                Callback::Resume(checkin_id) => {
                    checkin::resume(ctx, &ev, patient.as_ref(), &tap, checkin_id).await
                }
                Callback::CountryList => country::list_tap(ctx, &ev, patient.as_ref(), &tap).await,
                Callback::Country(code) => {
                    country::tap(ctx, &ev, patient.as_ref(), &tap, &code).await
                }
                Callback::HarmReductionOff => {
                    coping::harm_reduction_off(ctx, &ev, patient.as_ref(), &tap).await
                }
                Callback::Answer {
                    checkin_id,
                    step,
                    value,
                } => {
                    checkin::button_answer(
                        ctx,
                        &ev,
                        patient.as_ref(),
                        &tap,
                        checkin_id,
                        step,
                        &value,
                    )
                    .await
                }
            }
        }
        Incoming::Membership {
            user_id, blocked, ..
        } => account::membership(ctx, update_id, user_id, blocked).await,
        Incoming::Other => Ok(()),
    }
}

/// The country whose crisis numbers a person is shown: a patient's own; for a support contact,
/// the country of the (first) patient they support, whose emergency number their alerts name;
/// else the region of their Telegram language.
async fn event_country(
    ctx: &Ctx,
    patient: Option<&patients::Patient>,
    user_id: i64,
    language: Option<&str>,
) -> Result<Option<String>> {
    if let Some(p) = patient {
        return Ok(p.country.clone());
    }
    let links = crate::store::contacts::links_of_contact_user(&ctx.db, user_id).await?;
    if let Some(c) = links.iter().find_map(|l| l.patient_country.clone()) {
        return Ok(Some(c));
    }
    Ok(language
        .and_then(|l| l.split(['-', '_']).nth(1))
        .map(str::to_ascii_uppercase)
        .filter(|c| crate::domain::country::is_code(c)))
}

/// The deep-link payload of `/start <payload>`, if any.
pub fn start_payload(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    words.next()?;
    words.next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(parse_command("/start"), Some(Command::Start));
        assert_eq!(parse_command("/start abc123"), Some(Command::Start));
        assert_eq!(
            parse_command("/CheckIn@recovery_bot"),
            Some(Command::Checkin)
        );
        assert_eq!(parse_command("  /help"), Some(Command::Help));
        assert_eq!(parse_command("/crisis"), Some(Command::Crisis));
        assert_eq!(parse_command("/sos"), Some(Command::Sos));
        assert_eq!(parse_command("/language es"), Some(Command::Language));
        assert_eq!(parse_command("/idioma"), Some(Command::Language));
        assert_eq!(parse_command("/whatever"), Some(Command::Unknown));
        assert_eq!(command_target("/checkin@OtherBot now"), Some("OtherBot"));
        assert_eq!(command_target("/checkin"), None);
        assert_eq!(command_target("mail me @ home"), None);
        assert_eq!(parse_command("hello /start"), None);
        assert_eq!(parse_command("7"), None);
        assert_eq!(parse_command(""), None);
        assert_eq!(parse_command("/contact"), Some(Command::Contact));
        assert_eq!(parse_command("/safetyplan"), Some(Command::SafetyPlan));
        assert_eq!(parse_command("/patients"), Some(Command::Patients));
        assert_eq!(parse_command("/stop"), Some(Command::Stop));
        assert_eq!(start_payload("/start abc"), Some("abc"));
        assert_eq!(start_payload("/start"), None);
    }
}
