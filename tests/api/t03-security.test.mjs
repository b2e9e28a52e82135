// The security promises of issue 4, each checked on a demo server: the login
// throttle against password guessing (per account, and per client address
// over many accounts), session rotation (the session a client logs in from
// is ended), session expiry, the security headers on API answers (errors
// too), the console and the public and printable pages, and that the server's
// log never carries personal data (household heads' names, ID numbers,
// phones, bank accounts; customers' names, phones, addresses) nor passwords,
// API tokens, session ids or CSRF tokens, after a session that handled all
// of them — including refused requests that echo them back in their errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, Client, execSql, querySql } from './lib.mjs';

let srv, admin;
const secrets = []; // every value that must never be in the log
const keep = (...v) => { for (const x of v) if (x) secrets.push(String(x)); };

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  keep(ADMIN_PASSWORD, admin.cookie.split('=')[1], admin.csrf);
});
after(async () => { await srv.stop(); });

const login = (username, password, cookie) => new Client(srv.url, cookie || null).post('/api/v1/auth/login', { username, password });
const sessionOf = (r) => (r.headers.get('set-cookie') || '').split(';')[0];

test('session rotation: the session a client logs in from is ended, the new one works', async () => {
  const first = await login('admin', ADMIN_PASSWORD);
  assert.equal(first.status, 200);
  const old = sessionOf(first);
  keep(old.split('=')[1], first.json.csrf_token);
  assert.equal((await new Client(srv.url, old).get('/api/v1/auth/me')).status, 200);
  const again = await login('admin', ADMIN_PASSWORD, old);
  assert.equal(again.status, 200);
  const fresh = sessionOf(again);
  keep(fresh.split('=')[1], again.json.csrf_token);
  assert.notEqual(fresh, old);
  assert.notEqual(again.json.csrf_token, first.json.csrf_token);
  assert.equal((await new Client(srv.url, old).get('/api/v1/auth/me')).status, 401, 'the old session id is refused');
  assert.equal((await new Client(srv.url, fresh).get('/api/v1/auth/me')).status, 200);
  // a planted (unknown) session id does not survive the login either
  const planted = 'shanhai_session=planted-session-id-0123456789abcdefghijklmnopq';
  const p = await login('admin', ADMIN_PASSWORD, planted);
  assert.notEqual(sessionOf(p), planted);
  assert.equal((await new Client(srv.url, planted).get('/api/v1/auth/me')).status, 401);
});

test('sessions expire: the cookie lives 12 hours and an expired session is refused', async () => {
  const r = await login('admin', ADMIN_PASSWORD);
  assert.match(r.headers.get('set-cookie'), /Max-Age=43200/);
  const c = new Client(srv.url, sessionOf(r), r.json.csrf_token);
  keep(sessionOf(r).split('=')[1], r.json.csrf_token);
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  const [row] = querySql(srv, 'SELECT MAX(created_at) AS c, MAX(expires_at) AS e FROM sessions');
  assert.equal(row.e - row.c, 12 * 3600 * 1000);
  execSql(srv, `UPDATE sessions SET expires_at = ${Date.now() - 1000} WHERE created_at = ${row.c};`);
  assert.equal((await c.get('/api/v1/auth/me')).status, 401);
  assert.equal((await c.post('/api/v1/users', { username: 'late', role: 'office', password: 'late-pass-123', display_name: 'x' })).status, 401);
});

