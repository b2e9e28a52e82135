// Single orders sharing one group commit (src/http/writer.c, group mode in
// src/app/orders.c): on SQLite the orders of one batch queue their rows and
// the writer writes them together before the commit. Many concurrent orders
// with resends, clashing bodies and idempotent retries among them: every
// order exists once, every 201 answers exactly what was stored (the reply is
// written from memory), a resend is unchanged, a clash is 409, ids follow
// on without gaps, and the stock agrees with the allocations. A store fault
// at any step of a group's writes (the flush before the commit included)
// answers 503 for what was not saved and leaves nothing of it behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWorld, sql, order, channelUsers } from '../data/orders/fixture.mjs';

let srv, admin, live, hasFaults;

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  hasFaults = (await admin.post('/api/v1/testing/fault/clear', {})).status === 200;
});
after(async () => { await srv.stop(); });

function orphans() {
  const [o] = sql(srv, `SELECT
    (SELECT COUNT(*) FROM order_lines ol LEFT JOIN orders o ON o.id = ol.order_id WHERE o.id IS NULL) AS lines,
    (SELECT COUNT(*) FROM allocations a LEFT JOIN order_lines ol ON ol.id = a.order_line_id WHERE ol.id IS NULL) AS allocs,
    (SELECT COUNT(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)) AS customers`);
  return [Number(o.lines), Number(o.allocs), Number(o.customers)];
}

function stockAgrees() {
  const [s] = sql(srv, `SELECT (SELECT COUNT(*) FROM stock WHERE reserved_g > qty_g OR reserved_g < 0) AS bad,
    (SELECT COALESCE(SUM(reserved_g), 0) FROM stock) AS reserved,
    (SELECT COALESCE(SUM(qty_g), 0) FROM allocations WHERE state = 'reserved') AS allocated`);
  assert.equal(Number(s.bad), 0);
  assert.equal(Number(s.reserved), Number(s.allocated), 'every reserved gram is allocated');
}

// The created order as read back must be what the 201 said.
async function assertStoredAsAnswered(r) {
  const got = await live.feed.get(`/api/v1/orders/${r.json.order.id}`);
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json, r.json.order);
}

test('concurrent single orders with resends, clashes and retries: each stored once, as answered', async () => {
  const n = 40;
  const reqs = [];
  const kinds = [];
  for (let i = 0; i < n; i++) {
    const body = order({ no: `G-${i}`, units: 1 + (i % 3), division: i % 4 ? '330212' : '510104' });
    const key = i % 5 === 3 ? { headers: { 'Idempotency-Key': `group-${i}` } } : {};
    reqs.push(live.feed.post('/api/v1/orders', body, key));
    kinds.push(['first', i]);
    if (i % 5 === 1) { // the same order resent at once
      reqs.push(live.feed.post('/api/v1/orders', body));
      kinds.push(['resend', i]);
    }
    if (i % 5 === 2) { // another body under the same number
      reqs.push(live.feed.post('/api/v1/orders', { ...body, lines: [{ sku: 'YY-APL-80-2', units: 7, unit_price_fen: 100 }] }));
      kinds.push(['clash', i]);
    }
    if (i % 5 === 3) { // a retry with the same Idempotency-Key
      reqs.push(live.feed.post('/api/v1/orders', body, key));
      kinds.push(['retry', i]);
    }
  }
  const res = await Promise.all(reqs);
  const byNo = new Map();
  res.forEach((r, k) => {
    const i = kinds[k][1];
    if (!byNo.has(i)) byNo.set(i, []);
    byNo.get(i).push(r);
  });
  const created = [];
  for (const [i, rs] of byNo) {
    const statuses = rs.map((r) => r.status).sort();
    if (i % 5 === 1) assert.deepEqual(statuses, [200, 201], `G-${i}: ${rs.map((r) => r.text)}`);
    else if (i % 5 === 2) assert.deepEqual(statuses, [201, 409], `G-${i}: ${rs.map((r) => r.text)}`);
    else if (i % 5 === 3) {
      assert.deepEqual(statuses, [201, 201], `G-${i}: ${rs.map((r) => r.text)}`);
      assert.equal(rs.filter((r) => r.headers.get('idempotent-replay') === 'true').length, 1);
      assert.equal(rs[0].json.order.id, rs[1].json.order.id);
    } else assert.deepEqual(statuses, [201], `G-${i}: ${rs[0].text}`);
    const first = rs.find((r) => r.status === 201 && r.headers.get('idempotent-replay') !== 'true');
    created.push(first);
    for (const r of rs.filter((x) => x.status === 200)) {
      assert.equal(r.json.result, 'unchanged');
      assert.equal(r.json.order.id, first.json.order.id);
      assert.deepEqual(r.json.order.lines, first.json.order.lines);
    }
    const [c] = sql(srv, `SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'G-${i}'`);
    assert.equal(Number(c.n), 1, `G-${i} stored once`);
  }
  for (const r of created) await assertStoredAsAnswered(r);
  const ids = created.map((r) => r.json.order.id).sort((a, b) => a - b);
  assert.equal(ids[ids.length - 1] - ids[0] + 1, n, `order ids follow on: ${ids}`);
  const lineIds = created.map((r) => r.json.order.lines[0].id).sort((a, b) => a - b);
  assert.equal(lineIds[lineIds.length - 1] - lineIds[0] + 1, n, `line ids follow on: ${lineIds}`);
  const [a] = sql(srv, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.create'");
  assert.ok(Number(a.n) >= n);
  stockAgrees();
});

test('orders of 200 lines at once: a queue that fills inside a job is written there, and every order stands', async () => {
  const lines = Array.from({ length: 200 }, (_, k) => ({ sku: k % 2 ? 'HJ-PEP-500' : 'YY-APL-80-2', units: 1, unit_price_fen: 100 + k }));
  const res = await Promise.all(Array.from({ length: 6 }, (_, i) => live.feed.post('/api/v1/orders', order({ no: `GL-${i}`, lines }))));
  for (const r of res) {
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.order.lines.length, 200);
    await assertStoredAsAnswered(r);
  }
  stockAgrees();
});

