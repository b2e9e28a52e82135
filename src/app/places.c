/*
 * Places and parties over the store (see places.h): the bulk division loader
 * with county coordinates, creation and listing of pairings, warehouses,
 * collection points, channels, cooperatives, enterprises and households, and
 * the query builder / row-to-JSON helpers the other collection-side services
 * share.
 */
#include "app/places.h"
#include "core/catalogue.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* division loader                                                     */

#define MAX_CENTROIDS 256

struct centroid {
	char code[16];
	int64_t lon_e6, lat_e6;
};

struct centroids {
	struct centroid c[MAX_CENTROIDS];
	int n;
};

/* Split a line into at most max comma-separated fields in place (no quoting:
 * the division files have none). Returns the field count. */
static int split_csv_line(char *line, char **fields, int max)
{
	int n = 0;
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static bool digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Degrees text ("121.545623") to micro-degrees, exactly. */
static int parse_e6(const char *s, int64_t *out)
{
	return parse_decimal(str_from(s), 6, out);
}

/* Column index of name in a header split into fields, or -1. */
static int column_of(char **fields, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return i;
	return -1;
}

/* Read county_centroids_datav.csv: nbs2023_code and the WGS-84 seat. A
 * missing file is not an error (no coordinates then). */
static int read_centroids(const char *path, struct centroids *cs, struct app_err *err)
{
	char line[1024];
	char *f[16];
	cs->n = 0;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return 0;
	int rc = 0;
	if (!fgets(line, sizeof(line), fp)) {
		rc = app_fail(err, 422, "invalid", "", "坐标文件为空", "empty file '%s'", path);
		goto out_close;
	}
	int nf = split_csv_line(line, f, 16);
	int ccode = column_of(f, nf, "nbs2023_code");
	int clon = column_of(f, nf, "center_lon_wgs84");
	int clat = column_of(f, nf, "center_lat_wgs84");
	if (ccode < 0 || clon < 0 || clat < 0) {
		rc = app_fail(err, 422, "invalid", "", "坐标文件缺少列",
			      "'%s': missing column nbs2023_code, center_lon_wgs84 or center_lat_wgs84",
			      path);
		goto out_close;
	}
	for (long lineno = 2; fgets(line, sizeof(line), fp); lineno++) {
		nf = split_csv_line(line, f, 16);
		if (nf == 1 && f[0][0] == '\0')
			continue;
		struct centroid c;
		if (nf < 13 || cs->n >= MAX_CENTROIDS || !digits_only(f[ccode], 2, 12) ||
		    parse_e6(f[clon], &c.lon_e6) || parse_e6(f[clat], &c.lat_e6)) {
			rc = app_fail(err, 422, "invalid", "", "坐标文件格式错误",
				      "'%s' line %ld: bad centroid row", path, lineno);
			goto out_close;
		}
		snprintf(c.code, sizeof(c.code), "%s", f[ccode]);
		cs->c[cs->n++] = c;
	}
out_close:
	fclose(fp);
	return rc;
}

static const struct centroid *centroid_find(const struct centroids *cs, const char *code)
{
	for (int i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].code, code) == 0)
			return &cs->c[i];
	return NULL;
}

void places_approx_coords(const char *code, int64_t county_lon_e6, int64_t county_lat_e6,
			  int64_t *lon_e6, int64_t *lat_e6)
{
	/* FNV-1a 64 of the code: the same code always lands on the same spot */
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = code; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	const int64_t lat_r = 135000; /* 15 km in micro-degrees of latitude */
	double coslat = cos((double)county_lat_e6 / 1e6 * M_PI / 180.0);
	int64_t lon_r = (int64_t)((double)lat_r / (coslat > 0.2 ? coslat : 0.2));
	*lat_e6 = county_lat_e6 + (int64_t)(h % (uint64_t)(2 * lat_r + 1)) - lat_r;
	*lon_e6 = county_lon_e6 + (int64_t)((h >> 32) % (uint64_t)(2 * lon_r + 1)) - lon_r;
}

/* The folder part of path ("data/divisions.csv" -> "data/"), into out. */
static void dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path + 1) : 0;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

