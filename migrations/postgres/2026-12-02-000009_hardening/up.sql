-- When staff first shared a referral with the employer (moved it past the shortlist). An
-- employer reads a referral, and the worker behind it, only once this is set: a shortlist that
-- is withdrawn was never the employer's to see. Withdrawn referrals of old are left unset, so
-- no employer gains sight of a shortlist it never had.
ALTER TABLE referrals ADD COLUMN shared_at TIMESTAMP;
UPDATE referrals SET shared_at = created_at
    WHERE status IN ('referred', 'interview', 'hired', 'rejected');

-- The person asked that their profile no longer be shared or matched and that their contact
-- details be sent nowhere (Decree 13/2023/NĐ-CP, art. 12). The records counts rely on stay.
ALTER TABLE workers ADD COLUMN consent_withdrawn_at TIMESTAMP;

-- An application from the public form whose CCCD is registered but whose birth date does not
-- agree with the record: filed all the same (the form answers alike either way, so it tells
-- no one who is registered), for staff to check the person's papers before confirming.
ALTER TABLE enrollments ADD COLUMN identity_unconfirmed BOOLEAN NOT NULL DEFAULT FALSE;

-- Attempts counted by the throttles (sign-in, public forms), shared by every server on the
-- database. A bucket names what is counted: an account and address, an address, an account.
CREATE TABLE throttle_events (
    id TEXT PRIMARY KEY NOT NULL,
    bucket TEXT NOT NULL,
    happened_at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_events_bucket ON throttle_events (bucket, happened_at);
CREATE INDEX throttle_events_time ON throttle_events (happened_at);

-- Imports sent over HTTP: polled from any server, kept a day after they end.
CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    -- The import's report (JSON) when done; why it failed, in the starter's language, when not.
    report TEXT,
    error TEXT,
    -- The rejected rows with their reasons, as .xlsx, when some were rejected.
    errors_workbook BYTEA,
    started_at TIMESTAMP NOT NULL,
    -- The running server touches this as rows go by; a job whose server stopped is failed by
    -- the next poll.
    heartbeat_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX import_jobs_ended ON import_jobs (ended_at);
