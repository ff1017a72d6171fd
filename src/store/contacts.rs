//! Support contacts: invitations, the people who accepted them, and the links between a
//! patient and their contacts.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// How long an invitation link works.
pub const INVITE_LIFETIME_SECS: i64 = 24 * 3600;
/// Failed invitation links one person may try per `FAILURE_WINDOW_SECS`.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 3600;

/// Where an invitation stands (`invites.status`).
#[derive(sqlx::Type, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum InviteStatus {
    Open,
    Accepted,
    Declined,
    Cancelled,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invite {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub weekly: bool,
    /// A reported use alone tells this contact (the patient's choice when inviting).
    pub use_alerts: bool,
    pub status: InviteStatus,
    pub opened_by: Option<i64>,
    pub expires_at: i64,
}

const INVITE_COLUMNS: &str =
    "id, patient_id, patient_name, (weekly <> 0) AS weekly, (use_alerts <> 0) AS use_alerts, status, opened_by, expires_at";

pub async fn create_invite(
    tx: &mut Tx,
    patient_id: i64,
    token_hash: &str,
    patient_name: &str,
    weekly: bool,
    use_alerts: bool,
    now: i64,
) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO invites (patient_id, token_hash, patient_name, weekly, use_alerts, status,
                              created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id",
    )
    .bind(patient_id)
    .bind(token_hash)
    .bind(patient_name)
    .bind(i64::from(weekly))
    .bind(i64::from(use_alerts))
    .bind(now)
    .bind(now + INVITE_LIFETIME_SECS)
    .fetch_one(c)
    .await)
    .context("store::contacts::create_invite")
}

pub async fn invite_by_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<Invite>> {
    on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(c)
    .await)
    .context("store::contacts::invite_by_hash")
}

pub async fn invite(tx: &mut Tx, id: i64) -> Result<Option<Invite>> {
    on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::contacts::invite")
}

/// The first person to open a link claims it: only they can accept or decline it.
pub async fn claim_invite(tx: &mut Tx, id: i64, telegram_user_id: i64) -> Result<bool> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE invites SET opened_by = $1 WHERE id = $2 AND opened_by IS NULL"
    )
    .bind(telegram_user_id)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::claim_invite")?;
    Ok(on!(tx.conn(), |c| sqlx::query_scalar::<_, Option<i64>>(
        "SELECT opened_by FROM invites WHERE id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await)
    .context("store::contacts::claim_invite")?
        == Some(telegram_user_id))
}

/// Closes an open invitation ('accepted', 'declined', 'cancelled'). False if it was not open.
pub async fn close_invite(tx: &mut Tx, id: i64, status: InviteStatus, now: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "UPDATE invites SET status = $1, answered_at = $2,
             opened_by = CASE WHEN $3 = 'declined' THEN NULL ELSE opened_by END
         WHERE id = $4 AND status = 'open'",
    )
    .bind(status)
    .bind(now)
    .bind(status)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::close_invite")?
    .rows_affected()
        > 0)
}

/// Open, unexpired invitations a patient has out.
pub async fn open_invites(db: &Db, patient_id: i64, now: i64) -> Result<i64> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE patient_id = $1 AND status = 'open' AND expires_at > $2",
    )
    .bind(patient_id)
    .bind(now)
    .fetch_one(c).await)
    .context("store::contacts::open_invites")
}

/// Counts a link that did not work; returns the failures in the last window, this one included.
pub async fn record_failure(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query(
        "DELETE FROM invite_failures WHERE at <= $1"
    )
    .bind(now - 24 * 3600)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::record_failure")?;
    on!(tx.conn(), |c| sqlx::query(
        "INSERT INTO invite_failures (telegram_user_id, at) VALUES ($1, $2)"
    )
    .bind(telegram_user_id)
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::record_failure")?;
    recent_failures(tx, telegram_user_id, now).await
}

pub async fn recent_failures(tx: &mut Tx, telegram_user_id: i64, now: i64) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invite_failures WHERE telegram_user_id = $1 AND at > $2",
    )
    .bind(telegram_user_id)
    .bind(now - FAILURE_WINDOW_SECS)
    .fetch_one(c)
    .await)
    .context("store::contacts::recent_failures")
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub telegram_user_id: i64,
    pub chat_id: i64,
    pub language: String,
    pub active: bool,
}

pub async fn contact_by_user(db: &Db, telegram_user_id: i64) -> Result<Option<Contact>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT id, telegram_user_id, chat_id, language, (active <> 0) AS active FROM contacts WHERE telegram_user_id = $1",
    )
    .bind(telegram_user_id)
    .fetch_optional(c).await).context("store::contacts::contact_by_user")
}

