-- Issue 12: which question the check-in's message shows, as Telegram confirmed it (a send or an
-- edit that succeeded). A typed answer is taken only for the question the patient has seen: if
-- the reply after their last answer was lost, text typed again must not fill the next question.
-- NULL: nothing of this check-in is known to be on screen (or it shows the crisis-screen pause).
ALTER TABLE checkins ADD COLUMN shown TEXT CHECK (shown IN ('mood', 'sleep', 'sq', 'crave', 'used', 'note'));
-- Check-ins open at the upgrade: their message shows their step, as before.
UPDATE checkins SET shown = step WHERE status = 'open' AND message_id IS NOT NULL;
