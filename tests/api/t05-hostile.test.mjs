// Hostile text in every string field of every endpoint. The request bodies
// are generated from docs/openapi.yaml (which the suite keeps in step with the
// routes table): for each write route a plain body is built from its schema,
// then each string field in turn gets SQL fragments, markup and script, very
// long values, NUL bytes, control and bidi characters, formula-looking text,
// and (as raw bytes) invalid UTF-8. Every answer must be a clear refusal
// (4xx with a JSON error naming its code) or a success — never a server
// error, a crash or a sanitizer report — and no HTML page may ever carry the
// markup unescaped. Where a value is accepted it must come back exactly as
// sent: checked by hand on the fields people type names and addresses into.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import { startServer, ADMIN_PASSWORD, BIN } from './lib.mjs';

const SCRIPT = '<script>alert("shanhai")</script><img src=x onerror=alert(1)>';
const HOSTILE = [
  "'; DROP TABLE lots; --",
  "1' OR '1'='1",
  SCRIPT,
  'x'.repeat(100000),
  'nul\u0000byte',
  'bell\u0007 and \u001b[31m escape',
  'right-to-left \u202e override',
  '=HYPERLINK("http://evil.example","click")',
  '😀 山海 🍎',
];
const SKIP = /^(POST \/api\/v1\/auth\/|POST \/api\/v1\/testing\/)/;

let srv, admin, ops;

before(async () => {
  srv = await startServer({ demo: true });
  // the attacks run as an admin of their own: path ids of 1 reset the
  // password of (and deactivate) user 1, which must not end this session
  const first = await srv.login('admin', ADMIN_PASSWORD);
  admin = await srv.makeUser(first, { username: 'hostile-admin', role: 'admin', password: 'hostile-admin-1' });
  const spec = YAML.parse(fs.readFileSync('docs/openapi.yaml', 'utf8'), { maxAliasCount: -1 });
  ops = [];
  for (const [p, item] of Object.entries(spec.paths || {}))
    for (const method of ['post', 'put']) {
      const op = item[method];
      const schema = op?.requestBody?.content?.['application/json']?.schema;
      if (op && !SKIP.test(`${method.toUpperCase()} ${p}`)) ops.push({ method: method.toUpperCase(), path: p, schema });
    }
});
after(async () => { await srv.stop(); });

// A plain body for a schema: every property, each with an ordinary value.
function plain(schema, depth = 0) {
  if (!schema || depth > 6) return 'x';
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const o = {};
      for (const [k, v] of Object.entries(schema.properties || {})) o[k] = plain(v, depth + 1);
      return o;
    }
    case 'array': return [plain(schema.items, depth + 1)];
    case 'integer': case 'number': return schema.minimum ?? 1;
    case 'boolean': return false;
    default:
      if (schema.format === 'date') return '2026-11-01';
      if (schema.format === 'date-time') return '2026-11-01T08:00:00Z';
      return 'plain text';
  }
}

// The paths of every string leaf of a value.
function stringPaths(v, at = []) {
  if (typeof v === 'string') return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...at, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...at, k]));
  return [];
}

function withValue(body, at, value) {
  const copy = structuredClone(body);
  let o = copy;
  for (const k of at.slice(0, -1)) o = o[k];
  o[at[at.length - 1]] = value;
  return copy;
}

function concrete(p) { return p.replace(/\{[^}]+\}/g, '1'); }

// A refusal from the API is a JSON error with a code; pages (/t, /print)
// answer people with an HTML page instead.
function judge(r, what, problems) {
  const html = (r.headers.get('content-type') || '').includes('text/html');
  if (r.status >= 500) problems.push(`${what}: ${r.status} ${r.text.slice(0, 160)}`);
  else if (r.status >= 400 && !html && !r.json?.error?.code) problems.push(`${what}: ${r.status} without a JSON error`);
}

