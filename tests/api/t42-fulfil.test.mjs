// Fulfilment over HTTP: pick lists (JSON and the printable page), packing an
// order's lines into parcels per warehouse, shipping (stock leaves), delivery
// confirmations as a JSON list and as a CSV file, returns (restock or write
// off) and refunds, with warehouse operators limited to their own
// warehouses' parcels and office read-only. Fixtures: tests/data/orders/world.sql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWorld, sql, freeUnits, order, channelUsers, NB, YY } from '../data/orders/fixture.mjs';

let srv, admin, live, office, whNb, whYy, orderId;
const soon = (min) => new Date(Date.now() + min * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
const stockG = (lot, wh) => sql(srv, `SELECT qty_g, reserved_g FROM stock WHERE lot_id = ${lot} AND loc_kind = 'warehouse' AND loc_id = ${wh}`)[0];

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  whNb = await srv.makeUser(admin, { username: 'wh-nb', role: 'warehouse', scopes: { warehouses: [NB] } });
  whYy = await srv.makeUser(admin, { username: 'wh-yy', role: 'warehouse', scopes: { warehouses: [YY] } });
  // line 1 from the Ningbo sales warehouse, line 2 (2.5 kg boxes, origin only) as an origin parcel
  const r = await live.feed.post('/api/v1/orders', order({ no: '<b>FUL-1</b>', lines: [
    { sku: 'YY-APL-80-5', units: 2, unit_price_fen: 5990 }, { sku: 'YY-APL-80-2', units: 3, unit_price_fen: 3990 }] }));
  assert.equal(r.status, 201, r.text);
  orderId = r.json.order.id;
  assert.deepEqual(r.json.order.lines.map((l) => l.warehouse_id), [NB, YY]);
});
after(async () => { await srv.stop(); });

test('pick list per warehouse: the operator of that warehouse and office read it, others are refused', async () => {
  const r = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.warehouse.code, 'NB-S');
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].order_no, '<b>FUL-1</b>');
  assert.equal(r.json.items[0].units, 2);
  assert.equal(r.json.items[0].lot, 'LNB1');
  assert.deepEqual(r.json.totals.map((t) => [t.sku, t.units]), [['YY-APL-80-5', 2]]);
  assert.equal((await office.get(`/api/v1/picklists?warehouse_id=${YY}`)).json.items[0].sku, 'YY-APL-80-2');
  assert.equal((await whYy.get(`/api/v1/picklists?warehouse_id=${NB}`)).status, 403);
  assert.equal((await whNb.get('/api/v1/picklists')).status, 422);
  assert.equal((await admin.get('/api/v1/picklists?warehouse_id=999')).status, 404);
  assert.equal((await live.mgr.get(`/api/v1/picklists?warehouse_id=${NB}`)).status, 403);
});

