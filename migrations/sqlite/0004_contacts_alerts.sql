-- Support contacts, pairing invites, alerts, "are you OK?" checks, crisis screens and safety
-- plans.

-- Someone who accepted an invitation to support a patient. Only their Telegram ids and
-- language are kept; `active` = 0 once Telegram says they blocked the bot.
CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    language         TEXT    NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL
) STRICT;

-- A single-use invitation. Only a SHA-256 of the token is stored, so the database alone does
-- not give working links. `opened_by` is the first person who opened it: only they can answer.
CREATE TABLE invites (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    -- How the patient asked to be named to this contact.
    patient_name TEXT    NOT NULL CHECK (length(patient_name) BETWEEN 1 AND 40),
    weekly       INTEGER NOT NULL CHECK (weekly IN (0, 1)),
    status       TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'cancelled')),
    opened_by    INTEGER,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    answered_at  INTEGER
) STRICT;
CREATE INDEX invites_by_patient ON invites (patient_id);

-- Invitation links that did not work, per Telegram user, to slow down guessing. Kept a day.
CREATE TABLE invite_failures (
    telegram_user_id INTEGER NOT NULL,
    at               INTEGER NOT NULL
) STRICT;
CREATE INDEX invite_failures_by_user ON invite_failures (telegram_user_id, at);

-- A patient–contact pairing both agreed to. Ended links are kept (ended_at) so a clinician can
-- see who was alerted when; deleting the patient deletes them.
CREATE TABLE links (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id     INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    contact_id     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    patient_name   TEXT    NOT NULL,
    -- The contact's first name on Telegram when they accepted, shown to the patient only.
    contact_name   TEXT    NOT NULL,
    -- 0: alerts only; 1: alerts and a weekly summary.
    weekly         INTEGER NOT NULL CHECK (weekly IN (0, 1)),
    created_at     INTEGER NOT NULL,
    weekly_sent_at INTEGER,
    ended_at       INTEGER,
    ended_by       TEXT CHECK (ended_by IN ('patient', 'contact'))
) STRICT;
CREATE UNIQUE INDEX links_one_active ON links (patient_id, contact_id) WHERE ended_at IS NULL;
CREATE INDEX links_by_contact ON links (contact_id);

-- Every alert, with the signals that fired it (JSON: [{"signal": "craving-high", "at": unix}]),
-- so a clinician can see why. kind: 'alert' (the cluster rule), 'escalation' (the cluster
-- persisted past the cooldown, unacknowledged), 'crisis' (crisis-screen answers; no cooldown).
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('alert', 'escalation', 'crisis')),
    signals         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    -- Contacts it was queued for.
    recipients      INTEGER NOT NULL,
    acknowledged_at INTEGER,
    -- When the scheduler looked again at the end of the cooldown (escalate or not).
    escalation_checked_at INTEGER
) STRICT;
CREATE INDEX alerts_by_patient ON alerts (patient_id, created_at);

-- Each contact's answer to an alert.
CREATE TABLE alert_answers (
    alert_id    INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    link_id     INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    answer      TEXT    NOT NULL CHECK (answer IN ('reached', 'cant')),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (alert_id, link_id)
) STRICT;

-- Messages to a contact: who (a block closes the contact, not the patient), and which alert.
ALTER TABLE outbox ADD COLUMN contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN alert_id INTEGER REFERENCES alerts (id) ON DELETE SET NULL;

-- "Are you OK?" after missed check-ins in a row; `last_prompt_id` is the last missed prompt of
-- the run, so one run asks once. Unanswered past the wait, it is a warning sign.
CREATE TABLE ok_checks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id     INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    last_prompt_id INTEGER NOT NULL UNIQUE,
    -- When the run was noticed (a check-in after this answers it), and when the question goes
    -- out (after quiet hours; the wait for an answer starts then).
    created_at     INTEGER NOT NULL,
    sent_at        INTEGER NOT NULL,
    answered_at    INTEGER,
    -- Set once the unanswered check has been given to the risk engine.
    counted_at     INTEGER
) STRICT;
CREATE INDEX ok_checks_by_patient ON ok_checks (patient_id, sent_at);

-- The C-SSRS screener, one row per screen. q1…q6: NULL not asked (yet), 0 no, 1 yes.
CREATE TABLE crisis_screens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    origin       TEXT    NOT NULL CHECK (origin IN ('button', 'mood', 'sos')),
    started_at   INTEGER NOT NULL,
    q1 INTEGER CHECK (q1 IN (0, 1)),
    q2 INTEGER CHECK (q2 IN (0, 1)),
    q3 INTEGER CHECK (q3 IN (0, 1)),
    q4 INTEGER CHECK (q4 IN (0, 1)),
    q5 INTEGER CHECK (q5 IN (0, 1)),
    q6 INTEGER CHECK (q6 IN (0, 1)),
    completed_at INTEGER,
    alert_id     INTEGER REFERENCES alerts (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX crisis_screens_by_patient ON crisis_screens (patient_id, started_at);

-- The patient's own safety plan (Stanley & Brown): never shared, never logged.
CREATE TABLE safety_plans (
    patient_id    INTEGER PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
    warning_signs TEXT CHECK (length(warning_signs) <= 1000),
    coping        TEXT CHECK (length(coping) <= 1000),
    people        TEXT CHECK (length(people) <= 1000),
    safe_place    TEXT CHECK (length(safe_place) <= 1000),
    updated_at    INTEGER NOT NULL
) STRICT;