static int insert_division(struct store *db, struct stmt *st, char **f, const struct centroids *cs, long lineno,
			   struct app_err *err)
{
	int64_t level;
	if (!digits_only(f[0], 2, 12) || parse_int64(str_from(f[2]), &level) || level < 1 ||
	    level > 5 || f[1][0] == '\0' || !utf8_valid(f[1], strlen(f[1])) ||
	    (f[3][0] != '\0' && !digits_only(f[3], 2, 12)))
		return app_fail(err, 422, "invalid", "", "行政区划文件格式错误",
				"line %ld: bad division row '%s'", lineno, f[0]);
	stmt_bind_text(st, 1, f[0]);
	stmt_bind_text(st, 2, f[1]);
	stmt_bind_int(st, 3, level);
	stmt_bind_text(st, 4, f[3][0] ? f[3] : NULL);
	const struct centroid *c = centroid_find(cs, f[0]);
	char county[7];
	snprintf(county, sizeof(county), "%.6s", f[0]);
	const struct centroid *cc = level >= 4 ? centroid_find(cs, county) : NULL;
	if (c) {
		stmt_bind_int(st, 5, c->lon_e6);
		stmt_bind_int(st, 6, c->lat_e6);
		stmt_bind_int(st, 7, 0);
	} else if (cc) {
		int64_t lon, lat;
		places_approx_coords(f[0], cc->lon_e6, cc->lat_e6, &lon, &lat);
		stmt_bind_int(st, 5, lon);
		stmt_bind_int(st, 6, lat);
		stmt_bind_int(st, 7, 1);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
		stmt_bind_int(st, 7, 0);
	}
	int rc = stmt_step(st);
	stmt_reset(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static int load_rows(struct store *db, FILE *fp, const char *csv_path, const struct centroids *cs,
		     struct app_err *err)
{
	char line[1024];
	char *f[8];
	struct stmt *st = NULL;
	if (!fgets(line, sizeof(line), fp) || strncmp(line, "code,name,level,parent_code", 27) != 0)
		return app_fail(err, 422, "invalid", "", "行政区划文件表头错误",
				"'%s': header must be code,name,level,parent_code", csv_path);
	int rc = store_prepare(db,
			       "INSERT INTO divisions (code, name, level, parent_code, lon_e6, "
			       "lat_e6, approx) VALUES (?, ?, ?, ?, ?, ?, ?) "
			       "ON CONFLICT (code) DO NOTHING",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	for (long lineno = 2; fgets(line, sizeof(line), fp); lineno++) {
		int nf = split_csv_line(line, f, 8);
		if (nf == 1 && f[0][0] == '\0')
			continue;
		if (nf != 4) {
			rc = app_fail(err, 422, "invalid", "", "行政区划文件列数错误",
				      "line %ld: expected 4 columns, found %d", lineno, nf);
			goto out_finalize;
		}
		if ((rc = insert_division(db, st, f, cs, lineno, err)))
			goto out_finalize;
	}
	if (ferror(fp))
		rc = app_fail(err, 500, "io", "", "读取行政区划文件失败", "cannot read '%s'",
			      csv_path);
out_finalize:
	stmt_finalize(st);
	return rc ? -1 : 0;
}

int places_load_divisions(struct store *db, const char *csv_path, struct app_err *err)
{
	char dir[512], cpath[600];
	struct centroids *cs = xcalloc(1, sizeof(*cs));
	int rc = -1;
	dir_of(csv_path, dir, sizeof(dir));
	snprintf(cpath, sizeof(cpath), "%scounty_centroids_datav.csv", dir);
	if (read_centroids(cpath, cs, err))
		goto out_free;
	FILE *fp = fopen(csv_path, "r");
	if (!fp) {
		app_fail(err, 500, "io", "", "无法打开行政区划文件", "cannot open '%s': %s",
			 csv_path, strerror(errno));
		goto out_free;
	}
	int src = store_begin(db);
	if (src) {
		app_store_fail(err, db, src);
		goto out_close;
	}
	if (load_rows(db, fp, csv_path, cs, err)) {
		store_rollback(db);
		goto out_close;
	}
	src = store_commit(db);
	if (src) {
		app_store_fail(err, db, src);
		store_rollback(db);
		goto out_close;
	}
	rc = 0;
out_close:
	fclose(fp);
out_free:
	free(cs);
	return rc;
}

int division_level(struct store *db, const char *code)
{
	struct stmt *st;
	int level = 0;
	if (!code || store_prepare(db, "SELECT level FROM divisions WHERE code = ?", &st))
		return 0;
	stmt_bind_text(st, 1, code);
	if (stmt_step(st) == STORE_ROW)
		level = (int)stmt_int(st, 0);
	stmt_finalize(st);
	return level;
}

/* ------------------------------------------------------------------ */
/* query builder and rows to JSON                                      */

void query_init(struct query *q, const char *select_from)
{
	buf_init(&q->sql, 64 * 1024);
	buf_adds(&q->sql, select_from);
	q->nbind = 0;
	q->has_where = false;
}

void query_release(struct query *q)
{
	buf_release(&q->sql);
}

static void query_cond(struct query *q, const char *cond)
{
	buf_printf(&q->sql, " %s %s", q->has_where ? "AND" : "WHERE", cond);
	q->has_where = true;
}

void query_bind_int(struct query *q, int64_t v)
{
	if (q->nbind >= QUERY_MAX_BINDS)
		abort(); /* a programming error: fixed fragments never bind this many */
	q->bind[q->nbind].is_text = false;
	q->bind[q->nbind++].i = v;
}

static void query_bind_text(struct query *q, const char *s)
{
	if (q->nbind >= QUERY_MAX_BINDS)
		abort();
	q->bind[q->nbind].is_text = true;
	q->bind[q->nbind++].s = s;
}

void query_and_int(struct query *q, const char *cond, int64_t v)
{
	query_cond(q, cond);
	query_bind_int(q, v);
}

void query_and_text(struct query *q, const char *cond, const char *v)
{
	query_cond(q, cond);
	query_bind_text(q, v);
}

void query_and_in(struct query *q, const char *col, const int64_t *ids, int n)
{
	if (n > QUERY_MAX_BINDS - 8)
		n = QUERY_MAX_BINDS - 8; /* scopes are a few points; more is a misuse */
	if (n <= 0) {
		query_cond(q, "1 = 0");
		return;
	}
	struct buf b;
	buf_init(&b, 4096);
	buf_printf(&b, "%s IN (", col);
	for (int i = 0; i < n; i++)
		buf_adds(&b, i ? ", ?" : "?");
	buf_adds(&b, ")");
	query_cond(q, b.p);
	buf_release(&b);
	for (int i = 0; i < n; i++)
		query_bind_int(q, ids[i]);
}

void query_add(struct query *q, const char *sql)
{
	buf_printf(&q->sql, " %s", sql);
}

static void bind_all(struct stmt *st, const struct query *q)
{
	for (int i = 0; i < q->nbind; i++) {
		if (q->bind[i].is_text)
			stmt_bind_text(st, i + 1, q->bind[i].s);
		else
			stmt_bind_int(st, i + 1, q->bind[i].i);
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool flag_column(const char *name)
{
	static const char *const flags[] = {"active", "approx", "lifted_from_poverty",
					    "reversed", "balanced", NULL};
	for (int i = 0; flags[i]; i++)
		if (strcmp(name, flags[i]) == 0)
			return true;
	return false;
}

json_t *row_json(struct stmt *st)
{
	json_t *o = json_object();
	int n = stmt_columns(st);
	for (int i = 0; i < n; i++) {
		const char *name = stmt_column_name(st, i);
		json_t *v;
		switch (stmt_type(st, i)) {
		case COL_NULL:
			v = json_null();
			break;
		case COL_INT:
			if (ends_with(name, "_at")) {
				char iso[32];
				int64_t ms = stmt_int(st, i);
				int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
				time_format_utc(s, iso, sizeof(iso));
				v = json_string(iso);
			} else if (flag_column(name)) {
				v = json_boolean(stmt_int(st, i) != 0);
			} else {
				v = json_integer(stmt_int(st, i));
			}
			break;
		default:
			v = json_string(stmt_text(st, i));
			break;
		}
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

int query_list(struct store *db, struct query *q, int64_t limit, int64_t offset, json_t **out,
	       struct app_err *err)
{
	struct stmt *st = NULL;
	int64_t total = 0;
	struct buf count;
	buf_init(&count, 70 * 1024);
	buf_printf(&count, "SELECT COUNT(*) FROM (%s) t", q->sql.p);
	int rc = store_prepare(db, count.p, &st);
	buf_release(&count);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		total = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc < 0)
		return app_store_fail(err, db, rc);

	if (limit > 0)
		buf_adds(&q->sql, " LIMIT ? OFFSET ?");
	if ((rc = store_prepare(db, q->sql.p, &st)))
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	if (limit > 0) {
		stmt_bind_int(st, q->nbind + 1, limit);
		stmt_bind_int(st, q->nbind + 2, offset);
	}
	json_t *items = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_array_append_new(items, row_json(st));
	stmt_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(items);
		return app_store_fail(err, db, rc);
	}
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

int query_sum(struct store *db, struct query *q, const char *column, int64_t *out,
	      struct app_err *err)
{
	struct stmt *st;
	struct buf sql;
	buf_init(&sql, 70 * 1024);
	buf_printf(&sql, "SELECT COALESCE(SUM(%s), 0) FROM (%s) t", column, q->sql.p);
	int rc = store_prepare(db, sql.p, &st);
	buf_release(&sql);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	rc = stmt_step(st);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int query_one(struct store *db, struct query *q, const char *what, json_t **out,
	      struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, q->sql.p, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = row_json(st);
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "", "未找到", "%s not found", what);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* ------------------------------------------------------------------ */
/* creating places and parties                                         */

/* Run an INSERT ... RETURNING id whose values are already bound. */
static int insert_returning(struct store *db, struct stmt *st, const char *what,
			    const char *code, int64_t *id, struct app_err *err)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc == STORE_ECONSTRAINT)
		return app_fail(err, 409, "conflict", "code", "编码已存在",
				"%s code '%s' already exists", what, code ? code : "");
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int check_code(const char *code, struct app_err *err)
{
	if (!catalogue_code_valid(code))
		return app_fail(err, 422, "invalid", "code", "编码须为1至32位字母、数字或 _ . -",
				"code '%s' must be 1 to 32 letters, digits, '_', '.' or '-'",
				code ? code : "");
	return 0;
}

int division_check(struct store *db, const char *field, const char *code, int min_level,
		   int max_level, struct app_err *err)
{
	int level = division_level(db, code);
	if (level == 0)
		return app_fail(err, 422, "invalid", field, "行政区划代码不存在",
				"unknown division code '%s'", code ? code : "");
	if (level < min_level || level > max_level)
		return app_fail(err, 422, "invalid", field, "行政区划级别不符",
				"division '%s' is level %d, expected %d..%d", code, level,
				min_level, max_level);
	return 0;
}

/* 0 if table has a row with this id (table is a fixed name, never input). */
static int check_exists(struct store *db, const char *table, const char *field, int64_t id,
			struct app_err *err)
{
	char sql[128];
	int64_t n = 0;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE id = ?", table);
	int rc = store_query_int(db, sql, id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (n == 0)
		return app_fail(err, 422, "invalid", field, "引用的对象不存在",
				"%s %lld does not exist", field, (long long)id);
	return 0;
}

static int bind_opt_id(struct stmt *st, int idx, int64_t id)
{
	return id > 0 ? stmt_bind_int(st, idx, id) : stmt_bind_null(st, idx);
}

int pairing_create(struct store *db, const struct pairing_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	if (check_code(in->code, err) || division_check(db, "east_code", in->east_code, 2, 3, err) ||
	    division_check(db, "west_code", in->west_code, 2, 3, err))
		return -1;
	int rc = store_prepare(db,
			       "INSERT INTO pairings (code, name, kind, east_code, west_code) "
			       "VALUES (?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->kind);
	stmt_bind_text(st, 4, in->east_code);
	stmt_bind_text(st, 5, in->west_code);
	return insert_returning(db, st, "pairing", in->code, id, err);
}

static int check_area(struct store *db, const char *prefix, int row, struct app_err *err)
{
	int level = division_level(db, prefix);
	if (level != 1 && level != 2) {
		app_fail(err, 422, "invalid", "areas", "服务区须为省或地级市代码",
			 "service area '%s' must be a province or prefecture code",
			 prefix ? prefix : "");
		err->row = row;
		return -1;
	}
	return 0;
}

int warehouse_set_areas(struct store *db, int64_t warehouse_id, const char *const *areas,
			int nareas, struct app_err *err)
{
	struct stmt *st;
	int rc;
	for (int i = 0; i < nareas; i++)
		if (check_area(db, areas[i], i + 1, err))
			return -1;
	if ((rc = store_prepare(db, "DELETE FROM warehouse_service_areas WHERE warehouse_id = ?",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, warehouse_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	if ((rc = store_prepare(db,
				"INSERT INTO warehouse_service_areas (warehouse_id, division_prefix) "
				"VALUES (?, ?) ON CONFLICT DO NOTHING",
				&st)))
		return app_store_fail(err, db, rc);
	for (int i = 0; i < nareas && rc == 0; i++) {
		stmt_bind_int(st, 1, warehouse_id);
		stmt_bind_text(st, 2, areas[i]);
		int s = stmt_step(st);
		stmt_reset(st);
		if (s != STORE_DONE)
			rc = app_store_fail(err, db, s);
	}
	stmt_finalize(st);
	return rc;
}

int warehouse_create(struct store *db, const struct warehouse_in *in, int64_t *id,
		     struct app_err *err)
{
	struct stmt *st;
	bool sales = in->kind && strcmp(in->kind, "sales") == 0;
	if (check_code(in->code, err) ||
	    division_check(db, "division_code", in->division_code, 1, 5, err) ||
	    (in->pairing_id && check_exists(db, "pairings", "pairing_id", in->pairing_id, err)))
		return -1;
	if (sales && in->nareas == 0)
		return app_fail(err, 422, "invalid", "areas", "销地仓须有服务区",
				"a sales warehouse needs at least one service area");
	if (!sales && in->nareas > 0)
		return app_fail(err, 422, "invalid", "areas", "只有销地仓有服务区",
				"only a sales warehouse has service areas");
	int rc = store_prepare(db,
			       "INSERT INTO warehouses (code, name, kind, division_code, pairing_id, "
			       "lon_e6, lat_e6) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->kind);
	stmt_bind_text(st, 4, in->division_code);
	bind_opt_id(st, 5, in->pairing_id);
	if (in->has_coords) {
		stmt_bind_int(st, 6, in->lon_e6);
		stmt_bind_int(st, 7, in->lat_e6);
	} else {
		stmt_bind_null(st, 6);
		stmt_bind_null(st, 7);
	}
	if (insert_returning(db, st, "warehouse", in->code, id, err))
		return -1;
	return warehouse_set_areas(db, *id, in->areas, in->nareas, err);
}

/* Coordinates of a division (exact or approximate): 0 if it has some. */
static int division_coords(struct store *db, const char *code, int64_t *lon, int64_t *lat)
{
	struct stmt *st;
	int found = -1;
	if (store_prepare(db,
			  "SELECT lon_e6, lat_e6 FROM divisions WHERE code = ? AND lon_e6 IS NOT NULL",
			  &st))
		return -1;
	stmt_bind_text(st, 1, code);
	if (stmt_step(st) == STORE_ROW) {
		*lon = stmt_int(st, 0);
		*lat = stmt_int(st, 1);
		found = 0;
	}
	stmt_finalize(st);
	return found;
}

bool clock_text_valid(const char *s)
{
	return s && strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
	       (s[0] < '2' || s[1] <= '3');
}

int point_create(struct store *db, const struct point_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	const char *opens = in->opens ? in->opens : "08:00";
	const char *closes = in->closes ? in->closes : "18:00";
	if (check_code(in->code, err) ||
	    division_check(db, "village_code", in->village_code, 5, 5, err))
		return -1;
	if (in->warehouse_id) {
		int64_t n = 0;
		int rc = store_query_int(db, "SELECT COUNT(*) FROM warehouses WHERE id = ? AND "
					     "kind = 'origin'",
					 in->warehouse_id, &n);
		if (rc)
			return app_store_fail(err, db, rc);
		if (!n)
			return app_fail(err, 422, "invalid", "warehouse_id", "产地仓不存在",
					"origin warehouse %lld does not exist",
					(long long)in->warehouse_id);
	}
	if (!clock_text_valid(opens) || !clock_text_valid(closes) || strcmp(opens, closes) >= 0)
		return app_fail(err, 422, "invalid", !clock_text_valid(opens) ? "opens" : "closes",
				"营业时间须为 HH:MM 且开门早于关门",
				"opening hours must be HH:MM with opens before closes");
	int64_t lon = in->lon_e6, lat = in->lat_e6;
	bool approx = false, coords = in->has_coords;
	if (!coords && division_coords(db, in->village_code, &lon, &lat) == 0)
		coords = approx = true;
	int rc = store_prepare(db,
			       "INSERT INTO collection_points (code, name, village_code, "
			       "warehouse_id, lon_e6, lat_e6, approx, opens, closes) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->village_code);
	bind_opt_id(st, 4, in->warehouse_id);
	if (coords) {
		stmt_bind_int(st, 5, lon);
		stmt_bind_int(st, 6, lat);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
	}
	stmt_bind_int(st, 7, approx || !coords);
	stmt_bind_text(st, 8, opens);
	stmt_bind_text(st, 9, closes);
	return insert_returning(db, st, "collection point", in->code, id, err);
}

int channel_create(struct store *db, const struct channel_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	if (check_code(in->code, err) ||
	    (in->pairing_id && check_exists(db, "pairings", "pairing_id", in->pairing_id, err)))
		return -1;
	int rc = store_prepare(db,
			       "INSERT INTO channels (code, name, kind, pairing_id) VALUES (?, ?, ?, ?) "
			       "RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->kind);
	bind_opt_id(st, 4, in->pairing_id);
	return insert_returning(db, st, "channel", in->code, id, err);
}

static int party_create(struct store *db, const char *sql, const char *what,
			const struct party_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	if (check_code(in->code, err) ||
	    division_check(db, "division_code", in->division_code, 1, 5, err))
		return -1;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->division_code);
	return insert_returning(db, st, what, in->code, id, err);
}

int cooperative_create(struct store *db, const struct party_in *in, int64_t *id,
		       struct app_err *err)
{
	return party_create(db,
			    "INSERT INTO cooperatives (code, name, division_code) VALUES (?, ?, ?) "
			    "RETURNING id",
			    "cooperative", in, id, err);
}

int enterprise_create(struct store *db, const struct party_in *in, int64_t *id,
		      struct app_err *err)
{
	return party_create(db,
			    "INSERT INTO enterprises (code, name, division_code) VALUES (?, ?, ?) "
			    "RETURNING id",
			    "enterprise", in, id, err);
}

int household_create(struct store *db, const struct household_in *in, int64_t now,
		     int64_t *id, struct app_err *err)
{
	struct stmt *st;
	char gen[32];
	const char *code = in->code;
	if (!code) {
		app_new_code("H", gen, sizeof(gen));
		code = gen;
	}
	if (check_code(code, err) ||
	    division_check(db, "village_code", in->village_code, 5, 5, err) ||
	    (in->cooperative_id &&
	     check_exists(db, "cooperatives", "cooperative_id", in->cooperative_id, err)))
		return -1;
	if (in->members < 1 || in->members > 99)
		return app_fail(err, 422, "invalid", "members", "家庭人口须在1至99之间",
				"members must be 1 to 99");
	int rc = store_prepare(db,
			       "INSERT INTO households (code, head_name, id_number, phone, "
			       "village_code, cooperative_id, lifted_from_poverty, members, "
			       "bank_account, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			       "RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	stmt_bind_text(st, 2, in->head_name);
	stmt_bind_text(st, 3, in->id_number);
	stmt_bind_text(st, 4, in->phone);
	stmt_bind_text(st, 5, in->village_code);
	bind_opt_id(st, 6, in->cooperative_id);
	stmt_bind_int(st, 7, in->lifted_from_poverty);
	stmt_bind_int(st, 8, in->members);
	stmt_bind_text(st, 9, in->bank_account);
	stmt_bind_int(st, 10, now);
	return insert_returning(db, st, "household", code, id, err);
}

/* ------------------------------------------------------------------ */
/* listings                                                            */

static int64_t limit_of(const struct list_filter *f)
{
	return f->limit > 0 ? f->limit : 100;
}

static int list_and_release(struct store *db, struct query *q, const struct list_filter *f,
			    json_t **out, struct app_err *err)
{
	int rc = query_list(db, q, limit_of(f), f->offset, out, err);
	query_release(q);
	return rc;
}

static int one_and_release(struct store *db, struct query *q, const char *what, json_t **out,
			   struct app_err *err)
{
	int rc = query_one(db, q, what, out, err);
	query_release(q);
	return rc;
}

/* Digits: codes starting with them; else names containing the text. The
 * caller has refused LIKE wildcards in it; the value is bound, never spliced. */
static void add_division_search(struct query *q, const char *search)
{
	bool digits = *search != '\0';
	for (const char *p = search; *p; p++)
		digits = digits && *p >= '0' && *p <= '9';
	if (digits)
		query_and_text(q, "code LIKE ? || '%'", search);
	else
		query_and_text(q, "name LIKE '%' || ? || '%'", search);
}

int divisions_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err)
{
	struct query q;
	/* parent_name and grandparent_name (a village's township and county) tell
	 * apart divisions of the same name; the derived table keeps the filters'
	 * column names unqualified. */
	query_init(&q, "SELECT * FROM (SELECT d.code, d.name, d.level, d.parent_code, d.lon_e6, "
		       "d.lat_e6, d.approx, p.name AS parent_name, g.name AS grandparent_name "
		       "FROM divisions d LEFT JOIN divisions p ON p.code = d.parent_code "
		       "LEFT JOIN divisions g ON g.code = p.parent_code) dv");
	if (f->parent)
		query_and_text(&q, "parent_code = ?", f->parent);
	if (f->level)
		query_and_int(&q, "level = ?", f->level);
	if (f->search)
		add_division_search(&q, f->search);
	query_add(&q, "ORDER BY code");
	return list_and_release(db, &q, f, out, err);
}

#define PAIRING_SELECT                                                                         \
	"SELECT p.id, p.code, p.name, p.kind, p.east_code, e.name AS east_name, p.west_code, "  \
	"w.name AS west_name FROM pairings p LEFT JOIN divisions e ON e.code = p.east_code "    \
	"LEFT JOIN divisions w ON w.code = p.west_code"

int pairings_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PAIRING_SELECT);
	if (f->kind)
		query_and_text(&q, "p.kind = ?", f->kind);
	query_add(&q, "ORDER BY p.id");
	return list_and_release(db, &q, f, out, err);
}

int pairing_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PAIRING_SELECT);
	query_and_int(&q, "p.id = ?", id);
	return one_and_release(db, &q, "pairing", out, err);
}

#define WAREHOUSE_SELECT                                                                       \
	"SELECT w.id, w.code, w.name, w.kind, w.division_code, d.name AS division_name, "      \
	"w.pairing_id, w.lon_e6, w.lat_e6, w.active FROM warehouses w "                       \
	"LEFT JOIN divisions d ON d.code = w.division_code"

/* Add "areas": [...] to one warehouse object. */
static int add_areas(struct store *db, json_t *w, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT division_prefix FROM warehouse_service_areas "
			       "WHERE warehouse_id = ? ORDER BY division_prefix",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, json_integer_value(json_object_get(w, "id")));
	json_t *areas = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_array_append_new(areas, json_string(stmt_text(st, 0)));
	stmt_finalize(st);
	json_object_set_new(w, "areas", areas);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

int warehouses_list(struct store *db, const struct list_filter *f, json_t **out,
		    struct app_err *err)
{
	struct query q;
	query_init(&q, WAREHOUSE_SELECT);
	if (f->kind)
		query_and_text(&q, "w.kind = ?", f->kind);
	query_add(&q, "ORDER BY w.id");
	if (list_and_release(db, &q, f, out, err))
		return -1;
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(*out, "items"), i, w)
	{
		if (add_areas(db, w, err)) {
			json_decref(*out);
			return -1;
		}
	}
	return 0;
}

int warehouse_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, WAREHOUSE_SELECT);
	query_and_int(&q, "w.id = ?", id);
	if (one_and_release(db, &q, "warehouse", out, err))
		return -1;
	if (add_areas(db, *out, err)) {
		json_decref(*out);
		return -1;
	}
	return 0;
}

#define POINT_SELECT                                                                           \
	"SELECT cp.id, cp.code, cp.name, cp.village_code, d.name AS village_name, "            \
	"cp.warehouse_id, cp.lon_e6, cp.lat_e6, cp.approx, cp.opens, cp.closes, cp.active "    \
	"FROM collection_points cp LEFT JOIN divisions d ON d.code = cp.village_code"

int points_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, POINT_SELECT);
	if (scope.ids)
		query_and_in(&q, "cp.id", scope.ids, scope.n);
	if (f->warehouse_id)
		query_and_int(&q, "cp.warehouse_id = ?", f->warehouse_id);
	if (f->village)
		query_and_text(&q, "cp.village_code = ?", f->village);
	query_add(&q, "ORDER BY cp.id");
	return list_and_release(db, &q, f, out, err);
}

int point_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, POINT_SELECT);
	query_and_int(&q, "cp.id = ?", id);
	return one_and_release(db, &q, "collection point", out, err);
}

#define CHANNEL_SELECT "SELECT id, code, name, kind, pairing_id, active FROM channels"

int channels_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, CHANNEL_SELECT);
	if (f->kind)
		query_and_text(&q, "kind = ?", f->kind);
	query_add(&q, "ORDER BY id");
	return list_and_release(db, &q, f, out, err);
}