/// Records (or refreshes) the person who accepted an invitation.
pub async fn upsert_contact(
    tx: &mut Tx,
    telegram_user_id: i64,
    chat_id: i64,
    language: &str,
    now: i64,
) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO contacts (telegram_user_id, chat_id, language, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (telegram_user_id) DO UPDATE SET chat_id = excluded.chat_id,
             language = excluded.language, active = 1
         RETURNING id",
    )
    .bind(telegram_user_id)
    .bind(chat_id)
    .bind(language)
    .bind(now)
    .fetch_one(c).await)
    .context("store::contacts::upsert_contact")
}

/// Blocked the bot (or unblocked it: `active`).
pub async fn set_contact_active(tx: &mut Tx, contact_id: i64, active: bool) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query(
        "UPDATE contacts SET active = $1 WHERE id = $2 AND active = $3"
    )
    .bind(i64::from(active))
    .bind(contact_id)
    .bind(i64::from(!active))
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::set_contact_active")?
    .rows_affected()
        > 0)
}

pub async fn set_contact_active_by_user(
    tx: &mut Tx,
    telegram_user_id: i64,
    active: bool,
) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE contacts SET active = $1 WHERE telegram_user_id = $2"
    )
    .bind(i64::from(active))
    .bind(telegram_user_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::set_contact_active_by_user")?;
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
    "SELECT l.id, l.patient_id, l.contact_id, l.patient_name, l.contact_name, (l.weekly <> 0) AS weekly,
        (l.use_alerts <> 0) AS use_alerts, l.created_at, l.weekly_sent_at, l.ended_at,
        c.chat_id AS contact_chat_id, c.language AS contact_language, (c.active <> 0) AS contact_active,
        p.chat_id AS patient_chat_id, p.language AS patient_language,
        p.country AS patient_country, p.time_zone AS patient_zone
    FROM links l JOIN contacts c ON c.id = l.contact_id JOIN patients p ON p.id = l.patient_id";

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    patient_id: i64,
    contact_id: i64,
    patient_name: String,
    contact_name: String,
    weekly: bool,
    use_alerts: bool,
    created_at: i64,
    weekly_sent_at: Option<i64>,
    ended_at: Option<i64>,
    contact_chat_id: i64,
    contact_language: String,
    contact_active: bool,
    patient_chat_id: i64,
    patient_language: String,
    patient_country: Option<String>,
    patient_zone: Option<String>,
}

impl From<LinkRow> for Link {
    fn from(r: LinkRow) -> Link {
        Link {
            id: r.id,
            patient_id: r.patient_id,
            contact_id: r.contact_id,
            patient_name: r.patient_name,
            contact_name: r.contact_name,
            weekly: r.weekly,
            use_alerts: r.use_alerts,
            created_at: r.created_at,
            weekly_sent_at: r.weekly_sent_at,
            ended_at: r.ended_at,
            contact_chat_id: r.contact_chat_id,
            contact_language: r.contact_language,
            contact_active: r.contact_active,
            patient_chat_id: r.patient_chat_id,
            patient_language: r.patient_language,
            patient_country: r.patient_country.or_else(|| {
                r.patient_zone
                    .and_then(|z| crate::domain::timezone::PatientZone::parse(&z).ok())
                    .and_then(|z| z.country().map(str::to_string))
            }),
        }
    }
}

fn links(rows: Vec<LinkRow>) -> Vec<Link> {
    rows.into_iter().map(Link::from).collect()
}

/// The name the patient gave in their latest invitation, offered for the next one.
pub async fn last_patient_name(tx: &mut Tx, patient_id: i64) -> Result<Option<String>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT patient_name FROM invites WHERE patient_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::contacts::last_patient_name")
}

/// Pairs a patient and a contact. `None` if they are already paired.
pub async fn create_link(
    tx: &mut Tx,
    invite: &Invite,
    contact_id: i64,
    contact_name: &str,
    now: i64,
) -> Result<Option<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO links (patient_id, contact_id, patient_name, contact_name, weekly, use_alerts,
                            created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (patient_id, contact_id) WHERE ended_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(invite.patient_id)
    .bind(contact_id)
    .bind(&invite.patient_name)
    .bind(contact_name)
    .bind(i64::from(invite.weekly))
    .bind(i64::from(invite.use_alerts))
    .bind(now)
    .fetch_optional(c)
    .await)
    .context("store::contacts::create_link")
}

pub async fn link(db: &Db, id: i64) -> Result<Option<Link>> {
    let row: Option<LinkRow> = on!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
        format!("{LINK_SELECT} WHERE l.id = $1")
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::contacts::link")?;
    Ok(row.map(Link::from))
}

