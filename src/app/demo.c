/*
 * The demo data set (`shanhai demo`, `shanhai serve --demo`): one season of
 * the Ningbo–Liangshan east–west cooperation on the real division codes.
 * Five Ningbo districts paired with five Liangshan counties, an origin
 * warehouse in Xichang and a sales warehouse in Ningbo (serving Zhejiang and
 * Shanghai), seven collection points in real villages of Yanyuan, Jinyang,
 * Butuo, Zhaojue and Yuexi, 200 invented households (about 40% 脱贫户), the
 * products of data/products_gi.csv with grades after GB/T 10651, SKUs and
 * prices, six sales channels and the demo users; then, day by day from
 * September to late November, collections, payments, transfers to the origin
 * warehouse, packing runs, line-hauls to Ningbo, about a thousand orders with
 * their parcels and deliveries, and a few cancellations, refunds, returns and
 * stock adjustments.
 *
 * Everything goes through the service functions of src/app/ (and the user
 * service of src/http/auth.h), in date order, so each step meets the stock
 * and money the earlier ones left and the real rules are exercised. Some
 * services stamp rows with the wall clock; after each step the loader moves
 * those stamps to the simulated instant (stamp_rows), so delivery times and
 * figures read like a real season. A fixed seed and a PRNG of our own
 * (splitmix64) make the quantities identical on every run (receipt and lot
 * codes are random, as the services make them). Each simulated day is one
 * transaction.
 *
 * Personal data is invented and obviously fake: phone numbers 100-xxxx-xxxx,
 * ID numbers with birth date 1900-01-01, bank accounts 6200-0000-....
 */
#include "app/demo.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/adjustments.h"
#include "app/catalogue.h"
#include "app/collection.h"
#include "app/fulfil.h"
#include "app/linehaul.h"
#include "app/orders.h"
#include "app/packing.h"
#include "app/payments.h"
#include "app/places.h"
#include "app/stock.h"
#include "app/transfers.h"
#include "http/auth.h"
#include "lib/alloc.h"
#include "lib/timeutil.h"

#define DEMO_SEED 0x5348414e48414931ULL /* "SHANHAI1" */
#define DEMO_PASSWORD "shanhai2026"

/* ---- the fixed world ---- */

enum { P_APPLE, P_GREEN_PEPPER, P_RED_PEPPER, P_BUCKWHEAT, P_ORANGE, NPRODUCTS };

struct dproduct {
	const char *code, *name, *name_en, *category, *note, *origin;
	int64_t shelf_life_days;
	bool cold;
	int64_t min_c, max_c;
	int ngrades;
	struct grade_in grades[4];
	int64_t price[4];  /* fen per kg from the season's first day */
	int64_t raise[4];  /* fen per kg from 10-15 (0: no change) */
	const char *price_from; /* "MM-DD" of the first price */
};

static const struct dproduct products[NPRODUCTS] = {
	{"YY-APL", "盐源苹果", "Yanyuan apple", "水果",
	 "国家地理标志保护产品（2010），红富士为主；果径分级参照 GB/T 10651-2008", "513423", 150,
	 true, 0, 4, 4,
	 {{"85", "果径85mm以上", 1}, {"80", "果径80-85mm", 2}, {"75", "果径75-80mm", 3},
	  {"70", "果径70-75mm", 4}},
	 {560, 460, 360, 240}, {600, 480, 380, 240}, "09-01"},
	{"JY-QHJ", "金阳青花椒", "Jinyang green Sichuan pepper", "调味品", "干青花椒，晒干后交售",
	 "513430", 365, false, 0, 0, 2, {{"T", "特级", 1}, {"1", "一级", 2}}, {7200, 5600},
	 {0, 0}, "09-01"},
	{"YX-HJ", "越西花椒", "Yuexi red Sichuan pepper", "调味品", "干红花椒（贡椒）", "513434",
	 365, false, 0, 0, 2, {{"T", "特级", 1}, {"1", "一级", 2}}, {9600, 7800}, {0, 0}, "09-01"},
	{"LS-KQ", "凉山苦荞", "Liangshan Tartary buckwheat", "粮食",
	 "高山苦荞，凉山苦荞茶地理标志保护区域", "5134", 365, false, 0, 0, 2,
	 {{"1", "一等", 1}, {"2", "二等", 2}}, {560, 440}, {0, 0}, "09-01"},
	{"LB-QC", "雷波脐橙", "Leibo navel orange", "水果",
	 "地理标志保护产品；11月28日后方可装箱上市（本季尚未收购，预售）", "513437", 60, true, 3,
	 8, 2, {{"L", "大果75mm以上", 1}, {"M", "中果65-75mm", 2}}, {400, 320}, {0, 0}, "11-28"},
};

enum {
	S_APL85, S_APL80, S_APL75, S_APL70, S_QHJ_T, S_QHJ_1, S_HJ_T, S_HJ_1, S_KQ_1, S_KQ_2, S_QC,
	NSKUS
};

struct dsku {
	const char *code, *name;
	int product, grade;
	int64_t net_g, gross_g, price_fen;
	int64_t truck_cap; /* most units one line-haul carries */
};

