-- The day a person gave their consent to share their profile (Decree 13/2023): recorded on the
-- worker form. Existing consents are dated from the record's registration.
ALTER TABLE workers ADD COLUMN consent_given_on DATE;
UPDATE workers SET consent_given_on = registered_on WHERE consent_to_share;
