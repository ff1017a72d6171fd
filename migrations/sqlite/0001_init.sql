-- Updates received from Telegram, recorded before they are confirmed (getUpdates offset) and
-- handled afterwards. `payload` is the normalized event; it is cleared once handled so message
-- text does not linger (with secure_delete on, the old bytes are overwritten too).
-- A handler that fails is retried with backoff (`attempts`, `next_try_at`) before the update
-- is given up. Rows are kept two days (Telegram re-delivers unconfirmed updates for 24 h), so
-- duplicates are recognised; the getUpdates offset itself is not derived from this table,
-- because Telegram may restart update ids lower after a quiet week.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_key    INTEGER NOT NULL,
    payload     TEXT,
    received_at INTEGER NOT NULL,
    handled_at  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX inbox_unhandled ON inbox (chat_key, update_id) WHERE handled_at IS NULL;

-- People who agreed to the consent text. Nothing is stored about anyone who did not.
CREATE TABLE patients (
    id               INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    language         TEXT    NOT NULL,
    time_zone        TEXT,
    consent_version  INTEGER NOT NULL,
    consented_at     INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;

-- The only thing remembered about someone who tapped "Not now": that they did.
CREATE TABLE declined (
    telegram_user_id INTEGER PRIMARY KEY,
    declined_at      INTEGER NOT NULL
) STRICT;

-- One row per check-in; each answer is written as it is given, so an abandoned check-in keeps
-- what was answered. `step` is the question currently asked (NULL once the check-in is closed).
CREATE TABLE checkins (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'completed', 'abandoned')),
    step          TEXT CHECK (step IN ('mood', 'sleep', 'sq', 'crave', 'used', 'note')),
    message_id    INTEGER,
    started_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    completed_at  INTEGER,
    mood          INTEGER CHECK (mood BETWEEN 0 AND 10),
    sleep_minutes INTEGER CHECK (sleep_minutes BETWEEN 0 AND 1440),
    sleep_quality INTEGER CHECK (sleep_quality BETWEEN 0 AND 10),
    craving       INTEGER CHECK (craving BETWEEN 0 AND 10),
    used          TEXT CHECK (used IN ('yes', 'no', 'skip')),
    note          TEXT CHECK (length(note) <= 1000),
    note_skipped  INTEGER NOT NULL DEFAULT 0 CHECK (note_skipped IN (0, 1)),
    CHECK ((status = 'open') = (step IS NOT NULL))
) STRICT;
CREATE INDEX checkins_by_patient ON checkins (patient_id, started_at);
CREATE UNIQUE INDEX checkins_one_open ON checkins (patient_id) WHERE status = 'open';
