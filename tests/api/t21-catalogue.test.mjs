// The catalogue over HTTP on the demo season: products with grades, SKUs,
// purchase and sale prices from a date, and the price in force on day D (the
// greatest valid_from <= D); admin writes (audited), all staff read, bad
// input answers 422 naming the field, duplicates 409.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, yanyuan, channel;

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  yanyuan = await srv.login('collector_yanyuan', 'shanhai2026');
  channel = await srv.login('channel_mgr', 'shanhai2026');
});
after(async () => { await srv.stop(); });

test('staff read products with grades, SKUs and prices', async () => {
  const p = await channel.get('/api/v1/products');
  assert.equal(p.status, 200);
  assert.ok(p.json.items[0].grades.length >= 1);
  assert.equal(typeof p.json.items[0].shelf_life_days, 'number');
  const s = await yanyuan.get(`/api/v1/skus?product_id=${p.json.items[0].id}`);
  assert.ok(s.json.items.every((x) => x.product_id === p.json.items[0].id && x.net_g > 0));
  assert.equal((await yanyuan.get('/api/v1/purchase-prices?grade_id=1')).status, 200);
  assert.equal((await yanyuan.get('/api/v1/sku-prices')).status, 200);
  assert.equal((await yanyuan.get('/api/v1/products/999999')).status, 404);
  assert.equal((await yanyuan.get('/api/v1/skus?product_id=x')).status, 422);
  assert.equal((await srv.anon.get('/api/v1/products')).status, 401);
});

test('admin creates a product, grade, SKU and prices; the price in force follows valid_from', async () => {
  const p = await admin.post('/api/v1/products', {
    code: 'T-WAL', name: '测试核桃', name_en: 'test walnut', shelf_life_days: 180, storage_min_c: 0, storage_max_c: 10,
    origin_code: '513423', grades: [{ code: 'A', name: '一级', sort: 1 }],
  });
  assert.equal(p.status, 201, p.text);
  const gA = p.json.grades[0].id;
  const g = await admin.post(`/api/v1/products/${p.json.id}/grades`, { code: 'B', name: '二级', sort: 2 });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.json.product.grades.length, 2);
  const sku = await admin.post('/api/v1/skus', { code: 'T-WAL-A-1K', name: '核桃 1kg', product_id: p.json.id, grade_id: gA, net_g: 1000, gross_g: 1100 });
  assert.equal(sku.status, 201, sku.text);
  for (const [from, price] of [['2026-09-01', 2000], ['2026-10-01', 2201]]) {
    const r = await admin.post('/api/v1/purchase-prices', { grade_id: gA, valid_from: from, price_fen: price });
    assert.equal(r.status, 201, r.text);
  }
  const dup = await admin.post('/api/v1/purchase-prices', { grade_id: gA, valid_from: '2026-10-01', price_fen: 1 });
  assert.equal(dup.status, 409, dup.text);
  const at = async (d) => (await yanyuan.get(`/api/v1/prices/in-force?grade_id=${gA}&date=${d}`)).json;
  assert.equal((await at('2026-09-30')).price_fen_per_kg, 2000);
  assert.equal((await at('2026-09-30')).price_fen_per_jin, 1000);
  assert.equal((await at('2026-10-01')).price_fen_per_kg, 2201);
  assert.equal((await at('2026-10-01')).price_fen_per_jin, null, 'an odd per-kg price has no whole-fen per-jin price');
  assert.equal((await at('2027-01-01')).valid_from, '2026-10-01');
  const none = await yanyuan.get(`/api/v1/prices/in-force?grade_id=${gA}&date=2026-08-31`);
  assert.equal(none.status, 422);
  assert.equal(none.json.error.code, 'no_price');
  assert.equal((await yanyuan.get(`/api/v1/prices/in-force?grade_id=${gA}&product_id=1`)).status, 422);
  assert.equal((await yanyuan.get(`/api/v1/prices/in-force?grade_id=${gA}&product_id=${p.json.id}&date=2026-09-02`)).json.price_fen_per_kg, 2000);
  assert.equal((await yanyuan.get('/api/v1/prices/in-force')).status, 422);
  assert.equal((await yanyuan.get(`/api/v1/prices/in-force?grade_id=${gA}&date=tomorrow`)).status, 422);
  const sp = await admin.post('/api/v1/sku-prices', { sku_id: sku.json.id, valid_from: '2026-09-01', price_fen: 5990 });
  assert.equal(sp.status, 201, sp.text);
  assert.equal((await channel.get(`/api/v1/prices/in-force?sku_id=${sku.json.id}&date=2026-11-01`)).json.price_fen, 5990);
  const audit = await admin.get('/api/v1/audit?limit=20');
  for (const a of ['product.create', 'grade.create', 'sku.create', 'purchase_price.create', 'sku_price.create'])
    assert.ok(audit.json.items.some((x) => x.action === a), a);
});

