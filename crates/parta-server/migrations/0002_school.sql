-- The school: passwords, classes, invites, join requests, the audit log (issue 3).
-- Forward-only: never edit a released migration.

-- argon2id in PHC form; NULL for an account that has never set a password (it signs in only
-- through a device token it was given, as the demo's in-process sign-in does).
ALTER TABLE users ADD COLUMN password_hash TEXT;
-- Contact details: shown to staff, never to other parents (procedure 8.3).
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN email TEXT;

-- A class such as "5А". Its parents' chat is made by the structure bootstrap.
CREATE TABLE classes (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    class_teacher_id  INTEGER REFERENCES users(id),
    created_at        INTEGER NOT NULL
);

-- Teachers assigned to a class (4.1), the class teacher among them.
CREATE TABLE class_teachers (
    class_id  INTEGER NOT NULL REFERENCES classes(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (class_id, user_id)
);

-- A parent of a pupil in a class; one row per child.
CREATE TABLE class_parents (
    class_id    INTEGER NOT NULL REFERENCES classes(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    child_name  TEXT NOT NULL,
    PRIMARY KEY (class_id, user_id, child_name)
);
CREATE INDEX class_parents_by_user ON class_parents(user_id);

-- Which class a class-parents chat belongs to.
ALTER TABLE chats ADD COLUMN class_id INTEGER REFERENCES classes(id);
-- The structure bootstrap relies on these to stay idempotent: one school-wide chat of each
-- kind, one parents' chat per class.
CREATE UNIQUE INDEX chats_one_school_chat_per_kind ON chats(kind)
    WHERE kind IN ('teachers', 'director_teachers', 'director_activists');
CREATE UNIQUE INDEX chats_one_parents_chat_per_class ON chats(class_id)
    WHERE kind = 'class_parents' AND class_id IS NOT NULL;

-- Invitation links (4.1). The code is shown once, at creation; only its hash is kept.
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    code_hash   BLOB NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    class_id    INTEGER REFERENCES classes(id),
    child_name  TEXT,
    note        TEXT,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  INTEGER
);

-- A request to join, made by redeeming an invite when the school reviews newcomers (4.1).
-- `poll_token_hash` lets the requester (who has no account yet) ask for the outcome; on
-- approval the first such question receives the device token, once (`claimed_at`).
CREATE TABLE join_requests (
    id               INTEGER PRIMARY KEY,
    invite_id        INTEGER NOT NULL REFERENCES invites(id),
    role             TEXT NOT NULL,
    class_id         INTEGER REFERENCES classes(id),
    child_name       TEXT,
    first_name       TEXT NOT NULL,
    last_name        TEXT,
    login            TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    device_name      TEXT NOT NULL,
    poll_token_hash  BLOB NOT NULL UNIQUE,
    status           TEXT NOT NULL DEFAULT 'pending',
    reason           TEXT,
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER,
    decided_by       INTEGER REFERENCES users(id),
    user_id          INTEGER REFERENCES users(id),
    claimed_at       INTEGER
);
CREATE INDEX join_requests_by_status ON join_requests(status, id);

-- Every administrative action: who, what, when (4.2 oversight). Never holds a secret.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL
);

-- School-wide settings (e.g. whether newcomers wait for approval).
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('join_requires_approval', 'true');
