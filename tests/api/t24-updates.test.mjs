// Updates (PATCH) of places and catalogue objects on the demo season: admin
// changes a household's 脱贫户 flag and bank account (masked for the office
// afterwards, audited by field name without the values), points, warehouses,
// channels, cooperatives, enterprises, products, grades and SKUs; every bad
// field is named (unknown or wrong-level division, missing reference, a code
// that never changes, opens after closes, a SKU grade of another product);
// a SKU that has stock or orders keeps its net weight and a household or
// point that has deliveries keeps its village (409); a refused
// request changes nothing and leaves no audit row; every other role is
// refused (403) and an anonymous caller 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, yanyuan, office, channel, ningbo;

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  yanyuan = await srv.login('collector_yanyuan', 'shanhai2026');
  office = await srv.login('office', 'shanhai2026');
  channel = await srv.login('channel_mgr', 'shanhai2026');
  ningbo = await srv.login('wh_ningbo', 'shanhai2026');
});
after(async () => { await srv.stop(); });

async function auditRows(action) {
  const r = await admin.get(`/api/v1/audit?action=${action}&limit=1000`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

function fieldsOf(res) {
  const e = res.json.error;
  return [...new Set((e.errors || []).map((x) => x.field).concat(e.field ? [e.field] : []))];
}

test('a household: 脱贫户 flag and bank account change, masked by role, audited without the values', async () => {
  const was = (await admin.get('/api/v1/households/3')).json;
  const r = await admin.patch('/api/v1/households/3', {
    lifted_from_poverty: !was.lifted_from_poverty, bank_account: '6217000011112222333', phone: '13900001111', members: 4,
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.lifted_from_poverty, !was.lifted_from_poverty);
  assert.equal(r.json.bank_account, '6217000011112222333');
  assert.equal(r.json.members, 4);
  assert.equal(r.json.code, was.code);
  // the office sees the change masked; the collector of its village sees the phone
  const seen = (await office.get('/api/v1/households/3')).json;
  assert.equal(seen.lifted_from_poverty, !was.lifted_from_poverty);
  assert.notEqual(seen.bank_account, '6217000011112222333');
  assert.notEqual(seen.phone, '13900001111');
  assert.equal((await yanyuan.get('/api/v1/households/3')).json.phone, '13900001111');
  const [row] = await auditRows('household.update');
  assert.equal(row.object_id, '3');
  const detail = JSON.parse(row.detail);
  assert.deepEqual(detail.changed.sort(), ['bank_account', 'lifted_from_poverty', 'members', 'phone'].sort());
  assert.equal(detail.before.lifted_from_poverty, was.lifted_from_poverty);
  assert.equal(detail.after.lifted_from_poverty, !was.lifted_from_poverty);
  assert.equal(detail.after.members, 4);
  assert.ok(!row.detail.includes('6217000011112222333') && !row.detail.includes('13900001111'), row.detail);
  assert.ok(!('phone' in detail.after) && !('bank_account' in detail.before));
  // clearing a nullable field
  const cleared = await admin.patch('/api/v1/households/3', { bank_account: null });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.bank_account, null);
});

test('a refused household update names every bad field and changes nothing', async () => {
  const was = (await admin.get('/api/v1/households/3')).json;
  const audits = (await auditRows('household.update')).length;
  const bad = await admin.patch('/api/v1/households/3', {
    code: 'X1', village_code: '513423', cooperative_id: 99999999, members: 0, head_name: null, colour: 'red',
  });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(fieldsOf(bad).sort(), ['code', 'colour', 'head_name', 'members'].sort(), bad.text);
  assert.match(bad.text, /cannot be changed/);
  // the JSON is fine, the database says no: wrong level, missing reference
  const level = await admin.patch('/api/v1/households/3', { members: 2, village_code: '513423' });
  assert.equal(level.status, 422, level.text);
  assert.deepEqual(fieldsOf(level), ['village_code']);
  const ref = await admin.patch('/api/v1/households/3', { members: 2, cooperative_id: 99999999 });
  assert.equal(ref.status, 422, ref.text);
  assert.deepEqual(fieldsOf(ref), ['cooperative_id']);
  // a household that has delivered keeps its village: the trace pages name it
  const delivered = (await admin.get('/api/v1/collections?limit=1')).json.items[0].household_id;
  const home = (await admin.get(`/api/v1/households/${delivered}`)).json;
  const other = (await admin.get('/api/v1/divisions?parent=513423101&level=5&limit=5')).json.items.find((d) => d.code !== home.village_code);
  const moved = await admin.patch(`/api/v1/households/${delivered}`, { village_code: other.code });
  assert.equal(moved.status, 409, moved.text);
  assert.equal(moved.json.error.field, 'village_code');
  assert.equal((await admin.get(`/api/v1/households/${delivered}`)).json.village_code, home.village_code);
  assert.equal((await admin.patch('/api/v1/households/3', {})).status, 422);
  assert.equal((await admin.patch('/api/v1/households/99999999', { members: 2 })).status, 404);
  assert.deepEqual((await admin.get('/api/v1/households/3')).json, was);
  assert.equal((await auditRows('household.update')).length, audits);
});

test('only admin updates; everyone else is refused and nothing changes', async () => {
  const paths = ['/api/v1/households/3', '/api/v1/points/1', '/api/v1/warehouses/1', '/api/v1/channels/1',
    '/api/v1/cooperatives/1', '/api/v1/enterprises/1', '/api/v1/products/1', '/api/v1/grades/1', '/api/v1/skus/1'];
  for (const p of paths) {
    const before = (await admin.get(p.startsWith('/api/v1/grades') ? '/api/v1/products/1' : p)).json;
    for (const who of [yanyuan, office, channel, ningbo]) {
      assert.equal((await who.patch(p, { name: 'hacked' })).status, 403, p);
    }
    assert.equal((await srv.anon.patch(p, { name: 'hacked' })).status, 401, p);
    const now = (await admin.get(p.startsWith('/api/v1/grades') ? '/api/v1/products/1' : p)).json;
    assert.deepEqual(now, before, p);
  }
});

test('points: opening hours, origin warehouse, coordinates', async () => {
  const sales = (await admin.get('/api/v1/warehouses?kind=sales')).json.items[0];
  const origin = (await admin.get('/api/v1/warehouses?kind=origin')).json.items[0];
  const late = await admin.patch('/api/v1/points/1', { opens: '19:00' });
  assert.equal(late.status, 422, late.text);
  assert.deepEqual(fieldsOf(late), ['closes']);
  assert.equal((await admin.patch('/api/v1/points/1', { opens: '25:00' })).status, 422);
  const wrong = await admin.patch('/api/v1/points/1', { warehouse_id: sales.id });
  assert.equal(wrong.status, 422, wrong.text);
  assert.deepEqual(fieldsOf(wrong), ['warehouse_id']);
  const half = await admin.patch('/api/v1/points/1', { lat_e6: null });
  assert.equal(half.status, 422, half.text);
  assert.deepEqual(fieldsOf(half), ['lat_e6']);
  const ok = await admin.patch('/api/v1/points/1', {
    name: '盐源县集货点（新址）', opens: '07:30', closes: '19:30', lon_e6: 101509000, lat_e6: 27422000, warehouse_id: origin.id,
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.name, '盐源县集货点（新址）');
  assert.equal(ok.json.opens, '07:30');
  assert.equal(ok.json.lon_e6, 101509000);
  assert.equal(ok.json.approx, false);
  const [row] = await auditRows('point.update');
  assert.equal(JSON.parse(row.detail).after.opens, '07:30');
});

test('warehouses, channels, cooperatives, enterprises', async () => {
  const w = await admin.patch('/api/v1/warehouses/1', { name: '西昌产地仓（扩建）' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.name, '西昌产地仓（扩建）');
  const kind = await admin.patch('/api/v1/warehouses/1', { kind: 'sales' });
  assert.equal(kind.status, 422, kind.text);
  assert.deepEqual(fieldsOf(kind), ['kind']);
  const div = await admin.patch('/api/v1/warehouses/1', { division_code: '519999' });
  assert.equal(div.status, 422, div.text);
  assert.deepEqual(fieldsOf(div), ['division_code']);
  const c = await admin.patch('/api/v1/channels/1', { kind: 'tv' });
  assert.equal(c.status, 422, c.text);
  const c2 = await admin.patch('/api/v1/channels/1', { name: '宁波消费帮扶直播间', active: true });
  assert.equal(c2.status, 200, c2.text);
  assert.equal(c2.json.name, '宁波消费帮扶直播间');
  const coop = await admin.patch('/api/v1/cooperatives/1', { name: '盐源县苹果专业合作社联合社' });
  assert.equal(coop.status, 200, coop.text);
  assert.equal(coop.json.name, '盐源县苹果专业合作社联合社');
  const ent = await admin.patch('/api/v1/enterprises/1', { division_code: '5134' });
  assert.equal(ent.status, 200, ent.text);
  assert.equal(ent.json.division_code, '5134');
  assert.equal((await admin.patch('/api/v1/enterprises/1', { name: '' })).status, 422);
  assert.equal((await admin.patch('/api/v1/cooperatives/99999999', { name: 'x' })).status, 404);
  for (const a of ['warehouse.update', 'channel.update', 'cooperative.update', 'enterprise.update']) {
    assert.equal((await auditRows(a)).length, 1, a);
  }
});

test('products, grades and SKUs; a SKU with stock or orders keeps its net weight; prices stay append-only', async () => {
  const p = await admin.post('/api/v1/products', {
    code: 'T-UPD', name: '测试苹果', shelf_life_days: 30, grades: [{ code: 'A', name: '一级' }, { code: 'B', name: '二级' }],
  });
  assert.equal(p.status, 201, p.text);
  const other = (await admin.get('/api/v1/products/1')).json;
  const temp = await admin.patch(`/api/v1/products/${p.json.id}`, { storage_min_c: 5, storage_max_c: 0 });
  assert.equal(temp.status, 422, temp.text);
  assert.deepEqual(fieldsOf(temp), ['storage_max_c']);
  const ok = await admin.patch(`/api/v1/products/${p.json.id}`, { name_en: 'Test apple', shelf_life_days: 45, storage_min_c: 0, storage_max_c: 4 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.name_en, 'Test apple');
  assert.equal(ok.json.shelf_life_days, 45);
  const grade = p.json.grades.find((g) => g.code === 'B');
  const g = await admin.patch(`/api/v1/grades/${grade.id}`, { name: '二级果', sort: 7 });
  assert.equal(g.status, 200, g.text);
  const again = (await admin.get(`/api/v1/products/${p.json.id}`)).json.grades.find((x) => x.id === grade.id);
  assert.equal(again.name, '二级果');
  assert.equal(again.sort, 7);
  assert.equal((await admin.patch(`/api/v1/grades/${grade.id}`, { product_id: 1 })).status, 422);
  const sku = await admin.post('/api/v1/skus', { code: 'T-UPD-5KG', name: '测试 5kg', product_id: p.json.id, net_g: 5000, gross_g: 5400 });
  assert.equal(sku.status, 201, sku.text);
  const foreign = await admin.patch(`/api/v1/skus/${sku.json.id}`, { grade_id: other.grades[0].id });
  assert.equal(foreign.status, 422, foreign.text);
  assert.deepEqual(fieldsOf(foreign), ['grade_id']);
  const light = await admin.patch(`/api/v1/skus/${sku.json.id}`, { gross_g: 4000 });
  assert.equal(light.status, 422, light.text);
  const s = await admin.patch(`/api/v1/skus/${sku.json.id}`, { grade_id: grade.id, net_g: 4500, gross_g: 4900, unit_name: '盒' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.net_g, 4500);
  assert.equal(s.json.grade_id, grade.id);
  // the demo's SKU 1 was packed and sold: its grams per unit are history
  const used = await admin.patch('/api/v1/skus/1', { net_g: 1234 });
  assert.equal(used.status, 409, used.text);
  assert.equal((await admin.get('/api/v1/skus/1')).json.net_g !== 1234, true);
  assert.equal((await admin.patch('/api/v1/skus/1', { name: '盐源苹果 礼盒' })).status, 200);
  // no update route for prices: a new price is set from a date
  const prices = (await admin.get('/api/v1/sku-prices?limit=1')).json.items;
  assert.ok([404, 405].includes((await admin.patch(`/api/v1/sku-prices/${prices[0].id}`, { price_fen: 1 })).status));
});