int channel_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, CHANNEL_SELECT);
	query_and_int(&q, "id = ?", id);
	return one_and_release(db, &q, "channel", out, err);
}

#define COOP_SELECT                                                                            \
	"SELECT c.id, c.code, c.name, c.division_code, d.name AS division_name "               \
	"FROM cooperatives c LEFT JOIN divisions d ON d.code = c.division_code"
#define ENTERPRISE_SELECT                                                                      \
	"SELECT c.id, c.code, c.name, c.division_code, d.name AS division_name "               \
	"FROM enterprises c LEFT JOIN divisions d ON d.code = c.division_code"

int cooperatives_list(struct store *db, const struct list_filter *f, json_t **out,
		      struct app_err *err)
{
	struct query q;
	query_init(&q, COOP_SELECT);
	query_add(&q, "ORDER BY c.id");
	return list_and_release(db, &q, f, out, err);
}

int cooperative_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, COOP_SELECT);
	query_and_int(&q, "c.id = ?", id);
	return one_and_release(db, &q, "cooperative", out, err);
}

int enterprises_list(struct store *db, const struct list_filter *f, json_t **out,
		     struct app_err *err)
{
	struct query q;
	query_init(&q, ENTERPRISE_SELECT);
	query_add(&q, "ORDER BY c.id");
	return list_and_release(db, &q, f, out, err);
}

