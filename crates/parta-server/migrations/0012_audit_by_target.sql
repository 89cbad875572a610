-- A person's own failed sign-ins are read by target (`user:<id>`), action and time: without
-- this index each look would scan the whole audit log, which only grows.
CREATE INDEX audit_log_by_target ON audit_log (target, action, created_at);
