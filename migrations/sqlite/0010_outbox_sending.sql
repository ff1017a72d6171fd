-- Issue 12: when the send of a pending message began. Set just before the request, cleared by
-- any outcome. A row still marked at start-up was being sent when the process died: Telegram may
-- or may not have it. It is counted as sent (a prompt, a reply: never doubled), except an alert
-- to a support contact, which is sent again (a rare duplicate rather than a lost alert).
ALTER TABLE outbox ADD COLUMN sending_at INTEGER;
-- What the patient is told about an alert waits for the alert's messages to contacts: they are
-- looked up by alert.
CREATE INDEX outbox_by_alert ON outbox (alert_id) WHERE alert_id IS NOT NULL;
