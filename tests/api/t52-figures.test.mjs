// The figures: GET /api/v1/figures for October of the fixture season (values
// worked out by hand, as in tests/unit/test_figures.c), the drill-down
// records of every metric adding up to their figure, filters and their
// validation, what a channel manager may see, and the Excel exports (a valid
// zip whose sheets hold the numbers in yuan and kg, and formula-like text kept
// as text).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startServer, execSql, ADMIN_PASSWORD } from './lib.mjs';
import { loadTraceFixture, sqlRows } from './t50-fixture.mjs';

const OCT = 'from=2026-10-01&to=2026-10-31';
let srv, admin, office, live, col1;
before(async () => {
  srv = await startServer();
  loadTraceFixture(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  live = await srv.makeUser(admin, { username: 'live', role: 'channel', scopes: { channels: [1] } });
  col1 = await srv.makeUser(admin, { username: 'col1', role: 'collector', scopes: { points: [1] } });
});
after(async () => { await srv.stop(); });

const sum = (rows, k) => rows.reduce((s, r) => s + r[k], 0);

// The files of a zip archive (stored or deflated) by name, as text.
function unzip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd > 0, 'zip end record');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < n; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
    const nl = buf.readUInt16LE(p + 28), xl = buf.readUInt16LE(p + 30), cl = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nl);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    files[name] = (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
    p += 46 + nl + xl + cl;
  }
  return files;
}

test('October figures equal the hand-worked values', async () => {
  const r = await office.get(`/api/v1/figures?${OCT}`);
  assert.equal(r.status, 200);
  const f = r.json.figures;
  assert.deepEqual(f.sales, { sales_fen: 45400, lines_fen: 50400, refunds_fen: 5000,
    by_month: [{ month: '2026-10', sales_fen: 45400 }],
    by_channel: [{ channel: 'LIVE', sales_fen: 17600 + 8800 }, { channel: 'SJ', sales_fen: 24000 - 5000 }] });
  assert.deepEqual(f.sold, { sold_g: 30000, sold_t: '0.030' });
  assert.deepEqual(f.payments, { paid_fen: 45000, households_paid: 2, lifted_paid_fen: 15000, lifted_households_paid: 1 });
  assert.equal(f.purchases.purchases_fen, 24000);
  assert.equal(f.purchases.owed_fen, 4000);
  assert.deepEqual(f.logistics.consolidated, { cost_fen: 30800, delivered_g: 10000, fen_per_kg: 3080 });
  assert.deepEqual(f.logistics.direct, { cost_fen: 2400, delivered_g: 15000, fen_per_kg: 160 });
  assert.equal(f.delivery.orders, 2);
  assert.equal(f.delivery.median_days, 3);
  assert.equal(f.delivery.p95_days, 3.9);
  assert.equal(f.delivery.within_3_days_share, 0.5);
});

test('the records behind every figure add up to it', async () => {
  const all = (await admin.get(`/api/v1/figures?${OCT}`)).json.figures;
  const rec = async (m) => {
    const r = await admin.get(`/api/v1/figures/${m}/records?${OCT}`);
    assert.equal(r.status, 200, m);
    assert.equal(r.json.total, r.json.items.length);
    assert.deepEqual(r.json.figure, all[m], `${m}: the records' figure is the dashboard's`);
    return r.json.items;
  };
  assert.equal(sum(await rec('sales'), 'amount_fen'), all.sales.sales_fen);
  // each bar of the series is the records of its month or channel
  const year = (await admin.get('/api/v1/figures?from=2026-01-01&to=2026-12-31')).json.figures.sales;
  assert.deepEqual(year.by_month.map((x) => x.month), ['2026-10', '2026-11']);
  assert.equal(sum(year.by_month, 'sales_fen'), year.sales_fen);
  assert.equal(sum(year.by_channel, 'sales_fen'), year.sales_fen);
  for (const { channel, sales_fen } of year.by_channel)
    assert.equal(sum((await admin.get(`/api/v1/figures/sales/records?from=2026-01-01&to=2026-12-31&channel=${channel}`)).json.items, 'amount_fen'), sales_fen, channel);
  assert.equal(sum((await admin.get('/api/v1/figures/sales/records?from=2026-11-01&to=2026-11-30')).json.items, 'amount_fen'),
    year.by_month[1].sales_fen);
  assert.equal(sum(await rec('sold'), 'sold_g'), all.sold.sold_g);
  assert.equal(sum(await rec('payments'), 'amount_fen'), all.payments.paid_fen);
  const pur = await rec('purchases');
  assert.equal(sum(pur, 'amount_fen'), all.purchases.net_balance_fen);
  assert.equal(sum(pur.filter((x) => x.kind === 'collection' && x.on_date >= '2026-10-01'), 'amount_fen'),
    all.purchases.purchases_fen);
  const lg = await rec('logistics');
  for (const route of ['consolidated', 'direct']) {
    const rows = lg.filter((x) => x.route === route);
    assert.equal(sum(rows, 'cost_fen'), all.logistics[route].cost_fen);
    assert.equal(sum(rows, 'delivered_g'), all.logistics[route].delivered_g);
  }
  const dl = await rec('delivery');
  assert.equal(dl.length, all.delivery.orders);
  assert.deepEqual(dl.map((x) => x.days), [2, 4]);
});

