//! Support contacts: invitations, the people who accepted them, and the links between a
//! patient and their contacts.

use super::{Db, Tx};
use anyhow::Result;
use sqlx::Row;

/// How long an invitation link works.
pub const INVITE_LIFETIME_SECS: i64 = 24 * 3600;
/// Failed invitation links one person may try per `FAILURE_WINDOW_SECS`.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 3600;

#[derive(Debug, Clone)]
pub struct Invite {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub weekly: bool,
    /// A reported use alone tells this contact (the patient's choice when inviting).
    pub use_alerts: bool,
    pub status: String,
    pub opened_by: Option<i64>,
    pub expires_at: i64,
}

const INVITE_COLUMNS: &str =
    "id, patient_id, patient_name, weekly, use_alerts, status, opened_by, expires_at";

fn invite_from(r: &sqlx::sqlite::SqliteRow) -> Invite {
    Invite {
        id: r.get("id"),
        patient_id: r.get("patient_id"),
        patient_name: r.get("patient_name"),
        weekly: r.get::<i64, _>("weekly") != 0,
        use_alerts: r.get::<i64, _>("use_alerts") != 0,
        status: r.get("status"),
        opened_by: r.get("opened_by"),
        expires_at: r.get("expires_at"),
    }
}

pub async fn create_invite(
    tx: &mut Tx,
    patient_id: i64,
    token_hash: &str,
    patient_name: &str,
    weekly: bool,
    use_alerts: bool,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO invites (patient_id, token_hash, patient_name, weekly, use_alerts, status,
                              created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
    )
    .bind(patient_id)
    .bind(token_hash)
    .bind(patient_name)
    .bind(weekly)
    .bind(use_alerts)
    .bind(now)
    .bind(now + INVITE_LIFETIME_SECS)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn invite_by_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<Invite>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = ?"
    )))
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(invite_from))
}

pub async fn invite(tx: &mut Tx, id: i64) -> Result<Option<Invite>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(invite_from))
}

/// The first person to open a link claims it: only they can accept or decline it.
pub async fn claim_invite(tx: &mut Tx, id: i64, telegram_user_id: i64) -> Result<bool> {
    sqlx::query("UPDATE invites SET opened_by = ? WHERE id = ? AND opened_by IS NULL")
        .bind(telegram_user_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT opened_by FROM invites WHERE id = ?")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?
            == Some(telegram_user_id),
    )
}

/// Closes an open invitation ('accepted', 'declined', 'cancelled'). False if it was not open.
pub async fn close_invite(tx: &mut Tx, id: i64, status: &str, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE invites SET status = ?, answered_at = ?,
             opened_by = CASE WHEN ? = 'declined' THEN NULL ELSE opened_by END
         WHERE id = ? AND status = 'open'",
    )
    .bind(status)
    .bind(now)
    .bind(status)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        > 0)
}

/// Open, unexpired invitations a patient has out.
pub async fn open_invites(db: &Db, patient_id: i64, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE patient_id = ? AND status = 'open' AND expires_at > ?",
    )
    .bind(patient_id)
    .bind(now)
    .fetch_one(db.pool())
    .await?)
}

