//! Alerts to support contacts, their answers, and the history the risk engine reads. The
//! "are you OK?" checks are in `ok_checks.rs`; what contacts are shown in `reports.rs`.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::outbox_key::Key;
use crate::domain::risk::{Answers, Found, History, LastAlert, Signal, Sos};
use crate::on;
use anyhow::{Context, Result};

/// `(about_at, mood, sleep_minutes, sleep_quality, craving, used)` of a check-in.
type AnswersRow = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// Whether the use reported about moment `about_at` was told in a missed day filled in
/// afterwards.
pub async fn use_filled_in_late(tx: &mut Tx, patient_id: i64, about_at: i64) -> Result<bool> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM checkins WHERE patient_id = $1 AND about_at = $2
                        AND used = 'yes' AND about_at < started_at)",
    )
    .bind(patient_id)
    .bind(about_at)
    .fetch_one(c)
    .await)
    .context("store::alerts::use_filled_in_late")
}

/// The answers and events of `(since, now]` the risk engine needs, oldest first. Read inside
/// the transaction that will record the decision, so two evaluations cannot both alert.
pub async fn history(tx: &mut Tx, patient_id: i64, since: i64, now: i64) -> Result<History> {
    let rows: Vec<AnswersRow> = on!(tx.conn(), |c| sqlx::query_as(
        // By the moment each describes: a missed day filled in counts on that day.
        "SELECT about_at, mood, sleep_minutes, sleep_quality, craving, used FROM checkins
         WHERE patient_id = $1 AND about_at > $2 AND about_at <= $3 ORDER BY about_at, id",
    )
    .bind(patient_id)
    .bind(since)
    .bind(now)
    .fetch_all(c)
    .await)
    .context("store::alerts::history")?;
    let small = |v: Option<i64>| v.and_then(|v| u8::try_from(v).ok());
    let checkins = rows
        .into_iter()
        .map(
            |(at, mood, sleep_minutes, sleep_quality, craving, used)| Answers {
                at,
                mood: small(mood),
                sleep_minutes: sleep_minutes.and_then(|v| u16::try_from(v).ok()),
                sleep_quality: small(sleep_quality),
                craving: small(craving),
                used: used.and_then(|u| match u.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                }),
            },
        )
        .collect();
    let unanswered_ok_checks = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT sent_at FROM ok_checks WHERE patient_id = $1 AND answered_at IS NULL
             AND counted_at IS NOT NULL AND sent_at > $2 ORDER BY sent_at",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_all(c)
    .await)
    .context("store::alerts::history")?;
    // Each SOS with the urge at its latest follow-up rating (round 1 or 2), if any.
    let sos = on!(tx.conn(), |c| sqlx::query_as::<_, (i64, Option<i64>)>(
        "SELECT s.started_at,
                (SELECT r.urge FROM sos_ratings r WHERE r.sos_id = s.id AND r.round > 0
                  AND r.rated_at <= $1 ORDER BY r.round DESC LIMIT 1) AS urge
         FROM sos s WHERE s.patient_id = $2 AND s.started_at > $3 AND s.started_at <= $4
         ORDER BY s.started_at",
    )
    .bind(now)
    .bind(patient_id)
    .bind(since)
    .bind(now)
    .fetch_all(c)
    .await)
    .context("store::alerts::history")?
    .into_iter()
    .map(|(at, urge)| Sos {
        at,
        last_followup_urge: small(urge),
    })
    .collect();
    let not_great = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT answered_at FROM ok_checks WHERE patient_id = $1 AND answer = 'not-great'
             AND answered_at > $2 AND answered_at <= $3 ORDER BY answered_at",
    )
    .bind(patient_id)
    .bind(since)
    .bind(now)
    .fetch_all(c)
    .await)
    .context("store::alerts::history")?;
    let crisis_yes = on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT started_at FROM crisis_screens WHERE patient_id = $1 AND started_at > $2
             AND 1 IN (q1, q2, q3, q4, q5, q6) ORDER BY started_at",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_all(c)
    .await)
    .context("store::alerts::history")?;
    Ok(History {
        checkins,
        unanswered_ok_checks,
        not_great,
        sos,
        crisis_yes,
    })
}

/// The patient's latest cluster alert or escalation (not crisis alerts).
pub async fn last_cluster_alert(tx: &mut Tx, patient_id: i64) -> Result<Option<LastAlert>> {
    let row: Option<(i64, String, Option<i64>)> = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT created_at, kind, acknowledged_at FROM alerts
         WHERE patient_id = $1 AND kind IN ('alert', 'escalation') ORDER BY id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::alerts::last_cluster_alert")?;
    Ok(row.map(|(at, kind, acknowledged_at)| LastAlert {
        at,
        escalation: kind == "escalation",
        acknowledged: acknowledged_at.is_some(),
    }))
}

pub fn signals_json(found: &[Found]) -> String {
    serde_json::Value::Array(
        found
            .iter()
            .map(|f| {
                serde_json::json!({
                    "signal": f.signal.code(),
                    "at": f.at,
                    "first": f.first,
                    "count": f.count,
                })
            })
            .collect(),
    )
    .to_string()
}

pub fn parse_signals(json: &str) -> Vec<Signal> {
    serde_json::from_str::<Vec<serde_json::Value>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get("signal")?.as_str().and_then(Signal::parse))
        .collect()
}

