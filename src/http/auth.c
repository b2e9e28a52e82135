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

/* One scope list of a user, grown by doubling in the arena. */
struct id_list {
	int64_t *v;
	int n, cap;
};

static void id_list_add(struct arena *a, struct id_list *l, int64_t id)
{
	if (l->n == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 8;
		int64_t *m = arena_alloc(a, (size_t)ncap * sizeof(*m));
		if (l->n)
			memcpy(m, l->v, (size_t)l->n * sizeof(*m));
		l->v = m;
		l->cap = ncap;
	}
	l->v[l->n++] = id;
}

/* All three scope lists of u in one query, each in ref_id order. */
static int load_scopes(struct store *db, struct arena *a, struct user *u)
{
	struct stmt *st;
	struct id_list lists[3] = {{0}};
	int rc = store_prepare(db, "SELECT kind, ref_id FROM user_scopes WHERE user_id = ?"
				   " ORDER BY kind, ref_id", &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, u->id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *kind = stmt_text(st, 0);
		int k = !strcmp(kind, "point") ? 0 : !strcmp(kind, "warehouse") ? 1
						   : !strcmp(kind, "channel")  ? 2 : -1;
		if (k >= 0)
			id_list_add(a, &lists[k], stmt_int(st, 1));
	}
	stmt_finalize(st);
	u->points = lists[0].v, u->npoints = lists[0].n;
	u->warehouses = lists[1].v, u->nwarehouses = lists[1].n;
	u->channels = lists[2].v, u->nchannels = lists[2].n;
	return rc < 0 ? rc : 0;
}

/* The user of a row (id, username, display_name, role), scopes not yet
 * loaded; NULL if the role is unknown. */
static struct user *user_of_row(struct arena *a, struct stmt *st)
{
	enum role role;
	if (role_parse(stmt_text(st, 3), &role))
		return NULL;
	struct user *u = arena_alloc(a, sizeof(*u));
	*u = (struct user){.id = stmt_int(st, 0),
			   .username = arena_strdup(a, stmt_text(st, 1)),
			   .display_name = arena_strdup(a, stmt_text(st, 2)),
			   .role = role};
	return u;
}

/* The first row of a prepared user query (bound by the caller), scopes
 * loaded; NULL if there is none. Finalizes st. */
static struct user *user_query(struct store *db, struct arena *a, struct stmt *st)
{
	struct user *u = stmt_step(st) == STORE_ROW ? user_of_row(a, st) : NULL;
	stmt_finalize(st);
	return u && !load_scopes(db, a, u) ? u : NULL;
}

struct user *user_load(struct store *db, struct arena *a, int64_t id)
{
	struct stmt *st;
	if (store_prepare(db, "SELECT id, username, display_name, role FROM users"
			      " WHERE id = ? AND active = 1", &st))
		return NULL;
	stmt_bind_int(st, 1, id);
	return user_query(db, a, st);
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

struct user *token_lookup_hashed(struct store *db, struct arena *a, const char *hash)
{
	struct stmt *st;
	if (store_prepare(db, "SELECT u.id, u.username, u.display_name, u.role"
			      " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			      " WHERE t.token_hash = ? AND t.active = 1 AND u.active = 1", &st))
		return NULL;
	stmt_bind_text(st, 1, hash);
	return user_query(db, a, st);
}

struct user *token_lookup(struct store *db, struct arena *a, const char *token)
{
	return token_lookup_hashed(db, a, token_hash(a, token));
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