int enterprise_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, ENTERPRISE_SELECT);
	query_and_int(&q, "c.id = ?", id);
	return one_and_release(db, &q, "enterprise", out, err);
}

#define HOUSEHOLD_SELECT                                                                       \
	"SELECT h.id, h.code, h.head_name, h.id_number, h.phone, h.bank_account, "             \
	"h.village_code, d.name AS village_name, h.cooperative_id, h.lifted_from_poverty, "    \
	"h.members, h.created_at, (SELECT COALESCE(SUM(l.amount_fen), 0) FROM "                \
	"household_ledger l WHERE l.household_id = h.id) AS balance_fen "                      \
	"FROM households h LEFT JOIN divisions d ON d.code = h.village_code"

void query_and_household_scope(struct query *q, struct point_scope scope)
{
	if (!scope.ids)
		return;
	struct buf b;
	buf_init(&b, 4096);
	buf_adds(&b, "h.village_code IN (SELECT village_code FROM collection_points WHERE id IN (");
	int n = scope.n > QUERY_MAX_BINDS - 8 ? QUERY_MAX_BINDS - 8 : scope.n;
	for (int i = 0; i < n; i++)
		buf_adds(&b, i ? ", ?" : "?");
	buf_adds(&b, n ? "))" : "NULL))");
	query_cond(q, b.p);
	buf_release(&b);
	for (int i = 0; i < n; i++)
		query_bind_int(q, scope.ids[i]);
}

