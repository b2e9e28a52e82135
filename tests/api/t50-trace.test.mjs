// The staff traces: GET /api/v1/trace/{code} for a packed lot and a parcel
// (shares and grams add up; names only for admin) and who may see which code
// (office everything, others only codes that touch their points, warehouses
// or channels, 404 otherwise), and GET /api/v1/households/{id}/trace. The
// season is tests/api/t50-fixture.sql (see its header for why it is loaded
// with sqlite3 rather than built through the API).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadTraceFixture } from './t50-fixture.mjs';

let srv, admin, office, col1, col2, wh2, live;
before(async () => {
  srv = await startServer();
  loadTraceFixture(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  col1 = await srv.makeUser(admin, { username: 'col1', role: 'collector', scopes: { points: [1] } });
  col2 = await srv.makeUser(admin, { username: 'col2', role: 'collector', scopes: { points: [2] } });
  wh2 = await srv.makeUser(admin, { username: 'wh2', role: 'warehouse', scopes: { warehouses: [2] } });
  live = await srv.makeUser(admin, { username: 'live', role: 'channel', scopes: { channels: [1] } });
});
after(async () => { await srv.stop(); });

const sum = (arr, k) => arr.reduce((s, x) => s + x[k], 0);

test('a packed lot traces back to three households, villages and receipts', async () => {
  const r = await admin.get('/api/v1/trace/PK1');
  assert.equal(r.status, 200);
  assert.equal(r.json.kind, 'lot');
  assert.equal(r.json.lot.code, 'PK1');
  const src = r.json.sources;
  assert.deepEqual(src.map((s) => s.lot_code), ['S1', 'S2', 'S3']);
  assert.equal(sum(src, 'share_g'), 50000);
  assert.equal(r.json.sources_total_g, 50000);
  assert.deepEqual(src.map((s) => s.place.village), ['打柴坡村', '大堰沟村', '西城社区']);
  assert.equal(src[2].place.county, '越西县');
  assert.equal(src[0].collections[0].code, 'R1');
  assert.equal(src[0].collections[0].collected_on, '2026-10-01');
  assert.equal(src[0].household.head_name, '张秀兰');
  assert.equal(src[1].household.lifted_from_poverty, true);
  assert.equal(r.json.packing.code, 'PKG1');
  assert.equal(r.json.linehauls[0].code, 'LH1');
});

test('a parcel splits its grams among households by largest remainder', async () => {
  const r = await office.get('/api/v1/trace/PC1');
  assert.equal(r.status, 200);
  assert.equal(r.json.kind, 'parcel');
  assert.equal(r.json.parcel.code, 'PC1');
  assert.equal(r.json.lots[0].qty_g, 10000);
  const hh = r.json.households;
  assert.equal(sum(hh, 'grams'), 10000);
  // 10000 g of a 50000 g lot with shares 25001/14999/10000: 5000.2, 2999.8, 2000
  assert.deepEqual(hh.map((h) => [h.code, h.grams]).sort(), [['H1', 5000], ['H2', 3000], ['H3', 2000]]);
  // office reads everything but never names
  assert.ok(!r.text.includes('张秀兰'));
  assert.ok(!('head_name' in hh[0]));
});

test('scope: a code is visible only to those it touches', async () => {
  const cases = [
    [col1, 'PK1', 200], [col2, 'PK1', 404], // produce came through point 1 only
    [wh2, 'PK1', 200], [wh2, 'PC1', 200], [wh2, 'PC3', 404], // PC3 shipped from origin
    [live, 'PK1', 200], [live, 'PC1', 200], [live, 'PC3', 404], // PC3 is an SJ order
    [office, 'PC3', 200], [admin, 'NOPE', 404], [admin, 'bad%20code', 404],
  ];
  for (const [client, code, status] of cases) {
    const r = await client.get(`/api/v1/trace/${code}`);
    assert.equal(r.status, status, `${code} → ${r.status}`);
    if (status === 404) assert.equal(r.json.error.code, 'not_found');
  }
  const c = await col1.get('/api/v1/trace/PK1');
  assert.ok(!c.text.includes('张秀兰'), 'names are for admin only');
  assert.equal((await srv.anon.get('/api/v1/trace/PK1')).status, 401);
});

test('a household forward: its lot went into PK1 and on to orders and parcels', async () => {
  const r = await admin.get('/api/v1/households/1/trace');
  assert.equal(r.status, 200);
  assert.equal(r.json.household.code, 'H1');
  assert.equal(r.json.household.place.village, '打柴坡村');
  const lot = r.json.source_lots[0];
  assert.equal(lot.code, 'S1');
  assert.equal(lot.packed_into[0].code, 'PK1');
  assert.equal(lot.packed_into[0].share_g, 25001);
  // H1's part of 10000 + 5000 (reserved) + 15000 + 5000 g sold from PK1 (share 25001/50000)
  assert.equal(r.json.totals.sold_g, 5000 + 2500 + 7500 + 2500);
  assert.equal(r.json.totals.collected_g, 30000);
  const parcels = lot.packed_into[0].sales.map((s) => s.parcel_code).filter(Boolean).sort();
  assert.deepEqual(parcels, ['PC1', 'PC3', 'PC5']);

  assert.equal((await col1.get('/api/v1/households/1/trace')).status, 200);
  assert.equal((await col2.get('/api/v1/households/1/trace')).status, 404);
  assert.equal((await live.get('/api/v1/households/1/trace')).status, 403);
  assert.equal((await office.get('/api/v1/households/99/trace')).status, 404);
  assert.equal((await office.get('/api/v1/households/x/trace')).status, 404);
});
