//! The outbox: every message that must arrive, sent by one worker (src/outbox.rs).

use super::prompts::PromptStatus;
use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::outbox_key::Key;
use crate::on;
use anyhow::{Context, Result};

/// What became of an outbox message (`outbox.status`).
#[derive(sqlx::Type, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Undeliverable,
    Failed,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Prompt,
    Reminder,
    Message,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Prompt => "prompt",
            Kind::Reminder => "reminder",
            Kind::Message => "message",
        }
    }

    fn parse(s: &str) -> Kind {
        match s {
            "prompt" => Kind::Prompt,
            "reminder" => Kind::Reminder,
            _ => Kind::Message,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: Kind,
    pub patient_id: Option<i64>,
    pub chat_id: i64,
    pub prompt_id: Option<i64>,
    pub text: String,
    /// Inline keyboard as Bot API JSON.
    pub keyboard: Option<String>,
    pub attempts: i64,
    /// Higher goes first; alerts and crisis screens also skip the send queue.
    pub priority: i64,
    /// For prompts and reminders: the prompt's status and due time now.
    pub prompt_status: Option<PromptStatus>,
    pub prompt_due_at: Option<i64>,
    /// When the prompt stops taking answers (a reminder after that would be false).
    pub prompt_expires_at: Option<i64>,
    /// The patient's pause, quiet hours and zone, to check just before sending.
    pub paused_until: Option<i64>,
    pub quiet_start: Option<i64>,
    pub quiet_end: Option<i64>,
    pub time_zone: Option<String>,
    pub contact_id: Option<i64>,
    pub alert_id: Option<i64>,
    /// What to render again if `recipient_lang` (the recipient's language now) is not `lang`.
    pub render: Option<String>,
    pub lang: Option<String>,
    pub recipient_lang: Option<String>,
}

pub struct NewMessage<'a> {
    pub key: &'a Key,
    pub kind: Kind,
    pub patient_id: Option<i64>,
    pub chat_id: i64,
    pub prompt_id: Option<i64>,
    pub text: &'a str,
    pub keyboard: Option<&'a str>,
    pub not_before: i64,
    /// Higher goes first: 0 for prompts and reminders, 1 for replies, 2 for alerts.
    pub priority: i64,
    /// A message to a support contact: their refusal (a block) closes the contact, not the
    /// patient.
    pub contact_id: Option<i64>,
    /// The alert this message carries.
    pub alert_id: Option<i64>,
    /// What to render again at send time if the recipient's language changed (JSON of
    /// `telegram::render::Render`), and the language `text` is in.
    pub render: Option<&'a str>,
    pub lang: Option<&'a str>,
}

/// Queues a message once per `key`. Returns false if that key was queued before.
pub async fn enqueue(tx: &mut Tx, m: &NewMessage<'_>, now: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO outbox (key, kind, patient_id, chat_id, prompt_id, text, keyboard, status, priority, not_before, created_at, contact_id, alert_id, render, lang, link_id, sos_id, ok_check_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(m.key.to_string())
    .bind(m.kind.code())
    .bind(m.patient_id)
    .bind(m.chat_id)
    .bind(m.prompt_id)
    .bind(m.text)
    .bind(m.keyboard)
    .bind(m.priority)
    .bind(m.not_before)
    .bind(now)
    .bind(m.contact_id)
    .bind(m.alert_id)
    .bind(m.render)
    .bind(m.lang)
    .bind(m.key.link_id())
    .bind(m.key.sos_id())
    .bind(m.key.ok_check_id())
    .execute(c).await.map(Done::from)).context("store::outbox::enqueue")?
    .rows_affected()
        > 0)
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: i64,
    kind: String,
    patient_id: Option<i64>,
    chat_id: i64,
    prompt_id: Option<i64>,
    text: String,
    keyboard: Option<String>,
    attempts: i64,
    priority: i64,
    prompt_status: Option<PromptStatus>,
    prompt_due_at: Option<i64>,
    prompt_expires_at: Option<i64>,
    paused_until: Option<i64>,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    time_zone: Option<String>,
    contact_id: Option<i64>,
    alert_id: Option<i64>,
    render: Option<String>,
    lang: Option<String>,
    recipient_lang: Option<String>,
}

pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let rows: Vec<DueRow> = on!(db.reader(), |c| sqlx::query_as(
        "SELECT o.id, o.kind, o.patient_id, o.chat_id, o.prompt_id, o.text, o.keyboard, o.attempts,
                o.priority, pr.status AS prompt_status, pr.due_at AS prompt_due_at,
                pr.expires_at AS prompt_expires_at,
                pa.paused_until, pa.quiet_start, pa.quiet_end, pa.time_zone, o.contact_id, o.alert_id,
                o.render, o.lang,
                CASE WHEN o.contact_id IS NOT NULL THEN c.language ELSE pa.language END
                    AS recipient_lang
         FROM outbox o
         LEFT JOIN prompts pr ON pr.id = o.prompt_id
         LEFT JOIN patients pa ON pa.id = o.patient_id
         LEFT JOIN contacts c ON c.id = o.contact_id
         WHERE o.status = 'pending' AND o.not_before <= $1
         ORDER BY o.priority DESC, o.not_before, o.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c).await).context("store::outbox::due")?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            kind: Kind::parse(&r.kind),
            patient_id: r.patient_id,
            chat_id: r.chat_id,
            prompt_id: r.prompt_id,
            text: r.text,
            keyboard: r.keyboard,
            attempts: r.attempts,
            priority: r.priority,
            prompt_status: r.prompt_status,
            prompt_due_at: r.prompt_due_at,
            prompt_expires_at: r.prompt_expires_at,
            paused_until: r.paused_until,
            quiet_start: r.quiet_start,
            quiet_end: r.quiet_end,
            time_zone: r.time_zone,
            contact_id: r.contact_id,
            alert_id: r.alert_id,
            render: r.render,
            lang: r.lang,
            recipient_lang: r.recipient_lang,
        })
        .collect())
}

/// The earliest pending `not_before`, to know how long the sender may sleep.
pub async fn next_due(db: &Db) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(not_before) FROM outbox WHERE status = 'pending'"
    )
    .fetch_one(c)
    .await)
    .context("store::outbox::next_due")
}

/// Sent: the text (which may hold mood, sleep, craving, a name) is cleared; the row keeps only
/// what proves it was sent once.
pub async fn mark_sent(tx: &mut Tx, id: i64, message_id: Option<i32>, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = 'sent', message_id = $1, sent_at = $2, attempts = attempts + 1,
             text = '', keyboard = NULL, render = NULL
         WHERE id = $3",
    )
    .bind(message_id)
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::outbox::mark_sent")?;
    Ok(())
}

