//! `/export` for a patient with two years of check-ins (3,000 rows, each with a note): how long
//! the CSV and the JSON take to build, and how big they are. Prints numbers; asserts nothing.
//!
//!     cargo run --release --example export

use anyhow::Result;
use recovery_checkin_bot::domain::timezone::PatientZone;
use recovery_checkin_bot::features::export::csv;
use recovery_checkin_bot::store::{export, Db};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = Db::open(&format!(
        "sqlite://{}",
        dir.path().join("export.db").display()
    ))
    .await?;
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO patients (id, telegram_user_id, chat_id, language, time_zone, consent_version, consented_at, created_at)
         VALUES (1, 10, 10, 'es', 'Europe/Madrid', ?, 0, 0)",
    )
    .bind(recovery_checkin_bot::store::patients::CONSENT_VERSION)
    .execute(tx.lite())
    .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO checkins (patient_id, status, started_at, updated_at, completed_at, mood,
                               sleep_minutes, sleep_quality, craving, used, note)
         SELECT 1, 'completed', 1700000000 + i * 21000, 1700000000 + i * 21000,
                1700000000 + i * 21000 + 60, i % 11, 300 + i % 240, i % 11, (i * 7) % 11,
                CASE WHEN i % 29 = 0 THEN 'yes' WHEN i % 7 = 0 THEN 'skip' ELSE 'no' END,
                'Una nota, con comas y \"comillas\", como las de verdad ' || i
         FROM n",
    )
    .execute(tx.lite())
    .await?;
    tx.commit().await?;
    let zone = PatientZone::parse("Europe/Madrid").ok();
    for run in 1..=3 {
        let t = Instant::now();
        let rows = export::checkins(&db, 1).await?;
        let file = csv(&rows, zone.as_ref());
        let csv_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let json = serde_json::to_vec_pretty(&export::everything(&db, 1).await?)?;
        let json_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "run {run}: 3000 check-ins: CSV {:.0} KiB in {csv_ms:.1} ms; JSON {:.0} KiB in {json_ms:.1} ms; both {:.1} ms",
            file.len() as f64 / 1024.0,
            json.len() as f64 / 1024.0,
            csv_ms + json_ms
        );
    }
    db.close().await;
    Ok(())
}
