/*
 * Loading the embedded base data; see seed.h. places_load_divisions reads
 * files, so the embedded CSVs are written to a private temporary folder,
 * loaded, and removed.
 */
#include "app/seed.h"
#include "app/places.h"
#include "lib/embedded.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int write_file(const char *path, const struct embedded_file *f)
{
	FILE *out = fopen(path, "wb");
	if (!out)
		return -1;
	size_t n = fwrite(f->data, 1, f->size, out);
	int rc = fclose(out);
	return n == f->size && rc == 0 ? 0 : -1;
}

int seed_base_data(struct store *db, char *err, size_t errsz)
{
	int64_t n = 0;
	char dir[] = "/tmp/shanhai-seed-XXXXXX", path[2][64];
	const char *names[2] = {"divisions.csv", "county_centroids_datav.csv"};
	struct app_err aerr;
	int rc = -1, written = 0;

	if (store_query_int(db, "SELECT COUNT(*) FROM divisions", 0, &n)) {
		snprintf(err, errsz, "%s", store_errmsg(db));
		return -1;
	}
	if (n > 0)
		return 0;
	if (!mkdtemp(dir)) {
		snprintf(err, errsz, "cannot create a temporary folder");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		const struct embedded_file *f = embedded_find(datafiles, names[i]);
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
		if (!f) {
			snprintf(err, errsz, "data/%s was not built into this binary", names[i]);
			goto out_clean;
		}
		if (write_file(path[i], f)) {
			snprintf(err, errsz, "cannot write %s", path[i]);
			goto out_clean;
		}
		written = i + 1;
	}
	if (places_load_divisions(db, path[0], &aerr)) {
		snprintf(err, errsz, "%s", aerr.message_en);
		goto out_clean;
	}
	rc = 0;
out_clean:
	for (int i = 0; i < written; i++)
		unlink(path[i]);
	rmdir(dir);
	return rc;
}
