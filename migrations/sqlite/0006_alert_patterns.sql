-- Issue 11: how "are you OK?" was answered ("not great" is a warning sign); whether a reported
-- use alone tells this contact (the patient decides when inviting them; default: no, it is one
-- sign among others).
ALTER TABLE ok_checks ADD COLUMN answer TEXT CHECK (answer IN ('fine', 'not-great'));
ALTER TABLE invites ADD COLUMN use_alerts INTEGER NOT NULL DEFAULT 0 CHECK (use_alerts IN (0, 1));
ALTER TABLE links ADD COLUMN use_alerts INTEGER NOT NULL DEFAULT 0 CHECK (use_alerts IN (0, 1));
