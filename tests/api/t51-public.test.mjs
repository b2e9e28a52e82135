// The public trace page GET /t/{code} (no login) and its QR code: what a
// consumer sees after scanning a label — product, village/township/county
// without NBS suffixes, cooperative, dates — and what they must never see:
// every name, phone, ID number, bank account and address in the database is
// looked up and searched for in every public page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';
import { loadTraceFixture, sqlRows } from './t50-fixture.mjs';

let srv;
const sql = (q) => sqlRows(srv, q);

before(async () => {
  srv = await startServer();
  loadTraceFixture(srv);
  // a cooperative whose name is markup, and a source lot of it
  sql(`INSERT INTO cooperatives (code, name, division_code) VALUES ('C9', '<b>山&海</b>"合作社''', '513434100');
       INSERT INTO lots (code, kind, product_id, grade_id, household_id, point_id, cooperative_id,
         harvest_date, expires_on, initial_g, created_at)
       VALUES ('S9', 'source', 1, 1, 3, 2, 2, '2026-10-09', '2026-12-09', 4000, 0);`);
});
after(async () => { await srv.stop(); });

test('a lot page: product, places without NBS suffixes, cooperative and dates', async () => {
  const r = await srv.anon.get('/t/PK1');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<meta name="viewport" content="width=device-width/);
  for (const s of ['盐源苹果', 'Yanyuan apple', '盐源县 · 卫城镇 · 打柴坡村', '大堰沟村', '越西县 · 越城镇 · 西城社区',
    '盐源县卫城镇苹果专业合作社', '2026-09-30', '2026-10-05', '2026-12-01', 'Harvested', '/t/PK1/qr.svg'])
    assert.ok(r.text.includes(s), `page has ${s}`);
  assert.ok(!/村民委员会|居民委员会|村委会|居委会/.test(r.text));
  assert.ok(!/<script/i.test(r.text), 'no scripts');
  assert.match(r.headers.get('content-security-policy'), /script-src 'self'/);
});

test('a parcel page adds the shipping and delivery dates (Asia/Shanghai)', async () => {
  const r = await srv.anon.get('/t/PC1');
  assert.equal(r.status, 200);
  assert.ok(r.text.includes('发货日期') && r.text.includes('2026-10-11'));
  assert.ok(r.text.includes('签收日期') && r.text.includes('2026-10-12'));
  assert.ok(r.text.includes('PK1'));
});

test('every value is escaped', async () => {
  const r = await srv.anon.get('/t/S9');
  assert.equal(r.status, 200);
  assert.ok(r.text.includes('&lt;b&gt;山&amp;海&lt;/b&gt;&quot;合作社&#39;'));
  assert.ok(!r.text.includes('<b>山'));
});

test('no public page carries a name, phone, ID, bank account or address from the database', async () => {
  const secrets = [
    ...sql('SELECT head_name FROM households'),
    ...sql("SELECT id_number FROM households WHERE id_number IS NOT NULL"),
    ...sql("SELECT phone FROM households WHERE phone IS NOT NULL"),
    ...sql("SELECT bank_account FROM households WHERE bank_account IS NOT NULL"),
    ...sql('SELECT name FROM customers'), ...sql('SELECT phone FROM customers WHERE phone IS NOT NULL'),
    ...sql('SELECT address FROM customers'), ...sql('SELECT display_name FROM users'),
    ...sql('SELECT code FROM households'),
  ];
  assert.ok(secrets.includes('张秀兰') && secrets.includes('513423198001011234') && secrets.includes('13800001111'));
  const codes = [...sql('SELECT code FROM lots'), ...sql('SELECT code FROM parcels')];
  assert.ok(codes.length >= 8);
  for (const code of codes) {
    const r = await srv.anon.get(`/t/${code}`);
    assert.equal(r.status, 200, code);
    for (const s of secrets) assert.ok(!r.text.includes(s), `/t/${code} must not contain '${s}'`);
    // masked or partial phones/IDs neither: no run of 7+ digits at all
    assert.ok(!/\d{7,}/.test(r.text), `/t/${code} has no long digit runs`);
  }
  const log = srv.log();
  for (const s of secrets.filter((x) => !/^H\d$/.test(x))) assert.ok(!log.includes(s), `the log must not contain '${s}'`);
});

test('unknown codes get a friendly 404 page; the QR code is an SVG', async () => {
  for (const code of ['NOPE', 'x'.repeat(200), '%3Cscript%3E']) {
    const r = await srv.anon.get(`/t/${code}`);
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.ok(r.text.includes('未找到该追溯码') && r.text.includes('No product was found'));
    assert.ok(!r.text.includes('<script'));
  }
  const q = await srv.anon.get('/t/PC1/qr.svg');
  assert.equal(q.status, 200);
  assert.equal(q.headers.get('content-type'), 'image/svg+xml');
  assert.match(q.text, /<svg[^>]*viewBox/);
  assert.equal((await srv.anon.get('/t/NOPE/qr.svg')).status, 404);
});
