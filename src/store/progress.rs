//! What use-free days and milestones are computed from, and the milestones celebrated.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// Every answer the patient gave to "did you use?": (the moment the check-in describes, the
/// answer's code), oldest first.
pub async fn use_answers(tx: &mut Tx, patient_id: i64) -> Result<Vec<(i64, String)>> {
    on!(tx.conn(), |c| sqlx::query_as(USE_ANSWERS)
        .bind(patient_id)
        .fetch_all(c)
        .await)
    .context("store::progress::use_answers")
}

/// `use_answers`, read on the pool (for `/progress`, which writes nothing).
pub async fn use_answers_read(db: &Db, patient_id: i64) -> Result<Vec<(i64, String)>> {
    on!(db.reader(), |c| sqlx::query_as(USE_ANSWERS)
        .bind(patient_id)
        .fetch_all(c)
        .await)
    .context("store::progress::use_answers")
}

const USE_ANSWERS: &str =
    "SELECT about_at, used FROM checkins WHERE patient_id = $1 AND used IS NOT NULL ORDER BY about_at, id";

/// The milestones already celebrated (in days).
pub async fn milestones_given(tx: &mut Tx, patient_id: i64) -> Result<Vec<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT days FROM milestones WHERE patient_id = $1 ORDER BY days"
    )
    .bind(patient_id)
    .fetch_all(c)
    .await)
    .context("store::progress::milestones_given")
}

/// Records milestones as celebrated (or passed while the messages were off).
pub async fn give_milestones(tx: &mut Tx, patient_id: i64, days: &[i64], now: i64) -> Result<()> {
    for &d in days {
        on!(tx.conn(), |c| sqlx::query(
            "INSERT INTO milestones (patient_id, days, reached_at) VALUES ($1, $2, $3)
             ON CONFLICT (patient_id, days) DO NOTHING",
        )
        .bind(patient_id)
        .bind(d)
        .bind(now)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::progress::give_milestones")?;
    }
    Ok(())
}

/// Turns milestone messages off (`true`) or on again.
pub async fn set_milestones_off(tx: &mut Tx, patient_id: i64, off: bool) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET milestones_off = $1 WHERE id = $2"
    )
    .bind(i64::from(off))
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::progress::set_milestones_off")?;
    Ok(())
}

/// A page of the patient's notes, newest first: (check-in id, when it started, the note).
pub async fn notes(
    db: &Db,
    patient_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT id, started_at, note FROM checkins WHERE patient_id = $1 AND note IS NOT NULL
         ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(patient_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)
    .context("store::progress::notes")
}

/// How many notes the patient has.
pub async fn note_count(db: &Db, patient_id: i64) -> Result<i64> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM checkins WHERE patient_id = $1 AND note IS NOT NULL"
    )
    .bind(patient_id)
    .fetch_one(c)
    .await)
    .context("store::progress::note_count")
}

/// One of the patient's notes (`None`: gone, or not theirs).
pub async fn note(db: &Db, patient_id: i64, checkin_id: i64) -> Result<Option<(i64, String)>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT started_at, note FROM checkins WHERE id = $1 AND patient_id = $2 AND note IS NOT NULL",
    )
    .bind(checkin_id)
    .bind(patient_id)
    .fetch_optional(c).await)
    .context("store::progress::note")
}

/// Deletes the note of one of the patient's check-ins (the rest of the check-in stays;
/// `secure_delete` overwrites the text). Returns whether there was one.
pub async fn delete_note(tx: &mut Tx, patient_id: i64, checkin_id: i64) -> Result<bool> {
    let n = on!(tx.conn(), |c| {
        sqlx::query(
        "UPDATE checkins SET note = NULL WHERE id = $1 AND patient_id = $2 AND note IS NOT NULL",
    )
    .bind(checkin_id)
    .bind(patient_id)
    .execute(c).await.map(Done::from)
    })
    .context("store::progress::delete_note")?
    .rows_affected();
    Ok(n > 0)
}

/// One check-in's answers for the chart, by the moment it describes.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct TrendRow {
    pub about_at: i64,
    pub mood: Option<i64>,
    pub sleep_minutes: Option<i64>,
    pub craving: Option<i64>,
    pub used: Option<String>,
}

/// The patient's check-ins describing a moment at or after `since`, oldest first.
pub async fn trend(db: &Db, patient_id: i64, since: i64) -> Result<Vec<TrendRow>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT about_at, mood, sleep_minutes, craving, used FROM checkins
         WHERE patient_id = $1 AND about_at >= $2 ORDER BY about_at, id",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_all(c)
    .await)
    .context("store::progress::trend")
}
