//! Words a queued message's recipe (`ctx::render::Render`) in a language, through the view of
//! the feature it belongs to. Used when a message is queued (`Ctx::queue_rendered`, wired in by
//! `app`) and again by the sender if the recipient switched language meanwhile.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::render::{Render, Seen};
use crate::ctx::Ctx;
use crate::domain::callback::Callback;

/// The text and keyboard in `lang`.
pub fn render(ctx: &Ctx, recipe: &Render, lang: &str) -> (String, Keyboard) {
    match recipe {
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
        } => crate::features::alerts::contact_alert(
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