test('filters: pairing, county, channel, product, and their validation', async () => {
  const fig = async (q) => (await office.get(`/api/v1/figures?${q}`)).json.figures;
  const sj = await fig(`${OCT}&channel=SJ`);
  assert.equal(sj.sales.sales_fen, 19000);
  assert.ok(!('payments' in sj) && !('purchases' in sj), 'household money belongs to no channel');
  const pr = await office.get(`/api/v1/figures/payments/records?${OCT}&channel=SJ`);
  assert.equal(pr.status, 422);
  assert.equal(pr.json.error.errors[0].field, 'channel');
  assert.equal((await fig(`${OCT}&pairing=JB-YY`)).payments.paid_fen, 45000);
  assert.equal((await fig('county=513434')).payments.paid_fen, 7000);
  assert.equal((await fig(`${OCT}&county=513434`)).sales.sales_fen, 0);
  assert.equal((await fig(`${OCT}&product=YY-APL`)).sold.sold_g, 30000);
  assert.equal((await fig('')).sales.sales_fen, 53400);
  const bad = await office.get('/api/v1/figures?from=2026-10-32&to=2026-09-01&pairing=NOPE&county=51&product=X');
  assert.equal(bad.status, 422);
  const fields = bad.json.error.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['county', 'from', 'pairing', 'product']);
  const fmt = await office.get('/api/v1/figures?format=pdf');
  assert.equal(fmt.status, 422);
  assert.equal(fmt.json.error.errors[0].field, 'format');
  const rev = await office.get('/api/v1/figures?from=2026-10-31&to=2026-10-01');
  assert.equal(rev.status, 422);
  assert.equal(rev.json.error.errors[0].field, 'to');
  assert.equal((await office.get('/api/v1/figures/nope/records')).status, 404);
});

test('a channel manager sees only their channels, and no household figures', async () => {
  const r = await live.get(`/api/v1/figures?${OCT}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.figures.sales.sales_fen, 17600 + 8800);
  assert.ok(!('payments' in r.json.figures) && !('purchases' in r.json.figures));
  assert.equal(r.json.figures.logistics.linehauls_included, false);
  assert.equal(r.json.figures.logistics.consolidated.cost_fen, 800);
  assert.equal((await live.get(`/api/v1/figures?${OCT}&channel=LIVE`)).json.figures.sales.sales_fen, 26400);
  assert.equal((await live.get(`/api/v1/figures?${OCT}&channel=SJ`)).status, 403);
  assert.equal((await live.get(`/api/v1/figures/payments/records?${OCT}`)).status, 403);
  const rows = (await live.get(`/api/v1/figures/sales/records?${OCT}`)).json.items;
  assert.ok(rows.length > 0 && rows.every((x) => x.channel === 'LIVE'));
  assert.equal((await col1.get('/api/v1/figures')).status, 403);
  assert.equal((await srv.anon.get('/api/v1/figures')).status, 401);
});

test('Excel: the figures and the records, money in yuan, text never a formula', async () => {
  const r = await office.get(`/api/v1/figures?${OCT}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /figures\.xlsx/);
  const files = unzip(r.body);
  const sheet = files['xl/worksheets/sheet1.xml'];
  assert.ok(sheet.includes('sales.sales_fen') && sheet.includes('<v>454</v>'), '45400 fen as 454 yuan');
  assert.ok(sheet.includes('<v>30</v>'), '30000 g sold as 30 kg');
  assert.ok(sheet.includes('<v>308</v>'), 'line-haul + parcel cost 308.00 yuan');
  assert.ok(sheet.includes('sales.by_channel.SJ.sales_fen') && sheet.includes('<v>190</v>'), 'the series, one row per bar');

  // an order number that looks like a formula stays text
  sqlRows(srv, `INSERT INTO orders (channel_id, channel_order_no, body_hash, customer_id, ordered_at, ordered_on, status, total_fen, created_at)
    VALUES (2, '=HYPERLINK("http://evil","x")', 'h', 1, 1796090400000, '2026-12-01', 'allocated', 1234, 0);
    INSERT INTO order_lines (order_id, line_no, sku_id, units, unit_price_fen, amount_fen, warehouse_id, route, status)
    VALUES (6, 1, 1, 1, 1234, 1234, 1, 'origin_parcel', 'allocated');`);
  const x = await office.get('/api/v1/figures/sales/records?from=2026-12-01&to=2026-12-31&format=xlsx');
  assert.equal(x.status, 200);
  const xs = unzip(x.body);
  const recs = xs['xl/worksheets/sheet1.xml'];
  assert.ok(recs.includes('<v>12.34</v>'), '1234 fen as 12.34 yuan');
  assert.ok(!recs.includes('<f>'), 'no formulas');
  assert.ok(recs.includes('=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)') || recs.includes('=HYPERLINK("http://evil","x")'));
  assert.ok(xs['xl/worksheets/sheet2.xml'].includes('<v>12.34</v>'), 'the figure sheet');
});

