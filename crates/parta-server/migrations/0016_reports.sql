-- Reports of messages (procedure 6.2, 9.1): who reported which message, why, and what its
-- handler did. The message's text is copied at report time so the record outlives a deletion.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    mid          TEXT NOT NULL,
    chat_id      INTEGER NOT NULL REFERENCES chats(id),
    author_id    INTEGER NOT NULL REFERENCES users(id),
    text         TEXT NOT NULL,
    reporter_id  INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    note         TEXT,
    created_at   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open',
    handled_by   INTEGER REFERENCES users(id),
    handled_at   INTEGER
);
-- One open report per message and reporter: reporting again changes nothing.
CREATE UNIQUE INDEX reports_one_open ON reports(mid, reporter_id) WHERE status = 'open';
CREATE INDEX reports_by_status ON reports(status, id);
CREATE INDEX reports_by_reporter ON reports(reporter_id, id);
