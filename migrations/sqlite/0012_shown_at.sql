-- Issue 12: when the question a check-in's message shows appeared on the patient's screen, as
-- Telegram dated it (the message's date, or its edit_date when the question was edited in).
-- Typed text Telegram dated less than 2 seconds after that was typed before the person could
-- read this question (an answer to an older one, crossing it): it is not stored as this
-- question's answer. NULL: not known (before the upgrade, or Telegram did not say).
ALTER TABLE checkins ADD COLUMN shown_at INTEGER;
