-- Whether an uploaded file holds personal data (procedure 5.1, 8): its text read once when the
-- upload completes (plain text, .docx, .odt), so a message carrying it into a chat whose rules
-- block personal data is refused like such a text.
ALTER TABLE uploads ADD COLUMN personal_data INTEGER NOT NULL DEFAULT 0;
