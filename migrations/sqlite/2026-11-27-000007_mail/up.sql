-- When and where an interview was set, for the worker's invitation.
ALTER TABLE referrals ADD COLUMN interview_at TIMESTAMP;

-- A message sent at most once per key (a staff member's weekly digest), however many
-- servers run the scheduler.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key);
-- A file sent with the message (the 6-monthly report), frozen when it was asked for.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment BLOB;
ALTER TABLE outbox ADD COLUMN attachment_type TEXT;
