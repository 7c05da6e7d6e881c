DELETE FROM programme_targets
WHERE key IN ('connected_target_share_area', 'area_workers_trained', 'area_workers_certified');
DELETE FROM progress_counts;
DELETE FROM progress_facts;
ALTER TABLE progress_facts DROP CONSTRAINT progress_facts_key_check;
ALTER TABLE progress_facts ADD CONSTRAINT progress_facts_key_check CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household'));
ALTER TABLE admin_units DROP COLUMN difficult_area;
