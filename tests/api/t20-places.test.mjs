// Places and parties over HTTP on the demo season: divisions searched by code
// prefix and name, admin creates pairings, warehouses (service areas),
// points, channels, cooperatives, enterprises and households with field
// errors for unknown or wrong-level division codes and 409 for a duplicate
// code; everyone else only reads, collectors only their own households, and
// personal data is masked by role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, yanyuan, office, channel;

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  yanyuan = await srv.login('collector_yanyuan', 'shanhai2026');
  office = await srv.login('office', 'shanhai2026');
  channel = await srv.login('channel_mgr', 'shanhai2026');
});
after(async () => { await srv.stop(); });

test('divisions: children, level, code prefix and name search; bad filters 422', async () => {
  const kids = await office.get('/api/v1/divisions?parent=5134&limit=1000');
  assert.equal(kids.status, 200);
  assert.ok(kids.json.items.length >= 17 && kids.json.items.every((d) => d.parent_code === '5134'));
  const prefix = await channel.get('/api/v1/divisions?q=513423&level=4&limit=1000');
  assert.ok(prefix.json.items.length > 0 && prefix.json.items.every((d) => d.code.startsWith('513423') && d.level === 4));
  const byName = await yanyuan.get(`/api/v1/divisions?q=${encodeURIComponent('盐源')}`);
  assert.ok(byName.json.items.some((d) => d.code === '513423'));
  for (const bad of ['level=9', 'parent=abc', 'q=%25', 'parent=x']) {
    assert.equal((await office.get(`/api/v1/divisions?${bad}`)).status, 422, bad);
  }
  assert.equal((await office.get('/api/v1/divisions?limit=abc&parent=x')).status, 400, 'a bad limit is refused first');
  assert.equal((await srv.anon.get('/api/v1/divisions')).status, 401);
});

test('admin creates places; unknown and wrong-level codes name the field; duplicates 409', async () => {
  const p = await admin.post('/api/v1/pairings', { code: 'T-PAIR', name: '测试结对', kind: 'east_west', east_code: '330212', west_code: '513423' });
  assert.equal(p.status, 201, p.text);
  assert.equal((await admin.post('/api/v1/pairings', { code: 'T-PAIR', name: 'x', kind: 'east_west', east_code: '330212', west_code: '513423' })).status, 409);
  const unknown = await admin.post('/api/v1/pairings', { code: 'T-P2', name: 'x', kind: 'east_west', east_code: '339999', west_code: '513423' });
  assert.equal(unknown.status, 422, unknown.text);
  assert.ok(unknown.json.error.errors.some((e) => e.field === 'east_code'));
  const w = await admin.post('/api/v1/warehouses', { code: 'T-SALES', name: '测试销地仓', kind: 'sales', division_code: '330212', areas: ['3302'] });
  assert.equal(w.status, 201, w.text);
  assert.deepEqual(w.json.areas, ['3302']);
  const areas = await admin.put(`/api/v1/warehouses/${w.json.id}/service-areas`, { areas: ['3302', '31'] });
  assert.equal(areas.status, 200, areas.text + JSON.stringify(w.json));
  assert.deepEqual(areas.json.areas.sort(), ['31', '3302']);
  assert.equal((await admin.put(`/api/v1/warehouses/${w.json.id}/service-areas`, { areas: ['33x'] })).status, 422);
  assert.equal((await admin.put('/api/v1/warehouses/999999/service-areas', { areas: [] })).status, 404);
  const pt = await admin.post('/api/v1/points', { code: 'T-PT', name: '测试收购点', village_code: '513423101202', warehouse_id: 1 });
  assert.equal(pt.status, 201, pt.text);
  const wrongLevel = await admin.post('/api/v1/points', { code: 'T-PT2', name: 'x', village_code: '513423' });
  assert.equal(wrongLevel.status, 422, wrongLevel.text);
  assert.ok(wrongLevel.json.error.errors.some((e) => e.field === 'village_code'));
  assert.equal((await admin.post('/api/v1/points', { code: 'T-PT3', name: 'x', village_code: '513423101202', opens: '25:00' })).status, 422);
  const ch = await admin.post('/api/v1/channels', { code: 'T-CH', name: '测试直播间', kind: 'livestream' });
  assert.equal(ch.status, 201, ch.text);
  assert.equal((await admin.post('/api/v1/channels', { code: 'T-CH2', name: 'x', kind: 'tv' })).status, 422);
  const co = await admin.post('/api/v1/cooperatives', { code: 'T-COOP', name: '测试合作社', division_code: '513423101' });
  assert.equal(co.status, 201, co.text);
  const en = await admin.post('/api/v1/enterprises', { code: 'T-ENT', name: '测试企业', division_code: '330212' });
  assert.equal(en.status, 201, en.text);
  const hh = await admin.post('/api/v1/households', { head_name: '测试户', village_code: '513423101202', phone: '13812345678', id_number: '513423199001011234', lifted_from_poverty: true, members: 4, cooperative_id: co.json.id });
  assert.equal(hh.status, 201, hh.text);
  assert.equal(hh.json.lifted_from_poverty, true);
  assert.equal((await admin.post('/api/v1/households', { head_name: 'x', village_code: '513423101202', members: 0 })).status, 422);
  assert.equal((await admin.post('/api/v1/households', { head_name: 'x', village_code: '999999999999' })).status, 422);
  assert.equal((await admin.post('/api/v1/households', { head_name: 'x', village_code: '513423101202', extra: 1 })).status, 422);
  const audit = await admin.get('/api/v1/audit?limit=20');
  for (const a of ['pairing.create', 'warehouse.create', 'warehouse.areas', 'point.create', 'channel.create', 'cooperative.create', 'enterprise.create', 'household.create'])
    assert.ok(audit.json.items.some((x) => x.action === a), a);
  assert.ok(!audit.text.includes('13812345678') && !audit.text.includes('513423199001011234'), 'no personal data in the audit log');
});

