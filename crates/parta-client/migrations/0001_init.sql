-- Parta's local cache, first version. Forward-only.

-- Signed-in profiles. The token is NOT here: it lives only in the OS keychain, under the
-- profile id.
CREATE TABLE profiles (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    server_url    TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    user_id       INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE chats (
    profile_id          TEXT NOT NULL,
    chat_id             INTEGER NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT,
    participants_count  INTEGER NOT NULL,
    last_event_time     INTEGER NOT NULL,
    pinned_mid          TEXT,
    PRIMARY KEY (profile_id, chat_id)
);

CREATE TABLE messages (
    profile_id   TEXT NOT NULL,
    mid          TEXT NOT NULL,
    chat_id      INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    sender_id    INTEGER,
    sender_name  TEXT NOT NULL,
    text         TEXT NOT NULL,
    timestamp    INTEGER NOT NULL,
    PRIMARY KEY (profile_id, mid)
);
CREATE INDEX messages_by_chat ON messages(profile_id, chat_id, timestamp, seq);

-- Position in the server's update log, saved in the transaction that applies a batch.
CREATE TABLE sync_state (
    profile_id  TEXT PRIMARY KEY,
    marker      INTEGER
);
