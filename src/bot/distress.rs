//! Crisis help while nothing can be written (a full disk): answered from what can still be
//! read, before the update is recorded.

use super::commands::{parse_command, Command};
use super::incoming::{Incoming, Said, Tapped};
use super::router::{event_country, region};
use crate::ctx::{Ctx, Event};
use crate::domain::callback::Callback;
use crate::features::help;
use crate::store::{checkins, patients};

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
        Incoming::Message(Said {
            user_id,
            language,
            chat_id,
            private: true,
            ..
        }) => (*user_id, language.as_deref(), *chat_id),
        Incoming::Callback(Tapped {
            user_id,
            language,
            chat_id,
            ..
        }) => (*user_id, language.as_deref(), chat_id.unwrap_or(*user_id)),
        _ => return Distress::NotAnswered,
    };
    let (command, found) = match incoming {
        Incoming::Message(Said {
            text: Some(text), ..
        }) => {
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
        Incoming::Callback(Tapped { data, .. }) => data
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
        Err(_) => region(language),
    };
    let ev = Event {
        update_id,
        user_id,
        lang,
        country,
    };
    if let Incoming::Callback(Tapped { query_id, .. }) = incoming {
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
