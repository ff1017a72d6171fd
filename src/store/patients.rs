//! Enrolled patients and the memory of a "not now".

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::conversation::Awaiting;
use crate::domain::schedule::QuietHours;
use crate::domain::timezone::PatientZone;
use crate::on;
use anyhow::{Context, Result};

/// Version of the consent text a patient agreed to; bump it when the text's substance changes.
/// 2: support contacts (/contact) are mentioned; each pairing has its own explicit consent.
pub const CONSENT_VERSION: i64 = 2;

#[derive(Debug, Clone)]
pub struct Patient {
    pub id: i64,
    pub telegram_user_id: i64,
    pub chat_id: i64,
    pub language: String,
    /// `None` until the patient has chosen one (onboarding is not finished).
    pub zone: Option<PatientZone>,
    /// False after Telegram said they blocked the bot (403); nothing is sent until they return.
    pub active: bool,
    /// Check-ins paused until this instant (unix s).
    pub paused_until: Option<i64>,
    pub quiet: Option<QuietHours>,
    /// What typed text (or a tap finishing an invitation) means right now.
    pub awaiting: Option<Awaiting>,
    /// ISO 3166 code of the country whose crisis line is shown (from the zone, or chosen).
    pub country: Option<String>,
    /// The patient chose the country themselves: a new time zone does not change it.
    pub country_chosen: bool,
    /// "Don't show this again" under the harm-reduction message.
    pub harm_reduction_off: bool,
    /// Milestone messages (use-free days) turned off.
    pub milestones_off: bool,
    /// When the next weekly reflection is due; `None` when the patient has not chosen it.
    pub reflection_at: Option<i64>,
}

impl Patient {
    pub fn paused_at(&self, now: i64) -> bool {
        self.paused_until.is_some_and(|u| u > now)
    }
}

/// Pause "until /resume": far enough to never pass.
pub const PAUSED_INDEFINITELY: i64 = i64::MAX / 2;

#[derive(sqlx::FromRow)]
struct PatientRow {
    id: i64,
    telegram_user_id: i64,
    chat_id: i64,
    language: String,
    time_zone: Option<String>,
    active: i64,
    paused_until: Option<i64>,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    awaiting: Option<String>,
    country: Option<String>,
    country_chosen: i64,
    harm_reduction_off: i64,
    milestones_off: i64,
    reflection_at: Option<i64>,
}

fn from_row(r: PatientRow) -> Patient {
    let zone = r.time_zone;
    let zone_country = zone
        .as_deref()
        .and_then(|z| PatientZone::parse(z).ok())
        .and_then(|z| z.country());
    Patient {
        id: r.id,
        telegram_user_id: r.telegram_user_id,
        chat_id: r.chat_id,
        language: r.language,
        // A zone that no longer parses (tz database change) sends the patient back to choosing.
        zone: zone.and_then(|z| PatientZone::parse(&z).ok()),
        active: r.active != 0,
        paused_until: r.paused_until,
        quiet: super::slots::quiet_from(r.quiet_start, r.quiet_end),
        awaiting: r.awaiting.as_deref().and_then(Awaiting::decode),
        // Patients enrolled before countries were stored get their zone's.
        country: r.country.or_else(|| zone_country.map(str::to_string)),
        country_chosen: r.country_chosen != 0,
        harm_reduction_off: r.harm_reduction_off != 0,
        milestones_off: r.milestones_off != 0,
        reflection_at: r.reflection_at,
    }
}

const COLUMNS: &str = "id, telegram_user_id, chat_id, language, time_zone, active, paused_until, \
                       quiet_start, quiet_end, awaiting, country, country_chosen, \
                       harm_reduction_off, milestones_off, reflection_at";

pub async fn find_by_user(db: &Db, telegram_user_id: i64) -> Result<Option<Patient>> {
    let row: Option<PatientRow> = on!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
        format!("SELECT {COLUMNS} FROM patients WHERE telegram_user_id = $1")
    ))
    .bind(telegram_user_id)
    .fetch_optional(c)
    .await)
    .context("store::patients::find_by_user")?;
    Ok(row.map(from_row))
}

pub async fn find_by_id(tx: &mut Tx, id: i64) -> Result<Option<Patient>> {
    let row: Option<PatientRow> = on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM patients WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::patients::find_by_id")?;
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
    on!(tx.conn(), |c| sqlx::query(
        "DELETE FROM declined WHERE telegram_user_id = $1"
    )
    .bind(telegram_user_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::enroll")?;
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO patients (telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (telegram_user_id) DO NOTHING",
    )
    .bind(telegram_user_id)
    .bind(chat_id)
    .bind(language)
    .bind(CONSENT_VERSION)
    .bind(now)
    .bind(now)
    .execute(c).await.map(Done::from)).context("store::patients::enroll")?;
    let row: PatientRow = on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM patients WHERE telegram_user_id = $1"
    )))
    .bind(telegram_user_id)
    .fetch_one(c)
    .await)
    .context("store::patients::enroll")?;
    Ok(from_row(row))
}

