/*
 * `shanhai route simulate SCENARIO [--seed N] [--days N] [--json]`: runs the
 * logistics simulation (src/plan/) on a scenario file under the three
 * policies — every order a direct parcel from the origin county, fixed
 * weekly trucks, Shanhai's planner — on the same seeded demand, and prints for
 * each the total cost, cost per kg, share within the delivery promise,
 * median and 95th-percentile days and spoiled kg, first without any subsidy
 * and then, on a separate line, with the scenario's subsidy.
 * `shanhai route` dispatches its `simulate` subcommand here.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lib/money.h"
#include "lib/str.h"
#include "lib/timeutil.h"
#include "plan/plan.h"

int cmd_route_simulate(int argc, char **argv);

struct sim_args {
	const char *scenario;
	int64_t seed;
	int64_t days;
	bool json;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: shanhai route simulate SCENARIO [--seed N] [--days N] [--json]\n"
		     "  compare direct parcels, fixed weekly trucks and the planner on one\n"
		     "  seeded demand (scenarios/README.md describes the file)\n");
}

static int parse_args(int argc, char **argv, struct sim_args *a)
{
	*a = (struct sim_args){NULL, 1, 0, false};
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--json")) {
			a->json = true;
		} else if (!strcmp(opt, "--seed") || !strcmp(opt, "--days")) {
			int64_t v;
			if (i + 1 >= argc || parse_int64(str_from(argv[i + 1]), &v) || v < 0 ||
			    (!strcmp(opt, "--days") && (v < 1 || v > 3660))) {
				fprintf(stderr, "shanhai route simulate: %s needs a %s\n", opt,
					!strcmp(opt, "--days") ? "number of days from 1 to 3660"
							       : "non-negative integer");
				return -1;
			}
			*(!strcmp(opt, "--seed") ? &a->seed : &a->days) = v;
			i++;
		} else if (opt[0] == '-') {
			fprintf(stderr, "shanhai route simulate: unknown option '%s'\n", opt);
			return -1;
		} else if (a->scenario) {
			fprintf(stderr, "shanhai route simulate: more than one scenario ('%s')\n", opt);
			return -1;
		} else {
			a->scenario = opt;
		}
	}
	if (!a->scenario) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* "12.3" for num/den as a percentage with one decimal. */
static void percent(int64_t num, int64_t den, char *out, size_t outsz)
{
	int64_t pm = 0;
	if (den <= 0 || muldiv_round(num, 1000, den, &pm)) {
		snprintf(out, outsz, "-");
		return;
	}
	snprintf(out, outsz, "%s%lld.%lld", pm < 0 ? "-" : "", (long long)(pm < 0 ? -pm : pm) / 10,
		 (long long)(pm < 0 ? -pm : pm) % 10);
}

static int64_t saving_permille(int64_t base, int64_t mine)
{
	int64_t pm = 0;
	if (base <= 0 || muldiv_round(base - mine, 1000, base, &pm))
		return 0;
	return pm;
}

static void print_policy_line(const struct sim_result *r, int64_t subtract, const char *label)
{
	char total[32], perkg[32], within[32];
	fen_format(r->total_fen - subtract, total, sizeof(total));
	fen_format(sim_fen_per_kg(r, subtract), perkg, sizeof(perkg));
	percent(r->within_promise, r->orders, within, sizeof(within));
	printf("%-8s %-10s %14s %8s %7s%% %6d %5d %10lld\n", sim_policy_name(r->policy), label,
	       total, perkg, within, r->median_days, r->p95_days,
	       (long long)((r->spoiled_origin_g + r->spoiled_sales_g) / GRAMS_PER_KG));
}

static void print_parts(const struct scenario *sc, const struct sim_result *r)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	fen_format(r->linehaul_fen, a, sizeof(a));
	fen_format(r->truck_handling_fen, b, sizeof(b));
	fen_format(r->parcel_fen, c, sizeof(c));
	fen_format(r->city_fen, d, sizeof(d));
	fen_format(r->pack_fen, e, sizeof(e));
	fen_format(r->storage_fen, f, sizeof(f));
	printf("  %-8s line-haul %s, truck handling %s, parcels %s, city delivery %s, "
	       "packing %s, storage %s\n",
	       sim_policy_name(r->policy), a, b, c, d, e, f);
	printf("           orders %lld: delivered %lld (from sales warehouse %lld, direct parcel %lld, "
	       "of which waited for a truck %lld), cancelled %lld; trucks",
	       (long long)r->orders, (long long)r->delivered, (long long)r->served_sales,
	       (long long)r->served_origin, (long long)r->served_waited, (long long)r->cancelled);
	for (size_t t = 0; t < sc->ntrucks; t++)
		if (r->trips[t])
			printf(" %s×%lld", sc->trucks[t].name, (long long)r->trips[t]);
	printf("; spoiled kg origin %lld, sales %lld\n", (long long)(r->spoiled_origin_g / 1000),
	       (long long)(r->spoiled_sales_g / 1000));
}

