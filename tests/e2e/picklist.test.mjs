// End-to-end: a long pick list on the fulfilment screen (发货), in Debian's
// chromium against a real `shanhai serve` with the demo (harness.mjs). 250
// more orders are sent to the origin warehouse (direct parcels to Sichuan
// customers) through the bulk API, so its pick list holds more than one read
// of the cursor (GET /api/v1/picklists?after=, 200 allocations a read): the
// screen shows the whole list's order count and totals from the first read,
// "load more" brings the rest, merged by order, until every waiting order
// is shown once and the button goes; the print link pages by the same cursor.
// Screenshot (the screen, before "load more"): tests/e2e/artifacts/picklist-first.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startConsole, stopConsole, sqlRows, loginAs, adminApi, ADMIN_PASSWORD, ART } from './harness.mjs';

let server;
const N = 250;
before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

const waiting = (wh) => sqlRows(server, `SELECT COUNT(DISTINCT ol.order_id) AS n, COALESCE(SUM(a.qty_g), 0) AS g
  FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
  WHERE a.warehouse_id = ${wh} AND a.state = 'reserved' AND ol.status = 'allocated'`)[0];

test('the pick list of a long backlog: totals of the whole list, then "load more" until every order is shown', async () => {
  const api = await adminApi(server);
  const orders = Array.from({ length: N }, (_, i) => ({
    channel: 'ECOM-YL', order_no: `PL-E2E-${i}`,
    customer: { name: '测试客户', address: '四川省成都市锦江区春熙路 1 号', division_code: '510104' },
    lines: [{ sku: 'YY-APL-80-5K', units: 1, unit_price_fen: 5990 }],
  }));
  const r = await api('POST', '/api/v1/orders/bulk', { orders });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  const [wh] = sqlRows(server, "SELECT id FROM warehouses WHERE code = 'XC-ORIGIN'");
  const want = waiting(wh.id);
  assert.ok(Number(want.n) > N, JSON.stringify(want));

  const { ctx, page } = await loginAs(server, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/#/fulfil`);
  await page.locator('[data-test=ff-warehouse]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '西昌' }).first().click();
  await page.locator('[data-test=pick-total]', { hasText: `共 ${want.n} 单` }).waitFor();
  const cards = page.locator('[data-test=pick-order]');
  await page.locator('[data-test=pick-more]').waitFor();
  const firstRead = await cards.count();
  assert.ok(firstRead > 0 && firstRead < Number(want.n), `the first read shows part of the list (${firstRead})`);
  // the totals are of the whole list already
  const units = await page.locator('.el-table__body tr td:nth-child(3)').allInnerTexts();
  const apples = sqlRows(server, `SELECT SUM(a.qty_g) AS g FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
    JOIN skus k ON k.id = ol.sku_id WHERE a.warehouse_id = ${wh.id} AND a.state = 'reserved' AND ol.status = 'allocated'`)[0];
  assert.ok(units.length > 0);
  assert.ok(Number(apples.g) > 0);
  await page.screenshot({ path: path.join(ART, 'picklist-first.png') });
  await page.locator('[data-test=pick-more-button]').click();
  await page.locator('[data-test=pick-more]').waitFor({ state: 'detached' });
  assert.equal(await cards.count(), Number(want.n), 'every waiting order shown once');
  const shown = await cards.locator('b').allInnerTexts();
  assert.equal(new Set(shown).size, shown.length, 'no order shown twice');
  for (const no of ['PL-E2E-0', `PL-E2E-${N - 1}`]) assert.ok(shown.includes(no), no);

  // the printable list pages by the same cursor, the totals on its first page
  const href = await page.locator('a', { hasText: '打印拣货单' }).getAttribute('href');
  assert.equal(href, `/print/picklist/${wh.id}?after=0`);
  const print = await ctx.newPage();
  await print.goto(server.url + href);
  await print.locator('text=按批次汇总').waitFor();
  await print.locator(`text=Orders waiting: ${want.n}`).waitFor();
  await print.locator('a', { hasText: 'Next page' }).click();
  await print.locator('text=totals on the first page').waitFor();
  await ctx.close();
});
