DELETE FROM audit_log WHERE entity = 'programme_period';
DROP TABLE review_counts;
DROP TABLE household_reviews;
ALTER TABLE programme_periods DROP COLUMN updated_at;
ALTER TABLE programme_periods DROP COLUMN name_en;
ALTER TABLE programme_periods DROP COLUMN name_vi;
CREATE TABLE programme_targets_old (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL,
    target_value BIGINT NOT NULL CHECK (target_value >= 0),
    unit TEXT NOT NULL,
    comparison TEXT NOT NULL,
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    PRIMARY KEY (period_code, key)
);
INSERT INTO programme_targets_old SELECT period_code, key, CAST(target_value AS BIGINT), unit,
    comparison, description_vi, description_en FROM programme_targets WHERE unit_code = '';
DROP TABLE programme_targets;
ALTER TABLE programme_targets_old RENAME TO programme_targets;
