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
