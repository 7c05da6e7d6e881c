DROP TABLE import_jobs;
DROP TABLE throttle_events;
ALTER TABLE enrollments DROP COLUMN identity_unconfirmed;
ALTER TABLE workers DROP COLUMN consent_withdrawn_at;
ALTER TABLE referrals DROP COLUMN shared_at;