/// The sends of `ids` begin now: if the process dies before its outcome is recorded, the next
/// start knows the outcome is unknown (`unknown_outcomes`).
/// Returns those still pending (a row withdrawn or expired since it was handed out is not
/// sent).
pub async fn mark_sending(
    db: &Db,
    ids: &[i64],
    now: i64,
) -> Result<std::collections::HashSet<i64>> {
    let mut tx = db.write().await?;
    let mut marked = std::collections::HashSet::new();
    for id in ids {
        let done = on!(tx.conn(), |c| sqlx::query(
            "UPDATE outbox SET sending_at = $1 WHERE id = $2 AND status = 'pending'"
        )
        .bind(now)
        .bind(id)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::outbox::mark_sending")?;
        if done.rows_affected() > 0 {
            marked.insert(*id);
        }
    }
    tx.commit().await?;
    Ok(marked)
}

/// The send of `id` did not happen after all (Telegram refused it for now): its mark goes.
pub async fn clear_sending(db: &Db, id: i64) -> Result<()> {
    let mut tx = db.write().await?;
    resend(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A message whose send began but whose outcome was never recorded (the process died).
#[derive(Debug, Clone, Copy)]
pub struct Unknown {
    pub id: i64,
    pub priority: i64,
    pub kind: Kind,
    pub prompt_id: Option<i64>,
    pub alert_id: Option<i64>,
}

/// `(id, priority, kind, prompt_id, alert_id)` of an unknown outcome.
type UnknownRow = (i64, i64, String, Option<i64>, Option<i64>);

/// The messages a previous process was sending when it stopped.
pub async fn unknown_outcomes(db: &Db) -> Result<Vec<Unknown>> {
    let rows: Vec<UnknownRow> = on!(db.reader(), |c| sqlx::query_as(
        "SELECT id, priority, kind, prompt_id, alert_id FROM outbox
         WHERE status = 'pending' AND sending_at IS NOT NULL",
    )
    .fetch_all(c)
    .await)
    .context("store::outbox::unknown_outcomes")?;
    Ok(rows
        .into_iter()
        .map(|(id, priority, kind, prompt_id, alert_id)| Unknown {
            id,
            priority,
            kind: Kind::parse(&kind),
            prompt_id,
            alert_id,
        })
        .collect())
}

/// An unknown outcome treated as not sent (or a send that did not happen): the mark goes, and
/// the message goes out (again).
pub async fn resend(tx: &mut Tx, id: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET sending_at = NULL WHERE id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::outbox::resend")?;
    Ok(())
}

/// A passing failure: try again at `not_before`.
pub async fn retry_later(tx: &mut Tx, id: i64, not_before: i64, error: &str) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET not_before = $1, attempts = attempts + 1, last_error = $2, sending_at = NULL
         WHERE id = $3",
    )
    .bind(not_before)
    .bind(error)
    .bind(id)
    .execute(c).await.map(Done::from)).context("store::outbox::retry_later")?;
    Ok(())
}

/// Not now (quiet hours): try at `not_before`, without counting an attempt.
pub async fn defer(tx: &mut Tx, id: i64, not_before: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET not_before = $1, sending_at = NULL WHERE id = $2"
    )
    .bind(not_before)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::outbox::defer")?;
    Ok(())
}

/// Withdraws a message still waiting (its content was delivered another way). False if it was
/// already sent or is not queued.
pub async fn withdraw(tx: &mut Tx, key: &Key) -> Result<bool> {
    let done = on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = 'expired', last_error = 'delivered in another message',
             text = '', keyboard = NULL, render = NULL
         WHERE key = $1 AND status = 'pending'",
    )
    .bind(key.to_string())
    .execute(c)
    .await
    .map(Done::from))
    .context("store::outbox::withdraw")?;
    Ok(done.rows_affected() > 0)
}

/// How many of an alert's messages to contacts are still waiting, and how many were sent.
pub async fn alert_sends(tx: &mut Tx, alert_id: i64) -> Result<(i64, i64)> {
    let (pending, sent): (i64, i64) = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending,
                COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent
         FROM outbox WHERE alert_id = $1",
    )
    .bind(alert_id)
    .fetch_one(c)
    .await)
    .context("store::outbox::alert_sends")?;
    Ok((pending, sent))
}

/// The links whose message about an alert failed for good (not refused by a block: that is
/// told as the contact being unreachable).
pub async fn alert_failed_links(tx: &mut Tx, alert_id: i64) -> Result<Vec<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT DISTINCT link_id FROM outbox
         WHERE alert_id = $1 AND status = 'failed' AND link_id IS NOT NULL ORDER BY link_id",
    )
    .bind(alert_id)
    .fetch_all(c)
    .await)
    .context("store::outbox::alert_failed_links")
}

/// A message held until `held_until` goes out now (if it is still held).
pub async fn release_held(tx: &mut Tx, key: &Key, held_until: i64, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET not_before = $1 WHERE key = $2 AND status = 'pending' AND not_before = $3",
    )
    .bind(now)
    .bind(key.to_string())
    .bind(held_until)
    .execute(c).await.map(Done::from))
    .context("store::outbox::release_held")?;
    Ok(())
}