test('security headers on API answers (errors too), the console, public and printable pages', async () => {
  const [lot] = querySql(srv, 'SELECT code FROM lots ORDER BY id LIMIT 1');
  const pages = [
    [srv.anon, '/api/v1/health'], [srv.anon, '/api/v1/users'], [admin, '/api/v1/no-such-thing'],
    [admin, '/api/v1/users?limit=abc'], [srv.anon, '/'], [srv.anon, '/orders'],
    [srv.anon, `/t/${lot.code}`], [srv.anon, '/t/NO-SUCH-CODE'], [admin, '/print/picklist/2'],
    [admin, `/print/label/${lot.code}`],
  ];
  for (const [client, p] of pages) {
    const r = await client.get(p);
    const h = (k) => r.headers.get(k) || '';
    assert.equal(h('x-content-type-options'), 'nosniff', p);
    assert.equal(h('x-frame-options'), 'DENY', p);
    assert.equal(h('referrer-policy'), 'no-referrer', p);
    const csp = h('content-security-policy');
    for (const d of ["frame-ancestors 'none'", "default-src 'self'", "object-src 'none'", "script-src 'self'"])
      assert.ok(csp.includes(d), `${p}: CSP without ${d}: ${csp}`);
    if (p.startsWith('/api/')) assert.equal(h('cache-control'), 'no-store', p);
  }
  const refused = await admin.raw('POST', '/api/v1/users', { body: '{', headers: { 'Content-Type': 'application/json' } });
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get('x-frame-options'), 'DENY');
});

