//! Crisis screens (C-SSRS screener answers) and the patient's own safety plan.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::domain::screen::{Answers, Question};
use crate::on;
use anyhow::{Context, Result};

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

/// One screen's columns, in `COLUMNS` order (the same on both backends).
#[allow(clippy::type_complexity)]
type ScreenRow = (
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn from_row(r: ScreenRow) -> Screen {
    let (id, patient_id, started_at, q1, q2, q3, q4, q5, q6, completed_at, alert_id) = r;
    let mut answers = Answers::default();
    for (q, v) in Question::ALL.into_iter().zip([q1, q2, q3, q4, q5, q6]) {
        answers.set_opt(q, v.map(|v| v != 0));
    }
    Screen {
        id,
        patient_id,
        started_at,
        answers,
        completed: completed_at.is_some(),
        alert_id,
    }
}

pub async fn start(tx: &mut Tx, patient_id: i64, origin: &str, now: i64) -> Result<i64> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO crisis_screens (patient_id, origin, started_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(patient_id)
    .bind(origin)
    .bind(now)
    .fetch_one(c).await)
    .context("store::crisis::start")
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Screen>> {
    let row = on!(tx.conn(), |c| sqlx::query_as::<_, ScreenRow>(
        sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM crisis_screens WHERE id = $1"
        ))
    )
    .bind(id)
    .fetch_optional(c)
    .await)
    .context("store::crisis::get")?;
    Ok(row.map(from_row))
}

/// The patient's screen started within `since`, still open.
/// Whether a screen started since `since` is still waiting for answers (outside a transaction).
pub async fn is_open_since(db: &Db, patient_id: i64, since: i64) -> Result<bool> {
    let n: i64 = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM crisis_screens
         WHERE patient_id = $1 AND completed_at IS NULL AND started_at >= $2",
    )
    .bind(patient_id)
    .bind(since)
    .fetch_one(c)
    .await)
    .context("store::crisis::is_open_since")?;
    Ok(n > 0)
}

pub async fn open_since(tx: &mut Tx, patient_id: i64, since: i64) -> Result<Option<Screen>> {
    let row = on!(tx.conn(), |c| sqlx::query_as::<_, ScreenRow>(
        sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM crisis_screens
         WHERE patient_id = $1 AND completed_at IS NULL AND started_at >= $2
         ORDER BY id DESC LIMIT 1"
        ))
    )
    .bind(patient_id)
    .bind(since)
    .fetch_optional(c)
    .await)
    .context("store::crisis::open_since")?;
    Ok(row.map(from_row))
}

/// Records one answer; false if that question was answered already (a double tap).
pub async fn answer(tx: &mut Tx, id: i64, q: Question, yes: bool) -> Result<bool> {
    let col = q.column();
    Ok(on!(tx.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE crisis_screens SET {col} = $1 WHERE id = $2 AND {col} IS NULL AND completed_at IS NULL"
    )))
    .bind(i64::from(yes))
    .bind(id)
    .execute(c).await.map(Done::from)).context("store::crisis::answer")?
    .rows_affected()
        > 0)
}

pub async fn complete(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE crisis_screens SET completed_at = $1 WHERE id = $2 AND completed_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::crisis::complete")?;
    Ok(())
}

pub async fn set_alert(tx: &mut Tx, id: i64, alert_id: i64) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE crisis_screens SET alert_id = $1 WHERE id = $2"
    )
    .bind(alert_id)
    .bind(id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::crisis::set_alert")?;
    Ok(())
}

pub use crate::domain::conversation::PlanPart;

pub type Plan = Vec<(PlanPart, Option<String>)>;

pub async fn plan(db: &Db, patient_id: i64) -> Result<Option<Plan>> {
    // The columns in `PlanPart::ALL` order.
    type PlanRow = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row = on!(db.reader(), |c| sqlx::query_as::<_, PlanRow>(
        "SELECT warning_signs, coping, people, professionals, safe_place, reasons
         FROM safety_plans WHERE patient_id = $1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::crisis::plan")?;
    Ok(row.map(|(a, b, c, d, e, f)| PlanPart::ALL.into_iter().zip([a, b, c, d, e, f]).collect()))
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
    on!(tx.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO safety_plans (patient_id, {col}, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (patient_id) DO UPDATE SET {col} = excluded.{col}, updated_at = excluded.updated_at"
    )))
    .bind(patient_id)
    .bind(text)
    .bind(now)
    .execute(c).await.map(Done::from)).context("store::crisis::set_plan_part")?;
    Ok(())
}
