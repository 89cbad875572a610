-- Restrictions, read state, announcements and acknowledgements (issue 3).
-- Forward-only: never edit a released migration.

-- A person's access restricted after a violation (procedure 9.2): 'read_only' (may read, may
-- not write) or 'blocked' (may not use the server at all), until a time, with a reason.
CREATE TABLE restrictions (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    mode        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    until       INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);

-- How far each member has read each chat (POST /chats/{id}/actions mark_seen).
CREATE TABLE chat_reads (
    chat_id   INTEGER NOT NULL REFERENCES chats(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    seen_seq  INTEGER NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- An announcement is a message flagged as such; parents acknowledge it ("Ознакомлен").
ALTER TABLE messages ADD COLUMN is_announcement INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_announcements ON messages(chat_id, seq) WHERE is_announcement = 1;

CREATE TABLE acknowledgements (
    mid      TEXT NOT NULL REFERENCES messages(mid),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    at       INTEGER NOT NULL,
    PRIMARY KEY (mid, user_id)
);
