// Village collection runs over HTTP on the demo season: the origin
// warehouse's vehicles (list, create, replace, and every refusal), each
// point's forecast (the same-weekday rule checked against the collections
// table, the override), planning and storing a day (runs within the points'
// hours, loads adding up to the forecasts, the same plan for the same seed,
// an Idempotency-Key retry applied once), what cannot be met named by point,
// and the scopes: another warehouse, the office (reads only), collectors
// (only the runs visiting their points, else 403), channels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, querySql } from './lib.mjs';

const DEMO_PASSWORD = 'shanhai2026';
let srv, as = {}, origin, sales, day;

const one = (q) => querySql(srv, q)[0];
const count = (table) => Number(one(`SELECT COUNT(*) AS n FROM ${table}`).n);
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

before(async () => {
  // two read connections, four connection threads: few enough that the
  // keep-alive connections of the last test share a thread with the search
  srv = await startServer({ demo: true, extraArgs: ['--threads', '2'] });
  for (const u of ['collector_yanyuan', 'collector_jinyang', 'collector_butuo', 'collector_zhaojue', 'collector_yuexi', 'wh_xichang', 'wh_ningbo', 'channel_mgr', 'office'])
    as[u] = await srv.login(u, DEMO_PASSWORD);
  as.admin = await srv.login('admin', ADMIN_PASSWORD);
  origin = Number(one("SELECT id FROM warehouses WHERE code = 'XC-ORIGIN'").id);
  sales = Number(one("SELECT id FROM warehouses WHERE code = 'NB-SALES'").id);
  // a week after the last collection day: its weekday has history
  day = addDays(one('SELECT MAX(collected_on) AS d FROM collections').d, 7);
});
after(async () => { await srv.stop(); });

const truck = (over = {}) => ({ warehouse_id: origin, code: 'XC-T1', name: '1.5吨轻卡', capacity_kg: 1500, fixed_fen: 20000, fen_per_km: 300, fen_per_hour: 3500, available: 1, ...over });

test('vehicles: the demo origin has its trucks; its operator adds and replaces one; refusals change nothing', async () => {
  const list = await as.wh_xichang.get(`/api/v1/vehicles?warehouse_id=${origin}`);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((v) => [v.code, v.capacity_g, v.refrigerated]),
    [['XC-V42', 2000000, false], ['XC-V76', 8000000, false], ['XC-C42', 1500000, true]]);
  const before = count('vehicles');
  for (const [who, status] of [['wh_ningbo', 403], ['office', 403], ['collector_yanyuan', 403], ['channel_mgr', 403]]) {
    const r = await as[who].post('/api/v1/vehicles', truck());
    assert.equal(r.status, status, `${who}: ${r.text}`);
  }
  const bad = await as.wh_xichang.post('/api/v1/vehicles', truck({ capacity_kg: 0, colour: 'red' }));
  assert.equal(bad.status, 422, bad.text);
  const fields = bad.json.error.errors.map((e) => e.field);
  assert.ok(fields.includes('capacity_kg') && fields.includes('colour'), bad.text);
  const toSales = await as.admin.post('/api/v1/vehicles', truck({ warehouse_id: sales }));
  assert.equal(toSales.status, 422, toSales.text);
  assert.equal(toSales.json.error.field, 'warehouse_id');
  assert.equal(count('vehicles'), before, 'a refused request added a vehicle');
  const made = await as.wh_xichang.post('/api/v1/vehicles', truck());
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.capacity_g, 1500000);
  assert.equal((await as.wh_xichang.post('/api/v1/vehicles', truck())).status, 409);
  const put = await as.wh_xichang.put(`/api/v1/vehicles/${made.json.id}`, truck({ available: 0, name: '1.5吨轻卡（检修）' }));
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.available, 0);
  const foreign = await as.wh_ningbo.put(`/api/v1/vehicles/${made.json.id}`, truck({ available: 5 }));
  assert.equal(foreign.status, 403, foreign.text);
  assert.equal(Number(one(`SELECT available FROM vehicles WHERE id = ${made.json.id}`).available), 0);
  assert.equal((await as.wh_ningbo.get(`/api/v1/vehicles?warehouse_id=${origin}`)).status, 403);
  assert.equal((await as.office.get('/api/v1/vehicles')).status, 200);
  assert.equal((await as.collector_yanyuan.get('/api/v1/vehicles')).status, 403);
});

