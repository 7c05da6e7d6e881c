-- Workers not archived, per commune, kept by a trigger in the transaction of every change: the
-- workers list's total for the province or an area is a sum over its communes instead of a
-- count of every worker.
CREATE TABLE worker_counts (
    commune_id TEXT PRIMARY KEY NOT NULL,
    live BIGINT NOT NULL CHECK (live >= 0)
);
INSERT INTO worker_counts (commune_id, live)
    SELECT commune_id, count(*) FROM workers WHERE archived_at IS NULL GROUP BY commune_id;

CREATE FUNCTION worker_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
        UPDATE worker_counts SET live = live - 1 WHERE commune_id = OLD.commune_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.archived_at IS NULL THEN
        INSERT INTO worker_counts (commune_id, live) VALUES (NEW.commune_id, 1)
            ON CONFLICT (commune_id) DO UPDATE SET live = worker_counts.live + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER worker_counts_follow AFTER INSERT OR DELETE OR UPDATE OF commune_id, archived_at
    ON workers FOR EACH ROW EXECUTE FUNCTION worker_counts_follow();
