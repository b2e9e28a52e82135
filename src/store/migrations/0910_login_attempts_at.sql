-- Logins prune attempts older than the throttle window (15 minutes), so the
-- table holds only what the throttle still counts; this index lets the
-- pruning DELETE find the old rows by time without scanning the table.

CREATE INDEX login_attempts_at ON login_attempts(at);