/// Remembers that someone said "not now" (only if they are not enrolled).
pub async fn record_declined(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO declined (telegram_user_id, declined_at)
         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM patients WHERE telegram_user_id = $3)
         ON CONFLICT (telegram_user_id) DO UPDATE SET declined_at = excluded.declined_at",
    )
    .bind(telegram_user_id)
    .bind(now)
    .bind(telegram_user_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::record_declined")?;
    Ok(())
}

/// Saves the zone, and the country it lies in unless the patient chose one themselves.
pub async fn set_zone(tx: &mut Tx, patient_id: i64, zone: PatientZone) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET time_zone = $1,
                country = CASE WHEN country_chosen = 1 THEN country ELSE $2 END
         WHERE id = $3",
    )
    .bind(zone.to_string())
    .bind(zone.country())
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_zone")?;
    Ok(())
}

/// The country the patient chose (`/country`): kept when the time zone changes.
pub async fn set_country(tx: &mut Tx, patient_id: i64, country: &str) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET country = $1, country_chosen = 1 WHERE id = $2"
    )
    .bind(country)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_country")?;
    Ok(())
}

/// "Don't show this again" under the harm-reduction message.
pub async fn set_harm_reduction_off(tx: &mut Tx, patient_id: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET harm_reduction_off = 1 WHERE id = $1"
    )
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_harm_reduction_off")?;
    Ok(())
}

pub async fn set_language(tx: &mut Tx, patient_id: i64, language: &str) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET language = $1 WHERE id = $2"
    )
    .bind(language)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_language")?;
    Ok(())
}

/// Telegram refused delivery for good (blocked, deactivated, chat gone): stop scheduling and
/// sending, keep the data. Queued messages *to the patient* are closed as undeliverable; an
/// alert about them still queued for a support contact goes out (a patient who blocks the bot
/// in a crisis is the one whose contact must hear).
pub async fn deactivate(tx: &mut Tx, patient_id: i64, reason: &str, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET active = 0, inactive_since = $1 WHERE id = $2 AND active = 1"
    )
    .bind(now)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::deactivate")?;
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = 'undeliverable', last_error = $1
         WHERE patient_id = $2 AND contact_id IS NULL AND status = 'pending'",
    )
    .bind(reason)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::deactivate")?;
    // Prompts not yet delivered cannot be; open ones can no longer be answered.
    on!(tx.conn(), |c| sqlx::query("UPDATE prompts SET status = 'missed', remind_at = NULL WHERE patient_id = $1 AND status = 'sent'")
        .bind(patient_id)
        .execute(c).await.map(Done::from)).context("store::patients::deactivate")?;
    on!(tx.conn(), |c| sqlx::query("UPDATE prompts SET status = 'undeliverable', remind_at = NULL WHERE patient_id = $1 AND status = 'queued'")
        .bind(patient_id)
        .execute(c).await.map(Done::from)).context("store::patients::deactivate")?;
    Ok(())
}

/// The patient unblocked the bot (or wrote to it again). Returns whether they were inactive.
pub async fn reactivate(tx: &mut Tx, patient_id: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET active = 1, inactive_since = NULL WHERE id = $1 AND active = 0",
    )
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::reactivate")?
    .rows_affected()
        > 0)
}

pub async fn set_paused_until(tx: &mut Tx, patient_id: i64, until: Option<i64>) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET paused_until = $1 WHERE id = $2"
    )
    .bind(until)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_paused_until")?;
    Ok(())
}

pub async fn set_quiet(tx: &mut Tx, patient_id: i64, quiet: Option<QuietHours>) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET quiet_start = $1, quiet_end = $2 WHERE id = $3"
    )
    .bind(quiet.map(|q| i64::from(q.start.minutes())))
    .bind(quiet.map(|q| i64::from(q.end.minutes())))
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_quiet")?;
    Ok(())
}

pub async fn set_awaiting(tx: &mut Tx, patient_id: i64, awaiting: Option<&Awaiting>) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET awaiting = $1 WHERE id = $2"
    )
    .bind(awaiting.map(Awaiting::encode))
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_awaiting")?;
    Ok(())
}

