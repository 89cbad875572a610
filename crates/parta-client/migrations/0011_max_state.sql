-- In a chat the school carries to MAX: where a Parta message stands toward MAX ('queued',
-- 'sent', 'failed'); NULL elsewhere.
ALTER TABLE messages ADD COLUMN max_state TEXT;
