DELETE FROM audit_log WHERE entity = 'programme_period';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check CHECK (entity IN ('household',
    'worker', 'employer', 'vacancy', 'course', 'enrollment', 'referral', 'placement', 'follow_up',
    'service_record', 'user'));
DROP TABLE review_counts;
DROP TABLE household_reviews;
ALTER TABLE programme_periods DROP COLUMN updated_at;
ALTER TABLE programme_periods DROP COLUMN name_en;
ALTER TABLE programme_periods DROP COLUMN name_vi;
DELETE FROM programme_targets WHERE unit_code <> '';
ALTER TABLE programme_targets DROP CONSTRAINT programme_targets_pkey;
ALTER TABLE programme_targets DROP COLUMN unit_code;
ALTER TABLE programme_targets DROP COLUMN source;
ALTER TABLE programme_targets ALTER COLUMN target_value TYPE BIGINT;
ALTER TABLE programme_targets ADD PRIMARY KEY (period_code, key);
