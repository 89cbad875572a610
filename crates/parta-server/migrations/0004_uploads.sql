-- Uploads and message attachments (issue 3). Forward-only: never edit a released migration.

-- One upload: its id is the unguessable part of the upload URL and the name of its bytes in
-- the file store; `token` is what a message attaches, given once the upload is complete and
-- its content passed the school's file rules.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    type          TEXT NOT NULL,
    filename      TEXT,
    total         INTEGER,
    received      INTEGER NOT NULL DEFAULT 0,
    format        TEXT,
    token         TEXT UNIQUE,
    created_at    INTEGER NOT NULL,
    completed_at  INTEGER
);

CREATE TABLE message_attachments (
    mid        TEXT NOT NULL REFERENCES messages(mid),
    position   INTEGER NOT NULL,
    upload_id  TEXT NOT NULL REFERENCES uploads(id),
    PRIMARY KEY (mid, position)
);
CREATE INDEX message_attachments_by_upload ON message_attachments(upload_id);
