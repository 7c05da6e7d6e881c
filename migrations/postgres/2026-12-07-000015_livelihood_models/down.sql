DELETE FROM audit_log WHERE entity IN ('livelihood_model', 'job_fair');
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check CHECK (entity IN ('household',
    'worker', 'employer', 'vacancy', 'course', 'enrollment', 'referral', 'placement', 'follow_up',
    'service_record', 'user', 'programme_period'));
DELETE FROM programme_targets WHERE unit = 'models';
ALTER TABLE programme_targets DROP CONSTRAINT programme_targets_unit_check;
ALTER TABLE programme_targets ADD CONSTRAINT programme_targets_unit_check
    CHECK (unit IN ('persons', 'percent', 'points'));
DROP INDEX placements_model;
ALTER TABLE placements DROP COLUMN model_id;
DROP TABLE livelihood_model_communes;
DROP TABLE livelihood_models;
