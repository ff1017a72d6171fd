//! Crisis screens (C-SSRS screener answers) and the patient's own safety plan.

use super::{Db, Tx};
use crate::domain::screen::{Answers, Question};
use anyhow::{Context, Result};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct Screen {
    pub id: i64,
    pub patient_id: i64,
    pub started_at: i64,
    pub answers: Answers,
    pub completed: bool,
    pub alert_id: Option<i64>,
}

const COLUMNS: &str = "id, patient_id, started_at, q1, q2, q3, q4, q5, q6, completed_at, alert_id";

/// The answer columns are picked per question at run time, hence `try_get`.
fn from_row(r: &sqlx::sqlite::SqliteRow) -> Result<Screen> {
    let mut answers = Answers::default();
    for q in Question::ALL {
        let v: Option<i64> = r.try_get(q.column())?;
        answers.set_opt(q, v.map(|v| v != 0));
    }
    Ok(Screen {
        id: r.try_get("id")?,
        patient_id: r.try_get("patient_id")?,
        started_at: r.try_get("started_at")?,
        answers,
        completed: r.try_get::<Option<i64>, _>("completed_at")?.is_some(),
        alert_id: r.try_get("alert_id")?,
    })
}

pub async fn start(tx: &mut Tx, patient_id: i64, origin: &str, now: i64) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO crisis_screens (patient_id, origin, started_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(patient_id)
    .bind(origin)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .context("store::crisis::start")
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Screen>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM crisis_screens WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .context("store::crisis::get")?;
    row.as_ref()
        .map(from_row)
        .transpose()
        .context("store::crisis::get: reading the row")
}

/// The patient's screen started within `since`, still open.
/// Whether a screen started since `since` is still waiting for answers (outside a transaction).
pub async fn is_open_since(db: &Db, patient_id: i64, since: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM crisis_screens
         WHERE patient_id = $1 AND completed_at IS NULL AND started_at >= $2",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_one(db.pool())
    .await
    .context("store::crisis::is_open_since")?;
    Ok(n > 0)
}

pub async fn open_since(tx: &mut Tx, patient_id: i64, since: i64) -> Result<Option<Screen>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM crisis_screens
         WHERE patient_id = $1 AND completed_at IS NULL AND started_at >= $2
         ORDER BY id DESC LIMIT 1"
    )))
    .bind(patient_id)
    .bind(since)
    .fetch_optional(&mut **tx)
    .await
    .context("store::crisis::open_since")?;
    row.as_ref()
        .map(from_row)
        .transpose()
        .context("store::crisis::open_since: reading the row")
}

/// Records one answer; false if that question was answered already (a double tap).
pub async fn answer(tx: &mut Tx, id: i64, q: Question, yes: bool) -> Result<bool> {
    let col = q.column();
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE crisis_screens SET {col} = $1 WHERE id = $2 AND {col} IS NULL AND completed_at IS NULL"
    )))
    .bind(yes)
    .bind(id)
    .execute(&mut **tx)
    .await.context("store::crisis::answer")?
    .rows_affected()
        > 0)
}

pub async fn complete(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE crisis_screens SET completed_at = $1 WHERE id = $2 AND completed_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .context("store::crisis::complete")?;
    Ok(())
}

pub async fn set_alert(tx: &mut Tx, id: i64, alert_id: i64) -> Result<()> {
    sqlx::query("UPDATE crisis_screens SET alert_id = $1 WHERE id = $2")
        .bind(alert_id)
        .bind(id)
        .execute(&mut **tx)
        .await
        .context("store::crisis::set_alert")?;
    Ok(())
}

pub use crate::domain::conversation::PlanPart;

pub type Plan = Vec<(PlanPart, Option<String>)>;

pub async fn plan(db: &Db, patient_id: i64) -> Result<Option<Plan>> {
    let row = sqlx::query(
        "SELECT warning_signs, coping, people, professionals, safe_place, reasons
         FROM safety_plans WHERE patient_id = $1",
    )
    .bind(patient_id)
    .fetch_optional(db.pool())
    .await
    .context("store::crisis::plan")?;
    row.map(|r| {
        PlanPart::ALL
            .into_iter()
            .map(|p| Ok((p, r.try_get::<Option<String>, _>(p.code())?)))
            .collect::<std::result::Result<Plan, sqlx::Error>>()
            .context("store::crisis::plan: reading the row")
    })
    .transpose()
}

/// Writes one part (None clears it), creating the plan if needed.
pub async fn set_plan_part(
    tx: &mut Tx,
    patient_id: i64,
    part: PlanPart,
    text: Option<&str>,
    now: i64,
) -> Result<()> {
    let col = part.code();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO safety_plans (patient_id, {col}, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (patient_id) DO UPDATE SET {col} = excluded.{col}, updated_at = excluded.updated_at"
    )))
    .bind(patient_id)
    .bind(text)
    .bind(now)
    .execute(&mut **tx)
    .await.context("store::crisis::set_plan_part")?;
    Ok(())
}
