-- Online lessons and their recording consent (issue 7). Forward-only: never edit a released
-- migration.

CREATE TABLE lessons (
    id            INTEGER PRIMARY KEY,
    class_id      INTEGER NOT NULL REFERENCES classes(id),
    subject       TEXT NOT NULL,
    teacher_id    INTEGER NOT NULL REFERENCES users(id),
    kind          TEXT NOT NULL,
    starts_at     INTEGER NOT NULL,
    duration_min  INTEGER NOT NULL,
    link          TEXT,
    notes         TEXT,
    cancelled     INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX lessons_by_class ON lessons(class_id, starts_at);
CREATE INDEX lessons_by_teacher ON lessons(teacher_id, starts_at);

-- Every consent answer in order (6.4: every change is recorded); the latest per person counts.
CREATE TABLE lesson_consents (
    id         INTEGER PRIMARY KEY,
    lesson_id  INTEGER NOT NULL REFERENCES lessons(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    consent    INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX lesson_consents_by_lesson ON lesson_consents(lesson_id, id);

-- A person's private calendar feed: only the token's hash is kept; a new one replaces the old.
CREATE TABLE calendar_feeds (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- For a lesson made by a timetable import, the start the timetable gave it (kept when the
-- lesson is moved): a later import replaces the untouched ones and keeps the moved and
-- cancelled ones without making them again.
ALTER TABLE lessons ADD COLUMN origin_at INTEGER;
-- Set once a lesson is changed or cancelled by hand.
ALTER TABLE lessons ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
