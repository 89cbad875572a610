-- The outbox: every message written here is stored before anything is sent, and stays until
-- the server has it. `local_id` is also the Idempotency-Key, so a retry can never post twice.
CREATE TABLE outbox (
    profile_id       TEXT NOT NULL,
    local_id         TEXT NOT NULL,
    chat_id          INTEGER NOT NULL,
    text             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL DEFAULT 0,
    failed           TEXT,
    PRIMARY KEY (profile_id, local_id)
);
CREATE INDEX outbox_by_age ON outbox(profile_id, created_at);
