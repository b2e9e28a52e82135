/*
 * Files compiled into the binary by scripts/embed.sh: the schema migrations
 * (src/store/migrations/NNNN_name.sql) and the built web console. Each table
 * ends with an entry whose path is NULL.
 */
#ifndef SHANHAI_EMBEDDED_H
#define SHANHAI_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;          /* relative path, e.g. "0001_core.sql" */
	const unsigned char *data; /* contents, followed by a NUL byte */
	size_t size;               /* length without the NUL */
};

extern const struct embedded_file migrations[];
extern const struct embedded_file assets[];
extern const struct embedded_file datafiles[]; /* data/ CSV files: divisions, centroids */

/* The entry whose path is `path`, or NULL. */
const struct embedded_file *embedded_find(const struct embedded_file *table,
					  const char *path);

#endif
