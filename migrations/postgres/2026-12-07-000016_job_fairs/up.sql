-- Job fairs (phiên giao dịch việc làm, Plan 61 §III.6): an event on a day, at a place or online,
-- by an organiser, serving some communes; the vacancies employers bring to it; the workers
-- registered for it and whether they came. Referrals made at a fair name it, so its interviews
-- and hires are counted from them.
CREATE TABLE job_fairs (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (length(name) > 0),
    search_name TEXT NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    online BOOLEAN NOT NULL DEFAULT FALSE,
    organiser TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX job_fairs_held ON job_fairs (held_on);
CREATE TABLE job_fair_communes (
    fair_id TEXT NOT NULL REFERENCES job_fairs (id) ON DELETE CASCADE,
    commune_id TEXT NOT NULL REFERENCES admin_units (id),
    PRIMARY KEY (fair_id, commune_id)
);
CREATE TABLE job_fair_vacancies (
    fair_id TEXT NOT NULL REFERENCES job_fairs (id) ON DELETE CASCADE,
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    PRIMARY KEY (fair_id, vacancy_id)
);
CREATE TABLE job_fair_workers (
    fair_id TEXT NOT NULL REFERENCES job_fairs (id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL REFERENCES workers (id),
    registered_at TIMESTAMP NOT NULL,
    -- The service record made when the worker came.
    attended_record_id TEXT REFERENCES service_records (id),
    PRIMARY KEY (fair_id, worker_id)
);
ALTER TABLE referrals ADD COLUMN job_fair_id TEXT REFERENCES job_fairs (id);
CREATE INDEX referrals_job_fair ON referrals (job_fair_id);
