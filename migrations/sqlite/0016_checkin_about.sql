-- The moment a check-in describes. It is when the check-in started, except for a missed day
-- filled in afterwards (the missed prompt's time, or noon of "yesterday"). Progress, charts,
-- weekly summaries and the risk engine read it; `started_at` stays when it was entered.
ALTER TABLE checkins ADD COLUMN about_at INTEGER CHECK (about_at <= started_at);
UPDATE checkins SET about_at = started_at;
CREATE INDEX checkins_by_about ON checkins (patient_id, about_at);
-- A row inserted without it describes the moment it started.
CREATE TRIGGER checkins_about_default AFTER INSERT ON checkins WHEN NEW.about_at IS NULL
BEGIN
    UPDATE checkins SET about_at = NEW.started_at WHERE id = NEW.id;
END;
