// Packing runs over HTTP: source lots received at the origin warehouse go in,
// packed lots (one SKU each, units x net g) come out with weighed grade-outs
// and losses; a run whose grams agree is balanced, one whose grams do not is
// recorded but flagged (in the response, the run list and the lot list, with
// the difference to the gram); each packed lot traces back to its households
// with shares split by largest remainder; every refusal changes nothing.
// Fixture: t30-fixture.mjs (source lots are moved in through the transfer API).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWarehouseWorld, warehouseUsers, gramsAt, stockSnapshot, auditRows, day, YY, NB, HL, P1, SKU5, SKU2, PEP } from './t30-fixture.mjs';

let srv, admin, u;
before(async () => {
  srv = await startServer();
  loadWarehouseWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  u = await warehouseUsers(srv, admin, ['colP1', 'office', 'whHL', 'whNB', 'whYY']);
  // S1 30000, S2 20000, S3 10000 g into YY-O
  const t = await u.colP1.post('/api/v1/transfers', { point_id: P1, lines: [
    { lot_code: 'S1', qty_g: 30000 }, { lot_code: 'S2', qty_g: 20000 }, { lot_code: 'S3', qty_g: 10000 }] });
  assert.equal(t.status, 201, t.text);
  const r = await u.whYY.post(`/api/v1/transfers/${t.json.id}/receive`, {});
  assert.equal(r.status, 200, r.text);
});
after(async () => { await srv.stop(); });

async function refusedUnchanged(client, body, status, code) {
  const before = stockSnapshot(srv);
  const r = await client.post('/api/v1/packings', body);
  assert.equal(r.status, status, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
  assert.deepEqual(stockSnapshot(srv), before, 'a refused request changed stock');
  return r;
}

test('a balanced run: inputs = outputs + grade-outs + losses to the gram; trace shares by largest remainder', async () => {
  const r = await u.whYY.post('/api/v1/packings', {
    warehouse_id: YY,
    inputs: [{ lot_code: 'S1', used_g: 15000 }, { lot_code: 'S2', used_g: 10000 }, { lot_code: 'S3', used_g: 5000 }],
    outputs: [{ sku_id: SKU5, units: 5 }],
    losses: [{ kind: 'gradeout', qty_g: 3500, reason: '小果' }, { kind: 'loss', qty_g: 1500, reason: '失水' }],
  });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.equal(p.balanced, true);
  assert.equal(p.difference_g, 0);
  assert.deepEqual([p.input_g, p.output_g, p.gradeout_g, p.loss_g], [30000, 25000, 3500, 1500]);
  assert.equal(p.packed_on, day(0));
  assert.equal(p.outputs.length, 1);
  const out = p.outputs[0];
  assert.equal(out.units, 5);
  assert.equal(out.qty_g, 25000);
  assert.equal(out.mass_flag, 'ok');
  // expiry: earliest harvest of the inputs (S1, 3 days ago) + 60 days
  assert.equal(out.expires_on, day(57));
  assert.equal(gramsAt(srv, out.lot_code, 'warehouse', YY), 25000);
  assert.equal(gramsAt(srv, 'S1', 'warehouse', YY), 15000);
  // 25000 g over 15000:10000:5000 -> 12500, 8333.3, 4166.7 -> 12500, 8333, 4167
  const lot = await u.whYY.get(`/api/v1/lots/${out.lot_code}`);
  assert.equal(lot.status, 200, lot.text);
  const shares = Object.fromEntries(lot.json.sources.map((s) => [s.source_code, s.share_g]));
  assert.deepEqual(shares, { S1: 12500, S2: 8333, S3: 4167 });
  assert.deepEqual(lot.json.sources.map((s) => s.household_code).sort(), ['H1', 'H2', 'H3']);
  assert.ok(!/张秀兰|吉克阿呷|沙马拉且/.test(lot.text), 'household names in lot detail');
  assert.equal(lot.json.mass_balance.journal_closes, true);
  assert.equal(lot.json.packings[0].code, p.code);
  assert.equal(lot.json.cooperative_id, null, 'H3 belongs to no cooperative, so the lot has none');
  const audit = await auditRows(admin, 'packing.create');
  assert.ok(audit.some((a) => a.object_id === String(p.id) && JSON.parse(a.detail).balanced === true));
});

test('a run whose grams do not agree is recorded but flagged, never balanced by a remainder', async () => {
  // 15000 + 10000 + 5000 in; 2 x 5000 + 3 x 2000 = 16000 packed; 2000 grade-out weighed; 12000 unaccounted
  const r = await u.whYY.post('/api/v1/packings', {
    warehouse_id: YY, packed_on: day(0),
    inputs: [{ lot_code: 'S1', used_g: 15000 }, { lot_code: 'S2', used_g: 10000 }, { lot_code: 'S3', used_g: 5000 }],
    outputs: [{ sku_id: SKU5, units: 2 }, { sku_id: SKU2, units: 3 }],
    losses: [{ kind: 'gradeout', qty_g: 2000, reason: '次果' }],
  });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.equal(p.balanced, false);
  assert.equal(p.difference_g, 12000);
  assert.equal(p.loss_g, 0, 'no loss was computed to fill the gap');
  assert.deepEqual(p.outputs.map((o) => [o.sku_code, o.units, o.qty_g, o.mass_flag]).sort(),
    [['YY-APL-70-2', 3, 6000, 'mismatch'], ['YY-APL-80-5', 2, 10000, 'mismatch']]);
  const flagged = await u.whYY.get('/api/v1/packings?balanced=0');
  assert.deepEqual(flagged.json.items.map((x) => [x.code, x.difference_g, x.balanced]), [[p.code, 12000, false]]);
  const lots = await u.whYY.get('/api/v1/lots?mass_flag=mismatch');
  assert.deepEqual(lots.json.items.map((l) => l.code).sort(), p.outputs.map((o) => o.lot_code).sort());
  // inputs emptied by the run are consumed
  const s1 = await u.whYY.get('/api/v1/lots/S1');
  assert.equal(s1.json.status, 'consumed');
  assert.equal(s1.json.mass_balance.left_by_reason.pack_in, 30000);
  assert.equal(s1.json.mass_balance.journal_closes, true);
});

test('more grams recorded than went in: negative difference, flagged', async () => {
  const t = await u.whHL.get('/api/v1/packings');
  assert.equal(t.json.total, 0, 'another origin sees none of these runs');
  const r = await admin.post('/api/v1/packings', {
    warehouse_id: YY, inputs: [{ lot_code: 'PA', used_g: 5000 }], outputs: [{ sku_id: SKU2, units: 2 }],
    losses: [{ kind: 'loss', qty_g: 1001, reason: '碰伤' }],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.difference_g, -1);
  assert.equal(r.json.balanced, false);
  // repacking a packed lot keeps the trace to its households
  const lot = await admin.get(`/api/v1/lots/${r.json.outputs[0].lot_code}`);
  assert.deepEqual(lot.json.sources.map((s) => [s.source_code, s.share_g]).sort(), [['S1', 2400], ['S2', 1600]]);
  assert.equal(lot.json.cooperative_id, 1, 'H1 and H2 share cooperative C1');
});

test('refusals: bad grams, unknown or foreign lots and SKUs, missing reasons; nothing changes', async () => {
  const base = { warehouse_id: YY, inputs: [{ lot_code: 'PB', used_g: 5000 }], outputs: [{ sku_id: SKU5, units: 1 }] };
  for (const used of [-1, 0, 1e13]) {
    const r = await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'PB', used_g: used }] }, 422, 'invalid');
    assert.ok(r.json.error.errors.some((e) => e.field === 'inputs.used_g' && e.row === 1), r.text);
  }
  const neg = await refusedUnchanged(u.whYY, { ...base, losses: [{ kind: 'loss', qty_g: -3, reason: 'x' }] }, 422, 'invalid');
  assert.ok(neg.json.error.errors.some((e) => e.field === 'losses.qty_g'), neg.text);
  await refusedUnchanged(u.whYY, { ...base, losses: [{ kind: 'loss', qty_g: 3 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, losses: [{ kind: 'rot', qty_g: 3, reason: 'x' }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, outputs: [{ sku_id: SKU5, units: 0 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, outputs: [] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, outputs: [{ sku_id: 999, units: 1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, outputs: [{ sku_id: PEP, units: 1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'NOPE', used_g: 1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'PB', used_g: 1 }, { lot_code: 'PB', used_g: 1 }] }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'PX', used_g: 1 }] }, 422, 'invalid'); // expired
  await refusedUnchanged(u.whYY, { ...base, packed_on: '2026-02-30' }, 422, 'invalid');
  await refusedUnchanged(u.whYY, { ...base, colour: 'red' }, 422, 'invalid');
  await refusedUnchanged(admin, { ...base, warehouse_id: NB }, 422, 'invalid');
  // a lot held at another warehouse (PC at HL-O), or at a point (S5), or more than there is
  await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'PC', used_g: 1 }] }, 409, 'insufficient_stock');
  await refusedUnchanged(admin, { ...base, inputs: [{ lot_code: 'S5', used_g: 1 }], outputs: [{ sku_id: PEP, units: 1 }] }, 409, 'insufficient_stock');
  await refusedUnchanged(u.whYY, { ...base, inputs: [{ lot_code: 'PB', used_g: 25001 }] }, 409, 'insufficient_stock');
  // a packed lot without trace rows cannot be repacked: the households would be lost
  await refusedUnchanged(u.whYY, base, 422, 'invalid');
});

