-- no-transaction
-- Two more kinds of alert: 'use' (a reported use, to the contacts the patient chose for it) and
-- 'request' (the patient tapped "Ask <contact> to reach out"). `origin` names what a request
-- came from (one request per origin: a second tap sends nothing twice).
--
-- SQLite cannot change a CHECK in place: the table is rebuilt (sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"), with foreign keys off so dropping the old table
-- does not cascade to the answers, all in one transaction.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE alerts_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('alert', 'escalation', 'crisis', 'use', 'request')),
    signals         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    recipients      INTEGER NOT NULL,
    acknowledged_at INTEGER,
    escalation_checked_at INTEGER,
    origin          TEXT
) STRICT;
INSERT INTO alerts_new (id, patient_id, kind, signals, created_at, recipients, acknowledged_at,
                        escalation_checked_at)
    SELECT id, patient_id, kind, signals, created_at, recipients, acknowledged_at,
           escalation_checked_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_by_patient ON alerts (patient_id, created_at);
CREATE UNIQUE INDEX alerts_one_per_origin ON alerts (patient_id, origin) WHERE origin IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
