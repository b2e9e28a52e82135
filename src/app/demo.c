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
 * Everything goes through the service functions of src/app/ (the fairs'
 * orders through the spreadsheet importer; users get the argon2id hash of
 * src/http/auth.h), in date order, so each step meets the stock and money
 * the earlier ones left and the real rules are exercised. Some services
 * stamp rows with the wall clock; after each step the loader moves those
 * stamps to the simulated instant (stamp_rows), so delivery times and
 * figures read like a real season. A fixed seed and a PRNG of our own
 * (splitmix64) make the quantities identical on every run and on both
 * stores (receipt and lot codes are random, as the services make them).
 * The whole load is one transaction: it happens completely or not at all.
 *
 * The season is September to November 2026, or of the latest year whose
 * season is over when the clock is earlier (the services refuse dates in
 * the future).
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
#include "app/collect_runs.h"
#include "app/collection.h"
#include "app/fulfil.h"
#include "app/linehaul.h"
#include "app/order_import.h"
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
	 "09-15", "11-10", 10},
	{"YY-MY-MYB", "盐源梅雨镇梅雨堡村收购点", "513423102204", C_YANYUAN, P_APPLE, 30, "1356",
	 "09-15", "11-10", 10},
	{"YY-MY-HTY", "盐源棉桠镇核桃园村收购点", "513423113200", C_YANYUAN, P_APPLE, 30, "246",
	 "09-18", "11-08", 11},
	{"JY-DP-LML", "金阳对坪镇芦茅林村收购点", "513430103202", C_JINYANG, P_GREEN_PEPPER, 30,
	 "26", "09-10", "10-25", 14},
	{"BT-TJ-FTL", "布拖拖觉镇菲土鲁村收购点", "513429102200", C_BUTUO, P_BUCKWHEAT, 25, "135",
	 "09-25", "11-20", 10},
	{"ZJ-SCH-SH", "昭觉三岔河镇三河村收购点", "513431106205", C_ZHAOJUE, P_BUCKWHEAT, 30,
	 "246", "09-25", "11-20", 10},
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
#define NSTAMPS 12
#define MAX_LINEHAULS_IN_FLIGHT 8

struct pending_order {
	int64_t id, ordered_ms;
	int place;
};

struct pending_delivery {
	int64_t parcel_id;
	const char *carrier;
	char tracking[32];
	int64_t deliver_ms;
};

struct pending_linehaul {
	int64_t id, due_day;
};

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
	int64_t n_customers, n_imports;
	int64_t n_collections, n_payments, n_transfers, n_packings, n_linehauls, n_orders,
		n_parcels, n_delivered, n_cancelled, n_refunds, n_returns, n_adjustments;
	bool reversed_collection, reversed_payment, mismatch_done, damage_done;
	/* work in flight from one simulated day to the next */
	int64_t pending_transfer[NPOINTS];
	int npending_transfer;
	struct pending_linehaul pending_linehaul[MAX_LINEHAULS_IN_FLIGHT];
	int npending_linehaul;
	struct pending_order *pending_order;
	int npending_order, cap_pending_order;
	struct pending_delivery *delivery;
	int ndelivery, cap_delivery;
	int64_t tracking_seq;
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
static int exec_ints(struct demo *d, const char *sql, int n, int64_t a, int64_t b, int64_t c)
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
 * last stamp_rows gets the simulated instant instead. Each step names the
 * tables it may have added to (T_* bits), so a step costs a few statements,
 * not 22 (it matters on PostgreSQL, where each is a round trip). */
enum {
	T_MOVES = 1 << 0, T_LOTS = 1 << 1, T_PACKINGS = 1 << 2, T_ADJUSTMENTS = 1 << 3,
	T_LINEHAULS = 1 << 4, T_PARCELS = 1 << 5, T_REFUNDS = 1 << 6, T_ORDERS = 1 << 7,
	T_CUSTOMERS = 1 << 8, T_TRANSFERS = 1 << 9, T_PAYMENTS = 1 << 10, T_IMPORTS = 1 << 11,
	T_ALL = (1 << 12) - 1
};
static const char *const stamp_tables[NSTAMPS][2] = {
	{"stock_moves", "at"},       {"lots", "created_at"},      {"packings", "created_at"},
	{"adjustments", "created_at"}, {"linehauls", "created_at"}, {"parcels", "created_at"},
	{"refunds", "created_at"},   {"orders", "created_at"},    {"customers", "created_at"},
	{"transfers", "sent_at"},    {"payments", "created_at"},  {"imports", "created_at"},
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
		d->stamp_update[i] = d->stamp_max[i] = NULL;
	}
}

