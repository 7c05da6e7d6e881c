ALTER TABLE outbox DROP COLUMN attachment_type;
ALTER TABLE outbox DROP COLUMN attachment;
ALTER TABLE outbox DROP COLUMN attachment_name;
DROP INDEX outbox_dedupe_key;
ALTER TABLE outbox DROP COLUMN dedupe_key;
ALTER TABLE referrals DROP COLUMN interview_at;
