DROP TABLE follow_ups;
DROP TABLE placements;
DROP TABLE referrals;
