ALTER TABLE workers DROP COLUMN sms_stopped_on;
ALTER TABLE workers DROP COLUMN message_channel;
ALTER TABLE outbox DROP COLUMN channel;
