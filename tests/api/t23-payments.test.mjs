// Household payments and payables over HTTP on the demo season: a payment
// never exceeds what is owed, an Idempotency-Key retry pays once, a bank
// payment needs its reference, a reversal makes the money owed again, the
// balance stays exact to the fen through collections, reversals and
// payments, collectors are refused outside their points' villages, and the
// payables export is a real .xlsx whose sheet holds the yuan amounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, yanyuan, jinyang, office;

before(async () => {
  srv = await startServer({ demo: true });
  admin = await srv.login('admin', ADMIN_PASSWORD);
  yanyuan = await srv.login('collector_yanyuan', 'shanhai2026');
  jinyang = await srv.login('collector_jinyang', 'shanhai2026');
  office = await srv.login('office', 'shanhai2026');
});
after(async () => { await srv.stop(); });

// The balance of household id as the service sums it: a 1-fen probe payment
// that is refused reports nothing, so use the payables list (balance > 0 only).
async function balanceOf(id) {
  const r = await admin.get('/api/v1/payables?limit=1000');
  assert.equal(r.status, 200, r.text);
  const row = r.json.items.find((h) => h.household_id === id);
  return row ? row.balance_fen : 0;
}

// A household of point 1's village with nothing owed: pay out what it is owed.
async function settled(id) {
  const owed = await balanceOf(id);
  if (owed > 0) {
    const p = await admin.post('/api/v1/payments', { household_id: id, amount_fen: owed, method: 'cash' });
    assert.equal(p.status, 201, p.text);
    assert.equal(p.json.balance_fen, 0);
  }
}

test('balance is exact through collections, a reversal and payments; never overpaid', async () => {
  await settled(3);
  const a = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 3, grade_id: 1, gross_g: 12345, tare_g: 0 });
  const b = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 3, grade_id: 2, gross_g: 7777, tare_g: 77 });
  const c = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 3, grade_id: 1, gross_g: 1001, tare_g: 0 });
  for (const x of [a, b, c]) assert.equal(x.status, 201, x.text);
  const rev = await yanyuan.post(`/api/v1/collections/${c.json.id}/reverse`, { reason: 'double entry' });
  assert.equal(rev.status, 201, rev.text);
  const owed = a.json.amount_fen + b.json.amount_fen;
  assert.equal(rev.json.balance_fen, owed);
  assert.equal(await balanceOf(3), owed);
  const over = await yanyuan.post('/api/v1/payments', { household_id: 3, amount_fen: owed + 1, method: 'cash' });
  assert.equal(over.status, 422, over.text);
  const part = await yanyuan.post('/api/v1/payments', { household_id: 3, amount_fen: 1000, method: 'cash' });
  assert.equal(part.status, 201, part.text);
  assert.equal(part.json.balance_fen, owed - 1000);
  const rest = await yanyuan.post('/api/v1/payments', { household_id: 3, amount_fen: owed - 1000, method: 'bank', reference: 'NB20261123-0001' });
  assert.equal(rest.status, 201, rest.text);
  assert.equal(rest.json.balance_fen, 0);
  assert.equal(await balanceOf(3), 0);
  assert.equal((await yanyuan.post('/api/v1/payments', { household_id: 3, amount_fen: 1, method: 'cash' })).status, 422);
});

test('an Idempotency-Key retry pays once; another body under the same key is refused', async () => {
  await settled(4);
  const c = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 4, grade_id: 1, gross_g: 20000, tare_g: 0 });
  assert.equal(c.status, 201, c.text);
  const body = { household_id: 4, amount_fen: 5000, method: 'cash' };
  const headers = { 'Idempotency-Key': 'pay-hh4-once' };
  const first = await yanyuan.post('/api/v1/payments', body, { headers });
  const again = await yanyuan.post('/api/v1/payments', body, { headers });
  assert.equal(first.status, 201, first.text);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.headers.get('idempotent-replay'), 'true');
  assert.equal(await balanceOf(4), c.json.amount_fen - 5000);
  const other = await yanyuan.post('/api/v1/payments', { ...body, amount_fen: 10 }, { headers });
  assert.equal(other.status, 422, other.text);
  assert.equal(other.json.error.code, 'idempotency_mismatch');
  const list = await yanyuan.get('/api/v1/payments?household_id=4&limit=1000');
  assert.equal(list.json.items.filter((p) => p.amount_fen === 5000 || p.amount_fen === -5000).length, 1);
});

