//! "Are you OK?" after missed check-ins: who is due one, their answers, and the unanswered
//! ones counted as a warning sign.

use super::{Db, Tx};
#[allow(unused_imports)]
use super::{Done, Lane};
use crate::on;
use anyhow::{Context, Result};

/// Patients to look at for an "are you OK?" (see the `missed_watch` table): (watch id,
/// patient), the longest waiting first.
pub async fn watched(db: &Db, now: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    on!(db.reader(), |c| sqlx::query_as(
        "SELECT id, patient_id FROM missed_watch WHERE look_at <= $1 ORDER BY look_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)
    .context("store::ok_checks::watched")
}

/// Whether the patient's last `n` decided prompts (by due time) were all sent and missed,
/// with no check-in since the first of them, no "are you OK?" yet for the last one and none
/// still unanswered from the last `ask_again_after` seconds: the last missed prompt if so.
/// A read on the pool (the patient's own prompts only); `missed_run_of` confirms it inside
/// the write transaction.
pub async fn missed_run(
    db: &Db,
    patient_id: i64,
    n: usize,
    ask_again_after: i64,
    now: i64,
) -> Result<Option<i64>> {
    run_query(db.reader(), patient_id, n, ask_again_after, now)
        .await
        .context("store::ok_checks::missed_run")
}

/// `missed_run`, inside a write transaction: whether the run still stands.
pub async fn missed_run_of(
    tx: &mut Tx,
    patient_id: i64,
    n: usize,
    ask_again_after: i64,
    now: i64,
) -> Result<Option<i64>> {
    run_query(tx.conn(), patient_id, n, ask_again_after, now)
        .await
        .context("store::ok_checks::missed_run_of")
}

async fn run_query<'l, 'p>(
    ex: Lane<impl sqlx::SqliteExecutor<'l>, impl sqlx::PgExecutor<'p>>,
    patient_id: i64,
    n: usize,
    ask_again_after: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let run: Option<(i64, i64)> = on!(ex, |c| sqlx::query_as(MISSED_RUN)
        .bind(now - MISSED_LOOKBACK_SECS)
        .bind(patient_id)
        .bind(n as i64)
        .bind(n as i64)
        .bind(n as i64)
        .bind(now - ask_again_after)
        .fetch_optional(c)
        .await)?;
    Ok(run.map(|(_, last)| last))
}

/// Until when an unanswered "are you OK?" (sent in the last `ask_again_after` seconds) holds
/// back another one for the patient, if one does.
pub async fn held_until(
    db: &Db,
    patient_id: i64,
    ask_again_after: i64,
    now: i64,
) -> Result<Option<i64>> {
    let sent: Option<i64> = on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MAX(sent_at) FROM ok_checks
         WHERE patient_id = $1 AND answered_at IS NULL AND sent_at > $2",
    )
    .bind(patient_id)
    .bind(now - ask_again_after)
    .fetch_one(c)
    .await)
    .context("store::ok_checks::held_until")?;
    Ok(sent.map(|s| s + ask_again_after + 1))
}

/// Patients looked at: their watch rows are removed (`done`), or wait until a hold ends
/// (`later`: watch id, when). A row replaced meanwhile (a new missed prompt) has a new id and
/// stays.
pub async fn looked_at(tx: &mut Tx, done: &[i64], later: &[(i64, i64)]) -> Result<()> {
    for chunk in done.chunks(500) {
        match tx.conn() {
            Lane::Lite(c) => sqlx::query(
                "DELETE FROM missed_watch WHERE id IN (SELECT value FROM json_each($1))",
            )
            .bind(serde_json::to_string(chunk)?)
            .execute(c)
            .await
            .map(Done::from),
            Lane::Pg(c) => sqlx::query("DELETE FROM missed_watch WHERE id = ANY($1)")
                .bind(chunk)
                .execute(c)
                .await
                .map(Done::from),
        }
        .context("store::ok_checks::looked_at")?;
    }
    for &(id, look_at) in later {
        on!(tx.conn(), |c| sqlx::query(
            "UPDATE missed_watch SET look_at = $1 WHERE id = $2"
        )
        .bind(look_at)
        .bind(id)
        .execute(c)
        .await
        .map(Done::from))
        .context("store::ok_checks::looked_at")?;
    }
    Ok(())
}

