// Village collection over HTTP on the demo season: a collector records a
// delivery at its own point (weighed, priced by the price in force, amount
// rounded once), is refused at another point, bad input answers 422 with the
// field, a reversal negates the entry once, lists stay in scope, and the
// printable receipt shows the lot, weights in kg and the amount in yuan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, yanyuan, jinyang, office;
// demo: point 1 (YY-WC-LJ) belongs to collector_yanyuan; household 1 lives in
// its village; grade 1 is product 1's first grade, priced 600 fen/kg from 2026-10-15
const delivery = { point_id: 1, household_id: 1, grade_id: 1, gross_g: 12845, tare_g: 500 };

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  yanyuan = await srv.login('collector_yanyuan', 'shanhai2026');
  jinyang = await srv.login('collector_jinyang', 'shanhai2026');
  office = await srv.login('office', 'shanhai2026');
});
after(async () => { await srv.stop(); });

test('a collector records a delivery at its point: lot, net and amount rounded once', async () => {
  const r = await yanyuan.post('/api/v1/collections', delivery);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.net_g, 12345);
  assert.equal(r.json.price_fen_per_kg, 600);
  assert.equal(r.json.amount_fen, 7407); // 12.345 kg x 6.00 = 74.07
  assert.match(r.json.lot_code, /\S/);
  const got = await yanyuan.get(`/api/v1/collections/${r.json.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.lot_code, r.json.lot_code);
  assert.equal(got.json.gross_g, 12845);
  const audit = await admin.get('/api/v1/audit?limit=5');
  assert.ok(audit.json.items.some((a) => a.action === 'collection.create'), audit.text);
});

test('a price per jin must be the price in force; another price is refused', async () => {
  const ok = await yanyuan.post('/api/v1/collections', { ...delivery, gross_g: 1000, tare_g: 0, price_unit: 'jin', price_entered_fen: 300 });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.amount_fen, 600);
  const bad = await yanyuan.post('/api/v1/collections', { ...delivery, price_unit: 'kg', price_entered_fen: 650 });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.errors[0].field, 'price_entered_fen');
});

test('bad input answers 422 naming the field; bad JSON 400', async () => {
  const cases = [
    [{ ...delivery, gross_g: 100, tare_g: 200 }, 'tare_g'],
    [{ ...delivery, gross_g: 1e12 }, 'gross_g'],
    [{ ...delivery, gross_g: -5 }, 'gross_g'],
    [{ ...delivery, gross_g: '12' }, 'gross_g'],
    [{ ...delivery, grade_id: 999999 }, 'grade_id'],
    [{ ...delivery, household_id: 999999 }, 'household_id'],
    [{ ...delivery, colour: 'red' }, 'colour'],
    [{ ...delivery, price_unit: 'lb' }, 'price_unit'],
    [{ ...delivery, harvest_date: '2026-13-01' }, 'harvest_date'],
    [{ ...delivery, price_entered_fen: -1 }, 'price_entered_fen'],
  ];
  for (const [body, field] of cases) {
    const r = await yanyuan.post('/api/v1/collections', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.ok(r.json.error.errors.some((e) => e.field === field), `${field}: ${r.text}`);
  }
  const raw = await yanyuan.raw('POST', '/api/v1/collections', { body: '{"point_id":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(raw.status, 400);
});

test('collectors are refused outside their points; office and warehouse cannot write', async () => {
  const other = await jinyang.post('/api/v1/collections', delivery);
  assert.equal(other.status, 403, other.text);
  assert.equal((await office.post('/api/v1/collections', delivery)).status, 403);
  const wh = await srv.login('wh_xichang', 'shanhai2026');
  assert.equal((await wh.post('/api/v1/collections', delivery)).status, 403);
  assert.equal((await srv.anon.post('/api/v1/collections', delivery)).status, 401);
  const mine = await yanyuan.post('/api/v1/collections', { ...delivery, gross_g: 2000, tare_g: 0 });
  assert.equal((await jinyang.get(`/api/v1/collections/${mine.json.id}`)).status, 403);
  assert.equal((await jinyang.post(`/api/v1/collections/${mine.json.id}/reverse`, { reason: 'x' })).status, 403);
  assert.equal((await jinyang.get('/api/v1/collections?point_id=1')).status, 403);
});

test('lists stay in scope and filter by point, household and date', async () => {
  const mine = await yanyuan.get('/api/v1/collections?limit=1000');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length > 0);
  assert.ok(mine.json.items.every((c) => [1, 2, 3].includes(c.point_id)));
  const theirs = await jinyang.get('/api/v1/collections?limit=1000');
  assert.ok(theirs.json.items.every((c) => c.point_id === 4));
  const byHh = await yanyuan.get('/api/v1/collections?household_id=1&limit=1000');
  assert.ok(byHh.json.items.length >= 3 && byHh.json.items.every((c) => c.household_id === 1));
  const dated = await office.get('/api/v1/collections?from=2026-09-01&to=2026-09-30&limit=1000');
  assert.ok(dated.json.items.every((c) => c.collected_on >= '2026-09-01' && c.collected_on <= '2026-09-30'));
  assert.ok(dated.json.items.every((c) => !c.head_name || c.head_name.endsWith('*')), 'office sees names masked');
  assert.equal((await office.get('/api/v1/collections?from=yesterday')).status, 422);
});

test('a reversal negates the entry once and returns the balance to the fen', async () => {
  const before = (await yanyuan.get('/api/v1/collections?household_id=2&limit=1')).json;
  const c = await yanyuan.post('/api/v1/collections', { ...delivery, household_id: 2, gross_g: 3333, tare_g: 0 });
  assert.equal(c.status, 201, c.text);
  const rev = await yanyuan.post(`/api/v1/collections/${c.json.id}/reverse`, { reason: '称错了 wrong scale' });
  assert.equal(rev.status, 201, rev.text);
  assert.equal(rev.json.amount_fen, -c.json.amount_fen);
  assert.equal(rev.json.net_g, -c.json.net_g);
  assert.equal(rev.json.balance_fen, c.json.balance_fen - c.json.amount_fen);
  const again = await yanyuan.post(`/api/v1/collections/${c.json.id}/reverse`, { reason: 'again' });
  assert.equal(again.status, 409, again.text);
  const ofRev = await yanyuan.post(`/api/v1/collections/${rev.json.id}/reverse`, { reason: 'x' });
  assert.equal(ofRev.status, 409, ofRev.text);
  assert.equal((await yanyuan.post(`/api/v1/collections/${c.json.id}/reverse`, {})).status, 422);
  assert.equal((await yanyuan.post('/api/v1/collections/99999999/reverse', { reason: 'x' })).status, 404);
  assert.ok(before.total >= 0);
});

test('a lot that left the point cannot be reversed', async () => {
  const c = await yanyuan.post('/api/v1/collections', { ...delivery, gross_g: 4000, tare_g: 0 });
  const t = await yanyuan.post('/api/v1/transfers', { point_id: 1, lines: [{ lot_code: c.json.lot_code, qty_g: 4000 }] });
  assert.equal(t.status, 201, t.text);
  const rev = await yanyuan.post(`/api/v1/collections/${c.json.id}/reverse`, { reason: 'too late' });
  assert.equal(rev.status, 409, rev.text);
});

test('the receipt page shows lot, weights in kg, price and amount; the name only to staff in scope', async () => {
  const c = await yanyuan.post('/api/v1/collections', { ...delivery, gross_g: 10500, tare_g: 250 });
  const mine = await yanyuan.get(`/print/receipt/${c.json.code}`);
  assert.equal(mine.status, 200);
  assert.match(mine.headers.get('content-type'), /text\/html/);
  assert.ok(mine.text.includes(c.json.lot_code));
  assert.ok(mine.text.includes('10.500') && mine.text.includes('0.250') && mine.text.includes('10.250'));
  assert.ok(mine.text.includes('6.00') && mine.text.includes('61.50'));
  assert.ok(mine.text.includes('YY-WC-LJ-001'));
  assert.match(mine.text, /@media print/);
  assert.match(mine.text, /\d{4}-\d\d-\d\d \d\d:\d\d/);
  const hh = (await admin.get('/api/v1/collections?household_id=1&limit=1')).json.items[0];
  assert.ok(mine.text.includes(hh.head_name));
  const anon = await srv.anon.get(`/print/receipt/${c.json.code}`);
  assert.equal(anon.status, 200);
  assert.ok(!anon.text.includes(hh.head_name));
  const other = await jinyang.get(`/print/receipt/${c.json.code}`);
  assert.ok(!other.text.includes(hh.head_name));
  assert.equal((await srv.anon.get('/print/receipt/NOSUCHCODE')).status, 404);
  assert.equal((await srv.anon.get('/print/receipt/%3Cscript%3E')).status, 404);
});
