-- Milestones of use-free days (domain::progress::MILESTONES) celebrated once each, and the
-- patient's choice to turn the messages off.
CREATE TABLE milestones (
    patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    days       INTEGER NOT NULL,
    reached_at INTEGER NOT NULL,
    PRIMARY KEY (patient_id, days)
) STRICT;
ALTER TABLE patients ADD COLUMN milestones_off INTEGER NOT NULL DEFAULT 0;
