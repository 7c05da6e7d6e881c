-- Reference data: administrative units, ethnic groups, occupations, the poverty standard and the
-- programme's targets. Rows are loaded by the application from its embedded reference files, so
-- the same data reaches both backends; this migration only lays down the tables and their rules.

CREATE TABLE admin_units (
    -- `code@generation`, e.g. `03646@2021`: a statistics-office code is reused across reforms
    -- (03646 is Phường Chiềng Lề until 2025 and Phường Tô Hiệu after), so the code alone is not a key.
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 5 AND code ~ '^[0-9]*$'),
    name TEXT NOT NULL CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'ward', 'town')),
    -- The Vietnamese type as written in the source list (Huyện, Thị xã, Thành phố, Xã, Phường, Thị trấn).
    unit_type TEXT NOT NULL,
    parent_id TEXT REFERENCES admin_units (id),
    poor_area BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from DATE NOT NULL,
    valid_to DATE,
    CHECK (valid_to IS NULL OR valid_from <= valid_to),
    CHECK ((kind = 'province') = (parent_id IS NULL)),
    UNIQUE (code, valid_from)
);
CREATE INDEX admin_units_parent ON admin_units (parent_id);
CREATE INDEX admin_units_code ON admin_units (code);

-- How units of one generation continue in the next (the 1 July 2025 reform merged communes).
CREATE TABLE admin_unit_successors (
    predecessor_id TEXT NOT NULL REFERENCES admin_units (id),
    successor_id TEXT NOT NULL REFERENCES admin_units (id),
    confidence TEXT NOT NULL CHECK (confidence IN ('verified', 'likely', 'unverified')),
    note TEXT,
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);

CREATE TABLE ethnic_groups (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 2 AND code ~ '^[0-9]*$'),
    -- Which code list `code` belongs to: two official orderings exist and differ from 04 on.
    code_scheme TEXT NOT NULL CHECK (code_scheme IN ('QD121-TCTK-1979')),
    name TEXT NOT NULL UNIQUE,
    -- Other spellings, separated by `;` (Mông; H'Mông; Hmông).
    aliases TEXT NOT NULL DEFAULT '',
    gso_census_code TEXT,
    is_minority BOOLEAN NOT NULL
);

CREATE TABLE occupation_groups (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 1 AND 2 AND code ~ '^[0-9]*$'),
    level INTEGER NOT NULL CHECK (level IN (1, 2)),
    parent_code TEXT REFERENCES occupation_groups (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    CHECK ((level = 1) = (parent_code IS NULL))
);

CREATE TABLE occupations (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 4 AND code ~ '^[0-9]*$'),
    group_code TEXT NOT NULL REFERENCES occupation_groups (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    CHECK (substr(code, 1, 2) = group_code)
);

CREATE TABLE poverty_standards (
    id TEXT PRIMARY KEY NOT NULL,
    legal_basis TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    rural_income_line_vnd BIGINT NOT NULL CHECK (rural_income_line_vnd > 0),
    urban_income_line_vnd BIGINT NOT NULL CHECK (urban_income_line_vnd > 0),
    -- A household at or under the line lacking at least this many indicators is poor; fewer, near-poor.
    poor_min_deprivations INTEGER NOT NULL CHECK (poor_min_deprivations >= 1),
    CHECK (valid_to IS NULL OR valid_from <= valid_to)
);

CREATE TABLE poverty_indicators (
    key TEXT PRIMARY KEY NOT NULL,
    dimension_vi TEXT NOT NULL,
    dimension_en TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE poverty_standard_indicators (
    standard_id TEXT NOT NULL REFERENCES poverty_standards (id),
    indicator_key TEXT NOT NULL REFERENCES poverty_indicators (key),
    position INTEGER NOT NULL CHECK (position >= 1),
    PRIMARY KEY (standard_id, indicator_key),
    UNIQUE (standard_id, position)
);

CREATE TABLE programme_periods (
    code TEXT PRIMARY KEY NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    plan_reference TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);

CREATE TABLE programme_targets (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (key IN ('connected_workers', 'connected_target_share',
        'trained_poor_districts', 'overseas_contract', 'household_employment', 'counselled')),
    target_value BIGINT NOT NULL CHECK (target_value >= 0),
    unit TEXT NOT NULL CHECK (unit IN ('persons', 'percent')),
    comparison TEXT NOT NULL CHECK (comparison IN ('at_least', 'more_than')),
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    PRIMARY KEY (period_code, key)
);
