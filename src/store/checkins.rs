//! Check-ins: one row each, answers written as they are given.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::checkin::{Answer, Questions, Step, UseAnswer};
use crate::on;
use anyhow::{Context, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Completed,
    Abandoned,
}

#[derive(Debug, Clone)]
pub struct Checkin {
    pub id: i64,
    pub patient_id: i64,
    pub status: Status,
    /// The question being asked; `None` once closed.
    pub step: Option<Step>,
    pub message_id: Option<i32>,
    /// The question `message_id` shows, as Telegram confirmed it; `None` when unknown.
    pub shown: Option<Step>,
    /// When `shown` appeared, as Telegram dated it (seconds since the epoch); `None` when unknown.
    pub shown_at: Option<i64>,
    pub mood: Option<u8>,
    pub sleep_minutes: Option<u16>,
    pub sleep_quality: Option<u8>,
    pub craving: Option<u8>,
    pub used: Option<UseAnswer>,
    pub has_note: bool,
    pub questions: Questions,
    pub prompt_id: Option<i64>,
    /// When it was entered, and the moment it describes: the same, except for a missed day
    /// filled in afterwards.
    pub started_at: i64,
    pub about_at: i64,
}

impl Checkin {
    /// A missed day filled in afterwards.
    pub fn is_backfill(&self) -> bool {
        self.about_at < self.started_at
    }
}

/// `SELECT <all columns> FROM checkins <rest>`, as a static string.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, patient_id, status, step, message_id, shown, shown_at, mood, sleep_minutes, sleep_quality, ",
            "craving, used, note IS NOT NULL AS has_note, questions, prompt_id, started_at, ",
            "about_at FROM checkins ",
            $rest
        )
    };
}

#[derive(sqlx::FromRow)]
struct CheckinRow {
    id: i64,
    patient_id: i64,
    status: String,
    step: Option<String>,
    message_id: Option<i64>,
    shown: Option<String>,
    shown_at: Option<i64>,
    mood: Option<i64>,
    sleep_minutes: Option<i64>,
    sleep_quality: Option<i64>,
    craving: Option<i64>,
    used: Option<String>,
    has_note: bool,
    questions: String,
    prompt_id: Option<i64>,
    started_at: i64,
    about_at: i64,
}