/// The patient's current contacts, oldest first: through the pool (`db.pool()`), or inside a
/// write transaction (`tx.conn()`; alerts are queued in the transaction that decides them).
pub async fn links_of_patient<'l, 'p, L, P>(conn: Lane<L, P>, patient_id: i64) -> Result<Vec<Link>>
where
    L: sqlx::SqliteExecutor<'l>,
    P: sqlx::PgExecutor<'p>,
{
    let rows = on!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.patient_id = $1 AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(patient_id)
    .fetch_all(c)
    .await)
    .context("store::contacts::links_of_patient")?;
    Ok(links(rows))
}

/// A contact's current links (`db.reader()`, or `tx.conn()` inside a write transaction).
pub async fn links_of_contact<'l, 'p, L, P>(conn: Lane<L, P>, contact_id: i64) -> Result<Vec<Link>>
where
    L: sqlx::SqliteExecutor<'l>,
    P: sqlx::PgExecutor<'p>,
{
    let rows = on!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.contact_id = $1 AND l.ended_at IS NULL ORDER BY l.id"
    )))
    .bind(contact_id)
    .fetch_all(c)
    .await)
    .context("store::contacts::links_of_contact")?;
    Ok(links(rows))
}

/// The patients a person supports now, oldest link first.
pub async fn links_of_contact_user(db: &Db, telegram_user_id: i64) -> Result<Vec<Link>> {
    let rows = on!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
        format!("{LINK_SELECT} WHERE c.telegram_user_id = $1 AND l.ended_at IS NULL ORDER BY l.id")
    ))
    .bind(telegram_user_id)
    .fetch_all(c)
    .await)
    .context("store::contacts::links_of_contact_user")?;
    Ok(links(rows))
}

/// Ends a link ('patient' or 'contact' ended it). `None` if it had ended already; else the
/// alerts whose queued messages to this contact were dropped (what their patient is to hear
/// about them must be settled now, not held for ever).
pub async fn end_link(tx: &mut Tx, id: i64, by: &str, now: i64) -> Result<Option<Vec<i64>>> {
    let ended = on!(tx.conn(), |c| sqlx::query(
        "UPDATE links SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::end_link")?
    .rows_affected()
        > 0;
    if !ended {
        return Ok(None);
    }
    // Nothing more about this patient reaches this contact: drop what is still queued.
    let alerts: Vec<Option<i64>> = on!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE outbox SET status = 'expired', last_error = 'the link ended',
             text = '', keyboard = NULL, render = NULL
         WHERE status = 'pending' AND contact_id IS NOT NULL AND link_id = $1
         RETURNING alert_id",
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .context("store::contacts::end_link")?;
    let mut alerts: Vec<i64> = alerts.into_iter().flatten().collect();
    alerts.sort_unstable();
    alerts.dedup();
    Ok(Some(alerts))
}

pub async fn set_weekly(tx: &mut Tx, id: i64, weekly: bool) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE links SET weekly = $1 WHERE id = $2 AND ended_at IS NULL"
    )
    .bind(i64::from(weekly))
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::set_weekly")?;
    Ok(())
}

pub async fn set_use_alerts(tx: &mut Tx, id: i64, tell: bool) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE links SET use_alerts = $1 WHERE id = $2 AND ended_at IS NULL"
    )
    .bind(i64::from(tell))
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::set_use_alerts")?;
    Ok(())
}

/// Links whose weekly summary is due: a week after pairing or after the last summary.
pub async fn weekly_due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<Link>> {
    let rows = on!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE l.ended_at IS NULL AND l.weekly = 1 AND c.active = 1
             AND COALESCE(l.weekly_sent_at, l.created_at) + 7 * 86400 <= $1
         ORDER BY l.id LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)
    .context("store::contacts::weekly_due")?;
    Ok(links(rows))
}

pub async fn weekly_sent(tx: &mut Tx, id: i64, at: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE links SET weekly_sent_at = $1 WHERE id = $2"
    )
    .bind(at)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::contacts::weekly_sent")?;
    Ok(())
}

/// When the next weekly summary falls due, for the scheduler's sleep.
pub async fn next_weekly(db: &Db) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(COALESCE(l.weekly_sent_at, l.created_at) + 7 * 86400)
         FROM links l JOIN contacts c ON c.id = l.contact_id
         WHERE l.ended_at IS NULL AND l.weekly = 1 AND c.active = 1",
    )
    .fetch_one(c)
    .await)
    .context("store::contacts::next_weekly")
}