test('an order right after others of its batch sees their stock, and a cancel in the same batch sees the order', async () => {
  // 12 orders and the cancel of the first, all at once: whatever batches they share, the cancel finds
  // its order and releases exactly its reservation
  const first = await live.feed.post('/api/v1/orders', order({ no: 'GC-0' }));
  assert.equal(first.status, 201, first.text);
  const res = await Promise.all([
    ...Array.from({ length: 12 }, (_, i) => live.feed.post('/api/v1/orders', order({ no: `GC-${i + 1}` }))),
    live.feed.post(`/api/v1/orders/${first.json.order.id}/cancel`, {}),
  ]);
  for (const r of res) assert.ok(r.status === 201 || r.status === 200, r.text);
  stockAgrees();
});

test('a store fault at any step of a group of orders answers 503 for what was not saved, and leaves nothing of it', async (t) => {
  if (!hasFaults) return t.skip('fault routes only in the test build (make MODE=asan)');
  let allPassed = false;
  const orphansBefore = orphans();
  for (let stepAt = 0; stepAt < 60 && !allPassed; stepAt++) {
    const audits = Number(sql(srv, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.create'")[0].n);
    assert.equal((await admin.post('/api/v1/testing/fault', { after: stepAt, error: 'io' })).status, 200);
    const nos = Array.from({ length: 6 }, (_, i) => `GF-${stepAt}-${i}`);
    const res = await Promise.all(nos.map((no) => live.feed.post('/api/v1/orders', order({ no }))));
    await admin.post('/api/v1/testing/fault/clear', {});
    let saved = 0;
    res.forEach((r, i) => {
      assert.ok(r.status === 201 || r.status === 503, `step ${stepAt} ${nos[i]}: ${r.status} ${r.text}`);
      const [c] = sql(srv, `SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = '${nos[i]}'`);
      assert.equal(Number(c.n), r.status === 201 ? 1 : 0, `step ${stepAt} ${nos[i]}: stored iff 201`);
      if (r.status === 201) saved++;
    });
    assert.deepEqual(orphans(), orphansBefore, `step ${stepAt}: no orphan rows`);
    const after = Number(sql(srv, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.create'")[0].n);
    assert.equal(after, audits + saved, `step ${stepAt}: one audit row per saved order`);
    stockAgrees();
    for (let i = 0; i < nos.length; i++) {
      if (res[i].status !== 503) continue;
      const again = await live.feed.post('/api/v1/orders', order({ no: nos[i] }));
      assert.equal(again.status, 201, `retry of ${nos[i]} after step ${stepAt}: ${again.text}`);
    }
    allPassed = saved === nos.length;
  }
  assert.ok(allPassed, 'after enough steps every order passes');
});
