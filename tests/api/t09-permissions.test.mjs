// The permission matrix, generated from the routes table the server enforces
// (`shanhai routes --json`): every route is called anonymously and as every
// role. A role the route does not name must be refused (401 without a login,
// 403 "your role may not do this" with one); a role it names must get past the
// role check (any other answer: 404 for the made-up ids, 422 for the empty
// body, 200 for lists...). The hand-written matrix of what users may see of
// each other's objects, written from their point of view, is in
// t10-scope-matrix.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, ADMIN_PASSWORD, BIN, Client, execSql } from './lib.mjs';

const ROLES = ['admin', 'collector', 'warehouse', 'channel', 'office', 'machine'];
const ROLE_REFUSAL = 'your role may not do this';
// Routes whose call would end the caller's session or need none.
const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/login']);

let srv;
const clients = {};
const routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { encoding: 'utf8' }));

before(async () => {
  srv = await startServer();
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  clients.admin = admin;
  for (const role of ['collector', 'warehouse', 'channel', 'office'])
    clients[role] = await srv.makeUser(admin, { username: `perm-${role}`, role });
  const m = await srv.makeUser(admin, { username: 'perm-machine', role: 'machine' });
  const t = await admin.post('/api/v1/tokens', { user_id: m.id, name: 'permission test feed' });
  assert.equal(t.status, 201, t.text);
  clients.machine = srv.tokenClient(t.json.token);
  clients.anonymous = srv.anon;
});
after(async () => { await srv.stop(); });

function concrete(path) {
  return path.replace(/\{[^}]+\}/g, '999999999');
}

async function call(client, route) {
  const path = concrete(route.path);
  if (route.method === 'GET') return client.get(path);
  return client.raw(route.method, path, { json: {} });
}

test('the routes table is not empty and names known roles only', () => {
  assert.ok(routes.length >= 20, `only ${routes.length} routes`);
  for (const r of routes) {
    for (const role of r.roles) assert.ok(ROLES.includes(role), `${r.method} ${r.path}: unknown role ${role}`);
    assert.equal(r.public, r.roles.length === 0, `${r.method} ${r.path}: public flag disagrees with roles`);
  }
});

test('every route refuses every role it does not name, and lets through the ones it names', async () => {
  const wrong = [];
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (SKIP.has(key)) continue;
    for (const who of [...ROLES, 'anonymous']) {
      const r = await call(clients[who], route);
      // test builds: an armed store fault must not leak into the next calls
      if (route.path === '/api/v1/testing/fault' && r.status === 200)
        await clients.admin.post('/api/v1/testing/fault/clear', {});
      const refusedByRole = r.status === 401 || (r.status === 403 && r.json?.error?.message_en === ROLE_REFUSAL);
      const named = route.public || route.roles.includes(who);
      if (named && refusedByRole) wrong.push(`${key} as ${who}: refused (${r.status}) but the table names it`);
      if (!named && !refusedByRole) wrong.push(`${key} as ${who}: got ${r.status}, expected a refusal`);
      if (!named && who === 'anonymous' && r.status !== 401) wrong.push(`${key} anonymously: ${r.status}, expected 401`);
      if (r.status >= 500) wrong.push(`${key} as ${who}: server error ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('an unknown route is 404 and a known path with another method 405, for everyone', async () => {
  for (const who of [...ROLES, 'anonymous']) {
    assert.equal((await clients[who].get('/api/v1/no-such-thing')).status, 404);
    assert.equal((await clients[who].raw('DELETE', '/api/v1/users')).status, 405);
  }
});

test('every write route refuses a session without its CSRF token', async () => {
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  const noToken = new Client(admin.base, admin.cookie, null);
  const wrongToken = new Client(admin.base, admin.cookie, 'not-the-token');
  const missing = [];
  for (const route of routes) {
    if (route.method === 'GET' || route.public) continue;
    for (const c of [noToken, wrongToken]) {
      const r = await call(c, route);
      if (r.status !== 403 || r.json?.error?.code !== 'csrf') missing.push(`${route.method} ${route.path}: ${r.status}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.equal((await admin.get('/api/v1/auth/me')).status, 200, 'the refusals did not end the session');
});

test('an expired session is refused, and a new login works', async () => {
  const u = await srv.login('admin', ADMIN_PASSWORD);
  assert.equal((await u.get('/api/v1/auth/me')).status, 200);
  execSql(srv, 'UPDATE sessions SET expires_at = 1;');
  assert.equal((await u.get('/api/v1/auth/me')).status, 401);
  assert.equal((await u.post('/api/v1/users', { username: 'after-expiry', role: 'office', password: 'expired-pass-1', display_name: 'x' })).status, 401);
  const again = await srv.login('admin', ADMIN_PASSWORD);
  assert.equal((await again.get('/api/v1/auth/me')).status, 200);
});
