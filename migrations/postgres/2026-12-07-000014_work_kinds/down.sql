DELETE FROM progress_counts;
DELETE FROM progress_facts;
ALTER TABLE progress_facts DROP CONSTRAINT progress_facts_key_check;
ALTER TABLE progress_facts ADD CONSTRAINT progress_facts_key_check CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household',
        'connected_area', 'area_worker', 'area_trained', 'area_certified'));

ALTER TABLE programme_periods DROP COLUMN connected_kinds;
ALTER TABLE follow_ups DROP COLUMN income_vnd;

DROP INDEX placements_worker;
DELETE FROM follow_ups WHERE placement_id IN (SELECT id FROM placements WHERE kind <> 'wage_job');
DELETE FROM placements WHERE kind <> 'wage_job';
ALTER TABLE placements
    DROP CONSTRAINT placements_kind_activity,
    DROP CONSTRAINT placements_kind_source,
    DROP COLUMN place,
    DROP COLUMN expected_income_vnd,
    DROP COLUMN activity,
    DROP COLUMN occupation_code,
    DROP COLUMN kind,
    ALTER COLUMN employer_id SET NOT NULL,
    ALTER COLUMN vacancy_id SET NOT NULL;
