// Shared set-up of the end-to-end tests: a fresh store with an admin (SQLite,
// or with SHANHAI_TEST_PG a copy of a PostgreSQL template database that
// holds the admin and the demo, built once per cluster by tests/api/lib.mjs),
// a real `shanhai serve --demo` on a free port, and one headless chromium
// (playwright-core, /usr/bin/chromium) with the flags every test file uses;
// then logging in through the console's form, screenshots, read-only SQL, and
// the teardown that fails the file if the server's log has a sanitizer report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { STORE, pgDatabase, dropDatabase, querySql } from '../api/lib.mjs';

export const BIN = process.env.SHANHAI_BIN || path.resolve('build/rel/shanhai');
export const ART = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
export const PASSWORD = 'shanhai2026'; // the demo logins' shared password (src/app/demo.c)
export const ADMIN_PASSWORD = 'e2e-admin-pass-1';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The one chromium launch. playwright refuses --user-data-dir in launch(); it
// gives every launch a fresh temporary profile itself.
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

// Resolves to the server's base URL once it prints it; its stderr goes to server.log.
function spawnServer(server) {
  return new Promise((resolve, reject) => {
    server.child = spawn(BIN, ['--db', server.db, 'serve', '--port', '0', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(path.join(server.dir, 'server.log'));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30000);
    server.child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    server.child.stderr.on('data', (d) => log.write(d));
    server.child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

// A new store with the schema and the e2e admin.
function prepareStore(db) {
  execFileSync(BIN, ['--db', db, 'init'], { stdio: 'ignore' });
  execFileSync(BIN, ['--db', db, 'user', 'add', 'admin', '--role', 'admin', '--display', '管理员', '--password-stdin'],
    { input: ADMIN_PASSWORD + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
}

function runDemo(db) {
  execFileSync(BIN, ['--db', db, 'demo'], { stdio: 'ignore' });
}

// A fresh store with the e2e admin, served with the demo data, and a browser.
// Returns { dir, db, url, child, browser }.
export async function startConsole() {
  fs.mkdirSync(ART, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shanhai-e2e-'));
  const server = { dir, db: path.join(dir, 'e2e.db'), url: null, child: null, browser: null };
  if (STORE === 'postgres') {
    // the demo loads in about a minute on PostgreSQL: once, into the template
    server.db = pgDatabase(dir, 'shanhai_e2e_template', (url) => { prepareStore(url); runDemo(url); });
  } else {
    prepareStore(server.db);
  }
  server.url = await spawnServer(server);
  server.browser = await launchChromium();
  return server;
}

// Closes the browser, stops the server (SIGTERM, then SIGKILL after 5 s),
// removes the store (unless SHANHAI_KEEP) and asserts a clean server log.
export async function stopConsole(server) {
  if (!server) return;
  if (server.browser) await server.browser.close();
  const child = server.child;
  if (child && child.exitCode === null) {
    const exited = new Promise((res) => child.on('exit', res));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const log = fs.readFileSync(path.join(server.dir, 'server.log'), 'utf8');
  if (!process.env.SHANHAI_KEEP) {
    fs.rmSync(server.dir, { recursive: true, force: true });
    if (STORE === 'postgres') dropDatabase(server.db);
  }
  const bad = log.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
  assert.equal(bad, null, 'sanitizer report in the server log');
}

// Rows of a read-only query on the server's store (on SQLite WAL lets the shell read beside it).
export function sqlRows(server, q) {
  return querySql(server, q);
}

// Resolves once the first element matching selector has kept its box for
// 100 ms (a drawer sliding in, a layout after a resize): measure after this.
export async function settled(page, selector) {
  await page.evaluate(() => { window.__settledBox = null; }); // no box from an earlier call
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const box = `${r.left},${r.top},${r.width},${r.height}`;
    const still = window.__settledBox === box;
    window.__settledBox = box;
    return still;
  }, selector, { polling: 100 });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ART, `${name}.png`), fullPage: true });
}

// A new browser context logged in through the console's login form.
export async function loginAs(server, username, password = PASSWORD) {
  const ctx = await server.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${server.url}/#/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('[data-test=login]').click();
  await page.waitForURL((u) => !u.hash.startsWith('#/login'));
  return { ctx, page };
}

// The admin's API session over fetch (for setting up what a test is not
// about): api(method, path, body) -> {status, text, json}.
export async function adminApi(server) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  assert.equal(r.status, 200);
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const csrf = (await r.json()).csrf_token;
  return async (method, p, body) => {
    const res = await fetch(server.url + p, {
      method, headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : null };
  };
}