pub async fn insert(
    tx: &mut Tx,
    patient_id: i64,
    kind: &str,
    found: &[Found],
    recipients: usize,
    origin: Option<&str>,
    now: i64,
) -> Result<Option<i64>> {
    // One alert per origin (a use per check-in, a request per source): a repeat is nothing.
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO alerts (patient_id, kind, signals, created_at, recipients, origin)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (patient_id, origin) WHERE origin IS NOT NULL DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(kind)
    .bind(signals_json(found))
    .bind(now)
    .bind(recipients as i64)
    .bind(origin)
    .fetch_optional(c)
    .await)
    .context("store::alerts::insert")
}

#[derive(Debug, Clone)]
pub struct Alert {
    pub id: i64,
    pub patient_id: i64,
    pub kind: String,
    pub signals: Vec<Signal>,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: i64,
    patient_id: i64,
    kind: String,
    signals: String,
    created_at: i64,
    acknowledged_at: Option<i64>,
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Alert>> {
    let row: Option<AlertRow> = on!(tx.conn(), |c| sqlx::query_as(
        "SELECT id, patient_id, kind, signals, created_at, acknowledged_at FROM alerts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c).await).context("store::alerts::get")?;
    Ok(row.map(|r| Alert {
        id: r.id,
        patient_id: r.patient_id,
        kind: r.kind,
        signals: parse_signals(&r.signals),
        created_at: r.created_at,
        acknowledged_at: r.acknowledged_at,
    }))
}

/// Whether this alert was queued to this link (a contact answers only alerts they got).
pub async fn was_sent_to(tx: &mut Tx, alert_id: i64, link_id: i64) -> Result<bool> {
    Ok(on!(tx.conn(), |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM outbox WHERE key = $1"
    )
    .bind(
        Key::LinkAlert {
            link: link_id,
            alert: alert_id,
        }
        .to_string(),
    )
    .fetch_one(c)
    .await)
    .context("store::alerts::was_sent_to")?
        > 0)
}

/// A contact's answer to an alert. False if this contact had answered it already.
pub async fn answer(
    tx: &mut Tx,
    alert_id: i64,
    link_id: i64,
    reached: bool,
    now: i64,
) -> Result<bool> {
    let new = on!(tx.conn(), |c| {
        sqlx::query(
        "INSERT INTO alert_answers (alert_id, link_id, answer, answered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (alert_id, link_id) DO NOTHING",
    )
    .bind(alert_id)
    .bind(link_id)
    .bind(if reached { "reached" } else { "cant" })
    .bind(now)
    .execute(c).await.map(Done::from)
    })
    .context("store::alerts::answer")?
    .rows_affected()
        > 0;
    if new && reached {
        on!(tx.conn(), |c| sqlx::query(
            "UPDATE alerts SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL",
        )
        .bind(now)
        .bind(alert_id)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::alerts::answer")?;
    }
    Ok(new)
}

/// Patients whose latest cluster alert is unanswered and whose cooldown just ended: looked at
/// once more for an escalation even if they send nothing new. Each alert is looked at once
/// here (later answers are evaluated as they arrive).
pub async fn escalation_candidates(tx: &mut Tx, cooldown: i64, now: i64) -> Result<Vec<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE alerts SET escalation_checked_at = $1
         WHERE kind = 'alert' AND acknowledged_at IS NULL AND escalation_checked_at IS NULL
           AND created_at + $2 <= $3
         RETURNING patient_id",
    )
    .bind(now)
    .bind(cooldown)
    .bind(now)
    .fetch_all(c)
    .await)
    .context("store::alerts::escalation_candidates")
}

/// When the next unanswered alert's cooldown ends, for the scheduler's sleep.
pub async fn next_escalation(db: &Db, cooldown: i64) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(created_at + $1) FROM alerts
         WHERE kind = 'alert' AND acknowledged_at IS NULL AND escalation_checked_at IS NULL",
    )
    .bind(cooldown)
    .fetch_one(c)
    .await)
    .context("store::alerts::next_escalation")
}

/// Whether the place a "reach out" request names is the patient's own, recent (since
/// `since`), and what the button was offered for: a "not great", an SOS, a reported use.
/// Forged, someone else's or stale data is not.
pub async fn reach_source_is_patients(
    tx: &mut Tx,
    patient_id: i64,
    from: crate::domain::callback::ReachFrom,
    since: i64,
) -> Result<bool> {
    use crate::domain::callback::ReachFrom;
    let (sql, id) = match from {
        ReachFrom::OkCheck(id) => (
            "SELECT patient_id FROM ok_checks WHERE id = $1 AND answer = 'not-great'
                 AND answered_at > $2",
            id,
        ),
        ReachFrom::Sos(id) => (
            "SELECT patient_id FROM sos WHERE id = $1 AND started_at > $2",
            id,
        ),
        ReachFrom::Checkin(id) => (
            "SELECT patient_id FROM checkins WHERE id = $1 AND used = 'yes' AND started_at > $2",
            id,
        ),
    };
    let owner: Option<i64> = on!(tx.conn(), |c| sqlx::query_scalar(sql)
        .bind(id)
        .bind(since)
        .fetch_optional(c)
        .await)
    .context("store::alerts::reach_source_is_patients")?;
    Ok(owner == Some(patient_id))
}
