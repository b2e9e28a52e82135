// Filling backorders (src/app/reallocate.c): lines that found no stock when
// their order arrived are allocated when stock becomes promisable (a stock
// adjustment, a line-haul received, a packing run, a restockable return, a
// cancellation) or on request (POST
// /api/v1/orders/reallocate), oldest order first, whole lines only, never
// more than the stock, never stock in transit; concurrent requests never
// promise a unit twice; the endpoint's role and scope refusals.
// Fixtures: tests/data/orders/world.sql plus the SKUs below, which start with
// no promisable stock anywhere:
//   HJ-PEP-500 (500 g, world.sql): stock comes by a 'found' adjustment at NB-S
//   TEA-1 (1 kg): 6 units in transit to NB-S on line-haul LH2
//   CC-1 (1 kg): stock written straight into the database (no trigger)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, execSql, ADMIN_PASSWORD } from './lib.mjs';
import { loadWorld, sql, order, channelUsers, NB, YY } from '../data/orders/fixture.mjs';

let srv, admin, live, shop, office, col, whNb, whYy;
const H = 3600000, T0 = Date.parse('2026-11-01T02:00:00Z');
const at = (h) => new Date(T0 + h * H).toISOString().replace(/\.\d+Z$/, 'Z');

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  execSql(srv, `BEGIN;
INSERT INTO skus (id, code, product_id, grade_id, name, net_g, gross_g) VALUES
  (5, 'TEA-1', 2, 2, '茶 1kg', 1000, 1100), (6, 'CC-1', 2, 2, '花椒 1kg', 1000, 1100);
INSERT INTO lots (id, code, kind, product_id, grade_id, sku_id, harvest_date, packed_on, expires_on, initial_g, created_at) VALUES
  (8, 'LPEP1', 'packed', 2, 2, 3, '2026-10-01', '2026-10-02', '2099-01-01', 2000, 0),
  (9, 'LTEA1', 'packed', 2, 2, 5, '2026-10-01', '2026-10-02', '2099-01-01', 6000, 0),
  (10, 'LCC1', 'packed', 2, 2, 6, '2026-10-01', '2026-10-02', '2099-01-01', 5000, 0);
INSERT INTO linehauls (id, code, from_warehouse_id, to_warehouse_id, status, created_at) VALUES
  (2, 'LH2', 1, 2, 'dispatched', 0);
INSERT INTO linehaul_lines (linehaul_id, lot_id, loaded_g) VALUES (2, 9, 6000);
INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (9, 'transit', 2, 6000);
COMMIT;`);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  shop = await channelUsers(srv, admin, 'shop', 2);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  col = await srv.makeUser(admin, { username: 'col1', role: 'collector' });
  whNb = await srv.makeUser(admin, { username: 'wh-nb', role: 'warehouse', scopes: { warehouses: [NB] } });
  whYy = await srv.makeUser(admin, { username: 'wh-yy', role: 'warehouse', scopes: { warehouses: [YY] } });
});
after(async () => { await srv.stop(); });

async function place(who, no, sku, units, hours, channel = 'LIVE1') {
  const r = await who.post('/api/v1/orders', order({ no, channel, sku, units, ordered_at: at(hours) }));
  assert.equal(r.status, 201, r.text);
  return r.json.order;
}
const line = (orderId) => sql(srv, `SELECT status, warehouse_id, route, alloc_reason FROM order_lines WHERE order_id = ${orderId}`)[0];
const status = (orderId) => sql(srv, `SELECT status FROM orders WHERE id = ${orderId}`)[0].status;
const stockOk = () => sql(srv, 'SELECT COUNT(*) AS bad FROM stock WHERE qty_g < 0 OR reserved_g > qty_g OR reserved_g < 0')[0].bad === 0;
const reservedG = (sku) => Number(sql(srv, `SELECT COALESCE(SUM(a.qty_g), 0) AS g FROM allocations a JOIN lots l ON l.id = a.lot_id
  WHERE l.sku_id = ${sku} AND a.state = 'reserved'`)[0].g);

