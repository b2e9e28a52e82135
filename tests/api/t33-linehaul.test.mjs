// The consolidated line-haul over HTTP: create (truck type, cost in fen),
// load lots chosen by the user or by FEFO for a SKU and units (reserved at the
// origin while loading; unloading releases it), dispatch (stock in transit, visible to both
// warehouses; an Idempotency-Key retry is applied once; an empty truck is
// refused), receive with shortage and damage per lot, the printable manifest,
// cost per kg by route and truck type, and every refusal: the wrong side, the
// wrong state, expired, source or foreign lots, more than is there.
// Fixture: t30-fixture.mjs (PA 10 units +10 days, PB 5 units +5 days, PX
// expired, PD 2 kg SKU at YY-O; PC at HL-O).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWarehouseWorld, warehouseUsers, gramsAt, stockSnapshot, auditRows, sql, YY, NB, HL, HZ, SKU5, SKU2 } from './t30-fixture.mjs';

let srv, admin, u;
before(async () => {
  srv = await startServer();
  loadWarehouseWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  u = await warehouseUsers(srv, admin, ['chan', 'office', 'whHL', 'whNB', 'whYY']);
});
after(async () => { await srv.stop(); });

const reservedOf = (code) => Number(sql(srv, `SELECT COALESCE(SUM(s.reserved_g), 0) AS r FROM stock s JOIN lots l ON l.id = s.lot_id WHERE l.code = '${code}'`)[0].r);

