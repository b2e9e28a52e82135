// Faults at the storage seam, injected into a running server (test builds
// only: POST /api/v1/testing/fault arms a failure of the writer's store steps
// for the next batch). A failed write gets a clear 503 and leaves nothing
// behind — swept across every step of a request, the commit included — and
// the server serves again once the fault clears. On PostgreSQL the database
// connection is also really killed under the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';

let srv, admin, hasFaults;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const probe = await admin.post('/api/v1/testing/fault/clear', {});
  hasFaults = probe.status === 200;
});
after(async () => { await srv.stop(); });

async function userExists(name) {
  const r = await admin.get('/api/v1/users');
  assert.equal(r.status, 200);
  return (r.json.items || r.json).some((u) => u.username === name);
}

async function auditCount() {
  const r = await admin.get('/api/v1/audit?action=user.create&limit=1000');
  assert.equal(r.status, 200);
  return (r.json.items || r.json).filter((a) => a.action === 'user.create').length;
}

test('the fault routes exist in this test build', () => {
  assert.ok(hasFaults, 'run the API suite with the test build (make MODE=asan)');
});

test('a write failing at any step answers 503 and leaves nothing half-written', async () => {
  let succeeded = false;
  for (let stepAt = 0; stepAt < 40 && !succeeded; stepAt++) {
    const name = `fault-user-${stepAt}`;
    const audits = await auditCount();
    assert.equal((await admin.post('/api/v1/testing/fault', { after: stepAt, error: 'io' })).status, 200);
    const r = await admin.post('/api/v1/users', { username: name, role: 'office', password: 'fault-pass-123', display_name: 'fault test' },
      { headers: { 'Idempotency-Key': `fault-${stepAt}` } });
    if (r.status === 201) {
      succeeded = true;
      assert.ok(stepAt > 0, 'the very first write step must have failed');
    } else {
      assert.equal(r.status, 503, `step ${stepAt}: ${r.text}`);
      assert.equal(r.json.error.code, 'unavailable');
      assert.match(r.json.error.message_en, /nothing was saved|unavailable/);
    }
    // all or nothing: the user, its audit row and its idempotency record agree with the answer
    assert.equal(await userExists(name), r.status === 201, `step ${stepAt}: user row`);
    assert.equal(await auditCount(), audits + (r.status === 201 ? 1 : 0), `step ${stepAt}: audit row`);
    if (r.status === 503) {
      // the key was not recorded as applied: the retry runs and succeeds
      const again = await admin.post('/api/v1/users', { username: name, role: 'office', password: 'fault-pass-123', display_name: 'fault test' },
        { headers: { 'Idempotency-Key': `fault-${stepAt}` } });
      assert.equal(again.status, 201, `retry after step ${stepAt}: ${again.text}`);
      assert.equal(again.headers.get('idempotent-replay'), null);
    }
  }
  assert.ok(succeeded, 'after enough steps the request must pass untouched');
});

test('a sticky fault (full disk) refuses every write, reads go on, and clearing it restores service', async () => {
  assert.equal((await admin.post('/api/v1/testing/fault', { after: 0, error: 'io', sticky: true })).status, 200);
  for (let i = 0; i < 3; i++) {
    const r = await admin.post('/api/v1/users', { username: `full-disk-${i}`, role: 'office', password: 'fault-pass-123', display_name: 'fault test' });
    assert.equal(r.status, 503);
  }
  assert.equal((await srv.anon.get('/healthz')).status, 200, 'reads keep working');
  assert.equal((await admin.get('/api/v1/users')).status, 200);
  assert.equal((await admin.post('/api/v1/testing/fault/clear', {})).status, 200);
  const ok = await admin.post('/api/v1/users', { username: 'after-the-fault', role: 'office', password: 'fault-pass-123', display_name: 'fault test' });
  assert.equal(ok.status, 201, ok.text);
  for (let i = 0; i < 3; i++) assert.equal(await userExists(`full-disk-${i}`), false);
});

test('a busy database is reported as 503 too, and the next request passes', async () => {
  assert.equal((await admin.post('/api/v1/testing/fault', { after: 0, error: 'busy' })).status, 200);
  const r = await admin.post('/api/v1/users', { username: 'busy-1', role: 'office', password: 'fault-pass-123', display_name: 'fault test' });
  assert.equal(r.status, 503);
  const ok = await admin.post('/api/v1/users', { username: 'busy-1', role: 'office', password: 'fault-pass-123', display_name: 'fault test' });
  assert.equal(ok.status, 201, ok.text);
});

test('one failed request in a batch does not spoil its neighbours', async () => {
  // many concurrent writes share a group-commit batch; a validation error in one is rolled back alone
  const reqs = [];
  for (let i = 0; i < 20; i++) {
    const bad = i % 5 === 0;
    reqs.push(admin.post('/api/v1/users', { username: `batch-${i}`, role: bad ? 'nobody' : 'office', password: 'fault-pass-123', display_name: 'fault test' }));
  }
  const rs = await Promise.all(reqs);
  for (let i = 0; i < 20; i++) {
    const bad = i % 5 === 0;
    assert.equal(rs[i].status, bad ? 422 : 201, `request ${i}: ${rs[i].text}`);
    assert.equal(await userExists(`batch-${i}`), !bad);
  }
});

async function eventually(fn, tries = 30) {
  for (let i = 0; ; i++) {
    try { return await fn(); } catch (e) { if (i >= tries) throw e; }
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('postgresql: killed database connections give 503s, then the server reconnects', async (t) => {
  if (srv.kind !== 'postgres') { t.skip('sqlite store'); return; }
  const base = srv.db.slice(0, srv.db.lastIndexOf('/'));
  const dbname = srv.db.slice(srv.db.lastIndexOf('/') + 1);
  execFileSync('psql', [`${base}/postgres`, '-qAtX', '-c',
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbname}' AND pid <> pg_backend_pid()`]);
  // requests on the dead connections fail cleanly (503, or 401 when the
  // session lookup itself could not be read), never with a wrong answer
  const answers = [];
  for (let i = 0; i < 12; i++) {
    const r = await admin.post('/api/v1/users', { username: `after-kill-${i}`, role: 'office', password: 'fault-pass-123', display_name: 'fault test' });
    assert.ok([201, 503, 401].includes(r.status), `unexpected ${r.status} ${r.text}`);
    answers.push(r.status);
  }
  assert.ok(answers.filter((s) => s === 201).length >= 6, `server did not recover: ${answers}`);
  await eventually(async () => assert.equal((await admin.get('/api/v1/users')).status, 200));
  for (let i = 0; i < 12; i++)
    assert.equal(await userExists(`after-kill-${i}`), answers[i] === 201, `request ${i} answered ${answers[i]}`);
});