static const struct dsku skus[NSKUS] = {
	{"YY-APL-85-5K", "盐源苹果 85mm 5kg 礼盒", P_APPLE, 0, 5000, 5600, 6800, 260},
	{"YY-APL-80-5K", "盐源苹果 80mm 5kg", P_APPLE, 1, 5000, 5500, 5600, 300},
	{"YY-APL-75-10K", "盐源苹果 75mm 10kg 家庭装", P_APPLE, 2, 10000, 10700, 7900, 120},
	{"YY-APL-70-10K", "盐源苹果 70mm 10kg 实惠装", P_APPLE, 3, 10000, 10700, 5200, 60},
	{"JY-QHJ-T-250", "金阳青花椒 特级 250g", P_GREEN_PEPPER, 0, 250, 300, 3800, 200},
	{"JY-QHJ-1-500", "金阳青花椒 一级 500g", P_GREEN_PEPPER, 1, 500, 560, 5200, 120},
	{"YX-HJ-T-250", "越西花椒 特级 250g", P_RED_PEPPER, 0, 250, 300, 4800, 200},
	{"YX-HJ-1-500", "越西花椒 一级 500g", P_RED_PEPPER, 1, 500, 560, 6800, 120},
	{"LS-KQ-1-2K5", "凉山苦荞米 一等 2.5kg", P_BUCKWHEAT, 0, 2500, 2650, 3900, 200},
	{"LS-KQ-2-5K", "凉山苦荞 二等 5kg", P_BUCKWHEAT, 1, 5000, 5200, 4500, 100},
	{"LB-QC-5K", "雷波脐橙 5kg（预售）", P_ORANGE, 0, 5000, 5500, 5900, 0},
};

enum { C_YANYUAN, C_JINYANG, C_BUTUO, C_ZHAOJUE, C_YUEXI, NCOUNTIES };

struct dcounty {
	const char *code, *name, *name_en, *east_code, *east_name, *pairing_code;
	const char *coop_code, *coop_name, *coop_division;
	const char *surnames[8], *given[10]; /* invented names are drawn from these */
};

/* The seeds name 江北↔越西 and 余姚↔昭觉; 鄞州's experience taken to 盐源 and
 * 慈溪's industrial park employing 布拖 people point at those pairs; 镇海↔金阳
 * is not in the seeds (see the report). */
static const struct dcounty counties[NCOUNTIES] = {
	{"513423", "盐源县", "Yanyuan", "330212", "鄞州区", "YZ-YY", "COOP-YY-WC",
	 "盐源县卫城镇苹果种植专业合作社", "513423101",
	 {"王", "李", "杨", "张", "吉克", "沙马", "海来", "马"},
	 {"建国", "永福", "秀英", "明华", "阿依", "木呷", "拉哈", "尔古", "春兰", "志强"}},
	{"513430", "金阳县", "Jinyang", "330211", "镇海区", "ZH-JY", "COOP-JY-DP",
	 "金阳县对坪镇青花椒专业合作社", "513430103",
	 {"阿说", "吉伍", "曲比", "马海", "俄的", "阿尔", "罗", "陈"},
	 {"木呷", "伍沙", "日哈", "阿呷", "子日", "石布", "拉且", "依作", "友发", "阿果"}},
	{"513429", "布拖县", "Butuo", "330282", "慈溪市", "CX-BT", "COOP-BT-TJ",
	 "布拖县拖觉镇苦荞专业合作社", "513429102",
	 {"阿达", "吉木", "勒格", "日色", "瓦其", "阿苦", "俄木", "的惹"},
	 {"牛色", "阿呷", "尔布", "史体", "拉哈", "木果", "阿妞", "伍呷", "日古", "曲哈"}},
	{"513431", "昭觉县", "Zhaojue", "330281", "余姚市", "YY-ZJ", "COOP-ZJ-SH",
	 "昭觉县三河村苦荞种植合作社", "513431106",
	 {"吉克", "海来", "阿合", "俄底", "拉马", "日火", "阿苦", "吉伍"},
	 {"子哈", "阿依", "石哈", "伍各", "尔哈", "拉则", "阿衣", "木嘎", "沙日", "金曲"}},
	{"513434", "越西县", "Yuexi", "330205", "江北区", "JB-YX", "COOP-YX-ZS",
	 "越西县中所镇花椒专业合作社", "513434101",
	 {"陶", "刘", "何", "阿西", "沙马", "尔古", "吉史", "余"},
	 {"德福", "桂芳", "阿支", "木沙", "正华", "秀琼", "日呷", "阿洛", "光明", "兰英"}},
};

#define NPOINTS 7

struct dpoint {
	const char *code, *name, *village;
	int county, product, households;
	const char *opens; /* weekdays it opens, Monday = '1' */
	const char *from, *to; /* "MM-DD" of its season */
	int deliver_pct;       /* chance (%) a household delivers on an open day */
};

static const struct dpoint points[NPOINTS] = {
	{"YY-WC-LJ", "盐源卫城镇罗家村收购点", "513423101202", C_YANYUAN, P_APPLE, 30, "1356",
	 "09-15", "11-10", 12},
	{"YY-MY-MYB", "盐源梅雨镇梅雨堡村收购点", "513423102204", C_YANYUAN, P_APPLE, 30, "1356",
	 "09-15", "11-10", 12},
	{"YY-MY-HTY", "盐源棉桠镇核桃园村收购点", "513423113200", C_YANYUAN, P_APPLE, 30, "246",
	 "09-18", "11-08", 14},
	{"JY-DP-LML", "金阳对坪镇芦茅林村收购点", "513430103202", C_JINYANG, P_GREEN_PEPPER, 30,
	 "26", "09-10", "10-25", 14},
	{"BT-TJ-FTL", "布拖拖觉镇菲土鲁村收购点", "513429102200", C_BUTUO, P_BUCKWHEAT, 25, "246",
	 "09-25", "11-12", 12},
	{"ZJ-SCH-SH", "昭觉三岔河镇三河村收购点", "513431106205", C_ZHAOJUE, P_BUCKWHEAT, 30,
	 "246", "09-25", "11-12", 12},
	{"YX-ZS-TJY", "越西中所镇陶家营村收购点", "513434101201", C_YUEXI, P_RED_PEPPER, 25, "36",
	 "09-10", "10-25", 14},
};