test('the printable pick list is HTML with every value escaped', async () => {
  const r = await whNb.get(`/print/picklist/${NB}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.ok(r.text.includes('&lt;b&gt;FUL-1&lt;/b&gt;'), r.text.slice(0, 400));
  assert.ok(!r.text.includes('<b>FUL-1'));
  assert.ok(r.text.includes('LNB1'));
  assert.equal((await whYy.get(`/print/picklist/${NB}`)).status, 403);
  assert.equal((await whYy.get('/print/picklist/abc')).status, 422);
});

let nbParcel, yyParcel;

test('packing: only at the operator\'s warehouse, only lines allocated there, once', async () => {
  assert.equal((await whYy.post('/api/v1/parcels', { order_id: orderId, warehouse_id: NB })).status, 403);
  assert.equal((await whNb.post('/api/v1/parcels', { order_id: orderId, warehouse_id: NB, line_nos: [2] })).status, 409);
  assert.equal((await whNb.post('/api/v1/parcels', { order_id: orderId, warehouse_id: NB, line_nos: [0] })).status, 422);
  assert.equal((await whNb.post('/api/v1/parcels', { order_id: orderId })).status, 422);
  assert.equal((await whNb.post('/api/v1/parcels', { order_id: 999999, warehouse_id: NB })).status, 404);
  const r = await whNb.post('/api/v1/parcels', { order_id: orderId, warehouse_id: NB });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'packed');
  assert.match(r.json.code, /^P/);
  nbParcel = r.json.id;
  assert.equal(sql(srv, `SELECT weight_g FROM parcels WHERE id = ${nbParcel}`)[0].weight_g, 2 * 5400);
  assert.equal((await whNb.post('/api/v1/parcels', { order_id: orderId, warehouse_id: NB })).status, 409);
  assert.equal((await whNb.get(`/api/v1/picklists?warehouse_id=${NB}`)).json.items.length, 0);
  const y = await whYy.post('/api/v1/parcels', { order_id: orderId, warehouse_id: YY, line_nos: [2] });
  assert.equal(y.status, 201, y.text);
  yyParcel = y.json.id;
  assert.equal((await admin.get(`/api/v1/orders/${orderId}`)).json.status, 'picking');
});

test('shipping takes the stock out and records carrier, tracking number, cost and weight', async () => {
  const before = stockG(1, NB);
  assert.equal((await whYy.post(`/api/v1/parcels/${nbParcel}/ship`, { carrier: 'SF', tracking_no: 'SF100', cost_fen: 1800 })).status, 403);
  assert.equal((await office.post(`/api/v1/parcels/${nbParcel}/ship`, { carrier: 'SF', tracking_no: 'SF100', cost_fen: 1800 })).status, 403);
  const bad = await whNb.post(`/api/v1/parcels/${nbParcel}/ship`, { carrier: '', cost_fen: -5, extra: 1 });
  assert.equal(bad.status, 422);
  const r = await whNb.post(`/api/v1/parcels/${nbParcel}/ship`, { carrier: 'SF', tracking_no: 'SF100', cost_fen: 1800, weight_g: 11200 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'shipped');
  const after = stockG(1, NB);
  assert.equal(before.qty_g - after.qty_g, 10000);
  assert.equal(before.reserved_g - after.reserved_g, 10000);
  const [p] = sql(srv, `SELECT carrier, tracking_no, cost_fen, weight_g, shipped_at FROM parcels WHERE id = ${nbParcel}`);
  assert.deepEqual([p.carrier, p.tracking_no, p.cost_fen, p.weight_g], ['SF', 'SF100', 1800, 11200]);
  assert.ok(p.shipped_at > 0);
  assert.equal((await whNb.post(`/api/v1/parcels/${nbParcel}/ship`, { carrier: 'SF', tracking_no: 'SF101', cost_fen: 1 })).status, 409);
  const dup = await whYy.post(`/api/v1/parcels/${yyParcel}/ship`, { carrier: 'SF', tracking_no: 'SF100', cost_fen: 900 });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.json.error.field, 'tracking_no');
  assert.equal((await whYy.post(`/api/v1/parcels/${yyParcel}/ship`, { carrier: 'YTO', tracking_no: 'YT200', cost_fen: 2600 })).status, 200);
  assert.equal((await whYy.post('/api/v1/parcels/999999/ship', { carrier: 'YTO', tracking_no: 'YT9', cost_fen: 1 })).status, 404);
  assert.equal((await live.mgr.post(`/api/v1/orders/${orderId}/cancel`, {})).status, 409);
});

test('delivery confirmations as a JSON list: every bad row listed, all or nothing, the first confirmation stands', async () => {
  const bad = await whNb.post('/api/v1/deliveries', { deliveries: [
    { carrier: 'SF', tracking_no: 'SF100', delivered_at: soon(60) },
    { carrier: 'SF', tracking_no: 'NOPE', delivered_at: soon(60) },
    { carrier: 'SF', tracking_no: 'SF100', delivered_at: 'yesterday' }] });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.error.errors.map((e) => e.row), [2, 3]);
  assert.equal(sql(srv, `SELECT status FROM parcels WHERE id = ${nbParcel}`)[0].status, 'shipped');
  const early = await whNb.post('/api/v1/deliveries', { deliveries: [{ carrier: 'SF', tracking_no: 'SF100', delivered_at: '2020-01-01T00:00:00Z' }] });
  assert.equal(early.status, 422);
  const other = await whNb.post('/api/v1/deliveries', { deliveries: [{ carrier: 'YTO', tracking_no: 'YT200', delivered_at: soon(60) }] });
  assert.equal(other.status, 422, 'the YY parcel is not the Ningbo operator\'s');
  const at = soon(90);
  const ok = await whNb.post('/api/v1/deliveries', { deliveries: [{ carrier: 'SF', tracking_no: 'SF100', delivered_at: at }] });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.json.rows, ok.json.confirmed], [1, 1]);
  const again = await whNb.post('/api/v1/deliveries', { deliveries: [{ carrier: 'SF', tracking_no: 'SF100', delivered_at: soon(200) }] });
  assert.deepEqual([again.status, again.json.confirmed, again.json.unchanged], [200, 0, 1]);
  assert.equal(sql(srv, `SELECT delivered_at FROM parcels WHERE id = ${nbParcel}`)[0].delivered_at, Date.parse(at));
  assert.equal((await whNb.post('/api/v1/deliveries', { deliveries: [] })).status, 422);
});

test('delivery confirmations as a CSV file (Chinese headers too)', async () => {
  const csvBad = `承运商,运单号,签收时间\r\nYTO,YT200,${soon(60)}\r\nYTO,YT404,2026-11-23 10:00\r\n`;
  const bad = await whYy.raw('POST', '/api/v1/imports/deliveries', { body: csvBad, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.errors[0].row, 3);
  assert.equal(sql(srv, `SELECT status FROM parcels WHERE id = ${yyParcel}`)[0].status, 'shipped');
  const missing = await whYy.raw('POST', '/api/v1/imports/deliveries', { body: 'carrier,tracking_no\nYTO,YT200\n' });
  assert.equal(missing.status, 422);
  assert.ok(missing.json.error.errors.some((e) => e.field === 'delivered_at'));
  const r = await whYy.raw('POST', '/api/v1/imports/deliveries', { body: `carrier,tracking_no,delivered_at\nYTO,YT200,${soon(60)}\n` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.confirmed, 1);
  const o = await admin.get(`/api/v1/orders/${orderId}`);
  assert.equal(o.json.status, 'delivered');
  assert.ok(o.json.parcels.every((p) => p.delivered_at), JSON.stringify(o.json.parcels));
});

test('returns: restocked units go back on sale, written-off units do not; money back is capped', async () => {
  const free = freeUnits(srv, NB, 'YY-APL-80-5');
  assert.equal((await whYy.post(`/api/v1/orders/${orderId}/return`, { line_no: 1, units: 1, warehouse_id: NB, restockable: true, reason: '退回' })).status, 403);
  const r = await whNb.post(`/api/v1/orders/${orderId}/return`, { line_no: 1, units: 1, warehouse_id: NB, restockable: true, reason: '客户拒收' });
  assert.equal(r.status, 201, r.text);
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5'), free + 1);
  const w = await whNb.post(`/api/v1/orders/${orderId}/return`, { line_no: 1, units: 1, warehouse_id: NB, restockable: false, reason: '破损' });
  assert.equal(w.status, 201, w.text);
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5'), free + 1);
  const [d] = sql(srv, "SELECT SUM(qty_g) AS g FROM stock_moves WHERE reason = 'damage'");
  assert.equal(d.g, 5000);
  assert.equal((await whNb.post(`/api/v1/orders/${orderId}/return`, { line_no: 1, units: 1, warehouse_id: NB, restockable: true, reason: 'again' })).status, 409);
  const refunds = sql(srv, `SELECT kind, units, amount_fen FROM refunds WHERE order_id = ${orderId} ORDER BY id`);
  assert.deepEqual(refunds, [{ kind: 'return', units: 1, amount_fen: 5990 }, { kind: 'return', units: 1, amount_fen: 5990 }]);
  const o = await admin.get(`/api/v1/orders/${orderId}`);
  assert.equal(o.json.lines[0].status, 'returned');
  // line 2 (3 x 39.90): refunding more than is left is refused
  assert.equal((await live.mgr.post(`/api/v1/orders/${orderId}/refund`, { line_no: 2, amount_fen: 3 * 3990 + 1, reason: 'x' })).status, 409);
  assert.equal((await live.mgr.post(`/api/v1/orders/${orderId}/refund`, { line_no: 2, amount_fen: 500, reason: '补偿' })).status, 201);
  assert.equal((await whNb.post(`/api/v1/orders/${orderId}/return`, { line_no: 2, units: 4, warehouse_id: YY, restockable: true, reason: 'x' })).status, 403);
  assert.equal((await whYy.post(`/api/v1/orders/${orderId}/return`, { line_no: 2, units: 4, warehouse_id: YY, restockable: true, reason: 'x' })).status, 422);
});

test('the pick list pages by order (limit/offset, total), its totals cover the whole list', async () => {
  const nos = [];
  for (let i = 0; i < 5; i++) {
    const r = await live.feed.post('/api/v1/orders', order({ no: `PAGE-${i}`, sku: 'YY-APL-80-5', units: 1 }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.order.lines[0].warehouse_id, NB);
    nos.push(r.json.order.order_no);
  }
  const whole = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}`);
  assert.equal(whole.json.total, 5);
  assert.deepEqual(whole.json.items.map((i) => i.order_no), nos);
  const seen = [];
  for (const off of [0, 2, 4]) {
    const r = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&limit=2&offset=${off}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.total, r.json.limit, r.json.offset], [5, 2, off]);
    assert.equal(r.json.items.length, off === 4 ? 1 : 2);
    assert.deepEqual(r.json.totals, whole.json.totals, 'totals are of the whole list on every page');
    seen.push(...r.json.items.map((i) => i.order_no));
  }
  assert.deepEqual(seen, nos);
  assert.equal(whole.json.totals.reduce((n, t) => n + t.units, 0), 5);
  assert.equal((await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&limit=2&offset=5`)).json.items.length, 0);
  for (const bad of ['limit=abc', 'limit=0', 'limit=1001', 'offset=-1']) {
    const r = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.json.error.field, bad.split('=')[0]);
  }
  const page = await whNb.get(`/print/picklist/${NB}?limit=2&offset=2`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('PAGE-2') && page.text.includes('PAGE-3') && !page.text.includes('PAGE-1<'), page.text.slice(0, 300));
  assert.ok(page.text.includes('3–4 / 5'), 'the page says which orders it shows');
  assert.ok(page.text.includes(`href="/print/picklist/${NB}?limit=2&amp;offset=4"`), 'and links the next page');
  assert.equal((await whNb.get(`/print/picklist/${NB}?limit=abc`)).status, 400);
});

test('the pick list pages by cursor (after, next_after): every waiting allocation exactly once', async () => {
  // two more orders of two lines each, so one order's lines can fall on two pages
  for (let i = 0; i < 2; i++) {
    const r = await live.feed.post('/api/v1/orders', order({ no: `KEY-${i}`, lines: [
      { sku: 'YY-APL-80-5', units: 1, unit_price_fen: 5990 }, { sku: 'YY-APL-80-5', units: 1, unit_price_fen: 5990 }] }));
    assert.equal(r.status, 201, r.text);
  }
  const want = sql(srv, `SELECT a.id FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
    WHERE a.warehouse_id = ${NB} AND a.state = 'reserved' AND ol.status = 'allocated' ORDER BY a.id`).map((x) => x.id);
  assert.equal(want.length, 9);
  for (const limit of [1, 2, 4, 9, 100]) {
    const seen = [];
    let after = 0, pages = 0;
    for (;;) {
      const r = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&limit=${limit}&after=${after}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.limit, r.json.after], [limit, after]);
      if (after === 0) {
        // the first page says what the whole list holds, as the offset pages do
        const whole = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&limit=1000`);
        assert.equal(r.json.total, whole.json.total);
        assert.deepEqual(r.json.totals, whole.json.totals);
        assert.equal(r.json.totals.reduce((n, t) => n + t.qty_g, 0), want.length * 5000);
      } else {
        assert.equal(r.json.total, undefined, 'a later cursor page does not count the whole list');
        assert.equal(r.json.totals, undefined);
      }
      assert.ok(r.json.items.length <= limit);
      seen.push(...r.json.items.map((i) => i.allocation_id));
      pages++;
      if (r.json.next_after === null) break;
      assert.equal(r.json.next_after, r.json.items.at(-1).allocation_id);
      after = r.json.next_after;
    }
    assert.deepEqual(seen, want, `limit ${limit}`);
    assert.equal(pages, Math.max(1, Math.ceil(want.length / limit)), `limit ${limit}: no empty last page`);
  }
  const one = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&limit=100&after=0`);
  assert.equal(one.json.items[0].lot, 'LNB1');
  assert.ok(one.json.items.every((i) => i.order_no && i.sku && i.units === 1));
  for (const bad of ['after=-1', 'after=x', 'after=1&offset=0']) {
    const r = await whNb.get(`/api/v1/picklists?warehouse_id=${NB}&${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.json.error.field, 'after', bad);
  }
  assert.equal((await whYy.get(`/api/v1/picklists?warehouse_id=${NB}&after=0`)).status, 403);
  // the printable list pages by the same cursor: totals on the first page, a link to the next
  const first = await whNb.get(`/print/picklist/${NB}?limit=4&after=0`);
  assert.equal(first.status, 200);
  assert.ok(first.text.includes('按批次汇总'), 'the first printed page has the totals');
  assert.ok(first.text.includes(`Orders waiting: ${one.json.total}`), first.text.slice(-400));
  const next = want[3];
  assert.ok(first.text.includes(`href="/print/picklist/${NB}?limit=4&amp;after=${next}"`), 'and links the next page');
  const second = await whNb.get(`/print/picklist/${NB}?limit=4&after=${next}`);
  assert.equal(second.status, 200);
  assert.ok(!second.text.includes('按批次汇总') && second.text.includes('totals on the first page'));
  const last = await whNb.get(`/print/picklist/${NB}?limit=4&after=${want[7]}`);
  assert.ok(!last.text.includes('Next page'), 'the last page links nothing');
  assert.equal((await whNb.get(`/print/picklist/${NB}?after=1&offset=0`)).status, 400);
});

test('every fulfilment write is audited; stock never negative', () => {
  const actions = sql(srv, "SELECT action, COUNT(*) AS n FROM audit_log WHERE action LIKE 'parcel.%' GROUP BY action ORDER BY action");
  assert.deepEqual(actions, [{ action: 'parcel.create', n: 2 }, { action: 'parcel.deliver', n: 2 }, { action: 'parcel.deliver_import', n: 1 }, { action: 'parcel.ship', n: 2 }]);
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM stock WHERE qty_g < 0 OR reserved_g < 0 OR reserved_g > qty_g')[0].n, 0);
});