test('a reversed payment is owed again, once, and says why', async () => {
  await settled(5);
  const c = await yanyuan.post('/api/v1/collections', { point_id: 1, household_id: 5, grade_id: 1, gross_g: 5000, tare_g: 0 });
  const p = await yanyuan.post('/api/v1/payments', { household_id: 5, amount_fen: c.json.amount_fen, method: 'bank', reference: 'X1' });
  assert.equal(p.status, 201, p.text);
  // no reason, or a blank one: refused naming the field, and nothing changes
  for (const body of [{}, { reason: '   ' }, { reason: 7 }]) {
    const bad = await yanyuan.post(`/api/v1/payments/${p.json.id}/reverse`, body);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.error.field || bad.json.error.errors[0].field, 'reason', bad.text);
  }
  assert.equal((await yanyuan.get(`/api/v1/payments/${p.json.id}`)).json.reversed, false);
  assert.equal(await balanceOf(5), 0);
  const r = await yanyuan.post(`/api/v1/payments/${p.json.id}/reverse`, { reason: 'bounced: wrong account' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.balance_fen, c.json.amount_fen);
  assert.equal(r.json.reason, 'bounced: wrong account');
  // stored: the reversal's own record and the household's ledger show it
  const got = await yanyuan.get(`/api/v1/payments/${r.json.id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.reason, 'bounced: wrong account');
  assert.equal(got.json.reverses_id, p.json.id);
  const ledger = await yanyuan.get('/api/v1/households/5/ledger?limit=1000');
  assert.equal(ledger.status, 200, ledger.text);
  const row = ledger.json.items.find((x) => x.kind === 'payment' && x.ref_id === r.json.id);
  assert.ok(row, ledger.text);
  assert.equal(row.reason, 'bounced: wrong account');
  assert.equal(row.reverses_id, p.json.id);
  assert.equal(row.amount_fen, c.json.amount_fen);
  const orig = ledger.json.items.find((x) => x.kind === 'payment' && x.ref_id === p.json.id);
  assert.equal(orig.reversed, true);
  assert.equal(orig.reason, '');
  const again = { reason: 'twice' };
  assert.equal((await yanyuan.post(`/api/v1/payments/${p.json.id}/reverse`, again)).status, 409);
  assert.equal((await yanyuan.post(`/api/v1/payments/${r.json.id}/reverse`, again)).status, 409);
  assert.equal((await yanyuan.post('/api/v1/payments/99999999/reverse', again)).status, 404);
  assert.equal((await yanyuan.get(`/api/v1/payments/${p.json.id}`)).status, 200);
  assert.equal((await jinyang.get(`/api/v1/payments/${p.json.id}`)).status, 403);
  assert.equal((await jinyang.post(`/api/v1/payments/${p.json.id}/reverse`, again)).status, 403);
});

test('payment input errors name the field; scope and roles are enforced', async () => {
  const cases = [
    [{ household_id: 1, amount_fen: 0, method: 'cash' }, 'amount_fen'],
    [{ household_id: 1, amount_fen: -5, method: 'cash' }, 'amount_fen'],
    [{ household_id: 1, amount_fen: '5', method: 'cash' }, 'amount_fen'],
    [{ household_id: 1, amount_fen: 5, method: 'cheque' }, 'method'],
    [{ household_id: 1, amount_fen: 5, method: 'bank' }, 'reference'],
    [{ household_id: 1, amount_fen: 5, method: 'cash', tip: 1 }, 'tip'],
  ];
  for (const [body, field] of cases) {
    const r = await yanyuan.post('/api/v1/payments', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.ok(r.json.error.errors.some((e) => e.field === field), `${field}: ${r.text}`);
  }
  assert.equal((await admin.post('/api/v1/payments', { household_id: 999999, amount_fen: 5, method: 'cash' })).status, 422);
  assert.equal((await jinyang.post('/api/v1/payments', { household_id: 1, amount_fen: 1, method: 'cash' })).status, 403);
  assert.equal((await office.post('/api/v1/payments', { household_id: 1, amount_fen: 1, method: 'cash' })).status, 403);
  const mine = await jinyang.get('/api/v1/payments?limit=1000');
  assert.equal(mine.status, 200);
  const all = await office.get('/api/v1/payments?limit=1000');
  assert.ok(all.json.total >= mine.json.total);
});

test('payables: in scope, filtered, total of the rows; office sees phones masked', async () => {
  const all = await admin.get('/api/v1/payables?limit=1000');
  assert.equal(all.status, 200);
  assert.ok(all.json.items.length > 0);
  assert.ok(all.json.items.every((h) => h.balance_fen > 0));
  assert.equal(all.json.total_fen, all.json.items.reduce((s, h) => s + h.balance_fen, 0));
  const mine = await yanyuan.get('/api/v1/payables?limit=1000');
  assert.ok(mine.json.items.every((h) => h.village_code.startsWith('513423')), 'yanyuan county only');
  const theirs = await jinyang.get('/api/v1/payables?limit=1000');
  assert.ok(theirs.json.items.every((h) => h.village_code.startsWith('513430')));
  assert.equal((await jinyang.get('/api/v1/payables?point_id=1')).status, 403);
  const county = await office.get('/api/v1/payables?county=513423&limit=1000');
  assert.equal(county.json.items.length, mine.json.items.length);
  const withPhone = county.json.items.find((h) => h.phone);
  if (withPhone) assert.match(withPhone.phone, /\*/);
  assert.equal((await office.get('/api/v1/payables?format=pdf')).status, 422);
  assert.equal((await srv.anon.get('/api/v1/payables')).status, 401);
});

// The entry `name` of a zip archive, inflated (local headers, no zip64).
function zipEntry(buf, name) {
  for (let i = 0; i + 30 <= buf.length;) {
    if (buf.readUInt32LE(i) !== 0x04034b50) break;
    const method = buf.readUInt16LE(i + 8), size = buf.readUInt32LE(i + 18);
    const nlen = buf.readUInt16LE(i + 26), xlen = buf.readUInt16LE(i + 28);
    const entry = buf.subarray(i + 30, i + 30 + nlen).toString();
    const data = buf.subarray(i + 30 + nlen + xlen, i + 30 + nlen + xlen + size);
    if (entry === name) return method === 8 ? zlib.inflateRawSync(data).toString() : data.toString();
    i += 30 + nlen + xlen + size;
  }
  return null;
}

test('payables as xlsx: a zip whose sheet holds the yuan amounts', async () => {
  const json = (await admin.get('/api/v1/payables?limit=1000')).json;
  const r = await admin.get('/api/v1/payables?format=xlsx');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(r.body.readUInt32LE(0), 0x04034b50);
  const sheet = zipEntry(r.body, 'xl/worksheets/sheet1.xml');
  assert.ok(sheet, 'sheet1.xml present');
  const top = json.items[0].balance_fen;
  assert.ok(sheet.includes(`<v>${top / 100}</v>`), `the largest balance ${top} fen as yuan`);
  assert.ok(!sheet.includes('<f>'), 'no formulas');
});
