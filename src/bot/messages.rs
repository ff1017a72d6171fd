//! A message typed in a chat: commands, words of crisis first, then whatever the person is in
//! the middle of (onboarding, naming a contact, a check-in time, a safety plan, a check-in).

use super::commands::{command_target, parse_command, start_payload, Command};
use super::incoming::Said;
use super::router::event;
use crate::ctx::Ctx;
use crate::domain::conversation::Awaiting;
use crate::features::{
    account, checkin, contacts, country, help, language, onboarding, safety_plan, schedule, screen,
    sos,
};
use crate::store::{checkins, patients};
use anyhow::Result;

pub(super) async fn said(ctx: &Ctx, update_id: i64, said: Said) -> Result<()> {
    let Said {
        user_id,
        language,
        chat_id,
        private,
        message_id,
        text,
        date,
    } = said;
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
    let (patient, ev) = event(ctx, update_id, user_id, language.as_deref()).await?;
    // Someone who blocked the bot and writes again is back.
    if let Some(p) = patient.as_ref().filter(|p| !p.active) {
        let mut tx = ctx.db.write().await?;
        account::reactivate(ctx, &mut tx, p).await?;
        tx.commit().await?;
        ctx.wake_scheduler.notify_one();
    }
    // A command ends any half-finished edit of a check-in time.
    if let (Some(_), Some(p)) = (command, patient.as_ref().filter(|p| p.awaiting.is_some())) {
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
    // What follows a command's name (`/quiet 22:00-07:00`), for the commands that take it.
    let args = text.as_deref().unwrap_or("");
    let p = patient.as_ref();
    match command {
        Some(Command::Start) => match start_payload(args) {
            Some(token) => contacts::open_invite(ctx, &ev, p, chat_id, token).await,
            None => onboarding::start(ctx, &ev, p, chat_id).await,
        },
        Some(Command::Contact) => contacts::command(ctx, &ev, p, chat_id).await,
        Some(Command::SafetyPlan) => safety_plan::plan_show(ctx, &ev, p, chat_id).await,
        Some(Command::Patients) => contacts::patients_command(ctx, &ev, chat_id).await,
        Some(Command::Stop) => contacts::stop_command(ctx, &ev, chat_id).await,
        Some(Command::Country) => country::command(ctx, &ev, p, chat_id, args).await,
        Some(Command::Progress) => crate::features::progress::command(ctx, &ev, p, chat_id).await,
        Some(Command::History) => crate::features::history::command(ctx, &ev, p, chat_id).await,
        Some(Command::Notes) => crate::features::notes::command(ctx, &ev, p, chat_id).await,
        Some(Command::Export) => crate::features::export::command(ctx, &ev, p, chat_id).await,
        Some(Command::Checkin) => {
            let yesterday = super::commands::means_yesterday(args);
            checkin::begin_about(ctx, &ev, p, chat_id, yesterday).await
        }
        Some(Command::Help) => help::help(ctx, &ev, p, chat_id).await,
        Some(Command::Crisis) => help::crisis(ctx, &ev, chat_id).await,
        Some(Command::Schedule) => schedule::show(ctx, &ev, p, chat_id).await,
        Some(Command::Pause) => schedule::pause_ask(ctx, &ev, p, chat_id).await,
        Some(Command::Resume) => schedule::resume(ctx, &ev, p, chat_id).await,
        Some(Command::Quiet) => schedule::quiet_command(ctx, &ev, p, chat_id, args).await,
        Some(Command::Sos) => sos::start(ctx, &ev, p, chat_id).await,
        Some(Command::Language) => language::command(ctx, &ev, p, chat_id, args).await,
        Some(Command::Delete) => account::delete_ask(ctx, &ev, p, chat_id).await,
        Some(Command::Unknown) => help::unknown(ctx, &ev, p, chat_id).await,
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
                    return schedule::awaiting_text(ctx, &ev, &patient, *slot, text.as_deref())
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
                    checkin::text_answer(ctx, &ev, &patient, &open, typed, text.as_deref()).await
                }
                None => {
                    use crate::content::phrases::Intent;
                    // "How am I doing?": the view it asks for.
                    let intent = text.as_deref().and_then(|t| ctx.content.phrases.intent(t));
                    let p = Some(&patient);
                    match intent {
                        Some(Intent::Progress) => {
                            crate::features::progress::command(ctx, &ev, p, chat_id).await
                        }
                        Some(Intent::History) => {
                            crate::features::history::command(ctx, &ev, p, chat_id).await
                        }
                        None => help::unknown(ctx, &ev, p, chat_id).await,
                    }
                }
            }
        }
    }
}
