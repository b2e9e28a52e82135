// Moving a database: `shanhai copy` from the store under test into a new one
// (SQLite into PostgreSQL when a cluster is available, else into another
// SQLite file) and back, and `shanhai backup` + `shanhai restore` of a SQLite
// file. Every copy passes `shanhai check` and a server on it gives the same
// figures, orders and payables as the original.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, runCli, scratchDatabase, dropScratch, BIN } from './lib.mjs';
import { spawnSync, execFileSync } from 'node:child_process';
import path from 'node:path';

const PERIOD = 'from=2026-01-01&to=2026-12-31';
const VIEWS = [`/api/v1/figures?${PERIOD}`, `/api/v1/figures/sales/records?${PERIOD}`,
  '/api/v1/orders?limit=200', '/api/v1/stock', '/api/v1/lots?limit=200', '/api/v1/linehauls/costs'];
let original, snapshot;
const scratch = [];

async function views(srv) {
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  const out = {};
  for (const v of VIEWS) {
    const r = await admin.get(v);
    assert.equal(r.status, 200, `${v}: ${r.text.slice(0, 300)}`);
    out[v] = r.json;
  }
  return out;
}

function cli(db, args) {
  const r = spawnSync(BIN, ['--db', db, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

async function sameAsOriginal(db) {
  const check = cli(db, ['check']);
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /all checks passed/);
  const srv = await startServer({ db });
  try {
    const got = await views(srv);
    for (const v of VIEWS) assert.deepEqual(got[v], snapshot[v], `${v} differs on the copy`);
  } finally {
    await srv.stop();
  }
}

before(async () => {
  original = await startServer({ demo: true });
  snapshot = await views(original);
  assert.ok(snapshot[VIEWS[0]], 'figures of the demo');
});
after(async () => {
  await original.stop();
  for (const s of scratch) dropScratch(s);
});

test('the demo database is consistent', () => {
  const r = cli(original.db, ['check']);
  assert.equal(r.status, 0, r.out);
});

test('copy into a new store and back gives the same figures', async () => {
  const there = scratchDatabase();            // PostgreSQL when the suite has a cluster
  const back = scratchDatabase({ sqlite: true });
  scratch.push(there, back);
  let r = cli(original.db, ['copy', '--to', there.db]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /copy complete/);
  await sameAsOriginal(there.db);
  r = cli(there.db, ['copy', '--to', back.db]);
  assert.equal(r.status, 0, r.out);
  await sameAsOriginal(back.db);
});

test('a copy never merges into a database that has data', () => {
  const target = scratchDatabase({ sqlite: true });
  scratch.push(target);
  runCli(target.db, ['init']);   // loads the divisions: not empty any more
  const r = cli(original.db, ['copy', '--to', target.db]);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /not empty/);
});

test('backup and restore of a SQLite file give the same figures; a damaged backup is refused', async (t) => {
  if (original.kind !== 'sqlite') { t.skip('backup is the SQLite online backup; PostgreSQL uses pg_dump'); return; }
  const s = scratchDatabase({ sqlite: true });
  scratch.push(s);
  const backup = path.join(s.dir, 'backup.db');
  let r = cli(original.db, ['backup', backup]);
  assert.equal(r.status, 0, r.out);
  const restored = path.join(s.dir, 'restored.db');
  r = cli(restored, ['restore', backup]);
  assert.equal(r.status, 0, r.out);
  await sameAsOriginal(restored);
  r = cli(restored, ['restore', backup]);
  assert.notEqual(r.status, 0, 'an existing database is not replaced without --force');
  assert.match(r.out, /--force/);
  // a backup with a damaged page fails its integrity check and changes nothing
  const fs = await import('node:fs');
  const damaged = path.join(s.dir, 'damaged.db');
  const bytes = fs.readFileSync(backup);
  for (let i = 4096 * 3; i < 4096 * 3 + 512; i++) bytes[i] = 0x5a;
  fs.writeFileSync(damaged, bytes);
  r = cli(restored, ['restore', damaged, '--force']);
  assert.notEqual(r.status, 0, r.out);
  await sameAsOriginal(restored);
});

test('postgresql: pg_dump and pg_restore into a new database give the same figures', async (t) => {
  if (original.kind !== 'postgres') { t.skip('the SQLite store uses shanhai backup'); return; }
  const target = scratchDatabase();
  scratch.push(target);
  const dump = path.join(target.dir, 'shanhai.dump');
  execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, original.db]);
  execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.db}`, dump]);
  await sameAsOriginal(target.db);
});