// ---- backorders are unfilled demand, not sales -------------------------------
// The fixture holds no stock rows, so an order posted through the API now is
// left on backorder (no warehouse promised anything to it). These tests run
// after the ones above: they add orders, which the fixed ids above must not see.

const everything = async (who = office) => (await who.get('/api/v1/figures')).json.figures;
const records = async (m, q = '', who = office) => {
  const r = await who.get(`/api/v1/figures/${m}/records?${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const backorder = async (no, units, price) => {
  const r = await live.post('/api/v1/orders', {
    channel: 'LIVE', order_no: no, lines: [{ sku: 'YY-APL-80-5', units, unit_price_fen: price }],
    customer: { name: '顾客乙', phone: '13700004444', address: '宁波市江北区某路2号', division_code: '330205' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.order.status, 'backorder', 'no stock anywhere: the line waits');
  assert.equal(r.json.order.lines[0].status, 'backorder');
  return r.json.order;
};

test('a backordered line raises neither sales nor tonnes sold; it is unfilled demand with its records', async () => {
  const before = await everything();
  assert.deepEqual(before.unfilled, { lines: 0, units: 0, amount_fen: 0, wanted_g: 0, refunded_fen: 0 });
  const o = await backorder('BO-1', 4, 9900);
  const after = await everything();
  assert.deepEqual(after.sales, before.sales, 'a backorder is no sale');
  assert.deepEqual(after.sold, before.sold, 'nor tonnes sold');
  assert.deepEqual(after.unfilled, { lines: 1, units: 4, amount_fen: 4 * 9900, wanted_g: 4 * 5000, refunded_fen: 0 });
  // the drill-downs agree: the line is in the unfilled records, in no sales or sold record
  const un = await records('unfilled');
  assert.deepEqual(un.figure, after.unfilled);
  assert.equal(sum(un.items, 'amount_fen'), after.unfilled.amount_fen);
  assert.equal(sum(un.items, 'wanted_g'), after.unfilled.wanted_g);
  assert.deepEqual(un.items.map((x) => [x.order_no, x.line_no, x.channel, x.units]), [['BO-1', 1, 'LIVE', 4]]);
  const sales = await records('sales');
  assert.equal(sum(sales.items, 'amount_fen'), after.sales.sales_fen);
  assert.ok(!sales.items.some((x) => x.order_no === o.channel_order_no || x.order_no === 'BO-1'));
  const sold = await records('sold');
  assert.equal(sum(sold.items, 'sold_g'), after.sold.sold_g);
  assert.ok(!sold.items.some((x) => x.order_no === 'BO-1'));
  // filters act on unfilled demand as on sales: its channel, not another
  assert.equal((await office.get('/api/v1/figures?channel=SJ')).json.figures.unfilled.lines, 0);
  assert.equal((await office.get('/api/v1/figures?channel=LIVE')).json.figures.unfilled.lines, 1);
  assert.equal((await live.get('/api/v1/figures')).json.figures.unfilled.amount_fen, 4 * 9900);
  assert.equal((await office.get('/api/v1/figures?county=513434')).json.figures.unfilled.lines, 0);
});

test('refunds of backordered lines, or of an order that is all backorder, do not lower sales', async () => {
  const before = await everything();
  const o = await backorder('BO-2', 2, 5000);
  const line = await live.post(`/api/v1/orders/${o.id}/refund`, { line_no: 1, amount_fen: 3000, reason: '缺货退款' });
  assert.equal(line.status, 201, line.text);
  const whole = await live.post(`/api/v1/orders/${o.id}/refund`, { amount_fen: 2000, reason: '缺货补偿' });
  assert.equal(whole.status, 201, whole.text);
  const after = await everything();
  assert.deepEqual(after.sales, before.sales, 'money back on what was never sold is no sale returned');
  assert.equal(after.unfilled.lines, before.unfilled.lines + 1);
  assert.equal(after.unfilled.amount_fen, before.unfilled.amount_fen + 10000);
  assert.equal(after.unfilled.refunded_fen, before.unfilled.refunded_fen + 3000, 'the line refund shows on its line');
  const sales = await records('sales');
  assert.equal(sum(sales.items, 'amount_fen'), after.sales.sales_fen);
  assert.ok(!sales.items.some((x) => x.order_no === 'BO-2'));
  const un = await records('unfilled');
  assert.equal(sum(un.items, 'refunded_fen'), after.unfilled.refunded_fen);
});

test('a cancelled backorder leaves unfilled demand and never enters sales', async () => {
  const before = await everything();
  const o = await backorder('BO-3', 1, 7000);
  assert.equal((await everything()).unfilled.lines, before.unfilled.lines + 1);
  const c = await live.post(`/api/v1/orders/${o.id}/cancel`, { reason: '顾客取消' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  const after = await everything();
  assert.deepEqual(after.unfilled, before.unfilled);
  assert.deepEqual(after.sales, before.sales);
});

test('returned and partly refunded lines: the rule the documentation states', async () => {
  // O5 (2026-11-02, SJ): 1 unit of 5 kg at 80.00 yuan, delivered; O3: 3 units, 50.00 refunded
  const nov = 'from=2026-11-01&to=2026-11-30';
  const fig = async () => (await office.get(`/api/v1/figures?${nov}`)).json.figures;
  const before = await fig();
  const sj = (fen) => ({ by_month: [{ month: '2026-11', sales_fen: fen }], by_channel: [{ channel: 'SJ', sales_fen: fen }] });
  assert.deepEqual(before.sales, { sales_fen: 8000, lines_fen: 8000, refunds_fen: 0, ...sj(8000) });
  assert.equal(before.sold.sold_g, 5000);
  // a partial refund lowers sales by its amount and leaves the grams sold
  const pr = await admin.post('/api/v1/orders/5/refund', { line_no: 1, amount_fen: 1500, reason: '补偿' });
  assert.equal(pr.status, 201, pr.text);
  const part = await fig();
  assert.deepEqual(part.sales, { sales_fen: 6500, lines_fen: 8000, refunds_fen: 1500, ...sj(6500) });
  assert.equal(part.sold.sold_g, 5000);
  // the unit returned for the rest of its money: the line stays (status
  // 'returned'), its refunds take the sale to 0 and no grams are sold
  const ret = await admin.post('/api/v1/orders/5/return', { line_no: 1, units: 1, warehouse_id: 1, restockable: true, reason: '退货', refund_fen: 6500 });
  assert.equal(ret.status, 201, ret.text);
  assert.equal(sqlRows(srv, "SELECT status FROM order_lines WHERE order_id = 5")[0], 'returned');
  const back = await fig();
  assert.deepEqual(back.sales, { sales_fen: 0, lines_fen: 8000, refunds_fen: 8000, ...sj(0) });
  assert.deepEqual(back.sold, { sold_g: 0, sold_t: '0.000' });
  const sales = await records('sales', nov);
  assert.deepEqual(sales.items.map((x) => [x.kind, x.order_no, x.amount_fen]),
    [['line', 'O5', 8000], ['refund', 'O5', -1500], ['refund', 'O5', -6500]]);
  const sold = await records('sold', nov);
  assert.deepEqual(sold.items.map((x) => [x.order_no, x.units, x.returned_units, x.sold_g]), [['O5', 1, 1, 0]]);
});

test('Excel: the unfilled demand records and the figures sheet', async () => {
  const x = await office.get('/api/v1/figures/unfilled/records?format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-disposition'), /unfilled\.xlsx/);
  const xs = unzip(x.body);
  assert.ok(xs['xl/worksheets/sheet1.xml'].includes('<v>396</v>'), 'BO-1: 4 x 99.00 yuan');
  const f = unzip((await office.get('/api/v1/figures?format=xlsx')).body)['xl/worksheets/sheet1.xml'];
  assert.ok(f.includes('unfilled.amount_fen'), 'unfilled demand is a row of the figures sheet');
});

// ---- a refund of no line on an order that is partly sold, partly backordered ----
// It counts against sales only up to what is left of the order's sale: its
// sold lines' amount less their own refunds, less the refunds of no line
// recorded before it. Stock for a second SKU (origin warehouse, far expiry) is
// added here; a third SKU has none until the last step fills its backorder.

test('a refund of no line counts against sales only up to what was sold of its order', async () => {
  execSql(srv, `INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES
  ('YY-APL-80-2', 1, 1, '盐源苹果 2.5kg', 2500, 2700), ('YY-APL-80-3', 1, 1, '盐源苹果 3kg', 3000, 3200);
INSERT INTO lots (code, kind, product_id, grade_id, sku_id, cooperative_id, harvest_date, packed_on, expires_on, initial_g, created_at)
  SELECT 'PK2', 'packed', 1, 1, id, 1, '2026-09-30', '2026-10-05', '2099-01-01', 25000, 0 FROM skus WHERE code = 'YY-APL-80-2';
INSERT INTO lots (code, kind, product_id, grade_id, sku_id, cooperative_id, harvest_date, packed_on, expires_on, initial_g, created_at)
  SELECT 'PK3', 'packed', 1, 1, id, 1, '2026-09-30', '2026-10-05', '2099-01-01', 6000, 0 FROM skus WHERE code = 'YY-APL-80-3';
INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) SELECT id, 'warehouse', 1, 25000 FROM lots WHERE code = 'PK2';`);
  const before = await everything();
  const r = await live.post('/api/v1/orders', {
    channel: 'LIVE', order_no: 'MIX-1', lines: [{ sku: 'YY-APL-80-2', units: 2, unit_price_fen: 3000 },
      { sku: 'YY-APL-80-3', units: 2, unit_price_fen: 2000 }],
    customer: { name: '顾客丙', phone: '13700005555', address: '宁波市江北区某路3号', division_code: '330205' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.order.status, 'partial', 'line 1 sold (60.00), line 2 backordered (40.00)');
  const id = r.json.order.id;
  const refund = async (body) => {
    const x = await live.post(`/api/v1/orders/${id}/refund`, { reason: '补偿', ...body });
    assert.equal(x.status, 201, x.text);
  };
  await refund({ line_no: 1, amount_fen: 1000 }); // of the sold line: counts 10.00, 50.00 of the sale left
  await refund({ amount_fen: 4000 }); // of no line: counts 40.00, 10.00 left
  await refund({ amount_fen: 3000 }); // of no line: counts only the 10.00 left
  const mine = async () => (await records('sales')).items.filter((x) => x.order_no === 'MIX-1').map((x) => [x.kind, x.amount_fen]);
  assert.deepEqual(await mine(), [['line', 6000], ['refund', -1000], ['refund', -4000], ['refund', -1000]]);
  const after = await everything();
  assert.equal(after.sales.lines_fen, before.sales.lines_fen + 6000);
  assert.equal(after.sales.refunds_fen, before.sales.refunds_fen + 6000, 'never more than was sold of the order');
  assert.equal(after.sales.sales_fen, before.sales.sales_fen, 'the order nets to nothing, not to -20.00');
  const recs = await records('sales');
  assert.equal(sum(recs.items, 'amount_fen'), after.sales.sales_fen, 'the drill-down still adds up');
  // the backordered line is filled: it becomes a sale and the refunds count in full
  execSql(srv, "INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) SELECT id, 'warehouse', 1, 6000 FROM lots WHERE code = 'PK3';");
  const re = await admin.post('/api/v1/orders/reallocate', { sku: 'YY-APL-80-3' });
  assert.equal(re.status, 200, re.text);
  assert.equal(re.json.allocated, 1);
  assert.deepEqual(await mine(), [['line', 6000], ['line', 4000], ['refund', -1000], ['refund', -4000], ['refund', -3000]]);
  const filled = await everything();
  assert.equal(filled.sales.sales_fen, before.sales.sales_fen + 10000 - 8000);
  assert.equal(filled.unfilled.lines, before.unfilled.lines, 'no longer unfilled demand');
});
