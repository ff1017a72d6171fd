//! Check-in slots: what to ask, when, and the next instance (so restarts change nothing).

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::checkin::Questions;
use crate::domain::schedule::{
    day_seed, first_instance, instance, Days, LocalTime, QuietHours, SlotKind, Timing, Week,
};
use crate::domain::timezone::PatientZone;
use crate::on;
use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

/// Most slots one patient may have.
pub const MAX_SLOTS: usize = 6;

#[derive(Debug, Clone)]
pub struct Slot {
    pub id: i64,
    pub patient_id: i64,
    pub kind: SlotKind,
    pub questions: Questions,
    pub timing: Timing,
    pub next_date: NaiveDate,
    pub next_due_at: i64,
}

/// A slot whose next instance has come, with what the scheduler needs about its patient.
#[derive(Debug, Clone)]
pub struct DueSlot {
    pub slot: Slot,
    pub chat_id: i64,
    pub language: String,
    pub zone: PatientZone,
    pub quiet: Option<QuietHours>,
    pub paused_until: Option<i64>,
}

const SELECT: &str =
    "SELECT s.id, s.patient_id, s.kind, s.questions, s.at_minute, s.window_start, \
    s.window_end, s.week, s.next_date, s.next_due_at";

#[derive(sqlx::FromRow)]
struct SlotRow {
    id: i64,
    patient_id: i64,
    kind: String,
    questions: String,
    at_minute: Option<i64>,
    window_start: Option<i64>,
    window_end: Option<i64>,
    week: Option<String>,
    next_date: String,
    next_due_at: i64,
}

/// `None` for a row that no longer makes sense (it is left out, as before).
fn slot_from_row(r: SlotRow) -> Option<Slot> {
    let timing = match (r.at_minute, r.window_start, r.window_end) {
        // A week that no longer reads (an edited database) falls back to every day.
        (Some(m), _, _) => match r.week.as_deref().map(Week::parse_cron) {
            Some(Ok(w)) => Timing::Week(weekday_time_kept(w, m)),
            _ => Timing::At(LocalTime::from_minutes(m as u16)?),
        },
        (None, Some(s), Some(e)) => Timing::Window {
            start: LocalTime::from_minutes(s as u16)?,
            end: LocalTime::from_minutes(e as u16)?,
        },
        _ => return None,
    };
    Some(Slot {
        id: r.id,
        patient_id: r.patient_id,
        kind: SlotKind::parse(r.kind.as_str())?,
        questions: Questions::parse(r.questions.as_str())?,
        timing,
        next_date: r.next_date.parse().ok()?,
        next_due_at: r.next_due_at,
    })
}

/// A week due only at weekends keeps its weekday time in `at_minute` (its cron has no weekday
/// part to hold it), so turning weekdays back on brings that time back.
fn weekday_time_kept(w: Week, at_minute: i64) -> Week {
    let at = u16::try_from(at_minute)
        .ok()
        .and_then(LocalTime::from_minutes);
    match at {
        Some(at) if w.days.and(Days::WEEKDAYS).is_empty() && at != w.time => Week {
            days: w.days,
            time: at,
            weekend: Some(w.time),
        },
        _ => w,
    }
}

pub fn quiet_from(start: Option<i64>, end: Option<i64>) -> Option<QuietHours> {
    Some(QuietHours {
        start: LocalTime::from_minutes(start? as u16)?,
        end: LocalTime::from_minutes(end? as u16)?,
    })
}

/// (at_minute, window_start, window_end, week) as stored.
type TimingColumns = (Option<i64>, Option<i64>, Option<i64>, Option<String>);

fn timing_columns(t: Timing) -> TimingColumns {
    match t.normalized() {
        Timing::At(at) => (Some(i64::from(at.minutes())), None, None, None),
        Timing::Window { start, end } => (
            None,
            Some(i64::from(start.minutes())),
            Some(i64::from(end.minutes())),
            None,
        ),
        Timing::Week(w) => (
            Some(i64::from(w.time.minutes())),
            None,
            None,
            Some(w.cron()),
        ),
    }
}

/// Creates a slot and computes its first instance after `now`.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    patient_id: i64,
    kind: SlotKind,
    timing: Timing,
    zone: PatientZone,
    quiet: Option<QuietHours>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (at, ws, we, week) = timing_columns(timing);
    let id: i64 = on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO slots (patient_id, kind, questions, at_minute, window_start, window_end,
                            week, next_date, next_due_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, '1970-01-01', 0, $8) RETURNING id",
    )
    .bind(patient_id)
    .bind(kind.code())
    .bind(kind.questions().code())
    .bind(at)
    .bind(ws)
    .bind(we)
    .bind(week)
    .bind(now.timestamp())
    .fetch_one(c)
    .await)
    .context("store::slots::create")?;
    let (date, due) = first_instance(timing, zone, quiet, now, |d| day_seed(patient_id, id, d));
    set_next(tx, id, date, due.timestamp()).await?;
    Ok(id)
}

pub async fn set_next(tx: &mut Tx, slot_id: i64, date: NaiveDate, due_at: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE slots SET next_date = $1, next_due_at = $2 WHERE id = $3"
    )
    .bind(date.to_string())
    .bind(due_at)
    .bind(slot_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::slots::set_next")?;
    Ok(())
}

