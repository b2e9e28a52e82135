/*
 * Customers over HTTP (顾客): GET /customers (search by part of the name or
 * phone, by channel or county, paged) and GET /customers/{id} (the customer's
 * orders, money spent and refunded, units bought). Customers are derived
 * from the orders' consignees (src/app/customers.c), so nothing here writes.
 *
 * Who: admin, the office and channel managers; collectors and warehouses
 * never see buyers. A channel manager sees only the customers of its own
 * channels (403 for another's by id) and sees them whole, as admin does, to
 * answer their questions; the office sees names, phones and addresses
 * masked, and may not search by name or phone.
 */
#include <string.h>

#include "app/customers.h"
#include "http/routes.h"
#include "lib/str.h"

#define CUSTOMER_ROLES (ROLE_ADMIN | ROLE_OFFICE | ROLE_CHANNEL)

static bool sees_buyers(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_CHANNEL;
}

/* The first `keep` code points of s and "****" (NULL stays NULL). */
static json_t *mask_prefix(struct req *r, const char *s, size_t keep)
{
	size_t i = 0, cp = 0;
	if (!s)
		return json_null();
	while (s[i] && cp < keep) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cp++;
	}
	return json_string(arena_printf(r->arena, "%.*s****", (int)i, s));
}

static void mask_text(struct req *r, json_t *o, const char *key, size_t keep)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		json_object_set_new(o, key, mask_prefix(r, json_string_value(v), keep));
}

/* Mask what the office may not see: the name but its first character, the
 * phone's middle, the address after the first six characters. */
static void mask_customer(struct req *r, json_t *c)
{
	json_t *v, *order;
	size_t i;
	if (sees_buyers(r->user))
		return;
	mask_text(r, c, "name", 1);
	mask_text(r, c, "address", 6);
	if (json_is_string(v = json_object_get(c, "phone")))
		json_object_set_new(c, "phone", json_string(mask_phone(r, json_string_value(v))));
	json_array_foreach(json_object_get(c, "orders"), i, order)
		mask_text(r, order, "address", 6);
}

static bool query_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);
	*out = 0;
	if (v && (parse_int64(str_from(v), out) || *out <= 0)) {
		req_add_error(r, name, 0, "编号必须是正整数", "must be a positive integer id");
		return false;
	}
	return true;
}

static bool query_search(struct req *r, struct customer_filter *f)
{
	const char *q = req_query(r, "q"), *county = req_query(r, "county");
	bool ok = true;
	if (q && (!*q || strlen(q) > 60 || strpbrk(q, "%_\\"))) {
		req_add_error(r, "q", 0, "搜索词应为 1..60 个字符，不含 % _ \\",
			      "q must be 1..60 characters without % _ \\");
		ok = false;
	}
	if (county && (strlen(county) != 6 || strspn(county, "0123456789") != 6)) {
		req_add_error(r, "county", 0, "县级代码应为 6 位数字", "county must be 6 digits");
		ok = false;
	}
	f->q = q;
	f->county = county;
	return ok;
}

static int reply_app(struct req *r, const struct app_err *e)
{
	return reply_error(r, e->status, e->code, e->field[0] ? e->field : NULL, e->message_zh,
			   e->message_en);
}

static int list_customers(struct req *r)
{
	struct customer_filter f = {0};
	json_t *out, *c;
	struct app_err e;
	size_t i;
	req_paging(r, &f.limit, &f.offset);
	if (!(query_id(r, "channel_id", &f.channel_id) & query_search(r, &f)))
		return reply_invalid(r);
	if (f.q && !sees_buyers(r->user))
		return reply_error(r, 403, "forbidden", "q", "无权按姓名或电话搜索顾客",
				   "searching customers by name or phone is not allowed for this role");
	if (f.channel_id && !user_has_channel(r->user, f.channel_id))
		return reply_forbidden(r);
	if (r->user->role == ROLE_CHANNEL) {
		static const int64_t none[1] = {0};
		f.channels = r->user->nchannels ? r->user->channels : none;
		f.nchannels = r->user->nchannels ? r->user->nchannels : 1;
	}
	if (customers_list(r->db, &f, &out, &e))
		return reply_app(r, &e);
	json_array_foreach(json_object_get(out, "items"), i, c)
		mask_customer(r, c);
	return reply_json(r, 200, out);
}

static int get_customer(struct req *r)
{
	int64_t id, channel_id;
	json_t *out;
	struct app_err e;
	if (parse_int64(str_from(r->params[0]), &id) || id <= 0)
		return reply_not_found(r, "顾客 customer");
	if (customer_channel_of(r->db, id, &channel_id, &e))
		return reply_app(r, &e);
	if (!user_has_channel(r->user, channel_id))
		return reply_forbidden(r);
	if (customer_get(r->db, id, &out, &e))
		return reply_app(r, &e);
	mask_customer(r, out);
	return reply_json(r, 200, out);
}

const struct route customers_routes[] = {
	{"GET", "/api/v1/customers", list_customers, CUSTOMER_ROLES, 0,
	 "customers by channel (search q by name or phone, county; masked for the office)"},
	{"GET", "/api/v1/customers/{id}", get_customer, CUSTOMER_ROLES, 0,
	 "one customer: orders, spent and refunded money, units bought"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
