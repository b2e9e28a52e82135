// Several `shanhai serve` processes on one database behave as one system:
// sessions and idempotency keys live in the database, not in a process, and
// two servers racing for the last units of a lot never promise a unit twice.
// On PostgreSQL (the store for more than one machine) and on SQLite (two
// processes on one file, serialised by its write lock) alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, ADMIN_PASSWORD, execSql, querySql, Client } from './lib.mjs';
import { DIR, order, channelUsers } from '../data/orders/fixture.mjs';

let a, b, feedA, feedB;

before(async () => {
  a = await startServer();
  const world = fs.readFileSync(path.join(DIR, 'world.sql'), 'utf8').split('\n')
    .filter((l) => !l.startsWith('.')).join('\n');
  execSql(a, world);
  b = await startServer({ db: a.db });
  const admin = await a.login('admin', ADMIN_PASSWORD);
  const users = await channelUsers(a, admin, 'race', 1);
  feedA = users.feed;
  feedB = new Client(b.url, null, null, feedA.bearer);
});
after(async () => {
  await b.stop();
  await a.stop();
});

function freeGrams(sku) {
  const [r] = querySql(a, `SELECT COALESCE(SUM(s.qty_g - s.reserved_g), 0) AS g FROM stock s
    JOIN lots l ON l.id = s.lot_id JOIN skus k ON k.id = l.sku_id WHERE k.code = '${sku}'`);
  return Number(r.g);
}

test('a session opened on one server works on the other, and logout ends it on both', async () => {
  const onA = await a.login('admin', ADMIN_PASSWORD);
  const onB = new Client(b.url, onA.cookie, onA.csrf);
  assert.equal((await onB.get('/api/v1/auth/me')).status, 200);
  const u = await onB.post('/api/v1/users', { username: 'made-on-b', role: 'office', password: 'two-servers-1', display_name: 'B' });
  assert.equal(u.status, 201, u.text);
  assert.equal((await onA.post('/api/v1/auth/logout', {})).status, 200);
  assert.equal((await onB.get('/api/v1/auth/me')).status, 401);
});

test('an idempotency key applied on one server is replayed by the other', async () => {
  const body = order({ no: 'TWO-IDEM-1', sku: 'YY-APL-80-2' });
  const first = await feedA.post('/api/v1/orders', body, { headers: { 'Idempotency-Key': 'two-servers-key' } });
  assert.equal(first.status, 201, first.text);
  const again = await feedB.post('/api/v1/orders', body, { headers: { 'Idempotency-Key': 'two-servers-key' } });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replay'), 'true');
  assert.equal(again.json.order.id, first.json.order.id);
  const [n] = querySql(a, "SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'TWO-IDEM-1'");
  assert.equal(Number(n.n), 1);
});

test('two servers race for the last unit at the sales warehouse: exactly one wins', async () => {
  const before = freeGrams('YY-APL-LAST');
  const reqs = [];
  for (let i = 0; i < 24; i++) {
    const client = i % 2 ? feedA : feedB;
    reqs.push(client.post('/api/v1/orders', order({ no: `RACE-${i}`, sku: 'YY-APL-LAST' })));
  }
  const res = await Promise.all(reqs);
  for (const r of res) assert.equal(r.status, 201, r.text);
  const routes = res.map((r) => r.json.order.lines[0].route ?? 'backorder');
  const count = (k) => routes.filter((x) => x === k).length;
  assert.equal(count('sales_warehouse'), 1, routes.join());
  assert.equal(count('origin_parcel'), 5, routes.join());
  assert.equal(count('backorder'), 18, routes.join());
  assert.equal(before - freeGrams('YY-APL-LAST'), 6 * 5000);
  const [bad] = querySql(a, 'SELECT COUNT(*) AS n FROM stock WHERE qty_g < 0 OR reserved_g < 0 OR reserved_g > qty_g');
  assert.equal(Number(bad.n), 0);
});