test('only admin writes places', async () => {
  for (const c of [yanyuan, office, channel]) {
    assert.equal((await c.post('/api/v1/cooperatives', { code: 'T-NO', name: 'x', division_code: '513423101' })).status, 403);
    assert.equal((await c.post('/api/v1/households', { head_name: 'x', village_code: '513423101202' })).status, 403);
    assert.equal((await c.put('/api/v1/warehouses/2/service-areas', { areas: [] })).status, 403);
  }
});

test('everyone on staff reads places; collectors see their points only', async () => {
  for (const p of ['/api/v1/pairings', '/api/v1/warehouses', '/api/v1/channels', '/api/v1/cooperatives', '/api/v1/enterprises', '/api/v1/points']) {
    const r = await channel.get(p);
    assert.equal(r.status, 200, p);
    assert.ok(r.json.total >= 1, p);
  }
  const pts = await yanyuan.get('/api/v1/points');
  assert.deepEqual(pts.json.items.map((p) => p.id).sort(), [1, 2, 3]);
  assert.equal((await yanyuan.get('/api/v1/points/4')).status, 403);
  assert.equal((await yanyuan.get('/api/v1/points/1')).status, 200);
  assert.equal((await office.get('/api/v1/pairings/999999')).status, 404);
  assert.equal((await office.get('/api/v1/warehouses/1')).json.kind, 'origin');
  assert.equal((await office.get('/api/v1/warehouses?kind=sales')).json.items.every((w) => w.kind === 'sales'), true);
  assert.equal((await office.get('/api/v1/warehouses?kind=moon')).status, 422);
});

test('households: collectors see their villages only; personal data masked by role', async () => {
  const mine = await yanyuan.get('/api/v1/households?limit=1000');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length > 0 && mine.json.items.every((h) => h.village_code.startsWith('513423')));
  const one = mine.json.items.find((h) => h.id_number);
  assert.match(one.id_number, /\*/);
  assert.doesNotMatch(one.phone, /\*/, 'a collector sees its households\' phones');
  const plain = await admin.get(`/api/v1/households/${one.id}`);
  assert.doesNotMatch(plain.json.id_number, /\*/);
  const masked = await office.get(`/api/v1/households/${one.id}`);
  assert.match(masked.json.phone, /\*/);
  assert.match(masked.json.id_number, /\*/);
  const all = await office.get('/api/v1/households?limit=1000');
  const far = all.json.items.find((h) => !h.village_code.startsWith('513423'));
  assert.equal((await yanyuan.get(`/api/v1/households/${far.id}`)).status, 403);
  assert.equal((await yanyuan.get(`/api/v1/households/${far.id}/ledger`)).status, 403);
  assert.equal((await channel.get('/api/v1/households')).status, 403);
  assert.equal((await office.get('/api/v1/households/9999999')).status, 404);
  const led = await yanyuan.get(`/api/v1/households/${one.id}/ledger?limit=1000`);
  assert.equal(led.status, 200);
  assert.equal(led.json.balance_fen, led.json.items.reduce((s, l) => s + l.amount_fen, 0));
  assert.equal((await yanyuan.get('/api/v1/households?point_id=4')).status, 403);
});
