// Paging on every list: ?limit= must be a whole number 1..1000 and ?offset=
// 0..1000000000; anything else (text, negative, zero, absurd, empty, a sign
// with no digits, spaces) is refused with 400 bad_query naming the field,
// before any handler runs, on every GET route of the routes table. Good
// values page exactly: consecutive pages do not overlap and add up to total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, ADMIN_PASSWORD, BIN } from './lib.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  for (let i = 0; i < 7; i++) await srv.makeUser(admin, { username: `pager${i}`, role: 'office' });
});
after(async () => { await srv.stop(); });

const BAD_LIMITS = ['abc', '-1', '0', '1001', '5000', '99999999999999999999', '', '+', '1.5', '1e3', '0x10', ' 5', '5 ', '10abc'];
const BAD_OFFSETS = ['abc', '-1', '1000000001', '99999999999999999999', '', '1.0', '3x'];

function refusedNaming(r, field, what) {
  assert.equal(r.status, 400, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
  assert.equal(r.json.error.code, 'bad_query', what);
  assert.equal(r.json.error.field, field, what);
  assert.ok(r.json.error.message && r.json.error.message_en.includes(field), what);
}

test('bad limit and offset values are refused with 400 naming the field', async () => {
  for (const v of BAD_LIMITS) refusedNaming(await admin.get(`/api/v1/users?limit=${encodeURIComponent(v)}`), 'limit', `limit=${JSON.stringify(v)}`);
  for (const v of BAD_OFFSETS) refusedNaming(await admin.get(`/api/v1/users?offset=${encodeURIComponent(v)}`), 'offset', `offset=${JSON.stringify(v)}`);
  // a good limit does not hide a bad offset
  refusedNaming(await admin.get('/api/v1/users?limit=5&offset=-3'), 'offset', 'limit=5&offset=-3');
});

test('every GET route of the routes table refuses limit=abc the same way', async () => {
  const routes = JSON.parse(spawnSync(BIN, ['routes', '--json'], { encoding: 'utf8' }).stdout).filter((r) => r.method === 'GET' && r.path.startsWith('/api/'));
  assert.ok(routes.length > 20, `only ${routes.length} GET routes`);
  const problems = [];
  for (const r of routes) {
    const p = r.path.replace(/\{[^}]+\}/g, '1');
    const res = await admin.get(`${p}?limit=abc`);
    if (res.status !== 400 || res.json?.error?.field !== 'limit') problems.push(`GET ${p}?limit=abc: ${res.status} ${res.text.slice(0, 120)}`);
  }
  assert.deepEqual(problems, []);
});

test('good values page exactly: pages do not overlap and add up to the total', async () => {
  const all = await admin.get('/api/v1/users?limit=1000');
  assert.equal(all.status, 200);
  const total = all.json.total;
  assert.ok(total >= 8, `total ${total}`);
  const seen = [];
  for (let off = 0; off < total; off += 3) {
    const r = await admin.get(`/api/v1/users?limit=3&offset=${off}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, total);
    assert.ok(r.json.items.length <= 3);
    seen.push(...r.json.items.map((u) => u.id));
  }
  assert.deepEqual(seen, all.json.items.map((u) => u.id));
  assert.equal((await admin.get('/api/v1/users?limit=1000&offset=1000000000')).json.items.length, 0, 'the largest offset is accepted');
  assert.equal((await admin.get('/api/v1/users?limit=1')).json.items.length, 1, 'the smallest limit is accepted');
  assert.equal((await admin.get('/api/v1/users')).json.items.length, Math.min(total, 100), 'default limit 100');
});

test('a refused paging value is checked after login and role (no information before 401/403)', async () => {
  assert.equal((await srv.anon.get('/api/v1/users?limit=abc')).status, 401);
  const office = await srv.login('pager0', 'user-pass-123');
  assert.equal((await office.get('/api/v1/users?limit=abc')).status, 403);
});
