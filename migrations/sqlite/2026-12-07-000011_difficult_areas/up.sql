-- Difficult areas (vùng khó khăn, xã đặc biệt khó khăn) beside poor areas: flags an
-- administrator sets per unit. A placement's area snapshot is set in either.
ALTER TABLE admin_units ADD COLUMN difficult_area BOOLEAN NOT NULL DEFAULT 0 CHECK (difficult_area IN (0, 1));

-- The plan's own wording of the share ("… ở vùng nghèo, vùng khó khăn") and its education
-- dimension (§II.2(7)) as 2021–2025 targets beside the six, where that period is known; a new
-- database gets them from the reference data with the period.
INSERT INTO programme_targets (period_code, key, unit_code, target_value, unit, comparison,
    description_vi, description_en, source)
SELECT code, 'connected_target_share_area', '', 50, 'percent', 'more_than',
    'Trên 50% lao động được kết nối thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo ở vùng nghèo, vùng khó khăn',
    'More than 50% of connected workers from poor, near-poor or newly-escaped households in poor or difficult areas',
    'Kế hoạch 61/KH-UBND ngày 03/03/2022 của UBND tỉnh Sơn La, mục II.2 (4)'
FROM programme_periods WHERE code = '2021-2025';
INSERT INTO programme_targets (period_code, key, unit_code, target_value, unit, comparison,
    description_vi, description_en, source)
SELECT code, 'area_workers_trained', '', 60, 'percent', 'at_least',
    'Tỷ lệ người lao động thuộc vùng nghèo, vùng khó khăn qua đào tạo đạt 60%',
    '60% of workers of poor or difficult areas trained',
    'Kế hoạch 61/KH-UBND ngày 03/03/2022 của UBND tỉnh Sơn La, mục II.2 (7), chiều giáo dục'
FROM programme_periods WHERE code = '2021-2025';
INSERT INTO programme_targets (period_code, key, unit_code, target_value, unit, comparison,
    description_vi, description_en, source)
SELECT code, 'area_workers_certified', '', 25, 'percent', 'at_least',
    'Tỷ lệ người lao động thuộc vùng nghèo, vùng khó khăn có bằng cấp, chứng chỉ đạt 25%',
    '25% of workers of poor or difficult areas hold a certificate',
    'Kế hoạch 61/KH-UBND ngày 03/03/2022 của UBND tỉnh Sơn La, mục II.2 (7), chiều giáo dục'
FROM programme_periods WHERE code = '2021-2025';

-- The rules gained facts (connected in an area, area workers trained and certified): every
-- fact is counted again at the next start.
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
