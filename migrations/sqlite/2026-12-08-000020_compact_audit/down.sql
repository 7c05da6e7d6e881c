DROP TABLE audit_subjects;
