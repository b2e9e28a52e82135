/*
 * Look-up in the tables of embedded files; see embedded.h.
 */
#include "lib/embedded.h"

#include <string.h>

const struct embedded_file *embedded_find(const struct embedded_file *table,
					  const char *path)
{
	for (const struct embedded_file *f = table; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}
