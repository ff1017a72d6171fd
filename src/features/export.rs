//! `/export` (also `/exportar`): the patient's data as two files they keep: a CSV of their
//! check-ins and a JSON file with everything stored about them. Asked first, since Telegram
//! stores a file like any message. `/delete` offers it before erasing.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::{Ctx, Event, Tap};
use crate::domain::callback::Callback;
use crate::domain::export::{line, number, text};
use crate::domain::timezone::PatientZone;
use crate::features::help;
use crate::store::export as store;
use crate::store::patients::Patient;
use anyhow::Result;
use chrono::DateTime;

/// The CSV's columns (stable names, in English, for spreadsheets and other tools).
const HEADER: [&str; 13] = [
    "local_date",
    "local_time",
    "time_zone",
    "mood",
    "sleep_hours",
    "sleep_quality",
    "craving",
    "used",
    "note",
    "scheduled",
    "answered_at",
    "status",
    // The day it describes: the local date, except for a missed day filled in afterwards.
    "about_date",
];

pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    if patient.is_none() {
        return help::not_enrolled(ctx, ev, chat_id).await;
    }
    ctx.say(
        chat_id,
        ctx.t(&ev.lang, "export-ask"),
        Some(ask_keyboard(ctx, &ev.lang)),
    )
    .await;
    Ok(())
}

fn ask_keyboard(ctx: &Ctx, lang: &str) -> Keyboard {
    Keyboard::new([
        vec![
            Button::callback(
                ctx.t(lang, "button-export-yes"),
                Callback::Export { confirm: true }.encode(),
            ),
            Button::callback(
                ctx.t(lang, "button-not-now"),
                Callback::Export { confirm: false }.encode(),
            ),
        ],
        ctx.crisis_row(lang),
    ])
}

/// "Get my data first" under `/delete`'s question.
pub async fn ask_tap(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, tap: &Tap) -> Result<()> {
    if ctx.enrolled(patient, tap, &ev.lang).await.is_none() {
        return Ok(());
    }
    ctx.ack(&tap.query_id, None).await;
    ctx.say(
        tap.chat_id,
        ctx.t(&ev.lang, "export-ask"),
        Some(ask_keyboard(ctx, &ev.lang)),
    )
    .await;
    Ok(())
}

pub async fn answer_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    confirm: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    ctx.ack(&tap.query_id, None).await;
    if let Some(m) = tap.message_id {
        ctx.set_keyboard(tap.chat_id, m, ctx.crisis_only(lang))
            .await;
    }
    if !confirm {
        let keyboard = ctx.crisis_only(lang);
        ctx.say(tap.chat_id, ctx.t(lang, "export-not-now"), Some(keyboard))
            .await;
        return Ok(());
    }
    let csv = checkins_csv(ctx, patient).await?;
    let mut json = store::everything(&ctx.db, patient.id).await?;
    json["exported_at"] = serde_json::json!(ctx.clock.now().to_rfc3339());
    let json = serde_json::to_vec_pretty(&json)?;
    let sent = ctx
        .send_file(
            tap.chat_id,
            "check-ins.csv",
            csv.into_bytes(),
            ctx.t(lang, "export-csv-caption"),
        )
        .await
        && ctx
            .send_file(
                tap.chat_id,
                "my-data.json",
                json,
                ctx.t(lang, "export-json-caption"),
            )
            .await;
    // Only that it happened: never what was in it.
    tracing::info!(sent, "export sent");
    if !sent {
        ctx.say(
            tap.chat_id,
            ctx.t(lang, "export-failed"),
            Some(ctx.crisis_only(lang)),
        )
        .await;
    }
    Ok(())
}

/// One row per check-in, in the patient's time zone.
async fn checkins_csv(ctx: &Ctx, patient: &Patient) -> Result<String> {
    let rows = store::checkins(&ctx.db, patient.id).await?;
    Ok(csv(&rows, patient.zone.as_ref()))
}

/// The CSV of `rows`, dated in `zone` (UTC when the patient has none yet).
pub fn csv(rows: &[store::CheckinRow], zone: Option<&PatientZone>) -> String {
    let zone_name = zone.map_or_else(|| "UTC".to_string(), |z| z.to_string());
    let local = |at: i64| -> (String, String) {
        let Some(at) = DateTime::from_timestamp(at, 0) else {
            return (String::new(), String::new());
        };
        match zone {
            Some(z) => (z.local_date(at).to_string(), z.local_hhmm(at)),
            None => (at.date_naive().to_string(), at.format("%H:%M").to_string()),
        }
    };
    let mut out = line(&HEADER.map(String::from));
    for r in rows {
        let (date, time) = local(r.started_at);
        let answered = r.completed_at.map(|at| {
            let (d, t) = local(at);
            format!("{d} {t}")
        });
        let used = match r.used.as_deref() {
            Some("yes") => "yes",
            Some("no") => "no",
            Some("skip") => "prefer not to say",
            _ => "",
        };
        out.push_str(&line(&[
            text(&date),
            text(&time),
            text(&zone_name),
            number(r.mood),
            number(r.sleep_minutes.map(|m| m as f64 / 60.0)),
            number(r.sleep_quality),
            number(r.craving),
            text(used),
            text(r.note.as_deref().unwrap_or("")),
            text(if r.scheduled { "yes" } else { "no" }),
            text(answered.as_deref().unwrap_or("")),
            text(&r.status),
            text(&local(r.about_at).0),
        ]));
    }
    out
}