static void print_text(const struct scenario *sc, const struct sim_args *a,
		       const struct sim_result *r)
{
	char start[16], sub[32], base[32], lw[32];
	date_format(sc->start_day, start, sizeof(start));
	printf("%s\n%d days from %s, seed %lld, promise %d days; %lld orders, %lld kg ordered\n\n",
	       sc->name, r[0].days, start, (long long)a->seed, sc->promise_days,
	       (long long)r[0].orders, (long long)(r[0].ordered_g / GRAMS_PER_KG));
	printf("%-8s %-10s %14s %8s %8s %6s %5s %10s\n", "policy", "subsidy", "total yuan",
	       "yuan/kg", "on time", "median", "p95", "spoiled kg");
	for (int p = 0; p < POLICY_COUNT; p++)
		print_policy_line(&r[p], 0, "none");
	for (int p = 0; p < POLICY_COUNT; p++)
		print_policy_line(&r[p], r[p].subsidy_fen, "with");
	int64_t d0 = sim_fen_per_kg(&r[POLICY_DIRECT], 0);
	int64_t pl = sim_fen_per_kg(&r[POLICY_PLANNER], 0);
	int64_t pls = sim_fen_per_kg(&r[POLICY_PLANNER], r[POLICY_PLANNER].subsidy_fen);
	int64_t wk = sim_fen_per_kg(&r[POLICY_WEEKLY], 0);
	percent(saving_permille(d0, pl), 1000, base, sizeof(base));
	percent(saving_permille(d0, pls), 1000, sub, sizeof(sub));
	percent(saving_permille(d0, wk), 1000, lw, sizeof(lw));
	printf("\ncost per kg against all-direct parcels: planner -%s%% without subsidy, -%s%% with "
	       "subsidy; weekly truck -%s%% without subsidy\n",
	       base, sub, lw);
	printf("subsidy: %lld‰ of line-haul freight, %lld fen per direct parcel\n\ncost parts (yuan):\n",
	       (long long)sc->subsidy_linehaul_permille, (long long)sc->subsidy_parcel_fen_per_order);
	for (int p = 0; p < POLICY_COUNT; p++)
		print_parts(sc, &r[p]);
}

static json_t *policy_json(const struct scenario *sc, const struct sim_result *r)
{
	json_t *trips = json_object();
	for (size_t t = 0; t < sc->ntrucks; t++)
		json_object_set_new(trips, sc->trucks[t].name, json_integer(r->trips[t]));
	json_t *o = json_pack(
		"{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:I, s:I, s:o,"
		" s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I}",
		"policy", sim_policy_name(r->policy), "orders", (json_int_t)r->orders, "delivered",
		(json_int_t)r->delivered, "cancelled", (json_int_t)r->cancelled, "within_promise",
		(json_int_t)r->within_promise, "ordered_g", (json_int_t)r->ordered_g, "delivered_g",
		(json_int_t)r->delivered_g, "served_from_sales", (json_int_t)r->served_sales,
		"served_direct_parcel", (json_int_t)r->served_origin, "waited_for_truck",
		(json_int_t)r->served_waited, "total_fen", (json_int_t)r->total_fen, "fen_per_kg",
		(json_int_t)sim_fen_per_kg(r, 0), "median_days", r->median_days, "p95_days",
		r->p95_days, "spoiled_origin_g", (json_int_t)r->spoiled_origin_g, "spoiled_sales_g",
		(json_int_t)r->spoiled_sales_g, "trips", trips, "parts_fen", "linehaul",
		(json_int_t)r->linehaul_fen, "truck_handling", (json_int_t)r->truck_handling_fen,
		"parcels", (json_int_t)r->parcel_fen, "city_delivery", (json_int_t)r->city_fen,
		"packing", (json_int_t)r->pack_fen, "storage", (json_int_t)r->storage_fen,
		"subsidy_fen", (json_int_t)r->subsidy_fen, "total_with_subsidy_fen",
		(json_int_t)(r->total_fen - r->subsidy_fen), "fen_per_kg_with_subsidy",
		(json_int_t)sim_fen_per_kg(r, r->subsidy_fen), "freight_left_in_stock_fen",
		(json_int_t)r->freight_left_fen);
	return o;
}

static int print_json(const struct scenario *sc, const struct sim_args *a,
		      const struct sim_result *r)
{
	char start[16];
	date_format(sc->start_day, start, sizeof(start));
	json_t *pols = json_array();
	for (int p = 0; p < POLICY_COUNT; p++)
		json_array_append_new(pols, policy_json(sc, &r[p]));
	int64_t d0 = sim_fen_per_kg(&r[POLICY_DIRECT], 0);
	json_t *root = json_pack(
		"{s:s, s:s, s:i, s:I, s:i, s:o, s:{s:I, s:I}}", "scenario", sc->name, "start_date",
		start, "days", r[0].days, "seed", (json_int_t)a->seed, "promise_days",
		sc->promise_days, "policies", pols, "planner_saving_per_kg_permille",
		"without_subsidy", (json_int_t)saving_permille(d0, sim_fen_per_kg(&r[POLICY_PLANNER], 0)),
		"with_subsidy",
		(json_int_t)saving_permille(
			d0, sim_fen_per_kg(&r[POLICY_PLANNER], r[POLICY_PLANNER].subsidy_fen)));
	if (!root)
		return -1;
	int rc = json_dumpf(root, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(root);
	return rc;
}

int cmd_route_simulate(int argc, char **argv)
{
	struct sim_args a;
	struct scenario sc;
	struct sim_result r[POLICY_COUNT];
	char err[512];
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &a))
		return 2;
	if (scenario_load(a.scenario, &sc, err, sizeof(err))) {
		fprintf(stderr, "shanhai route simulate: %s\n", err);
		return 1;
	}
	int rc = 1;
	for (int p = 0; p < POLICY_COUNT; p++)
		if (sim_run(&sc, (enum sim_policy)p, (uint64_t)a.seed, (int)a.days, &r[p], err,
			    sizeof(err))) {
			fprintf(stderr, "shanhai route simulate: %s\n", err);
			goto out_release;
		}
	if (a.json) {
		if (print_json(&sc, &a, r)) {
			fprintf(stderr, "shanhai route simulate: cannot write JSON\n");
			goto out_release;
		}
	} else {
		print_text(&sc, &a, r);
	}
	rc = 0;
out_release:
	scenario_release(&sc);
	return rc;
}
