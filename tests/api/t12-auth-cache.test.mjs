// A server keeps the users of API tokens in memory (src/http/auth_cache.c)
// under the database's authentication version (migration 0914/0915). This
// proves the kept user is never served once it is out of date: two servers on
// one database, the token warmed on server B (so B holds it), then a change
// made elsewhere — on server A's API, by plain SQL, by `shanhai user` — and
// the very next request on B must see it. On SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, execSql, querySql, runCli, Client } from './lib.mjs';
import { loadWorld } from '../data/orders/fixture.mjs';

let a, b, adminA, adminB;
let seq = 0;

before(async () => {
  a = await startServer();
  loadWorld(a);
  b = await startServer({ db: a.db });
  adminA = await a.login('admin', ADMIN_PASSWORD);
  adminB = await b.login('admin', ADMIN_PASSWORD);
});
after(async () => {
  await b.stop();
  await a.stop();
});

// A machine user scoped to channel 1 with a token; its client on server B,
// already used a few times (kept in B's cache).
async function warmFeed() {
  seq += 1;
  const u = await a.makeUser(adminA, { username: `cache-feed-${seq}`, role: 'machine', scopes: { channels: [1] } });
  const t = await adminA.post('/api/v1/tokens', { user_id: u.id, name: `cache ${seq}` });
  assert.equal(t.status, 201, t.text);
  const onB = new Client(b.url, null, null, t.json.token);
  for (let i = 0; i < 3; i++) {
    const me = await onB.get('/api/v1/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json.user.scopes.channels, [1]);
  }
  return { id: u.id, tokenId: t.json.id, username: `cache-feed-${seq}`, onB, token: t.json.token };
}

test('a token revoked on server A is refused by server B on its next request', async () => {
  const f = await warmFeed();
  assert.equal((await adminA.post(`/api/v1/tokens/${f.tokenId}/revoke`, {})).status, 200);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 401);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 401);
});

test('a token revoked on server B itself is refused on its next request', async () => {
  const f = await warmFeed();
  assert.equal((await adminB.post(`/api/v1/tokens/${f.tokenId}/revoke`, {})).status, 200);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 401);
});

test('a user deactivated on server A loses its token on server B at once', async () => {
  const f = await warmFeed();
  assert.equal((await adminA.post(`/api/v1/users/${f.id}/deactivate`, {})).status, 200);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 401);
});

test('a user deactivated by `shanhai user deactivate` (tokens left active) is refused at once', async () => {
  const f = await warmFeed();
  runCli(a.db, ['user', 'deactivate', f.username]);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 401);
  const [tok] = querySql(a, `SELECT active FROM api_tokens WHERE id = ${f.tokenId}`);
  assert.equal(Number(tok.active), 1); // only the user's flag stopped it
  // and brought back by SQL, the same token works again on the next request
  execSql(a, `UPDATE users SET active = 1 WHERE id = ${f.id};`);
  assert.equal((await f.onB.get('/api/v1/auth/me')).status, 200);
});

test('scopes replaced on server A apply on server B at once, both ways', async () => {
  const f = await warmFeed();
  const put = await adminA.put(`/api/v1/users/${f.id}/scopes`, { channels: [2] });
  assert.equal(put.status, 200, put.text);
  let me = await f.onB.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.user.scopes.channels, [2]);
  assert.equal((await adminA.put(`/api/v1/users/${f.id}/scopes`, { channels: [1, 2] })).status, 200);
  me = await f.onB.get('/api/v1/auth/me');
  assert.deepEqual(me.json.user.scopes.channels, [1, 2]);
  assert.equal((await adminA.put(`/api/v1/users/${f.id}/scopes`, {})).status, 200);
  me = await f.onB.get('/api/v1/auth/me');
  assert.deepEqual(me.json.user.scopes.channels, []);
});

test('a role changed by plain SQL is applied on the next request', async () => {
  const f = await warmFeed();
  execSql(a, `UPDATE users SET role = 'office' WHERE id = ${f.id};`);
  const me = await f.onB.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.role, 'office');
});

test('a scope row deleted by plain SQL is applied on the next request', async () => {
  const f = await warmFeed();
  execSql(a, `DELETE FROM user_scopes WHERE user_id = ${f.id};`);
  const me = await f.onB.get('/api/v1/auth/me');
  assert.deepEqual(me.json.user.scopes.channels, []);
});

test('many tokens at once: each answers as its own user, unknown tokens are refused', async () => {
  const feeds = [];
  for (let i = 0; i < 6; i++) feeds.push(await warmFeed());
  const res = await Promise.all(feeds.flatMap((f) => [f.onB.get('/api/v1/auth/me'), f.onB.get('/api/v1/auth/me')]));
  res.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(r.json.user.id, feeds[i >> 1].id);
  });
  const wrong = new Client(b.url, null, null, feeds[0].token.slice(0, -1) + (feeds[0].token.endsWith('x') ? 'y' : 'x'));
  assert.equal((await wrong.get('/api/v1/auth/me')).status, 401);
});
