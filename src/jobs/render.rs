//! Words a queued message's recipe (`ctx::render::Render`) in a language, through the view of
//! the feature it belongs to. Used when a message is queued (`Ctx::queue_rendered`, wired in by
//! `app`) and again by the sender if the recipient switched language meanwhile.

use crate::ctx::keyboard::Keyboard;
use crate::ctx::render::{Render, Seen};
use crate::ctx::Ctx;
use crate::features::{alerts, contacts, ok_check, schedule, sos};

/// The text and keyboard in `lang`.
pub fn render(ctx: &Ctx, recipe: &Render, lang: &str) -> (String, Keyboard) {
    match recipe {
        Render::Prompt {
            prompt_id,
            kind,
            questions,
        } => schedule::prompt_message(ctx, lang, *prompt_id, kind, *questions),
        Render::Reminder { prompt_id, kind } => {
            schedule::reminder_message(ctx, lang, *prompt_id, kind)
        }
        Render::SosFollowUp {
            sos_id,
            round,
            minutes,
        } => sos::follow_up_message(ctx, lang, *sos_id, *round, *minutes),
        Render::OkCheck => ok_check::ok_check_message(ctx, lang),
        Render::Alert {
            kind,
            alert_id,
            link_id,
            name,
            country,
            signs,
            at,
        } => alerts::contact_alert(
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
        } => contacts::weekly_message(ctx, lang, name, *checkins, [*mood, *sleep_hours, *craving]),
    }
}
