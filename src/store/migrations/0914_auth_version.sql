-- only: sqlite
-- The authentication version: one counter that every change to users,
-- api_tokens or user_scopes moves, in the same transaction as the change
-- (triggers, so no writer can forget it: the API, `shanhai user`, the demo,
-- restore and copy alike). A server keeps the users of API tokens in memory
-- (src/http/auth_cache.c) and uses a kept one only while this number is the
-- one it was loaded under; a token revoked, a user deactivated or re-scoped by
-- this or any other server on the same database is seen on the next request.
-- store_copy skips the table (the target's triggers count its own copy).
-- 0915 is the same for PostgreSQL.

CREATE TABLE auth_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO auth_version (id, n) VALUES (1, 0);

CREATE TRIGGER auth_version_users_ins AFTER INSERT ON users
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_users_upd AFTER UPDATE ON users
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_users_del AFTER DELETE ON users
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_tokens_ins AFTER INSERT ON api_tokens
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_tokens_upd AFTER UPDATE ON api_tokens
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_tokens_del AFTER DELETE ON api_tokens
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_scopes_ins AFTER INSERT ON user_scopes
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_scopes_upd AFTER UPDATE ON user_scopes
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_scopes_del AFTER DELETE ON user_scopes
BEGIN UPDATE auth_version SET n = n + 1 WHERE id = 1; END;
