-- Coping suggestions shown, how the patient rated them, and /sos sessions.

-- One row each time a suggestion is shown (after a check-in, in /sos, or on "more ideas").
-- `feedback` is the patient's latest rating of that showing; preferences are summed over rows.
CREATE TABLE suggestions_shown (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    checkin_id  INTEGER REFERENCES checkins (id) ON DELETE SET NULL,
    sos_id      INTEGER REFERENCES sos (id) ON DELETE SET NULL,
    need        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    shown_at    INTEGER NOT NULL,
    feedback    TEXT CHECK (feedback IN ('helpful', 'not-for-me')),
    feedback_at INTEGER
) STRICT;
CREATE INDEX suggestions_by_patient ON suggestions_shown (patient_id, id);

-- A craving right now: the urge is rated when the patient starts (round 0) and at each
-- follow-up (rounds 1 and 2), 0–10 like a check-in answer.
CREATE TABLE sos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    -- Follow-ups queued so far (0–2); a rating for round n > 0 is accepted once n is queued.
    followups   INTEGER NOT NULL DEFAULT 0 CHECK (followups BETWEEN 0 AND 2)
) STRICT;
CREATE INDEX sos_by_patient ON sos (patient_id, started_at);

CREATE TABLE sos_ratings (
    sos_id   INTEGER NOT NULL REFERENCES sos (id) ON DELETE CASCADE,
    round    INTEGER NOT NULL CHECK (round BETWEEN 0 AND 2),
    urge     INTEGER NOT NULL CHECK (urge BETWEEN 0 AND 10),
    rated_at INTEGER NOT NULL,
    PRIMARY KEY (sos_id, round)
) STRICT;
