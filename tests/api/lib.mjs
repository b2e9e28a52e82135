// Harness for the API tests: each test file starts a real `shanhai serve` on a
// free loopback port with a fresh database in a temporary folder, and talks to
// it over HTTP like the console or a channel's order system would.
//
//   const srv = await startServer();            // init, admin user, serve
//   const admin = await srv.login('admin', 'admin-pass-123');
//   const r = await admin.post('/api/v1/users', {...});  // {status, json, text, headers}
//   const col = await srv.makeUser(admin, {username: 'c1', role: 'collector', scopes: {points: [1]}});
//   await srv.stop();
//
// SHANHAI_BIN names the binary (default build/rel/shanhai). The server log is
// kept in srv.logPath so tests can check that no personal data is logged.
// With SHANHAI_TEST_PG=postgres://user@host:port (a throwaway cluster started
// by scripts/pg-temp.sh) each server gets a fresh PostgreSQL database instead
// of a SQLite file; srv.db is then its URL and srv.kind is 'postgres'.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.SHANHAI_BIN || path.resolve('build/rel/shanhai');
export const ADMIN_PASSWORD = 'admin-pass-123';

const PG = process.env.SHANHAI_TEST_PG || '';
export const STORE = PG ? 'postgres' : 'sqlite';

function psql(sql) {
  return execFileSync('psql', [`${PG}/postgres`, '-qAtX', '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// On PostgreSQL the demo takes a minute to load statement by statement, so
// it is loaded once per cluster into a template database (admin user first,
// as startServer does) and each demo server gets a copy of it: CREATE
// DATABASE ... TEMPLATE copies files. Test files run in parallel: the first
// builds the template under a lock directory, the others wait for it.
const TEMPLATE = 'shanhai_demo_template';

function sleepMs(ms) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

function templateExists(name) {
  return psql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`).trim() === '1';
}

// Build the template database `name` once per cluster with build(url) (under
// a lock directory: parallel test files wait for the first), unless it exists.
function ensureTemplate(name, build) {
  const lock = path.join(os.tmpdir(), `shanhai-${name}-${PG.replace(/[^0-9]/g, '')}.lock`);
  for (let waited = 0; !templateExists(name); waited += 500) {
    let mine = false;
    try { fs.mkdirSync(lock); mine = true; } catch { /* someone else builds it */ }
    if (mine) {
      try {
        if (!templateExists(name)) {
          const building = `${name}_building`;
          psql(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
          psql(`CREATE DATABASE ${building}`);
          build(`${PG}/${building}`);
          psql(`ALTER DATABASE ${building} RENAME TO ${name}`);
        }
      } finally {
        fs.rmdirSync(lock);
      }
      return;
    }
    if (waited > 600000) throw new Error(`timed out waiting for the template database ${name}`);
    sleepMs(500);
  }
}

// A new PostgreSQL database for the scratch folder dir, a copy of the
// template `template` (built by build(url) the first time) if one is named.
export function pgDatabase(dir, template = null, build = null) {
  const name = `t_${path.basename(dir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
  if (template) {
    ensureTemplate(template, build);
    psql(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } else {
    psql(`CREATE DATABASE ${name}`);
  }
  return `${PG}/${name}`;
}

function buildDemo(url) {
  runCli(url, ['init']);
  runCli(url, ['user', 'add', 'admin', '--role', 'admin', '--display', '管理员', '--password-stdin'], ADMIN_PASSWORD + '\n');
  runCli(url, ['demo']);
}

// A fresh database: a file in dir, or a new PostgreSQL database (a copy of
// the demo template when demo is asked for).
function freshDatabase(dir, { demo = false } = {}) {
  if (!PG) return path.join(dir, 'test.db');
  return demo ? pgDatabase(dir, TEMPLATE, buildDemo) : pgDatabase(dir);
}

export function dropDatabase(db) {
  if (PG) psql(`DROP DATABASE IF EXISTS ${db.slice(db.lastIndexOf('/') + 1)} WITH (FORCE)`);
}

// Run fixture SQL on a test server's database, with the sqlite3 shell or psql
// (WAL lets the shell write beside the running server). Fixtures insert rows
// with explicit ids; on PostgreSQL the identity counters are then moved past
// them, as 'shanhai copy' does, so the server's own inserts never collide.
const SYNC_IDS = `DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE a.attname = 'id' AND a.attidentity <> '' AND c.relkind = 'r'
      AND c.relnamespace = current_schema()::regnamespace LOOP
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), COALESCE((SELECT MAX(id) FROM %I), 0) + 1, false)', r.relname, r.relname);
  END LOOP; END $$;`;

export function execSql(srv, text) {
  if (srv.db.startsWith('postgres'))
    execFileSync('psql', [srv.db, '-qX', '-v', 'ON_ERROR_STOP=1'], { input: `${text}\n${SYNC_IDS}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  else
    execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', srv.db], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
}

// Rows of a read-only query as objects, on either store.
export function querySql(srv, query) {
  if (srv.db.startsWith('postgres')) {
    const out = execFileSync('psql', [srv.db, '-qAtX', '-c', `SELECT COALESCE(json_agg(t), '[]') FROM (${query}) t`], { encoding: 'utf8' });
    return JSON.parse(out);
  }
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', srv.db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

export function runCli(dbPath, args, input) {
  return execFileSync(BIN, ['--db', dbPath, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export class Client {
  constructor(base, cookie = null, csrf = null, bearer = null) {
    this.base = base;
    this.cookie = cookie;
    this.csrf = csrf;
    this.bearer = bearer;
  }

  async raw(method, p, { body, headers = {}, json } = {}) {
    const h = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    if (this.csrf && method !== 'GET' && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      h['Content-Type'] = 'application/json';
    }
    // a request the server never answers fails the test instead of hanging it
    let res;
    try {
      res = await fetch(this.base + p, { method, headers: h, body: payload, signal: AbortSignal.timeout(60000) });
    } catch (e) {
      throw new Error(`${method} ${p.slice(0, 200)}: ${e.message}`);
    }
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString('utf8');
    let parsed = null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { parsed = JSON.parse(text); } catch { parsed = null; }
    }
    return { status: res.status, json: parsed, text, headers: res.headers, body: buf };
  }

  get(p, opts = {}) { return this.raw('GET', p, opts); }
  post(p, json, opts = {}) { return this.raw('POST', p, { ...opts, json: json ?? {} }); }
  put(p, json, opts = {}) { return this.raw('PUT', p, { ...opts, json: json ?? {} }); }
  patch(p, json, opts = {}) { return this.raw('PATCH', p, { ...opts, json: json ?? {} }); }
  del(p, opts = {}) { return this.raw('DELETE', p, opts); }
}

function waitForUrl(child, logStream) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    child.stderr.on('data', (d) => logStream.write(d));
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

// A new database: a file in a new temporary folder, or a new PostgreSQL
// database when SHANHAI_TEST_PG is set. { dir, db }; removed by dropScratch.
export function scratchDatabase({ sqlite = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shanhai-api-'));
  return { dir, db: sqlite ? path.join(dir, 'test.db') : freshDatabase(dir) };
}

export function dropScratch({ dir, db }) {
  fs.rmSync(dir, { recursive: true, force: true });
  if (db.startsWith('postgres')) dropDatabase(db);
}

// startServer({db}) serves an existing database (a copy, a restore) as it is.
export async function startServer({ demo = false, extraArgs = [], db: existing = null } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shanhai-api-'));
  const fromTemplate = demo && PG && !existing;
  const db = existing || freshDatabase(dir, { demo });
  if (!existing && !fromTemplate) {
    runCli(db, ['init']);
    runCli(db, ['user', 'add', 'admin', '--role', 'admin', '--display', '管理员', '--password-stdin'], ADMIN_PASSWORD + '\n');
  }
  const logPath = path.join(dir, 'server.log');
  const logStream = fs.createWriteStream(logPath);
  const args = ['--db', db, 'serve', '--port', '0', ...(demo ? ['--demo'] : []), ...extraArgs];
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child, logStream);
  const srv = {
    url, db, dir, logPath, child, kind: db.startsWith('postgres') ? 'postgres' : 'sqlite',
    anon: new Client(url),
    async login(username, password) {
      const r = await new Client(url).post('/api/v1/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
      const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
      return new Client(url, cookie, r.json.csrf_token);
    },
    async makeUser(admin, { username, role, scopes = {}, password = 'user-pass-123', display_name }) {
      const r = await admin.post('/api/v1/users', { username, role, password, scopes, display_name: display_name || username });
      if (r.status !== 201) throw new Error(`create ${username} failed: ${r.status} ${r.text}`);
      if (role === 'machine') return { id: r.json.id };
      const c = await srv.login(username, password);
      c.userId = r.json.id;
      return c;
    },
    tokenClient(token) { return new Client(url, null, null, token); },
    log() { return fs.readFileSync(logPath, 'utf8'); },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((res) => child.on('exit', res));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await new Promise((res) => logStream.end(res));
      const log = fs.readFileSync(logPath, 'utf8');
      if (!process.env.SHANHAI_KEEP) {
        fs.rmSync(dir, { recursive: true, force: true });
        if (!existing) dropDatabase(db);
      }
      // the API suite runs the sanitizer build: any report fails the test file
      const bad = log.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
      if (bad) throw new Error(`sanitizer report in the server log: ${bad[0]}\n${log.slice(-4000)}`);
    },
  };
  return srv;
}