test('an adjustment that adds stock fills backorders oldest order first, whole lines, never beyond the stock', async () => {
  // placed newest first, so the order ids run against the order dates
  const o3 = await place(live.feed, 'PEP-3', 'HJ-PEP-500', 1, 2);
  const o2 = await place(live.feed, 'PEP-2', 'HJ-PEP-500', 2, 1);
  const o1 = await place(live.feed, 'PEP-1', 'HJ-PEP-500', 3, 0);
  for (const o of [o1, o2, o3]) assert.equal(o.status, 'backorder');
  const r = await whNb.post('/api/v1/adjustments', { lot_code: 'LPEP1', warehouse_id: NB, kind: 'found', qty_g: 2000, reason: '盘盈 4 件' });
  assert.equal(r.status, 201, r.text);
  // 4 units: the oldest line (3) fits, the next (2) does not and waits, the newest (1) fits
  assert.equal(status(o1.id), 'allocated');
  assert.equal(status(o2.id), 'backorder');
  assert.equal(status(o3.id), 'allocated');
  const l1 = line(o1.id);
  assert.equal(l1.warehouse_id, NB);
  assert.equal(l1.route, 'sales_warehouse');
  assert.match(l1.alloc_reason, /filled from backorder: sales warehouse NB-S/);
  assert.equal(reservedG(3), 2000);
  assert.ok(stockOk());
  const a = sql(srv, `SELECT object_id, detail FROM audit_log WHERE action = 'order.reallocate' ORDER BY id`);
  assert.deepEqual(a.map((x) => Number(x.object_id)), [o1.id, o3.id]);
  assert.match(a[0].detail, /"trigger":"adjustment.create"/);
  // the API shows it: the order reads back allocated, with its lot
  const g = await admin.get(`/api/v1/orders/${o1.id}`);
  assert.equal(g.json.lines[0].status, 'allocated');
  assert.equal(g.json.lines[0].allocations[0].lot, 'LPEP1');
});

