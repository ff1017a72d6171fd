-- Outbox rows are found by columns, never by matching their key's text (issue 13): the support
-- link a message is about, the /sos session it is a step or follow-up of, the "are you OK?"
-- check it asks. Filled from the keys already stored (see src/domain/outbox_key.rs).
ALTER TABLE outbox ADD COLUMN link_id INTEGER;
ALTER TABLE outbox ADD COLUMN sos_id INTEGER;
ALTER TABLE outbox ADD COLUMN ok_check_id INTEGER;

-- link:<link>:..., ended:<link>, unreachable:<link>:<row>, alert:<alert>:ack:<link>
UPDATE outbox SET link_id = CAST(substr(key, 6) AS INTEGER) WHERE substr(key, 1, 5) = 'link:';
UPDATE outbox SET link_id = CAST(substr(key, 7) AS INTEGER) WHERE substr(key, 1, 6) = 'ended:';
UPDATE outbox SET link_id = CAST(substr(key, 13) AS INTEGER)
    WHERE substr(key, 1, 12) = 'unreachable:';
UPDATE outbox SET link_id = CAST(substr(key, instr(key, ':ack:') + 5) AS INTEGER)
    WHERE substr(key, 1, 6) = 'alert:' AND instr(key, ':ack:') > 0;
-- sos:<sos>:step, sos:<sos>:ask, sos:<sos>:<round> (not screen:sos:..., the crisis screen)
UPDATE outbox SET sos_id = CAST(substr(key, 5) AS INTEGER) WHERE substr(key, 1, 4) = 'sos:';
-- ok:<check>
UPDATE outbox SET ok_check_id = CAST(substr(key, 4) AS INTEGER) WHERE substr(key, 1, 3) = 'ok:';

CREATE INDEX outbox_by_link ON outbox (link_id) WHERE link_id IS NOT NULL;
CREATE INDEX outbox_by_sos ON outbox (sos_id) WHERE sos_id IS NOT NULL;
CREATE INDEX outbox_by_ok_check ON outbox (ok_check_id) WHERE ok_check_id IS NOT NULL;
