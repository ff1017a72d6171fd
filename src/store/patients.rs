//! Enrolled patients and the memory of a "not now".

use super::{Db, Tx};
use crate::domain::timezone::PatientZone;
use anyhow::Result;
use sqlx::Row;

/// Version of the consent text a patient agreed to; bump it when the text's substance changes.
pub const CONSENT_VERSION: i64 = 1;

#[derive(Debug, Clone)]
pub struct Patient {
    pub id: i64,
    pub telegram_user_id: i64,
    pub chat_id: i64,
    pub language: String,
    /// `None` until the patient has chosen one (onboarding is not finished).
    pub zone: Option<PatientZone>,
}

fn from_row(r: sqlx::sqlite::SqliteRow) -> Patient {
    let zone: Option<String> = r.get("time_zone");
    Patient {
        id: r.get("id"),
        telegram_user_id: r.get("telegram_user_id"),
        chat_id: r.get("chat_id"),
        language: r.get("language"),
        // A zone that no longer parses (tz database change) sends the patient back to choosing.
        zone: zone.and_then(|z| PatientZone::parse(&z).ok()),
    }
}

pub async fn find_by_user(db: &Db, telegram_user_id: i64) -> Result<Option<Patient>> {
    let row = sqlx::query(
        "SELECT id, telegram_user_id, chat_id, language, time_zone FROM patients
         WHERE telegram_user_id = ?",
    )
    .bind(telegram_user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(from_row))
}

/// Records consent. Idempotent: a second "I agree" keeps the first record.
pub async fn enroll(
    tx: &mut Tx,
    telegram_user_id: i64,
    chat_id: i64,
    language: &str,
    now: i64,
) -> Result<Patient> {
    sqlx::query("DELETE FROM declined WHERE telegram_user_id = ?")
        .bind(telegram_user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO patients (telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (telegram_user_id) DO NOTHING",
    )
    .bind(telegram_user_id)
    .bind(chat_id)
    .bind(language)
    .bind(CONSENT_VERSION)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query(
        "SELECT id, telegram_user_id, chat_id, language, time_zone FROM patients
         WHERE telegram_user_id = ?",
    )
    .bind(telegram_user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(from_row(row))
}

/// Remembers that someone said "not now" (only if they are not enrolled).
pub async fn record_declined(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO declined (telegram_user_id, declined_at)
         SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM patients WHERE telegram_user_id = ?)
         ON CONFLICT (telegram_user_id) DO UPDATE SET declined_at = excluded.declined_at",
    )
    .bind(telegram_user_id)
    .bind(now)
    .bind(telegram_user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_zone(tx: &mut Tx, patient_id: i64, zone: PatientZone) -> Result<()> {
    sqlx::query("UPDATE patients SET time_zone = ? WHERE id = ?")
        .bind(zone.to_string())
        .bind(patient_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
