/*
 * The users of API tokens kept in the server's memory, so a steady machine
 * client costs one small query per request (the authentication version of
 * migration 0914) instead of the token, user and scope queries. Every change
 * to users, api_tokens or user_scopes moves that version in its own
 * transaction (triggers), whichever process makes it; a request that reads
 * a version other than the cache's empties the cache first, so a kept user
 * is used only while nothing it was loaded from can have changed. The version
 * is read before a miss loads the user: a change between the two leaves the
 * cache at the older version, which the next request sees has moved.
 *
 * The cache is a fixed table of slots chosen by the token's SHA-256 (a
 * colliding token replaces the other), so it never grows. Each slot owns one
 * immutable block holding the user, its names and scope lists; a request gets
 * its own copy in its arena, made under the lock. Unknown tokens are not kept.
 */
#include "http/auth.h"
#include "lib/alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 256 /* a power of two */
#define HASH_HEX 64

struct slot {
	char hash[HASH_HEX + 1];
	struct user *user; /* one malloc'd block, or NULL */
};

struct auth_cache {
	pthread_mutex_t lock;
	int64_t version;
	bool known; /* version has been read at least once */
	struct slot slots[SLOTS];
};

struct auth_cache *auth_cache_new(void)
{
	struct auth_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void empty_slots(struct auth_cache *c)
{
	for (int i = 0; i < SLOTS; i++) {
		free(c->slots[i].user);
		c->slots[i].user = NULL;
	}
}

void auth_cache_free(struct auth_cache *c)
{
	if (!c)
		return;
	empty_slots(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Bytes of u, its scope lists and names in one block. */
static size_t user_size(const struct user *u)
{
	return sizeof(*u) +
	       (size_t)(u->npoints + u->nwarehouses + u->nchannels) * sizeof(int64_t) +
	       strlen(u->username) + 1 + strlen(u->display_name) + 1;
}

static int64_t *copy_ids(char **p, const int64_t *ids, int n)
{
	int64_t *out = (int64_t *)(void *)*p;
	if (n)
		memcpy(out, ids, (size_t)n * sizeof(*ids));
	*p += (size_t)n * sizeof(*ids);
	return n ? out : NULL;
}

static const char *copy_text(char **p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = memcpy(*p, s, n);
	*p += n;
	return out;
}

/* u copied into block (user_size(u) bytes, aligned for int64_t). */
static struct user *user_pack(const struct user *u, void *block)
{
	struct user *out = block;
	char *p = (char *)block + sizeof(*out);
	*out = *u;
	out->points = copy_ids(&p, u->points, u->npoints);
	out->warehouses = copy_ids(&p, u->warehouses, u->nwarehouses);
	out->channels = copy_ids(&p, u->channels, u->nchannels);
	out->username = copy_text(&p, u->username);
	out->display_name = copy_text(&p, u->display_name);
	return out;
}

/* The slot of a hex hash: its first two bytes (SHA-256 spreads them). */
static struct slot *slot_of(struct auth_cache *c, const char *hash)
{
	unsigned k = 0;
	for (int i = 0; i < 4; i++) {
		char h = hash[i];
		k = k << 4 | (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
	}
	return &c->slots[k & (SLOTS - 1)];
}

/* Under the lock: forget everything if the database's version moved. */
static void observe_version(struct auth_cache *c, int64_t version)
{
	if (c->known && c->version == version)
		return;
	empty_slots(c);
	c->version = version;
	c->known = true;
}

/* The kept user of hash at version, copied into a; NULL if not kept. */
static struct user *cached_user(struct auth_cache *c, struct arena *a, const char *hash,
				int64_t version)
{
	struct user *u = NULL;
	pthread_mutex_lock(&c->lock);
	observe_version(c, version);
	struct slot *s = slot_of(c, hash);
	if (s->user && !strcmp(s->hash, hash))
		u = user_pack(s->user, arena_alloc(a, user_size(s->user)));
	pthread_mutex_unlock(&c->lock);
	return u;
}

/* Keep u for hash, loaded after version was read, unless the version moved. */
static void keep_user(struct auth_cache *c, const char *hash, const struct user *u,
		      int64_t version)
{
	void *block = xmalloc(user_size(u));
	pthread_mutex_lock(&c->lock);
	if (c->known && c->version == version) {
		struct slot *s = slot_of(c, hash);
		free(s->user);
		memcpy(s->hash, hash, sizeof(s->hash));
		s->user = user_pack(u, block);
		block = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	free(block);
}

/* The database's authentication version; an error if its row is missing. */
static int read_version(struct store *db, int64_t *version)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT n FROM auth_version WHERE id = 1", &st);
	if (rc)
		return rc;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*version = stmt_int(st, 0);
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_EMISUSE : rc;
}

struct user *token_lookup_cached(struct auth_cache *c, struct store *db, struct arena *a,
				 const char *token)
{
	int64_t version = 0;
	const char *hash = token_hash(a, token);
	if (read_version(db, &version))
		return token_lookup_hashed(db, a, hash); /* nothing kept without a version */
	struct user *u = cached_user(c, a, hash, version);
	if (u)
		return u;
	u = token_lookup_hashed(db, a, hash);
	if (u)
		keep_user(c, hash, u, version);
	return u;
}
