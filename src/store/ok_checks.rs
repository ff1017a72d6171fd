//! "Are you OK?" after missed check-ins: who is due one, their answers, and the unanswered
//! ones counted as a warning sign.

use super::{Db, Tx};
use anyhow::{Context, Result};

/// Patients whose last `n` decided prompts (by due time) were all sent and missed, with no
/// check-in since the first of them, and no "are you OK?" yet for the last one:
/// (patient, last missed prompt).
///
/// This reads every decided prompt of the last week, so the scheduler runs it on the pool,
/// outside any write transaction (a long read holds up no writer in WAL mode), and confirms
/// each hit with `missed_run_of` inside its write transaction.
pub async fn missed_runs(
    db: &Db,
    n: usize,
    ask_again_after: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>> {
    // Only a fixed filter is put in.
    let sql = MISSED_RUNS.replace("{patient}", "");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now - MISSED_LOOKBACK_SECS)
        .bind(n as i64)
        .bind(n as i64)
        .bind(n as i64)
        .bind(now - ask_again_after)
        .bind(limit)
        .fetch_all(db.pool())
        .await
        .context("store::ok_checks::missed_runs")
}

/// `missed_runs` for one patient, inside a write transaction: whether the run found by the
/// read still stands (a check-in may have started since), and its last prompt. Uses the
/// patient's own prompts only, so it is quick.
pub async fn missed_run_of(
    tx: &mut Tx,
    patient_id: i64,
    n: usize,
    ask_again_after: i64,
    now: i64,
) -> Result<Option<i64>> {
    // Only a fixed filter is put in.
    let sql = MISSED_RUNS.replace("{patient}", "AND pr.patient_id = ?");
    let run: Option<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now - MISSED_LOOKBACK_SECS)
        .bind(patient_id)
        .bind(n as i64)
        .bind(n as i64)
        .bind(n as i64)
        .bind(now - ask_again_after)
        .bind(1)
        .fetch_optional(&mut **tx)
        .await
        .context("store::ok_checks::missed_run_of")?;
    Ok(run.map(|(_, last)| last))
}

/// The query behind `missed_runs` and `missed_run_of` (`{patient}`: an optional filter).
const MISSED_RUNS: &str = "WITH recent AS (
             SELECT pr.patient_id, pr.id, pr.status, pr.due_at,
                    ROW_NUMBER() OVER (PARTITION BY pr.patient_id ORDER BY pr.due_at DESC, pr.id DESC) AS k
             FROM prompts pr JOIN patients pa ON pa.id = pr.patient_id
             WHERE pa.active = 1 AND pr.due_at > ? {patient}
               AND pr.status IN ('answered', 'missed', 'paused', 'undeliverable')
               -- A prompt never sent (the bot was down) was not missed by the patient.
               AND NOT (pr.status = 'missed' AND pr.sent_at IS NULL)
         ),
         runs AS (
             SELECT patient_id, MAX(CASE WHEN k = 1 THEN id END) AS last_id,
                    MIN(due_at) AS first_due, COUNT(*) AS n, SUM(status = 'missed') AS missed
             FROM recent WHERE k <= ? GROUP BY patient_id
         )
         SELECT patient_id, last_id FROM runs
         WHERE n = ? AND missed = ?
           AND NOT EXISTS (SELECT 1 FROM ok_checks o WHERE o.last_prompt_id = runs.last_id)
           -- Asked already and still unanswered: not again until the window has passed.
           AND NOT EXISTS (SELECT 1 FROM ok_checks o WHERE o.patient_id = runs.patient_id
                           AND o.answered_at IS NULL AND o.sent_at > ?)
           AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = runs.patient_id
                           AND c.started_at >= runs.first_due)
         LIMIT ?";

/// Missed check-ins older than this do not start an "are you OK?".
const MISSED_LOOKBACK_SECS: i64 = 7 * 86_400;

pub async fn insert_ok_check(
    tx: &mut Tx,
    patient_id: i64,
    last_prompt_id: i64,
    now: i64,
    send_at: i64,
) -> Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO ok_checks (patient_id, last_prompt_id, created_at, sent_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (last_prompt_id) DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(last_prompt_id)
    .bind(now)
    .bind(send_at)
    .fetch_optional(&mut **tx)
    .await.context("store::ok_checks::insert_ok_check")
}

/// The patient answered (a tap on it): every open check is answered, even one already counted
/// as a warning sign (the sign is withdrawn), and a question still queued is not sent.
pub async fn ok_answered(tx: &mut Tx, patient_id: i64, fine: bool, now: i64) -> Result<u64> {
    // The answer is recorded on the latest open check (one "not great" is one sign); older
    // open ones are answered too.
    sqlx::query(
        "UPDATE ok_checks SET answer = ? WHERE id =
             (SELECT id FROM ok_checks WHERE patient_id = ? AND answered_at IS NULL
              ORDER BY sent_at DESC, id DESC LIMIT 1)",
    )
    .bind(if fine { "fine" } else { "not-great" })
    .bind(patient_id)
    .execute(&mut **tx)
    .await
    .context("store::ok_checks::ok_answered")?;
    let n = sqlx::query(
        "UPDATE ok_checks SET answered_at = ? WHERE patient_id = ? AND answered_at IS NULL",
    )
    .bind(now)
    .bind(patient_id)
    .execute(&mut **tx)
    .await
    .context("store::ok_checks::ok_answered")?
    .rows_affected();
    expire_answered_questions(tx).await?;
    Ok(n)
}

/// "Are you OK?" messages still queued for checks that were answered meanwhile.
async fn expire_answered_questions(tx: &mut Tx) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'expired', last_error = 'answered before it was sent'
         WHERE status = 'pending'
           AND ok_check_id IN (SELECT id FROM ok_checks WHERE answered_at IS NOT NULL)",
    )
    .execute(&mut **tx)
    .await
    .context("store::ok_checks::expire_answered_questions")?;
    Ok(())
}

/// Checks unanswered for `wait` seconds: marked counted; returns their patients.
pub async fn count_unanswered(tx: &mut Tx, wait: i64, now: i64) -> Result<Vec<i64>> {
    // A check-in since the run was noticed is an answer too (and withdraws a counted sign).
    sqlx::query(
        "UPDATE ok_checks SET answered_at = ?
         WHERE answered_at IS NULL
             AND EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = ok_checks.patient_id
                         AND c.started_at >= ok_checks.created_at)",
    )
    .bind(now)
    .execute(&mut **tx)
    .await
    .context("store::ok_checks::count_unanswered")?;
    expire_answered_questions(tx).await?;
    sqlx::query_scalar(
        "UPDATE ok_checks SET counted_at = ?
         WHERE answered_at IS NULL AND counted_at IS NULL AND sent_at + ? <= ?
         RETURNING patient_id",
    )
    .bind(now)
    .bind(wait)
    .bind(now)
    .fetch_all(&mut **tx)
    .await
    .context("store::ok_checks::count_unanswered")
}

/// When the next open check's wait ends.
pub async fn next_ok_count(db: &Db, wait: i64) -> Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(sent_at + ?) FROM ok_checks WHERE answered_at IS NULL AND counted_at IS NULL",
    )
    .bind(wait)
    .fetch_one(db.pool())
    .await
    .context("store::ok_checks::next_ok_count")
}

/// The patient's latest "are you OK?" (answered or not).
pub async fn latest_ok_check(tx: &mut Tx, patient_id: i64) -> Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM ok_checks WHERE patient_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(&mut **tx)
    .await
    .context("store::ok_checks::latest_ok_check")
}
