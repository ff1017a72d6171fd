-- Scheduled check-ins, the prompts they produce, and the outbox every must-arrive message
-- goes through.

-- active = 0 once Telegram says the patient blocked the bot or is deactivated (403): nothing is
-- scheduled or sent until they unblock; their data is kept.
ALTER TABLE patients ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE patients ADD COLUMN inactive_since INTEGER;
-- Check-ins paused until this instant (unix s); NULL = not paused.
ALTER TABLE patients ADD COLUMN paused_until INTEGER;
-- Quiet hours, minutes after local midnight; both NULL = none.
ALTER TABLE patients ADD COLUMN quiet_start INTEGER CHECK (quiet_start BETWEEN 0 AND 1439);
ALTER TABLE patients ADD COLUMN quiet_end INTEGER CHECK (quiet_end BETWEEN 0 AND 1439);
-- What typed text means right now, e.g. 'slot-time:12' after tapping a slot in /schedule.
ALTER TABLE patients ADD COLUMN awaiting TEXT;

-- Which questions a check-in asks, in order (codes from domain::checkin::Step).
ALTER TABLE checkins ADD COLUMN questions TEXT NOT NULL DEFAULT 'mood,sleep,sq,crave,used,note';
ALTER TABLE checkins ADD COLUMN prompt_id INTEGER REFERENCES prompts (id) ON DELETE SET NULL;

-- A slot asks `questions` every local day: at `at_minute`, or at a random minute inside
-- [window_start, window_end). `next_date`/`next_due_at` are the next instance (after quiet
-- hours), so nothing depends on in-memory timers.
-- AUTOINCREMENT on slots, prompts and outbox: ids are never reused, so a key built from an id
-- (a removed slot's, say) can never collide with a newer row's.
CREATE TABLE slots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('morning', 'evening', 'afternoon')),
    questions    TEXT    NOT NULL,
    at_minute    INTEGER CHECK (at_minute BETWEEN 0 AND 1439),
    window_start INTEGER CHECK (window_start BETWEEN 0 AND 1439),
    window_end   INTEGER CHECK (window_end BETWEEN 0 AND 1439),
    next_date    TEXT    NOT NULL,
    next_due_at  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    CHECK ((at_minute IS NULL) = (window_start IS NOT NULL AND window_end IS NOT NULL))
) STRICT;
CREATE INDEX slots_due ON slots (next_due_at);
CREATE INDEX slots_by_patient ON slots (patient_id);

-- One row per slot per local date: sent, answered, missed, or skipped while paused.
CREATE TABLE prompts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    slot_id    INTEGER REFERENCES slots (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL,
    questions  TEXT    NOT NULL,
    local_date TEXT    NOT NULL,
    due_at     INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'answered', 'missed', 'paused', 'undeliverable')),
    message_id INTEGER,
    sent_at    INTEGER,
    remind_at  INTEGER,
    reminders  INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (slot_id, local_date)
) STRICT;
CREATE INDEX prompts_remind ON prompts (remind_at) WHERE remind_at IS NOT NULL;
CREATE INDEX prompts_open ON prompts (expires_at) WHERE status = 'sent';
CREATE INDEX prompts_by_patient ON prompts (patient_id, due_at);

-- Everything that must arrive: prompts, reminders, (later) alerts and follow-ups. `key` makes
-- enqueueing idempotent; the sender is the only writer of status changes after 'pending'.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('prompt', 'reminder', 'message')),
    patient_id INTEGER REFERENCES patients (id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    prompt_id  INTEGER REFERENCES prompts (id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    keyboard   TEXT,
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'undeliverable', 'failed', 'expired')),
    -- Higher goes first (alerts above prompts); within a priority, oldest first.
    priority   INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    message_id INTEGER,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (priority DESC, not_before, id) WHERE status = 'pending';
