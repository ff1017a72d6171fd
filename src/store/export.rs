//! Everything stored about one patient, for `/export` (GDPR art. 15 and 20).

use super::Db;
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};
use serde_json::{Map, Value};

/// One check-in, for the CSV.
#[derive(sqlx::FromRow)]
pub struct CheckinRow {
    pub started_at: i64,
    pub about_at: i64,
    pub completed_at: Option<i64>,
    pub status: String,
    pub mood: Option<i64>,
    pub sleep_minutes: Option<i64>,
    pub sleep_quality: Option<i64>,
    pub craving: Option<i64>,
    pub used: Option<String>,
    pub note: Option<String>,
    pub scheduled: bool,
}

pub async fn checkins(db: &Db, patient_id: i64) -> Result<Vec<CheckinRow>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT started_at, about_at, completed_at, status, mood, sleep_minutes, sleep_quality, craving,
                used, note, prompt_id IS NOT NULL AS scheduled
         FROM checkins WHERE patient_id = $1 ORDER BY started_at, id",
    )
    .bind(patient_id)
    .fetch_all(c).await)
    .context("store::export::checkins")
}

/// Columns left out: what identifies someone else, or would let the file open a door.
const LEFT_OUT: &[(&str, &str)] = &[
    // The invitation link's hash, and the Telegram id of whoever opened it.
    ("invites", "token_hash"),
    ("invites", "opened_by"),
];

/// Tables not exported as rows: the delivery queue holds messages to contacts too (their chat
/// ids); what was sent about the patient, and to whom, is in `alerts_sent_to`.
const NOT_ROWS: &[&str] = &["outbox"];

/// Every row about the patient, table by table (each table with a `patient_id` column, found
/// from the schema, so a table added later is exported too), plus the patient's own row, their
/// SOS ratings, their contacts' answers to alerts, and which contacts each alert went to.
pub async fn everything(db: &Db, patient_id: i64) -> Result<Value> {
    let tables: Vec<String> = match db.reader() {
        Lane::Lite(c) => {
            sqlx::query_scalar(
                "SELECT m.name FROM sqlite_master m
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'
                   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'patient_id')
                 ORDER BY m.name",
            )
            .fetch_all(c)
            .await
        }
        Lane::Pg(c) => {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name = 'patient_id'
                   AND table_name NOT LIKE '\\_sqlx%'
                 ORDER BY 1",
            )
            .fetch_all(c)
            .await
        }
    }
    .context("store::export::tables")?;
    let mut out = Map::new();
    out.insert(
        "patient".into(),
        rows(db, "patients", "WHERE id = $1", patient_id)
            .await?
            .as_array()
            .and_then(|a| a.first().cloned())
            .unwrap_or(Value::Null),
    );
    let mut by_table = Map::new();
    for table in tables.iter().filter(|t| !NOT_ROWS.contains(&t.as_str())) {
        by_table.insert(
            table.clone(),
            rows(db, table, "WHERE patient_id = $1", patient_id).await?,
        );
    }
    by_table.insert(
        "sos_ratings".into(),
        rows(
            db,
            "sos_ratings",
            "WHERE sos_id IN (SELECT id FROM sos WHERE patient_id = $1)",
            patient_id,
        )
        .await?,
    );
    by_table.insert(
        "alert_answers".into(),
        rows(
            db,
            "alert_answers",
            "WHERE alert_id IN (SELECT id FROM alerts WHERE patient_id = $1)",
            patient_id,
        )
        .await?,
    );
    out.insert("tables".into(), Value::Object(by_table));
    let sent: String = match db.reader() {
        Lane::Lite(c) => {
            sqlx::query_scalar(
                "SELECT json_group_array(json_object('alert_id', o.alert_id, 'contact_name', l.contact_name,
                                                     'status', o.status, 'sent_at', o.sent_at))
                 FROM outbox o JOIN links l ON l.id = o.link_id
                 WHERE o.patient_id = $1 AND o.alert_id IS NOT NULL AND o.contact_id IS NOT NULL",
            )
            .bind(patient_id)
            .fetch_one(c)
            .await
        }
        Lane::Pg(c) => {
            sqlx::query_scalar(
                "SELECT COALESCE(json_agg(json_build_object('alert_id', o.alert_id, 'contact_name', l.contact_name,
                                                            'status', o.status, 'sent_at', o.sent_at)
                                          ORDER BY o.id), '[]')::text
                 FROM outbox o JOIN links l ON l.id = o.link_id
                 WHERE o.patient_id = $1 AND o.alert_id IS NOT NULL AND o.contact_id IS NOT NULL",
            )
            .bind(patient_id)
            .fetch_one(c)
            .await
        }
    }
    .context("store::export::alerts_sent_to")?;
    out.insert("alerts_sent_to".into(), serde_json::from_str(&sent)?);
    Ok(Value::Object(out))
}

/// The rows of `table` matching `filter` (with `?1` the patient), as JSON objects with every
/// column but those `LEFT_OUT`. Names come from the schema, never from input.
async fn rows(db: &Db, table: &str, filter: &str, patient_id: i64) -> Result<Value> {
    let columns: Vec<String> = match db.reader() {
        Lane::Lite(c) => {
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(c)
                .await
        }
        Lane::Pg(c) => {
            sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(c)
            .await
        }
    }
    .context("store::export::columns")?;
    let pairs: Vec<String> = columns
        .iter()
        .filter(|c| !LEFT_OUT.contains(&(table, c.as_str())))
        .map(|c| format!("'{c}', \"{c}\""))
        .collect();
    let sql = if db.is_postgres() {
        format!(
            "SELECT COALESCE(json_agg(json_build_object({})), '[]')::text FROM \"{table}\" {filter}",
            pairs.join(", ")
        )
    } else {
        format!(
            "SELECT json_group_array(json_object({})) FROM \"{table}\" {filter}",
            pairs.join(", ")
        )
    };
    let json: String = on!(db.reader(), |c| sqlx::query_scalar(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(patient_id)
    .fetch_one(c)
    .await)
    .with_context(|| format!("store::export::rows of {table}"))?;
    Ok(serde_json::from_str(&json)?)
}
