//! What use-free days and milestones are computed from, and the milestones celebrated.

use super::{Db, Tx};
use anyhow::{Context, Result};

/// Every answer the patient gave to "did you use?": (when the check-in started, the answer's
/// code), oldest first.
pub async fn use_answers(tx: &mut Tx, patient_id: i64) -> Result<Vec<(i64, String)>> {
    sqlx::query_as(USE_ANSWERS)
        .bind(patient_id)
        .fetch_all(&mut **tx)
        .await
        .context("store::progress::use_answers")
}

/// `use_answers`, read on the pool (for `/progress`, which writes nothing).
pub async fn use_answers_read(db: &Db, patient_id: i64) -> Result<Vec<(i64, String)>> {
    sqlx::query_as(USE_ANSWERS)
        .bind(patient_id)
        .fetch_all(db.pool())
        .await
        .context("store::progress::use_answers")
}

const USE_ANSWERS: &str =
    "SELECT started_at, used FROM checkins WHERE patient_id = ? AND used IS NOT NULL ORDER BY started_at, id";

/// The milestones already celebrated (in days).
pub async fn milestones_given(tx: &mut Tx, patient_id: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar("SELECT days FROM milestones WHERE patient_id = ? ORDER BY days")
        .bind(patient_id)
        .fetch_all(&mut **tx)
        .await
        .context("store::progress::milestones_given")
}

/// Records milestones as celebrated (or passed while the messages were off).
pub async fn give_milestones(tx: &mut Tx, patient_id: i64, days: &[i64], now: i64) -> Result<()> {
    for &d in days {
        sqlx::query(
            "INSERT INTO milestones (patient_id, days, reached_at) VALUES (?, ?, ?)
             ON CONFLICT (patient_id, days) DO NOTHING",
        )
        .bind(patient_id)
        .bind(d)
        .bind(now)
        .execute(&mut **tx)
        .await
        .context("store::progress::give_milestones")?;
    }
    Ok(())
}

/// Turns milestone messages off (`true`) or on again.
pub async fn set_milestones_off(tx: &mut Tx, patient_id: i64, off: bool) -> Result<()> {
    sqlx::query("UPDATE patients SET milestones_off = ? WHERE id = ?")
        .bind(off)
        .bind(patient_id)
        .execute(&mut **tx)
        .await
        .context("store::progress::set_milestones_off")?;
    Ok(())
}
