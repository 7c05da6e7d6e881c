-- Every kind of work in one ledger: a placement has a kind. A wage job comes through a vacancy
-- and its employer; the other kinds are recorded by staff on the worker with the activity's
-- occupation, the expected monthly income and the place. Follow-ups record the income found.
-- Which kinds count toward "connected" is each period's rule (wage jobs only, as before, until
-- an administrator says otherwise).
ALTER TABLE placements
    ALTER COLUMN vacancy_id DROP NOT NULL,
    ALTER COLUMN employer_id DROP NOT NULL,
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'wage_job' CHECK (kind IN ('wage_job', 'self_employed', 'household_business', 'cooperative_member', 'livelihood_model', 'public_works')),
    ADD COLUMN occupation_code TEXT REFERENCES occupations (code),
    ADD COLUMN activity TEXT NOT NULL DEFAULT '',
    ADD COLUMN expected_income_vnd BIGINT CHECK (expected_income_vnd >= 0),
    ADD COLUMN place TEXT NOT NULL DEFAULT '',
    ADD CONSTRAINT placements_kind_source CHECK ((kind = 'wage_job') = (vacancy_id IS NOT NULL AND employer_id IS NOT NULL)),
    ADD CONSTRAINT placements_kind_activity CHECK (kind = 'wage_job' OR (occupation_code IS NOT NULL AND NOT is_overseas));
CREATE INDEX placements_worker ON placements (worker_id);

ALTER TABLE follow_ups ADD COLUMN income_vnd BIGINT CHECK (income_vnd >= 0);

ALTER TABLE programme_periods ADD COLUMN connected_kinds TEXT NOT NULL DEFAULT 'wage_job';

-- A connected person whose work is not a wage job also counts under its kind (the breakdown
-- of "connected" by kind of work): every fact is counted again at the next start.
DELETE FROM progress_counts;
DELETE FROM progress_facts;
ALTER TABLE progress_facts DROP CONSTRAINT progress_facts_key_check;
ALTER TABLE progress_facts ADD CONSTRAINT progress_facts_key_check CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household',
        'connected_area', 'area_worker', 'area_trained', 'area_certified',
        'connected_self_employed', 'connected_household_business', 'connected_cooperative_member',
        'connected_livelihood_model', 'connected_public_works'));
