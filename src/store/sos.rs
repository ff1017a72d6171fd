//! `/sos` sessions: the urge rated at the start and at each follow-up.

use super::Tx;
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Sos {
    pub id: i64,
    pub patient_id: i64,
    pub started_at: i64,
    /// Follow-ups queued so far.
    pub followups: i64,
}

/// Starts a session. Follow-ups of the patient's earlier sessions that have not gone out yet
/// are dropped: a new /sos starts over, and two "how strong is it now?" would confuse.
pub async fn start(tx: &mut Tx, patient_id: i64, now: i64) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = 'expired', last_error = 'a newer /sos started'
         WHERE patient_id = $1 AND status = 'pending' AND sos_id IS NOT NULL",
    )
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::sos::start")?;
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO sos (patient_id, started_at) VALUES ($1, $2) RETURNING id"
    )
    .bind(patient_id)
    .bind(now)
    .fetch_one(c)
    .await)
    .context("store::sos::start")
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Sos>> {
    on!(tx.conn(), |c| sqlx::query_as(
        "SELECT id, patient_id, started_at, followups FROM sos WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::sos::get")
}

/// The patient's most recent session.
pub async fn latest(tx: &mut Tx, patient_id: i64) -> Result<Option<Sos>> {
    on!(tx.conn(), |c| sqlx::query_as(
        "SELECT id, patient_id, started_at, followups FROM sos
         WHERE patient_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::sos::latest")
}

pub async fn set_followups(tx: &mut Tx, id: i64, followups: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE sos SET followups = $1 WHERE id = $2"
    )
    .bind(followups)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::sos::set_followups")?;
    Ok(())
}

/// Stores the urge for one round. False if that round was rated already.
pub async fn rate(tx: &mut Tx, id: i64, round: i64, urge: u8, now: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO sos_ratings (sos_id, round, urge, rated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sos_id, round) DO NOTHING",
    )
    .bind(id)
    .bind(round)
    .bind(i64::from(urge))
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::sos::rate")?
    .rows_affected()
        > 0)
}

/// (round, urge) in round order.
pub async fn ratings(tx: &mut Tx, id: i64) -> Result<Vec<(i64, u8)>> {
    let rows: Vec<(i64, i64)> = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT round, urge FROM sos_ratings WHERE sos_id = $1 ORDER BY round"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .context("store::sos::ratings")?;
    Ok(rows
        .into_iter()
        .map(|(round, urge)| (round, urge as u8))
        .collect())
}
