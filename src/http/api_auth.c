/*
 * Logging in and out. POST /api/v1/auth/login checks the password (argon2id),
 * throttles guessing (5 failures per username, or 20 from one client address
 * over any usernames, in 15 minutes → 429), records every attempt with its
 * address, and starts a fresh session (a new token on every login: session
 * rotation; the session the client came with, if any, is ended) in an
 * HttpOnly SameSite=Strict cookie, returning the CSRF token the console sends
 * back on writes. Each recorded attempt first prunes the attempts older than
 * the throttle window (the throttle never counts them), so the table stays
 * small. GET /auth/me says who is logged in.
 */
#include "http/auth.h"
#include "http/routes.h"

#include <string.h>

#define THROTTLE_WINDOW_MS (15LL * 60 * 1000)
#define THROTTLE_FAILURES 5
#define THROTTLE_ADDR_FAILURES 20

static json_t *ids_json(const int64_t *ids, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

static json_t *user_json(const struct user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "id", (json_int_t)u->id,
			 "username", u->username, "display_name", u->display_name, "role",
			 role_name(u->role), "scopes", "points", ids_json(u->points, u->npoints),
			 "warehouses", ids_json(u->warehouses, u->nwarehouses), "channels",
			 ids_json(u->channels, u->nchannels));
}

/* The count sql gives for value (a username or an address) in the window. */
static int recent_failures(struct store *db, const char *sql, const char *value, int64_t *n)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, value);
	stmt_bind_int(st, 2, now_ms() - THROTTLE_WINDOW_MS);
	rc = stmt_step(st);
	*n = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* True if this username or this address has failed too often lately. */
static int throttled(struct req *r, const char *username, bool *out)
{
	int64_t by_user = 0, by_addr = 0;
	int rc = recent_failures(r->db,
	                         "SELECT COUNT(*) FROM login_attempts WHERE username = ? AND at > ?"
	                         " AND ok = 0",
	                         username, &by_user);
	if (!rc && r->client_addr && *r->client_addr)
		rc = recent_failures(r->db,
		                     "SELECT COUNT(*) FROM login_attempts WHERE addr = ? AND at > ?"
		                     " AND ok = 0",
		                     r->client_addr, &by_addr);
	*out = by_user >= THROTTLE_FAILURES || by_addr >= THROTTLE_ADDR_FAILURES;
	return rc;
}

/* Deletes the attempts the throttle no longer counts (older than its window). */
static int prune_old_attempts(struct store *db)
{
	struct stmt *st;
	int rc = store_prepare(db, "DELETE FROM login_attempts WHERE at <= ?", &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, now_ms() - THROTTLE_WINDOW_MS);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int record_attempt(struct req *r, const char *username, bool ok)
{
	struct stmt *st;
	int rc = prune_old_attempts(r->db);
	if (rc)
		return rc;
	rc = store_prepare(
	    r->db, "INSERT INTO login_attempts (username, at, ok, addr) VALUES (?, ?, ?, ?)", &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, username);
	stmt_bind_int(st, 2, now_ms());
	stmt_bind_int(st, 3, ok);
	stmt_bind_text(st, 4, r->client_addr ? r->client_addr : "");
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The id and hash of an active user, or 0. */
static int64_t find_login(struct req *r, const char *username, const char **hash)
{
	struct stmt *st;
	int64_t id = 0;
	if (store_prepare(r->db, "SELECT id, password_hash FROM users WHERE username = ? AND active = 1"
				 " AND role <> 'machine'", &st))
		return 0;
	stmt_bind_text(st, 1, username);
	if (stmt_step(st) == STORE_ROW) {
		id = stmt_int(st, 0);
		*hash = arena_strdup(r->arena, stmt_text(st, 1));
	}
	stmt_finalize(st);
	return id;
}

/* Session rotation: the session the client logs in from (its cookie) is
 * ended, so an id planted before login (fixation) or left over is refused. */
static int end_previous_session(struct req *r)
{
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	return cookie && *cookie ? session_delete(r->db, cookie) : 0;
}

static int handle_login(struct req *r)
{
	static const char *const fields[] = {"username", "password", NULL};
	const char *username, *password, *hash = NULL, *token, *csrf;
	bool too_many;
	json_t *body = req_body_object(r);
	if (!body || !jcheck_fields(r, body, fields) |
			     !jget_str(r, body, "username", true, 64, &username) |
			     !jget_str(r, body, "password", true, 128, &password))
		return reply_invalid(r);
	int rc = throttled(r, username, &too_many);
	if (rc)
		return reply_store_error(r, rc);
	if (too_many)
		return reply_error(r, 429, "throttled", NULL, "登录失败次数过多，请 15 分钟后再试",
				   "too many failed logins; try again in 15 minutes");
	int64_t id = find_login(r, username, &hash);
	if (!id || !password_verify(hash, password)) {
		r->commit_on_error = true; /* keep the failed attempt */
		if ((rc = record_attempt(r, username, false)))
			return reply_store_error(r, rc);
		return reply_error(r, 401, "bad_login", NULL, "用户名或密码错误",
				   "wrong username or password");
	}
	if ((rc = record_attempt(r, username, true)) || (rc = end_previous_session(r)) ||
	    (rc = session_create(r->db, r->arena, id, &token, &csrf)))
		return reply_store_error(r, rc);
	struct user *u = user_load(r->db, r->arena, id);
	if (!u)
		return reply_error(r, 401, "bad_login", NULL, "用户名或密码错误", "wrong username or password");
	r->user = u;
	r->set_cookie = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
				     SESSION_COOKIE, token, SESSION_TTL_MS / 1000);
	if ((rc = audit(r, "auth.login", "user", arena_printf(r->arena, "%lld", (long long)id), NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(u), "csrf_token", csrf));
}

static int handle_logout(struct req *r)
{
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	if (cookie) {
		int rc = session_delete(r->db, cookie);
		if (rc)
			return reply_store_error(r, rc);
	}
	r->set_cookie = SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static int handle_me(struct req *r)
{
	const char *csrf = NULL, *cookie = req_cookie(r, SESSION_COOKIE);
	if (cookie)
		session_lookup(r->db, r->arena, cookie, &csrf);
	json_t *out = json_pack("{s:o}", "user", user_json(r->user));
	if (csrf)
		json_object_set_new(out, "csrf_token", json_string(csrf));
	return reply_json(r, 200, out);
}

const struct route auth_routes[] = {
	{"POST", "/api/v1/auth/login", handle_login, ROLE_PUBLIC, ROUTE_NO_CSRF, "log in"},
	{"POST", "/api/v1/auth/logout", handle_logout, ROLES_ALL, 0, "log out"},
	{"GET", "/api/v1/auth/me", handle_me, ROLES_ALL, 0, "who am I"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
