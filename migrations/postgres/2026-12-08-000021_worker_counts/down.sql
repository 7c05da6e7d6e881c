DROP TRIGGER worker_counts_follow ON workers;
DROP FUNCTION worker_counts_follow();
DROP TABLE worker_counts;
