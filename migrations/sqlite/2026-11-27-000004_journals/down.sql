DROP TABLE search_changes;
DROP TABLE outbox;
DROP TABLE audit_log;
