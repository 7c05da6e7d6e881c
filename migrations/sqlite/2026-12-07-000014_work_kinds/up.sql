-- Every kind of work in one ledger: a placement has a kind. A wage job comes through a vacancy
-- and its employer; the other kinds are recorded by staff on the worker with the activity's
-- occupation, the expected monthly income and the place. Follow-ups record the income found.
-- Which kinds count toward "connected" is each period's rule (wage jobs only, as before, until
-- an administrator says otherwise). SQLite cannot loosen NOT NULL in place: the table is
-- rebuilt, its referencing rows checked when the transaction commits.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE placements_new (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT UNIQUE REFERENCES referrals (id),
    worker_id TEXT NOT NULL REFERENCES workers (id),
    vacancy_id TEXT REFERENCES vacancies (id),
    employer_id TEXT REFERENCES employers (id),
    kind TEXT NOT NULL DEFAULT 'wage_job' CHECK (kind IN ('wage_job', 'self_employed', 'household_business', 'cooperative_member', 'livelihood_model', 'public_works')),
    occupation_code TEXT REFERENCES occupations (code),
    activity TEXT NOT NULL DEFAULT '',
    expected_income_vnd BIGINT CHECK (expected_income_vnd >= 0),
    place TEXT NOT NULL DEFAULT '',
    start_date DATE NOT NULL,
    wage_vnd BIGINT CHECK (wage_vnd >= 0),
    is_overseas BOOLEAN NOT NULL CHECK (is_overseas IN (0, 1)),
    country TEXT CHECK (length(country) = 2 AND country NOT GLOB '*[^A-Z]*'),
    household_status_snapshot TEXT CHECK (household_status_snapshot IN ('poor', 'near_poor', 'newly_escaped', 'not_poor')),
    poor_area_snapshot BOOLEAN NOT NULL CHECK (poor_area_snapshot IN (0, 1)),
    commune_id_snapshot TEXT NOT NULL REFERENCES admin_units (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
    withdrawn_reason TEXT,
    withdrawn_at TIMESTAMP,
    confirmed_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (worker_id, vacancy_id),
    CHECK (is_overseas = (country IS NOT NULL)),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawn_reason IS NOT NULL)),
    CHECK ((kind = 'wage_job') = (vacancy_id IS NOT NULL AND employer_id IS NOT NULL)),
    CHECK (kind = 'wage_job' OR (occupation_code IS NOT NULL AND NOT is_overseas))
);
INSERT INTO placements_new (id, referral_id, worker_id, vacancy_id, employer_id, kind, start_date,
    wage_vnd, is_overseas, country, household_status_snapshot, poor_area_snapshot,
    commune_id_snapshot, status, withdrawn_reason, withdrawn_at, confirmed_by, confirmed_at,
    created_at, updated_at)
SELECT id, referral_id, worker_id, vacancy_id, employer_id, 'wage_job', start_date,
    wage_vnd, is_overseas, country, household_status_snapshot, poor_area_snapshot,
    commune_id_snapshot, status, withdrawn_reason, withdrawn_at, confirmed_by, confirmed_at,
    created_at, updated_at
FROM placements;
DROP TABLE placements;
ALTER TABLE placements_new RENAME TO placements;
CREATE INDEX placements_vacancy ON placements (vacancy_id);
CREATE INDEX placements_start ON placements (start_date);
CREATE INDEX placements_worker ON placements (worker_id);

ALTER TABLE follow_ups ADD COLUMN income_vnd BIGINT CHECK (income_vnd >= 0);

ALTER TABLE programme_periods ADD COLUMN connected_kinds TEXT NOT NULL DEFAULT 'wage_job';

-- A connected person whose work is not a wage job also counts under its kind (the breakdown
-- of "connected" by kind of work): every fact is counted again at the next start.
DELETE FROM progress_counts;
DROP TABLE progress_facts;
CREATE TABLE progress_facts (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household',
        'connected_area', 'area_worker', 'area_trained', 'area_certified',
        'connected_self_employed', 'connected_household_business', 'connected_cooperative_member',
        'connected_livelihood_model', 'connected_public_works')),
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