test('forecast: the mean of the last same-weekday collection days; an override replaces it', async () => {
  const r = await as.wh_xichang.get(`/api/v1/collection-forecasts?warehouse_id=${origin}&date=${day}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 7);
  for (const p of r.json.items) {
    const rows = querySql(srv, `SELECT collected_on, SUM(net_g) AS g FROM collections WHERE point_id = ${p.point_id} AND collected_on >= '${addDays(day, -56)}' AND collected_on < '${day}' GROUP BY collected_on ORDER BY collected_on DESC`)
      .filter((x) => (Date.parse(day) - Date.parse(x.collected_on)) % (7 * 86400000) === 0 && Number(x.g) > 0)
      .slice(0, 4).map((x) => Number(x.g));
    const mean = rows.length ? Math.floor((rows.reduce((a, b) => a + b, 0) + Math.floor(rows.length / 2)) / rows.length) : 0;
    assert.equal(p.expected_g, mean, `${p.code}: ${JSON.stringify(rows)}`);
    assert.equal(p.sample_days, rows.length);
    assert.equal(p.source, 'rule');
    assert.equal(p.approximate, true);
    assert.ok(p.lon > 100 && p.lon < 104 && p.lat > 26 && p.lat < 29.5, `${p.code} ${p.lon},${p.lat}`);
  }
  assert.ok(r.json.items.some((p) => p.expected_g > 0), 'no point expects anything');
  const mine = await as.collector_yanyuan.get(`/api/v1/collection-forecasts?warehouse_id=${origin}&date=${day}`);
  assert.deepEqual(mine.json.items.map((p) => p.code).sort(), ['YY-MY-HTY', 'YY-MY-MYB', 'YY-WC-LJ']);
  const bad = await as.wh_xichang.get(`/api/v1/collection-forecasts?warehouse_id=${origin}&date=2026-13-01`);
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.errors[0].field, 'date');
  // an override on another day, by the operator only
  const other = addDays(day, 1);
  const point = r.json.items[0].point_id;
  for (const who of ['wh_ningbo', 'office', 'collector_yanyuan']) {
    const x = await as[who].put('/api/v1/collection-forecasts', { point_id: point, date: other, expected_kg: 300 });
    assert.equal(x.status, 403, `${who}: ${x.text}`);
  }
  assert.equal(count('collection_forecast_overrides'), 0);
  const o = await as.wh_xichang.put('/api/v1/collection-forecasts', { point_id: point, date: other, expected_kg: 300, note: '合作社电话通知' });
  assert.equal(o.status, 200, o.text);
  assert.deepEqual([o.json.items[0].expected_g, o.json.items[0].source], [300000, 'override']);
});

let plan;

test('plan: the operator plans the day; every point with a load is visited within its hours; the plan is stored', async () => {
  const fc = (await as.wh_xichang.get(`/api/v1/collection-forecasts?warehouse_id=${origin}&date=${day}`)).json.items;
  const before = count('collection_plans');
  const r = await as.wh_xichang.post('/api/v1/collection-plans', { date: day, warehouse_id: origin, seed: 3 });
  assert.equal(r.status, 201, r.text);
  plan = r.json;
  assert.equal(count('collection_plans'), before + 1);
  assert.equal(plan.date, day);
  assert.equal(plan.status, 'complete', JSON.stringify(plan.unserved));
  assert.ok(plan.runs.length >= 1);
  const visited = plan.runs.flatMap((run) => run.stops.map((s) => s.point_code)).sort();
  assert.deepEqual(visited, fc.filter((p) => p.expected_g > 0).map((p) => p.code).sort());
  let load = 0, cost = 0;
  for (const run of plan.runs) {
    assert.ok(run.load_g <= run.capacity_g, `run ${run.seq} over capacity`);
    assert.ok(run.depart_local >= '05:00' && run.return_local <= '22:00', `${run.depart_local}-${run.return_local}`);
    assert.ok(run.km > 0 && run.cost_fen > 0);
    for (const s of run.stops) {
      const p = fc.find((x) => x.point_id === s.point_id);
      assert.equal(s.load_g, p.expected_g);
      assert.ok(s.start_local >= p.opens && s.depart_local <= p.closes, `${s.point_code} ${s.start_local}-${s.depart_local} outside ${p.opens}-${p.closes}`);
      assert.ok(s.arrive_local <= s.start_local);
      assert.equal(s.approximate, true);
      assert.match(s.arrive_at, /Z$/);
      load += s.load_g;
    }
    assert.equal(run.stops.at(-1).onboard_g, run.load_g);
    cost += run.cost_fen;
  }
  assert.equal(plan.load_g, load);
  assert.equal(plan.cost_fen, cost);
  const again = await as.admin.post('/api/v1/collection-plans', { date: day, warehouse_id: origin, seed: 3 });
  assert.equal(again.status, 201);
  assert.notEqual(again.json.id, plan.id);
  const shape = (p) => p.runs.map((x) => [x.vehicle_code, x.stops.map((s) => [s.point_code, s.arrive_local])]);
  assert.deepEqual(shape(again.json), shape(plan), 'the same inputs and seed gave another plan');
});

test('plan: an Idempotency-Key retry is applied once', async () => {
  const before = count('collection_plans');
  const opts = { headers: { 'Idempotency-Key': 'plan-once-1' } };
  const searches = async () => (await as.admin.get('/api/v1/testing/counters')).json.collection_plan_searches;
  const s0 = await searches();
  const a = await as.wh_xichang.post('/api/v1/collection-plans', { date: day, warehouse_id: origin }, opts);
  const s1 = await searches();
  const b = await as.wh_xichang.post('/api/v1/collection-plans', { date: day, warehouse_id: origin }, opts);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers.get('idempotent-replay'), 'true');
  assert.equal(b.json.id, a.json.id);
  assert.equal(count('collection_plans'), before + 1);
  assert.equal(s1, s0 + 1, 'the first try searches');
  assert.equal(await searches(), s1, 'the retry is answered from its record, without searching again');
  const other = await as.wh_xichang.post('/api/v1/collection-plans', { date: day, warehouse_id: origin, seed: 2 }, opts);
  assert.equal(other.status, 422, other.text);
  assert.equal(other.json.error.code, 'idempotency_mismatch');
  assert.equal(await searches(), s1, 'a different body under the key is refused before searching');
});

test('plan: refusals change nothing', async () => {
  const before = count('collection_plans');
  for (const [who, body, status] of [
    ['wh_ningbo', { date: day, warehouse_id: origin }, 403],
    ['office', { date: day, warehouse_id: origin }, 403],
    ['collector_yanyuan', { date: day, warehouse_id: origin }, 403],
    ['channel_mgr', { date: day, warehouse_id: origin }, 403],
    ['admin', { date: day, warehouse_id: sales }, 422],
    ['admin', { date: 'tomorrow', warehouse_id: origin }, 422],
    ['admin', { date: day, warehouse_id: origin, time_limit: 600 }, 422],
    ['admin', { date: day, warehouse_id: 99999 }, 404],
  ]) {
    const r = await as[who].post('/api/v1/collection-plans', body);
    assert.equal(r.status, status, `${who} ${JSON.stringify(body)}: ${r.text}`);
  }
  assert.equal(count('collection_plans'), before);
});

test('what cannot be met is named: a load larger than every truck', async () => {
  const big = addDays(day, 7);
  const point = Number(one("SELECT id FROM collection_points WHERE code = 'YY-WC-LJ'").id);
  assert.equal((await as.wh_xichang.put('/api/v1/collection-forecasts', { point_id: point, date: big, expected_kg: 9000 })).status, 200);
  const r = await as.wh_xichang.post('/api/v1/collection-plans', { date: big, warehouse_id: origin });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'partial');
  const u = r.json.unserved.find((x) => x.point_code === 'YY-WC-LJ');
  assert.equal(u.reason, 'over_capacity');
  assert.match(u.message_en, /point 'YY-WC-LJ': expected 9000\.0 kg exceeds the capacity of every available truck \(largest 8000\.0 kg\)/);
  assert.match(u.message, /YY-WC-LJ/);
  assert.ok(!r.json.runs.some((run) => run.stops.some((s) => s.point_code === 'YY-WC-LJ')));
});

test('reading plans: office and the operator see all of it; another warehouse is refused; collectors see their runs only', async () => {
  const office = await as.office.get(`/api/v1/collection-plans/${plan.id}`);
  assert.equal(office.status, 200);
  assert.deepEqual(office.json.runs.length, plan.runs.length);
  assert.equal((await as.wh_ningbo.get(`/api/v1/collection-plans/${plan.id}`)).status, 403);
  assert.equal((await as.channel_mgr.get(`/api/v1/collection-plans/${plan.id}`)).status, 403);
  assert.equal((await as.admin.get('/api/v1/collection-plans/999999')).status, 404);
  const listed = await as.wh_xichang.get(`/api/v1/collection-plans?date=${day}&warehouse_id=${origin}`);
  assert.equal(listed.status, 200);
  assert.ok(listed.json.items.some((p) => p.id === plan.id));
  assert.equal((await as.wh_ningbo.get(`/api/v1/collection-plans?warehouse_id=${origin}`)).status, 403);
  assert.equal((await as.wh_ningbo.get('/api/v1/collection-plans')).json.items.length, 0);
  const pointsOf = { collector_yanyuan: ['YY-WC-LJ', 'YY-MY-MYB', 'YY-MY-HTY'], collector_jinyang: ['JY-DP-LML'], collector_butuo: ['BT-TJ-FTL'], collector_zhaojue: ['ZJ-SCH-SH'], collector_yuexi: ['YX-ZS-TJY'] };
  let sawRefusal = false, sawRuns = false;
  for (const [who, mine] of Object.entries(pointsOf)) {
    const visits = plan.runs.filter((run) => run.stops.some((s) => mine.includes(s.point_code)));
    const r = await as[who].get(`/api/v1/collection-plans/${plan.id}`);
    const l = await as[who].get(`/api/v1/collection-plans?date=${day}`);
    if (visits.length === 0) {
      assert.equal(r.status, 403, `${who}: ${r.text}`);
      assert.ok(!l.json.items.some((p) => p.id === plan.id), `${who} lists a plan that does not visit it`);
      sawRefusal = true;
    } else {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.runs.map((x) => x.seq), visits.map((x) => x.seq));
      assert.ok(l.json.items.some((p) => p.id === plan.id));
      sawRuns = true;
    }
  }
  assert.ok(sawRefusal && sawRuns, 'the demo day should visit some collectors and not others');
});

test('a long search holds neither the writer nor its connection thread: writes sent meanwhile are answered first', async () => {
  // 80 more points with loads on a day of their own: the search runs into
  // its 8 s cap. It runs on a read connection (ROUTE_PREPARE), so it does
  // not hold the writer, and on a slow-request worker with its connection
  // suspended, so it does not hold the libmicrohttpd thread that owns the
  // connection either: that thread also serves other keep-alive connections
  // (16 of them here, on the server's 4 connection threads), and each of the
  // 16 writes below goes on one of them. With the search on the connection
  // thread, the writes on its other connections waited for the whole search.
  const busy = addDays(day, 35);
  const base = querySql(srv, "SELECT lon_e6, lat_e6, village_code FROM collection_points WHERE code = 'YY-WC-LJ'")[0];
  for (let i = 0; i < 80; i++) {
    const p = await as.admin.post('/api/v1/points', {
      code: `T60-LOAD-${i}`, name: `测试收购点${i}`, village_code: base.village_code, warehouse_id: origin,
      lon_e6: Number(base.lon_e6) + ((i * 7919) % 600000) - 300000, lat_e6: Number(base.lat_e6) + ((i * 104729) % 600000) - 300000,
      opens: '06:00', closes: '20:00',
    });
    assert.equal(p.status, 201, p.text);
    const o = await as.admin.put('/api/v1/collection-forecasts', { point_id: p.json.id, date: busy, expected_kg: 100 + (i * 37) % 700 });
    assert.equal(o.status, 200, o.text);
  }
  const lj = Number(one("SELECT id FROM collection_points WHERE code = 'YY-WC-LJ'").id);
  const WRITES = 16;
  // open the keep-alive connections: concurrent requests each take one
  const warm = await Promise.all(Array.from({ length: WRITES + 1 }, () => as.wh_xichang.get('/api/v1/vehicles?warehouse_id=' + origin)));
  assert.ok(warm.every((r) => r.status === 200));
  const t0 = Date.now();
  let planDone = 0;
  const planning = as.wh_xichang.post('/api/v1/collection-plans', { date: busy, warehouse_id: origin, time_limit: 8, seed: 5 })
    .then((r) => { planDone = Date.now(); return r; });
  await new Promise((res) => setTimeout(res, 400));
  const done = [];
  const writes = await Promise.all(Array.from({ length: WRITES }, (_, k) =>
    as.wh_xichang.put('/api/v1/collection-forecasts', { point_id: lj, date: addDays(busy, 1 + k), expected_kg: 300 + k })
      .then((r) => { done.push(Date.now() - t0); return r; })));
  for (const w of writes) assert.equal(w.status, 200, w.text);
  const plan = await planning;
  assert.equal(plan.status, 201, plan.text);
  assert.ok(planDone - t0 >= 4000, `the search should run into its cap (took ${planDone - t0} ms), else this test proves nothing`);
  const last = Math.max(...done);
  assert.ok(last < planDone - t0, `a write waited for the search: writes answered at ${done.sort((a, b) => a - b).join(', ')} ms, the plan at ${planDone - t0} ms`);
  assert.ok(plan.json.runs.length > 0, plan.text);
});
