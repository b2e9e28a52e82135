// Transfers point -> origin warehouse over HTTP: a collector sends source lots
// from its own point (point -> transit), the origin warehouse's operator
// receives them (transit -> warehouse) with any shortage written off and
// recorded; every refusal (bad grams, unknown lot, lot elsewhere, more than
// is there, another point's or warehouse's transfer, double receive) changes
// nothing; lists follow the caller's scope; every write is audited.
// Fixture: t30-fixture.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWarehouseWorld, warehouseUsers, gramsAt, stockSnapshot, auditRows, sql, YY, HL, P1, P3 } from './t30-fixture.mjs';

let srv, admin, u;
before(async () => {
  srv = await startServer();
  loadWarehouseWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  u = await warehouseUsers(srv, admin, ['chan', 'colP1', 'colP3', 'office', 'whHL', 'whYY']);
});
after(async () => { await srv.stop(); });

async function refusedUnchanged(client, path, body, status, code) {
  const before = stockSnapshot(srv);
  const r = await client.post(path, body);
  assert.equal(r.status, status, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
  assert.deepEqual(stockSnapshot(srv), before, 'a refused request changed stock');
  return r;
}

test('a collector sends lots from its point: stock leaves the point and is in transit', async () => {
  const r = await u.colP1.post('/api/v1/transfers', {
    point_id: P1, lines: [{ lot_code: 'S1', qty_g: 30000 }, { lot_id: 2, qty_g: 20000 }],
  });
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  assert.equal(t.status, 'sent');
  assert.equal(t.warehouse_id, YY, 'defaults to the point\'s origin warehouse');
  assert.equal(t.lines.length, 2);
  assert.deepEqual(t.lines.map((l) => [l.lot_code, l.sent_g, l.received_g]), [['S1', 30000, null], ['S2', 20000, null]]);
  assert.equal(gramsAt(srv, 'S1', 'point', P1), 0);
  assert.equal(gramsAt(srv, 'S1', 'transit', t.id), 30000);
  // the receiving warehouse's operator sees it in transit, another origin's does not
  const mine = await u.whYY.get('/api/v1/stock?loc_kind=transit');
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.json.items.map((s) => [s.lot_code, s.qty_g, s.loc_code]).sort(),
    [['S1', 30000, t.code], ['S2', 20000, t.code]]);
  const other = await u.whHL.get('/api/v1/stock?loc_kind=transit');
  assert.equal(other.json.total, 0);
  const sender = await u.colP1.get('/api/v1/stock?loc_kind=transit');
  assert.equal(sender.json.total, 2, 'the sending point\'s collector sees its lots on the way');
  assert.equal((await u.colP3.get('/api/v1/stock?loc_kind=transit')).json.total, 0);
  const audit = await auditRows(admin, 'transfer.send');
  assert.ok(audit.some((a) => a.object_id === String(t.id) && a.username === 'col-p1'));
});

