// Loads tests/api/t50-fixture.sql (the trace and figures season, see its
// header) into a test server's database — with the sqlite3 shell, or with
// psql when the suite runs on PostgreSQL (srv.kind) — and reads rows back;
// shared by t50-t52.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function run(srv, sql) {
  if (srv.kind === 'postgres')
    return execFileSync('psql', [srv.db, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: sql, encoding: 'utf8' });
  return execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', srv.db], { input: sql, encoding: 'utf8' });
}

export function loadTraceFixture(srv) {
  run(srv, fs.readFileSync(path.join(import.meta.dirname, 't50-fixture.sql'), 'utf8'));
}

// Run SQL; the rows of its last query as lines of text ('|' between columns).
export function sqlRows(srv, q) {
  return run(srv, q.trim().endsWith(';') ? q : `${q};`).split('\n').filter((x) => x !== '');
}
