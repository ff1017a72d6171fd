//! What a support contact is shown: `/patients` (a patient's latest check-in and alert) and
//! the weekly summary (counts and averages only).

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// The latest alert actually sent to this link (for `/patients`).
pub async fn last_sent_to(db: &Db, link_id: i64) -> Result<Option<i64>> {
    // An alert to this link: the rows carrying an alert to a contact about it.
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MAX(sent_at) FROM outbox WHERE link_id = $1 AND alert_id IS NOT NULL
           AND contact_id IS NOT NULL AND status = 'sent'",
    )
    .bind(link_id)
    .fetch_one(c)
    .await)
    .context("store::reports::last_sent_to")
}

/// The most recent alert a contact received about a patient (for `/patients`).
pub async fn latest_for_patient(db: &Db, patient_id: i64) -> Result<Option<(String, i64)>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT kind, created_at FROM alerts WHERE patient_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::reports::latest_for_patient")
}

/// What `/patients` shows a contact about one patient.
#[derive(Debug, Clone)]
pub struct PatientStatus {
    pub last_checkin: Option<i64>,
    pub active: bool,
    pub paused_until: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PatientStatusRow {
    active: i64,
    paused_until: Option<i64>,
    last_checkin: Option<i64>,
}

pub async fn patient_status(db: &Db, patient_id: i64) -> Result<PatientStatus> {
    let r: PatientStatusRow = on!(db.reader(), |c| sqlx::query_as(
        "SELECT p.active, p.paused_until,
                (SELECT MAX(started_at) FROM checkins c WHERE c.patient_id = p.id) AS last_checkin
         FROM patients p WHERE p.id = $1",
    )
    .bind(patient_id)
    .fetch_one(c)
    .await)
    .context("store::reports::patient_status")?;
    Ok(PatientStatus {
        last_checkin: r.last_checkin,
        active: r.active != 0,
        paused_until: r.paused_until,
    })
}

/// A week of check-ins, for the weekly summary: counts and averages only.
#[derive(Debug, Clone, Default)]
pub struct Week {
    pub checkins: i64,
    pub mood: Option<f64>,
    pub sleep_hours: Option<f64>,
    pub craving: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct WeekRow {
    n: i64,
    mood: Option<f64>,
    sleep: Option<f64>,
    craving: Option<f64>,
}

pub async fn week(tx: &mut Tx, patient_id: i64, since: i64, now: i64) -> Result<Week> {
    let r: WeekRow = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT COUNT(*) AS n, CAST(AVG(mood) AS DOUBLE PRECISION) AS mood,
                CAST(AVG(sleep_minutes) AS DOUBLE PRECISION) / 60 AS sleep,
                CAST(AVG(craving) AS DOUBLE PRECISION) AS craving
         FROM checkins WHERE patient_id = $1 AND about_at >= $2 AND about_at <= $3
             AND COALESCE(mood, sleep_minutes, sleep_quality, craving) IS NOT NULL",
    )
    .bind(patient_id)
    .bind(since)
    .bind(now)
    .fetch_one(c)
    .await)
    .context("store::reports::week")?;
    Ok(Week {
        checkins: r.n,
        mood: r.mood,
        sleep_hours: r.sleep,
        craving: r.craving,
    })
}