/// Erases everything stored about a Telegram user: their patient row (and through foreign
/// keys their check-ins, slots, prompts and queued messages), a "not now", and the updates of
/// their private chat still held in the inbox.
pub async fn delete_everything(tx: &mut Tx, telegram_user_id: i64) -> Result<()> {
    for sql in [
        "DELETE FROM patients WHERE telegram_user_id = $1",
        "DELETE FROM declined WHERE telegram_user_id = $1",
        "DELETE FROM inbox WHERE chat_key = $1",
    ] {
        on!(tx.conn(), |c| sqlx::query(sql)
            .bind(telegram_user_id)
            .execute(c)
            .await
            .map(Done::from))
        .context("store::patients::delete_everything")?;
    }
    Ok(())
}

/// Sets when the next weekly reflection is due (`None`: turned off).
pub async fn set_reflection_at(tx: &mut Tx, patient_id: i64, at: Option<i64>) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET reflection_at = $1 WHERE id = $2"
    )
    .bind(at)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::set_reflection_at")?;
    Ok(())
}

/// Moves a chosen weekly reflection to `at` (a new time zone or quiet hours); nothing for a
/// patient who has not chosen it.
pub async fn move_chosen_reflection(tx: &mut Tx, patient_id: i64, at: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET reflection_at = $1 WHERE id = $2 AND reflection_at IS NOT NULL",
    )
    .bind(at)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::move_chosen_reflection")?;
    Ok(())
}

/// Patients whose weekly reflection is due at `now`, earliest first.
pub async fn reflections_due(db: &Db, now: i64, limit: i64) -> Result<Vec<Patient>> {
    let rows: Vec<PatientRow> = on!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
        format!(
        "SELECT {COLUMNS} FROM patients WHERE reflection_at <= $1 ORDER BY reflection_at LIMIT $2"
    )
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)
    .context("store::patients::reflections_due")?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Moves a due reflection on to `next`, if it is still due at `was` (not turned off or moved
/// meanwhile). Returns whether it moved.
pub async fn move_reflection(tx: &mut Tx, patient_id: i64, was: i64, next: i64) -> Result<bool> {
    let n = on!(tx.conn(), |c| sqlx::query(
        "UPDATE patients SET reflection_at = $1 WHERE id = $2 AND reflection_at = $3"
    )
    .bind(next)
    .bind(patient_id)
    .bind(was)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::patients::move_reflection")?
    .rows_affected();
    Ok(n > 0)
}

/// The earliest weekly reflection due, for the scheduler's wake-up.
pub async fn next_reflection(db: &Db) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(reflection_at) FROM patients WHERE reflection_at IS NOT NULL"
    )
    .fetch_one(c)
    .await)
    .context("store::patients::next_reflection")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patient blocks the bot while an alert about them waits for their contact: the
    /// patient's own messages are closed, the alert still goes out.
    #[tokio::test]
    async fn blocking_the_bot_does_not_drop_an_alert_queued_for_a_contact() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("bot.db").display()))
            .await
            .unwrap();
        for sql in [
            "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
             VALUES (1, 10, 10, 'en', 2, 0, 0)",
            "INSERT INTO contacts (id, telegram_user_id, chat_id, language, created_at) VALUES (1, 20, 20, 'en', 0)",
            "INSERT INTO links (id, patient_id, contact_id, patient_name, contact_name, weekly, created_at)
             VALUES (1, 1, 1, 'Sam', 'Bob', 0, 0)",
            "INSERT INTO alerts (id, patient_id, kind, signals, created_at, recipients)
             VALUES (7, 1, 'crisis', '[]', 100, 1)",
            "INSERT INTO outbox (key, kind, patient_id, chat_id, text, status, not_before, created_at, contact_id, alert_id, link_id)
             VALUES ('link:1:alert:7', 'message', 1, 20, 'alert', 'pending', 100, 100, 1, 7, 1)",
            "INSERT INTO outbox (key, kind, patient_id, chat_id, text, status, not_before, created_at)
             VALUES ('summary:3', 'message', 1, 10, 'summary', 'pending', 100, 100)",
        ] {
            on!(db.reader(), |c| sqlx::query(sql).execute(c).await.map(Done::from)).unwrap();
        }
        let mut tx = db.write().await.unwrap();
        deactivate(&mut tx, 1, "Forbidden: bot was blocked by the user", 200)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let status = |key: &'static str| {
            sqlx::query_scalar::<_, String>("SELECT status FROM outbox WHERE key = $1")
                .bind(key)
                .fetch_one(db.pool())
        };
        assert_eq!(status("link:1:alert:7").await.unwrap(), "pending");
        assert_eq!(status("summary:3").await.unwrap(), "undeliverable");
        db.close().await;
    }
}
