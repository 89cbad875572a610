-- Online lessons as last read from the server (issue 7), readable offline: each as its JSON
-- `Lesson`, found by its start.
CREATE TABLE lessons (
    profile_id  TEXT NOT NULL,
    id          INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    lesson      TEXT NOT NULL,
    PRIMARY KEY (profile_id, id)
);
CREATE INDEX lessons_by_start ON lessons(profile_id, starts_at);
