// End-to-end: the console's create dialogs (components/CreateDialog.vue), in
// Debian's chromium against a real `shanhai serve --demo` (harness.mjs).
// Admin opens 基础资料 and creates a collection point whose village is picked
// from the server's division data (searched by code, never typed into the
// request; the option shows its township and county), then a SKU: first refused here (gross below net: the field is
// marked, no request, nothing stored), then refused by the server (a code
// that exists: 409, the message under the code field, nothing stored), then
// created, and given a sale price from a date (a price with three decimals
// refused here first). On 农户与付款 admin registers a household in a village picked the
// same way. Each creation is read back with SQL. An office user sees no
// "new" button. Screenshots: tests/e2e/artifacts/create-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConsole, stopConsole, sqlRows, shot, loginAs, ADMIN_PASSWORD } from './harness.mjs';

let server;
const sql = (q) => sqlRows(server, q);

before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

const input = (dialog, field) => dialog.locator(`[data-field=${field}] input`).first();
const fieldError = (dialog, field) => dialog.locator(`[data-field=${field}] .el-form-item__error`);

async function openCreate(page, tab, kind) {
  await page.locator('.el-tabs__item', { hasText: tab }).click();
  await page.locator(`[data-test=create-${kind}]`).click();
  const dialog = page.locator('.el-dialog', { has: page.locator('[data-test=create-form]') });
  await dialog.waitFor();
  return dialog;
}

// Choose in a select of the dialog the option containing text (typed first when search is given).
async function choose(page, dialog, field, text, search) {
  await dialog.locator(`[data-field=${field}] .el-select`).click();
  if (search) await input(dialog, field).fill(search);
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
  await page.waitForTimeout(300); // the dropdown fades out
}

// A real village (level 5) of the division data, not used by any point yet.
const village = () => sql(`SELECT code, name FROM divisions WHERE level = 5 AND code LIKE '5134%'
  AND code NOT IN (SELECT village_code FROM collection_points) ORDER BY code LIMIT 1`)[0];

