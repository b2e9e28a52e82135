// End-to-end: the console's edit dialogs for the objects the API can PATCH,
// in Debian's chromium against a real `shanhai serve --demo` (harness.mjs).
// Admin opens 基础资料, edits a channel's name and kind and a collection
// point's hours: the change reaches the store (read back with SQL) and the
// list shows it; a bad value (a time that is no time, a weight that is no
// whole number) is refused with the field named and the store unchanged;
// a household's 脱贫户 flag is edited from its ledger drawer; in English the
// dialog's own words are English. Screenshots: tests/e2e/artifacts/edit-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConsole, stopConsole, sqlRows, shot, loginAs, ADMIN_PASSWORD } from './harness.mjs';

let server;
const sql = (q) => sqlRows(server, q);

before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

// The dialog's input for a field (EditDialog marks each form item with data-field).
const input = (dialog, field) => dialog.locator(`[data-field=${field}] input`);

async function openEdit(page, tab, code) {
  await page.locator('.el-tabs__item', { hasText: tab }).click();
  await page.locator(`[data-test=edit-${code}]`).click();
  const dialog = page.locator('.el-dialog', { has: page.locator('[data-test=edit-form]') });
  await dialog.waitFor();
  return dialog;
}

test('admin edits a channel and a collection point; the change reaches the server, a bad value changes nothing', async () => {
  const { ctx, page } = await loginAs(server, 'admin', ADMIN_PASSWORD);
  try {
    await page.goto(`${server.url}/#/master`);
    await page.locator('[data-test=master-points] .el-table__row').first().waitFor();
    const [ch] = sql("SELECT id, code, name, kind FROM channels ORDER BY id LIMIT 1");
    let dialog = await openEdit(page, '渠道', ch.code);
    assert.equal(await input(dialog, 'name').inputValue(), ch.name, 'the dialog opens with the current name');
    await input(dialog, 'name').fill(`${ch.name}（新名）`);
    await dialog.locator('[data-field=kind] .el-select').click();
    const kind = ch.kind === 'fair' ? 'union' : 'fair';
    await page.locator('.el-select-dropdown__item:visible', { hasText: kind }).first().click();
    await shot(page, 'edit-channel');
    await dialog.locator('[data-test=edit-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    const [after] = sql(`SELECT name, kind FROM channels WHERE id = ${ch.id}`);
    assert.deepEqual(after, { name: `${ch.name}（新名）`, kind });
    await page.locator('[data-test=master-channels] .el-table__row', { hasText: `${ch.name}（新名）` }).waitFor();
    const audit = sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'channel.update'`);
    assert.equal(audit[0].n, 1, 'the change is audited once');

    // a collection point: hours changed; then a time that is no time is refused
    const [pt] = sql("SELECT id, code, opens, closes FROM collection_points ORDER BY id LIMIT 1");
    dialog = await openEdit(page, '收购点', pt.code);
    await input(dialog, 'opens').fill('07:30');
    await dialog.locator('[data-test=edit-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(sql(`SELECT opens FROM collection_points WHERE id = ${pt.id}`)[0].opens, '07:30');
    dialog = await openEdit(page, '收购点', pt.code);
    assert.equal(await input(dialog, 'opens').inputValue(), '07:30', 'the list was read again');
    await input(dialog, 'closes').fill('25:99');
    await dialog.locator('[data-test=edit-save]').click();
    await dialog.locator('[data-test=error]').waitFor();
    const refusal = await dialog.locator('[data-test=error]').innerText();
    assert.match(refusal, /closes/);
    // in Chinese, every line of the refusal is the server's Chinese text
    assert.match(refusal, /时间格式应为 HH:MM/);
    assert.doesNotMatch(refusal, /must be a time/);
    assert.equal(sql(`SELECT closes FROM collection_points WHERE id = ${pt.id}`)[0].closes, pt.closes, 'refused: nothing changed');
    await shot(page, 'edit-point-refused');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // a SKU's net weight that is no whole number is refused before any request
    const [sku] = sql("SELECT id, code, net_g FROM skus ORDER BY id LIMIT 1");
    dialog = await openEdit(page, '商品 SKU', sku.code);
    await input(dialog, 'net_g').fill('5.5');
    await dialog.locator('[data-test=edit-save]').click();
    assert.match(await dialog.locator('[data-test=error]').innerText(), /净重/);
    assert.equal(sql(`SELECT net_g FROM skus WHERE id = ${sku.id}`)[0].net_g, sku.net_g);
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // in English the dialog speaks English
    await page.locator('.el-radio-button', { hasText: 'EN' }).click();
    dialog = await openEdit(page, 'Products', sql('SELECT code FROM products ORDER BY id LIMIT 1')[0].code);
    const labels = await dialog.locator('.el-form-item__label, .el-button').allInnerTexts();
    assert.ok(labels.length > 5);
    assert.deepEqual(labels.filter((t) => /[\u4e00-\u9fff]/.test(t)), [], 'no Chinese in the English dialog');
    await shot(page, 'edit-product-en');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    await ctx.close();
  }
});

test('admin edits a household\'s 脱贫户 flag from its drawer', async () => {
  const { ctx, page } = await loginAs(server, 'admin', ADMIN_PASSWORD);
  try {
    await page.goto(`${server.url}/#/households`);
    const [hh] = sql('SELECT id, code, lifted_from_poverty AS lifted FROM households ORDER BY id LIMIT 1');
    await page.locator('.el-table__row', { hasText: hh.code }).first().click();
    await page.locator('[data-test=edit-household]').click();
    const dialog = page.locator('.el-dialog', { has: page.locator('[data-test=edit-form]') });
    await dialog.waitFor();
    await dialog.locator('[data-field=lifted_from_poverty] .el-switch').click();
    await dialog.locator('[data-test=edit-save]').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(sql(`SELECT lifted_from_poverty AS l FROM households WHERE id = ${hh.id}`)[0].l, hh.lifted ? 0 : 1);
  } finally {
    await ctx.close();
  }
});