test('the operator receives with a shortage: it is recorded and written off, the lot balances', async () => {
  const s = await u.colP1.post('/api/v1/transfers', { point_id: P1, lines: [{ lot_code: 'S3', qty_g: 10000 }] });
  assert.equal(s.status, 201, s.text);
  const id = s.json.id;
  const r = await u.whYY.post(`/api/v1/transfers/${id}/receive`, { lines: [{ lot_code: 'S3', received_g: 9400 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'received');
  assert.equal(r.json.lines[0].received_g, 9400);
  assert.equal(r.json.lines[0].shortage_g, 600);
  assert.equal(gramsAt(srv, 'S3', 'warehouse', YY), 9400);
  assert.equal(gramsAt(srv, 'S3', 'transit', id), 0);
  const lot = await u.whYY.get('/api/v1/lots/S3');
  assert.equal(lot.status, 200, lot.text);
  assert.equal(lot.json.mass_balance.left_by_reason.shortage, 600);
  assert.equal(lot.json.mass_balance.on_hand_g, 9400);
  assert.equal(lot.json.mass_balance.journal_closes, true);
  const audit = await auditRows(admin, 'transfer.receive');
  assert.ok(audit.some((a) => a.object_id === String(id) && JSON.parse(a.detail).shortage_g === 600));
  // double receive: 409, nothing changes
  await refusedUnchanged(u.whYY, `/api/v1/transfers/${id}/receive`, {}, 409, 'conflict');
});

test('lines not listed on receipt arrived in full', async () => {
  const list = await u.whYY.get('/api/v1/transfers?status=sent');
  const t = list.json.items.find((x) => x.sent_g === 50000);
  assert.ok(t, list.text);
  const r = await u.whYY.post(`/api/v1/transfers/${t.id}/receive`, { lines: [{ lot_id: 2, received_g: 20000 }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.lines.map((l) => [l.lot_code, l.received_g, l.shortage_g]), [['S1', 30000, 0], ['S2', 20000, 0]]);
  assert.equal(gramsAt(srv, 'S1', 'warehouse', YY), 30000);
});

test('bad grams and unknown lots are 422 naming the line; nothing changes', async () => {
  for (const qty of [-5, 0, 1e13, 1.5, '100']) {
    const r = await refusedUnchanged(u.colP1, '/api/v1/transfers', { point_id: P1, lines: [{ lot_code: 'S1', qty_g: qty }] }, 422, 'invalid');
    assert.ok(r.json.error.errors.some((e) => e.field === 'lines.qty_g' && e.row === 1), r.text);
  }
  const unknown = await refusedUnchanged(u.colP1, '/api/v1/transfers',
    { point_id: P1, lines: [{ lot_code: 'S1', qty_g: 1 }, { lot_code: 'NOPE', qty_g: 5 }] }, 422, 'invalid');
  assert.ok(unknown.json.error.errors.some((e) => e.field === 'lines.lot_id' && e.row === 2), unknown.text);
  await refusedUnchanged(u.colP1, '/api/v1/transfers', { point_id: P1, lines: [{ lot_id: 999999, qty_g: 5 }] }, 422, 'invalid');
  await refusedUnchanged(u.colP1, '/api/v1/transfers', { point_id: P1, lines: [] }, 422, 'invalid');
  await refusedUnchanged(u.colP1, '/api/v1/transfers', { point_id: P1, lines: [{ lot_code: 'S1', qty_g: 5 }], extra: 1 }, 422, 'invalid');
  // a packed lot never rides a transfer
  await refusedUnchanged(admin, '/api/v1/transfers', { point_id: P1, lines: [{ lot_code: 'PA', qty_g: 5 }] }, 422, 'invalid');
  // into a sales warehouse: refused
  await refusedUnchanged(admin, '/api/v1/transfers', { point_id: P1, warehouse_id: 2, lines: [{ lot_code: 'S4', qty_g: 5 }] }, 422, 'invalid');
});

test('a lot at another location, or more than is there: 409 insufficient_stock, nothing changes', async () => {
  // S4 lies at P3, not P1
  const r = await refusedUnchanged(admin, '/api/v1/transfers', { point_id: P1, lines: [{ lot_code: 'S4', qty_g: 100 }] }, 409, 'insufficient_stock');
  assert.equal(r.json.error.field, 'lines.qty_g');
  // S4 has 8000 g at P3
  await refusedUnchanged(u.colP3, '/api/v1/transfers', { point_id: P3, lines: [{ lot_code: 'S4', qty_g: 8001 }] }, 409, 'insufficient_stock');
  assert.equal(gramsAt(srv, 'S4', 'point', P3), 8000);
});

test('scope: collectors send only from their points, operators receive only into theirs', async () => {
  await refusedUnchanged(u.colP1, '/api/v1/transfers', { point_id: P3, lines: [{ lot_code: 'S4', qty_g: 100 }] }, 403, 'forbidden');
  await refusedUnchanged(u.whYY, '/api/v1/transfers', { point_id: P3, lines: [{ lot_code: 'S4', qty_g: 100 }] }, 403, 'forbidden');
  const office = await u.office.post('/api/v1/transfers', { point_id: P3, lines: [{ lot_code: 'S4', qty_g: 100 }] });
  assert.equal(office.status, 403);
  const chan = await u.chan.get('/api/v1/transfers');
  assert.equal(chan.status, 403);
  // P3's collector sends to HL-O; YY-O's operator may neither read nor receive it
  const s = await u.colP3.post('/api/v1/transfers', { point_id: P3, lines: [{ lot_code: 'S4', qty_g: 8000 }] });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.warehouse_id, HL);
  assert.equal((await u.whYY.get(`/api/v1/transfers/${s.json.id}`)).status, 403);
  for (const c of [u.colP3, u.whHL, u.office]) {
    const one = await c.get(`/api/v1/transfers/${s.json.id}`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.json.lines.map((l) => [l.lot_code, l.sent_g]), [['S4', 8000]]);
  }
  await refusedUnchanged(u.whYY, `/api/v1/transfers/${s.json.id}/receive`, {}, 403, 'forbidden');
  // the collector itself may not receive (role), nor may office
  assert.equal((await u.colP3.post(`/api/v1/transfers/${s.json.id}/receive`, {})).status, 403);
  assert.equal((await u.office.post(`/api/v1/transfers/${s.json.id}/receive`, {})).status, 403);
  // lists: each sees its own
  const p1 = await u.colP1.get('/api/v1/transfers');
  assert.ok(p1.json.items.length >= 2 && p1.json.items.every((t) => t.point_id === P1), p1.text);
  const hl = await u.whHL.get('/api/v1/transfers');
  assert.deepEqual(hl.json.items.map((t) => t.id), [s.json.id]);
  assert.equal((await u.office.get('/api/v1/transfers')).json.total, p1.json.total + 1);
  // HL-O's operator receives it; more than was sent is refused first
  await refusedUnchanged(u.whHL, `/api/v1/transfers/${s.json.id}/receive`, { lines: [{ lot_code: 'S4', received_g: 8001 }] }, 422, 'invalid');
  await refusedUnchanged(u.whHL, `/api/v1/transfers/${s.json.id}/receive`, { lines: [{ lot_code: 'S1', received_g: 1 }] }, 422, 'invalid');
  const ok = await u.whHL.post(`/api/v1/transfers/${s.json.id}/receive`, { lines: [{ lot_code: 'S4', received_g: 8000 }] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(gramsAt(srv, 'S4', 'warehouse', HL), 8000);
});

test('an unknown transfer is 404; stock never goes negative in the database', async () => {
  assert.equal((await admin.get('/api/v1/transfers/999999')).status, 404);
  assert.equal((await admin.post('/api/v1/transfers/999999/receive', {})).status, 404);
  assert.equal((await admin.get('/api/v1/transfers?status=lost')).status, 422);
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM stock WHERE qty_g < 0 OR reserved_g < 0 OR reserved_g > qty_g')[0].n, 0);
});
