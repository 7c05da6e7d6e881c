-- Texts over SMPP and the replies to them. Each part a text went in is known by the message id
-- the operator's SMSC gave it; the SMSC's delivery receipts say whether it reached the handset,
-- kept by message id whichever arrives first, and summed up on the outbox row. A follow-up
-- falling due asks the worker by text; a reply of 1 or 2 records the follow-up (its source
-- then is `sms`). Every text from a handset is kept in the inbox: answers, unclear answers
-- (the officer's follow-up list shows them), requests to stop texts, and anything else.
ALTER TABLE outbox ADD COLUMN receipt TEXT CHECK (receipt IN ('delivered', 'undelivered'));
ALTER TABLE outbox ADD COLUMN receipt_at TIMESTAMP;
ALTER TABLE follow_ups ADD COLUMN source TEXT NOT NULL DEFAULT 'staff' CHECK (source IN ('staff', 'sms'));

CREATE TABLE sms_parts (
    message_id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX sms_parts_outbox ON sms_parts (outbox_id);

CREATE TABLE sms_receipts (
    message_id TEXT PRIMARY KEY NOT NULL,
    delivered BOOLEAN NOT NULL,
    detail TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

CREATE TABLE sms_questions (
    follow_up_id TEXT PRIMARY KEY NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL REFERENCES workers (id),
    phone TEXT NOT NULL,
    outbox_id TEXT NOT NULL,
    asked_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX sms_questions_phone ON sms_questions (phone, answered_at);

CREATE TABLE sms_inbox (
    id TEXT PRIMARY KEY NOT NULL,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL DEFAULT 'pending'
        CHECK (kind IN ('pending', 'answer', 'unclear', 'stop', 'other')),
    worker_id TEXT REFERENCES workers (id),
    follow_up_id TEXT REFERENCES follow_ups (id) ON DELETE SET NULL
);
CREATE INDEX sms_inbox_kind ON sms_inbox (kind, received_at);
