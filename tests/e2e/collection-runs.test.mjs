// End-to-end: the village collection runs screen (集货线路) in Debian's
// chromium against a real `shanhai serve --demo` on a fresh SQLite file (the
// launch pattern of flow.test.mjs). The origin warehouse operator opens the
// screen, picks a day of the demo season and plans it: the table shows one
// row per stored run, the Leaflet map draws the county outlines, a marker for
// every point of the warehouse and a line per run, with no online tiles. Then
// the operator opens what the plan is made from (expected loads, vehicles),
// sets an override for a point that expected nothing and plans again: the
// point is on a run. Screenshots go to tests/e2e/artifacts/collection-runs*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const BIN = process.env.SHANHAI_BIN || path.resolve('build/rel/shanhai');
const ART = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
const PASSWORD = 'shanhai2026'; // the demo logins' shared password (src/app/demo.c)
const ADMIN_PASSWORD = 'e2e-admin-pass-1';

let dir, db, child, url, browser;

function startServer() {
  return new Promise((resolve, reject) => {
    child = spawn(BIN, ['--db', db, 'serve', '--port', '0', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(path.join(dir, 'server.log'));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    child.stderr.on('data', (d) => log.write(d));
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

const sql = (q) => JSON.parse(execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }) || '[]');

async function shot(page, name) {
  await page.screenshot({ path: path.join(ART, `${name}.png`), fullPage: true });
}

// A new browser context logged in through the console's login form.
async function loginAs(username, password = PASSWORD) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${url}/#/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('[data-test=login]').click();
  await page.waitForURL((u) => !u.hash.startsWith('#/login'));
  return { ctx, page };
}

before(async () => {
  fs.mkdirSync(ART, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shanhai-e2e-'));
  db = path.join(dir, 'e2e.db');
  execFileSync(BIN, ['--db', db, 'init'], { stdio: 'ignore' });
  execFileSync(BIN, ['--db', db, 'user', 'add', 'admin', '--role', 'admin', '--display', '管理员', '--password-stdin'],
    { input: ADMIN_PASSWORD + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
  url = await startServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    // playwright refuses --user-data-dir in launch(); it gives every launch a fresh temporary profile itself
  });
});

after(async () => {
  if (browser) await browser.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((res) => child.on('exit', res));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
  if (!process.env.SHANHAI_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  const bad = log.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
  assert.equal(bad, null, 'sanitizer report in the server log');
});

test('the origin operator plans a day: runs in the table, points and runs on the offline map', async () => {
  const last = sql('SELECT MAX(collected_on) AS d FROM collections')[0].d;
  const day = new Date(Date.parse(`${last}T00:00:00Z`) + 7 * 86400000).toISOString().slice(0, 10);
  const { ctx, page } = await loginAs('wh_xichang');
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
  await page.goto(`${url}/#/collection-runs`);
  await page.locator('[data-test=cr-map] path.leaflet-interactive').first().waitFor();
  const date = page.locator('[data-test=cr-date] input, input[data-test=cr-date]').first();
  await date.fill(day);
  await date.press('Enter');
  await page.locator('h2').click(); // close the picker
  await page.locator('[data-test=cr-plan]').click();
  await page.locator('[data-test=cr-summary]').waitFor();
  const plans = sql(`SELECT id, status FROM collection_plans WHERE plan_date = '${day}'`);
  assert.equal(plans.length, 1, 'one plan stored');
  const runs = sql(`SELECT COUNT(*) AS n FROM collection_plan_runs WHERE plan_id = ${plans[0].id}`)[0].n;
  const stops = sql(`SELECT COUNT(*) AS n FROM collection_plan_stops s JOIN collection_plan_runs r ON r.id = s.run_id WHERE r.plan_id = ${plans[0].id}`)[0].n;
  assert.ok(runs >= 1);
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=cr-runs] .el-table__body tr').length === n, runs);
  assert.equal(await page.locator('[data-test=cr-stop]').count(), stops);
  // every active point of the warehouse is a marker; every run a line
  const points = sql("SELECT COUNT(*) AS n FROM collection_points p JOIN warehouses w ON w.id = p.warehouse_id WHERE w.code = 'XC-ORIGIN' AND p.active = 1")[0].n;
  assert.equal(await page.locator('[data-test=cr-map] path.cr-point').count(), points);
  assert.ok(await page.locator('[data-test=cr-map] .cr-county').count() >= 17, 'county outlines labelled');
  assert.match(await page.locator('[data-test=cr-summary]').innerText(), /车次/);
  assert.match(await page.locator('.cr-note').innerText(), /近似/);
  await shot(page, 'collection-runs');

  // what the plan is made from; an override for an idle point, then plan again
  await page.locator('[data-test=cr-inputs] .el-collapse-item__header').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=cr-forecasts] .el-table__body tr').length === n, points);
  assert.equal(await page.locator('[data-test=cr-vehicles] .el-table__body tr').count(),
    sql("SELECT COUNT(*) AS n FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id WHERE w.code = 'XC-ORIGIN'")[0].n);
  const idle = sql(`SELECT p.code FROM collection_points p WHERE p.active = 1 AND p.id NOT IN (SELECT s.point_id FROM collection_plan_stops s JOIN collection_plan_runs r ON r.id = s.run_id WHERE r.plan_id = ${plans[0].id}) ORDER BY p.code = 'ZJ-SCH-SH' DESC, p.id`)[0].code;
  const row = page.locator('[data-test=cr-forecasts] .el-table__body tr', { hasText: idle });
  await row.locator('input').fill('500');
  await row.locator('button').click();
  await page.waitForFunction(() => document.querySelector('[data-test=cr-forecasts]').innerText.includes('500 kg'));
  assert.equal(sql(`SELECT expected_g FROM collection_forecast_overrides o JOIN collection_points p ON p.id = o.point_id WHERE p.code = '${idle}' AND o.on_date = '${day}'`)[0].expected_g, 500000);
  await page.locator('[data-test=cr-plan]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=cr-stop]').length === n, stops + 1);
  const latest = sql(`SELECT id FROM collection_plans WHERE plan_date = '${day}' ORDER BY id DESC LIMIT 1`)[0].id;
  assert.equal(sql(`SELECT COUNT(*) AS n FROM collection_plan_stops s JOIN collection_plan_runs r ON r.id = s.run_id JOIN collection_points p ON p.id = s.point_id WHERE r.plan_id = ${latest} AND p.code = '${idle}' AND s.load_g = 500000 AND s.forecast_source = 'override'`)[0].n, 1);
  assert.match(await page.locator('[data-test=cr-runs]').innerText(), /500 kg/);
  await shot(page, 'collection-runs-override');
  // the same screen in English
  await page.locator('.el-radio-button', { hasText: 'EN' }).click();
  await page.locator('h2', { hasText: 'Collection runs' }).waitFor();
  assert.match(await page.locator('[data-test=cr-runs]').innerText(), /Vehicle/);
  assert.match(await page.locator('.cr-note').innerText(), /approximate/);
  await shot(page, 'collection-runs-en');
  assert.deepEqual(outside, [], 'the map fetched something from outside the server');
  await ctx.close();
});
