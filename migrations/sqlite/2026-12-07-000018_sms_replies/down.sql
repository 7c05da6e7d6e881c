DROP TABLE sms_inbox;
DROP TABLE sms_questions;
DROP TABLE sms_receipts;
DROP TABLE sms_parts;
ALTER TABLE follow_ups DROP COLUMN source;
ALTER TABLE outbox DROP COLUMN receipt_at;
ALTER TABLE outbox DROP COLUMN receipt;
