-- Lessons for a group, their materials, and what happens while they run (issue 7).
-- Forward-only: never edit a released migration.

-- A meeting for a group rather than the whole class: the parents invited. A lesson without
-- rows here is for the whole class.
CREATE TABLE lesson_participants (
    lesson_id  INTEGER NOT NULL REFERENCES lessons(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX lesson_participants_by_user ON lesson_participants(user_id);

-- Files for a lesson: finished uploads, in the order given.
CREATE TABLE lesson_materials (
    lesson_id  INTEGER NOT NULL REFERENCES lessons(id),
    upload_id  TEXT NOT NULL REFERENCES uploads(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (lesson_id, upload_id)
);
CREATE INDEX lesson_materials_by_upload ON lesson_materials(upload_id);

-- Presence and recording (6.4), in order: `join`, `leave` (user_id: who), `start`, `stop`
-- (user_id: who switched). Replayed with the consent answers through parta-policy's consent
-- state machine, which stops a recording when consent is lost.
CREATE TABLE lesson_events (
    id         INTEGER PRIMARY KEY,
    lesson_id  INTEGER NOT NULL REFERENCES lessons(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    event      TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX lesson_events_by_lesson ON lesson_events(lesson_id, id);