int households_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		    json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, HOUSEHOLD_SELECT);
	query_and_household_scope(&q, scope);
	if (f->village)
		query_and_text(&q, "h.village_code = ?", f->village);
	if (f->county)
		query_and_text(&q, "substr(h.village_code, 1, 6) = ?", f->county);
	if (f->cooperative_id)
		query_and_int(&q, "h.cooperative_id = ?", f->cooperative_id);
	if (f->point_id)
		query_and_int(&q,
			      "h.village_code = (SELECT village_code FROM collection_points "
			      "WHERE id = ?)",
			      f->point_id);
	query_add(&q, "ORDER BY h.id");
	return list_and_release(db, &q, f, out, err);
}

int household_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, HOUSEHOLD_SELECT);
	query_and_int(&q, "h.id = ?", id);
	return one_and_release(db, &q, "household", out, err);
}

bool household_in_scope(struct store *db, int64_t household_id, struct point_scope scope)
{
	struct query q;
	struct stmt *st;
	bool found = false;
	query_init(&q, "SELECT h.id FROM households h");
	query_and_int(&q, "h.id = ?", household_id);
	query_and_household_scope(&q, scope);
	if (store_prepare(db, q.sql.p, &st) == 0) {
		bind_all(st, &q);
		found = stmt_step(st) == STORE_ROW;
		stmt_finalize(st);
	}
	query_release(&q);
	return found;
}

