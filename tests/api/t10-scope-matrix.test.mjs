// The hand-written permission matrix, written from the users' point of view
// on the demo season (not derived from the routes table the server enforces,
// so a wrong table entry is caught here): what each demo user may and may not
// see or do with real objects inside and outside their scope. "Refused" means
// 403 or 404 — never the object.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, querySql } from './lib.mjs';

const DEMO_PASSWORD = 'shanhai2026';
let srv, as = {}, ids = {};

function one(q) { return querySql(srv, q)[0]; }

before(async () => {
  srv = await startServer({ demo: true });
  for (const u of ['collector_yanyuan', 'collector_jinyang', 'wh_xichang', 'wh_ningbo', 'channel_mgr', 'office'])
    as[u] = await srv.login(u, DEMO_PASSWORD);
  as.admin = await srv.login('admin', ADMIN_PASSWORD);
  // objects of the demo, by what they belong to
  ids.yanyuanLot = one("SELECT l.code FROM lots l JOIN collection_points p ON p.id = l.point_id WHERE p.code = 'YY-WC-LJ' LIMIT 1").code;
  ids.jinyangLot = one("SELECT l.code FROM lots l JOIN collection_points p ON p.id = l.point_id WHERE p.code = 'JY-DP-LML' LIMIT 1").code;
  ids.liveOrder = Number(one("SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = 'LIVE-HT' LIMIT 1").id);
  ids.unionOrder = Number(one("SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = 'UNION-NB' LIMIT 1").id);
  ids.origin = Number(one("SELECT id FROM warehouses WHERE code = 'XC-ORIGIN'").id);
  ids.sales = Number(one("SELECT id FROM warehouses WHERE code = 'NB-SALES'").id);
});
after(async () => { await srv.stop(); });

const refused = (r) => r.status === 403 || r.status === 404;

test('a collector sees the lots of their own points, not another county\'s', async () => {
  const mine = await as.collector_yanyuan.get(`/api/v1/lots/${ids.yanyuanLot}`);
  assert.equal(mine.status, 200, mine.text);
  const other = await as.collector_yanyuan.get(`/api/v1/lots/${ids.jinyangLot}`);
  assert.ok(refused(other), `Yanyuan's collector got Jinyang's lot: ${other.status}`);
  assert.ok(refused(await as.collector_yanyuan.get(`/api/v1/trace/${ids.jinyangLot}`)));
  assert.equal((await as.collector_jinyang.get(`/api/v1/lots/${ids.jinyangLot}`)).status, 200);
  const list = await as.collector_yanyuan.get('/api/v1/lots?limit=1000');
  assert.equal(list.status, 200);
  const codes = JSON.stringify(list.json);
  assert.ok(!codes.includes(ids.jinyangLot), 'a lot of another point appears in the collector\'s list');
});

test('a collector cannot see orders, figures, users or the audit log', async () => {
  for (const p of ['/api/v1/orders', `/api/v1/orders/${ids.liveOrder}`, '/api/v1/figures', '/api/v1/users', '/api/v1/audit'])
    assert.ok(refused(await as.collector_yanyuan.get(p)), p);
});

test('a warehouse operator works only at their own warehouse', async () => {
  const mine = await as.wh_ningbo.get(`/api/v1/stock?warehouse_id=${ids.sales}`);
  assert.equal(mine.status, 200, mine.text);
  const other = await as.wh_ningbo.get(`/api/v1/stock?warehouse_id=${ids.origin}`);
  assert.ok(refused(other) || (other.status === 200 && (other.json.items || []).length === 0),
    `Ningbo's operator read Xichang's stock: ${other.status} ${other.text.slice(0, 200)}`);
  assert.ok(refused(await as.wh_ningbo.get(`/api/v1/picklists?warehouse_id=${ids.origin}`)));
  assert.ok(refused(await as.wh_ningbo.get(`/print/picklist/${ids.origin}`)));
  // the origin side may not receive at Ningbo, nor Ningbo dispatch from the origin
  const lh = await as.wh_xichang.post('/api/v1/linehauls', { from_warehouse_id: ids.origin, to_warehouse_id: ids.sales, truck_type: '9.6m', cost_fen: 100000 });
  assert.equal(lh.status, 201, lh.text);
  const fromNingbo = await as.wh_ningbo.post('/api/v1/linehauls', { from_warehouse_id: ids.origin, to_warehouse_id: ids.sales, truck_type: '9.6m', cost_fen: 100000 });
  assert.ok(refused(fromNingbo), `Ningbo created a line-haul out of Xichang: ${fromNingbo.status}`);
});

test('a channel manager sees and writes only their channels\' orders', async () => {
  assert.equal((await as.channel_mgr.get(`/api/v1/orders/${ids.liveOrder}`)).status, 200);
  assert.ok(refused(await as.channel_mgr.get(`/api/v1/orders/${ids.unionOrder}`)), 'union order visible to the live-stream manager');
  const list = await as.channel_mgr.get('/api/v1/orders?limit=1000');
  assert.equal(list.status, 200);
  for (const o of list.json.items) assert.notEqual(o.channel, 'UNION-NB');
  const post = await as.channel_mgr.post('/api/v1/orders', {
    channel: 'UNION-NB', order_no: 'SCOPE-1', customer: { name: '工会', address: '宁波', division_code: '330205' },
    lines: [{ sku: 'YY-APL-80-5K', units: 1, unit_price_fen: 100 }],
  });
  assert.ok(refused(post), `posted for another channel: ${post.status}`);
  assert.ok(refused(await as.channel_mgr.post(`/api/v1/orders/${ids.unionOrder}/cancel`, {})));
  assert.ok(refused(await as.channel_mgr.get('/api/v1/users')));
});

test('the office reads everything and writes nothing', async () => {
  for (const p of ['/api/v1/figures', '/api/v1/orders', `/api/v1/orders/${ids.unionOrder}`, `/api/v1/lots/${ids.jinyangLot}`, '/api/v1/linehauls'])
    assert.equal((await as.office.get(p)).status, 200, p);
  for (const [p, b] of [['/api/v1/linehauls', { from_warehouse_id: ids.origin, to_warehouse_id: ids.sales }],
    [`/api/v1/orders/${ids.liveOrder}/cancel`, {}], ['/api/v1/users', { username: 'x', role: 'admin', password: 'office-pass-1' }]])
    assert.equal((await as.office.post(p, b)).status, 403, p);
});

test('the public trace page never needs a login, staff pages always do', async () => {
  assert.equal((await srv.anon.get(`/t/${ids.yanyuanLot}`)).status, 200);
  for (const p of [`/api/v1/trace/${ids.yanyuanLot}`, `/print/label/${ids.yanyuanLot}`, '/api/v1/figures'])
    assert.equal((await srv.anon.get(p)).status, 401, p);
});
