-- The patient's weekly reflection: when the next one is due (NULL: not chosen). Set when the
-- patient turns it on, moved a week on after each one.
ALTER TABLE patients ADD COLUMN reflection_at INTEGER;
CREATE INDEX patients_reflection ON patients (reflection_at) WHERE reflection_at IS NOT NULL;
