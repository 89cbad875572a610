-- Scheduled messages and quiet hours (issue 3). Forward-only: never edit a released migration.

CREATE TABLE scheduled_messages (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    chat_id       INTEGER NOT NULL REFERENCES chats(id),
    -- The NewMessageBody as JSON, sent as it is at `send_at`.
    body          TEXT NOT NULL,
    announcement  INTEGER NOT NULL DEFAULT 0,
    send_at       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    mid           TEXT,
    reason        TEXT,
    sent_at       INTEGER
);
CREATE INDEX scheduled_messages_due ON scheduled_messages(status, send_at);

-- A teacher's quiet hours: parents' messages then are delivered without notifying.
CREATE TABLE quiet_hours (
    user_id             INTEGER PRIMARY KEY REFERENCES users(id),
    start_minute        INTEGER NOT NULL,
    end_minute          INTEGER NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
);
