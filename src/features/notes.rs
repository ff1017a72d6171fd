//! `/notes` (also `/notas`): the patient re-reads the notes they wrote at the end of their
//! check-ins, newest first, a few per page, and can delete any of them. Only the patient sees
//! them; nothing here is logged or reaches a contact.

use crate::ctx::keyboard::{Button, Keyboard};
use crate::ctx::{Ctx, Event, Tap};
use crate::domain::callback::Callback;
use crate::features::help;
use crate::store::patients::Patient;
use crate::store::progress as store;
use anyhow::Result;
use chrono::DateTime;

/// Notes per page: at most 1,000 characters each, so a page stays under Telegram's 4,096.
const PER_PAGE: i64 = 3;

pub async fn command(ctx: &Ctx, ev: &Event, patient: Option<&Patient>, chat_id: i64) -> Result<()> {
    let Some(patient) = patient else {
        return help::not_enrolled(ctx, ev, chat_id).await;
    };
    let (text, keyboard) = page(ctx, &ev.lang, patient, 0).await?;
    ctx.say(chat_id, text, Some(keyboard)).await;
    Ok(())
}

/// "Older ▶" / "◀ Newer", and "Keep it" after a delete was asked: the page, in place.
pub async fn page_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    number: u32,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    ctx.ack(&tap.query_id, None).await;
    let (text, keyboard) = page(ctx, &ev.lang, patient, number).await?;
    show(ctx, tap, text, keyboard).await;
    Ok(())
}

/// "🗑" under a note: asked first, in place; then deleted.
pub async fn delete_tap(
    ctx: &Ctx,
    ev: &Event,
    patient: Option<&Patient>,
    tap: &Tap,
    checkin: i64,
    confirm: bool,
) -> Result<()> {
    let Some(patient) = ctx.enrolled(patient, tap, &ev.lang).await else {
        return Ok(());
    };
    let lang = &ev.lang;
    if !confirm {
        // Someone else's check-in, or a note already deleted: the same answer.
        let Some((at, note)) = store::note(&ctx.db, patient.id, checkin).await? else {
            ctx.ack(&tap.query_id, Some(ctx.t(lang, "note-gone"))).await;
            return Ok(());
        };
        ctx.ack(&tap.query_id, None).await;
        let text = ctx.t_with(
            lang,
            "note-delete-ask",
            &[("when", when(patient, at).into()), ("note", note.into())],
        );
        let keyboard = Keyboard::new([
            vec![
                Button::callback(
                    ctx.t(lang, "button-note-delete-yes"),
                    Callback::NoteDelete {
                        checkin,
                        confirm: true,
                    }
                    .encode(),
                ),
                Button::callback(
                    ctx.t(lang, "button-note-keep"),
                    Callback::Notes { page: 0 }.encode(),
                ),
            ],
            ctx.crisis_row(lang),
        ]);
        show(ctx, tap, text, keyboard).await;
        return Ok(());
    }
    let mut tx = ctx.work(ev).await?;
    let deleted = store::delete_note(&mut tx, patient.id, checkin).await?;
    tx.commit().await?;
    let said = if deleted { "note-deleted" } else { "note-gone" };
    ctx.ack(&tap.query_id, Some(ctx.t(lang, said))).await;
    let (text, keyboard) = page(ctx, lang, patient, 0).await?;
    show(ctx, tap, text, keyboard).await;
    Ok(())
}

async fn show(ctx: &Ctx, tap: &Tap, text: String, keyboard: Keyboard) {
    match tap.message_id {
        Some(m) => {
            ctx.edit(tap.chat_id, m, text, Some(keyboard)).await;
        }
        None => {
            ctx.say(tap.chat_id, text, Some(keyboard)).await;
        }
    }
}

/// When a note was written, in the patient's time zone: `2026-03-02 20:15`.
fn when(patient: &Patient, at: i64) -> String {
    let Some(at) = DateTime::from_timestamp(at, 0) else {
        return String::new();
    };
    match &patient.zone {
        Some(zone) => format!("{} {}", zone.local_date(at), zone.local_hhmm(at)),
        None => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// Page `number` (0 is the newest), clamped to the last page.
async fn page(ctx: &Ctx, lang: &str, patient: &Patient, number: u32) -> Result<(String, Keyboard)> {
    let total = store::note_count(&ctx.db, patient.id).await?;
    if total == 0 {
        return Ok((ctx.t(lang, "notes-none"), ctx.crisis_only(lang)));
    }
    let last = (total - 1) / PER_PAGE;
    let number = i64::from(number).min(last);
    let notes = store::notes(&ctx.db, patient.id, number * PER_PAGE, PER_PAGE).await?;
    let from = number * PER_PAGE + 1;
    let mut text = ctx.t_with(
        lang,
        "notes-title",
        &[
            ("from", from.into()),
            ("to", (from + notes.len() as i64 - 1).into()),
            ("total", total.into()),
        ],
    );
    let mut deletes = Vec::new();
    for (i, (id, at, note)) in notes.iter().enumerate() {
        let n = from + i as i64;
        text.push_str(&format!("\n\n{n}. {}\n{note}", when(patient, *at)));
        deletes.push(Button::callback(
            ctx.t_with(lang, "button-note-delete", &[("n", n.into())]),
            Callback::NoteDelete {
                checkin: *id,
                confirm: false,
            }
            .encode(),
        ));
    }
    let mut rows = vec![deletes];
    let mut paging = Vec::new();
    if number > 0 {
        paging.push(Button::callback(
            ctx.t(lang, "button-notes-newer"),
            Callback::Notes {
                page: number as u32 - 1,
            }
            .encode(),
        ));
    }
    if number < last {
        paging.push(Button::callback(
            ctx.t(lang, "button-notes-older"),
            Callback::Notes {
                page: number as u32 + 1,
            }
            .encode(),
        ));
    }
    if !paging.is_empty() {
        rows.push(paging);
    }
    rows.push(ctx.crisis_row(lang));
    Ok((text, Keyboard::new(rows)))
}
