-- Which lessons this computer has already reminded of (issue 7), so a restart never reminds
-- twice; a lesson moved to another time is reminded of again.
CREATE TABLE lesson_reminders (
    profile_id  TEXT NOT NULL,
    lesson_id   INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, lesson_id, starts_at)
);
