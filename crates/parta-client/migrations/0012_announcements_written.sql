-- Announcements written here (issue 16): an outbox item says what it sends, and a cached
-- announcement whether it asks for acknowledgement or only informs.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
ALTER TABLE announcements ADD COLUMN ack_required INTEGER NOT NULL DEFAULT 1;
