-- Large tables: none; it only creates new tables.
-- Accounts, sessions and API tokens, PostgreSQL dialect. Keep in step with
-- ../sqlite/0003_accounts.sql: the same tables, columns and rules.
--
-- Secrets are never stored: a password as its argon2 PHC string, a session
-- id and an API token as the hex BLAKE2b-256 hash of the random value handed
-- out (a lookup by hash; 256 random bits need no slow hash).

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login           TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    -- clerk, reviewer, administrator, unit, worker, analyst
    role            TEXT    NOT NULL CHECK (role IN ('clerk', 'reviewer', 'administrator', 'unit', 'worker', 'analyst')),
    -- the unit a unit user acts for (employer or platform)
    unit_code       TEXT,
    -- the person a worker is
    resident_id     TEXT,
    -- the platform id (as in order files) a platform's unit user imports for
    platform        TEXT,
    password_hash   TEXT,
    disabled        BIGINT  NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      TEXT    NOT NULL,
    CHECK ((role = 'unit') = (unit_code IS NOT NULL)),
    CHECK ((role = 'worker') = (resident_id IS NOT NULL))
);

CREATE TABLE sessions (
    token_hash      TEXT    PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    csrf_token      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      TEXT    NOT NULL UNIQUE,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    label           TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    revoked_at      TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The answers to POSTs that move money, under the caller's Idempotency-Key:
-- the same key and body again gets the same answer, another body under the
-- key is refused. Keyed by who asked (the user), so keys of different
-- callers never collide.
CREATE TABLE idempotency_keys (
    user_id         BIGINT NOT NULL REFERENCES users(id),
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    status          BIGINT NOT NULL,
    response        TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
