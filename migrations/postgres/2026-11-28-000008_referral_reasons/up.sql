-- What an employer may read of the match (no household, ethnicity, disability or other
-- referrals), the worker's place in the ranked list staff saw, and why staff referred someone
-- who was not on it.
ALTER TABLE referrals ADD COLUMN employer_explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN match_rank INTEGER;
ALTER TABLE referrals ADD COLUMN override_reason TEXT;
