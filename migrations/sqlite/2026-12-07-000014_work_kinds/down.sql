PRAGMA defer_foreign_keys = ON;

DELETE FROM progress_counts;
DROP TABLE progress_facts;
CREATE TABLE progress_facts (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household',
        'connected_area', 'area_worker', 'area_trained', 'area_certified')),
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

ALTER TABLE programme_periods DROP COLUMN connected_kinds;
ALTER TABLE follow_ups DROP COLUMN income_vnd;

DELETE FROM follow_ups WHERE placement_id IN (SELECT id FROM placements WHERE kind <> 'wage_job');
DELETE FROM placements WHERE kind <> 'wage_job';
CREATE TABLE placements_old (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT UNIQUE REFERENCES referrals (id),
    worker_id TEXT NOT NULL REFERENCES workers (id),
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    employer_id TEXT NOT NULL REFERENCES employers (id),
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
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawn_reason IS NOT NULL))
);
INSERT INTO placements_old (id, referral_id, worker_id, vacancy_id, employer_id, start_date,
    wage_vnd, is_overseas, country, household_status_snapshot, poor_area_snapshot,
    commune_id_snapshot, status, withdrawn_reason, withdrawn_at, confirmed_by, confirmed_at,
    created_at, updated_at)
SELECT id, referral_id, worker_id, vacancy_id, employer_id, start_date,
    wage_vnd, is_overseas, country, household_status_snapshot, poor_area_snapshot,
    commune_id_snapshot, status, withdrawn_reason, withdrawn_at, confirmed_by, confirmed_at,
    created_at, updated_at
FROM placements;
DROP TABLE placements;
ALTER TABLE placements_old RENAME TO placements;
CREATE INDEX placements_vacancy ON placements (vacancy_id);
CREATE INDEX placements_start ON placements (start_date);
