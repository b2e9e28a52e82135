// End-to-end: the figures dashboard's sales charts in Debian's chromium
// against a real `shanhai serve --demo` (harness.mjs). The office opens the
// dashboard; a click on a month's bar opens the sales records of that month
// (the drawer's count and its Excel link are that month's, and the records
// add up to the bar's figure in the API), a click on a channel's bar those of
// that channel. The tallest bar of each chart is clicked at its place in the
// chart's grid (the grid margins are Figures.vue's). Screenshots: tests/e2e/artifacts/figures-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConsole, stopConsole, shot, loginAs } from './harness.mjs';

let server;
before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

// Click the i-th of n bars of the chart el, three quarters down its grid
// (where the tallest bar, the one clicked, always is).
async function clickBar(page, chart, i, n, grid) {
  const box = await chart.boundingBox();
  const w = box.width - grid.left - grid.right;
  const h = box.height - grid.top - grid.bottom;
  await page.mouse.click(box.x + grid.left + (i + 0.5) * (w / n), box.y + grid.top + 0.75 * h);
}

// The query of the drawer's Excel link as an object.
async function drawerQuery(page) {
  const href = await page.locator('.el-drawer [data-test=records-xlsx]').getAttribute('href');
  return Object.fromEntries(new URL(href, server.url).searchParams);
}

test('a bar of the sales charts opens the records of its month or channel', async () => {
  const { ctx, page } = await loginAs(server, 'office');
  try {
    await page.goto(`${server.url}/#/figures`);
    await page.locator('.chart canvas').first().waitFor();
    await page.waitForTimeout(1500);
    const q = await page.evaluate(() => {
      const [from, to] = [...document.querySelectorAll('.el-date-editor input')].map((x) => x.value);
      return { from, to };
    });
    const fig = await page.request.get(`${server.url}/api/v1/figures?from=${q.from}&to=${q.to}`);
    const sales = (await fig.json()).figures.sales;
    assert.ok(sales.by_month.length >= 2, 'the demo season spans months');
    const charts = page.locator('.chart');

    // the month with the most sales
    const m = sales.by_month.reduce((best, x, i) => (x.sales_fen > sales.by_month[best].sales_fen ? i : best), 0);
    const month = sales.by_month[m].month;
    await clickBar(page, charts.nth(0), m, sales.by_month.length, { left: 60, right: 16, top: 44, bottom: 30 });
    const drawer = page.locator('.el-drawer');
    await drawer.locator('.el-drawer__title', { hasText: month }).waitFor();
    const mq = await drawerQuery(page);
    assert.equal(mq.from.slice(0, 7), month);
    assert.equal(mq.to.slice(0, 7), month);
    const recs = await (await page.request.get(`${server.url}/api/v1/figures/sales/records?from=${mq.from}&to=${mq.to}`)).json();
    assert.equal(recs.items.reduce((s, r) => s + r.amount_fen, 0), sales.by_month[m].sales_fen, 'the bar is its records');
    await drawer.locator('.muted', { hasText: `${recs.total} ` }).first().waitFor();
    await shot(page, 'figures-month');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.waitForTimeout(500); // the drawer's overlay fades out

    // the channel with the most sales
    const c = sales.by_channel.reduce((best, x, i) => (x.sales_fen > sales.by_channel[best].sales_fen ? i : best), 0);
    await clickBar(page, charts.nth(1), c, sales.by_channel.length, { left: 60, right: 16, top: 44, bottom: 64 });
    await drawer.locator('[data-test=records-xlsx]').waitFor();
    const cq = await drawerQuery(page);
    assert.equal(cq.channel, sales.by_channel[c].channel);
    const crecs = await (await page.request.get(`${server.url}/api/v1/figures/sales/records?from=${q.from}&to=${q.to}&channel=${cq.channel}`)).json();
    assert.equal(crecs.items.reduce((s, r) => s + r.amount_fen, 0), sales.by_channel[c].sales_fen);
    await drawer.locator('.muted', { hasText: `${crecs.total} ` }).first().waitFor();
    await shot(page, 'figures-channel');
  } finally {
    await ctx.close();
  }
});
