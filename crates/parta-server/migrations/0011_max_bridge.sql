-- The MAX bridge (issue 15). Forward-only.

-- A person who writes in a linked MAX chat: a Parta user without a login (no devices, no
-- password, no phone), known by MAX's user id.
ALTER TABLE users ADD COLUMN max_user_id INTEGER;
CREATE UNIQUE INDEX users_by_max_id ON users(max_user_id) WHERE max_user_id IS NOT NULL;

-- A MAX chat carried into one Parta chat, one to one. Updates of the Parta chat with ids above
-- `from_update` go out to MAX (nothing from before the link).
CREATE TABLE max_links (
    chat_id      INTEGER PRIMARY KEY REFERENCES chats(id),
    max_chat_id  INTEGER NOT NULL UNIQUE,
    max_title    TEXT,
    linked_by    INTEGER NOT NULL REFERENCES users(id),
    linked_at    INTEGER NOT NULL,
    from_update  INTEGER NOT NULL
);

-- A Parta message and its copy in MAX: `part` numbers the pieces of a text cut at MAX's 4,000
-- characters; `direction` is 'in' (came from MAX) or 'out' (sent to MAX).
CREATE TABLE max_messages (
    max_mid     TEXT PRIMARY KEY,
    mid         TEXT NOT NULL,
    part        INTEGER NOT NULL DEFAULT 0,
    direction   TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX max_messages_by_mid ON max_messages(mid, part);

-- The bridge's own small state: the outgoing cursor in the update log, the long-poll marker,
-- the send in flight (for recognising it after a crash).
CREATE TABLE max_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Where a Parta message stands toward MAX, for its author: 'queued', 'sent' or 'failed'.
CREATE TABLE max_delivery (
    mid     TEXT PRIMARY KEY,
    state   TEXT NOT NULL,
    detail  TEXT,
    at      INTEGER NOT NULL
);

-- What arrived from MAX that the school's policy would have refused from a Parta user: kept
-- and shown, flagged, to the chat's administrators.
CREATE TABLE max_flags (
    mid      TEXT PRIMARY KEY,
    chat_id  INTEGER NOT NULL,
    rule     TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX max_flags_by_chat ON max_flags(chat_id, at);