int household_ledger_list(struct store *db, int64_t household_id, const struct list_filter *f,
			  json_t **out, struct app_err *err)
{
	struct query q;
	int64_t balance = 0;
	int rc = store_query_int(db,
				 "SELECT COALESCE(SUM(amount_fen), 0) FROM household_ledger "
				 "WHERE household_id = ?",
				 household_id, &balance);
	if (rc)
		return app_store_fail(err, db, rc);
	/* reason: why a reversal was made (a collection reversal keeps it in its
	 * note, a payment reversal in its reason); '' for other entries */
	query_init(&q, "SELECT l.id, l.at AS recorded_at, l.on_date, l.kind, l.ref_id, l.amount_fen, "
		       "COALESCE(c.code, p.code) AS ref_code, "
		       "COALESCE(c.reverses_id, p.reverses_id) AS reverses_id, "
		       "COALESCE(c.reversed, p.reversed, 0) AS reversed, "
		       "CASE WHEN c.reverses_id IS NOT NULL THEN c.note "
		       "WHEN p.reverses_id IS NOT NULL THEN p.reason ELSE '' END AS reason "
		       "FROM household_ledger l "
		       "LEFT JOIN collections c ON l.kind = 'collection' AND c.id = l.ref_id "
		       "LEFT JOIN payments p ON l.kind = 'payment' AND p.id = l.ref_id");
	query_and_int(&q, "l.household_id = ?", household_id);
	if (f->from)
		query_and_text(&q, "l.on_date >= ?", f->from);
	if (f->to)
		query_and_text(&q, "l.on_date <= ?", f->to);
	query_add(&q, "ORDER BY l.id");
	if (list_and_release(db, &q, f, out, err))
		return -1;
	json_object_set_new(*out, "balance_fen", json_integer(balance));
	return 0;
}
