DELETE FROM audit_log WHERE entity IN ('livelihood_model', 'job_fair');
DELETE FROM programme_targets WHERE unit = 'models';
CREATE TABLE programme_targets_new (
    period_code TEXT NOT NULL REFERENCES programme_periods (code),
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 60),
    unit_code TEXT NOT NULL DEFAULT '',
    target_value DOUBLE PRECISION NOT NULL CHECK (target_value >= 0),
    unit TEXT NOT NULL CHECK (unit IN ('persons', 'percent', 'points')),
    comparison TEXT NOT NULL CHECK (comparison IN ('at_least', 'more_than', 'at_most', 'less_than')),
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (period_code, key, unit_code)
);
INSERT INTO programme_targets_new SELECT * FROM programme_targets;
DROP TABLE programme_targets;
ALTER TABLE programme_targets_new RENAME TO programme_targets;
DROP INDEX placements_model;
ALTER TABLE placements DROP COLUMN model_id;
DROP TABLE livelihood_model_communes;
DROP TABLE livelihood_models;
