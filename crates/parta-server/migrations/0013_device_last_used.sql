-- When each device last reached the server, for «Мои устройства». Written from memory about
-- once a minute (never on every request), so it is at most a minute behind.
ALTER TABLE devices ADD COLUMN last_used_at INTEGER;
