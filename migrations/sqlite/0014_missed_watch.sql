-- Patients whose run of missed check-ins may have just grown long enough for an "are you
-- OK?" (a prompt of theirs closed as missed), looked at from `look_at` on. The scheduler reads
-- only these rows, instead of a week of everyone's prompts on every pass. A row is removed
-- once looked at, unless an unanswered "are you OK?" holds the next one back: then `look_at`
-- is when that hold ends. AUTOINCREMENT: a row replaced while being looked at gets a new id,
-- so the look that read the old one cannot remove it.
CREATE TABLE missed_watch (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id INTEGER NOT NULL UNIQUE REFERENCES patients (id) ON DELETE CASCADE,
    look_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX missed_watch_due ON missed_watch (look_at);

-- Runs that already exist are looked at once after the upgrade.
INSERT INTO missed_watch (patient_id, look_at)
SELECT DISTINCT pr.patient_id, 0 FROM prompts pr JOIN patients pa ON pa.id = pr.patient_id
WHERE pa.active = 1 AND pr.status = 'missed' AND pr.sent_at IS NOT NULL
  AND pr.due_at > CAST(strftime('%s', 'now') AS INTEGER) - 7 * 86400;
