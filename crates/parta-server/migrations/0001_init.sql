-- parta-server schema, first version. Forward-only: never edit a released migration.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- People with a personal account. `role` is one of the procedure's roles (4.1-4.5).
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    last_name   TEXT,
    username    TEXT UNIQUE,
    role        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One row per signed-in device. Tokens are stored only as SHA-256 hashes: they are 256-bit
-- random values, so a slow hash adds nothing. `update_marker` is the device's committed
-- position in the update log (MAX semantics of GET /updates without a marker).
CREATE TABLE devices (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    token_hash     BLOB NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    update_marker  INTEGER NOT NULL
);

-- `kind` is the school's chat kind (teachers, class_parents, ...); `type` is MAX's ChatType.
CREATE TABLE chats (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    type             TEXT NOT NULL DEFAULT 'chat',
    title            TEXT NOT NULL,
    description      TEXT,
    owner_id         INTEGER REFERENCES users(id),
    pinned_mid       TEXT,
    created_at       INTEGER NOT NULL,
    last_event_time  INTEGER NOT NULL
);

CREATE TABLE chat_members (
    chat_id    INTEGER NOT NULL REFERENCES chats(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    is_admin   INTEGER NOT NULL DEFAULT 0,
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_by_user ON chat_members(user_id);

-- `seq` orders messages server-wide, so it also orders them within a chat (MessageBody.seq).
CREATE TABLE messages (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    mid         TEXT NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL REFERENCES chats(id),
    sender_id   INTEGER NOT NULL REFERENCES users(id),
    text        TEXT,
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER,
    deleted_at  INTEGER,
    link_type   TEXT,
    link_mid    TEXT
);
CREATE INDEX messages_by_chat_time ON messages(chat_id, created_at);

-- The update log behind GET /updates: serialized MAX `Update` objects, one row each.
CREATE TABLE updates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id      INTEGER NOT NULL,
    update_type  TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX updates_by_chat ON updates(chat_id, id);

-- Parta extension: a retried POST with the same Idempotency-Key returns the first message.
CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    mid         TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
