-- People who left the school (issue 3: membership edits, procedure 4.1). Forward-only.
-- A removed person keeps their name on old messages but can no longer sign in.
ALTER TABLE users ADD COLUMN removed_at INTEGER;
