/*
 * Passwords, sessions, API tokens and user loading; see auth.h. Secrets are
 * compared in constant time and stored only as hashes.
 */
#include "http/auth.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum role role;
} roles[] = {
	{"admin", ROLE_ADMIN},     {"collector", ROLE_COLLECTOR}, {"warehouse", ROLE_WAREHOUSE},
	{"channel", ROLE_CHANNEL}, {"office", ROLE_OFFICE},       {"machine", ROLE_MACHINE},
};

const char *role_name(enum role role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "unknown";
}

int role_parse(const char *name, enum role *out)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, name)) {
			*out = roles[i].role;
			return 0;
		}
	return -1;
}

char *password_hash(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return NULL;
	return xstrdup(out);
}

bool password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool password_acceptable(const char *password)
{
	size_t n = strlen(password);
	size_t chars = utf8_length(password, n);
	return utf8_valid(password, n) && chars >= 8 && chars <= 128;
}

const char *token_hash(struct arena *a, const char *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(a, sizeof(h) * 2 + 1);
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h));
	return hex;
}

void token_new(struct arena *a, const char **token, const char **hash)
{
	unsigned char raw[32];
	size_t len = sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *t = arena_alloc(a, len);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(t, len, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*token = t;
	*hash = token_hash(a, t);
}

static int64_t *load_scope(struct store *db, struct arena *a, int64_t user_id, const char *kind,
			   int *n)
{
	struct stmt *st;
	int64_t *ids = NULL;
	int cap = 0;
	*n = 0;
	if (store_prepare(db, "SELECT ref_id FROM user_scopes WHERE user_id = ? AND kind = ?"
			      " ORDER BY ref_id", &st))
		return NULL;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_text(st, 2, kind);
	while (stmt_step(st) == STORE_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 8;
			int64_t *m = arena_alloc(a, (size_t)ncap * sizeof(*m));
			if (*n)
				memcpy(m, ids, (size_t)*n * sizeof(*m));
			ids = m;
			cap = ncap;
		}
		ids[(*n)++] = stmt_int(st, 0);
	}
	stmt_finalize(st);
	return ids;
}

struct user *user_load(struct store *db, struct arena *a, int64_t id)
{
	struct stmt *st;
	struct user *u = NULL;
	enum role role;
	if (store_prepare(db, "SELECT username, display_name, role FROM users WHERE id = ? AND active = 1",
			  &st))
		return NULL;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st) == STORE_ROW && !role_parse(stmt_text(st, 2), &role)) {
		u = arena_alloc(a, sizeof(*u));
		u->id = id;
		u->username = arena_strdup(a, stmt_text(st, 0));
		u->display_name = arena_strdup(a, stmt_text(st, 1));
		u->role = role;
	}
	stmt_finalize(st);
	if (u) {
		u->points = load_scope(db, a, id, "point", &u->npoints);
		u->warehouses = load_scope(db, a, id, "warehouse", &u->nwarehouses);
		u->channels = load_scope(db, a, id, "channel", &u->nchannels);
	}
	return u;
}

int session_create(struct store *db, struct arena *a, int64_t user_id, const char **token,
		   const char **csrf)
{
	const char *hash, *csrf_hash;
	struct stmt *st;
	int64_t now = time_now_ms();
	token_new(a, token, &hash);
	token_new(a, csrf, &csrf_hash);
	int rc = store_prepare(db, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,"
				   " expires_at) VALUES (?, ?, ?, ?, ?)", &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, hash);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_text(st, 3, *csrf);
	stmt_bind_int(st, 4, now);
	stmt_bind_int(st, 5, now + SESSION_TTL_MS);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

struct user *session_lookup(struct store *db, struct arena *a, const char *token,
			    const char **csrf)
{
	struct stmt *st;
	int64_t user_id = 0;
	if (store_prepare(db, "SELECT user_id, csrf_token FROM sessions WHERE token_hash = ?"
			      " AND expires_at > ?", &st))
		return NULL;
	stmt_bind_text(st, 1, token_hash(a, token));
	stmt_bind_int(st, 2, time_now_ms());
	if (stmt_step(st) == STORE_ROW) {
		user_id = stmt_int(st, 0);
		*csrf = arena_strdup(a, stmt_text(st, 1));
	}
	stmt_finalize(st);
	return user_id ? user_load(db, a, user_id) : NULL;
}

int session_delete(struct store *db, const char *token)
{
	struct arena a;
	struct stmt *st;
	arena_init(&a);
	int rc = store_prepare(db, "DELETE FROM sessions WHERE token_hash = ?", &st);
	if (!rc) {
		stmt_bind_text(st, 1, token_hash(&a, token));
		rc = stmt_step(st);
		stmt_finalize(st);
	}
	arena_release(&a);
	return rc < 0 ? rc : 0;
}

struct user *token_lookup(struct store *db, struct arena *a, const char *token)
{
	struct stmt *st;
	int64_t user_id = 0;
	if (store_prepare(db, "SELECT user_id FROM api_tokens WHERE token_hash = ? AND active = 1",
			  &st))
		return NULL;
	stmt_bind_text(st, 1, token_hash(a, token));
	if (stmt_step(st) == STORE_ROW)
		user_id = stmt_int(st, 0);
	stmt_finalize(st);
	return user_id ? user_load(db, a, user_id) : NULL;
}

int user_create(struct store *db, const char *username, const char *display_name,
		const char *password, enum role role, int64_t *id, char *err, size_t errsz)
{
	struct stmt *st;
	if (!password_acceptable(password)) {
		snprintf(err, errsz, "password must be 8 to 128 characters");
		return USER_EPASSWORD;
	}
	char *hash = password_hash(password);
	if (!hash) {
		snprintf(err, errsz, "password hashing failed (out of memory?)");
		return STORE_EIO;
	}
	int rc = store_prepare(db, "INSERT INTO users (username, display_name, password_hash, role,"
				   " active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id", &st);
	if (rc) {
		snprintf(err, errsz, "cannot create user: %s", store_errmsg(db));
		goto out_free;
	}
	stmt_bind_text(st, 1, username);
	stmt_bind_text(st, 2, display_name);
	stmt_bind_text(st, 3, hash);
	stmt_bind_text(st, 4, role_name(role));
	stmt_bind_int(st, 5, time_now_ms());
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		rc = 0;
	} else if (rc == STORE_ECONSTRAINT) {
		snprintf(err, errsz, "user '%s' already exists", username);
	} else {
		snprintf(err, errsz, "cannot create user: %s", store_errmsg(db));
	}
	stmt_finalize(st);
out_free:
	free(hash);
	return rc == STORE_DONE ? STORE_EMISUSE : rc; /* DONE: RETURNING gave no row */
}
