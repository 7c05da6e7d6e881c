-- Job connections: referrals, confirmed placements and their follow-ups.

CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    worker_id TEXT NOT NULL REFERENCES workers (id),
    status TEXT NOT NULL CHECK (status IN ('shortlisted', 'referred', 'interview', 'hired', 'rejected', 'withdrawn')),
    -- The match as staff saw it when they acted.
    match_score DOUBLE PRECISION,
    match_explanation TEXT NOT NULL DEFAULT '',
    rejection_reason TEXT CHECK (rejection_reason IN ('no_show', 'skills', 'wage', 'distance', 'position_filled', 'other')),
    status_note TEXT NOT NULL DEFAULT '',
    created_by TEXT REFERENCES users (id),
    status_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (vacancy_id, worker_id),
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);
CREATE INDEX referrals_worker ON referrals (worker_id);
CREATE INDEX referrals_status ON referrals (status);

CREATE TABLE placements (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT UNIQUE REFERENCES referrals (id),
    worker_id TEXT NOT NULL REFERENCES workers (id),
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    employer_id TEXT NOT NULL REFERENCES employers (id),
    start_date DATE NOT NULL,
    wage_vnd BIGINT CHECK (wage_vnd >= 0),
    is_overseas BOOLEAN NOT NULL,
    country TEXT CHECK (length(country) = 2 AND country ~ '^[A-Z]*$'),
    -- Snapshots taken when the hire is confirmed: later reviews never rewrite what was counted.
    -- NULL household status: the worker belongs to no registered household.
    household_status_snapshot TEXT CHECK (household_status_snapshot IN ('poor', 'near_poor', 'newly_escaped', 'not_poor')),
    poor_area_snapshot BOOLEAN NOT NULL,
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
CREATE INDEX placements_vacancy ON placements (vacancy_id);
CREATE INDEX placements_start ON placements (start_date);

CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY NOT NULL,
    placement_id TEXT NOT NULL REFERENCES placements (id) ON DELETE CASCADE,
    months_after_start INTEGER NOT NULL CHECK (months_after_start IN (3, 6, 12)),
    due_on DATE NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'still_employed', 'left')),
    left_reason TEXT,
    note TEXT NOT NULL DEFAULT '',
    recorded_on DATE,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (placement_id, months_after_start),
    CHECK ((outcome = 'pending') = (recorded_on IS NULL))
);
CREATE INDEX follow_ups_due ON follow_ups (outcome, due_on);
