/*
 * The origin warehouse's vehicles for village collection runs (see
 * collect_runs.h): each row is a vehicle type with its capacity in grams,
 * refrigeration, costs in fen (per run, per km, per hour) and how many of it
 * are available. Create, replace, list and read; every field is checked
 * here so the CLI, the demo and the API refuse the same things.
 */
#include "app/collect_runs.h"

#include <ctype.h>
#include <string.h>

#define MAX_CAPACITY_G 100000000LL  /* 100 t */
#define MAX_FEN        1000000000LL /* ten million yuan */

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static int check_numbers(const struct vehicle_in *in, struct app_err *err)
{
	if (in->capacity_g < 1000 || in->capacity_g > MAX_CAPACITY_G)
		return app_fail(err, 422, "invalid", "capacity_kg", "载重须为 1 到 100000 kg",
		                "capacity must be 1 to 100000 kg");
	const int64_t fen[3] = {in->fixed_fen, in->fen_per_km, in->fen_per_hour};
	const char *const names[3] = {"fixed_fen", "fen_per_km", "fen_per_hour"};
	for (int i = 0; i < 3; i++)
		if (fen[i] < 0 || fen[i] > MAX_FEN)
			return app_fail(err, 422, "invalid", names[i],
			                "费用须为 0 到 1000 万元（以分计）",
			                "%s must be 0 to 1000000000 fen", names[i]);
	if (in->available < 0 || in->available > 100)
		return app_fail(err, 422, "invalid", "available", "可用数量须为 0 到 100",
		                "available must be 0 to 100");
	if (in->max_minutes < 30 || in->max_minutes > 24 * 60)
		return app_fail(err, 422, "invalid", "max_minutes",
		                "最长出车时间须为 30 到 1440 分钟",
		                "max_minutes must be 30 to 1440");
	return 0;
}

static int check_vehicle(const struct vehicle_in *in, struct app_err *err)
{
	if (!code_ok(in->code))
		return app_fail(err, 422, "invalid", "code", "编码须为 1 到 32 个字母、数字或 -_.",
		                "code must be 1 to 32 letters, digits or -_.");
	if (!in->name || !*in->name)
		return app_fail(err, 422, "invalid", "name", "须填写车型名称", "name is required");
	return check_numbers(in, err);
}

static int check_origin(struct store *db, int64_t warehouse_id, struct app_err *err)
{
	int64_t n = 0;
	int rc =
	    store_query_int(db, "SELECT COUNT(*) FROM warehouses WHERE id = ? AND kind = 'origin'",
	                    warehouse_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", "warehouse_id", "产地仓不存在",
		                "origin warehouse %lld does not exist", (long long)warehouse_id);
	return 0;
}

/* Binds the fields shared by INSERT and UPDATE from index `at` on. */
static void bind_fields(struct stmt *st, int at, const struct vehicle_in *in)
{
	stmt_bind_text(st, at, in->code);
	stmt_bind_text(st, at + 1, in->name);
	stmt_bind_int(st, at + 2, in->capacity_g);
	stmt_bind_int(st, at + 3, in->refrigerated);
	stmt_bind_int(st, at + 4, in->fixed_fen);
	stmt_bind_int(st, at + 5, in->fen_per_km);
	stmt_bind_int(st, at + 6, in->fen_per_hour);
	stmt_bind_int(st, at + 7, in->available);
	stmt_bind_int(st, at + 8, in->max_minutes);
	stmt_bind_int(st, at + 9, in->active);
}

static int step_write(struct store *db, struct stmt *st, const char *code, int64_t *id,
                      struct app_err *err)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW && id)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc == STORE_ECONSTRAINT)
		return app_fail(err, 409, "conflict", "code", "该仓库已有此车辆编码",
		                "vehicle code '%s' is already used at this warehouse", code);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int vehicle_create(struct store *db, const struct vehicle_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	if (check_origin(db, in->warehouse_id, err) || check_vehicle(in, err))
		return -1;
	int rc = store_prepare(db,
	                       "INSERT INTO vehicles (warehouse_id, code, name, capacity_g, "
	                       "refrigerated, fixed_fen, fen_per_km, fen_per_hour, available, "
	                       "max_minutes, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	                       "RETURNING id",
	                       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, in->warehouse_id);
	bind_fields(st, 2, in);
	return step_write(db, st, in->code, id, err);
}

int vehicle_update(struct store *db, int64_t id, const struct vehicle_in *in, struct app_err *err)
{
	struct stmt *st;
	if (!vehicle_warehouse(db, id))
		return app_fail(err, 404, "not_found", "", "车辆不存在", "vehicle %lld not found",
		                (long long)id);
	if (check_vehicle(in, err))
		return -1;
	int rc = store_prepare(db,
	                       "UPDATE vehicles SET code = ?, name = ?, capacity_g = ?, "
	                       "refrigerated = ?, fixed_fen = ?, fen_per_km = ?, fen_per_hour = ?, "
	                       "available = ?, max_minutes = ?, active = ? WHERE id = ?",
	                       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_fields(st, 1, in);
	stmt_bind_int(st, 11, id);
	return step_write(db, st, in->code, NULL, err);
}

int64_t vehicle_warehouse(struct store *db, int64_t id)
{
	int64_t wh = 0;
	if (store_query_int(db, "SELECT warehouse_id FROM vehicles WHERE id = ?", id, &wh))
		return 0;
	return wh;
}

#define VEHICLE_SELECT                                                                             \
	"SELECT v.id, v.warehouse_id, w.code AS warehouse_code, v.code, v.name, v.capacity_g, "    \
	"v.refrigerated, v.fixed_fen, v.fen_per_km, v.fen_per_hour, v.available, v.max_minutes, "  \
	"v.active FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id"

static void refrigerated_flag(json_t *row)
{
	json_t *v = json_object_get(row, "refrigerated");
	json_object_set_new(row, "refrigerated", json_boolean(json_integer_value(v) != 0));
}

int vehicles_list(struct store *db, int64_t warehouse_id, struct wh_scope scope, json_t **out,
                  struct app_err *err)
{
	struct query q;
	query_init(&q, VEHICLE_SELECT);
	if (warehouse_id)
		query_and_int(&q, "v.warehouse_id = ?", warehouse_id);
	if (scope.ids)
		query_and_in(&q, "v.warehouse_id", scope.ids, scope.n);
	query_add(&q, " ORDER BY v.warehouse_id, v.id");
	return collect_list_shaped(db, &q, 0, 0, refrigerated_flag, out, err);
}

int vehicle_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, VEHICLE_SELECT);
	query_and_int(&q, "v.id = ?", id);
	int rc = query_one(db, &q, "vehicle", out, err);
	query_release(&q);
	if (rc == 0)
		refrigerated_flag(*out);
	return rc;
}
