-- only: postgres
-- The authentication version of 0914 (see there) for PostgreSQL: one
-- statement-level trigger per table, so a statement touching many rows moves
-- the counter once; it runs in the changing transaction, and the row lock
-- orders concurrent changes from several servers.

CREATE TABLE auth_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO auth_version (id, n) VALUES (1, 0);

CREATE FUNCTION auth_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_version SET n = n + 1 WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER auth_version_users AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
CREATE TRIGGER auth_version_tokens AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
CREATE TRIGGER auth_version_scopes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_scopes
  FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
