// Orders over HTTP (云仓集单): one order and bulk, allocation by the default
// policy with its reason, resending (unchanged / 409), Idempotency-Key,
// validation naming every bad field, scopes of channel managers, machine
// tokens, office and warehouse, and cancel / refund putting stock and money
// back. Fixtures: tests/data/orders/world.sql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWorld, sql, freeUnits, order, channelUsers, NB, YY } from '../data/orders/fixture.mjs';

let srv, admin, live, shop, office, wh;

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  shop = await channelUsers(srv, admin, 'shop', 2);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  wh = await srv.makeUser(admin, { username: 'wh-nb', role: 'warehouse', scopes: { warehouses: [NB] } });
});
after(async () => { await srv.stop(); });

test('a Ningbo order is served by the Ningbo sales warehouse, with the reason recorded', async () => {
  const before = freeUnits(srv, NB, 'YY-APL-80-5');
  const r = await live.feed.post('/api/v1/orders', order({ no: 'A-1', units: 2 }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.result, 'created');
  const o = r.json.order;
  assert.equal(o.status, 'allocated');
  assert.equal(o.total_fen, 2 * 5990);
  const line = o.lines[0];
  assert.equal(line.warehouse_id, NB);
  assert.equal(line.route, 'sales_warehouse');
  assert.match(line.alloc_reason, /NB-S/);
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5'), before - 2);
});

test('outside every service area the origin warehouse sends a direct parcel', async () => {
  const r = await live.feed.post('/api/v1/orders', order({ no: 'A-2', division: '510104' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.order.lines[0].warehouse_id, YY);
  assert.equal(r.json.order.lines[0].route, 'origin_parcel');
});

test('stock in transit and expired stock are never promised; a line is allocated whole', async () => {
  // NB-S has 8 free units left, 20 in transit and 5 expired: 12 units go whole to the origin
  const r = await live.feed.post('/api/v1/orders', order({ no: 'A-3', units: 12 }));
  assert.equal(r.status, 201, r.text);
  const l = r.json.order.lines[0];
  assert.equal(l.warehouse_id, YY);
  assert.equal(l.route, 'origin_parcel');
  assert.equal(sql(srv, "SELECT reserved_g FROM stock WHERE lot_id = 4")[0].reserved_g, 0);
  assert.equal(sql(srv, "SELECT reserved_g FROM stock WHERE lot_id = 5")[0].reserved_g, 0);
});

test('no stock anywhere: backorder with the reason; mixed lines: partial', async () => {
  const r = await live.feed.post('/api/v1/orders', order({ no: 'A-4', sku: 'HJ-PEP-500' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.order.status, 'backorder');
  assert.equal(r.json.order.lines[0].warehouse_id, null);
  assert.ok(r.json.order.lines[0].alloc_reason.length > 0);
  const p = await live.feed.post('/api/v1/orders', order({ no: 'A-5', lines: [
    { sku: 'YY-APL-80-5', units: 1, unit_price_fen: 5990 }, { sku: 'HJ-PEP-500', units: 1, unit_price_fen: 3000 }] }));
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.order.status, 'partial');
});

test('the same order resent changes nothing; a different body under the number is 409', async () => {
  const body = order({ no: 'A-6' });
  const first = await live.feed.post('/api/v1/orders', body);
  assert.equal(first.status, 201);
  const free = freeUnits(srv, NB, 'YY-APL-80-5');
  const again = await live.feed.post('/api/v1/orders', body);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.result, 'unchanged');
  assert.equal(again.json.order.id, first.json.order.id);
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5'), free);
  const other = await live.feed.post('/api/v1/orders', { ...body, lines: [{ sku: 'YY-APL-80-5', units: 3, unit_price_fen: 5990 }] });
  assert.equal(other.status, 409, other.text);
  assert.equal(other.json.error.code, 'conflict');
  assert.equal(other.json.error.field, 'order_no');
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'A-6'")[0].n, 1);
  // the same number in another channel is another order
  const shopOrder = await shop.feed.post('/api/v1/orders', { ...body, channel: 'SHOP2' });
  assert.equal(shopOrder.status, 201, shopOrder.text);
});

test('Idempotency-Key: a retried request is applied once; the key with another body is refused', async () => {
  const headers = { 'Idempotency-Key': 'retry-key-1' };
  const body = order({ no: 'A-7' });
  const a = await live.feed.post('/api/v1/orders', body, { headers });
  const b = await live.feed.post('/api/v1/orders', body, { headers });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replay'), 'true');
  assert.equal(b.json.order.id, a.json.order.id);
  const c = await live.feed.post('/api/v1/orders', order({ no: 'A-8' }), { headers });
  assert.equal(c.status, 422, c.text);
  assert.equal(c.json.error.code, 'idempotency_mismatch');
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'A-8'")[0].n, 0);
});

test('validation lists every bad field and writes nothing', async () => {
  const bad = order({ no: 'B-1', division: '33', lines: [
    { sku: 'NO-SUCH', units: 1, unit_price_fen: 100 }, { sku: 'YY-APL-80-5', units: 1, unit_price_fen: 100 }, { sku: 'ALSO-NOT', units: 1, unit_price_fen: 1 }] });
  bad.customer.phone = 'abc';
  const r = await live.feed.post('/api/v1/orders', bad);
  assert.equal(r.status, 422, r.text);
  const fields = r.json.error.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['customer.division_code', 'customer.phone', 'lines[0].sku', 'lines[2].sku']);
  const types = order({ no: 'B-1', lines: [{ sku: 'YY-APL-80-5', units: 0, unit_price_fen: -1 }, { sku: 7, units: 'x', unit_price_fen: 1 }] });
  const r1 = await live.feed.post('/api/v1/orders', types);
  assert.equal(r1.status, 422, r1.text);
  const f1 = r1.json.error.errors.map((e) => e.field).sort();
  assert.deepEqual(f1, ['lines[0].unit_price_fen', 'lines[0].units', 'lines[1].sku', 'lines[1].units']);
  const r2 = await live.feed.post('/api/v1/orders', { ...order({ no: 'B-2' }), colour: 'red' });
  assert.equal(r2.status, 422);
  assert.equal(r2.json.error.errors[0].field, 'colour');
  const r3 = await live.feed.post('/api/v1/orders', order({ no: 'B-3', lines: [] }));
  assert.equal(r3.status, 422, r3.text);
  const r4 = await live.feed.post('/api/v1/orders', order({ no: 'B-4', channel: 'NOPE' }));
  assert.equal(r4.status, 422);
  assert.equal(r4.json.error.errors[0].field, 'channel');
  const r5 = await live.feed.raw('POST', '/api/v1/orders', { body: '{"channel":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r5.status, 400);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no LIKE 'B-%'")[0].n, 0);
});

test('bulk: all or nothing, every bad order listed with its index', async () => {
  const free = freeUnits(srv, NB, 'YY-APL-80-5');
  const orders = [order({ no: 'C-1' }), order({ no: 'C-2' }), order({ no: 'C-3', sku: 'NOPE' }), order({ no: 'C-4', units: -1 })];
  const r = await live.feed.post('/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 422, r.text);
  const rows = r.json.error.errors.map((e) => e.row);
  assert.deepEqual([...new Set(rows)].sort(), [3, 4]);
  assert.ok(r.json.error.errors.some((e) => e.field === 'orders[2].lines[0].sku'));
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no LIKE 'C-%'")[0].n, 0);
  assert.equal(freeUnits(srv, NB, 'YY-APL-80-5'), free);
  // a conflicting resend inside a bulk refuses the whole bulk too
  const conflict = await live.feed.post('/api/v1/orders/bulk', { orders: [order({ no: 'C-5' }), { ...order({ no: 'A-6' }), lines: [{ sku: 'HJ-PEP-500', units: 9, unit_price_fen: 1 }] }] });
  assert.equal(conflict.status, 422, conflict.text);
  assert.equal(conflict.json.error.errors[0].row, 2);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'C-5'")[0].n, 0);
  const ok = await live.feed.post('/api/v1/orders/bulk', { orders: orders.slice(0, 2) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.created, 2);
  assert.deepEqual(ok.json.orders.map((o) => o.index), [0, 1]);
  const again = await live.feed.post('/api/v1/orders/bulk', { orders: orders.slice(0, 2) });
  assert.equal(again.status, 200);
  assert.equal(again.json.unchanged, 2);
});

test('a big bulk (400 lines, written in batches) allocates like single orders', async () => {
  const before = freeUnits(srv, YY, 'YY-APL-80-2');
  const orders = Array.from({ length: 200 }, (_, i) => order({ no: `BIG-${i}`, division: '510104', lines: [
    { sku: 'YY-APL-80-2', units: 1, unit_price_fen: 3990 }, { sku: 'HJ-PEP-500', units: 2, unit_price_fen: 3000 }] }));
  const r = await live.feed.post('/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.equal(r.json.created, 200);
  const statuses = r.json.orders.map((o) => o.status);
  assert.equal(statuses.filter((x) => x === 'partial').length, before, 'one order per 2.5 kg box left');
  assert.equal(statuses.filter((x) => x === 'backorder').length, 200 - before);
  assert.equal(freeUnits(srv, YY, 'YY-APL-80-2'), 0);
  const [c] = sql(srv, "SELECT COUNT(*) AS lines, SUM(CASE WHEN ol.status = 'allocated' THEN 1 ELSE 0 END) AS allocated FROM order_lines ol JOIN orders o ON o.id = ol.order_id WHERE o.channel_order_no LIKE 'BIG-%'");
  assert.deepEqual([c.lines, c.allocated], [400, before]);
  const one = await live.feed.get(`/api/v1/orders/${r.json.orders[0].id}`);
  assert.equal(one.json.lines[0].allocations.length, 1);
  assert.equal(one.json.lines[0].allocations[0].lot, 'LYY2');
});

test('machine tokens and channel managers act only for their own channels', async () => {
  const r = await live.feed.post('/api/v1/orders', order({ no: 'D-1', channel: 'SHOP2' }));
  assert.equal(r.status, 403, r.text);
  const r2 = await live.mgr.post('/api/v1/orders', order({ no: 'D-2', channel: 'SHOP2' }));
  assert.equal(r2.status, 403);
  const bulk = await shop.feed.post('/api/v1/orders/bulk', { orders: [order({ no: 'D-3', channel: 'SHOP2' }), order({ no: 'D-4', channel: 'LIVE1' })] });
  assert.equal(bulk.status, 403);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no LIKE 'D-%'")[0].n, 0);
  const mine = await live.mgr.post('/api/v1/orders', order({ no: 'D-5' }));
  assert.equal(mine.status, 201);
  // reading: own channel only
  const list = await shop.mgr.get('/api/v1/orders');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.length > 0);
  assert.ok(list.json.items.every((o) => o.channel === 'SHOP2'), JSON.stringify(list.json.items[0]));
  assert.equal((await shop.mgr.get(`/api/v1/orders/${mine.json.order.id}`)).status, 403);
  assert.equal((await shop.feed.get(`/api/v1/orders/${mine.json.order.id}`)).status, 403);
  assert.equal((await live.mgr.get(`/api/v1/orders/${mine.json.order.id}`)).status, 200);
  assert.equal((await shop.mgr.post(`/api/v1/orders/${mine.json.order.id}/cancel`, {})).status, 403);
});

test('office reads everything with customers masked; office and warehouse cannot post orders', async () => {
  const list = await office.get('/api/v1/orders?channel=LIVE1&limit=5');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.total >= 5);
  assert.equal(list.json.items.length, 5);
  const one = await office.get(`/api/v1/orders/${list.json.items[0].id}`);
  assert.equal(one.status, 200);
  assert.notEqual(one.json.customer.phone, '13812345678');
  assert.ok(!JSON.stringify(one.json).includes('钱湖路'));
  assert.equal((await office.post('/api/v1/orders', order({ no: 'E-1' }))).status, 403);
  assert.equal((await wh.post('/api/v1/orders', order({ no: 'E-2' }))).status, 403);
  assert.equal((await wh.get('/api/v1/orders')).status, 403);
  assert.equal((await srv.anon.post('/api/v1/orders', order({ no: 'E-3' }))).status, 401);
  assert.equal((await office.get('/api/v1/orders?status=bogus')).status, 422);
  assert.equal((await office.get('/api/v1/orders?from=2026-13-01')).status, 422);
  assert.equal((await office.get('/api/v1/orders/999999')).status, 404);
  const full = await live.mgr.get(`/api/v1/orders/${list.json.items[0].id}`);
  assert.equal(full.json.customer.phone, '13812345678');
  assert.ok(!srv.log().includes('13812345678'), 'a customer phone reached the server log');
});

test('cancel releases the reservation and books the money back; refunds are capped', async () => {
  const free = freeUnits(srv, YY, 'YY-APL-80-5');
  const o = await live.mgr.post('/api/v1/orders', order({ no: 'F-1', units: 2, division: '510104' }));
  assert.equal(o.status, 201, o.text);
  assert.equal(freeUnits(srv, YY, 'YY-APL-80-5'), free - 2);
  const id = o.json.order.id;
  const over = await live.mgr.post(`/api/v1/orders/${id}/refund`, { amount_fen: 2 * 5990 + 1, reason: '多退' });
  assert.equal(over.status, 409, over.text);
  const part = await live.mgr.post(`/api/v1/orders/${id}/refund`, { amount_fen: 1000, reason: '价格补差' });
  assert.equal(part.status, 201, part.text);
  const c = await live.mgr.post(`/api/v1/orders/${id}/cancel`, { reason: '客户取消' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  assert.equal(freeUnits(srv, YY, 'YY-APL-80-5'), free);
  const refunded = sql(srv, `SELECT kind, amount_fen FROM refunds WHERE order_id = ${id} ORDER BY id`);
  assert.deepEqual(refunded, [{ kind: 'refund', amount_fen: 1000 }, { kind: 'cancel', amount_fen: 2 * 5990 - 1000 }]);
  assert.equal((await live.mgr.post(`/api/v1/orders/${id}/cancel`, {})).status, 409);
  assert.equal((await live.mgr.post(`/api/v1/orders/${id}/refund`, { amount_fen: 1, reason: 'x' })).status, 409);
  assert.equal((await live.mgr.post('/api/v1/orders/999999/cancel', {})).status, 404);
  const audit = sql(srv, `SELECT action FROM audit_log WHERE object_type = 'order' AND object_id = '${id}' ORDER BY id`);
  assert.deepEqual(audit.map((a) => a.action), ['order.create', 'order.refund', 'order.cancel']);
});

test('stock is never negative and reservations match live allocations', () => {
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM stock WHERE qty_g < 0 OR reserved_g < 0 OR reserved_g > qty_g')[0].n, 0);
  const [m] = sql(srv, `SELECT (SELECT COALESCE(SUM(reserved_g),0) FROM stock) AS reserved,
    (SELECT COALESCE(SUM(qty_g),0) FROM allocations WHERE state IN ('reserved','picked')) AS allocated`);
  assert.equal(m.reserved, m.allocated);
});

test('bulk over several batches of rows: ids taken ahead, repeats inside one request, allocations on their own lines', async () => {
  const free = freeUnits(srv, YY, 'YY-APL-80-5');
  assert.ok(free >= 3, `needs 3 free units at YY, has ${free}`);
  // 1,100 orders: more than one multi-row statement of each table (512 rows);
  // pepper has no stock (backorder); three apples at the end go by parcel from YY
  const orders = Array.from({ length: 1100 }, (_, i) => order({ no: `BB-${i}`, division: '510104',
    sku: i >= 1097 ? 'YY-APL-80-5' : 'HJ-PEP-500', price: 100 + i }));
  orders.splice(11, 0, orders[10]); // the same order twice in a row: found among the queued rows
  orders.splice(700, 0, orders[3]); // and again after its batch was written: found in the table
  const r = await live.feed.post('/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.equal(r.json.created, 1100);
  assert.equal(r.json.unchanged, 2);
  const res = r.json.orders;
  assert.deepEqual(res.map((o) => o.index), orders.map((_, i) => i));
  assert.equal(res[11].result, 'unchanged');
  assert.equal(res[11].id, res[10].id);
  assert.equal(res[700].result, 'unchanged');
  assert.equal(res[700].id, res[3].id);
  // every answered id is the order stored under that number, with its own line and price
  const rows = sql(srv, `SELECT o.id, o.channel_order_no AS no, o.total_fen, COUNT(ol.id) AS lines,
    MIN(ol.unit_price_fen) AS price, MIN(ol.line_no) AS line_no FROM orders o
    JOIN order_lines ol ON ol.order_id = o.id WHERE o.channel_order_no LIKE 'BB-%' GROUP BY o.id, o.channel_order_no, o.total_fen`);
  assert.equal(rows.length, 1100);
  const byNo = new Map(rows.map((x) => [x.no, x]));
  for (const o of res) {
    const row = byNo.get(o.order_no);
    assert.equal(Number(row.id), o.id, o.order_no);
    const i = Number(o.order_no.slice(3));
    assert.deepEqual([Number(row.lines), Number(row.price), Number(row.total_fen), Number(row.line_no)], [1, 100 + i, 100 + i, 1]);
  }
  // each customer row belongs to exactly one order
  const [cu] = sql(srv, `SELECT COUNT(DISTINCT o.customer_id) AS n FROM orders o WHERE o.channel_order_no LIKE 'BB-%'`);
  assert.equal(Number(cu.n), 1100);
  // the three apples: allocated from YY's lot on their own lines; the rest backordered
  const alloc = sql(srv, `SELECT o.channel_order_no AS no, a.qty_g, a.warehouse_id, l.sku_id AS lot_sku, ol.sku_id AS line_sku
    FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id JOIN orders o ON o.id = ol.order_id
    JOIN lots l ON l.id = a.lot_id WHERE o.channel_order_no LIKE 'BB-%' ORDER BY o.channel_order_no`);
  assert.deepEqual(alloc.map((a) => a.no), ['BB-1097', 'BB-1098', 'BB-1099']);
  for (const a of alloc) assert.deepEqual([Number(a.qty_g), Number(a.warehouse_id), Number(a.lot_sku)], [5000, YY, Number(a.line_sku)]);
  assert.equal(res.filter((o) => o.status === 'backorder').length, 1099);
  assert.equal(freeUnits(srv, YY, 'YY-APL-80-5'), free - 3);
  // a single order after the bulk takes the next id; the same number twice with different bodies in one bulk is refused whole
  const single = await live.feed.post('/api/v1/orders', order({ no: 'BB-after', sku: 'HJ-PEP-500' }));
  assert.equal(single.status, 201, single.text);
  assert.ok(single.json.order.id > Math.max(...res.map((o) => o.id)));
  const clash = await live.feed.post('/api/v1/orders/bulk', { orders: [order({ no: 'BC-1', sku: 'HJ-PEP-500' }), order({ no: 'BC-1', sku: 'HJ-PEP-500', units: 2 })] });
  assert.equal(clash.status, 422, clash.text);
  assert.equal(clash.json.error.errors[0].row, 2);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'BC-1'")[0].n, 0);
});

// The bulk's body is read on a second thread in pieces while the writer
// submits the orders already read: a refusal found late must still undo
// everything, list every bad order, and malformed JSON anywhere must get
// the whole body's line and column.
const peppers = (prefix, n) => Array.from({ length: n }, (_, i) => order({ no: `${prefix}-${i}`, sku: 'HJ-PEP-500' }));
const countLike = (prefix) => Number(sql(srv, `SELECT COUNT(*) AS n FROM orders WHERE channel_order_no LIKE '${prefix}-%'`)[0].n);
const postRaw = (body) => live.feed.raw('POST', '/api/v1/orders/bulk', { body, headers: { 'Content-Type': 'application/json' } });

test('pipelined bulk: a bad last order (after hundreds were submitted) writes nothing and is listed', async () => {
  const free = freeUnits(srv, YY, 'YY-APL-80-5');
  const orders = peppers('PL', 600);
  orders[598] = order({ no: 'PL-598', division: '510104' }); // takes an apple, rolled back with the rest
  orders[599].lines[0].sku = 'NOPE';
  const r = await live.feed.post('/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.deepEqual(r.json.error.errors.map((e) => [e.row, e.field]), [[600, 'orders[599].lines[0].sku']]);
  assert.equal(countLike('PL'), 0);
  assert.equal(freeUnits(srv, YY, 'YY-APL-80-5'), free);
});

test('pipelined bulk: bad orders at the start, the middle and the end are all listed', async () => {
  const orders = peppers('PM', 700);
  orders[0].lines[0].units = 0;
  delete orders[300].customer;
  orders[450].channel = 'NOPE';
  orders[699].surprise = true;
  const r = await live.feed.post('/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  const errs = r.json.error.errors;
  assert.deepEqual([...new Set(errs.map((e) => e.row))], [1, 301, 451, 700]);
  assert.ok(errs.some((e) => e.field === 'orders[0].lines[0].units'), JSON.stringify(errs));
  assert.ok(errs.some((e) => e.field === 'orders[300].customer'), JSON.stringify(errs));
  assert.ok(errs.some((e) => e.field === 'orders[450].channel'), JSON.stringify(errs));
  assert.ok(errs.some((e) => e.field === 'orders[699].surprise'), JSON.stringify(errs));
  assert.equal(countLike('PM'), 0);
});

test('pipelined bulk: malformed JSON in the middle of the array gives the line and column, nothing written', async () => {
  const lines = peppers('PJ', 500).map((o) => JSON.stringify(o));
  lines[300] = lines[300].replace('"units":1', '"units":1x'); // order 300 is on line 302
  const col = lines[300].indexOf('1x') + 2;
  const r = await postRaw(`{"orders":[\n${lines.join(',\n')}\n]}`);
  assert.equal(r.status, 400, r.text.slice(0, 300));
  assert.equal(r.json.error.code, 'bad_json');
  assert.match(r.json.error.message_en, new RegExp(`^malformed JSON at line 302 column ${col}:`));
  assert.equal(countLike('PJ'), 0);
  // bytes after a good array: the whole body is refused as before
  const tail = await postRaw(`{"orders":[${lines.slice(0, 200).join(',')}]} x`);
  assert.equal(tail.status, 400, tail.text.slice(0, 300));
  assert.match(tail.json.error.message_en, /^malformed JSON at line 1 column/);
  const dup = await postRaw(`{"orders":[${lines.slice(0, 200).join(',')}],"orders":[]}`);
  assert.equal(dup.status, 400, dup.text.slice(0, 300));
  assert.match(dup.json.error.message_en, /duplicate/);
  assert.equal(countLike('PJ'), 0);
});

test('pipelined bulk: bodies the scanner does not expect are read whole, with the same answers', async () => {
  const orders = peppers('PF', 300);
  const body = JSON.stringify({ orders });
  // a key after the array, found only once every order was submitted
  const after = await postRaw(body.slice(0, -1) + ',"extra":1}');
  assert.equal(after.status, 422, after.text.slice(0, 300));
  assert.deepEqual(after.json.error.errors.map((e) => e.field), ['extra']);
  // a key before it
  const before = await postRaw('{"extra":1,' + body.slice(1));
  assert.equal(before.status, 422);
  assert.deepEqual(before.json.error.errors.map((e) => e.field), ['extra']);
  assert.equal(countLike('PF'), 0);
  // too deep for the scanner in the middle: the rest of the orders come from the whole body
  const deep = orders.map((o) => ({ ...o }));
  deep[150].note = JSON.parse('['.repeat(20) + ']'.repeat(20));
  const d = await live.feed.post('/api/v1/orders/bulk', { orders: deep });
  assert.equal(d.status, 422, d.text.slice(0, 300));
  assert.deepEqual(d.json.error.errors.map((e) => [e.row, e.field]), [[151, 'orders[150].note']]);
  // no array, an empty one, or none at all
  for (const b of ['{"orders":{}}', '{"orders":[]}', '{}', '[]']) {
    const x = await postRaw(b);
    assert.equal(x.status, 422, `${b}: ${x.text}`);
  }
  assert.equal((await postRaw('')).status, 422);
  assert.equal(countLike('PF'), 0);
  // whitespace and newlines around every token: still read piece by piece, and taken
  const spaced = await postRaw(` {\n  "orders" :\t[\n${orders.map((o) => JSON.stringify(o, null, 1)).join(' ,\n')}\n ]\n}\n`);
  assert.equal(spaced.status, 201, spaced.text.slice(0, 300));
  assert.equal(spaced.json.created, 300);
  assert.deepEqual(spaced.json.orders.map((o) => o.index), orders.map((_, i) => i));
  assert.equal(countLike('PF'), 300);
});

test('bulk: plain orders (read without a tree) and unusual ones (escapes, ordered_at, null) are stored alike', async () => {
  const orders = peppers('PX', 6);
  orders[1].order_no = 'PX-1 "quoted" \\ back';                // escapes: the general path
  orders[2].ordered_at = '2026-11-20T01:30:00Z';
  orders[3].customer.phone = null;
  orders[4].customer.name = '\u674e\u56db';                      // the same text, sent escaped below
  const body = JSON.stringify({ orders }).replace('李四', '\\u674e\\u56db');
  const r = await postRaw(body);
  assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.deepEqual(r.json.orders.map((o) => o.order_no), orders.map((o) => o.order_no));
  const rows = sql(srv, `SELECT o.channel_order_no AS no, o.ordered_on, c.name, c.phone, ol.units, ol.unit_price_fen
    FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines ol ON ol.order_id = o.id
    WHERE o.channel_order_no LIKE 'PX-%' ORDER BY o.id`);
  assert.deepEqual(rows.map((x) => x.no), orders.map((o) => o.order_no));
  assert.equal(rows[2].ordered_on, '2026-11-20');
  assert.equal(rows[3].phone, null);
  assert.equal(rows[4].name, '李四');
  assert.equal(rows[0].name, '王小明');
  assert.equal(rows[0].phone, '13812345678');
  assert.deepEqual([Number(rows[5].units), Number(rows[5].unit_price_fen)], [1, 5990]);
  // resent as it was: every order unchanged, whichever path read it
  const again = await postRaw(body);
  assert.equal(again.status, 200, again.text.slice(0, 300));
  assert.equal(again.json.unchanged, 6);
});
