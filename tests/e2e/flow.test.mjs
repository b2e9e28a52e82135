// End-to-end: the embedded web console driven by chromium (playwright-core)
// against a real `shanhai serve --demo` on a fresh SQLite file. One season's
// flow, each role in its own browser context (its own cookie and CSRF token):
// a collector records a delivery; the origin warehouse operator sees the lot
// and the line-hauls, records a packing run through the packing form and
// loads and dispatches a line-haul, which the sales warehouse receives; the
// channel manager imports an order file; the sales
// warehouse fulfils; the public trace page of a parcel names its village.
// Steps that need an endpoint the server does not serve yet are skipped with
// the missing route named (checked first with a plain GET), so the suite says
// exactly what ran. Screenshots of every step go to tests/e2e/artifacts/.
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

// Is GET path served for this role? (404 = the route does not exist yet)
async function served(page, p) {
  return page.evaluate(async (u) => (await fetch(u)).status !== 404, p);
}

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

// The <input> of an el-input marked data-test=name (Element Plus passes the
// attribute on to the input itself, some versions to its wrapper).
const inputOf = (page, name) => page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();

// Choose the first option of an Element Plus select (its popper is teleported).
async function pickFirst(page, sel) {
  await page.locator(sel).click();
  const opt = page.locator('.el-select-dropdown__item:visible').first();
  await opt.click();
  await page.waitForTimeout(400); // let the closing dropdown fade out before the next one opens
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

test('the console is served at / with its assets', async () => {
  const r = await fetch(url + '/');
  assert.equal(r.status, 200);
  const html = await r.text();
  const asset = html.match(/\/assets\/[^"]+\.js/);
  assert.ok(asset, 'index.html names a script under /assets/');
  assert.equal((await fetch(url + asset[0])).status, 200);
});

test('a wrong password is refused on the login form with a message', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${url}/#/login`);
  await page.locator('input[name=username]').fill('collector_yanyuan');
  await page.locator('input[name=password]').fill('not-the-password');
  await page.locator('[data-test=login]').click();
  await page.locator('.el-alert--error').waitFor();
  assert.match(page.url(), /#\/login/);
  await shot(page, '00-login-refused');
  await ctx.close();
});

test('collector records a delivery and gets its receipt', async (t) => {
  const { ctx, page } = await loginAs('collector_yanyuan');
  try {
    await page.waitForURL(/#\/collect/);
    await shot(page, '01-collect-empty');
    for (const p of ['/api/v1/points', '/api/v1/households', '/api/v1/products'])
      if (!(await served(page, p))) { t.skip(`server has no GET ${p} yet`); return; }
    await pickFirst(page, '[data-test=point]');
    await pickFirst(page, '[data-test=household]');
    await pickFirst(page, '[data-test=product]');
    await pickFirst(page, '[data-test=grade]');
    await page.locator('[data-test=unit] label', { hasText: '公斤' }).click();
    await inputOf(page, 'gross').fill('52.4');
    await inputOf(page, 'tare').fill('2.4');
    await page.locator('[data-test=amount]').waitFor();
    await shot(page, '02-collect-filled');
    await page.locator('[data-test=save]').click();
    const saved = page.locator('[data-test=saved]');
    await saved.waitFor();
    await shot(page, '03-collect-saved');
    // 52.4 kg gross less 2.4 kg tare: exactly 50,000 g, recorded once
    const rows = sql(`SELECT code, net_g, amount_fen FROM collections ORDER BY id DESC LIMIT 1`);
    assert.equal(rows[0].net_g, 50000);
    assert.match(await saved.innerText(), new RegExp(rows[0].code));
    const href = await page.locator('[data-test=receipt]').getAttribute('href');
    const r = await page.request.get(url + href);
    assert.equal(r.status(), 200, `receipt ${href}`);
  } finally {
    await ctx.close();
  }
});

test('origin warehouse operator sees FEFO stock and the line-hauls', async () => {
  const { ctx, page } = await loginAs('wh_xichang');
  try {
    await page.waitForURL(/#\/stock/);
    await page.locator('[data-test=stock] .el-table__row').first().waitFor();
    assert.ok(await page.locator('[data-test=stock] .el-table__row').count() > 0);
    await shot(page, '04-stock');
    await page.goto(`${url}/#/linehaul`);
    await page.locator('[data-test=linehauls] .el-table__row').first().waitFor();
    await shot(page, '05-linehaul');
  } finally {
    await ctx.close();
  }
});

test('origin warehouse operator records a packing run that balances', async () => {
  const { ctx, page } = await loginAs('wh_xichang');
  try {
    await page.waitForURL(/#\/stock/);
    await page.locator('[data-test=stock] .el-table__row').first().waitFor();
    await page.locator('.el-tabs__item', { hasText: '包装' }).click();
    await pickFirst(page, '[data-test=pk-in-lot]');
    // the chosen source lot's product decides the SKU: one unit, input exactly its net weight
    const lotCode = (await page.locator('[data-test=pk-in-lot]').innerText()).trim()
      || await page.locator('[data-test=pk-in-lot] .el-select__selected-item').first().innerText();
    const code = lotCode.split('·')[0].trim();
    const sku = sql(`SELECT k.name, k.net_g FROM skus k JOIN lots l ON l.product_id = k.product_id WHERE l.code = '${code.replace(/'/g, "''")}' ORDER BY k.id LIMIT 1`);
    assert.equal(sku.length, 1, `a SKU for lot '${code}'`);
    const n = sku[0].net_g;
    await inputOf(page, 'pk-in-kg').fill(`${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}`);
    await page.locator('[data-test=pk-out-sku]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: sku[0].name }).first().click();
    await page.waitForTimeout(400);
    await inputOf(page, 'pk-out-units').fill('1');
    await shot(page, '04b-packing-filled');
    const before = sql(`SELECT COUNT(*) AS n FROM packings`)[0].n;
    await page.locator('[data-test=pk-save]').click();
    await Promise.race([page.locator('[data-test=pk-saved]').waitFor(), page.locator('.el-alert--error').first().waitFor().then(async () => {
      throw new Error(`packing refused: ${await page.locator('.el-alert--error').first().innerText()}`);
    })]);
    await shot(page, '04c-packing-saved');
    assert.equal(sql(`SELECT COUNT(*) AS n FROM packings`)[0].n, before + 1);
  } finally {
    await ctx.close();
  }
});

test('origin warehouse operator loads a line-haul and dispatches it', async () => {
  const { ctx, page } = await loginAs('wh_xichang');
  try {
    await page.goto(`${url}/#/linehaul`);
    await page.locator('[data-test=lh-lots] .el-table__row').first().waitFor();
    await page.locator('[data-test=lh-lots] .el-table__row .el-checkbox').first().click();
    await inputOf(page, 'lh-plate').fill('川W·E2E01');
    await inputOf(page, 'lh-cost').fill('1800');
    await page.locator('[data-test=lh-create]').click();
    const row = page.locator('[data-test=linehauls] .el-table__row', { hasText: '川W·E2E01' });
    await row.locator('[data-test=lh-dispatch]').click();
    await row.locator('[data-test=lh-receive]').waitFor();
    await shot(page, '05b-linehaul-dispatched');
    const lh = sql(`SELECT status, cost_fen, (SELECT COUNT(*) FROM linehaul_lines l WHERE l.linehaul_id = h.id) AS n FROM linehauls h WHERE plate = '川W·E2E01'`);
    assert.equal(lh.length, 1);
    assert.equal(lh[0].status, 'dispatched');
    assert.equal(lh[0].cost_fen, 180000);
    assert.ok(lh[0].n > 0, 'a lot is on the truck');
  } finally {
    await ctx.close();
  }
});

test('sales warehouse receives the dispatched line-haul in full', async () => {
  const { ctx, page } = await loginAs('wh_ningbo');
  try {
    await page.goto(`${url}/#/linehaul`);
    const row = page.locator('[data-test=linehauls] .el-table__row', { hasText: '川W·E2E01' });
    await row.locator('[data-test=lh-receive]').click();
    await page.locator('[data-test=lh-receive-save]').click();
    await row.locator('[data-test=lh-receive]').waitFor({ state: 'detached' });
    await shot(page, '05c-linehaul-received');
    assert.equal(sql(`SELECT status FROM linehauls WHERE plate = '川W·E2E01'`)[0].status, 'received');
  } finally {
    await ctx.close();
  }
});

test('channel manager imports an order file and sees the orders', async () => {
  // the SKU the demo's orders use most, so the sales warehouse has it in stock
  const code = sql(`SELECT k.code FROM skus k JOIN order_lines l ON l.sku_id = k.id GROUP BY k.id ORDER BY COUNT(*) DESC LIMIT 1`)[0].code;
  const csv = 'order_no,sku,units,unit_price,name,phone,address,division_code,ordered_at\n'
    + `E2E-1,${code},1,59.90,王五,13800009999,浙江省宁波市鄞州区钱湖路 8 号,330212,2026-11-20 09:15\n`;
  const file = path.join(dir, 'orders.csv');
  fs.writeFileSync(file, csv);
  const { ctx, page } = await loginAs('channel_mgr');
  try {
    await page.waitForURL(/#\/orders/);
    await page.locator('[data-test=orders] .el-table__row').first().waitFor();
    await shot(page, '06-orders');
    await page.locator('[data-test=import-open]').click();
    const ch = page.locator('[data-test=import-channel] input');
    await ch.click();
    await ch.fill('LIVE-HT');
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'LIVE-HT' }).first().click();
    await page.locator('[data-test=import-file]').setInputFiles(file);
    await page.locator('[data-test=import-go]').click();
    const res = page.locator('[data-test=import-result]');
    await Promise.race([res.waitFor(), page.locator('.el-dialog .el-alert--error').waitFor().then(async () => {
      throw new Error(`import refused: ${await page.locator('.el-dialog .el-alert--error').innerText()}`);
    })]);
    await shot(page, '07-orders-imported');
    assert.equal(sql(`SELECT COUNT(*) AS n FROM orders WHERE channel_order_no = 'E2E-1'`)[0].n, 1);
  } finally {
    await ctx.close();
  }
});

test('sales warehouse packs the imported order and ships it with a tracking number', async (t) => {
  const { ctx, page } = await loginAs('wh_ningbo');
  try {
    await page.goto(`${url}/#/fulfil`);
    if (!(await served(page, '/api/v1/warehouses'))) { await shot(page, '09-fulfil'); t.skip('server has no GET /api/v1/warehouses yet'); return; }
    await page.locator('[data-test=ff-warehouse]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '宁波' }).first().click();
    const card = page.locator('[data-test=pick-order]', { hasText: 'E2E-1' });
    await card.waitFor();
    await shot(page, '09-fulfil-picklist');
    await card.locator('[data-test=pack]').click();
    await page.waitForTimeout(1500);
    await shot(page, '09b-fulfil-packed');
    const parcel = page.locator('[data-test=parcel]', { hasText: 'E2E-1' });
    await parcel.waitFor();
    await inputOf(parcel, 'ship-carrier').fill('SF');
    await inputOf(parcel, 'ship-tracking').fill('SFE2E0001');
    await inputOf(parcel, 'ship-cost').fill('12.5');
    await parcel.locator('[data-test=ship]').click();
    await parcel.waitFor({ state: 'detached' });
    await shot(page, '10-fulfil-shipped');
    const p = sql(`SELECT p.code, p.status, p.cost_fen FROM parcels p JOIN orders o ON o.id = p.order_id WHERE o.channel_order_no = 'E2E-1'`);
    assert.equal(p.length, 1);
    assert.equal(p[0].status, 'shipped');
    assert.equal(p[0].cost_fen, 1250);
  } finally {
    await ctx.close();
  }
  // the customer's view of that parcel: the public page names where it came from
  const anon = await browser.newContext({ viewport: { width: 420, height: 900 } });
  const pub = await anon.newPage();
  const code = sql(`SELECT p.code FROM parcels p JOIN orders o ON o.id = p.order_id WHERE o.channel_order_no = 'E2E-1'`)[0].code;
  const r = await pub.goto(`${url}/t/${code}`);
  assert.equal(r.status(), 200);
  assert.match(await pub.locator('body').innerText(), /村/);
  await shot(pub, '11-public-trace-e2e-parcel');
  await anon.close();
});

test('trace: the office finds a delivered parcel, the public page names its village', async () => {
  const parcel = sql(`SELECT code FROM parcels WHERE status = 'delivered' ORDER BY id LIMIT 1`)[0].code;
  let villages = [];
  const { ctx, page } = await loginAs('office');
  try {
    await page.goto(`${url}/#/trace`);
    await inputOf(page, 'trace-code').fill(parcel);
    await page.locator('[data-test=trace-go]').click();
    await page.locator('[data-test=trace-timeline]').waitFor();
    await shot(page, '12-trace');
    // the villages the chain goes back to, as the API names them
    villages = await page.evaluate(async (c) => {
      const r = await (await fetch(`/api/v1/trace/${c}`)).json();
      return (r.lots || []).flatMap((l) => (l.sources || []).map((s) => s.place && s.place.village)).filter(Boolean);
    }, parcel);
  } finally {
    await ctx.close();
  }
  const anon = await browser.newContext({ viewport: { width: 420, height: 900 } });
  const pub = await anon.newPage();
  const r = await pub.goto(`${url}/t/${parcel}`);
  assert.equal(r.status(), 200);
  const text = await pub.locator('body').innerText();
  assert.ok(villages.length > 0, 'the trace names the source villages');
  assert.ok(villages.some((v) => text.includes(v)), 'the public trace page names a village');
  await shot(pub, '13-public-trace');
  await anon.close();
});

test('the cooperation office reads the figures dashboard and its Excel export', async () => {
  const { ctx, page } = await loginAs('office');
  try {
    await page.goto(`${url}/#/figures`);
    await page.locator('[data-test=kpis] .kpi').first().waitFor();
    await page.waitForTimeout(1000); // charts draw after the numbers arrive
    assert.match(await page.locator('[data-test=kpis]').innerText(), /销售额/);
    // the demo season has sales and paid households: the cards show numbers, not '—'
    assert.match(await page.locator('[data-metric=sales] .value').innerText(), /¥\s*[1-9]/);
    assert.match(await page.locator('[data-metric=on_time] .value').innerText(), /^\d+\.\d%$/);
    await shot(page, '14-figures');
    const href = await page.locator('[data-test=figures-xlsx]').getAttribute('href');
    const r = await page.request.get(url + href);
    assert.equal(r.status(), 200, href);
    assert.match(r.headers()['content-type'], /spreadsheetml/);
  } finally {
    await ctx.close();
  }
});
