// Authentication, sessions, CSRF, throttling, idempotency and the generic
// request handling every endpoint shares (bad JSON, unknown fields, body size,
// unknown routes, security headers), plus what must never reach the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, Client, execSql, querySql } from './lib.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
});
after(async () => { await srv.stop(); });

test('health endpoints answer without login', async () => {
  const r = await srv.anon.get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.store, srv.kind);
  assert.ok(r.json.migrations >= 8);
});

test('login sets an HttpOnly SameSite cookie and returns a CSRF token', async () => {
  const r = await srv.anon.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^shanhai_session=[A-Za-z0-9_-]{40,};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.equal(typeof r.json.csrf_token, 'string');
  assert.equal(r.json.user.role, 'admin');
  assert.equal(r.json.user.password_hash, undefined);
});

test('each login rotates the session; logout ends it', async () => {
  const a = await srv.login('admin', ADMIN_PASSWORD);
  const b = await srv.login('admin', ADMIN_PASSWORD);
  assert.notEqual(a.cookie, b.cookie);
  assert.equal((await a.get('/api/v1/auth/me')).status, 200);
  assert.equal((await a.post('/api/v1/auth/logout')).status, 200);
  assert.equal((await a.get('/api/v1/auth/me')).status, 401);
  assert.equal((await b.get('/api/v1/auth/me')).status, 200);
});

test('wrong password is 401 and repeated failures are throttled', async () => {
  await srv.makeUser(admin, { username: 'victim', role: 'office' });
  for (let i = 0; i < 5; i++) {
    const r = await srv.anon.post('/api/v1/auth/login', { username: 'victim', password: `guess-${i}-xxxx` });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'bad_login');
  }
  const r = await srv.anon.post('/api/v1/auth/login', { username: 'victim', password: 'user-pass-123' });
  assert.equal(r.status, 429, 'even the right password waits once throttled');
  // an unknown user gets the same answer as a wrong password
  const u = await srv.anon.post('/api/v1/auth/login', { username: 'nobody', password: 'whatever-123' });
  assert.equal(u.status, 401);
  assert.equal(u.json.error.message_en, 'wrong username or password');
});

test('a login prunes attempts older than the throttle window and keeps recent ones', async () => {
  const windowMs = 15 * 60 * 1000;
  const now = Date.now();
  execSql(srv, `INSERT INTO login_attempts (username, at, ok, addr) VALUES
    ('old-guess', ${now - windowMs - 60000}, 0, '203.0.113.9'),
    ('old-guess', ${now - 3 * windowMs}, 1, ''),
    ('recent-guess', ${now - windowMs + 120000}, 0, '203.0.113.9');`);
  const count = (name) => Number(querySql(srv, `SELECT COUNT(*) AS n FROM login_attempts WHERE username = '${name}'`)[0].n);
  assert.equal(count('old-guess'), 2);
  const r = await srv.anon.post('/api/v1/auth/login', { username: 'nobody-prune', password: 'whatever-123' });
  assert.equal(r.status, 401);
  assert.equal(count('old-guess'), 0, 'attempts older than 15 minutes are deleted');
  assert.equal(count('recent-guess'), 1, 'attempts inside the window are kept for the throttle');
  assert.equal(count('nobody-prune'), 1, 'the new attempt is recorded');
});