async function refusedUnchanged(client, path, body, status, code, opts) {
  const before = stockSnapshot(srv);
  const lh = sql(srv, 'SELECT id, status, cost_fen FROM linehauls ORDER BY id');
  const r = await client.post(path, body, opts);
  assert.equal(r.status, status, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
  assert.deepEqual(stockSnapshot(srv), before, 'a refused request changed stock');
  assert.deepEqual(sql(srv, 'SELECT id, status, cost_fen FROM linehauls ORDER BY id'), lh, 'a refused request changed a line-haul');
  return r;
}

let lh1; // the main line-haul YY-O -> NB-S

test('an empty line-haul is created but cannot be dispatched', async () => {
  const r = await u.whYY.post('/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: NB, truck_type: '9.6m 冷藏', plate: '川W·12345', cost_fen: 180000 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'loading');
  assert.deepEqual(r.json.lines, []);
  lh1 = r.json;
  const d = await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/dispatch`, {}, 409, 'conflict');
  assert.match(d.json.error.message_en, /nothing loaded/);
});

test('loading: FEFO for a SKU takes the earliest unexpired lot first, the user may pick a lot; grams are reserved', async () => {
  // 7 units of the 5 kg SKU: PX is expired, so PB (5 units, +5 days) then 2 units of PA
  const r = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/load`, { lines: [{ sku_id: SKU5, units: 7 }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.lines.map((l) => [l.lot_code, l.units, l.loaded_g]), [['PB', 5, 25000], ['PA', 2, 10000]]);
  assert.equal(reservedOf('PB'), 25000);
  assert.equal(reservedOf('PX'), 0);
  // the user's pick: 3 units from PA even though nothing earlier is left; then a lot by grams
  const pick = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/load`, { lines: [{ sku_id: SKU5, units: 3, lot_code: 'PA' }, { lot_code: 'PD', qty_g: 6000 }] });
  assert.equal(pick.status, 200, pick.text);
  assert.deepEqual(pick.json.lines.map((l) => [l.lot_code, l.loaded_g]), [['PB', 25000], ['PA', 25000], ['PD', 6000]]);
  assert.equal(pick.json.loaded_g, 56000);
  assert.equal(reservedOf('PA'), 25000);
  // reserved stock cannot be written off or loaded twice
  const left = await u.whYY.get('/api/v1/stock?lot=PA');
  assert.equal(left.json.items[0].available_g, 25000);
  await refusedUnchanged(u.whYY, '/api/v1/adjustments', { lot_code: 'PB', warehouse_id: YY, kind: 'spoilage', qty_g: 1, reason: 'x' }, 409, 'insufficient_stock');
  await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/load`, { lines: [{ lot_code: 'PA', qty_g: 25001 }] }, 409, 'insufficient_stock');
  await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/load`, { lines: [{ sku_id: SKU5, units: 6 }] }, 409, 'insufficient_stock');
  assert.equal((await auditRows(admin, 'linehaul.load')).length, 2);
});

test('unloading while loading releases the reservation; never more than was loaded', async () => {
  const path = `/api/v1/linehauls/${lh1.id}/unload`;
  const part = await u.whYY.post(path, { lines: [{ lot_code: 'PD', qty_g: 2000 }] });
  assert.equal(part.status, 200, part.text);
  assert.equal(part.json.lines.find((l) => l.lot_code === 'PD').loaded_g, 4000);
  assert.equal(reservedOf('PD'), 4000);
  const whole = await u.whYY.post(path, { lines: [{ lot_code: 'PD' }] });
  assert.equal(whole.status, 200, whole.text);
  assert.deepEqual(whole.json.lines.map((l) => l.lot_code), ['PB', 'PA']);
  assert.equal(reservedOf('PD'), 0);
  await refusedUnchanged(u.whYY, path, { lines: [{ lot_code: 'PA', qty_g: 25001 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, path, { lines: [{ lot_code: 'PA', qty_g: 1000 }, { lot_code: 'PX' }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, path, { lines: [] }, 422, 'invalid');
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PA' }] }, 403, 'forbidden');
  assert.equal((await auditRows(admin, 'linehaul.unload')).length, 2);
  // load it again for the tests below
  const again = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/load`, { lines: [{ lot_code: 'PD', qty_g: 6000 }] });
  assert.equal(again.status, 200, again.text);
});

test('loading refusals: expired, source, foreign or unknown lots, bad grams, another side; nothing changes', async () => {
  const path = `/api/v1/linehauls/${lh1.id}/load`;
  const cases = [
    [{ lines: [{ lot_code: 'PX', qty_g: 5000 }] }, 'lines.lot_id'], // expired
    [{ lines: [{ sku_id: SKU5, units: 1, lot_code: 'PX' }] }, null], // expired pick: 409 below
    [{ lines: [{ lot_code: 'S1', qty_g: 5000 }] }, 'lines.lot_id'], // source lot
    [{ lines: [{ lot_code: 'NOPE', qty_g: 5000 }] }, 'lines.lot_id'],
    [{ lines: [{ lot_code: 'PA', qty_g: -5 }] }, 'lines.qty_g'],
    [{ lines: [{ lot_code: 'PA', qty_g: 1e13 }] }, 'lines.qty_g'],
    [{ lines: [{ sku_id: SKU5, units: 0 }] }, 'lines.units'],
    [{ lines: [{ sku_id: 999, units: 1 }] }, 'lines.sku_id'],
    [{ lines: [{ lot_code: 'PA' }] }, 'lines.qty_g'],
    [{ lines: [] }, 'lines'],
    [{ lines: [{ lot_code: 'PA', qty_g: 5, weight: 1 }] }, 'lines.weight'],
  ];
  for (const [body, field] of cases) {
    if (!field) {
      await refusedUnchanged(u.whYY, path, body, 409, 'insufficient_stock');
      continue;
    }
    const r = await refusedUnchanged(u.whYY, path, body, 422, 'invalid');
    assert.ok(r.json.error.errors.some((e) => e.field === field && (field === 'lines' || e.row === 1)), `${JSON.stringify(body)}: ${r.text}`);
  }
  // a lot at another warehouse
  await refusedUnchanged(u.whYY, path, { lines: [{ lot_code: 'PC', qty_g: 5000 }] }, 409, 'insufficient_stock');
  // only the origin side loads and dispatches; office only reads
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PA', qty_g: 5000 }] }, 403, 'forbidden');
  await refusedUnchanged(u.whHL, path, { lines: [{ lot_code: 'PA', qty_g: 5000 }] }, 403, 'forbidden');
  await refusedUnchanged(u.office, path, { lines: [{ lot_code: 'PA', qty_g: 5000 }] }, 403);
  await refusedUnchanged(u.whNB, `/api/v1/linehauls/${lh1.id}/dispatch`, {}, 403, 'forbidden');
  // creating: from the operator's own origin to a sales warehouse, with a sane cost
  await refusedUnchanged(u.whNB, '/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: NB }, 403, 'forbidden');
  await refusedUnchanged(u.whYY, '/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: HL }, 422, 'invalid');
  await refusedUnchanged(admin, '/api/v1/linehauls', { from_warehouse_id: NB, to_warehouse_id: HZ }, 422, 'invalid');
  await refusedUnchanged(u.whYY, '/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: NB, cost_fen: -1 }, 422, 'invalid');
  await refusedUnchanged(u.whYY, '/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: 999 }, 422, 'invalid');
  await refusedUnchanged(u.chan, '/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: NB }, 403);
});

test('dispatch: an Idempotency-Key retry is applied once; stock in transit is seen by both sides only', async () => {
  const opts = { headers: { 'Idempotency-Key': `dispatch-${lh1.id}` } };
  const first = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/dispatch`, { cost_fen: 200000 }, opts);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.status, 'dispatched');
  assert.equal(first.json.cost_fen, 200000);
  const snap = stockSnapshot(srv);
  const again = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/dispatch`, { cost_fen: 200000 }, opts);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.headers.get('idempotent-replay'), 'true');
  assert.deepEqual(again.json, first.json);
  assert.deepEqual(stockSnapshot(srv), snap, 'the retry moved stock again');
  assert.equal((await auditRows(admin, 'linehaul.dispatch')).length, 1);
  // the same key with another body is refused, not replayed
  const other = await u.whYY.post(`/api/v1/linehauls/${lh1.id}/dispatch`, { cost_fen: 1 }, opts);
  assert.equal(other.status, 422, other.text);
  assert.equal(other.json.error.code, 'idempotency_mismatch');
  assert.equal(gramsAt(srv, 'PA', 'transit', lh1.id), 25000);
  assert.equal(gramsAt(srv, 'PA', 'warehouse', YY), 25000);
  assert.equal(reservedOf('PA'), 0);
  // a new dispatch without the key is refused: the truck has left
  await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/dispatch`, {}, 409, 'conflict');
  await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/load`, { lines: [{ lot_code: 'PA', qty_g: 5000 }] }, 409, 'conflict');
  await refusedUnchanged(u.whYY, `/api/v1/linehauls/${lh1.id}/unload`, { lines: [{ lot_code: 'PA' }] }, 409, 'conflict');
  const transit = (c) => c.get('/api/v1/stock?loc_kind=transit').then((r) => r.json.items.map((s) => [s.lot_code, s.qty_g, s.loc_code]));
  const expect = [['PA', 25000, lh1.code], ['PB', 25000, lh1.code], ['PD', 6000, lh1.code]];
  assert.deepEqual((await transit(u.whYY)).sort(), expect);
  assert.deepEqual((await transit(u.whNB)).sort(), expect);
  assert.deepEqual(await transit(u.whHL), []);
  assert.equal((await u.whNB.get(`/api/v1/linehauls/${lh1.id}`)).status, 200);
  assert.equal((await u.whHL.get(`/api/v1/linehauls/${lh1.id}`)).status, 403);
  assert.deepEqual((await u.whNB.get('/api/v1/linehauls')).json.items.map((x) => x.id), [lh1.id]);
  assert.equal((await u.whHL.get('/api/v1/linehauls')).json.total, 0);
  // the destination now sees the lot
  assert.equal((await u.whNB.get('/api/v1/lots/PA')).status, 200);
});

test('receive: per-lot shortage and damage recorded and written off; nothing stays in transit', async () => {
  const path = `/api/v1/linehauls/${lh1.id}/receive`;
  // only the receiving side receives
  await refusedUnchanged(u.whYY, path, {}, 403, 'forbidden');
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PA', received_g: 20000, damaged_g: 5001 }] }, 422, 'invalid');
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PA', received_g: -1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PX', received_g: 1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whNB, path, { lines: [{ lot_code: 'PA', received_g: 1 }, { lot_code: 'PA', received_g: 1 }] }, 422, 'invalid');
  const r = await u.whNB.post(path, { lines: [
    { lot_code: 'PA', received_g: 20000, damaged_g: 3000, note: '两箱压坏' },
    { lot_code: 'PB', received_g: 24000 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'received');
  const lines = Object.fromEntries(r.json.lines.map((l) => [l.lot_code, [l.loaded_g, l.received_g, l.damaged_g, l.shortage_g]]));
  assert.deepEqual(lines, { PA: [25000, 20000, 3000, 2000], PB: [25000, 24000, 0, 1000], PD: [6000, 6000, 0, 0] });
  assert.equal(gramsAt(srv, 'PA', 'warehouse', NB), 20000);
  assert.equal(gramsAt(srv, 'PA', 'transit', lh1.id), 0);
  assert.equal(Number(sql(srv, "SELECT COALESCE(SUM(qty_g), 0) AS g FROM stock WHERE loc_kind = 'transit'")[0].g), 0);
  const pa = await u.whNB.get('/api/v1/lots/PA');
  assert.equal(pa.json.mass_balance.left_by_reason.damage, 3000);
  assert.equal(pa.json.mass_balance.left_by_reason.shortage, 2000);
  assert.equal(pa.json.mass_balance.journal_closes, true);
  const audit = await auditRows(admin, 'linehaul.receive');
  assert.deepEqual(JSON.parse(audit[0].detail), { code: lh1.code, shortage_g: 3000, damaged_g: 3000 });
  // double receive
  await refusedUnchanged(u.whNB, path, {}, 409, 'conflict');
  assert.equal((await admin.post('/api/v1/linehauls/999999/receive', {})).status, 404);
});

test('the manifest: printable HTML with every lot, and only for the two sides', async () => {
  const r = await u.whNB.get(`/print/manifest/${lh1.code}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.text, /@media print/);
  for (const s of [lh1.code, 'YY-O', 'NB-S', '9.6m 冷藏', '川W·12345', 'PA', 'PB', 'PD', '盐源苹果', '56.000', '2000.00'])
    assert.ok(r.text.includes(s), `manifest lacks ${s}`);
  assert.equal((await u.whHL.get(`/print/manifest/${lh1.code}`)).status, 403);
  assert.equal((await u.whYY.get('/print/manifest/NOPE')).status, 404);
  assert.equal((await srv.anon.get(`/print/manifest/${lh1.code}`)).status, 401);
});

test('cost per kg by route and truck type', async () => {
  // a second truck of the same type: 1 unit of the 2 kg SKU for 50000 fen
  const c = await admin.post('/api/v1/linehauls', { from_warehouse_id: YY, to_warehouse_id: NB, truck_type: '9.6m 冷藏', cost_fen: 50000,
    lines: [{ sku_id: SKU2, units: 1 }] });
  assert.equal(c.status, 201, c.text);
  assert.deepEqual(c.json.lines.map((l) => [l.lot_code, l.loaded_g]), [['PD', 2000]]);
  const d = await admin.post(`/api/v1/linehauls/${c.json.id}/dispatch`, {});
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.cost_fen, 50000);
  const r = await u.office.get('/api/v1/linehauls/costs');
  assert.equal(r.status, 200, r.text);
  // (200000 + 50000) fen over 58 kg = 4310.34... -> 4310 fen per kg
  assert.deepEqual(r.json.items.map((x) => [x.from_warehouse_code, x.to_warehouse_code, x.truck_type, x.linehauls, x.cost_fen, x.loaded_g, x.fen_per_kg]),
    [['YY-O', 'NB-S', '9.6m 冷藏', 2, 250000, 58000, 4310]]);
  assert.equal((await u.whHL.get('/api/v1/linehauls/costs')).json.items.length, 0);
  const one = await u.whYY.get(`/api/v1/linehauls/${c.json.id}`);
  assert.equal(one.json.status, 'dispatched');
  assert.ok(/Z$/.test(one.json.dispatched_at));
});
