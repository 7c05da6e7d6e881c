-- Poverty-reduction models (mô hình giảm nghèo, Plan 61 §II.2(3), §III.4): the plan's five
-- kinds, the communes each serves, its dates, budget and support per household. A household
-- member's part in one is a `livelihood_model` placement that names it.
CREATE TABLE livelihood_models (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (length(name) > 0),
    search_name TEXT NOT NULL,
    model_type TEXT NOT NULL CHECK (model_type IN ('livestock', 'crops', 'handicrafts', 'community_tourism', 'start_up')),
    starts_on DATE NOT NULL,
    ends_on DATE,
    budget_vnd BIGINT CHECK (budget_vnd >= 0),
    support_per_household_vnd BIGINT CHECK (support_per_household_vnd >= 0),
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX livelihood_models_starts ON livelihood_models (starts_on);
CREATE TABLE livelihood_model_communes (
    model_id TEXT NOT NULL REFERENCES livelihood_models (id) ON DELETE CASCADE,
    commune_id TEXT NOT NULL REFERENCES admin_units (id),
    PRIMARY KEY (model_id, commune_id)
);
ALTER TABLE placements ADD COLUMN model_id TEXT REFERENCES livelihood_models (id);
CREATE INDEX placements_model ON placements (model_id);

ALTER TABLE programme_targets DROP CONSTRAINT programme_targets_unit_check;
ALTER TABLE programme_targets ADD CONSTRAINT programme_targets_unit_check
    CHECK (unit IN ('persons', 'percent', 'points', 'models'));

-- The plan's target of five models (§II.2(3)) where the 2021–2025 period is known; a new
-- database gets it from the reference data with the period. A count of models is measured in
-- `models`.
INSERT INTO programme_targets (period_code, key, unit_code, target_value, unit, comparison,
    description_vi, description_en, source)
SELECT code, 'livelihood_models', '', 5, 'models', 'at_least',
    'Hỗ trợ thí điểm, phát triển 05 mô hình giảm nghèo (chăn nuôi, trồng trọt, tiểu thủ công nghiệp, du lịch cộng đồng, khởi nghiệp) tạo sinh kế, việc làm bền vững cho hộ nghèo, hộ cận nghèo và hộ mới thoát nghèo',
    'Five poverty-reduction models (livestock, crops, small industry and handicrafts, community tourism, start-ups) piloted and developed for poor, near-poor and newly-escaped households',
    'Kế hoạch 61/KH-UBND ngày 03/03/2022 của UBND tỉnh Sơn La, mục II.2 (3)'
FROM programme_periods WHERE code = '2021-2025';

-- Models and job fairs are audited like records.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check CHECK (entity IN ('household',
    'worker', 'employer', 'vacancy', 'course', 'enrollment', 'referral', 'placement', 'follow_up',
    'service_record', 'user', 'programme_period', 'livelihood_model', 'job_fair'));