test('stock in transit is not promised; the line-haul receipt fills the backorder', async () => {
  const o = await place(live.feed, 'TEA-1', 'TEA-1', 4, 3);
  assert.equal(o.status, 'backorder');
  const r = await admin.post('/api/v1/orders/reallocate', { sku: 'TEA-1' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.allocated, 0);
  assert.equal(status(o.id), 'backorder');
  const rc = await whNb.post('/api/v1/linehauls/2/receive', { lines: [{ lot_code: 'LTEA1', received_g: 6000 }] });
  assert.equal(rc.status, 200, rc.text);
  assert.equal(status(o.id), 'allocated');
  assert.equal(line(o.id).warehouse_id, NB);
  assert.equal(reservedG(5), 4000);
  const [aud] = sql(srv, `SELECT detail FROM audit_log WHERE action = 'order.reallocate' AND object_id = '${o.id}'`);
  assert.match(aud.detail, /"trigger":"linehaul.receive"/);
});

test('an order with a filled and a waiting line is partial, then allocated', async () => {
  const r = await live.feed.post('/api/v1/orders', order({ no: 'MIX-1', ordered_at: at(4), lines: [
    { sku: 'TEA-1', units: 2, unit_price_fen: 1000 }, { sku: 'CC-1', units: 1, unit_price_fen: 1000 }] }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.order.status, 'partial');
  execSql(srv, "INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (10, 'warehouse', 1, 1000);");
  const re = await admin.post('/api/v1/orders/reallocate', { sku: 'CC-1' });
  assert.equal(re.status, 200, re.text);
  assert.equal(re.json.allocated, 1);
  assert.deepEqual(re.json.lines.map((l) => [l.order_id, l.line_no, l.warehouse, l.route]), [[r.json.order.id, 2, 'YY-O', 'origin_parcel']]);
  assert.equal(status(r.json.order.id), 'allocated');
});

test('the endpoint: roles, scope, validation', async () => {
  const p = '/api/v1/orders/reallocate';
  assert.equal((await srv.anon.post(p, {})).status, 401);
  for (const who of [office, col, live.feed]) assert.equal((await who.post(p, {})).status, 403);
  assert.equal((await whYy.post(p, { warehouse: 'NB-S' })).status, 403);
  const noWh = await whNb.post(p, {});
  assert.equal(noWh.status, 422);
  assert.equal(noWh.json.error.errors[0].field, 'warehouse');
  const sku = await admin.post(p, { sku: 'NO-SUCH' });
  assert.equal(sku.status, 422);
  assert.equal(sku.json.error.errors[0].field, 'sku');
  assert.equal((await admin.post(p, { warehouse: 'NO-SUCH' })).json.error.errors[0].field, 'warehouse');
  assert.equal((await admin.post(p, { sku: 7 })).status, 422);
  assert.equal((await admin.post(p, { skus: 'TEA-1' })).status, 422);
  const ok = await whNb.post(p, { warehouse: 'NB-S' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.allocated, 0);
  assert.deepEqual(ok.json.lines, []);
  assert.equal((await live.mgr.post(p, {})).status, 200);
});

test('concurrent requests never promise a unit twice; a channel manager sees only its lines', async () => {
  const mine = [], theirs = [];
  for (let i = 0; i < 8; i++) {
    const o = await place(i % 2 ? live.feed : shop.feed, `CC-${i}`, 'CC-1', 1, 10 + i, i % 2 ? 'LIVE1' : 'SHOP2');
    assert.equal(o.status, 'backorder');
    (i % 2 ? mine : theirs).push(o.id);
  }
  // 5 units at the origin, put there without a trigger
  execSql(srv, "UPDATE stock SET qty_g = 6000 WHERE lot_id = 10 AND loc_kind = 'warehouse' AND loc_id = 1;");
  const res = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    (i % 2 ? admin : live.mgr).post('/api/v1/orders/reallocate', { sku: 'CC-1' })));
  for (const r of res) assert.ok(r.status === 200 || r.status === 409, r.text);
  const total = res.filter((r) => r.status === 200).reduce((s, r) => s + r.json.allocated, 0);
  assert.equal(total, 5);
  for (const r of res.filter((x) => x.status === 200 && x.json.allocated > 0)) {
    const seen = r.json.lines.map((l) => l.order_id);
    if (r.json.lines.length < r.json.allocated) assert.ok(seen.every((id) => mine.includes(id)), 'the manager sees only LIVE1');
  }
  // the five oldest orders got the five units, each once
  const got = sql(srv, "SELECT o.channel_order_no AS no FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE ol.sku_id = 6 AND ol.status = 'allocated' AND o.channel_order_no LIKE 'CC-%' ORDER BY o.ordered_at");
  assert.deepEqual(got.map((g) => g.no), ['CC-0', 'CC-1', 'CC-2', 'CC-3', 'CC-4']);
  assert.equal(reservedG(6), 6000);
  const [dup] = sql(srv, "SELECT COUNT(*) AS n FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id WHERE ol.sku_id = 6 AND a.state = 'reserved'");
  assert.equal(Number(dup.n), 6);
  assert.ok(stockOk());
});

test('a cancellation releases its stock to the oldest waiting line', async () => {
  const first = sql(srv, "SELECT id FROM orders WHERE channel_order_no = 'CC-0'")[0].id;
  const waiting = sql(srv, "SELECT id FROM orders WHERE channel_order_no = 'CC-5'")[0].id;
  assert.equal(status(waiting), 'backorder');
  const c = await shop.feed.post(`/api/v1/orders/${first}/cancel`, {});
  assert.equal(c.status, 200, c.text);
  assert.equal(status(waiting), 'allocated');
  assert.equal(status(sql(srv, "SELECT id FROM orders WHERE channel_order_no = 'CC-6'")[0].id), 'backorder');
  assert.equal(reservedG(6), 6000);
  assert.ok(stockOk());
});

test('a packing run fills the backorders of the SKU it packs', async () => {
  // a product of its own, packed from a source lot (no SKU), so nothing else can be filled
  execSql(srv, `BEGIN;
INSERT INTO products (id, code, name, shelf_life_days) VALUES (3, 'TS-PK', '包装测试', 90);
INSERT INTO grades (id, product_id, code, name) VALUES (3, 3, 'A', '一级');
INSERT INTO skus (id, code, product_id, grade_id, name, net_g, gross_g) VALUES
  (8, 'PK-OUT', 3, 3, '礼盒 1kg', 1000, 1100);
INSERT INTO lots (id, code, kind, product_id, grade_id, harvest_date, expires_on, initial_g, created_at) VALUES
  (11, 'LPK-IN', 'source', 3, 3, '2026-10-01', '2099-01-01', 4000, 0);
INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (11, 'warehouse', 1, 4000);
COMMIT;`);
  const o1 = await place(live.feed, 'PK-1', 'PK-OUT', 2, 20);
  const o2 = await place(live.feed, 'PK-2', 'PK-OUT', 2, 21);
  assert.equal(o1.status, 'backorder');
  assert.equal(o2.status, 'backorder');
  const r = await whYy.post('/api/v1/packings', {
    warehouse_id: YY, inputs: [{ lot_code: 'LPK-IN', used_g: 3000 }], outputs: [{ sku_id: 8, units: 3 }],
  });
  assert.equal(r.status, 201, r.text);
  // 3 units packed: the older order's 2 fit, the newer order's 2 do not
  assert.equal(status(o1.id), 'allocated');
  assert.equal(status(o2.id), 'backorder');
  const l = line(o1.id);
  assert.equal(l.warehouse_id, YY);
  assert.equal(l.route, 'origin_parcel');
  assert.equal(reservedG(8), 2000);
  const [aud] = sql(srv, `SELECT detail FROM audit_log WHERE action = 'order.reallocate' AND object_id = '${o1.id}'`);
  assert.match(aud.detail, /"trigger":"packing.create"/);
  assert.ok(stockOk());
});

test('a restockable return fills the oldest waiting line; a written-off return does not', async () => {
  // after the packing run: PK-1 holds 2 of the 3 packed units at YY-O, PK-2 (2 units) waits
  const o1 = sql(srv, "SELECT id FROM orders WHERE channel_order_no = 'PK-1'")[0].id;
  const o2 = sql(srv, "SELECT id FROM orders WHERE channel_order_no = 'PK-2'")[0].id;
  assert.equal(status(o2), 'backorder');
  const p = await whYy.post('/api/v1/parcels', { order_id: o1, warehouse_id: YY });
  assert.equal(p.status, 201, p.text);
  const s = await whYy.post(`/api/v1/parcels/${p.json.id}/ship`, { carrier: 'SF', tracking_no: 'SF-PK1', cost_fen: 1200 });
  assert.equal(s.status, 200, s.text);
  const deliveredAt = new Date(Date.now() + 3600000).toISOString().replace(/\.\d+Z$/, 'Z');
  const d = await whYy.post('/api/v1/deliveries', { deliveries: [{ carrier: 'SF', tracking_no: 'SF-PK1', delivered_at: deliveredAt }] });
  assert.equal(d.status, 200, d.text);
  const ret = (restockable) => whYy.post(`/api/v1/orders/${o1}/return`, { line_no: 1, units: 1, warehouse_id: YY, restockable, reason: '客户退回' });
  // written off: stock stays at 1 free unit, PK-2 still waits
  const w = await ret(false);
  assert.equal(w.status, 201, w.text);
  assert.equal(status(o2), 'backorder');
  // restocked: 2 free units, PK-2 is filled
  const r = await ret(true);
  assert.equal(r.status, 201, r.text);
  assert.equal(status(o2), 'allocated');
  assert.equal(line(o2).warehouse_id, YY);
  assert.equal(reservedG(8), 2000);
  const [aud] = sql(srv, `SELECT detail FROM audit_log WHERE action = 'order.reallocate' AND object_id = '${o2}'`);
  assert.match(aud.detail, /"trigger":"order.return"/);
  assert.ok(stockOk());
});

test("a pass for one warehouse reserves only there: the origin's operator cannot promise the sales warehouse's stock", async () => {
  // a product of its own with one packed unit at each warehouse, put there without a trigger
  execSql(srv, `BEGIN;
INSERT INTO products (id, code, name, shelf_life_days) VALUES (4, 'TS-WH', '仓库范围测试', 90);
INSERT INTO grades (id, product_id, code, name) VALUES (4, 4, 'A', '一级');
INSERT INTO skus (id, code, product_id, grade_id, name, net_g, gross_g) VALUES
  (9, 'WH-ONE', 4, 4, '礼盒 1kg', 1000, 1100);
INSERT INTO lots (id, code, kind, product_id, grade_id, sku_id, harvest_date, packed_on, expires_on, initial_g, created_at) VALUES
  (50, 'LWH-YY', 'packed', 4, 4, 9, '2026-10-01', '2026-10-02', '2099-01-01', 1000, 0),
  (51, 'LWH-NB', 'packed', 4, 4, 9, '2026-10-01', '2026-10-02', '2099-01-01', 1000, 0);
COMMIT;`);
  const o = await place(live.feed, 'WH-1', 'WH-ONE', 1, 30); // a Ningbo customer, in NB-S's area
  assert.equal(o.status, 'backorder');
  execSql(srv, `INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (50, 'warehouse', ${YY}, 1000), (51, 'warehouse', ${NB}, 1000);`);
  const reservedAt = (wh) => Number(sql(srv, `SELECT COALESCE(SUM(qty_g), 0) AS g FROM allocations WHERE warehouse_id = ${wh} AND lot_id IN (50, 51) AND state = 'reserved'`)[0].g);
  // the policy serves this customer from NB-S: the origin's pass leaves the line waiting
  const yy = await whYy.post('/api/v1/orders/reallocate', { warehouse: 'YY-O' });
  assert.equal(yy.status, 200, yy.text);
  assert.equal(yy.json.allocated, 0);
  assert.equal(status(o.id), 'backorder');
  assert.equal(reservedAt(NB), 0);
  assert.equal(reservedAt(YY), 0);
  // the sales warehouse's own pass fills it there
  const nb = await whNb.post('/api/v1/orders/reallocate', { warehouse: 'NB-S' });
  assert.equal(nb.status, 200, nb.text);
  assert.equal(nb.json.allocated, 1);
  assert.equal(line(o.id).warehouse_id, NB);
  assert.equal(line(o.id).route, 'sales_warehouse');
  assert.equal(reservedAt(NB), 1000);
  assert.equal(reservedAt(YY), 0);
  assert.ok(stockOk());
});
