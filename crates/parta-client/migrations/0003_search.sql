-- Offline full-text search (src/search.rs).
--
-- FTS5 has no Russian stemmer, so the client indexes stems it computes itself, plus two
-- tokens that scope a row to its profile and chat. The index keeps no text (content=''); rows
-- are deleted by rowid (contentless_delete) when a message is edited, deleted or wiped.
--
-- Results are shown newest first, and FTS5 can walk its matches in descending rowid order and
-- stop after a page, so a message's rowid is its time: timestamp * 1024 + a counter for
-- messages of the same millisecond. The existing messages get such rowids here.
ALTER TABLE messages RENAME TO messages_before_search;
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
INSERT INTO messages (rowid, profile_id, mid, chat_id, seq, sender_id, sender_name, text, timestamp)
SELECT CASE WHEN timestamp BETWEEN 0 AND 8000000000000000 AND n < 1024
            THEN timestamp * 1024 + n END,
       profile_id, mid, chat_id, seq, sender_id, sender_name, text, timestamp
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY timestamp ORDER BY profile_id, mid) - 1 AS n
      FROM messages_before_search);
DROP TABLE messages_before_search;
CREATE INDEX messages_by_chat ON messages(profile_id, chat_id, timestamp, seq);

CREATE VIRTUAL TABLE messages_fts USING fts5(
    stems,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Messages cached before this migration are indexed once, by the app, when it opens the cache.
CREATE TABLE search_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    indexed  INTEGER NOT NULL
);
INSERT INTO search_state (id, indexed) VALUES (1, 0);
