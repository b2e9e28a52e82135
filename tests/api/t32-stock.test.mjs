// Stock, lots, adjustments and the lot label over HTTP: stock by lot and
// location in first-expiry-first-out order with the warehouse / SKU /
// expiring-before filters; lots and their detail with mass balance;
// stocktakes, spoilage, damage, expiry write-offs and found stock, each with a
// reason, never driving stock negative (insufficient_stock 409, nothing
// changed); the printable label with the QR SVG of the public trace page and
// no household name; scope of every read and write. Fixture: t30-fixture.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWarehouseWorld, warehouseUsers, gramsAt, stockSnapshot, auditRows, sql, day, HEAD_NAMES, YY, NB, HL, P1, SKU5 } from './t30-fixture.mjs';

let srv, admin, u;
before(async () => {
  srv = await startServer();
  loadWarehouseWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  u = await warehouseUsers(srv, admin, ['chan', 'colP1', 'office', 'whHL', 'whNB', 'whYY']);
});
after(async () => { await srv.stop(); });

async function refusedUnchanged(client, body, status, code) {
  const before = stockSnapshot(srv);
  const r = await client.post('/api/v1/adjustments', body);
  assert.equal(r.status, status, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
  assert.deepEqual(stockSnapshot(srv), before, 'a refused request changed stock');
  return r;
}

test('stock at a warehouse for a SKU comes in FEFO order, expired lots flagged', async () => {
  const r = await u.whYY.get(`/api/v1/stock?warehouse_id=${YY}&sku_id=${SKU5}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((s) => [s.lot_code, s.expires_on, s.expired, s.qty_g, s.units]), [
    ['PX', day(-1), true, 10000, 2], ['PB', day(5), false, 25000, 5], ['PA', day(10), false, 50000, 10]]);
  assert.equal(r.json.total, 3);
  const soon = await u.whYY.get(`/api/v1/stock?warehouse_id=${YY}&expiring_before=${day(6)}`);
  assert.deepEqual(soon.json.items.map((s) => s.lot_code), ['PX', 'PB']);
  const fresh = await u.whYY.get(`/api/v1/stock?warehouse_id=${YY}&sku_id=${SKU5}&expired=0`);
  assert.deepEqual(fresh.json.items.map((s) => s.lot_code), ['PB', 'PA']);
  const one = await u.whYY.get('/api/v1/stock?lot=PA');
  assert.deepEqual(one.json.items.map((s) => [s.lot_code, s.loc_kind, s.loc_code]), [['PA', 'warehouse', 'YY-O']]);
  for (const bad of ['expiring_before=tomorrow', 'sku_id=-1', 'warehouse_id=x', 'loc_kind=moon', 'expired=maybe'])
    assert.equal((await u.whYY.get(`/api/v1/stock?${bad}`)).status, 422, bad);
});

test('scope of stock and lots: each operator its warehouses, each collector its points, office all', async () => {
  const yy = await u.whYY.get('/api/v1/stock');
  assert.ok(yy.json.items.every((s) => s.loc_kind === 'warehouse' && s.loc_id === YY), yy.text);
  assert.equal(yy.json.total, 4);
  const hl = await u.whHL.get('/api/v1/stock');
  assert.deepEqual(hl.json.items.map((s) => s.lot_code), ['PC']);
  const nb = await u.whNB.get(`/api/v1/stock?warehouse_id=${YY}`);
  assert.equal(nb.json.total, 0, 'a filter never widens the scope');
  const col = await u.colP1.get('/api/v1/stock');
  assert.deepEqual(col.json.items.map((s) => s.lot_code).sort(), ['S1', 'S2', 'S3']);
  const office = await u.office.get('/api/v1/stock');
  assert.equal(office.json.total, 10);
  const lots = await u.colP1.get('/api/v1/lots');
  assert.deepEqual(lots.json.items.map((l) => l.code).sort(), ['S1', 'S2', 'S3']);
  assert.equal((await u.colP1.get('/api/v1/lots/PA')).status, 404);
  assert.equal((await u.whHL.get('/api/v1/lots/PA')).status, 404);
  assert.equal((await u.whYY.get('/api/v1/lots/NOPE')).status, 404);
  assert.equal((await u.chan.get('/api/v1/stock')).status, 403);
  const packed = await u.office.get('/api/v1/lots?kind=packed&expired=1');
  assert.deepEqual(packed.json.items.map((l) => l.code), ['PX']);
});

test('lot detail: trace with household codes only, stock, and a mass balance that closes', async () => {
  const r = await u.whYY.get('/api/v1/lots/PA');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.kind, 'packed');
  assert.equal(r.json.sku_code, 'YY-APL-80-5');
  assert.deepEqual(r.json.sources.map((s) => [s.source_code, s.household_code, s.share_g]), [['S1', 'H1', 30000], ['S2', 'H2', 20000]]);
  assert.deepEqual(r.json.stock.map((s) => [s.loc_kind, s.loc_id, s.qty_g]), [['warehouse', YY, 50000]]);
  assert.deepEqual(r.json.mass_balance, { initial_g: 50000, created_g: 50000, found_g: 0, left_g: 0, on_hand_g: 50000,
    left_by_reason: {}, journal_closes: true, initial_matches: true });
  for (const name of HEAD_NAMES) assert.ok(!r.text.includes(name));
});

test('stocktake: counted grams replace the system quantity either way, with the delta recorded', async () => {
  const down = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PB', warehouse_id: YY, kind: 'stocktake', counted_g: 24500, reason: '月末盘点' });
  assert.equal(down.status, 201, down.text);
  assert.deepEqual([down.json.system_g, down.json.delta_g, down.json.qty_g], [25000, -500, 24500]);
  const up = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PB', warehouse_id: YY, kind: 'stocktake', counted_g: 25000, reason: '复盘' });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.delta_g, 500);
  const list = await u.whYY.get(`/api/v1/adjustments?warehouse_id=${YY}&kind=stocktake`);
  assert.deepEqual(list.json.items.map((a) => [a.lot_code, a.delta_g, a.reason]), [['PB', 500, '复盘'], ['PB', -500, '月末盘点']]);
  const lot = await u.whYY.get('/api/v1/lots/PB');
  assert.equal(lot.json.mass_balance.journal_closes, true);
  assert.equal(lot.json.mass_balance.found_g, 500);
  assert.equal(lot.json.mass_balance.left_by_reason.stocktake, 500);
  const audit = await auditRows(admin, 'adjustment.create');
  assert.equal(audit.length, 2);
});

test('write-offs need a reason and never drive stock negative', async () => {
  const sp = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PD', warehouse_id: YY, kind: 'spoilage', qty_g: 2000, reason: '腐烂' });
  assert.equal(sp.status, 201, sp.text);
  assert.equal(sp.json.qty_g, 18000);
  const r = await refusedUnchanged(u.whYY, { lot_code: 'PD', warehouse_id: YY, kind: 'damage', qty_g: 18001, reason: '压坏' }, 409, 'insufficient_stock');
  assert.match(r.json.error.message_en, /insufficient stock/);
  const all = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PD', warehouse_id: YY, kind: 'damage', qty_g: 18000, reason: '压坏' });
  assert.equal(all.status, 201, all.text);
  assert.equal(gramsAt(srv, 'PD', 'warehouse', YY), 0);
  await refusedUnchanged(u.whYY, { lot_code: 'PD', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 409, 'insufficient_stock');
  // at a warehouse that does not hold the lot
  await refusedUnchanged(admin, { lot_code: 'PA', warehouse_id: HL, kind: 'spoilage', qty_g: 1, reason: 'x' }, 409, 'insufficient_stock');
  // found stock comes back
  const found = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PD', warehouse_id: YY, kind: 'found', qty_g: 2000, reason: '角落里找到' });
  assert.equal(found.status, 201, found.text);
  assert.equal(gramsAt(srv, 'PD', 'warehouse', YY), 2000);
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM stock WHERE qty_g < 0')[0].n, 0);
});

test('expiry write-offs only for expired lots; bad bodies are 422 naming the field', async () => {
  const notYet = await refusedUnchanged(u.whYY, { lot_code: 'PA', warehouse_id: YY, kind: 'expiry', qty_g: 100, reason: '过期' }, 422, 'invalid');
  assert.ok(notYet.json.error.errors.some((e) => e.field === 'kind'), notYet.text);
  const ok = await u.whYY.post('/api/v1/adjustments', { lot_code: 'PX', warehouse_id: YY, kind: 'expiry', qty_g: 10000, reason: '过期报损' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(gramsAt(srv, 'PX', 'warehouse', YY), 0);
  const cases = [
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1 }, 'reason'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: '' }, 'reason'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: -1, reason: 'x' }, 'qty_g'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1e13, reason: 'x' }, 'qty_g'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', reason: 'x' }, 'qty_g'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'stocktake', counted_g: -1, reason: 'x' }, 'counted_g'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'stocktake', qty_g: 5, reason: 'x' }, 'counted_g'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'theft', qty_g: 1, reason: 'x' }, 'kind'],
    [{ lot_code: 'NOPE', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 'lot_id'],
    [{ warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 'lot_id'],
    [{ lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x', by: 'me' }, 'by'],
  ];
  for (const [body, field] of cases) {
    const r = await refusedUnchanged(u.whYY, body, 422, 'invalid');
    assert.ok(r.json.error.errors.some((e) => e.field === field), `${JSON.stringify(body)}: ${r.text}`);
  }
});

test('adjustment scope: own warehouses only; office reads but may not write', async () => {
  await refusedUnchanged(u.whHL, { lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 403, 'forbidden');
  await refusedUnchanged(u.office, { lot_code: 'PA', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 403);
  await refusedUnchanged(u.colP1, { lot_code: 'S1', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 403);
  assert.equal((await u.whHL.get('/api/v1/adjustments')).json.total, 0);
  assert.ok((await u.office.get('/api/v1/adjustments')).json.total >= 5);
  assert.equal((await u.colP1.get('/api/v1/adjustments')).status, 403);
});

test('the label: lot code, product, grade, dates and the QR SVG of /t/{code}; never a household name', async () => {
  const r = await u.whYY.get('/print/label/PA');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.text, /<svg[^>]*viewBox/);
  assert.match(r.text, /@media print/);
  for (const s of ['PA', '盐源苹果', '一级 80mm', 'YY-APL-80-5', day(10), day(-2)]) assert.ok(r.text.includes(s), s);
  for (const name of HEAD_NAMES) assert.ok(!r.text.includes(name), `household name ${name} on the label`);
  assert.ok(!r.text.includes('13800001111') && !r.text.includes('513423198001011234'));
  // the same QR as the public page's own /t/PA/qr.svg
  const qr = await srv.anon.get('/t/PA/qr.svg');
  assert.equal(qr.status, 200, qr.text);
  assert.ok(r.text.includes(qr.text.trim()), 'label QR differs from /t/PA/qr.svg');
  assert.equal((await u.whHL.get('/print/label/PA')).status, 404);
  assert.equal((await u.whYY.get('/print/label/NOPE')).status, 404);
  assert.equal((await srv.anon.get('/print/label/PA')).status, 401);
  assert.equal((await u.colP1.get('/print/label/PA')).status, 403);
});