enum { CH_LIVE, CH_ECOM, CH_UNION, CH_SUPER, CH_FLAG, CH_FAIR, NCHANNELS };

struct dchannel {
	const char *code, *name, *kind, *pairing_code;
};

static const struct dchannel channels[NCHANNELS] = {
	{"LIVE-HT", "洪塘抖音直播基地 凉山好物直播间", "livestream", "JB-YX"},
	{"ECOM-YL", "甬凉好物 网店", "ecommerce", "NB-LS"},
	{"UNION-NB", "宁波市总工会 消费帮扶采购", "union", "NB-LS"},
	{"SUP-SJ", "三江购物 凉山特产专柜", "supermarket", "NB-LS"},
	{"FLAG-YY", "余姚昭觉农特产品直营旗舰店", "flagship", "YY-ZJ"},
	{"FAIR-NB", "东西部协作消费帮扶展销会", "fair", "NB-LS"},
};

/* ---- demo users ---- */

enum scope_kind { SC_NONE, SC_POINTS, SC_WAREHOUSE, SC_CHANNELS };

struct duser {
	const char *username, *display, *role, *what_zh, *what_en;
	enum scope_kind scope;
	int county;             /* SC_POINTS: the county whose points */
	int warehouse;          /* SC_WAREHOUSE: 0 origin, 1 sales */
	int chans[NCHANNELS + 1]; /* SC_CHANNELS: -1 terminated */
};

#define NUSERS 10

static const struct duser users[NUSERS] = {
	{"admin", "系统管理员", "admin", "系统管理员", "administrator", SC_NONE, 0, 0, {-1}},
	{"collector_yanyuan", "盐源收购员", "collector", "盐源三个收购点", "Yanyuan's 3 points",
	 SC_POINTS, C_YANYUAN, 0, {-1}},
	{"collector_jinyang", "金阳收购员", "collector", "金阳收购点", "Jinyang point", SC_POINTS,
	 C_JINYANG, 0, {-1}},
	{"collector_butuo", "布拖收购员", "collector", "布拖收购点", "Butuo point", SC_POINTS,
	 C_BUTUO, 0, {-1}},
	{"collector_zhaojue", "昭觉收购员", "collector", "昭觉收购点", "Zhaojue point", SC_POINTS,
	 C_ZHAOJUE, 0, {-1}},
	{"collector_yuexi", "越西收购员", "collector", "越西收购点", "Yuexi point", SC_POINTS,
	 C_YUEXI, 0, {-1}},
	{"wh_xichang", "西昌产地仓操作员", "warehouse", "凉山西昌产地仓", "Xichang origin warehouse",
	 SC_WAREHOUSE, 0, 0, {-1}},
	{"wh_ningbo", "宁波销地仓操作员", "warehouse", "宁波销地仓", "Ningbo sales warehouse",
	 SC_WAREHOUSE, 0, 1, {-1}},
	{"channel_mgr", "渠道经理", "channel", "直播、网店、旗舰店、展销会",
	 "live-stream, online shop, flagship store, fair", SC_CHANNELS, 0, 0,
	 {CH_LIVE, CH_ECOM, CH_FLAG, CH_FAIR, -1}},
	{"office", "协作办 查看", "office", "只读：全部报表", "read-only: all figures", SC_NONE, 0, 0,
	 {-1}},
};

/* ---- the loader's state ---- */

#define MAXHH 256
#define NSTAMPS 11

struct demo {
	struct store *db;
	FILE *progress;
	struct app_err *err;
	uint64_t rng;
	int year;
	int64_t first_day, last_day; /* day numbers of the season */
	int64_t user_id[NUSERS];
	int64_t pairing_all, pairing[NCOUNTIES];
	int64_t origin_wh, sales_wh;
	int64_t point_id[NPOINTS];
	int64_t coop_id[NCOUNTIES];
	int64_t hh_id[MAXHH];
	int hh_point[MAXHH];
	int nhh;
	int64_t product_id[NPRODUCTS], grade_id[NPRODUCTS][4];
	int64_t sku_id[NSKUS];
	int64_t channel_id[NCHANNELS];
	int64_t watermark[NSTAMPS];
	struct stmt *stamp_update[NSTAMPS], *stamp_max[NSTAMPS];
	/* counts for the progress lines */
	int64_t n_collections, n_payments, n_transfers, n_packings, n_linehauls, n_orders,
		n_parcels, n_delivered, n_cancelled, n_refunds, n_returns, n_adjustments;
	bool reversed_collection, reversed_payment;
};

/* ---- small helpers ---- */

static uint64_t next_random(struct demo *d)
{
	uint64_t z = (d->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]. */
static int64_t rnd(struct demo *d, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next_random(d) % (uint64_t)(hi - lo + 1));
}

