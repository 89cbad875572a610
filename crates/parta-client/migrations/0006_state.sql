-- What else a chat shows offline (issue 4): replies, drafts, read state, members, and whether
-- an announcement was acknowledged.

-- The message a reply quotes, as JSON {mid, sender_name, text} (a snapshot: the quoted message
-- may be older than the cached history).
ALTER TABLE messages ADD COLUMN reply TEXT;
-- The message a reply waiting in the outbox answers.
ALTER TABLE outbox ADD COLUMN reply_to TEXT;

-- What the person was writing in each chat, kept across restarts.
CREATE TABLE drafts (
    profile_id  TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (profile_id, chat_id)
);

-- How far each chat has been read: the (timestamp, seq) of the newest message seen.
CREATE TABLE read_state (
    profile_id  TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    timestamp   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (profile_id, chat_id)
);

CREATE TABLE members (
    profile_id  TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    is_admin    INTEGER NOT NULL,
    PRIMARY KEY (profile_id, chat_id, user_id)
);

-- Announcements of the profile's chats and whether this person acknowledged them.
CREATE TABLE announcements (
    profile_id    TEXT NOT NULL,
    mid           TEXT NOT NULL,
    acknowledged  INTEGER NOT NULL,
    PRIMARY KEY (profile_id, mid)
);
