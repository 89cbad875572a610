-- An announcement either asks its readers to acknowledge it («Ознакомлен») or only informs
-- them (procedure 2.3 and 4.1). Those written before asked, as every announcement did then.
ALTER TABLE messages ADD COLUMN ack_required INTEGER NOT NULL DEFAULT 1;
