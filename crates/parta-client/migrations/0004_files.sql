-- Files (issue 4). Attachments travel as JSON lists beside the message: they are read with it,
-- never queried on their own.
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';

-- A message's files wait in the outbox with it: each one a copy in the app's data directory,
-- its upload URL once created (so an interrupted upload resumes), and its token once uploaded.
ALTER TABLE outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';

-- Downloaded (and sent) files kept for reading offline, evicted least recently used first when
-- the cache grows past its limit. The file itself lives in the data directory's files/cache.
CREATE TABLE file_cache (
    token      TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    last_used  INTEGER NOT NULL
);
CREATE INDEX file_cache_by_use ON file_cache(last_used);