/// Counts a link that did not work; returns the failures in the last window, this one included.
pub async fn record_failure(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<i64> {
    sqlx::query("DELETE FROM invite_failures WHERE at <= ?")
        .bind(now - 24 * 3600)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO invite_failures (telegram_user_id, at) VALUES (?, ?)")
        .bind(telegram_user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    recent_failures(tx, telegram_user_id, now).await
}

pub async fn recent_failures(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM invite_failures WHERE telegram_user_id = ? AND at > ?",
    )
    .bind(telegram_user_id)
    .bind(now - FAILURE_WINDOW_SECS)
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: i64,
    pub telegram_user_id: i64,
    pub chat_id: i64,
    pub language: String,
    pub active: bool,
}

fn contact_from(r: &sqlx::sqlite::SqliteRow) -> Contact {
    Contact {
        id: r.get("id"),
        telegram_user_id: r.get("telegram_user_id"),
        chat_id: r.get("chat_id"),
        language: r.get("language"),
        active: r.get::<i64, _>("active") != 0,
    }
}

pub async fn contact_by_user(db: &Db, telegram_user_id: i64) -> Result<Option<Contact>> {
    let row = sqlx::query(
        "SELECT id, telegram_user_id, chat_id, language, active FROM contacts WHERE telegram_user_id = ?",
    )
    .bind(telegram_user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(contact_from))
}

/// Records (or refreshes) the person who accepted an invitation.
pub async fn upsert_contact(
    tx: &mut Tx,
    telegram_user_id: i64,
    chat_id: i64,
    language: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO contacts (telegram_user_id, chat_id, language, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (telegram_user_id) DO UPDATE SET chat_id = excluded.chat_id,
             language = excluded.language, active = 1
         RETURNING id",
    )
    .bind(telegram_user_id)
    .bind(chat_id)
    .bind(language)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Blocked the bot (or unblocked it: `active`).
pub async fn set_contact_active(tx: &mut Tx, contact_id: i64, active: bool) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE contacts SET active = ? WHERE id = ? AND active = ?")
            .bind(active)
            .bind(contact_id)
            .bind(!active)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn set_contact_active_by_user(
    tx: &mut Tx,
    telegram_user_id: i64,
    active: bool,
) -> Result<()> {
    sqlx::query("UPDATE contacts SET active = ? WHERE telegram_user_id = ?")
        .bind(active)
        .bind(telegram_user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A pairing, with what both sides need to reach each other.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: i64,
    pub patient_id: i64,
    pub contact_id: i64,
    pub patient_name: String,
    pub contact_name: String,
    pub weekly: bool,
    /// A reported use alone tells this contact.
    pub use_alerts: bool,
    pub created_at: i64,
    pub weekly_sent_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub contact_chat_id: i64,
    pub contact_language: String,
    pub contact_active: bool,
    pub patient_chat_id: i64,
    pub patient_language: String,
    /// The patient's country (for the crisis line and emergency number in alerts).
    pub patient_country: Option<String>,
}

const LINK_SELECT: &str =
    "SELECT l.id, l.patient_id, l.contact_id, l.patient_name, l.contact_name, l.weekly,
        l.use_alerts, l.created_at, l.weekly_sent_at, l.ended_at,
        c.chat_id AS contact_chat_id, c.language AS contact_language, c.active AS contact_active,
        p.chat_id AS patient_chat_id, p.language AS patient_language,
        p.country AS patient_country, p.time_zone AS patient_zone
    FROM links l JOIN contacts c ON c.id = l.contact_id JOIN patients p ON p.id = l.patient_id";

fn link_from(r: &sqlx::sqlite::SqliteRow) -> Link {
    Link {
        id: r.get("id"),
        patient_id: r.get("patient_id"),
        contact_id: r.get("contact_id"),
        patient_name: r.get("patient_name"),
        contact_name: r.get("contact_name"),
        weekly: r.get::<i64, _>("weekly") != 0,
        use_alerts: r.get::<i64, _>("use_alerts") != 0,
        created_at: r.get("created_at"),
        weekly_sent_at: r.get("weekly_sent_at"),
        ended_at: r.get("ended_at"),
        contact_chat_id: r.get("contact_chat_id"),
        contact_language: r.get("contact_language"),
        contact_active: r.get::<i64, _>("contact_active") != 0,
        patient_chat_id: r.get("patient_chat_id"),
        patient_language: r.get("patient_language"),
        patient_country: r.get::<Option<String>, _>("patient_country").or_else(|| {
            r.get::<Option<String>, _>("patient_zone")
                .and_then(|z| crate::domain::timezone::PatientZone::parse(&z).ok())
                .and_then(|z| z.country().map(str::to_string))
        }),
    }
}

/// The name the patient gave in their latest invitation, offered for the next one.
pub async fn last_patient_name(tx: &mut Tx, patient_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT patient_name FROM invites WHERE patient_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Pairs a patient and a contact. `None` if they are already paired.
pub async fn create_link(
    tx: &mut Tx,
    invite: &Invite,
    contact_id: i64,
    contact_name: &str,
    now: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO links (patient_id, contact_id, patient_name, contact_name, weekly, use_alerts,
                            created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (patient_id, contact_id) WHERE ended_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(invite.patient_id)
    .bind(contact_id)
    .bind(&invite.patient_name)
    .bind(contact_name)
    .bind(invite.weekly)
    .bind(invite.use_alerts)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn link(db: &Db, id: i64) -> Result<Option<Link>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{LINK_SELECT} WHERE l.id = ?")))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(link_from))
}

/// The patient's current contacts, oldest first.
pub async fn links_of_patient(db: &Db, patient_id: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.patient_id = ? AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(patient_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(link_from).collect())
}

/// Same, inside a write transaction (alerts are queued in the transaction that decides them).
pub async fn links_of_patient_tx(tx: &mut Tx, patient_id: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.patient_id = ? AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(patient_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(link_from).collect())
}

/// A contact's current links, inside a write transaction.
pub async fn links_of_contact_tx(tx: &mut Tx, contact_id: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.contact_id = ? AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(contact_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(link_from).collect())
}

/// The patients a person supports now, oldest link first.
pub async fn links_of_contact_user(db: &Db, telegram_user_id: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE c.telegram_user_id = ? AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(telegram_user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(link_from).collect())
}

/// Ends a link ('patient' or 'contact' ended it). `None` if it had ended already; else the
/// alerts whose queued messages to this contact were dropped (what their patient is to hear
/// about them must be settled now, not held for ever).
pub async fn end_link(tx: &mut Tx, id: i64, by: &str, now: i64) -> Result<Option<Vec<i64>>> {
    let ended = sqlx::query(
        "UPDATE links SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        > 0;
    if !ended {
        return Ok(None);
    }
    // Nothing more about this patient reaches this contact: drop what is still queued.
    let alerts: Vec<Option<i64>> = sqlx::query_scalar(
        "UPDATE outbox SET status = 'expired', last_error = 'the link ended',
             text = '', keyboard = NULL, render = NULL
         WHERE status = 'pending' AND contact_id IS NOT NULL AND link_id = ?
         RETURNING alert_id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut alerts: Vec<i64> = alerts.into_iter().flatten().collect();
    alerts.sort_unstable();
    alerts.dedup();
    Ok(Some(alerts))
}

pub async fn set_weekly(tx: &mut Tx, id: i64, weekly: bool) -> Result<()> {
    sqlx::query("UPDATE links SET weekly = ? WHERE id = ? AND ended_at IS NULL")
        .bind(weekly)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_use_alerts(tx: &mut Tx, id: i64, tell: bool) -> Result<()> {
    sqlx::query("UPDATE links SET use_alerts = ? WHERE id = ? AND ended_at IS NULL")
        .bind(tell)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Links whose weekly summary is due: a week after pairing or after the last summary.
pub async fn weekly_due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.ended_at IS NULL AND l.weekly = 1 AND c.active = 1
             AND COALESCE(l.weekly_sent_at, l.created_at) + 7 * 86400 <= ?
         ORDER BY l.id LIMIT ?"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(link_from).collect())
}

pub async fn weekly_sent(tx: &mut Tx, id: i64, at: i64) -> Result<()> {
    sqlx::query("UPDATE links SET weekly_sent_at = ? WHERE id = ?")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// When the next weekly summary falls due, for the scheduler's sleep.
pub async fn next_weekly(db: &Db) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(COALESCE(l.weekly_sent_at, l.created_at) + 7 * 86400)
         FROM links l JOIN contacts c ON c.id = l.contact_id
         WHERE l.ended_at IS NULL AND l.weekly = 1 AND c.active = 1",
    )
    .fetch_one(db.pool())
    .await?)
}