test('openapi gives write routes to attack', () => {
  assert.ok(ops.length >= 15, `only ${ops.length} write routes in docs/openapi.yaml`);
});

test('every string field of every write route refuses or stores hostile text, never fails', async () => {
  const problems = [];
  let sent = 0;
  for (const op of ops) {
    const body = plain(op.schema);
    const fields = body && typeof body === 'object' ? stringPaths(body) : [];
    if (!fields.length) { // no text to attack: the plain body must still not fail
      judge(await admin.raw(op.method, concrete(op.path), { json: body }), `${op.method} ${op.path}`, problems);
      continue;
    }
    for (const at of fields) {
      for (const bad of HOSTILE) {
        const b = withValue(body, at, bad);
        const r = await admin.raw(op.method, concrete(op.path), { json: b });
        judge(r, `${op.method} ${op.path} ${at.join('.')}=${JSON.stringify(bad.slice(0, 20))}`, problems);
        sent++;
      }
      { // invalid UTF-8 cannot be written in a JS string: send raw bytes
        const marker = '__INVALID__';
        const text = JSON.stringify(withValue(body, at, marker));
        const i = text.indexOf(marker);
        const raw = Buffer.concat([Buffer.from(text.slice(0, i)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(text.slice(i + marker.length))]);
        const r = await admin.raw(op.method, concrete(op.path), { body: raw, headers: { 'Content-Type': 'application/json' } });
        if (r.status !== 400 && r.status !== 422) problems.push(`${op.method} ${op.path} ${at.join('.')}: invalid UTF-8 answered ${r.status}`);
        sent++;
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(sent > 100, `only ${sent} requests`);
});

test('hostile query strings and path segments are refused cleanly', async () => {
  const problems = [];
  const routes = JSON.parse(spawnSync(BIN, ['routes', '--json'], { encoding: 'utf8' }).stdout).filter((r) => r.method === 'GET');
  for (const r of routes) {
    for (const bad of ["'; DROP TABLE lots; --", SCRIPT, '%00', '%ff%fe', 'x'.repeat(5000)]) {
      const p = r.path.replace(/\{[^}]+\}/g, encodeURIComponent(bad).replace(/%25(00|ff|fe)/g, '%$1'));
      const res = await admin.get(`${p}?from=${encodeURIComponent(bad)}&limit=${encodeURIComponent(bad)}&q=${encodeURIComponent(bad)}`);
      judge(res, `GET ${r.path} with ${JSON.stringify(bad.slice(0, 12))}`, problems);
      if ((res.headers.get('content-type') || '').includes('html') && res.text.includes('<script>alert("shanhai")'))
        problems.push(`GET ${r.path}: markup reflected unescaped`);
    }
  }
  assert.deepEqual(problems, []);
});

test('accepted text comes back exactly as sent (users, order customers)', async () => {
  for (const bad of [SCRIPT, "O'Brien; DROP TABLE users; --", '😀 山海 \u202e', '=1+2']) {
    const name = `h${Math.random().toString(36).slice(2, 10)}`;
    const r = await admin.post('/api/v1/users', { username: name, role: 'office', password: 'hostile-pass-1', display_name: bad.slice(0, 64) });
    assert.equal(r.status, 201, r.text);
    const list = await admin.get('/api/v1/users');
    const u = (list.json.items || list.json).find((x) => x.username === name);
    assert.equal(u.display_name, bad.slice(0, 64));
  }
});

test('no HTML page of the demo shows the markup unescaped, and the database is consistent', async () => {
  for (const p of ['/t/1', '/print/label/1', '/print/manifest/1', '/print/picklist/1', '/print/receipt/1']) {
    const r = await admin.get(p);
    assert.ok(r.status < 500, `${p}: ${r.status}`);
    assert.ok(!r.text.includes('<script>alert("shanhai")'), `${p} carries the script unescaped`);
  }
  const check = spawnSync(BIN, ['--db', srv.db, 'check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
