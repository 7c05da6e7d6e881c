ALTER TABLE workers DROP COLUMN consent_given_on;
