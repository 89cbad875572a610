-- Pupils (procedure 4.1: join requests "from pupils"). A pupil is invited by the class
-- teacher with the class and the parent who answers for them about recording (6.4), joins
-- after approval and sits in the class's pupils' chat, never in a parents' chat.
-- Forward-only: never edit a released migration.

-- For a pupil's invite: the parent (of the same class) who answers for the pupil.
ALTER TABLE invites ADD COLUMN parent_id INTEGER REFERENCES users(id);

-- A pupil of a class and the parent who answers for them.
CREATE TABLE class_pupils (
    class_id   INTEGER NOT NULL REFERENCES classes(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    parent_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_pupils_by_user ON class_pupils(user_id);
CREATE INDEX class_pupils_by_parent ON class_pupils(parent_id);

-- One pupils' chat per class, made by the structure bootstrap like the parents' chat.
CREATE UNIQUE INDEX chats_one_pupils_chat_per_class ON chats(class_id)
    WHERE kind = 'class_pupils' AND class_id IS NOT NULL;