static int stamp_rows(struct demo *d, int64_t when_ms, int tables)
{
	for (int i = 0; i < NSTAMPS; i++) {
		if (!(tables & (1 << i)))
			continue;
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

/* Opening hours of the points (the farther mountain points open shorter). */
static const char *const point_hours[NPOINTS][2] = {
	{"08:00", "18:00"}, {"08:00", "18:00"}, {"08:30", "17:30"}, {"09:00", "16:30"},
	{"08:30", "17:00"}, {"08:00", "17:30"}, {"09:00", "17:00"},
};

static int create_points(struct demo *d)
{
	for (int p = 0; p < NPOINTS; p++) {
		struct point_in in = {.code = points[p].code, .name = points[p].name,
				      .village_code = points[p].village,
				      .warehouse_id = d->origin_wh, .opens = point_hours[p][0],
				      .closes = point_hours[p][1]};
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

/* The origin warehouse's trucks for the village collection runs. */
static int create_vehicles(struct demo *d)
{
	const struct vehicle_in v[] = {
		{d->origin_wh, "XC-V42", "4.2米厢式货车", 2000000, false, 30000, 350, 4000, 3, 840,
		 true},
		{d->origin_wh, "XC-V76", "7.6米厢式货车", 8000000, false, 60000, 600, 5000, 1, 840,
		 true},
		{d->origin_wh, "XC-C42", "4.2米冷藏车", 1500000, true, 50000, 500, 4500, 1, 840, true},
	};
	int64_t id;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (vehicle_create(d->db, &v[i], &id, d->err))
			return -1;
	return 0;
}

static int load_places(struct demo *d)
{
	if (create_pairings(d) || create_warehouses(d) || create_parties(d) || create_points(d) ||
	    create_vehicles(d) || create_households(d) || create_channels(d))
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

/* The id of user `username`, or 0 if there is none. */
static int existing_user(struct demo *d, const char *username, int64_t *id)
{
	struct stmt *st;
	int rc = store_prepare(d->db, "SELECT id FROM users WHERE username = ?", &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_text(st, 1, username);
	*id = 0;
	if ((rc = stmt_step(st)) == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* Insert demo user u with an argon2id hash made by password_hash(). The demo
 * users share one password, so it is hashed once: argon2id is slow on
 * purpose, and ten hashes were a third of the loading time. The row is the
 * one user_create() writes. */
static int insert_user(struct demo *d, int u, const char *hash)
{
	struct stmt *st;
	enum role role;
	if (role_parse(users[u].role, &role))
		return app_fail(d->err, 500, "internal", NULL, "演示用户角色错误",
				"unknown demo role '%s'", users[u].role);
	int rc = store_prepare(d->db, "INSERT INTO users (username, display_name, password_hash, role,"
				      " active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_text(st, 1, users[u].username);
	stmt_bind_text(st, 2, users[u].display);
	stmt_bind_text(st, 3, hash);
	stmt_bind_text(st, 4, role_name(role));
	stmt_bind_int(st, 5, at_ms(d->first_day - 30, 9, 0));
	if ((rc = stmt_step(st)) == STORE_ROW)
		d->user_id[u] = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(d->err, d->db, rc < 0 ? rc : STORE_EMISUSE);
	return add_scopes(d, u);
}

/* Create the demo users; one that already exists (the API tests make
 * 'admin' first) is kept as it is, password and scopes included. */
static int load_users(struct demo *d)
{
	char *hash = NULL;
	int created = 0, rc = -1;
	for (int u = 0; u < NUSERS; u++) {
		if (existing_user(d, users[u].username, &d->user_id[u]))
			goto out_free_hash;
		if (d->user_id[u])
			continue;
		if (!hash && !(hash = password_hash(DEMO_PASSWORD))) {
			app_fail(d->err, 500, "internal", NULL, "密码哈希失败",
				 "hashing the demo password failed");
			goto out_free_hash;
		}
		if (insert_user(d, u, hash))
			goto out_free_hash;
		created++;
	}
	progress(d, "  用户 users: %d 新建 created, %d 已有 kept", created, NUSERS - created);
	rc = 0;
out_free_hash:
	free(hash);
	return rc;
}

/* The collector user of point p's county. */
static int64_t collector_of(const struct demo *d, int p)
{
	for (int u = 0; u < NUSERS; u++)
		if (users[u].scope == SC_POINTS && users[u].county == points[p].county)
			return d->user_id[u];
	return 0;
}

static int64_t user_by_name(const struct demo *d, const char *username)
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
		int64_t total = rnd(d, 60, 220) * 1000;
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
		int64_t total = rnd(d, 20, 120) * 1000;
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
	return stamp_rows(d, at_ms(day, 12, 0), T_MOVES | T_LOTS);
}

/* ---- payments ---- */

static int pay_household(struct demo *d, int hh, int64_t day, int64_t when)
{
	int64_t balance, recent;
	if (household_balance(d->db, d->hh_id[hh], &balance, d->err))
		return -1;
	if (balance <= 0)
		return 0;
	if (query_int2(d, "SELECT COALESCE(SUM(amount_fen), 0) FROM household_ledger WHERE"
			  " household_id = ? AND kind = 'collection' AND at >= ?", 2, d->hh_id[hh],
		       at_ms(day - 7, 0, 0), &recent))
		return -1;
	balance -= recent; /* settled a week in arrears */
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
		if (payment_reverse(d->db, out.id, "银行退回（账号有误） returned by the bank: wrong account",
				    in.user_id, when + 3 * 3600 * 1000, &rev, d->err))
			return -1;
		d->reversed_payment = true;
		d->n_payments++;
	}
	return 0;
}

/* Fridays at 16:00 the cooperatives pay what households were owed a week
 * before; the season's final settlement comes after its last day, so the
 * payables list is not empty. */
static int pay_day(struct demo *d, int64_t day)
{
	if (weekday(day) != 5 || day + 7 > d->last_day)
		return 0;
	for (int hh = 0; hh < d->nhh; hh++)
		if (pay_household(d, hh, day, at_ms(day, 16, 0) + hh * 20000))
			return -1;
	return stamp_rows(d, at_ms(day, 16, 30), T_PAYMENTS);
}

/* ---- reading rows back ---- */

/* Up to max rows of (int, int) from sql with up to three int binds. Returns
 * the number of rows, or -1 with err filled in. */
static int query_pairs(struct demo *d, const char *sql, int nbind, const int64_t *binds,
		       int64_t (*out)[2], int max)
{
	struct stmt *st;
	int rc = store_prepare(d->db, sql, &st), n = 0;
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	for (int i = 0; i < nbind; i++)
		stmt_bind_int(st, i + 1, binds[i]);
	while (n < max && (rc = stmt_step(st)) == STORE_ROW) {
		out[n][0] = stmt_int(st, 0);
		out[n][1] = stmt_int(st, 1);
		n++;
	}
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : n;
}

/* Whole unreserved, unexpired units of sku s at a warehouse on day. */
static int units_available(struct demo *d, int s, int64_t warehouse_id, int64_t day,
			   int64_t *units)
{
	char today[11];
	struct stmt *st;
	date_format(day, today, sizeof(today));
	int rc = store_prepare(d->db, "SELECT COALESCE(SUM(s.qty_g - s.reserved_g), 0) FROM stock s"
				      " JOIN lots l ON l.id = s.lot_id WHERE s.loc_kind = 'warehouse'"
				      " AND s.loc_id = ? AND l.sku_id = ? AND l.expires_on >= ?",
			       &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_int(st, 1, warehouse_id);
	stmt_bind_int(st, 2, d->sku_id[s]);
	stmt_bind_text(st, 3, today);
	*units = 0;
	if ((rc = stmt_step(st)) == STORE_ROW)
		*units = stmt_int(st, 0) / skus[s].net_g;
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* ---- transfers: collection points -> origin warehouse ---- */

#define MAX_LOTS 512

static int send_transfer(struct demo *d, int p, int64_t day)
{
	int64_t rows[MAX_LOTS][2], id;
	int64_t bind[1] = {d->point_id[p]};
	char code[32];
	int n = query_pairs(d, "SELECT lot_id, qty_g - reserved_g FROM stock WHERE loc_kind = "
			       "'point' AND loc_id = ? AND qty_g - reserved_g > 0 ORDER BY lot_id",
			    1, bind, rows, MAX_LOTS);
	if (n <= 0)
		return n;
	struct transfer_line_in *lines = xcalloc((size_t)n, sizeof(*lines));
	for (int i = 0; i < n; i++)
		lines[i] = (struct transfer_line_in){rows[i][0], rows[i][1]};
	int rc = transfer_send(d->db, d->point_id[p], d->origin_wh, lines, n, collector_of(d, p),
			       &id, code, d->err);
	free(lines);
	if (rc || stamp_rows(d, at_ms(day, 17, 0), T_TRANSFERS | T_MOVES))
		return -1;
	d->pending_transfer[d->npending_transfer++] = id;
	d->n_transfers++;
	return 0;
}

/* The truck from the villages arrives next morning; now and then a lot of
 * apples weighs a little less than it left (handling, water loss). */
static int receive_transfer(struct demo *d, int64_t id, int64_t day)
{
	int64_t rows[MAX_LOTS][2], bind[1] = {id};
	struct transfer_recv_in short_line;
	int nshort = 0;
	int n = query_pairs(d, "SELECT lot_id, sent_g FROM transfer_lines WHERE transfer_id = ?"
			       " ORDER BY lot_id", 1, bind, rows, MAX_LOTS);
	if (n < 0)
		return -1;
	if (n > 0 && chance(d, 20)) {
		int k = (int)rnd(d, 0, n - 1);
		short_line = (struct transfer_recv_in){rows[k][0], rows[k][1] - rows[k][1] / 200};
		nshort = short_line.received_g < rows[k][1] ? 1 : 0;
	}
	if (transfer_receive(d->db, id, &short_line, nshort, user_by_name(d, "wh_xichang"), d->err) ||
	    exec_ints(d, "UPDATE transfers SET received_at = ? WHERE id = ?", 2, at_ms(day, 10, 0),
		      id, 0))
		return -1;
	return stamp_rows(d, at_ms(day, 10, 0), T_MOVES);
}

static int transfer_day(struct demo *d, int64_t day)
{
	for (int i = 0; i < d->npending_transfer; i++)
		if (receive_transfer(d, d->pending_transfer[i], day))
			return -1;
	d->npending_transfer = 0;
	if (day == d->last_day) /* the last day's lots are still at the points */
		return 0;
	for (int p = 0; p < NPOINTS; p++)
		if (point_open(d, p, day) && send_transfer(d, p, day))
			return -1;
	return 0;
}

/* ---- packing runs at the origin warehouse ---- */

/* What a run of total grams into SKU s weighs out: losses (rot, water,
 * dust), apples' grade-outs, and whole units. One apple run after 10-20 has
 * its grade-outs weighed 350 g light, so the run is flagged, as it should. */
static void weigh_run(struct demo *d, int s, int64_t day, int64_t total, int64_t *units,
		      int64_t *loss, int64_t *gradeout)
{
	bool fruit = skus[s].product == P_APPLE;
	*loss = total * rnd(d, fruit ? 5 : 2, fruit ? 15 : 8) / 1000;
	int64_t gradeout_min = fruit ? total * rnd(d, 20, 50) / 1000 : 0;
	*units = (total - *loss - gradeout_min) / skus[s].net_g;
	*gradeout = total - *loss - *units * skus[s].net_g;
	if (!d->mismatch_done && s == S_APL70 && day >= season_day(d, "10-20")) {
		*gradeout -= 350;
		d->mismatch_done = true;
	}
}

/* Pack every source lot of product p, grade g at the origin into SKU s:
 * weighed loss and grade-outs, the rest whole units. */
static int pack_grade(struct demo *d, int s, int64_t day)
{
	const struct dsku *k = &skus[s];
	int64_t rows[PACK_MAX_LINES][2], total = 0;
	int64_t bind[2] = {d->origin_wh, d->grade_id[k->product][k->grade]};
	int n = query_pairs(d, "SELECT s.lot_id, s.qty_g - s.reserved_g FROM stock s JOIN lots l"
			       " ON l.id = s.lot_id WHERE s.loc_kind = 'warehouse' AND s.loc_id = ?"
			       " AND l.kind = 'source' AND l.grade_id = ? AND s.qty_g - s.reserved_g"
			       " > 0 ORDER BY l.expires_on, l.id",
			    2, bind, rows, PACK_MAX_LINES);
	if (n < 0)
		return -1;
	struct pack_input in[PACK_MAX_LINES];
	for (int i = 0; i < n; i++) {
		in[i] = (struct pack_input){rows[i][0], rows[i][1]};
		total += rows[i][1];
	}
	if (total < 20 * k->net_g)
		return 0;
	bool fruit = k->product == P_APPLE;
	int64_t units, loss, gradeout;
	char packed_on[11];
	weigh_run(d, s, day, total, &units, &loss, &gradeout);
	date_format(day, packed_on, sizeof(packed_on));
	struct pack_output out = {d->sku_id[s], units};
	struct pack_loss losses[2] = {
		{"loss", loss, fruit ? "腐烂、失水 rot and water loss" : "杂质、碎屑 dust and stems"},
		{"gradeout", gradeout, fruit ? "次果转加工 off-grade fruit to processing"
					     : "筛下物 screenings"},
	};
	struct packing_in pin = {.warehouse_id = d->origin_wh, .packed_on = packed_on,
				 .inputs = in, .ninputs = n, .outputs = &out, .noutputs = 1,
				 .losses = losses, .nlosses = gradeout > 0 ? 2 : 1,
				 .note = "演示数据 demo"};
	struct packing_result *res = xmalloc(sizeof(*res));
	int rc = packing_create(d->db, &pin, user_by_name(d, "wh_xichang"), res, d->err);
	free(res);
	if (rc)
		return -1;
	d->n_packings++;
	return stamp_rows(d, at_ms(day, 14, 0) + s * 600000, T_PACKINGS | T_LOTS | T_MOVES);
}

/* Tuesdays and Fridays the packing line runs. */
static int pack_day(struct demo *d, int64_t day)
{
	if ((weekday(day) != 2 && weekday(day) != 5) || day == d->last_day)
		return 0; /* what arrived on the last day waits to be packed */
	for (int s = 0; s < NSKUS; s++)
		if (skus[s].truck_cap > 0 && pack_grade(d, s, day))
			return -1;
	return 0;
}

/* ---- line-hauls: Xichang -> Ningbo ---- */

static int plan_load(struct demo *d, int64_t day, struct linehaul_line_in *lines, int *n,
		     int64_t *gross_g)
{
	*n = 0;
	*gross_g = 0;
	for (int s = 0; s < NSKUS; s++) {
		int64_t at_origin, at_sales;
		if (skus[s].truck_cap == 0)
			continue;
		if (units_available(d, s, d->origin_wh, day, &at_origin) ||
		    units_available(d, s, d->sales_wh, day, &at_sales))
			return -1;
		/* keep about a quarter at the origin for direct parcels */
		int64_t load = at_origin * 3 / 4;
		if (load > skus[s].truck_cap - at_sales)
			load = skus[s].truck_cap - at_sales;
		if (load < 5)
			continue;
		lines[(*n)++] = (struct linehaul_line_in){.sku_id = d->sku_id[s], .units = load};
		*gross_g += load * skus[s].gross_g;
	}
	return 0;
}

static int dispatch_linehaul(struct demo *d, int64_t day)
{
	struct linehaul_line_in lines[NSKUS];
	int n;
	int64_t gross, id;
	char today[11], code[32], plate[24];
	if (plan_load(d, day, lines, &n, &gross))
		return -1;
	if (n == 0)
		return 0;
	if (d->npending_linehaul == MAX_LINEHAULS_IN_FLIGHT)
		return 0;
	/* a full 9.6 m reefer for 8 t or more, else space on a shared truck
	 * (拼车零担) at about 1.10 yuan per kg, 1500 yuan at least */
	bool full = gross >= 8000000;
	int64_t shared_cost = gross / 1000 * 110;
	date_format(day, today, sizeof(today));
	snprintf(plate, sizeof(plate), "川W·D%04d", (int)rnd(d, 1000, 9999));
	struct linehaul_in in = {.from_warehouse_id = d->origin_wh, .to_warehouse_id = d->sales_wh,
				 .truck_type = full ? "9.6米冷藏车整车 9.6 m reefer, full truck"
						    : "6.8米厢式货车拼车零担 6.8 m van, shared load",
				 .plate = plate,
				 .cost_fen = full ? 1250000 : shared_cost > 150000 ? shared_cost : 150000,
				 .lines = lines, .nlines = n, .today = today};
	int64_t when = at_ms(day, 18, 0), user = user_by_name(d, "wh_xichang");
	if (linehaul_create(d->db, &in, user, &id, code, d->err) ||
	    stamp_rows(d, when - 3 * 3600 * 1000, T_LINEHAULS | T_MOVES) || linehaul_dispatch(d->db, id, -1, user, d->err) ||
	    exec_ints(d, "UPDATE linehauls SET dispatched_at = ? WHERE id = ?", 2, when, id, 0) ||
	    stamp_rows(d, when, T_MOVES))
		return -1;
	d->pending_linehaul[d->npending_linehaul].id = id;
	d->pending_linehaul[d->npending_linehaul++].due_day = day + 3;
	d->n_linehauls++;
	return 0;
}

/* About 2300 km later: the first truck has one crushed box of apples. */
static int receive_linehaul(struct demo *d, int64_t id, int64_t day)
{
	struct linehaul_recv_in dmg;
	int ndmg = 0;
	if (!d->damage_done) {
		int64_t row[1][2], bind[2] = {id, d->product_id[P_APPLE]};
		int n = query_pairs(d, "SELECT ll.lot_id, k.net_g FROM linehaul_lines ll JOIN lots l ON"
				       " l.id = ll.lot_id JOIN skus k ON k.id = l.sku_id WHERE"
				       " ll.linehaul_id = ? AND l.product_id = ? ORDER BY ll.lot_id",
				    2, bind, row, 1);
		if (n < 0)
			return -1;
		if (n == 1) {
			int64_t loaded;
			if (query_int2(d, "SELECT loaded_g FROM linehaul_lines WHERE linehaul_id = ? AND"
					  " lot_id = ?", 2, id, row[0][0], &loaded))
				return -1;
			dmg = (struct linehaul_recv_in){row[0][0], loaded - row[0][1], row[0][1],
							"一箱压损 one box crushed"};
			ndmg = 1;
			d->damage_done = true;
		}
	}
	int64_t when = at_ms(day, 10, 0);
	if (linehaul_receive(d->db, id, &dmg, ndmg, user_by_name(d, "wh_ningbo"), d->err) ||
	    exec_ints(d, "UPDATE linehauls SET received_at = ? WHERE id = ?", 2, when, id, 0))
		return -1;
	return stamp_rows(d, when, T_MOVES);
}

/* A truck leaves every Monday at 18:00 and arrives on Thursday. */
static int linehaul_day(struct demo *d, int64_t day)
{
	int keep = 0;
	for (int i = 0; i < d->npending_linehaul; i++) {
		if (d->pending_linehaul[i].due_day == day) {
			if (receive_linehaul(d, d->pending_linehaul[i].id, day))
				return -1;
		} else {
			d->pending_linehaul[keep++] = d->pending_linehaul[i];
		}
	}
	d->npending_linehaul = keep;
	if (weekday(day) == 1)
		return dispatch_linehaul(d, day);
	return 0;
}

/* ---- orders (云仓集单) ---- */

enum region { R_NINGBO, R_ZHEJIANG, R_SHANGHAI, R_BEYOND, NREGIONS };

struct dplace {
	const char *division, *city;
	enum region region;
	const char *streets[3];
};

/* Customers' districts (real codes) and invented street addresses. */
static const struct dplace places_east[] = {
	{"330203", "浙江省宁波市海曙区", R_NINGBO, {"中山西路", "药行街", "望春路"}},
	{"330205", "浙江省宁波市江北区", R_NINGBO, {"人民路", "大闸路", "环城北路"}},
	{"330206", "浙江省宁波市北仑区", R_NINGBO, {"新大路", "明州路", "长江路"}},
	{"330211", "浙江省宁波市镇海区", R_NINGBO, {"民和路", "庄市大道", "城河西路"}},
	{"330212", "浙江省宁波市鄞州区", R_NINGBO, {"天童南路", "四明中路", "钱湖北路"}},
	{"330213", "浙江省宁波市奉化区", R_NINGBO, {"南山路", "大成东路", "中山路"}},
	{"330281", "浙江省余姚市", R_NINGBO, {"阳明西路", "新建北路", "舜水南路"}},
	{"330282", "浙江省慈溪市", R_NINGBO, {"新城大道", "三北大街", "孙塘北路"}},
	{"330106", "浙江省杭州市西湖区", R_ZHEJIANG, {"文三路", "天目山路", "古墩路"}},
	{"330108", "浙江省杭州市滨江区", R_ZHEJIANG, {"江南大道", "滨盛路", "长河路"}},
	{"330602", "浙江省绍兴市越城区", R_ZHEJIANG, {"解放北路", "中兴中路", "胜利西路"}},
	{"331102", "浙江省丽水市莲都区", R_ZHEJIANG, {"丽阳街", "中山街", "解放街"}},
	{"330302", "浙江省温州市鹿城区", R_ZHEJIANG, {"人民中路", "车站大道", "学院中路"}},
	{"310104", "上海市徐汇区", R_SHANGHAI, {"漕溪北路", "天钥桥路", "宜山路"}},
	{"310115", "上海市浦东新区", R_SHANGHAI, {"张杨路", "世纪大道", "锦绣路"}},
	{"310112", "上海市闵行区", R_SHANGHAI, {"七莘路", "莘庄路", "都市路"}},
	{"110105", "北京市朝阳区", R_BEYOND, {"朝阳北路", "望京街", "劲松路"}},
	{"440305", "广东省深圳市南山区", R_BEYOND, {"南海大道", "科技园路", "桃园路"}},
	{"320106", "江苏省南京市鼓楼区", R_BEYOND, {"中山北路", "湖南路", "广州路"}},
	{"510107", "四川省成都市武侯区", R_BEYOND, {"人民南路", "科华北路", "武侯大道"}},
	{"420106", "湖北省武汉市武昌区", R_BEYOND, {"中北路", "武珞路", "中南路"}},
};

#define NPLACES_EAST ((int)(sizeof(places_east) / sizeof(places_east[0])))
#define PLACE_YUYAO 6
#define C_IMPORT_COLUMNS 9 /* order_import_columns: order_no .. ordered_at */

/* Where each channel's customers live, in % per region. */
static const int region_mix[NCHANNELS][NREGIONS] = {
	[CH_LIVE] = {30, 20, 20, 30}, [CH_ECOM] = {25, 20, 20, 35}, [CH_UNION] = {100, 0, 0, 0},
	[CH_SUPER] = {100, 0, 0, 0},  [CH_FLAG] = {100, 0, 0, 0},  [CH_FAIR] = {90, 10, 0, 0},
};

/* What consumers pick (weights per SKU) and from when each is on sale. */
static const int consumer_mix[NSKUS] = {14, 18, 10, 6, 8, 5, 7, 4, 12, 6, 0};
static const char *const on_sale[NSKUS] = {"09-20", "09-20", "09-20", "09-20", "09-14", "09-14",
					   "09-14", "09-14", "10-06", "10-06", "11-12"};

static const char *const cust_surnames[] = {"王", "李", "张", "陈", "刘", "杨", "黄", "周", "吴", "徐",
					    "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁"};
static const char *const cust_given[] = {"丽", "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军",
					 "杰", "娟", "涛", "明", "超", "秀兰", "海燕", "建华", "晓东", "佳怡"};

struct order_plan {
	int64_t when;
	int channel;
};

static int cmp_plan(const void *a, const void *b)
{
	const struct order_plan *x = a, *y = b;
	return (x->when > y->when) - (x->when < y->when);
}

static int pick_place(struct demo *d, int channel)
{
	if (channel == CH_FLAG && chance(d, 80))
		return PLACE_YUYAO;
	int r = (int)rnd(d, 0, 99), region = 0;
	while (region < NREGIONS - 1 && r >= region_mix[channel][region])
		r -= region_mix[channel][region++];
	int first = -1, n = 0;
	for (int i = 0; i < NPLACES_EAST; i++)
		if ((int)places_east[i].region == region) {
			if (first < 0)
				first = i;
			n++;
		}
	return first + (int)rnd(d, 0, n - 1);
}

static bool sku_on_sale(const struct demo *d, int s, int64_t day)
{
	return day >= season_day(d, on_sale[s]);
}

static int pick_consumer_sku(struct demo *d, int64_t day)
{
	int total = 0, r;
	for (int s = 0; s < NSKUS; s++)
		total += sku_on_sale(d, s, day) ? consumer_mix[s] : 0;
	if (total == 0)
		return -1;
	r = (int)rnd(d, 0, total - 1);
	for (int s = 0; s < NSKUS; s++) {
		int w = sku_on_sale(d, s, day) ? consumer_mix[s] : 0;
		if (r < w)
			return s;
		r -= w;
	}
	return -1;
}

/* A wholesale line of SKU s: 60 to 200 boxes, but no more than one
 * warehouse has unreserved (the buyer orders from the stock list the office
 * sends, so a big line is not left on backorder). */
static int wholesale_units(struct demo *d, int s, int64_t day, int64_t *units)
{
	int64_t at_sales, at_origin, want = rnd(d, 60, 200);
	if (units_available(d, s, d->sales_wh, day, &at_sales) ||
	    units_available(d, s, d->origin_wh, day, &at_origin))
		return -1;
	int64_t most = at_sales > at_origin ? at_sales : at_origin;
	*units = want < most ? want : most;
	return 0;
}

/* Lines of one order: SKU indexes and units, distinct SKUs; -1 on a store
 * error. Consumers buy a
 * box or three; the union's 消费帮扶 purchases (staff welfare) and the
 * supermarket's replenishments buy 60 to 200 boxes a line, which is what
 * sells most of the season's packed produce (with only a few dozen boxes a
 * line, under 40% of it sold and sales stayed below the payments to the
 * households). */
static int plan_lines(struct demo *d, int channel, int64_t day, int sku[3], int64_t units[3])
{
	static const int union_skus[] = {S_APL85, S_APL80, S_APL85, S_KQ_1};
	static const int super_skus[] = {S_APL80, S_APL75, S_APL70, S_KQ_1, S_KQ_2, S_QHJ_T};
	int want = channel == CH_SUPER ? (int)rnd(d, 2, 3) : chance(d, 75) ? 1 : (int)rnd(d, 2, 3);
	int n = 0;
	if (channel == CH_LIVE && sku_on_sale(d, S_QC, day) && chance(d, 12)) {
		sku[0] = S_QC; /* navel-orange pre-sale: nothing to ship before 11-28 */
		units[0] = rnd(d, 1, 2);
		return 1;
	}
	for (int tries = 0; n < want && tries < 10; tries++) {
		int s = channel == CH_UNION ? union_skus[rnd(d, 0, 3)]
		      : channel == CH_SUPER ? super_skus[rnd(d, 0, 5)]
					    : pick_consumer_sku(d, day);
		bool dup = s < 0 || !sku_on_sale(d, s, day);
		for (int i = 0; i < n && !dup; i++)
			dup = sku[i] == s;
		if (dup)
			continue;
		if (channel == CH_UNION || channel == CH_SUPER) {
			if (wholesale_units(d, s, day, &units[n]))
				return -1;
			if (units[n] < 20)
				continue; /* too little left to be worth a wholesale line */
		} else {
			units[n] = chance(d, 70) ? 1 : rnd(d, 2, 3);
		}
		sku[n] = s;
		n++;
	}
	return n;
}

/* The demo user who takes channel's orders: the channel manager for the
 * channels in their scope, else the administrator. */
static int64_t channel_user(const struct demo *d, int channel)
{
	for (int u = 0; u < NUSERS; u++) {
		if (users[u].scope != SC_CHANNELS)
			continue;
		for (int i = 0; users[u].chans[i] >= 0; i++)
			if (users[u].chans[i] == channel)
				return d->user_id[u];
	}
	return user_by_name(d, "admin");
}

static int unit_price(struct demo *d, int s, int channel, const char *date, int64_t *price)
{
	struct app_err ignored;
	if (sku_price_in_force(d->db, d->sku_id[s], date, price, &ignored))
		*price = skus[s].price_fen; /* pre-sale before the price is in force */
	if (channel == CH_UNION || channel == CH_SUPER)
		*price = *price * 9 / 10; /* wholesale */
	return 0;
}

static void remember_order(struct demo *d, int64_t id, int64_t when, int place)
{
	if (d->npending_order == d->cap_pending_order) {
		d->cap_pending_order = d->cap_pending_order ? 2 * d->cap_pending_order : 256;
		d->pending_order = xrealloc(d->pending_order,
					    (size_t)d->cap_pending_order * sizeof(*d->pending_order));
	}
	d->pending_order[d->npending_order++] = (struct pending_order){id, when, place};
}

static void customer_of(struct demo *d, int channel, int place, char *name, size_t namesz,
			char *addr, size_t addrsz)
{
	const struct dplace *pl = &places_east[place];
	if (channel == CH_UNION)
		snprintf(name, namesz, "甬城单位%02d工会（虚构）", (int)rnd(d, 1, 40));
	else if (channel == CH_SUPER)
		snprintf(name, namesz, "三江购物 %s店（虚构）", pl->streets[rnd(d, 0, 2)]);
	else
		snprintf(name, namesz, "%s%s", cust_surnames[rnd(d, 0, 19)], cust_given[rnd(d, 0, 19)]);
	snprintf(addr, addrsz, "%s%s%d号%d幢%d室", pl->city, pl->streets[rnd(d, 0, 2)],
		 (int)rnd(d, 1, 999), (int)rnd(d, 1, 30), (int)rnd(d, 101, 2802));
}

/* One order as the channel would send it. */
struct built_order {
	char order_no[64], name[64], addr[200], phone[32];
	struct order_line_in lines[3];
	size_t n;
	int place;
	int64_t when;
};

/* Invent the order of plan op: its number of lines (0: nothing on sale yet),
 * -1 on a store error. */
static int build_order(struct demo *d, const struct order_plan *op, int64_t day, int seq,
			  struct built_order *b)
{
	int sku[3];
	int64_t units[3];
	char date[11];
	b->place = pick_place(d, op->channel);
	int nlines = plan_lines(d, op->channel, day, sku, units);
	if (nlines < 0)
		return -1;
	b->n = (size_t)nlines;
	b->when = op->when;
	date_format(day, date, sizeof(date));
	for (size_t i = 0; i < b->n; i++) {
		int64_t price;
		unit_price(d, sku[i], op->channel, date, &price);
		b->lines[i] = (struct order_line_in){skus[sku[i]].code, units[i], price};
	}
	snprintf(b->order_no, sizeof(b->order_no), "%s-%.4s%.2s%.2s-%04d",
		 channels[op->channel].code, date, date + 5, date + 8, seq);
	customer_of(d, op->channel, b->place, b->name, sizeof(b->name), b->addr, sizeof(b->addr));
	d->n_customers++;
	snprintf(b->phone, sizeof(b->phone), "100-%04d-%04d", (int)(d->n_customers / 10000 + 77),
		 (int)(d->n_customers % 10000));
	return nlines;
}

/* After an order is taken: now and then the customer cancels; the rest
 * wait for the 17:00 shipping. */
static int after_order(struct demo *d, int64_t id, const char *status, int64_t when, int place,
		       int64_t user)
{
	int64_t refund_id;
	d->n_orders++;
	if (!strcmp(status, "backorder"))
		return 0;
	if (chance(d, 2)) {
		int64_t at = when + rnd(d, 10, 90) * 60000;
		if (order_cancel(d->db, id, "顾客取消 customer cancelled", user, &refund_id, d->err) ||
		    stamp_rows(d, at, T_REFUNDS | T_MOVES))
			return -1;
		d->n_cancelled++;
		return 0;
	}
	remember_order(d, id, when, place);
	return 0;
}

static int submit_order(struct demo *d, struct order_ctx *ctx, const struct order_plan *op,
			int64_t day, int seq)
{
	struct built_order b;
	int nlines = build_order(d, op, day, seq, &b);
	if (nlines <= 0)
		return nlines;
	struct order_in in = {b.order_no, b.name, b.phone, b.addr, places_east[b.place].division,
			      b.when, b.lines, b.n, NULL};
	struct order_result res;
	int64_t user = channel_user(d, op->channel);
	if (order_submit(ctx, d->channel_id[op->channel], &in, 0, user, &res, d->err) ||
	    stamp_rows(d, op->when, T_ORDERS | T_CUSTOMERS | T_MOVES))
		return -1;
	return after_order(d, res.id, res.status, op->when, b.place, user);
}

/* ---- a fair's orders, imported from its spreadsheet ---- */

static int add_cells(struct table *t, const char *const *cells, int n, long line,
		     struct io_error *ioe)
{
	if (table_add_row(t, line, ioe))
		return -1;
	for (int i = 0; i < n; i++)
		if (table_add_cstr(t, cells[i], ioe))
			return -1;
	return 0;
}

/* The fair's booth writes one row per order line, as docs/IMPORT.md says. */
static int fair_table(struct table *t, const struct built_order *b, int n, struct io_error *ioe)
{
	const char *header[C_IMPORT_COLUMNS];
	long line = 1;
	for (int c = 0; c < C_IMPORT_COLUMNS; c++)
		header[c] = order_import_columns[c].en;
	if (add_cells(t, header, C_IMPORT_COLUMNS, line, ioe))
		return -1;
	for (int i = 0; i < n; i++) {
		char units[24], price[32], at[24];
		time_format_shanghai(b[i].when / 1000, at, sizeof(at));
		for (size_t k = 0; k < b[i].n; k++) {
			const struct order_line_in *l = &b[i].lines[k];
			snprintf(units, sizeof(units), "%" PRId64, l->units);
			snprintf(price, sizeof(price), "%" PRId64 ".%02" PRId64, l->unit_price_fen / 100,
				 l->unit_price_fen % 100);
			const char *row[C_IMPORT_COLUMNS] = {
				b[i].order_no, l->sku, units, price, b[i].name, b[i].phone, b[i].addr,
				places_east[b[i].place].division, at};
			if (add_cells(t, row, C_IMPORT_COLUMNS, ++line, ioe))
				return -1;
		}
	}
	return 0;
}

/* Follow up the orders an import created, matched to what was written. */
static int after_import(struct demo *d, int64_t import_id, const struct built_order *b, int n,
			int64_t user)
{
	struct stmt *st;
	int rc = store_prepare(d->db, "SELECT id, status, channel_order_no FROM orders WHERE"
				      " import_id = ? ORDER BY id", &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_int(st, 1, import_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		char status[16];
		int64_t id = stmt_int(st, 0);
		snprintf(status, sizeof(status), "%s", stmt_text(st, 1));
		for (int i = 0; i < n; i++)
			if (!strcmp(b[i].order_no, stmt_text(st, 2)) &&
			    after_order(d, id, status, b[i].when, b[i].place, user)) {
				stmt_finalize(st);
				return -1;
			}
	}
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* The fair's orders are written down at the booth and imported at 18:00. */
static int import_fair(struct demo *d, int64_t day, const struct built_order *b, int n)
{
	struct table t;
	struct io_error ioe;
	struct import_report rep;
	char today[11], filename[64];
	int64_t user = channel_user(d, CH_FAIR);
	int rc = -1;
	table_init(&t);
	import_report_init(&rep);
	date_format(day, today, sizeof(today));
	snprintf(filename, sizeof(filename), "展销会订单-%s.xlsx", today);
	if (fair_table(&t, b, n, &ioe)) {
		app_fail(d->err, 500, "internal", NULL, "无法生成展销会订单表",
			 "cannot build the fair's order sheet: %s", ioe.message);
		goto out_release;
	}
	if (order_import_table(d->db, d->channel_id[CH_FAIR], &t, filename, user, today, NULL, NULL,
			       &rep, d->err) ||
	    stamp_rows(d, at_ms(day, 18, 0), T_ORDERS | T_CUSTOMERS | T_MOVES | T_IMPORTS) ||
	    after_import(d, rep.import_id, b, n, user))
		goto out_release;
	d->n_imports++;
	rc = 0;
out_release:
	import_report_release(&rep);
	table_release(&t);
	return rc;
}

static void add_plans(struct demo *d, struct order_plan *plans, int *n, int max, int channel,
		      int count, int64_t day, int from_min, int to_min)
{
	for (int i = 0; i < count && *n < max; i++)
		plans[(*n)++] = (struct order_plan){
			at_ms(day, 0, 0) + rnd(d, from_min, to_min) * 60000 + rnd(d, 0, 59) * 1000,
			channel};
}

#define MAX_DAY_ORDERS 128

/* The day's orders from every channel, in time order. */
static int plan_orders(struct demo *d, int64_t day, struct order_plan *plans)
{
	int n = 0, wd = weekday(day);
	if (day < season_day(d, "09-16"))
		return 0;
	add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_LIVE, (int)rnd(d, 3, 7), day, 8 * 60, 23 * 60);
	if (wd == 5) /* Friday evening live-stream from 洪塘 */
		add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_LIVE, (int)rnd(d, 20, 30), day, 20 * 60,
			  22 * 60 + 30);
	add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_ECOM, (int)rnd(d, 2, 6), day, 7 * 60, 23 * 60);
	add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_FLAG, (int)rnd(d, 0, 3), day, 9 * 60, 20 * 60);
	if ((wd == 1 || wd == 3) && chance(d, 70))
		add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_UNION, 1, day, 9 * 60, 11 * 60);
	if (wd == 2 || wd == 5)
		add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_SUPER, 1, day, 9 * 60, 11 * 60);
	if (day == season_day(d, "09-23")) /* 中国农民丰收节 harvest festival fair */
		add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_FAIR, 35, day, 9 * 60, 17 * 60);
	if (day == season_day(d, "10-17") || day == season_day(d, "10-18"))
		add_plans(d, plans, &n, MAX_DAY_ORDERS, CH_FAIR, 30, day, 9 * 60, 17 * 60);
	qsort(plans, (size_t)n, sizeof(*plans), cmp_plan);
	return n;
}

static int order_day(struct demo *d, int64_t day)
{
	struct order_plan plans[MAX_DAY_ORDERS];
	char today[11];
	int n = plan_orders(d, day, plans), rc = 0, nfair = 0;
	if (n == 0)
		return 0;
	struct built_order *fair = xcalloc(MAX_DAY_ORDERS, sizeof(*fair));
	date_format(day, today, sizeof(today));
	struct order_ctx *ctx = order_ctx_new(d->db, today);
	for (int i = 0; i < n && !rc; i++) {
		if (plans[i].channel != CH_FAIR)
			rc = submit_order(d, ctx, &plans[i], day, i + 1);
		else if ((rc = build_order(d, &plans[i], day, i + 1, &fair[nfair])) > 0) {
			nfair++;
			rc = 0;
		}
	}
	order_ctx_free(ctx);
	if (!rc && nfair > 0)
		rc = import_fair(d, day, fair, nfair);
	free(fair);
	return rc;
}

/* ---- parcels, deliveries, after-sale ---- */

static void remember_delivery(struct demo *d, int64_t parcel_id, const char *carrier,
			      const char *tracking, int64_t deliver_ms)
{
	if (d->ndelivery == d->cap_delivery) {
		d->cap_delivery = d->cap_delivery ? 2 * d->cap_delivery : 256;
		d->delivery = xrealloc(d->delivery, (size_t)d->cap_delivery * sizeof(*d->delivery));
	}
	struct pending_delivery *p = &d->delivery[d->ndelivery++];
	p->parcel_id = parcel_id;
	p->carrier = carrier;
	snprintf(p->tracking, sizeof(p->tracking), "%s", tracking);
	p->deliver_ms = deliver_ms;
}

/* Carrier, cost and hours in transit of a parcel of weight_g from a
 * warehouse to a customer in region. */
static void carriage(struct demo *d, bool from_sales, enum region region, int64_t weight_g,
		     const char **carrier, const char **prefix, int64_t *cost, int64_t *hours)
{
	int64_t kg = (weight_g + 999) / 1000;
	if (from_sales && kg > 30) {
		*carrier = "德邦物流";
		*prefix = "DPK";
		*cost = 3000 + 60 * kg;
		*hours = rnd(d, 20, 30);
	} else if (from_sales) {
		*carrier = "中通快递";
		*prefix = "ZTO";
		*cost = (region == R_SHANGHAI ? 550 : 450) + (kg - 1) * (region == R_SHANGHAI ? 100 : 80);
		*hours = region == R_NINGBO ? rnd(d, 16, 26) : rnd(d, 20, 44);
	} else if (kg > 30) {
		*carrier = "德邦物流";
		*prefix = "DPK";
		*cost = 3000 + 250 * kg;
		*hours = rnd(d, 70, 110);
	} else {
		*carrier = "中国邮政EMS";
		*prefix = "EMS";
		*cost = 1200 + (kg - 1) * 600;
		*hours = region == R_BEYOND ? rnd(d, 44, 110) : rnd(d, 60, 96);
	}
}

static int ship_parcel(struct demo *d, int64_t order_id, int64_t wh, int place, int64_t when)
{
	int64_t parcel_id, weight, cost, hours;
	char code[32], tracking[32];
	const char *carrier, *prefix;
	bool from_sales = wh == d->sales_wh;
	int64_t user = user_by_name(d, from_sales ? "wh_ningbo" : "wh_xichang");
	if (parcel_create(d->db, order_id, wh, NULL, 0, &parcel_id, code, d->err) ||
	    query_int2(d, "SELECT weight_g FROM parcels WHERE id = ?", 1, parcel_id, 0, &weight))
		return -1;
	carriage(d, from_sales, places_east[place].region, weight, &carrier, &prefix, &cost, &hours);
	snprintf(tracking, sizeof(tracking), "%s%010" PRId64, prefix,
		 (int64_t)7300000000 + ++d->tracking_seq);
	if (parcel_ship(d->db, parcel_id, carrier, tracking, cost, 0, user, d->err) ||
	    exec_ints(d, "UPDATE parcels SET shipped_at = ? WHERE id = ?", 2, when, parcel_id, 0) ||
	    stamp_rows(d, when, T_PARCELS | T_MOVES))
		return -1;
	d->n_parcels++;
	remember_delivery(d, parcel_id, carrier, tracking,
			  when + hours * 3600000 + rnd(d, 0, 59) * 60000);
	return 0;
}

static int ship_order(struct demo *d, const struct pending_order *o, int64_t when)
{
	int64_t whs[4][2], bind[1] = {o->id};
	int n = query_pairs(d, "SELECT DISTINCT warehouse_id, 0 FROM order_lines WHERE order_id = ?"
			       " AND status = 'allocated' AND warehouse_id IS NOT NULL ORDER BY 1",
			    1, bind, whs, 4);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (ship_parcel(d, o->id, whs[i][0], o->place, when + i * 30000))
			return -1;
	return 0;
}

/* At 17:00 both warehouses ship what was ordered before 15:00. */
static int ship_day(struct demo *d, int64_t day)
{
	int keep = 0;
	int64_t cutoff = at_ms(day, 15, 0), when = at_ms(day, 17, 0);
	for (int i = 0; i < d->npending_order; i++) {
		const struct pending_order *o = &d->pending_order[i];
		if (o->ordered_ms >= cutoff) {
			d->pending_order[keep++] = *o;
			continue;
		}
		if (ship_order(d, o, when))
			return -1;
		when += 20000;
	}
	d->npending_order = keep;
	return 0;
}

/* Now and then a delivered parcel brings a complaint: a partial refund for
 * bruised fruit, or a crushed box sent back and written off. */
static int after_sale(struct demo *d, int64_t parcel_id, int64_t when)
{
	int r = (int)rnd(d, 0, 999);
	if (r >= 22)
		return 0;
	int64_t wh, order_id, line[1][2], bind[1] = {parcel_id}, amount, refund_id;
	if (parcel_info(d->db, parcel_id, &wh, &order_id, d->err))
		return -1;
	int n = query_pairs(d, "SELECT ol.line_no, ol.warehouse_id FROM parcel_lines pl JOIN "
			       "allocations a ON a.id = pl.allocation_id JOIN order_lines ol ON "
			       "ol.id = a.order_line_id WHERE pl.parcel_id = ? ORDER BY ol.line_no",
			    1, bind, line, 1);
	if (n <= 0)
		return n;
	int64_t user = user_by_name(d, "admin");
	if (r < 16) {
		if (query_int2(d, "SELECT amount_fen FROM order_lines WHERE order_id = ? AND line_no = ?",
			       2, order_id, line[0][0], &amount))
			return -1;
		if (amount / 5 <= 0)
			return 0;
		if (order_refund(d->db, order_id, line[0][0], amount / 5,
				 "到货有磕碰，部分退款 bruised on arrival, partial refund", user,
				 &refund_id, d->err))
			return -1;
		d->n_refunds++;
	} else {
		if (order_return(d->db, order_id, line[0][0], 1, line[0][1], false,
				 "外箱压坏退回 box crushed, sent back", -1, user, &refund_id, d->err))
			return -1;
		d->n_returns++;
	}
	return stamp_rows(d, when, T_REFUNDS | T_MOVES);
}

/* The carriers confirm every delivery that happened by the end of the day. */
static int deliver_day(struct demo *d, int64_t day)
{
	int keep = 0;
	int64_t end = at_ms(day + 1, 0, 0);
	for (int i = 0; i < d->ndelivery; i++) {
		struct pending_delivery *p = &d->delivery[i];
		bool changed;
		int64_t wh;
		if (p->deliver_ms >= end) {
			d->delivery[keep++] = *p;
			continue;
		}
		if (delivery_confirm(d->db, p->carrier, p->tracking, p->deliver_ms, &changed, &wh,
				     d->err) ||
		    after_sale(d, p->parcel_id, p->deliver_ms + 4 * 3600000))
			return -1;
		d->n_delivered++;
	}
	d->ndelivery = keep;
	return 0;
}

/* ---- stock adjustments ---- */

/* The first packed apple lot at warehouse wh with at least `units` whole
 * units unreserved: *lot, *qty_g and the SKU's *net_g; *lot 0 if none. */
static int find_apple_lot(struct demo *d, int64_t wh, int64_t units, int64_t *lot, int64_t *qty,
			  int64_t *net)
{
	int64_t row[1][2], bind[3] = {wh, d->product_id[P_APPLE], units};
	int n = query_pairs(d, "SELECT s.lot_id, s.qty_g FROM stock s JOIN lots l ON l.id = s.lot_id"
			       " JOIN skus k ON k.id = l.sku_id WHERE s.loc_kind = 'warehouse' AND"
			       " s.loc_id = ? AND l.product_id = ? AND s.qty_g - s.reserved_g >= ? *"
			       " k.net_g ORDER BY s.lot_id",
			    3, bind, row, 1);
	*lot = 0;
	if (n <= 0)
		return n;
	*lot = row[0][0];
	*qty = row[0][1];
	return query_int2(d, "SELECT k.net_g FROM lots l JOIN skus k ON k.id = l.sku_id WHERE l.id = ?",
			  1, *lot, 0, net);
}

static int adjust(struct demo *d, int64_t day, int64_t wh, const char *kind, const char *reason,
		  const char *username)
{
	int64_t lot, qty, net;
	char today[11];
	struct adjustment_result res;
	if (find_apple_lot(d, wh, 3, &lot, &qty, &net))
		return -1;
	if (!lot)
		return 0;
	date_format(day, today, sizeof(today));
	struct adjustment_in in = {.lot_id = lot, .warehouse_id = wh, .kind = kind,
				   .counted_g = qty - net, .qty_g = 2 * net, .reason = reason,
				   .today = today};
	if (adjustment_create(d->db, &in, user_by_name(d, username), &res, d->err))
		return -1;
	d->n_adjustments++;
	return stamp_rows(d, at_ms(day, 19, 0), T_ADJUSTMENTS | T_MOVES);
}

/* Month-end stocktake in Ningbo finds a box short; a cold-store check in
 * Xichang finds rot. */
static int adjust_day(struct demo *d, int64_t day)
{
	if (day == season_day(d, "10-31"))
		return adjust(d, day, d->sales_wh, "stocktake",
			      "月末盘点少一箱 month-end count one box short", "wh_ningbo");
	if (day == season_day(d, "11-08"))
		return adjust(d, day, d->origin_wh, "spoilage",
			      "冷库检查发现腐烂 rot found in the cold store", "wh_xichang");
	return 0;
}

/* ---- the season, day by day ---- */

static int season_day_run(struct demo *d, int64_t day)
{
	if (collect_day(d, day) || transfer_day(d, day) || pack_day(d, day) ||
	    linehaul_day(d, day) || order_day(d, day) || ship_day(d, day) || deliver_day(d, day) ||
	    pay_day(d, day) || adjust_day(d, day))
		return -1;
	return 0;
}

static void progress_week(struct demo *d, int64_t day)
{
	char date[11];
	date_format(day, date, sizeof(date));
	progress(d, "  %s: %" PRId64 " 次收购 collections, %" PRId64 " 笔付款 payments, %" PRId64
		    " 次包装 packings, %" PRId64 " 趟干线 line-hauls, %" PRId64 " 单 orders, %" PRId64
		    " 包裹 parcels",
		 date, d->n_collections, d->n_payments, d->n_packings, d->n_linehauls, d->n_orders,
		 d->n_parcels);
}

static int run_season(struct demo *d)
{
	for (int64_t day = d->first_day; day <= d->last_day; day++) {
		if (season_day_run(d, day))
			return -1;
		if (weekday(day) == 7)
			progress_week(d, day);
	}
	return 0;
}

/* ---- entry points ---- */

/* The demo year: 2026, or the latest year whose season is over by now, so
 * no date the services check lies in the future. */
static int demo_year(void)
{
	int year = 2026;
	while (days_from_civil(year, 11, 22) > shanghai_day_of(time_now_ms() / 1000))
		year--;
	return year;
}

/* A packed lot that reached customers, for the public trace page. */
static int print_sample_trace(struct demo *d)
{
	struct stmt *st;
	int rc = store_prepare(d->db, "SELECT l.code FROM lots l WHERE l.kind = 'packed' AND l.id IN"
				      " (SELECT a.lot_id FROM allocations a WHERE a.state = 'shipped')"
				      " ORDER BY l.id LIMIT 1", &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	if ((rc = stmt_step(st)) == STORE_ROW)
		progress(d, "  示例溯源码 sample trace code: %s  (公开页 public page /t/%s)",
			 stmt_text(st, 0), stmt_text(st, 0));
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
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

/* One audit row says the demo was loaded, with its counts (no personal
 * data), so the audit log does not start from nowhere. */
static int audit_demo(struct demo *d)
{
	char detail[256];
	struct stmt *st;
	snprintf(detail, sizeof(detail),
		 "{\"year\":%d,\"households\":%d,\"collections\":%" PRId64 ",\"orders\":%" PRId64
		 ",\"parcels\":%" PRId64 "}",
		 d->year, d->nhh, d->n_collections, d->n_orders, d->n_parcels);
	int rc = store_prepare(d->db, "INSERT INTO audit_log (at, user_id, action, object_type,"
				      " object_id, detail) VALUES (?, NULL, 'demo.load', 'database',"
				      " 'demo', ?)", &st);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	stmt_bind_int(st, 1, time_now_ms());
	stmt_bind_text(st, 2, detail);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? app_store_fail(d->err, d->db, rc) : 0;
}

/* The whole demo in one transaction: a load that fails leaves the database
 * as empty as it found it, so it can simply be run again. */
static int load_all(struct demo *d)
{
	int rc = store_begin(d->db);
	if (rc)
		return app_store_fail(d->err, d->db, rc);
	if (refuse_if_loaded(d) || load_places(d) || load_catalogue(d) || load_users(d) ||
	    stamp_prepare(d) || stamp_rows(d, at_ms(d->first_day - 20, 9, 0), T_ALL) ||
	    run_season(d) || print_sample_trace(d) || audit_demo(d)) {
		stamp_release(d);
		store_rollback(d->db);
		return -1;
	}
	stamp_release(d);
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
	progress(d, "演示数据 demo data: %d 年产季 season %d-09-10 .. %d-11-20", d->year, d->year,
		 d->year);
	if (load_all(d))
		goto out_free;
	progress(d, "完成 done: %" PRId64 " 次收购 collections, %" PRId64 " 笔付款 payments, %" PRId64
		    " 次调拨 transfers, %" PRId64 " 次包装 packings, %" PRId64 " 趟干线 line-hauls",
		 d->n_collections, d->n_payments, d->n_transfers, d->n_packings, d->n_linehauls);
	progress(d, "  %" PRId64 " 单 orders (%" PRId64 " 取消 cancelled, %" PRId64
		    " 个展销会订单表导入 fair sheets imported), %" PRId64
		    " 包裹 parcels (%" PRId64 " 已签收 delivered), %" PRId64 " 退款 refunds, %" PRId64
		    " 退货 returns, %" PRId64 " 库存调整 adjustments",
		 d->n_orders, d->n_cancelled, d->n_imports, d->n_parcels, d->n_delivered, d->n_refunds,
		 d->n_returns, d->n_adjustments);
	rc = 0;
out_free:
	free(d->pending_order);
	free(d->delivery);
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
