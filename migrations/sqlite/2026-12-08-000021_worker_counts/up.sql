-- Workers not archived, per commune, kept by triggers in the transaction of every change: the
-- workers list's total for the province or an area is a sum over its communes instead of a
-- count of every worker. A migration that rebuilds `workers` must create these triggers again.
CREATE TABLE worker_counts (
    commune_id TEXT PRIMARY KEY NOT NULL,
    live BIGINT NOT NULL CHECK (live >= 0)
);
INSERT INTO worker_counts (commune_id, live)
    SELECT commune_id, count(*) FROM workers WHERE archived_at IS NULL GROUP BY commune_id;

CREATE TRIGGER worker_counts_insert AFTER INSERT ON workers WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO worker_counts (commune_id, live) VALUES (NEW.commune_id, 1)
        ON CONFLICT (commune_id) DO UPDATE SET live = live + 1;
END;

CREATE TRIGGER worker_counts_delete AFTER DELETE ON workers WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE worker_counts SET live = live - 1 WHERE commune_id = OLD.commune_id;
END;

CREATE TRIGGER worker_counts_update AFTER UPDATE OF commune_id, archived_at ON workers
BEGIN
    UPDATE worker_counts SET live = live - 1
        WHERE commune_id = OLD.commune_id AND OLD.archived_at IS NULL;
    INSERT INTO worker_counts (commune_id, live)
        SELECT NEW.commune_id, 1 WHERE NEW.archived_at IS NULL
        ON CONFLICT (commune_id) DO UPDATE SET live = live + 1;
END;
