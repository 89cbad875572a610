-- Updates for one person rather than a chat's members (Parta's own update types, issue 3).
-- Forward-only. Such rows have chat_id 0 and the person in user_id.
ALTER TABLE updates ADD COLUMN user_id INTEGER;
CREATE INDEX updates_by_user ON updates(user_id, id) WHERE user_id IS NOT NULL;