/// The query behind `missed_run` and `missed_run_of`.
const MISSED_RUN: &str = "WITH recent AS (
             SELECT pr.patient_id, pr.id, pr.status, pr.due_at,
                    ROW_NUMBER() OVER (PARTITION BY pr.patient_id ORDER BY pr.due_at DESC, pr.id DESC) AS k
             FROM prompts pr JOIN patients pa ON pa.id = pr.patient_id
             WHERE pa.active = 1 AND pr.due_at > $1 AND pr.patient_id = $2
               AND pr.status IN ('answered', 'missed', 'paused', 'undeliverable')
               -- A prompt never sent (the bot was down) was not missed by the patient.
               AND NOT (pr.status = 'missed' AND pr.sent_at IS NULL)
         ),
         runs AS (
             SELECT patient_id, MAX(CASE WHEN k = 1 THEN id END) AS last_id,
                    MIN(due_at) AS first_due, COUNT(*) AS n, SUM(CASE WHEN status = 'missed' THEN 1 ELSE 0 END) AS missed
             FROM recent WHERE k <= $3 GROUP BY patient_id
         )
         SELECT patient_id, last_id FROM runs
         WHERE n = $4 AND missed = $5
           AND NOT EXISTS (SELECT 1 FROM ok_checks o WHERE o.last_prompt_id = runs.last_id)
           -- Asked already and still unanswered: not again until the window has passed.
           AND NOT EXISTS (SELECT 1 FROM ok_checks o WHERE o.patient_id = runs.patient_id
                           AND o.answered_at IS NULL AND o.sent_at > $6)
           AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = runs.patient_id
                           AND c.started_at >= runs.first_due)";

/// Missed check-ins older than this do not start an "are you OK?".
const MISSED_LOOKBACK_SECS: i64 = 7 * 86_400;

pub async fn insert_ok_check(
    tx: &mut Tx,
    patient_id: i64,
    last_prompt_id: i64,
    now: i64,
    send_at: i64,
) -> Result<Option<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO ok_checks (patient_id, last_prompt_id, created_at, sent_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (last_prompt_id) DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(last_prompt_id)
    .bind(now)
    .bind(send_at)
    .fetch_optional(c).await).context("store::ok_checks::insert_ok_check")
}

/// The patient answered (a tap on it): every open check is answered, even one already counted
/// as a warning sign (the sign is withdrawn), and a question still queued is not sent.
pub async fn ok_answered(tx: &mut Tx, patient_id: i64, fine: bool, now: i64) -> Result<u64> {
    // The answer is recorded on the latest open check (one "not great" is one sign); older
    // open ones are answered too.
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE ok_checks SET answer = $1 WHERE id =
             (SELECT id FROM ok_checks WHERE patient_id = $2 AND answered_at IS NULL
              ORDER BY sent_at DESC, id DESC LIMIT 1)",
    )
    .bind(if fine { "fine" } else { "not-great" })
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::ok_checks::ok_answered")?;
    let n = on!(tx.conn(), |c| sqlx::query(
        "UPDATE ok_checks SET answered_at = $1 WHERE patient_id = $2 AND answered_at IS NULL",
    )
    .bind(now)
    .bind(patient_id)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::ok_checks::ok_answered")?
    .rows_affected();
    expire_answered_questions(tx).await?;
    Ok(n)
}

/// "Are you OK?" messages still queued for checks that were answered meanwhile.
async fn expire_answered_questions(tx: &mut Tx) -> Result<()> {
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE outbox SET status = 'expired', last_error = 'answered before it was sent'
         WHERE status = 'pending'
           AND ok_check_id IN (SELECT id FROM ok_checks WHERE answered_at IS NOT NULL)",
    )
    .execute(c)
    .await
    .map(Done::from))
    .context("store::ok_checks::expire_answered_questions")?;
    Ok(())
}

/// Checks unanswered for `wait` seconds: marked counted; returns their patients.
pub async fn count_unanswered(tx: &mut Tx, wait: i64, now: i64) -> Result<Vec<i64>> {
    // A check-in since the run was noticed is an answer too (and withdraws a counted sign).
    on!(tx.conn(), |c| sqlx::query(
        "UPDATE ok_checks SET answered_at = $1
         WHERE answered_at IS NULL
             AND EXISTS (SELECT 1 FROM checkins c WHERE c.patient_id = ok_checks.patient_id
                         AND c.started_at >= ok_checks.created_at)",
    )
    .bind(now)
    .execute(c)
    .await
    .map(Done::from))
    .context("store::ok_checks::count_unanswered")?;
    expire_answered_questions(tx).await?;
    on!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE ok_checks SET counted_at = $1
         WHERE answered_at IS NULL AND counted_at IS NULL AND sent_at + $2 <= $3
         RETURNING patient_id",
    )
    .bind(now)
    .bind(wait)
    .bind(now)
    .fetch_all(c)
    .await)
    .context("store::ok_checks::count_unanswered")
}

/// When the next open check's wait ends.
pub async fn next_ok_count(db: &Db, wait: i64) -> Result<Option<i64>> {
    on!(db.reader(), |c| sqlx::query_scalar(
        "SELECT MIN(sent_at + $1) FROM ok_checks WHERE answered_at IS NULL AND counted_at IS NULL",
    )
    .bind(wait)
    .fetch_one(c)
    .await)
    .context("store::ok_checks::next_ok_count")
}

