-- Targets of any computable metric, with decimals (a rate falling 1.5 points a year), under
-- or over a value, for the whole province ('') or as a district's or commune's own quota, each
-- with where its figure comes from. Administrators manage them; the reference data adds the
-- rows it knows and never overwrites an administrator's.
ALTER TABLE programme_targets DROP CONSTRAINT programme_targets_pkey;
ALTER TABLE programme_targets DROP CONSTRAINT IF EXISTS programme_targets_key_check;
ALTER TABLE programme_targets DROP CONSTRAINT IF EXISTS programme_targets_unit_check;
ALTER TABLE programme_targets DROP CONSTRAINT IF EXISTS programme_targets_comparison_check;
ALTER TABLE programme_targets ADD COLUMN unit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_targets ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE programme_targets SET source = 'Kế hoạch 61/KH-UBND ngày 03/03/2022';
ALTER TABLE programme_targets ALTER COLUMN target_value TYPE DOUBLE PRECISION;
ALTER TABLE programme_targets ADD CONSTRAINT programme_targets_key_check
    CHECK (length(key) BETWEEN 1 AND 60);
ALTER TABLE programme_targets ADD CONSTRAINT programme_targets_unit_check
    CHECK (unit IN ('persons', 'percent', 'points'));
ALTER TABLE programme_targets ADD CONSTRAINT programme_targets_comparison_check
    CHECK (comparison IN ('at_least', 'more_than', 'at_most', 'less_than'));
ALTER TABLE programme_targets ADD PRIMARY KEY (period_code, key, unit_code);

-- A period's names for its switcher.
ALTER TABLE programme_periods ADD COLUMN name_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_periods ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_periods ADD COLUMN updated_at TIMESTAMP;
UPDATE programme_periods SET name_vi = 'Kế hoạch 61/KH-UBND, giai đoạn 2021–2025',
    name_en = 'Plan 61/KH-UBND, 2021–2025' WHERE code = '2021-2025';

-- One poverty review per household and year (rà soát hộ nghèo, hộ cận nghèo hằng năm). The
-- household row keeps its latest review's figures; the status of each review is derived from
-- its year's standard and the status of the review before it.
CREATE TABLE household_reviews (
    household_id TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    standard_id TEXT NOT NULL REFERENCES poverty_standards (id),
    income_per_person_vnd BIGINT NOT NULL CHECK (income_per_person_vnd >= 0),
    urban BOOLEAN NOT NULL,
    -- The indicator keys the household lacked, sorted, separated by commas.
    deprivations TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('poor', 'near_poor', 'newly_escaped', 'not_poor')),
    previous_status TEXT CHECK (previous_status IN ('poor', 'near_poor', 'newly_escaped', 'not_poor')),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (household_id, year),
    CHECK (status <> 'newly_escaped' OR previous_status IN ('poor', 'near_poor'))
);
INSERT INTO household_reviews (household_id, year, standard_id, income_per_person_vnd, urban,
    deprivations, status, previous_status, recorded_at)
SELECT h.id, h.review_year, h.standard_id, h.income_per_person_vnd, h.urban,
    COALESCE((SELECT string_agg(d.indicator_key, ',' ORDER BY d.indicator_key)
        FROM household_deprivations d WHERE d.household_id = h.id), ''),
    h.status, h.previous_status, h.updated_at
FROM households h;

-- The reviews counted by year, commune, ethnic minority and status, for the poor-household
-- rate: a province's figure is a sum over a few thousand rows. Written with the reviews;
-- archived households leave it.
CREATE TABLE review_counts (
    year INTEGER NOT NULL,
    commune_id TEXT NOT NULL,
    minority BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (year, commune_id, minority, status)
);
INSERT INTO review_counts (year, commune_id, minority, status, n)
SELECT r.year, h.commune_id, e.is_minority, r.status, count(*)
FROM household_reviews r
JOIN households h ON h.id = r.household_id
JOIN ethnic_groups e ON e.code = h.ethnicity_code
WHERE h.archived_at IS NULL
GROUP BY r.year, h.commune_id, e.is_minority, r.status;

-- Changes to programme periods and their targets are audited like records.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check CHECK (entity IN ('household',
    'worker', 'employer', 'vacancy', 'course', 'enrollment', 'referral', 'placement', 'follow_up',
    'service_record', 'user', 'programme_period'));
