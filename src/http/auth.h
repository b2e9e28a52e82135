/*
 * Who is calling: argon2id password hashes (libsodium), browser sessions
 * (a random token in an HttpOnly cookie; only its SHA-256 is stored, with a
 * CSRF token for writes), API tokens for machine clients (Authorization:
 * Bearer; also stored hashed), and loading a user with its scopes.
 */
#ifndef SHANHAI_AUTH_H
#define SHANHAI_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

#define SESSION_COOKIE "shanhai_session"
#define SESSION_TTL_MS (12LL * 3600 * 1000)

/* argon2id hash string for password (caller frees); NULL if hashing failed. */
char *password_hash(const char *password);
bool password_verify(const char *hash, const char *password);
/* Acceptable password: 8..128 characters. */
bool password_acceptable(const char *password);

/* Load user id (active only) with its scopes into the arena; NULL if absent. */
struct user *user_load(struct store *db, struct arena *a, int64_t id);
/* Role name <-> bit. */
const char *role_name(enum role role);
int role_parse(const char *name, enum role *out);

/* Create a session for user_id; token and csrf returned in the arena. */
int session_create(struct store *db, struct arena *a, int64_t user_id, const char **token,
		   const char **csrf);
/* The user and csrf of a live session token, or NULL. */
struct user *session_lookup(struct store *db, struct arena *a, const char *token,
			    const char **csrf);
int session_delete(struct store *db, const char *token);
/* The user of an active API token, or NULL. */
struct user *token_lookup(struct store *db, struct arena *a, const char *token);
/* The same by the token's hash (token_hash). */
struct user *token_lookup_hashed(struct store *db, struct arena *a, const char *hash);

/* API-token users kept in memory under the database's authentication
 * version (auth_cache.c); bounded, safe to share between threads. */
struct auth_cache;
struct auth_cache *auth_cache_new(void);
void auth_cache_free(struct auth_cache *c);
/* token_lookup through the cache: the user (a copy in a) or NULL. */
struct user *token_lookup_cached(struct auth_cache *c, struct store *db, struct arena *a,
				 const char *token);
/* A new random token (43 chars base64url) and its storage hash (hex). */
void token_new(struct arena *a, const char **token, const char **hash);
/* SHA-256 hex of s. */
const char *token_hash(struct arena *a, const char *s);

/* Create a user (CLI and API); returns its id in *id. 0, USER_EPASSWORD
 * (password not acceptable), STORE_ECONSTRAINT (the username exists) or
 * another STORE_E* code; err gets a message in English. */
#define USER_EPASSWORD 100
int user_create(struct store *db, const char *username, const char *display_name,
		const char *password, enum role role, int64_t *id, char *err, size_t errsz);

#endif
