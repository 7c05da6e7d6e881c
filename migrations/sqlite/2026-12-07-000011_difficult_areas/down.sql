DELETE FROM programme_targets
WHERE key IN ('connected_target_share_area', 'area_workers_trained', 'area_workers_certified');
DELETE FROM progress_counts;
DROP TABLE progress_facts;
CREATE TABLE progress_facts (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household')),
    subject_id TEXT NOT NULL,
    counted_on DATE NOT NULL,
    commune_id TEXT NOT NULL REFERENCES admin_units (id),
    household_status TEXT NOT NULL CHECK (household_status IN ('poor', 'near_poor', 'newly_escaped', 'not_poor', 'none')),
    minority BOOLEAN NOT NULL CHECK (minority IN (0, 1)),
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female', '')),
    country TEXT NOT NULL,
    -- The placement, enrolment, follow-up or service record the person counts by.
    record_id TEXT NOT NULL,
    PRIMARY KEY (period_code, key, subject_id)
);
CREATE INDEX progress_facts_subject ON progress_facts (subject_id);
CREATE INDEX progress_facts_list ON progress_facts (period_code, key, counted_on);
CREATE INDEX progress_facts_commune ON progress_facts (commune_id, period_code);
ALTER TABLE admin_units DROP COLUMN difficult_area;
