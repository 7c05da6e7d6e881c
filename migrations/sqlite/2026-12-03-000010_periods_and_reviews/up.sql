-- Targets of any computable metric, with decimals (a rate falling 1.5 points a year), under
-- or over a value, for the whole province ('') or as a district's or commune's own quota, each
-- with where its figure comes from. Administrators manage them; the reference data adds the
-- rows it knows and never overwrites an administrator's.
CREATE TABLE programme_targets_new (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 60),
    unit_code TEXT NOT NULL DEFAULT '',
    target_value DOUBLE PRECISION NOT NULL CHECK (target_value >= 0),
    unit TEXT NOT NULL CHECK (unit IN ('persons', 'percent', 'points')),
    comparison TEXT NOT NULL CHECK (comparison IN ('at_least', 'more_than', 'at_most', 'less_than')),
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (period_code, key, unit_code)
);
INSERT INTO programme_targets_new (period_code, key, unit_code, target_value, unit, comparison,
    description_vi, description_en, source)
SELECT period_code, key, '', target_value, unit, comparison, description_vi, description_en,
    'Kế hoạch 61/KH-UBND ngày 03/03/2022'
FROM programme_targets;
DROP TABLE programme_targets;
ALTER TABLE programme_targets_new RENAME TO programme_targets;

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
    urban BOOLEAN NOT NULL CHECK (urban IN (0, 1)),
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
    COALESCE((SELECT group_concat(indicator_key, ',') FROM (SELECT indicator_key
        FROM household_deprivations d WHERE d.household_id = h.id ORDER BY indicator_key)), ''),
    h.status, h.previous_status, h.updated_at
FROM households h;

-- The reviews counted by year, commune, ethnic minority and status, for the poor-household
-- rate: a province's figure is a sum over a few thousand rows. Written with the reviews;
-- archived households leave it.
CREATE TABLE review_counts (
    year INTEGER NOT NULL,
    commune_id TEXT NOT NULL,
    minority BOOLEAN NOT NULL CHECK (minority IN (0, 1)),
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
CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('read', 'create', 'update', 'archive', 'export', 'import')),
    entity TEXT NOT NULL CHECK (entity IN ('household', 'worker', 'employer', 'vacancy', 'course',
        'enrollment', 'referral', 'placement', 'follow_up', 'service_record', 'user',
        'programme_period')),
    entity_id TEXT NOT NULL,
    -- Comma-separated names of the fields read or written.
    fields TEXT NOT NULL DEFAULT '',
    client_address TEXT
);
INSERT INTO audit_log_new (id, occurred_at, actor_user_id, action, entity, entity_id, fields, client_address)
SELECT id, occurred_at, actor_user_id, action, entity, entity_id, fields, client_address FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
