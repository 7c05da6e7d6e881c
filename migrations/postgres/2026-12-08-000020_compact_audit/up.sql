-- A read of many records (a search, a list, a match list) is one audit entry: its row in
-- audit_log (entity_id left empty) and the ids it read here, keyed by record so a person's
-- history is one range of this table. A record's own entry (a write, a record opened) keeps
-- its id on the row, as before.
CREATE TABLE audit_subjects (
    entity_id TEXT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES audit_log (id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, entry_id)
);
