-- Difficult areas (vùng khó khăn, xã đặc biệt khó khăn) beside poor areas: flags an
-- administrator sets per unit. A placement's area snapshot is set in either.
ALTER TABLE admin_units ADD COLUMN difficult_area BOOLEAN NOT NULL DEFAULT FALSE;

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
DELETE FROM progress_facts;
ALTER TABLE progress_facts DROP CONSTRAINT progress_facts_key_check;
ALTER TABLE progress_facts ADD CONSTRAINT progress_facts_key_check CHECK (key IN ('connected', 'trained', 'overseas', 'sustained',
        'target_worker', 'counselled', 'target_household', 'covered_household',
        'connected_area', 'area_worker', 'area_trained', 'area_certified'));
