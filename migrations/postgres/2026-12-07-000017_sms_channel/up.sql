-- Text messages beside e-mail. An outbox row goes by one channel: `email` to an address, `sms`
-- to a phone number (stored as 0 and nine digits). A worker chooses how they are written to:
-- `both` (the default: a text when they have a phone, an e-mail when they have an address),
-- `sms`, `email` or `none`; a reply stopping texts records its day.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));
ALTER TABLE workers ADD COLUMN message_channel TEXT NOT NULL DEFAULT 'both'
    CHECK (message_channel IN ('both', 'sms', 'email', 'none'));
ALTER TABLE workers ADD COLUMN sms_stopped_on DATE;
