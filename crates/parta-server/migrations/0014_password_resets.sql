-- One-time codes the administration hands over in person when someone forgot their password
-- (procedure 8.2). Only the code's hash is kept; a code is used once, expires, and a newer one
-- for the same person replaces it.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    code_hash   BLOB NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
