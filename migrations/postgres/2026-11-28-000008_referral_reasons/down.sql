ALTER TABLE referrals DROP COLUMN override_reason;
ALTER TABLE referrals DROP COLUMN match_rank;
ALTER TABLE referrals DROP COLUMN employer_explanation;