test('admin creates a collection point and a SKU; refusals here and by the server change nothing', async () => {
  const { ctx, page } = await loginAs(server, 'admin', ADMIN_PASSWORD);
  try {
    await page.goto(`${server.url}/#/master`);
    await page.locator('[data-test=master-points] .el-table__row').first().waitFor();

    // a collection point in a village picked from the division data
    const v = village();
    let dialog = await openCreate(page, '收购点', 'points');
    await input(dialog, 'code').fill('E2E-PT1');
    await input(dialog, 'name').fill('端到端收购点');
    // the option names the village's township and county, so namesakes differ by more than a code
    const [par] = sql(`SELECT t.name AS township, c.name AS county FROM divisions d
      JOIN divisions t ON t.code = d.parent_code JOIN divisions c ON c.code = t.parent_code WHERE d.code = '${v.code}'`);
    await dialog.locator('[data-field=village_code] .el-select').click();
    await input(dialog, 'village_code').fill(v.code);
    const opt = page.locator('.el-select-dropdown__item:visible', { hasText: v.code }).first();
    await opt.waitFor();
    const optText = await opt.innerText();
    assert.ok(optText.includes(`${v.name} · ${par.township} · ${par.county}`), optText);
    await opt.click();
    await page.waitForTimeout(300); // the dropdown fades out
    const [wh] = sql("SELECT code FROM warehouses WHERE kind = 'origin' ORDER BY id LIMIT 1");
    await choose(page, dialog, 'warehouse_id', wh.code);
    await input(dialog, 'opens').fill('07:00');
    await shot(page, 'create-point');
    await dialog.locator('[data-test=create-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    const pts = sql("SELECT p.name, p.village_code, p.opens, w.code AS wh FROM collection_points p JOIN warehouses w ON w.id = p.warehouse_id WHERE p.code = 'E2E-PT1'");
    assert.deepEqual(pts, [{ name: '端到端收购点', village_code: v.code, opens: '07:00', wh: wh.code }]);
    await page.locator('[data-test=master-points] .el-table__row', { hasText: 'E2E-PT1' }).waitFor();
    assert.equal(sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'point.create'")[0].n, 1);

    // a SKU: gross below net is refused here, under the field, with no request
    const skus = () => sql('SELECT COUNT(*) AS n FROM skus')[0].n;
    const before = skus();
    const [prod] = sql('SELECT id, code FROM products ORDER BY id LIMIT 1');
    const [taken] = sql('SELECT code FROM skus ORDER BY id LIMIT 1');
    dialog = await openCreate(page, '商品 SKU', 'skus');
    await input(dialog, 'code').fill(taken.code);
    await input(dialog, 'name').fill('端到端礼盒 3kg');
    await choose(page, dialog, 'product_id', prod.code);
    await input(dialog, 'net_g').fill('3000');
    await input(dialog, 'gross_g').fill('2900');
    await dialog.locator('[data-test=create-save]').click();
    await fieldError(dialog, 'gross_g').waitFor();
    assert.match(await fieldError(dialog, 'gross_g').innerText(), /毛重不能小于净重/);
    assert.equal(skus(), before, 'refused here: nothing stored');

    // the server refuses a code that exists: its message stands under the code
    await input(dialog, 'gross_g').fill('3200');
    await dialog.locator('[data-test=create-save]').click();
    await fieldError(dialog, 'code').waitFor();
    assert.match(await fieldError(dialog, 'code').innerText(), /编码已存在/);
    await fieldError(dialog, 'gross_g').waitFor({ state: 'hidden' }); // the fixed field is no longer marked
    assert.equal(skus(), before, 'refused by the server: nothing stored');
    await shot(page, 'create-sku-refused');

    await input(dialog, 'code').fill('E2E-SKU-3');
    await dialog.locator('[data-test=create-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    const made = sql("SELECT product_id, name, net_g, gross_g FROM skus WHERE code = 'E2E-SKU-3'");
    assert.deepEqual(made, [{ product_id: prod.id, name: '端到端礼盒 3kg', net_g: 3000, gross_g: 3200 }]);
    assert.equal(skus(), before + 1);
    await page.locator('[data-test=master-skus] .el-table__row', { hasText: 'E2E-SKU-3' }).waitFor();

    // its sale price from a date: an amount with three decimals is refused here, then ¥39.90 is stored as 3990 fen
    dialog = await openCreate(page, '销售价', 'sku-prices');
    await choose(page, dialog, 'sku_id', 'E2E-SKU-3');
    await input(dialog, 'valid_from').fill('2026-12-01');
    await input(dialog, 'valid_from').press('Enter');
    await input(dialog, 'price_fen').fill('39.905');
    await dialog.locator('[data-test=create-save]').click();
    await fieldError(dialog, 'price_fen').waitFor();
    assert.match(await fieldError(dialog, 'price_fen').innerText(), /最多两位小数/);
    await input(dialog, 'price_fen').fill('39.90');
    await dialog.locator('[data-test=create-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(sql("SELECT sp.valid_from, sp.price_fen FROM sku_prices sp JOIN skus s ON s.id = sp.sku_id WHERE s.code = 'E2E-SKU-3'"),
      [{ valid_from: '2026-12-01', price_fen: 3990 }]);
    await page.locator('[data-test=master-sku-prices] .el-table__row', { hasText: '39.90' }).waitFor();
  } finally {
    await ctx.close();
  }
});

test('admin registers a household in a village picked from the division data', async () => {
  const { ctx, page } = await loginAs(server, 'admin', ADMIN_PASSWORD);
  try {
    await page.goto(`${server.url}/#/households`);
    await page.locator('.el-table__row').first().waitFor();
    const v = village();
    await page.locator('[data-test=create-household]').click();
    const dialog = page.locator('.el-dialog', { has: page.locator('[data-test=create-form]') });
    await dialog.waitFor();
    // nothing filled: the required fields are marked, nothing is sent
    await dialog.locator('[data-test=create-save]').click();
    await fieldError(dialog, 'head_name').waitFor();
    await fieldError(dialog, 'village_code').waitFor();
    await input(dialog, 'code').fill('E2E-HH1');
    await input(dialog, 'head_name').fill('测试户主');
    await choose(page, dialog, 'village_code', v.code, v.code);
    await input(dialog, 'members').fill('4');
    await dialog.locator('[data-field=lifted_from_poverty] .el-switch').click();
    await shot(page, 'create-household');
    await dialog.locator('[data-test=create-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    const hh = sql("SELECT head_name, village_code, members, lifted_from_poverty AS lifted FROM households WHERE code = 'E2E-HH1'");
    assert.deepEqual(hh, [{ head_name: '测试户主', village_code: v.code, members: 4, lifted: 1 }]);
  } finally {
    await ctx.close();
  }
});

test('an office user gets no create button', async () => {
  const { ctx, page } = await loginAs(server, 'office');
  try {
    await page.goto(`${server.url}/#/households`);
    await page.locator('.el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-test=create-household]').count(), 0);
  } finally {
    await ctx.close();
  }
});