/// A message waiting for a later time goes out now instead (if it is still waiting).
pub async fn hasten(tx: &mut Tx, key: &Key, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET not_before = CASE WHEN not_before < $1 THEN not_before ELSE $1 END WHERE key = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(key.to_string())
    .execute(c).await.map(Done::from))
    .context("store::outbox::hasten")?;
    Ok(())
}

/// A final outcome other than sent: 'undeliverable' (blocked), 'failed' (refused by Telegram),
/// 'expired' (too late to be useful).
pub async fn close(tx: &mut Tx, id: i64, status: OutboxStatus, error: &str) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = $1, last_error = $2, attempts = attempts + 1,
             text = '', keyboard = NULL, render = NULL
         WHERE id = $3",
    )
    .bind(status)
    .bind(error)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::outbox::close")?;
    Ok(())
}
/// Deletes finished outbox rows (sent, undeliverable, failed, expired) created before
/// `before`, in batches of `batch` so that each write holds the lock only briefly; rows about
/// an alert are kept (`/patients` and the alert's own accounting read them), and nothing
/// waiting is touched. Returns how many rows went.
///
/// The newest row old enough is found by a read first; the deletes then walk the primary key
/// up to it, never the whole table.
pub async fn prune(db: &Db, before: i64, batch: i64) -> Result<u64> {
    let last: Option<i64> = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MAX(id) FROM outbox WHERE created_at < $1"
    )
    .bind(before)
    .fetch_one(c)
    .await)
    .context("store::outbox::prune")?;
    let Some(last) = last else { return Ok(0) };
    let mut total = 0;
    loop {
        let mut tx = db.write().await?;
        let n = on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM outbox WHERE id IN (
                 SELECT id FROM outbox WHERE id <= $1 AND created_at < $2
                   AND status != 'pending' AND alert_id IS NULL
                 ORDER BY id LIMIT $3)",
        )
        .bind(last)
        .bind(before)
        .bind(batch)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::outbox::prune")?
        .rows_affected();
        tx.commit().await?;
        total += n;
        if n < batch as u64 {
            return Ok(total);
        }
        // Let the writers waiting behind this batch go first.
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod prune_tests {
    use super::*;

    /// Old finished rows go, in batches; what waits, what is recent and what carried an alert
    /// stay.
    #[tokio::test]
    async fn prune_keeps_what_waits_what_is_recent_and_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let db = Db::open(&url).await.unwrap();
        for sql in [
            "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
             VALUES (1, 10, 10, 'en', 2, 0, 0)",
            "INSERT INTO alerts (id, patient_id, kind, signals, created_at, recipients) VALUES (7, 1, 'alert', '[]', 0, 1)",
        ] {
            on!(db.reader(), |c| sqlx::query(sql).execute(c).await.map(Done::from)).unwrap();
        }
        let rows = [
            ("old-sent-1", "sent", 100, None),
            ("old-failed", "failed", 110, None),
            ("old-pending", "pending", 120, None),
            ("old-alert", "sent", 130, Some(7)),
            ("old-sent-2", "sent", 140, None),
            ("old-expired", "expired", 150, None),
            ("old-undeliverable", "undeliverable", 160, None),
            ("new-sent", "sent", 1_000, None),
        ];
        for (key, status, created, alert) in rows {
            on!(db.reader(), |c| sqlx::query(
                "INSERT INTO outbox (key, kind, chat_id, text, status, not_before, created_at, alert_id)
                 VALUES ($1, 'message', 10, '', $2, 0, $3, $4)",
            )
            .bind(key)
            .bind(status)
            .bind(created)
            .bind(alert)
            .execute(c).await.map(Done::from))
            .unwrap();
        }
        assert_eq!(prune(&db, 500, 2).await.unwrap(), 5);
        let left: Vec<String> = on!(db.reader(), |c| sqlx::query_scalar(
            "SELECT key FROM outbox ORDER BY id"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        assert_eq!(left, ["old-pending", "old-alert", "new-sent"]);
        assert_eq!(prune(&db, 500, 2).await.unwrap(), 0);
        db.close().await;
    }
}
