-- Offline full-text search. FTS5 has no Russian stemmer, so the client indexes stems it
-- computes itself (src/search.rs); the table keeps only the index (content=''), and rows are
-- deleted by rowid (contentless_delete) when a message is edited, deleted or wiped. Its rowid is
-- the rowid of the message in `messages`.
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
