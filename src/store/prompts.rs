//! Scheduled prompts: one per slot per local date, and what became of it.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// What became of a prompt (`prompts.status`).
#[derive(sqlx::Type, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum PromptStatus {
    Queued,
    Sent,
    Answered,
    Missed,
    Paused,
    Undeliverable,
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub id: i64,
    pub patient_id: i64,
    pub slot_id: Option<i64>,
    pub kind: String,
    pub questions: String,
    pub status: PromptStatus,
    pub message_id: Option<i32>,
    pub sent_at: Option<i64>,
    pub reminders: i64,
    /// The patient's local date it was for, and when it was due.
    pub local_date: String,
    pub due_at: i64,
}

#[derive(sqlx::FromRow)]
struct PromptRow {
    id: i64,
    patient_id: i64,
    slot_id: Option<i64>,
    kind: String,
    questions: String,
    status: PromptStatus,
    message_id: Option<i64>,
    sent_at: Option<i64>,
    reminders: i64,
    local_date: String,
    due_at: i64,
}

impl From<PromptRow> for Prompt {
    fn from(r: PromptRow) -> Prompt {
        Prompt {
            id: r.id,
            patient_id: r.patient_id,
            slot_id: r.slot_id,
            kind: r.kind,
            questions: r.questions,
            status: r.status,
            message_id: r.message_id.map(|m| m as i32),
            sent_at: r.sent_at,
            reminders: r.reminders,
            local_date: r.local_date,
            due_at: r.due_at,
        }
    }
}

const COLUMNS: &str =
    "id, patient_id, slot_id, kind, questions, status, message_id, sent_at, reminders, local_date, due_at";

/// Records a slot's instance. `None` if that slot already has one for that date (a second
/// scheduler tick, or a restart): the idempotency that makes each slot fire once a day.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    patient_id: i64,
    slot_id: i64,
    kind: &str,
    questions: &str,
    local_date: &str,
    due_at: i64,
    status: PromptStatus,
    now: i64,
) -> Result<Option<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO prompts (patient_id, slot_id, kind, questions, local_date, due_at, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (slot_id, local_date) DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(slot_id)
    .bind(kind)
    .bind(questions)
    .bind(local_date)
    .bind(due_at)
    .bind(status)
    .bind(now)
    .fetch_optional(c).await)
    .context("store::prompts::insert")
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Prompt>> {
    let row: Option<PromptRow> = on!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
        format!("SELECT {COLUMNS} FROM prompts WHERE id = $1")
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::prompts::get")?;
    Ok(row.map(Prompt::from))
}

/// The prompt message reached the patient: remember it and when to remind / give up.
pub async fn mark_sent(
    tx: &mut Tx,
    id: i64,
    message_id: Option<i32>,
    now: i64,
    remind_at: i64,
    expires_at: i64,
) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET status = 'sent', message_id = $1, sent_at = $2, remind_at = $3, expires_at = $4
         WHERE id = $5 AND status = 'queued'",
    )
    .bind(message_id)
    .bind(now)
    .bind(remind_at)
    .bind(expires_at)
    .bind(id)
    .execute(c).await.map(Done::from)).context("store::prompts::mark_sent")?;
    Ok(())
}

/// The patient started the check-in this prompt asked for.
pub async fn mark_answered(tx: &mut Tx, id: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET status = 'answered', remind_at = NULL
         WHERE id = $1 AND status IN ('queued', 'sent', 'missed')",
    )
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::mark_answered")?;
    Ok(())
}

/// "Remind me in 30 minutes". Returns false if the prompt is not open (or not theirs).
pub async fn snooze(
    tx: &mut Tx,
    id: i64,
    patient_id: i64,
    remind_at: i64,
    expires_at: i64,
) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET remind_at = $1, expires_at = CASE WHEN COALESCE(expires_at, 0) > $2 THEN expires_at ELSE $2 END
         WHERE id = $3 AND patient_id = $4 AND status = 'sent'",
    )
    .bind(remind_at)
    .bind(expires_at)
    .bind(id)
    .bind(patient_id)
    .execute(c).await.map(Done::from))
    .context("store::prompts::snooze")?
    .rows_affected()
        > 0)
}

/// A prompt whose reminder time has come, with its patient's delivery details.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub prompt: Prompt,
    pub chat_id: i64,
    pub language: String,
    pub time_zone: Option<String>,
    pub quiet_start: Option<i64>,
    pub quiet_end: Option<i64>,
    pub paused_until: Option<i64>,
    /// Whether the patient started a check-in after the prompt was sent.
    pub checked_in_since: bool,
}

#[derive(sqlx::FromRow)]
struct DueReminderRow {
    #[sqlx(flatten)]
    prompt: PromptRow,
    chat_id: i64,
    language: String,
    time_zone: Option<String>,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    paused_until: Option<i64>,
    checked_in_since: bool,
}

