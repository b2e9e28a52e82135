-- The login throttle also counts failures per client address (any usernames),
-- so one address cannot guess passwords across many accounts: each attempt
-- records the peer's IP address as text ('' for attempts made before this
-- migration or when the address is unknown). Never logged or shown.

ALTER TABLE login_attempts ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_addr ON login_attempts(addr, at);