static bool chance(struct demo *d, int pct)
{
	return rnd(d, 0, 99) < pct;
}

/* Unix ms of hh:mm Asia/Shanghai on day number `day`. */
static int64_t at_ms(int64_t day, int hh, int mm)
{
	return ((day * 86400 + hh * 3600 + mm * 60) - SHANGHAI_OFFSET_S) * 1000;
}

/* The day number of "MM-DD" in the demo year. */
static int64_t season_day(const struct demo *d, const char *mmdd)
{
	int m = (mmdd[0] - '0') * 10 + (mmdd[1] - '0'), dd = (mmdd[3] - '0') * 10 + (mmdd[4] - '0');
	return days_from_civil(d->year, m, dd);
}

/* "YYYY-MM-DD" of "MM-DD" in the demo year. */
static void season_date(const struct demo *d, const char *mmdd, char out[11])
{
	date_format(season_day(d, mmdd), out, 11);
}

/* ISO weekday, Monday = 1. 1970-01-01 was a Thursday. */
static int weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7) + 1;
}

static void progress(struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct demo *d, const char *fmt, ...)
{
	if (!d->progress)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->progress, fmt, ap);
	va_end(ap);
	fputc('\n', d->progress);
	fflush(d->progress);
}

/* Run sql binding up to three ints (n of them); fill err on failure. */
static __attribute__((unused)) int exec_ints(struct demo *d, const char *sql, int n, int64_t a, int64_t b, int64_t c)
{
	struct stmt *st;
	int rc = store_prepare(d->db, sql, &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	int64_t v[3] = {a, b, c};
	for (int i = 0; i < n; i++)
		stmt_bind_int(st, i + 1, v[i]);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* The first column of the first row of sql with up to two int binds. */
static int query_int2(struct demo *d, const char *sql, int n, int64_t a, int64_t b, int64_t *out)
{
	struct stmt *st;
	int rc = store_prepare(d->db, sql, &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	if (n > 0)
		stmt_bind_int(st, 1, a);
	if (n > 1)
		stmt_bind_int(st, 2, b);
	*out = 0;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* ---- moving wall-clock stamps to the simulated instant ---- */

/* Rows the services stamp with time_now_ms(): every row inserted since the
 * last stamp_rows gets the simulated instant instead. */
static const char *const stamp_tables[NSTAMPS][2] = {
	{"stock_moves", "at"},       {"lots", "created_at"},      {"packings", "created_at"},
	{"adjustments", "created_at"}, {"linehauls", "created_at"}, {"parcels", "created_at"},
	{"refunds", "created_at"},   {"orders", "created_at"},    {"customers", "created_at"},
	{"transfers", "sent_at"},    {"payments", "created_at"},
};

static int stamp_prepare(struct demo *d)
{
	char sql[160];
	for (int i = 0; i < NSTAMPS; i++) {
		snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE id > ?", stamp_tables[i][0],
			 stamp_tables[i][1]);
		int rc = store_prepare(d->db, sql, &d->stamp_update[i]);
		if (rc)
			return app_store_fail(d->err, d->db, rc);
		snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(id), 0) FROM %s", stamp_tables[i][0]);
		if ((rc = store_prepare(d->db, sql, &d->stamp_max[i])))
			return app_store_fail(d->err, d->db, rc);
	}
	return 0;
}

static void stamp_release(struct demo *d)
{
	for (int i = 0; i < NSTAMPS; i++) {
		if (d->stamp_update[i])
			stmt_finalize(d->stamp_update[i]);
		if (d->stamp_max[i])
			stmt_finalize(d->stamp_max[i]);
	}
}

static int stamp_rows(struct demo *d, int64_t when_ms)
{
	for (int i = 0; i < NSTAMPS; i++) {
		struct stmt *up = d->stamp_update[i], *mx = d->stamp_max[i];
		stmt_reset(up);
		stmt_bind_int(up, 1, when_ms);
		stmt_bind_int(up, 2, d->watermark[i]);
		int rc = stmt_step(up);
		if (rc < 0)
			return app_store_fail(d->err, d->db, rc);
		stmt_reset(mx);
		if ((rc = stmt_step(mx)) != STORE_ROW)
			return app_store_fail(d->err, d->db, rc < 0 ? rc : STORE_EMISUSE);
		d->watermark[i] = stmt_int(mx, 0);
	}
	return 0;
}

/* ---- places ---- */

static int create_pairings(struct demo *d)
{
	char code[32], name[96];
	struct pairing_in all = {"NB-LS", "宁波—凉山 东西部协作", "east_west", "3302", "5134"};
	if (pairing_create(d->db, &all, &d->pairing_all, d->err))
		return -1;
	for (int c = 0; c < NCOUNTIES; c++) {
		snprintf(code, sizeof(code), "%s", counties[c].pairing_code);
		snprintf(name, sizeof(name), "%s—%s 东西部协作", counties[c].east_name, counties[c].name);
		struct pairing_in p = {code, name, "east_west", counties[c].east_code, counties[c].code};
		if (pairing_create(d->db, &p, &d->pairing[c], d->err))
			return -1;
	}
	/* mountain–sea cooperation inside Zhejiang: 余姚 ↔ 松阳 (seed 004) */
	struct pairing_in ms = {"YY-SY", "余姚—松阳 山海协作", "mountain_sea", "330281", "331124"};
	int64_t id;
	return pairing_create(d->db, &ms, &id, d->err);
}

/* Shanghai is outside the five prefectures data/divisions.csv covers, but the
 * Ningbo warehouse serves it: add its province row (real code 31) if absent. */
static int add_shanghai(struct demo *d)
{
	int rc = store_exec(d->db, "INSERT INTO divisions (code, name, level, parent_code) "
				   "VALUES ('31', '上海市', 1, NULL) ON CONFLICT DO NOTHING");
	return rc ? app_store_fail(d->err, d->db, rc) : 0;
}

static int create_warehouses(struct demo *d)
{
	static const char *const areas[] = {"33", "31"};
	struct warehouse_in o = {.code = "XC-ORIGIN", .name = "凉山西昌产地仓（分拣包装基地）",
				 .kind = "origin", .division_code = "513401",
				 .pairing_id = d->pairing_all};
	struct warehouse_in s = {.code = "NB-SALES", .name = "宁波销地仓（江北）", .kind = "sales",
				 .division_code = "330205", .pairing_id = d->pairing_all,
				 .areas = areas, .nareas = 2};
	if (add_shanghai(d) || warehouse_create(d->db, &o, &d->origin_wh, d->err) ||
	    warehouse_create(d->db, &s, &d->sales_wh, d->err))
		return -1;
	return 0;
}

static int create_parties(struct demo *d)
{
	int64_t id;
	for (int c = 0; c < NCOUNTIES; c++) {
		struct party_in p = {counties[c].coop_code, counties[c].coop_name,
				     counties[c].coop_division};
		if (cooperative_create(d->db, &p, &d->coop_id[c], d->err))
			return -1;
	}
	struct party_in e1 = {"ENT-YL-SCM", "宁波甬凉农产品供应链有限公司（虚构）", "330205"};
	struct party_in e2 = {"ENT-DMYF", "昭觉大美彝风农产品加工有限公司（虚构）", "513431"};
	if (enterprise_create(d->db, &e1, &id, d->err) || enterprise_create(d->db, &e2, &id, d->err))
		return -1;
	return 0;
}

static int create_points(struct demo *d)
{
	for (int p = 0; p < NPOINTS; p++) {
		struct point_in in = {.code = points[p].code, .name = points[p].name,
				      .village_code = points[p].village,
				      .warehouse_id = d->origin_wh, .opens = "08:00",
				      .closes = "18:00"};
		if (point_create(d->db, &in, &d->point_id[p], d->err))
			return -1;
	}
	return 0;
}

static int create_household(struct demo *d, int p, int k)
{
	const struct dcounty *c = &counties[points[p].county];
	char code[32], name[32], id_number[32], phone[32], bank[32];
	int hh = d->nhh;
	snprintf(code, sizeof(code), "%s-%03d", points[p].code, k + 1);
	snprintf(name, sizeof(name), "%s%s", c->surnames[rnd(d, 0, 7)], c->given[rnd(d, 0, 9)]);
	/* obviously fake: born 1900-01-01, phone 100-..., bank 6200-0000-... */
	snprintf(id_number, sizeof(id_number), "%s19000101%04d", c->code, hh + 1);
	snprintf(phone, sizeof(phone), "100-%04d-%04d", p + 1, hh + 1);
	snprintf(bank, sizeof(bank), "6200-0000-0000-%04d", hh + 1);
	struct household_in in = {.code = code, .head_name = name, .id_number = id_number,
				  .phone = phone, .bank_account = bank,
				  .village_code = points[p].village,
				  .cooperative_id = chance(d, 70) ? d->coop_id[points[p].county] : 0,
				  .lifted_from_poverty = chance(d, 40),
				  .members = rnd(d, 2, 7)};
	if (household_create(d->db, &in, at_ms(d->first_day - 30, 9, 0), &d->hh_id[hh], d->err))
		return -1;
	d->hh_point[hh] = p;
	d->nhh++;
	return 0;
}

static int create_households(struct demo *d)
{
	for (int p = 0; p < NPOINTS; p++)
		for (int k = 0; k < points[p].households; k++)
			if (create_household(d, p, k))
				return -1;
	return 0;
}

static int create_channels(struct demo *d)
{
	for (int c = 0; c < NCHANNELS; c++) {
		int64_t pairing = d->pairing_all;
		for (int k = 0; k < NCOUNTIES; k++)
			if (!strcmp(channels[c].pairing_code, counties[k].pairing_code))
				pairing = d->pairing[k];
		struct channel_in in = {channels[c].code, channels[c].name, channels[c].kind,
					pairing};
		if (channel_create(d->db, &in, &d->channel_id[c], d->err))
			return -1;
	}
	return 0;
}

static int load_places(struct demo *d)
{
	if (create_pairings(d) || create_warehouses(d) || create_parties(d) || create_points(d) ||
	    create_households(d) || create_channels(d))
		return -1;
	progress(d, "  地点 places: 6 结对 pairings, 2 仓 warehouses, %d 收购点 points, %d 户 "
		    "households, %d 渠道 channels", NPOINTS, d->nhh, NCHANNELS);
	return 0;
}

/* ---- catalogue ---- */

static int create_product(struct demo *d, int p)
{
	const struct dproduct *pr = &products[p];
	struct product_in in = {.code = pr->code, .name = pr->name, .name_en = pr->name_en,
				.category = pr->category, .note = pr->note,
				.shelf_life_days = pr->shelf_life_days, .has_min_c = pr->cold,
				.has_max_c = pr->cold, .storage_min_c = pr->min_c,
				.storage_max_c = pr->max_c, .origin_code = pr->origin,
				.grades = pr->grades, .ngrades = pr->ngrades};
	char from[11], raise_from[11];
	int64_t id;
	if (product_create(d->db, &in, &d->product_id[p], d->err))
		return -1;
	season_date(d, pr->price_from, from);
	season_date(d, "10-15", raise_from);
	for (int g = 0; g < pr->ngrades; g++) {
		if (query_int2(d, "SELECT id FROM grades WHERE product_id = ? ORDER BY sort, id "
				  "LIMIT 1 OFFSET ?", 2, d->product_id[p], g, &d->grade_id[p][g]))
			return -1;
		if (purchase_price_set(d->db, d->grade_id[p][g], from, pr->price[g],
				       at_ms(d->first_day - 20, 9, 0), &id, d->err))
			return -1;
		if (pr->raise[g] && pr->raise[g] != pr->price[g] &&
		    purchase_price_set(d->db, d->grade_id[p][g], raise_from, pr->raise[g],
				       at_ms(d->first_day - 20, 9, 0), &id, d->err))
			return -1;
	}
	return 0;
}

static int create_sku(struct demo *d, int s)
{
	const struct dsku *k = &skus[s];
	struct sku_in in = {.code = k->code, .name = k->name, .unit_name = k->net_g < 1000 ? "袋" : "箱",
			    .product_id = d->product_id[k->product],
			    .grade_id = d->grade_id[k->product][k->grade], .net_g = k->net_g,
			    .gross_g = k->gross_g};
	char from[11];
	int64_t id;
	if (sku_create(d->db, &in, &d->sku_id[s], d->err))
		return -1;
	season_date(d, products[k->product].price_from, from);
	if (sku_price_set(d->db, d->sku_id[s], from, k->price_fen, at_ms(d->first_day - 20, 9, 0),
			  &id, d->err))
		return -1;
	if (s == S_APL85) { /* the gift box costs more from November */
		season_date(d, "11-01", from);
		if (sku_price_set(d->db, d->sku_id[s], from, 7200, at_ms(d->first_day - 20, 9, 0),
				  &id, d->err))
			return -1;
	}
	return 0;
}

static int load_catalogue(struct demo *d)
{
	for (int p = 0; p < NPRODUCTS; p++)
		if (create_product(d, p))
			return -1;
	for (int s = 0; s < NSKUS; s++)
		if (create_sku(d, s))
			return -1;
	progress(d, "  商品 catalogue: %d 产品 products, %d SKU", NPRODUCTS, NSKUS);
	return 0;
}

/* ---- users ---- */

static int add_scope(struct demo *d, int64_t user_id, const char *kind, int64_t ref_id)
{
	struct stmt *st;
	int rc = store_prepare(d->db, "INSERT INTO user_scopes (user_id, kind, ref_id) VALUES (?, ?, ?)"
				      " ON CONFLICT DO NOTHING", &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_int(st, 1, user_id);
	stmt_bind_text(st, 2, kind);
	stmt_bind_int(st, 3, ref_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

static int add_scopes(struct demo *d, int u)
{
	const struct duser *du = &users[u];
	int64_t id = d->user_id[u];
	switch (du->scope) {
	case SC_POINTS:
		for (int p = 0; p < NPOINTS; p++)
			if (points[p].county == du->county && add_scope(d, id, "point", d->point_id[p]))
				return -1;
		return 0;
	case SC_WAREHOUSE:
		return add_scope(d, id, "warehouse", du->warehouse ? d->sales_wh : d->origin_wh);
	case SC_CHANNELS:
		for (int i = 0; du->chans[i] >= 0; i++)
			if (add_scope(d, id, "channel", d->channel_id[du->chans[i]]))
				return -1;
		return 0;
	case SC_NONE:
		return 0;
	}
	return 0;
}

/* Create the demo users; one that already exists (the API tests make
 * 'admin' first) is kept as it is, password and scopes included. */
static int load_users(struct demo *d)
{
	char msg[200];
	int created = 0;
	for (int u = 0; u < NUSERS; u++) {
		enum role role;
		int64_t existing = 0;
		struct stmt *st;
		int rc = store_prepare(d->db, "SELECT id FROM users WHERE username = ?", &st);
		if (rc)
			return app_store_fail(d->err, d->db, rc);
		stmt_bind_text(st, 1, users[u].username);
		existing = 0;
		if ((rc = stmt_step(st)) == STORE_ROW)
			existing = stmt_int(st, 0);
		stmt_finalize(st);
		if (rc < 0)
			return app_store_fail(d->err, d->db, rc);
		if (existing) {
			d->user_id[u] = existing;
			continue;
		}
		if (role_parse(users[u].role, &role))
			return app_fail(d->err, 500, "internal", NULL, "演示用户角色错误",
					"unknown demo role '%s'", users[u].role);
		if (user_create(d->db, users[u].username, users[u].display, DEMO_PASSWORD, role,
				&d->user_id[u], msg, sizeof(msg)))
			return app_fail(d->err, 500, "internal", NULL, "无法创建演示用户",
					"cannot create demo user '%s': %s", users[u].username, msg);
		if (add_scopes(d, u))
			return -1;
		created++;
	}
	progress(d, "  用户 users: %d 新建 created, %d 已有 kept", created, NUSERS - created);
	return 0;
}

/* The collector user of point p's county. */
static int64_t collector_of(const struct demo *d, int p)
{
	for (int u = 0; u < NUSERS; u++)
		if (users[u].scope == SC_POINTS && users[u].county == points[p].county)
			return d->user_id[u];
	return 0;
}

static __attribute__((unused)) int64_t user_by_name(const struct demo *d, const char *username)
{
	for (int u = 0; u < NUSERS; u++)
		if (!strcmp(users[u].username, username))
			return d->user_id[u];
	return 0;
}

/* ---- collections ---- */

static bool point_open(const struct demo *d, int p, int64_t day)
{
	char wd = (char)('0' + weekday(day));
	return strchr(points[p].opens, wd) && day >= season_day(d, points[p].from) &&
	       day <= season_day(d, points[p].to);
}

/* Grams of each grade in one delivery of product p (a household brings its
 * harvest sorted at the point). */
static void delivery_split(struct demo *d, int p, int64_t net[4])
{
	memset(net, 0, 4 * sizeof(int64_t));
	switch (p) {
	case P_APPLE: {
		int64_t total = rnd(d, 80, 320) * 1000;
		int64_t s85 = rnd(d, 12, 24), s80 = rnd(d, 30, 40), s75 = rnd(d, 22, 30);
		net[0] = total * s85 / 100;
		net[1] = total * s80 / 100;
		net[2] = total * s75 / 100;
		net[3] = total - net[0] - net[1] - net[2];
		break;
	}
	case P_GREEN_PEPPER:
	case P_RED_PEPPER: {
		int64_t total = rnd(d, 40, 300) * 100;
		net[0] = total * rnd(d, 35, 60) / 100;
		net[1] = total - net[0];
		break;
	}
	default: {
		int64_t total = rnd(d, 60, 350) * 1000;
		net[0] = total * rnd(d, 60, 80) / 100;
		net[1] = total - net[0];
		break;
	}
	}
	for (int g = 0; g < 4; g++)
		net[g] -= net[g] % 100; /* the scale reads to 0.1 kg */
}

/* Tare of the crates or sacks holding net grams of product p. */
static int64_t tare_for(int p, int64_t net)
{
	if (p == P_APPLE)
		return (net / 18000 + 1) * 1200; /* plastic crates of ~18 kg */
	if (p == P_GREEN_PEPPER || p == P_RED_PEPPER)
		return (net / 10000 + 1) * 150; /* woven sacks */
	return (net / 50000 + 1) * 400;
}

static int collect_one(struct demo *d, int p, int hh, int grade, int64_t net, int64_t when)
{
	int prod = points[p].product;
	int64_t tare = tare_for(prod, net);
	char harvest[11];
	date_format(shanghai_day_of(when / 1000) - (prod == P_APPLE ? rnd(d, 0, 2) : rnd(d, 3, 20)),
		    harvest, sizeof(harvest));
	struct collection_in in = {.point_id = d->point_id[p], .household_id = d->hh_id[hh],
				   .grade_id = d->grade_id[prod][grade], .gross_g = net + tare,
				   .tare_g = tare, .unit = PRICE_PER_KG, .harvest_date = harvest,
				   .at_ms = when, .collector_id = collector_of(d, p)};
	struct collection_out out;
	if (collection_create(d->db, &in, &out, d->err))
		return -1;
	d->n_collections++;
	if (!d->reversed_collection && prod == P_APPLE && grade == 1) {
		/* the collector keyed the wrong grade: reverse and record again */
		struct collection_out rev;
		if (collection_reverse(d->db, out.id, collector_of(d, p), when + 120000,
				       "等级录错，冲销后重录 wrong grade keyed, reversed and re-entered",
				       &rev, d->err))
			return -1;
		in.grade_id = d->grade_id[prod][0];
		in.at_ms = when + 180000;
		if (collection_create(d->db, &in, &out, d->err))
			return -1;
		d->reversed_collection = true;
		d->n_collections += 2;
	}
	return 0;
}

static int collect_day(struct demo *d, int64_t day)
{
	for (int p = 0; p < NPOINTS; p++) {
		if (!point_open(d, p, day))
			continue;
		int minute = 0;
		for (int hh = 0; hh < d->nhh; hh++) {
			if (d->hh_point[hh] != p || !chance(d, points[p].deliver_pct))
				continue;
			int64_t net[4], when = at_ms(day, 8, 30) + (int64_t)minute * 60000;
			minute += (int)rnd(d, 4, 15);
			delivery_split(d, points[p].product, net);
			for (int g = 0; g < products[points[p].product].ngrades; g++)
				if (net[g] > 0 && collect_one(d, p, hh, g, net[g], when + g * 30000))
					return -1;
		}
	}
	return stamp_rows(d, at_ms(day, 12, 0));
}

/* ---- payments ---- */

static int pay_household(struct demo *d, int hh, int64_t day, int64_t when)
{
	int64_t balance;
	if (household_balance(d->db, d->hh_id[hh], &balance, d->err))
		return -1;
	if (balance <= 0 || !chance(d, 85)) /* some wait to be paid together later */
		return 0;
	char ref[48], paid_on[11];
	bool bank = chance(d, 75);
	date_format(day, paid_on, sizeof(paid_on));
	snprintf(ref, sizeof(ref), "DEMO-%s-%04d", paid_on, hh + 1);
	struct payment_in in = {.household_id = d->hh_id[hh], .amount_fen = balance,
				.method = bank ? "bank" : "cash", .reference = bank ? ref : NULL,
				.at_ms = when, .user_id = collector_of(d, d->hh_point[hh])};
	struct payment_out out;
	if (payment_create(d->db, &in, &out, d->err))
		return -1;
	d->n_payments++;
	if (bank && !d->reversed_payment && day > d->first_day + 14) {
		/* the bank returned the transfer (wrong account): owed again */
		struct payment_out rev;
		if (payment_reverse(d->db, out.id, in.user_id, when + 3 * 3600 * 1000, &rev, d->err))
			return -1;
		d->reversed_payment = true;
		d->n_payments++;
	}
	return 0;
}

/* Fridays at 16:00 the cooperatives pay what households are owed. */
static int pay_day(struct demo *d, int64_t day)
{
	if (weekday(day) != 5)
		return 0;
	for (int hh = 0; hh < d->nhh; hh++)
		if (pay_household(d, hh, day, at_ms(day, 16, 0) + hh * 20000))
			return -1;
	return stamp_rows(d, at_ms(day, 16, 30));
}

/* ---- the season, day by day ---- */

static int season_day_run(struct demo *d, int64_t day)
{
	if (collect_day(d, day) || pay_day(d, day))
		return -1;
	return 0;
}

static int run_season(struct demo *d)
{
	for (int64_t day = d->first_day; day <= d->last_day; day++) {
		int rc = store_begin(d->db);
		if (rc)
			return app_store_fail(d->err, d->db, rc);
		if (season_day_run(d, day)) {
			store_rollback(d->db);
			return -1;
		}
		if ((rc = store_commit(d->db))) {
			store_rollback(d->db);
			return app_store_fail(d->err, d->db, rc);
		}
		if (weekday(day) == 7) {
			char date[11];
			date_format(day, date, sizeof(date));
			progress(d, "  %s: %" PRId64 " 次收购 collections, %" PRId64
				    " 笔付款 payments", date, d->n_collections, d->n_payments);
		}
	}
	return 0;
}

/* ---- entry points ---- */

/* The demo year: 2026, or the latest year whose season is over by now, so
 * no date the services check lies in the future. */
static int demo_year(void)
{
	int y, m, dd, year = 2026;
	civil_from_days(shanghai_day_of(time_now_ms() / 1000), &y, &m, &dd);
	while (days_from_civil(year, 11, 22) > shanghai_day_of(time_now_ms() / 1000))
		year--;
	return year;
}

static int refuse_if_loaded(struct demo *d)
{
	int64_t n = 0;
	if (query_int2(d, "SELECT COUNT(*) FROM households", 0, 0, 0, &n))
		return -1;
	if (n > 0)
		return app_fail(d->err, 409, "conflict", NULL, "数据库中已有农户数据，不能再载入演示数据",
				"the database already has households: the demo loads only into an "
				"empty database");
	if (query_int2(d, "SELECT COUNT(*) FROM divisions WHERE code = '513423101202'", 0, 0, 0,
		       &n))
		return -1;
	if (n == 0)
		return app_fail(d->err, 422, "invalid", NULL, "缺少行政区划数据（请先运行 init）",
				"the divisions are not loaded (run 'shanhai init' first)");
	return 0;
}

static int load_base(struct demo *d)
{
	int rc = store_begin(d->db);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	if (load_places(d) || load_catalogue(d) || load_users(d)) {
		store_rollback(d->db);
		return -1;
	}
	if ((rc = store_commit(d->db))) {
		store_rollback(d->db);
		return app_store_fail(d->err, d->db, rc);
	}
	return 0;
}

int demo_load(struct store *db, FILE *progress_out, struct app_err *err)
{
	struct demo *d = xcalloc(1, sizeof(*d));
	int rc = -1;
	d->db = db;
	d->progress = progress_out;
	d->err = err;
	d->rng = DEMO_SEED;
	d->year = demo_year();
	d->first_day = days_from_civil(d->year, 9, 10);
	d->last_day = days_from_civil(d->year, 11, 20);
	memset(err, 0, sizeof(*err));
	if (refuse_if_loaded(d))
		goto out_free;
	progress(d, "演示数据 demo data: %d 年产季 season %d-09-10 .. %d-11-20", d->year, d->year,
		 d->year);
	if (load_base(d) || stamp_prepare(d) || stamp_rows(d, at_ms(d->first_day - 20, 9, 0)))
		goto out_stamps;
	if (run_season(d))
		goto out_stamps;
	progress(d, "完成 done: %" PRId64 " 次收购 collections, %" PRId64 " 笔付款 payments",
		 d->n_collections, d->n_payments);
	rc = 0;
out_stamps:
	stamp_release(d);
out_free:
	free(d);
	return rc;
}

void demo_print_logins(FILE *out)
{
	fprintf(out, "演示账号 demo logins (密码 password: %s)\n", DEMO_PASSWORD);
	fprintf(out, "  %-20s %-10s %s\n", "用户名 username", "角色 role", "范围 scope");
	for (int u = 0; u < NUSERS; u++)
		fprintf(out, "  %-20s %-10s %s / %s\n", users[u].username, users[u].role,
			users[u].what_zh, users[u].what_en);
	fprintf(out, "  (已存在的同名账号保持原密码 an account that already existed keeps its "
		     "own password)\n");
}