test('writes with a session need the CSRF token', async () => {
  const noCsrf = new Client(admin.base, admin.cookie, null);
  const r = await noCsrf.post('/api/v1/users', { username: 'x1', display_name: 'x', password: 'abcdefgh1', role: 'office' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'csrf');
  const wrong = new Client(admin.base, admin.cookie, 'not-the-token');
  assert.equal((await wrong.post('/api/v1/users', { username: 'x1', display_name: 'x', password: 'abcdefgh1', role: 'office' })).status, 403);
  const users = await admin.get('/api/v1/users');
  assert.ok(!users.json.items.some((u) => u.username === 'x1'), 'a refused request changed nothing');
});

test('anonymous and wrong-role callers are refused', async () => {
  assert.equal((await srv.anon.get('/api/v1/users')).status, 401);
  const office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  const r = await office.get('/api/v1/users');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  assert.equal((await office.get('/api/v1/audit')).status, 403);
});

test('validation lists every bad field and changes nothing', async () => {
  const r = await admin.post('/api/v1/users', { username: 'Bad Name', bogus: 1, role: 'king', password: 5 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'invalid');
  const fields = r.json.error.errors.map((e) => e.field).sort();
  for (const f of ['bogus', 'display_name', 'password', 'role']) assert.ok(fields.includes(f), `error for ${f}: ${fields}`);
  assert.ok(r.json.error.errors.every((e) => e.message && e.message_en));
});

test('malformed JSON, wrong types, duplicate keys and huge bodies are refused', async () => {
  let r = await admin.raw('POST', '/api/v1/users', { body: '{"username": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_json');
  r = await admin.raw('POST', '/api/v1/users', { body: '{"username":"a","username":"b"}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/users', ['not', 'an', 'object']);
  assert.equal(r.status, 422);
  r = await admin.post('/api/v1/users', { username: 'u\u0000x', display_name: 'x', password: 'abcdefgh1', role: 'office' });
  assert.equal(r.status, 400, 'NUL bytes are refused by the JSON parser');
  assert.equal(r.json.error.code, 'bad_json');
  r = await admin.raw('POST', '/api/v1/users', { body: '{"username":"\xff\xfe","display_name":"x","password":"abcdefgh1","role":"office"}', headers: { 'Content-Type': 'application/json' } });
  assert.ok(r.status === 400 || r.status === 422, `invalid UTF-8 refused (${r.status})`);
  r = await admin.raw('POST', '/api/v1/users', { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
});

test('hostile strings are stored and returned as the exact text', async () => {
  const nasty = `<script>alert(1)</script>'; DROP TABLE users; -- 山海`;
  const r = await admin.post('/api/v1/users', { username: 'hostile', display_name: nasty, password: 'abcdefgh1', role: 'office' });
  assert.equal(r.status, 201);
  const list = await admin.get('/api/v1/users?limit=1000');
  assert.equal(list.json.items.find((u) => u.username === 'hostile').display_name, nasty);
  assert.ok(list.json.items.length >= 2, 'the users table is still there');
});

test('unknown routes are 404 and wrong methods 405', async () => {
  assert.equal((await admin.get('/api/v1/no-such-thing')).status, 404);
  const r = await admin.raw('DELETE', '/api/v1/users');
  assert.equal(r.status, 405);
});

test('idempotent retries are applied once; a different body under the same key is refused', async () => {
  const body = { username: 'idem1', display_name: 'i', password: 'abcdefgh1', role: 'office' };
  const h = { headers: { 'Idempotency-Key': 'key-123' } };
  const first = await admin.post('/api/v1/users', body, h);
  assert.equal(first.status, 201);
  const again = await admin.post('/api/v1/users', body, h);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replay'), 'true');
  assert.deepEqual(again.json, first.json);
  const other = await admin.post('/api/v1/users', { ...body, username: 'idem2' }, h);
  assert.equal(other.status, 422);
  assert.equal(other.json.error.code, 'idempotency_mismatch');
  // concurrent retries with one key: still one user
  const h2 = { headers: { 'Idempotency-Key': 'key-456' } };
  const b2 = { ...body, username: 'idem3' };
  const rs = await Promise.all(Array.from({ length: 8 }, () => admin.post('/api/v1/users', b2, h2)));
  assert.ok(rs.every((r) => r.status === 201), rs.map((r) => r.status).join());
  const users = await admin.get('/api/v1/users?limit=1000');
  assert.equal(users.json.items.filter((u) => u.username === 'idem3').length, 1);
});

test('security headers on API and console responses', async () => {
  for (const p of ['/api/v1/health', '/']) {
    const r = await srv.anon.get(p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  }
});

test('API tokens act as their user; revoked and deactivated ones stop working', async () => {
  const m = await srv.makeUser(admin, { username: 'shop-bot', role: 'machine' });
  const t = await admin.post('/api/v1/tokens', { user_id: m.id, name: 'live-stream order feed' });
  assert.equal(t.status, 201);
  const bot = srv.tokenClient(t.json.token);
  const me = await bot.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.role, 'machine');
  const list = await admin.get('/api/v1/tokens');
  assert.ok(!JSON.stringify(list.json).includes(t.json.token), 'tokens are never listed');
  assert.equal((await admin.post(`/api/v1/tokens/${t.json.id}/revoke`)).status, 200);
  assert.equal((await bot.get('/api/v1/auth/me')).status, 401);
  // a machine user cannot log in with a password
  assert.equal((await srv.anon.post('/api/v1/auth/login', { username: 'shop-bot', password: 'user-pass-123' })).status, 401);
});

test('deactivating a user ends its sessions; password reset too', async () => {
  const u = await srv.makeUser(admin, { username: 'leaver', role: 'office' });
  assert.equal((await u.get('/api/v1/auth/me')).status, 200);
  assert.equal((await admin.post(`/api/v1/users/${u.userId}/deactivate`)).status, 200);
  assert.equal((await u.get('/api/v1/auth/me')).status, 401);
  const v = await srv.makeUser(admin, { username: 'forgetful', role: 'office' });
  assert.equal((await admin.post(`/api/v1/users/${v.userId}/password`, { password: 'short' })).status, 422);
  assert.equal((await admin.post(`/api/v1/users/${v.userId}/password`, { password: 'new-pass-456' })).status, 200);
  assert.equal((await v.get('/api/v1/auth/me')).status, 401);
  await srv.login('forgetful', 'new-pass-456');
  assert.equal((await admin.post(`/api/v1/users/${admin.userId ?? 1}/deactivate`)).status, 409, 'cannot lock yourself out');
});

test('every write is in the audit log, newest first', async () => {
  const r = await admin.get('/api/v1/audit?action=user.');
  assert.equal(r.status, 200);
  const actions = r.json.items.map((e) => e.action);
  assert.ok(actions.includes('user.create'));
  assert.ok(actions.includes('user.deactivate'));
  assert.ok(r.json.items[0].id > r.json.items[r.json.items.length - 1].id);
  assert.match(r.json.items[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('no passwords, tokens or cookies in the server log', async () => {
  const log = srv.log();
  for (const secret of [ADMIN_PASSWORD, 'user-pass-123', 'abcdefgh1', admin.cookie.split('=')[1], admin.csrf]) {
    assert.ok(!log.includes(secret), `log contains a secret: ${secret.slice(0, 6)}…`);
  }
  assert.ok(log.includes('POST /api/v1/auth/login'), 'requests are logged');
});