test('nothing personal or secret reaches the log, however it was sent', async () => {
  // households with a head's name, ID number, phone and bank account
  const [village] = querySql(srv, 'SELECT village_code FROM households ORDER BY id LIMIT 1');
  const people = [
    { head_name: '阿苦日体', id_number: '513423199001017777', phone: '13987654321', bank_account: '6217003810000000123' },
    { head_name: '吉克伍各', id_number: '51342319850505888X', phone: '15882223333', bank_account: '6228480000000000456' },
  ];
  for (const p of people) {
    const r = await admin.post('/api/v1/households', { ...p, village_code: village.village_code, members: 4 });
    assert.equal(r.status, 201, r.text);
    keep(p.head_name, p.id_number, p.phone, p.bank_account);
  }
  // the same data refused (unknown village): the error echoes nothing into the log
  const bad = await admin.post('/api/v1/households', { head_name: '沙马拉则', id_number: '513423200012129999', phone: '13500001111', village_code: '999999999999' });
  assert.equal(bad.status, 422);
  keep('沙马拉则', '513423200012129999', '13500001111');
  // a machine user, its token, and orders with customers' names, phones, addresses
  const m = await admin.post('/api/v1/users', { username: 'log-feed', display_name: 'feed', password: 'feed-pass-9876', role: 'machine', scopes: { channels: [1] } });
  assert.equal(m.status, 201, m.text);
  keep('feed-pass-9876');
  const t = await admin.post('/api/v1/tokens', { user_id: m.json.id, name: 'log test' });
  assert.equal(t.status, 201, t.text);
  keep(t.json.token);
  const feed = srv.tokenClient(t.json.token);
  const customers = [
    { name: '钱塘江', phone: '13612349876', address: '浙江省宁波市鄞州区天童南路 588 号 3 幢 1201 室', division_code: '330212' },
    { name: '欧阳小梅', phone: '18967891234', address: '浙江省宁波市海曙区中山西路 99 弄 7 号', division_code: '330203' },
  ];
  for (const [i, customer] of customers.entries()) {
    const r = await feed.post('/api/v1/orders', { channel: 'LIVE-HT', order_no: `LOG-${i}`, customer, lines: [{ sku: 'YY-APL-80-5K', units: 1, unit_price_fen: 5990 }] });
    assert.equal(r.status, 201, r.text);
    keep(customer.name, customer.phone, customer.address);
  }
  const refusedOrder = await feed.post('/api/v1/orders', { channel: 'LIVE-HT', order_no: 'LOG-X', customer: { name: '诸葛明亮', phone: '13311112222', address: '宁波市江北区某路 1 号', division_code: '999999' }, lines: [] });
  assert.equal(refusedOrder.status, 422);
  keep('诸葛明亮', '13311112222', '宁波市江北区某路 1 号');
  const csv = 'order_no,sku,units,unit_price,name,phone,address,division_code\nLOG-C1,YY-APL-80-5K,1,59.90,上官婉儿,13744445555,宁波市北仑区新碶街道明州路 8 号,330206\n';
  const imp = await feed.raw('POST', '/api/v1/imports/orders?channel=LIVE-HT', { body: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.ok(imp.status === 200 || imp.status === 201, imp.text);
  keep('上官婉儿', '13744445555', '宁波市北仑区新碶街道明州路 8 号');
  // logins: wrong passwords (a guess is a secret too), an unknown user, then right ones
  for (const guess of ['wrong-guess-alpha', 'wrong-guess-beta']) {
    assert.equal((await login('collector_yanyuan', guess)).status, 401);
    keep(guess);
  }
  assert.equal((await login('no-such-user', 'wrong-guess-gamma')).status, 401);
  keep('wrong-guess-gamma');
  const ok = await login('collector_yanyuan', 'shanhai2026');
  assert.equal(ok.status, 200);
  keep('shanhai2026', sessionOf(ok).split('=')[1], ok.json.csrf_token);
  // a request that carries a bearer token and a cookie the server refuses
  keep('forged-token-abcdefghijklmnop', 'forged-cookie-abcdefghijklmnop');
  assert.equal((await new Client(srv.url, null, null, 'forged-token-abcdefghijklmnop').get('/api/v1/auth/me')).status, 401);
  assert.equal((await new Client(srv.url, 'shanhai_session=forged-cookie-abcdefghijklmnop').get('/api/v1/auth/me')).status, 401);
  // the people's data is really stored (so its absence from the log means something)
  assert.equal(querySql(srv, "SELECT COUNT(*) AS n FROM households WHERE id_number = '513423199001017777'")[0].n, 1);
  assert.ok(querySql(srv, "SELECT COUNT(*) AS n FROM customers WHERE phone IN ('13612349876', '13744445555')")[0].n >= 2);

  const log = srv.log();
  assert.ok(log.includes('POST /api/v1/households 201'), 'the requests are in the log');
  assert.ok(log.includes('POST /api/v1/auth/login 401'));
  const found = secrets.filter((s) => s.length >= 6 && log.includes(s));
  assert.deepEqual(found, [], 'values in the log');
  // nor any 11-digit mobile number or 18-character ID number at all
  assert.equal(log.match(/1[3-9]\d{9}/g), null);
  assert.equal(log.match(/\d{17}[\dX]/g), null);
});

test('login throttle: per account, then per client address over many accounts', async () => {
  // per account: five failures lock that account (even the right password), not others
  await srv.makeUser(admin, { username: 'guessed', role: 'office' });
  for (let i = 0; i < 5; i++) assert.equal((await login('guessed', `guess-${i}-xxxx`)).status, 401);
  assert.equal((await login('guessed', 'user-pass-123')).status, 429);
  assert.equal((await login('office', 'shanhai2026')).status, 200, 'another account is not locked');
  // per address: failures spread over many usernames (7 so far from this address)
  const [{ n }] = querySql(srv, "SELECT COUNT(*) AS n FROM login_attempts WHERE ok = 0 AND addr = '127.0.0.1'");
  assert.ok(n >= 7 && n < 20, `failures so far ${n}`);
  for (let i = n; i < 19; i++) assert.equal((await login(`spray-${i}`, 'spray-pass-1')).status, 401, `attempt ${i}`);
  assert.equal((await login('channel_mgr', 'shanhai2026')).status, 200, 'under the address limit a right password still works');
  assert.equal((await login('spray-last', 'spray-pass-1')).status, 401);
  const locked = await login('channel_mgr', 'shanhai2026');
  assert.equal(locked.status, 429, 'twenty failures from one address lock it out');
  assert.equal(locked.json.error.code, 'throttled');
  assert.equal((await login('wh_ningbo', 'shanhai2026')).status, 429, 'for every account');
  // the attempts are recorded with the address, and sessions already open go on working
  assert.ok(querySql(srv, "SELECT COUNT(*) AS n FROM login_attempts WHERE addr = '127.0.0.1'")[0].n >= 20);
  assert.equal((await admin.get('/api/v1/auth/me')).status, 200);
});
