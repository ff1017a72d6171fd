//! Suggestions shown, the patient's ratings of them, and what the choice needs to know.

use super::Tx;
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::coping::{Feedback, History, Need};
use crate::on;
use anyhow::{Context, Result};

/// How many recent showings the choice looks at (more than it needs for "no repeats").
const HISTORY_DEPTH: i64 = 30;

#[derive(Debug, Clone)]
pub struct Shown {
    pub id: i64,
    pub patient_id: i64,
    pub checkin_id: Option<i64>,
    pub sos_id: Option<i64>,
    pub need: Need,
    pub key: String,
}

/// Where a suggestion was shown: after a check-in or in an SOS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Checkin(i64),
    Sos(i64),
}

pub async fn record_shown(
    tx: &mut Tx,
    patient_id: i64,
    origin: Origin,
    need: Need,
    key: &str,
    now: i64,
) -> Result<i64> {
    let (checkin_id, sos_id) = match origin {
        Origin::Checkin(c) => (Some(c), None),
        Origin::Sos(s) => (None, Some(s)),
    };
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO suggestions_shown (patient_id, checkin_id, sos_id, need, key, shown_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(patient_id)
    .bind(checkin_id)
    .bind(sos_id)
    .bind(need.code())
    .bind(key)
    .bind(now)
    .fetch_one(c)
    .await)
    .context("store::coping::record_shown")
}

#[derive(sqlx::FromRow)]
struct ShownRow {
    id: i64,
    patient_id: i64,
    checkin_id: Option<i64>,
    sos_id: Option<i64>,
    need: String,
    key: String,
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Shown>> {
    let row: Option<ShownRow> = on!(tx.conn(), |c| {
        sqlx::query_as(
        "SELECT id, patient_id, checkin_id, sos_id, need, key FROM suggestions_shown WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c).await
    })
    .context("store::coping::get")?;
    Ok(row.and_then(|r| {
        Some(Shown {
            id: r.id,
            patient_id: r.patient_id,
            checkin_id: r.checkin_id,
            sos_id: r.sos_id,
            need: Need::parse(r.need.as_str())?,
            key: r.key,
        })
    }))
}

/// The patient's recent showings and their ratings, summed per suggestion.
pub async fn history(tx: &mut Tx, patient_id: i64) -> Result<History> {
    let recent: Vec<String> = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT key FROM suggestions_shown WHERE patient_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(patient_id)
    .bind(HISTORY_DEPTH)
    .fetch_all(c)
    .await)
    .context("store::coping::history")?;
    let rows: Vec<(String, i64, i64)> = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT key,
                SUM(CASE WHEN feedback = 'helpful' THEN 1 ELSE 0 END) AS helpful,
                SUM(CASE WHEN feedback = 'not-for-me' THEN 1 ELSE 0 END) AS not_for_me
         FROM suggestions_shown WHERE patient_id = $1 AND feedback IS NOT NULL GROUP BY key",
    )
    .bind(patient_id)
    .fetch_all(c)
    .await)
    .context("store::coping::history")?;
    let feedback = rows
        .into_iter()
        .map(|(key, helpful, not_for_me)| {
            (
                key,
                Feedback {
                    helpful: helpful as u32,
                    not_for_me: not_for_me as u32,
                },
            )
        })
        .collect();
    Ok(History { recent, feedback })
}

/// The keys already shown for the same check-in or SOS ("more ideas" offers new ones).
pub async fn shown_for(tx: &mut Tx, origin: Origin) -> Result<Vec<String>> {
    let (sql, id) = match origin {
        Origin::Checkin(c) => (
            "SELECT key FROM suggestions_shown WHERE checkin_id = $1 ORDER BY id",
            c,
        ),
        Origin::Sos(s) => (
            "SELECT key FROM suggestions_shown WHERE sos_id = $1 ORDER BY id",
            s,
        ),
    };
    on!(tx.conn(), |c| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_all(c)
        .await)
    .context("store::coping::shown_for")
}

/// Records "helpful" or "not for me" on one showing (a second tap changes it).
pub async fn set_feedback(tx: &mut Tx, id: i64, helpful: bool, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE suggestions_shown SET feedback = $1, feedback_at = $2 WHERE id = $3"
    )
    .bind(if helpful { "helpful" } else { "not-for-me" })
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::coping::set_feedback")?;
    Ok(())
}

/// The urge reported at the last finished check-in before `checkin_id`.
pub async fn previous_craving(tx: &mut Tx, patient_id: i64, checkin_id: i64) -> Result<Option<u8>> {
    let v: Option<i64> = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT craving FROM checkins
         WHERE patient_id = $1 AND id < $2 AND status = 'completed' AND craving IS NOT NULL
         ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .bind(checkin_id)
    .fetch_optional(c)
    .await)
    .context("store::coping::previous_craving")?
    .flatten();
    Ok(v.map(|v| v as u8))
}

/// When the patient's finished check-ins of the last `days` days were completed (unix s).
pub async fn completed_since(tx: &mut Tx, patient_id: i64, since: i64) -> Result<Vec<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT completed_at FROM checkins
         WHERE patient_id = $1 AND status = 'completed' AND completed_at >= $2",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_all(c)
    .await)
    .context("store::coping::completed_since")
}
