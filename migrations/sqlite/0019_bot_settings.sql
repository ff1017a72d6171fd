-- Settings the bot keeps for itself (not the operator's, which live in the environment):
-- the generated webhook secret, and the row the readiness probe writes to prove the database
-- takes writes.
CREATE TABLE bot_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