test('scope: operators pack only at their warehouses; office reads; collectors and channels may not', async () => {
  const body = { warehouse_id: YY, inputs: [{ lot_code: 'PB', used_g: 5000 }], outputs: [{ sku_id: SKU5, units: 1 }] };
  await refusedUnchanged(u.whHL, body, 403, 'forbidden');
  await refusedUnchanged(u.whNB, body, 403, 'forbidden');
  assert.equal((await u.office.post('/api/v1/packings', body)).status, 403);
  assert.equal((await u.colP1.post('/api/v1/packings', body)).status, 403);
  const list = await u.office.get('/api/v1/packings');
  assert.equal(list.json.total, 3);
  const one = list.json.items[0];
  assert.equal((await u.office.get(`/api/v1/packings/${one.id}`)).status, 200);
  assert.equal((await u.whHL.get(`/api/v1/packings/${one.id}`)).status, 403);
  assert.equal((await u.whYY.get(`/api/v1/packings/${one.id}`)).status, 200);
  assert.equal((await u.whYY.get('/api/v1/packings/999999')).status, 404);
  assert.equal((await u.colP1.get('/api/v1/packings')).status, 403);
  // HL-O packs its own PC
  const hl = await u.whHL.post('/api/v1/packings', { warehouse_id: HL, inputs: [{ lot_code: 'PC', used_g: 10000 }],
    outputs: [{ sku_id: SKU2, units: 5 }] });
  assert.equal(hl.status, 201, hl.text);
  assert.equal(hl.json.balanced, true);
});