/// Changes when a slot fires; its next instance is recomputed from `now`.
pub async fn set_timing(
    tx: &mut Tx,
    slot: &Slot,
    timing: Timing,
    zone: PatientZone,
    quiet: Option<QuietHours>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (at, ws, we, week) = timing_columns(timing);
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE slots SET at_minute = $1, window_start = $2, window_end = $3, week = $4 WHERE id = $5",
    )
    .bind(at)
    .bind(ws)
    .bind(we)
    .bind(week)
    .bind(slot.id)
    .execute(c).await.map(Done::from))
    .context("store::slots::set_timing")?;
    let (date, due) = first_instance(timing, zone, quiet, now, |d| {
        day_seed(slot.patient_id, slot.id, d)
    });
    // Never a second prompt for a local date that already had one (after moving a slot later
    // the same day, or a change of time zone).
    let done_until = prompted_until(tx, slot.id).await?;
    let (mut date, mut due) = (date, due);
    while date <= done_until {
        date = crate::domain::schedule::next_due_date(
            timing,
            date.succ_opt()
                .context("store::slots::set_timing: no date after the last prompted one")?,
        );
        due = instance(
            timing,
            zone,
            quiet,
            date,
            day_seed(slot.patient_id, slot.id, date),
        );
    }
    set_next(tx, slot.id, date, due.timestamp()).await
}

/// The last local date this slot produced a prompt for (or 1970-01-01).
async fn prompted_until(tx: &mut Tx, slot_id: i64) -> Result<NaiveDate> {
    let last: Option<String> = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT MAX(local_date) FROM prompts WHERE slot_id = $1"
    )
    .bind(slot_id)
    .fetch_one(c)
    .await)
    .context("store::slots::prompted_until")?;
    Ok(last.and_then(|d| d.parse().ok()).unwrap_or(NaiveDate::MIN))
}

/// Recomputes every slot of a patient from `now` (time zone or quiet hours changed, the
/// patient came back after blocking the bot, or resumed). Days already prompted are skipped.
pub async fn reschedule_all(
    tx: &mut Tx,
    patient_id: i64,
    zone: PatientZone,
    quiet: Option<QuietHours>,
    now: DateTime<Utc>,
) -> Result<()> {
    let rows: Vec<SlotRow> = on!(tx.conn(), |c| sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} FROM slots s WHERE s.patient_id = $1"
    )))
    .bind(patient_id)
    .fetch_all(c)
    .await)
    .context("store::slots::reschedule_all")?;
    for slot in rows.into_iter().filter_map(slot_from_row) {
        set_timing(tx, &slot, slot.timing, zone, quiet, now).await?;
    }
    Ok(())
}

pub async fn delete(tx: &mut Tx, slot_id: i64, patient_id: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "DELETE FROM slots WHERE id = $1 AND patient_id = $2"
    )
    .bind(slot_id)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::slots::delete")?
    .rows_affected()
        > 0)
}

pub async fn list(db: &Db, patient_id: i64) -> Result<Vec<Slot>> {
    let rows: Vec<SlotRow> = on!(db.reader(), |c| sqlx::query_as(AssertSqlSafe(format!("{SELECT} FROM slots s WHERE s.patient_id = $1 ORDER BY COALESCE(s.at_minute, s.window_start), s.id")))
        .bind(patient_id)
        .fetch_all(c).await).context("store::slots::list")?;
    Ok(rows.into_iter().filter_map(slot_from_row).collect())
}

/// A slot, only if it belongs to `patient_id`.
pub async fn get_owned(db: &Db, slot_id: i64, patient_id: i64) -> Result<Option<Slot>> {
    let row: Option<SlotRow> = on!(db.reader(), |c| sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} FROM slots s WHERE s.id = $1 AND s.patient_id = $2"
    )))
    .bind(slot_id)
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::slots::get_owned")?;
    Ok(row.and_then(slot_from_row))
}

pub async fn count(tx: &mut Tx, patient_id: i64) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM slots WHERE patient_id = $1"
    )
    .bind(patient_id)
    .fetch_one(c)
    .await)
    .context("store::slots::count")
}

/// Slots of active, onboarded patients whose next instance is at or before `now`. Read inside
/// the scheduler's write transaction, so a change a patient makes meanwhile cannot be
/// overwritten with what was read before it.
#[derive(sqlx::FromRow)]
struct DueSlotRow {
    #[sqlx(flatten)]
    slot: SlotRow,
    chat_id: i64,
    language: String,
    time_zone: String,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    paused_until: Option<i64>,
}

pub async fn due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<DueSlot>> {
    let rows: Vec<DueSlotRow> = on!(tx.conn(), |c| sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT}, p.chat_id, p.language, p.time_zone, p.quiet_start, p.quiet_end, p.paused_until
         FROM slots s JOIN patients p ON p.id = s.patient_id
         WHERE s.next_due_at <= $1 AND p.active = 1 AND p.time_zone IS NOT NULL
         ORDER BY s.next_due_at LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)
    .context("store::slots::due")?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(DueSlot {
                slot: slot_from_row(r.slot)?,
                chat_id: r.chat_id,
                language: r.language,
                zone: PatientZone::parse(r.time_zone.as_str()).ok()?,
                quiet: quiet_from(r.quiet_start, r.quiet_end),
                paused_until: r.paused_until,
            })
        })
        .collect())
}

/// When the next scheduled check-in of any active patient is due (the sandbox's "next
/// check-in" button).
pub async fn next_due(db: &Db) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(s.next_due_at) FROM slots s JOIN patients p ON p.id = s.patient_id
         WHERE p.active = 1 AND p.time_zone IS NOT NULL",
    )
    .fetch_one(c)
    .await)
    .context("store::slots::next_due")
}
