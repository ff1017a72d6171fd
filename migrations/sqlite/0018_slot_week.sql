-- A slot's days of the week (and another time at weekends), as `cron` expressions on local
-- time: `0 30 7 * * Mon,Tue,Wed,Thu,Fri;0 0 10 * * Sat,Sun`. NULL: every day at `at_minute`
-- (or in its window), as before. Only fixed-time slots have one; `at_minute` then holds the
-- weekday time, so an older reader still sees a sensible time.
ALTER TABLE slots ADD COLUMN week TEXT CHECK (week IS NULL OR at_minute IS NOT NULL);
