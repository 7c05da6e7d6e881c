-- API sessions, idempotent creates, and accent-free names for prefix search.

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    -- SHA-256 of the bearer token, hex: the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    CHECK (created_at < expires_at)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The first answer to a create, replayed when a client retries with the same key.
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_path TEXT NOT NULL,
    -- SHA-256 of the request body: the same key with another body is a client error.
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL CHECK (response_status BETWEEN 100 AND 599),
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);

-- Lower-case names without accents (`lo thi on` for `Lò Thị Ỏn`), kept by the application,
-- so a prefix typed without accents finds them.
ALTER TABLE households ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE employers ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE vacancies ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
CREATE INDEX households_search_name ON households (search_name text_pattern_ops);
CREATE INDEX workers_search_name ON workers (search_name text_pattern_ops);
CREATE INDEX employers_search_name ON employers (search_name text_pattern_ops);
CREATE INDEX vacancies_search_name ON vacancies (search_name text_pattern_ops);
CREATE INDEX courses_search_name ON courses (search_name text_pattern_ops);
