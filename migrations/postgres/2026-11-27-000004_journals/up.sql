-- Journals written in the same transaction as the change they describe:
-- who saw or changed personal data, e-mails to send, and changes for the search index.

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('read', 'create', 'update', 'archive', 'export', 'import')),
    entity TEXT NOT NULL CHECK (entity IN ('household', 'worker', 'employer', 'vacancy', 'course',
        'enrollment', 'referral', 'placement', 'follow_up', 'service_record', 'user')),
    entity_id TEXT NOT NULL,
    -- Comma-separated names of the fields read or written.
    fields TEXT NOT NULL DEFAULT '',
    client_address TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE outbox (
    -- UUID v7; the e-mail's Message-ID is derived from it, so a resend keeps the same id.
    id TEXT PRIMARY KEY NOT NULL,
    template TEXT NOT NULL,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    -- JSON object of the template's values.
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE search_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('worker', 'vacancy', 'course')),
    entity_id TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('upsert', 'delete')),
    created_at TIMESTAMP NOT NULL
);
