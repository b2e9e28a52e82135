// Loads tests/api/t50-fixture.sql (the trace and figures season, see its
// header) into a test server's database with the sqlite3 shell; shared by
// t50-t52.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function loadTraceFixture(srv) {
  const sql = fs.readFileSync(path.join(import.meta.dirname, 't50-fixture.sql'), 'utf8');
  execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', srv.db], { input: sql });
}

// Rows of a query as lines of text (one column) or '|'-separated columns.
export function sqlRows(srv, q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })
    .split('\n').filter((x) => x !== '');
}
