-- Large tables: none; one new table of one row.
-- A counter raised in the transaction that revokes a token or disables or
-- enables an account, wherever that happens (the CLI, any server): a server
-- reads it on every bearer request and trusts the accounts it remembers only
-- while it is unchanged, so a revocation takes effect at once.
-- PostgreSQL dialect; keep in step with ../sqlite/0011_credentials_epoch.sql.
CREATE TABLE credentials_epoch (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO credentials_epoch (id, epoch) VALUES (1, 0);
