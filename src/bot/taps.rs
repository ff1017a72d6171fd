//! A tapped button: refused outside the tapper's own chat or when its data is not ours, else
//! handed to the feature it belongs to.

use super::incoming::Tapped;
use super::router::event;
use crate::ctx::{Ctx, Tap};
use crate::domain::callback::Callback;
use crate::features::{
    account, alerts, checkin, contacts, coping, country, help, language, ok_check, onboarding,
    safety_plan, schedule, screen, sos,
};
use anyhow::Result;

pub(super) async fn tapped(ctx: &Ctx, update_id: i64, tapped: Tapped) -> Result<()> {
    let Tapped {
        query_id,
        user_id,
        language,
        chat_id,
        message_id,
        data,
        first_name,
    } = tapped;
    let (patient, ev) = event(ctx, update_id, user_id, language.as_deref()).await?;
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
    let p = patient.as_ref();
    match callback {
        Callback::Crisis => {
            ctx.ack(&tap.query_id, None).await;
            help::crisis(ctx, &ev, chat_id).await
        }
        Callback::Help => {
            ctx.ack(&tap.query_id, None).await;
            help::help(ctx, &ev, p, chat_id).await
        }
        Callback::InviteStart => contacts::invite_start(ctx, &ev, p, &tap).await,
        Callback::InviteShare { weekly } => contacts::invite_share(ctx, &ev, p, &tap, weekly).await,
        Callback::InviteLastName => contacts::invite_last_name(ctx, &ev, p, &tap).await,
        Callback::InviteUse { tell } => contacts::invite_use(ctx, &ev, p, &tap, tell).await,
        Callback::ReachOut(from) => alerts::reach_out(ctx, &ev, p, &tap, from).await,
        Callback::InviteAnswer { invite_id, accept } => {
            contacts::invite_answer(ctx, &ev, &tap, first_name.as_deref(), invite_id, accept).await
        }
        Callback::LinkEnd(link_id) => contacts::link_end(ctx, &ev, &tap, link_id).await,
        Callback::LinkWeekly { link_id, weekly } => {
            let setting = contacts::LinkSetting::Weekly(weekly);
            contacts::link_setting(ctx, &ev, p, &tap, link_id, setting).await
        }
        Callback::LinkUse { link_id, tell } => {
            let setting = contacts::LinkSetting::Use(tell);
            contacts::link_setting(ctx, &ev, p, &tap, link_id, setting).await
        }
        Callback::AlertAnswer {
            alert_id,
            link_id,
            reached,
        } => alerts::answer(ctx, &ev, &tap, alert_id, link_id, reached).await,
        Callback::NotSafe => screen::not_safe(ctx, &ev, p, &tap).await,
        Callback::Screen {
            screen_id,
            question,
            yes,
        } => screen::answer(ctx, &ev, p, &tap, screen_id, question, yes).await,
        Callback::Ok { fine } => ok_check::ok_answer(ctx, &ev, p, &tap, fine).await,
        ref plan @ (Callback::PlanShow | Callback::PlanWrite | Callback::PlanSkip) => {
            safety_plan::plan_tap(ctx, &ev, p, &tap, plan).await
        }
        Callback::Consent { agree, lang } => {
            onboarding::consent(ctx, &ev, p, &tap, agree, lang.as_deref()).await
        }
        Callback::Language(code) => language::tap(ctx, &ev, p, &tap, &code).await,
        Callback::Sos => {
            ctx.ack(&tap.query_id, None).await;
            sos::start(ctx, &ev, p, chat_id).await
        }
        Callback::SosRate {
            sos_id,
            round,
            urge,
        } => sos::rate(ctx, &ev, p, &tap, sos_id, round, urge).await,
        Callback::Suggestion { shown_id, action } => {
            coping::tap(ctx, &ev, p, &tap, shown_id, action).await
        }
        Callback::Zone(i) => onboarding::zone_button(ctx, &ev, p, &tap, i).await,
        Callback::Delete { confirm } => account::delete_answer(ctx, &ev, &tap, confirm).await,
        Callback::Prompt { prompt_id, later } => {
            schedule::prompt_tap(ctx, &ev, p, &tap, prompt_id, later).await
        }
        Callback::Schedule(action) => schedule::action(ctx, &ev, p, &tap, action).await,
        Callback::Pause { days } => schedule::pause(ctx, &ev, p, &tap, days).await,
        Callback::Quiet(window) => schedule::quiet_tap(ctx, &ev, p, &tap, window).await,
        Callback::StartCheckin => {
            ctx.ack(&tap.query_id, None).await;
            checkin::begin(ctx, &ev, p, chat_id).await
        }
        Callback::Resume(checkin_id) => checkin::resume(ctx, &ev, p, &tap, checkin_id).await,
        Callback::CountryList => country::list_tap(ctx, &ev, p, &tap).await,
        Callback::Country(code) => country::tap(ctx, &ev, p, &tap, &code).await,
        Callback::HarmReductionOff => coping::harm_reduction_off(ctx, &ev, p, &tap).await,
        Callback::Progress => crate::features::progress::tap(ctx, &ev, p, &tap).await,
        Callback::Notes { page } => crate::features::notes::page_tap(ctx, &ev, p, &tap, page).await,
        Callback::NoteDelete { checkin, confirm } => {
            crate::features::notes::delete_tap(ctx, &ev, p, &tap, checkin, confirm).await
        }
        Callback::ExportAsk => crate::features::export::ask_tap(ctx, &ev, p, &tap).await,
        Callback::Export { confirm } => {
            crate::features::export::answer_tap(ctx, &ev, p, &tap, confirm).await
        }
        Callback::History { days } => {
            crate::features::history::span_tap(ctx, &ev, p, &tap, days).await
        }
        Callback::Reflection { on } => {
            crate::features::reflection::toggle_tap(ctx, &ev, p, &tap, on).await
        }
        Callback::Milestones { on } => {
            crate::features::progress::milestones_tap(ctx, &ev, p, &tap, on).await
        }
        Callback::Answer {
            checkin_id,
            step,
            value,
        } => checkin::button_answer(ctx, &ev, p, &tap, checkin_id, step, &value).await,
    }
}