/// Read inside the scheduler's write transaction (see `slots::due`).
pub async fn due_reminders(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<DueReminder>> {
    let rows: Vec<DueReminderRow> = on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {cols}, pa.chat_id, pa.language, pa.time_zone, pa.quiet_start, pa.quiet_end, pa.paused_until,
                EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = pr.patient_id
                        AND c.about_at >= pr.sent_at) AS checked_in_since
         FROM prompts pr JOIN patients pa ON pa.id = pr.patient_id
         WHERE pr.remind_at <= $1 AND pr.status = 'sent' AND pa.active = 1
               AND (pr.expires_at IS NULL OR pr.expires_at > $2)
         ORDER BY pr.remind_at LIMIT $3",
        cols = COLUMNS
            .split(", ")
            .map(|c| format!("pr.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(c).await)
    .context("store::prompts::due_reminders")?;
    Ok(rows
        .into_iter()
        .map(|r| DueReminder {
            prompt: r.prompt.into(),
            chat_id: r.chat_id,
            language: r.language,
            time_zone: r.time_zone,
            quiet_start: r.quiet_start,
            quiet_end: r.quiet_end,
            paused_until: r.paused_until,
            checked_in_since: r.checked_in_since,
        })
        .collect())
}

/// Moves a reminder later (quiet hours) without sending it.
pub async fn postpone_reminder(tx: &mut Tx, id: i64, remind_at: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query("UPDATE prompts SET remind_at = $1, expires_at = CASE WHEN COALESCE(expires_at, 0) > $2 THEN expires_at ELSE $2 END WHERE id = $3")
        .bind(remind_at)
        .bind(remind_at + 3600)
        .bind(id)
        .execute(c).await.map(Done::from)).context("store::prompts::postpone_reminder")?;
    Ok(())
}

/// The reminder was queued (or is not needed): clear it. `answered` closes the prompt.
pub async fn reminder_done(tx: &mut Tx, id: i64, sent: bool, answered: bool) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET remind_at = NULL, reminders = reminders + $1,
                status = CASE WHEN $2 <> 0 THEN 'answered' ELSE status END
         WHERE id = $3",
    )
    .bind(i64::from(sent))
    .bind(i64::from(answered))
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::reminder_done")?;
    Ok(())
}

/// Closes prompts left unanswered past their time: answered if the patient checked in since
/// it was sent, else missed (a later issue turns runs of these into a warning sign).
pub async fn close_expired(db: &Db, now: i64) -> Result<(u64, u64)> {
    let mut tx = db.write().await?;
    let answered = on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET status = 'answered', remind_at = NULL
         WHERE status = 'sent' AND expires_at <= $1
           AND EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = prompts.patient_id
                       AND c.about_at >= prompts.sent_at)",
    )
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::close_expired")?
    .rows_affected();
    // Their runs of missed check-ins may now be long enough for an "are you OK?".
    // A new row (a new id) even for a patient already watched: removed, then inserted (SQL
    // both backends share, where SQLite's REPLACE is one statement).
    on!(tx.conn(), |c| sqlx::query(
        "DELETE FROM missed_watch WHERE patient_id IN
            (SELECT patient_id FROM prompts WHERE status = 'sent' AND expires_at <= $1)",
    )
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::close_expired")?;
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO missed_watch (patient_id, look_at)
         SELECT DISTINCT patient_id, $1 FROM prompts WHERE status = 'sent' AND expires_at <= $2",
    )
    .bind(now)
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::close_expired")?;
    let missed = on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET status = 'missed', remind_at = NULL
         WHERE status = 'sent' AND expires_at <= $1",
    )
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::close_expired")?
    .rows_affected();
    tx.commit().await?;
    Ok((answered, missed))
}

/// A prompt that will not be delivered after all: 'missed' (too late), 'paused', or
/// 'undeliverable'. Only a prompt still waiting to be sent changes.
pub async fn close_unsent(tx: &mut Tx, id: i64, status: PromptStatus) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE prompts SET status = $1, remind_at = NULL WHERE id = $2 AND status = 'queued'",
    )
    .bind(status)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::prompts::close_unsent")?;
    Ok(())
}

/// The earliest moment a slot is due, a reminder is due or a sent prompt closes.
pub async fn next_event(db: &Db) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        // The same rows the due queries look at: inactive patients' rows are not due.
        "SELECT MIN(t) FROM (
            SELECT MIN(s.next_due_at) AS t FROM slots s JOIN patients p ON p.id = s.patient_id
                WHERE p.active = 1 AND p.time_zone IS NOT NULL
            UNION ALL SELECT MIN(pr.remind_at) FROM prompts pr JOIN patients p ON p.id = pr.patient_id
                WHERE pr.remind_at IS NOT NULL AND pr.status = 'sent' AND p.active = 1
            UNION ALL SELECT MIN(expires_at) FROM prompts WHERE status = 'sent') AS due",
    )
    .fetch_one(c).await)
    .context("store::prompts::next_event")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prompt that stopped taking answers gets no reminder, even though its reminder time has
    /// passed too (after downtime): "your check-in is still here" would not be true.
    #[tokio::test]
    async fn no_reminder_for_a_prompt_that_closed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let db = Db::open(&url).await.unwrap();
        for sql in [
            "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
             VALUES (1, 10, 10, 'en', 2, 0, 0)",
            "INSERT INTO prompts (id, patient_id, kind, questions, local_date, due_at, status, sent_at, remind_at, expires_at, created_at)
             VALUES (5, 1, 'evening', 'full', '2026-03-03', 0, 'sent', 0, 100, 150, 0)",
        ] {
            on!(db.reader(), |c| sqlx::query(sql).execute(c).await.map(Done::from)).unwrap();
        }
        let mut tx = db.write().await.unwrap();
        let open = due_reminders(&mut tx, 120, 10).await.unwrap();
        assert_eq!(open.iter().map(|r| r.prompt.id).collect::<Vec<_>>(), [5]);
        assert!(due_reminders(&mut tx, 150, 10).await.unwrap().is_empty());
        assert!(due_reminders(&mut tx, 9_999, 10).await.unwrap().is_empty());
        drop(tx);
        db.close().await;
    }
}
