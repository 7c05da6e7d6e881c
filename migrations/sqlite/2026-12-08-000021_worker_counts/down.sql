DROP TRIGGER worker_counts_update;
DROP TRIGGER worker_counts_delete;
DROP TRIGGER worker_counts_insert;
DROP TABLE worker_counts;