/// The patient's latest "are you OK?" (answered or not).
pub async fn latest_ok_check(tx: &mut Tx, patient_id: i64) -> Result<Option<i64>> {
    on!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT id FROM ok_checks WHERE patient_id = $1 ORDER BY sent_at DESC, id DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(c)
    .await)
    .context("store::ok_checks::latest_ok_check")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let db = Db::open(&url).await.unwrap();
        on!(db.reader(), |c| sqlx::query(
            "INSERT INTO patients (id, telegram_user_id, chat_id, language, consent_version, consented_at, created_at)
             VALUES (1, 10, 10, 'en', 2, 0, 0)",
        )
        .execute(c).await.map(Done::from))
        .unwrap();
        (dir, db)
    }

    /// A sent prompt due at `due`, closing at `due + 3600`.
    async fn prompt(db: &Db, id: i64, due: i64) {
        on!(db.reader(), |c| sqlx::query(
            "INSERT INTO prompts (id, patient_id, kind, questions, local_date, due_at, status, sent_at, expires_at, created_at)
             VALUES ($1, 1, 'evening', 'full', date($2, 'unixepoch'), $3, 'sent', $4, $5 + 3600, $6)",
        )
        .bind(id)
        .bind(due)
        .bind(due)
        .bind(due)
        .bind(due)
        .bind(due)
        .execute(c).await.map(Done::from))
        .unwrap();
    }

    /// Closing missed prompts puts the patient on the watch list; the run is found from their
    /// own prompts once it is long enough, and a look that found nothing removes the row.
    #[tokio::test]
    async fn a_missed_prompt_puts_the_patient_on_the_watch_list_until_looked_at() {
        let (_dir, db) = db().await;
        let t0 = 10 * DAY;
        prompt(&db, 1, t0).await;
        crate::store::prompts::close_expired(&db, t0 + 3600)
            .await
            .unwrap();
        let rows = watched(&db, t0 + 3600, 10).await.unwrap();
        assert_eq!(rows.iter().map(|w| w.1).collect::<Vec<_>>(), [1]);
        // One missed is not a run of two.
        assert_eq!(missed_run(&db, 1, 2, DAY, t0 + 3600).await.unwrap(), None);
        assert_eq!(held_until(&db, 1, DAY, t0 + 3600).await.unwrap(), None);
        let mut tx = db.write().await.unwrap();
        looked_at(&mut tx, &[rows[0].0], &[]).await.unwrap();
        tx.commit().await.unwrap();
        assert!(watched(&db, t0 + 3600, 10).await.unwrap().is_empty());

        // The second one missed: on the list again, and now a run ending at prompt 2.
        prompt(&db, 2, t0 + DAY).await;
        crate::store::prompts::close_expired(&db, t0 + DAY + 3600)
            .await
            .unwrap();
        let now = t0 + DAY + 3600;
        assert_eq!(watched(&db, now, 10).await.unwrap().len(), 1);
        assert_eq!(missed_run(&db, 1, 2, DAY, now).await.unwrap(), Some(2));
        db.close().await;
    }

    /// An unanswered "are you OK?" holds the next one back: the row waits until the hold
    /// ends. A row replaced while it was being looked at (another prompt missed) stays.
    #[tokio::test]
    async fn a_held_back_patient_is_looked_at_again_when_the_hold_ends() {
        let (_dir, db) = db().await;
        let t0 = 10 * DAY;
        for (id, due) in [(1, t0), (2, t0 + DAY)] {
            prompt(&db, id, due).await;
        }
        let now = t0 + DAY + 3600;
        crate::store::prompts::close_expired(&db, now)
            .await
            .unwrap();
        let mut tx = db.write().await.unwrap();
        insert_ok_check(&mut tx, 1, 1, now - 600, now - 600)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Asked 10 minutes ago about an earlier run and still unanswered: not now.
        assert_eq!(missed_run(&db, 1, 2, DAY, now).await.unwrap(), None);
        let until = held_until(&db, 1, DAY, now).await.unwrap().unwrap();
        assert_eq!(until, now - 600 + DAY + 1);
        let watch = watched(&db, now, 10).await.unwrap()[0].0;
        // Meanwhile another prompt is missed: the row is replaced.
        prompt(&db, 3, now).await;
        crate::store::prompts::close_expired(&db, now + 3600)
            .await
            .unwrap();
        let mut tx = db.write().await.unwrap();
        looked_at(&mut tx, &[watch], &[(watch, until)])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let rows = watched(&db, now + 3600, 10).await.unwrap();
        assert_eq!(rows.len(), 1, "the newer row stays due now");
        assert_ne!(rows[0].0, watch);
        // Once the hold has ended, the run (ending at prompt 3) is found.
        assert_eq!(missed_run(&db, 1, 2, DAY, until).await.unwrap(), Some(3));
        db.close().await;
    }
}