test('bad catalogue input answers 422 naming the field; duplicates 409', async () => {
  const cases = [
    ['/api/v1/products', { code: 'T-X', name: 'x', shelf_life_days: 0 }, 'shelf_life_days'],
    ['/api/v1/products', { code: 'T-X', name: 'x', shelf_life_days: 5, storage_min_c: 8, storage_max_c: 2 }, 'storage_max_c'],
    ['/api/v1/products', { code: 'T X', name: 'x', shelf_life_days: 5 }, 'code'],
    ['/api/v1/products', { code: 'T-X', name: 'x', shelf_life_days: 5, origin_code: '999999' }, 'origin_code'],
    ['/api/v1/products', { code: 'T-X', name: 'x', shelf_life_days: 5, colour: 1 }, 'colour'],
    ['/api/v1/skus', { code: 'T-S', name: 'x', product_id: 1, net_g: 0 }, 'net_g'],
    ['/api/v1/skus', { code: 'T-S', name: 'x', product_id: 1, net_g: 1000, gross_g: 900 }, 'gross_g'],
    ['/api/v1/skus', { code: 'T-S', name: 'x', product_id: 1, net_g: 1e12 }, 'net_g'],
    ['/api/v1/skus', { code: 'T-S', name: 'x', product_id: 999999, net_g: 1000 }, 'product_id'],
    ['/api/v1/purchase-prices', { grade_id: 1, valid_from: '2026-02-30', price_fen: 5 }, 'valid_from'],
    ['/api/v1/purchase-prices', { grade_id: 1, valid_from: '2027-01-01', price_fen: -5 }, 'price_fen'],
    ['/api/v1/purchase-prices', { grade_id: 1, valid_from: '2027-01-01', price_fen: 1e12 }, 'price_fen'],
    // above the per-kg ceiling the store layer enforces, below the HTTP layer's: the refusal must
    // still name the request's field, not the column
    ['/api/v1/purchase-prices', { grade_id: 1, valid_from: '2027-01-01', price_fen: 20000000 }, 'price_fen'],
    ['/api/v1/purchase-prices', { grade_id: 999999, valid_from: '2027-01-01', price_fen: 5 }, 'grade_id'],
    ['/api/v1/sku-prices', { sku_id: 1, valid_from: '2027-01-01', price_fen: '5' }, 'price_fen'],
  ];
  for (const [path, body, field] of cases) {
    const r = await admin.post(path, body);
    assert.equal(r.status, 422, `${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.ok(r.json.error.errors.some((e) => e.field === field), `${field}: ${r.text}`);
  }
  assert.equal((await admin.post('/api/v1/products', { code: 'YY-APL', name: 'x', shelf_life_days: 5 })).status, 409);
  assert.equal((await admin.post('/api/v1/products/999999/grades', { code: 'Z', name: 'z' })).status, 404);
});

test('a purchase price that would change what a recorded collection was paid is refused', async () => {
  const c = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 1, grade_id: 2, gross_g: 1000, tare_g: 0 });
  assert.equal(c.status, 201, c.text);
  const day = (await yanyuan.get(`/api/v1/collections/${c.json.id}`)).json.collected_on;
  const r = await admin.post('/api/v1/purchase-prices', { grade_id: 2, valid_from: day, price_fen: 1 });
  assert.equal(r.status, 409, r.text);
});

test('only admin writes the catalogue', async () => {
  for (const c of [yanyuan, channel]) {
    assert.equal((await c.post('/api/v1/purchase-prices', { grade_id: 1, valid_from: '2027-01-01', price_fen: 5 })).status, 403);
    assert.equal((await c.post('/api/v1/products', { code: 'T-NO', name: 'x', shelf_life_days: 5 })).status, 403);
  }
});