fn from_row(r: CheckinRow) -> Checkin {
    Checkin {
        id: r.id,
        patient_id: r.patient_id,
        status: match r.status.as_str() {
            "open" => Status::Open,
            "completed" => Status::Completed,
            _ => Status::Abandoned,
        },
        step: r.step.as_deref().and_then(Step::from_code),
        message_id: r.message_id.map(|m| m as i32),
        shown: r.shown.as_deref().and_then(Step::from_code),
        shown_at: r.shown_at,
        mood: r.mood.map(|v| v as u8),
        sleep_minutes: r.sleep_minutes.map(|v| v as u16),
        sleep_quality: r.sleep_quality.map(|v| v as u8),
        craving: r.craving.map(|v| v as u8),
        used: r.used.and_then(|u| UseAnswer::from_code(&u).ok()),
        has_note: r.has_note,
        questions: Questions::parse(r.questions.as_str()).unwrap_or_else(Questions::full),
        prompt_id: r.prompt_id,
        started_at: r.started_at,
        about_at: r.about_at,
    }
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Checkin>> {
    let row = on!(db.reader(), |c| sqlx::query_as::<_, CheckinRow>(select!(
        "WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::checkins::get")?;
    Ok(row.map(from_row))
}

pub async fn open_for(db: &Db, patient_id: i64) -> Result<Option<Checkin>> {
    let row = on!(db.reader(), |c| sqlx::query_as::<_, CheckinRow>(select!(
        "WHERE patient_id = $1 AND status = 'open'"
    ))
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::checkins::open_for")?;
    Ok(row.map(from_row))
}

/// Closes as abandoned, keeping their answers, the open check-ins started before
/// `started_before` (of one patient, or of everyone). Returns how many were closed.
pub async fn abandon(
    tx: &mut Tx,
    patient_id: Option<i64>,
    started_before: i64,
    now: i64,
) -> Result<u64> {
    let done = on!(tx.conn(), |c| sqlx::query(
        "UPDATE checkins SET status = 'abandoned', step = NULL, updated_at = $1
         WHERE status = 'open' AND started_at <= $2 AND (patient_id = $3 OR $4 IS NULL)",
    )
    .bind(now)
    .bind(started_before)
    .bind(patient_id)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::checkins::abandon")?;
    Ok(done.rows_affected())
}

/// Starts a new check-in about `about_at` (a missed day filled in) or now. An open one is
/// closed as abandoned, keeping its answers; it is returned so its message can be tidied.
pub async fn start(
    tx: &mut Tx,
    patient_id: i64,
    questions: &Questions,
    prompt_id: Option<i64>,
    about_at: Option<i64>,
    now: i64,
) -> Result<(Checkin, Option<Checkin>)> {
    let about_at = about_at.map_or(now, |a| a.min(now));
    let previous = on!(tx.conn(), |c| sqlx::query_as::<_, CheckinRow>(select!(
        "WHERE patient_id = $1 AND status = 'open'"
    ))
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::checkins::start")?
    .map(from_row);
    // An open check-in with nothing answered yet (a double tap on "Check in now") is reused
    // when it asks the same questions, rather than left behind as an empty abandoned row.
    if let Some(p) = previous.as_ref().filter(|p| {
        p.questions == *questions
            && p.step == Some(questions.first())
            && p.prompt_id == prompt_id
            && if about_at < now {
                p.about_at == about_at
            } else {
                !p.is_backfill()
            }
    }) {
        return Ok((p.clone(), None));
    }
    if let Some(p) = &previous {
        on!(tx.conn(), |c| sqlx::query(
            "UPDATE checkins SET status = 'abandoned', step = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(p.id)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::checkins::start")?;
    }
    let id: i64 = on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO checkins (patient_id, status, step, started_at, updated_at, questions, prompt_id, about_at)
         VALUES ($1, 'open', $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(patient_id)
    .bind(questions.first().code())
    .bind(now)
    .bind(now)
    .bind(questions.code())
    .bind(prompt_id)
    .bind(about_at)
    .fetch_one(c).await).context("store::checkins::start")?;
    let row = on!(tx.conn(), |c| sqlx::query_as::<_, CheckinRow>(select!(
        "WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(c)
    .await)
    .context("store::checkins::start")?;
    Ok((from_row(row), previous))
}

/// Records that message `message_id` shows the check-in at `shown` (Telegram confirmed the send
/// or edit), and when it appeared (`at`, Telegram's date). Without a date (an edit Telegram found
/// "not modified"), a question already recorded in the same message keeps its date.
pub async fn set_shown(
    db: &Db,
    checkin_id: i64,
    message_id: i32,
    shown: Option<Step>,
    at: Option<i64>,
) -> Result<()> {
    let mut tx = db.write().await?;
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE checkins SET shown_at = CASE WHEN $1 IS NULL THEN NULL \
           WHEN $2 IS NOT NULL THEN $2 \
           WHEN message_id = $3 AND shown IS NOT DISTINCT FROM $1 THEN shown_at END, \
         message_id = $3, shown = $1 WHERE id = $4",
    )
    .bind(shown.map(Step::code))
    .bind(at)
    .bind(message_id)
    .bind(checkin_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::checkins::set_shown")?;
    // Bookkeeping after the edit: losing it at a power cut only shows a question again.
    tx.commit_soon().await?;
    Ok(())
}

/// Stores `answer` if, and only if, the check-in is open, belongs to `patient_id` and is at
/// the answer's step; then moves to the next step (or completes). Returns the updated check-in,
/// or `None` when the answer no longer applies (double tap, old keyboard, someone else's).
pub async fn record_answer(
    tx: &mut Tx,
    checkin_id: i64,
    patient_id: i64,
    answer: &Answer,
    now: i64,
) -> Result<Option<Checkin>> {
    let step = answer.step();
    let questions: Option<String> = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT questions FROM checkins WHERE id = $1 AND patient_id = $2"
    )
    .bind(checkin_id)
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::checkins::record_answer")?;
    let Some(questions) = questions.as_deref().and_then(Questions::parse) else {
        return Ok(None);
    };
    let next = questions.after(step);
    let (number, text): (Option<i64>, Option<String>) = match answer {
        Answer::Mood(s) | Answer::SleepQuality(s) | Answer::Craving(s) => {
            (Some(i64::from(s.value())), None)
        }
        Answer::SleepHours(d) => (Some(i64::from(d.minutes())), None),
        Answer::Used(u) => (None, Some(u.code().to_string())),
        // Note: `None` with step "note" marks the note skipped.
        Answer::Note(n) => (None, n.as_ref().map(|n| n.as_str().to_string())),
    };
    let changed = on!(tx.conn(), |c| sqlx::query(
        "UPDATE checkins SET
            mood          = CASE WHEN $1 = 'mood'  THEN $2 ELSE mood END,
            sleep_minutes = CASE WHEN $1 = 'sleep' THEN $2 ELSE sleep_minutes END,
            sleep_quality = CASE WHEN $1 = 'sq'    THEN $2 ELSE sleep_quality END,
            craving       = CASE WHEN $1 = 'crave' THEN $2 ELSE craving END,
            used          = CASE WHEN $1 = 'used'  THEN $3 ELSE used END,
            note          = CASE WHEN $1 = 'note'  THEN $3 ELSE note END,
            note_skipped  = CASE WHEN $1 = 'note' AND $3 IS NULL THEN 1 ELSE note_skipped END,
            step          = $4,
            status        = CASE WHEN $4 IS NULL THEN 'completed' ELSE 'open' END,
            completed_at  = CASE WHEN $4 IS NULL THEN $5 ELSE NULL END,
            updated_at    = $5
         WHERE id = $6 AND patient_id = $7 AND status = 'open' AND step = $1",
    )
    .bind(step.code())
    .bind(number)
    .bind(text)
    .bind(next.map(Step::code))
    .bind(now)
    .bind(checkin_id)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::checkins::record_answer")?
    .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    let row = on!(tx.conn(), |c| sqlx::query_as::<_, CheckinRow>(select!(
        "WHERE id = $1"
    ))
    .bind(checkin_id)
    .fetch_one(c)
    .await)
    .context("store::checkins::record_answer")?;
    Ok(Some(from_row(row)))
}
