// Concurrent allocation of the last units: many orders at once for stock
// that cannot serve them all. Exactly as many lines as there are units get
// each warehouse's stock, the rest go where the policy sends them (origin
// parcel while the origin has stock, then backorder); nothing is promised
// twice and stock never goes negative. Also many identical retries at once
// create one order, a cancelled order's unit goes to exactly one line (a new
// order or the oldest backorder), and a command-line import running beside the server's
// own orders shares the stock without promising a unit twice. Fixtures: tests/data/orders/world.sql (sku YY-APL-LAST:
// 1 unit at NB-S, 5 at YY-O).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, ADMIN_PASSWORD, BIN } from './lib.mjs';
import { loadWorld, sql, freeUnits, order, channelUsers, NB, YY } from '../data/orders/fixture.mjs';

let srv, live, shop;

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  shop = await channelUsers(srv, admin, 'shop', 2);
});
after(async () => { await srv.stop(); });

test('20 parallel orders for the last unit: one from the sales warehouse, 5 from the origin, 14 backordered', async () => {
  const reqs = [];
  for (let i = 0; i < 20; i++) {
    const who = i % 2 ? live.feed : shop.feed;
    reqs.push(who.post('/api/v1/orders', order({ no: `LAST-${i}`, channel: i % 2 ? 'LIVE1' : 'SHOP2', sku: 'YY-APL-LAST' })));
  }
  const res = await Promise.all(reqs);
  for (const r of res) assert.equal(r.status, 201, r.text);
  const routes = res.map((r) => r.json.order.lines[0].route ?? 'backorder');
  const count = (k) => routes.filter((x) => x === k).length;
  assert.equal(count('sales_warehouse'), 1, routes.join());
  assert.equal(count('origin_parcel'), 5, routes.join());
  assert.equal(count('backorder'), 14, routes.join());
  assert.equal(freeUnits(srv, NB, 'YY-APL-LAST'), 0);
  assert.equal(freeUnits(srv, YY, 'YY-APL-LAST'), 0);
  const [s] = sql(srv, 'SELECT COUNT(*) AS bad FROM stock WHERE qty_g < 0 OR reserved_g > qty_g OR reserved_g < 0');
  assert.equal(s.bad, 0);
  const [a] = sql(srv, "SELECT SUM(qty_g) AS g FROM allocations a JOIN lots l ON l.id = a.lot_id WHERE l.sku_id = 4 AND a.state = 'reserved'");
  assert.equal(a.g, 6 * 5000);
});

test('a cancelled order frees its unit for one line only, even under concurrency', async () => {
  const winner = sql(srv, "SELECT o.id FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE ol.sku_id = 4 AND ol.route = 'sales_warehouse'")[0].id;
  const [cancel, ...others] = await Promise.all([
    live.feed.post(`/api/v1/orders/${winner}/cancel`, {}).then(async (r) => r.status === 403 ? shop.feed.post(`/api/v1/orders/${winner}/cancel`, {}) : r),
    ...Array.from({ length: 10 }, (_, i) => live.feed.post('/api/v1/orders', order({ no: `AFTER-${i}`, sku: 'YY-APL-LAST' }))),
  ]);
  assert.equal(cancel.status, 200, cancel.text);
  // the freed unit goes to one line: a new order taken before the cancel, or
  // else (backorders are filled when stock is released: src/app/reallocate.c)
  // the oldest of the 14 lines waiting on backorder
  const served = others.filter((r) => r.json.order.lines[0].route === 'sales_warehouse').length;
  assert.ok(served <= 1, `${served} orders got the one freed unit`);
  const [filled] = sql(srv, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.reallocate'");
  assert.equal(served + Number(filled.n), 1, `${served} new orders and ${filled.n} backorders got the unit`);
  assert.equal(freeUnits(srv, NB, 'YY-APL-LAST'), 0);
  const [a] = sql(srv, "SELECT SUM(a.qty_g) AS g FROM allocations a JOIN lots l ON l.id = a.lot_id WHERE l.sku_id = 4 AND a.state = 'reserved' AND a.warehouse_id = 2");
  assert.equal(Number(a.g), 5000);
});

test('the same order sent 10 times at once is created once', async () => {
  const body = order({ no: 'SAME-1', sku: 'YY-APL-80-2' });
  const res = await Promise.all(Array.from({ length: 10 }, () => live.feed.post('/api/v1/orders', body)));
  const statuses = res.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(res.map((r) => r.json.order.id)).size, 1);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'SAME-1'")[0].n, 1);
  const [a] = sql(srv, "SELECT COUNT(*) AS n FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id JOIN orders o ON o.id = ol.order_id WHERE o.channel_order_no = 'SAME-1'");
  assert.equal(a.n, 1);
});

test('parallel bulks that overlap on order numbers: each order exists once', async () => {
  const mk = (k) => Array.from({ length: 50 }, (_, i) => order({ no: `BULK-${i + k}`, sku: 'YY-APL-80-2', units: 1 }));
  const res = await Promise.all([0, 25, 50].map((k) => live.feed.post('/api/v1/orders/bulk', { orders: mk(k) })));
  for (const r of res) assert.ok(r.status === 201 || r.status === 200, r.text);
  const [n] = sql(srv, "SELECT COUNT(*) AS n, COUNT(DISTINCT channel_order_no) AS d FROM orders WHERE channel_order_no LIKE 'BULK-%'");
  assert.equal(n.n, 100);
  assert.equal(n.d, 100);
  const created = res.reduce((s, r) => s + r.json.created, 0);
  assert.equal(created, 100);
});

test('a command-line import and API orders at the same time never promise a unit twice', async () => {
  // YY-APL-80-5: 10 units at NB-S and 100 at YY-O before this test; 300 + 30 one-unit orders
  const supply = freeUnits(srv, NB, 'YY-APL-80-5') + freeUnits(srv, YY, 'YY-APL-80-5');
  const rows = ['order_no,sku,units,unit_price,name,address,division_code'];
  for (let i = 0; i < 300; i++) rows.push(`CLI-${i},YY-APL-80-5,1,59.90,导入,宁波市鄞州区,330212`);
  const file = path.join(srv.dir, 'many.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const cli = promisify(execFile)(BIN, ['--db', srv.db, 'import', file, '--channel', 'LIVE1', '--quiet']);
  const api = Promise.all(Array.from({ length: 30 }, (_, i) => live.feed.post('/api/v1/orders', order({ no: `API-${i}`, sku: 'YY-APL-80-5' }))));
  const [out, res] = await Promise.all([cli, api]);
  assert.match(out.stdout, /300 orders \(300 new/);
  for (const r of res) assert.equal(r.status, 201, r.text);
  const [a] = sql(srv, `SELECT COUNT(*) AS n FROM order_lines ol JOIN orders o ON o.id = ol.order_id
    WHERE (o.channel_order_no LIKE 'CLI-%' OR o.channel_order_no LIKE 'API-%') AND ol.status = 'allocated'`);
  assert.equal(a.n, supply, 'every unit promised once, and no more');
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5') + freeUnits(srv, YY, 'YY-APL-80-5'), 0);
  const [s] = sql(srv, `SELECT (SELECT COUNT(*) FROM stock WHERE reserved_g > qty_g OR reserved_g < 0) AS bad,
    (SELECT SUM(reserved_g) FROM stock) AS reserved,
    (SELECT SUM(qty_g) FROM allocations WHERE state = 'reserved') AS allocated`);
  assert.equal(s.bad, 0);
  assert.equal(s.reserved, s.allocated);
});
