DROP TABLE progress_counts;
DROP TABLE progress_facts;
DROP TABLE overseas_stages;
ALTER TABLE referrals DROP COLUMN closed_unanswered;
ALTER TABLE referrals DROP COLUMN stale_since;
