-- Overseas pipeline, unanswered referrals, and the facts the programme's targets are counted from.

-- An employer that has not answered a referral within the configured days is flagged to staff,
-- then the referral is closed as withdrawn with `closed_unanswered` set.
ALTER TABLE referrals ADD COLUMN stale_since TIMESTAMP;
ALTER TABLE referrals ADD COLUMN closed_unanswered BOOLEAN NOT NULL DEFAULT 0 CHECK (closed_unanswered IN (0, 1));

-- Overseas work goes through stages; the departure is what counts toward the overseas target.
CREATE TABLE overseas_stages (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    stage TEXT NOT NULL CHECK (stage IN ('training', 'contract', 'departure', 'working', 'returned')),
    reached_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (referral_id, stage)
);

-- One row per person (or household) a target counts, per programme period: who, when, and the
-- dimensions the breakdowns use. Rewritten for a worker or a household in the same transaction as
-- any change to what is counted from them, by the same rules as `ketnoi progress rebuild`.
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

-- The facts counted by every dimension at once, by district (`''`: communes of no district, as
-- after the 2025 reform): the province's and a district's figures are sums over these few
-- thousand rows; a single commune's are summed from its facts.
CREATE TABLE progress_counts (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL,
    -- The half-year the facts were counted in, as year * 10 + half (20251: January to June 2025),
    -- so 6-monthly reports sum buckets exactly.
    half_year INTEGER NOT NULL CHECK (half_year % 10 IN (1, 2)),
    district_id TEXT NOT NULL,
    household_status TEXT NOT NULL,
    minority BOOLEAN NOT NULL CHECK (minority IN (0, 1)),
    gender TEXT NOT NULL,
    country TEXT NOT NULL,
    n BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (period_code, key, half_year, district_id, household_status, minority, gender, country)
) WITHOUT ROWID;
