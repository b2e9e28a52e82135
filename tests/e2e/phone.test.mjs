// End-to-end: the households screen (农户与付款) on a phone, 390 px wide, in
// Debian's chromium against a real `shanhai serve --demo` (harness.mjs). A
// collector's household list, a household's ledger in the drawer and the
// payables list are stacked cards there: neither the page nor any card list
// scrolls sideways, every card lies inside the screen, and the ledger shows
// every entry the store holds for the household. Back at laptop width the
// tables return. Screenshots: tests/e2e/artifacts/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startConsole, stopConsole, sqlRows, settled, loginAs, ART } from './harness.mjs';

const PHONE = { width: 390, height: 844 };
let server;

// What the phone's screen shows (not the whole page).
const shot = (page, name) => page.screenshot({ path: path.join(ART, `${name}.png`) });

before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

// The page's and the card list's widths, and the cards' extent, at this moment.
function layout(page, cards) {
  return page.evaluate((sel) => {
    const doc = document.scrollingElement;
    const list = document.querySelector(sel);
    const rights = list ? [...list.children].map((c) => c.getBoundingClientRect().right) : [];
    return { docScroll: doc.scrollWidth, docClient: doc.clientWidth, listScroll: list && list.scrollWidth,
      listClient: list && list.clientWidth, cards: rights.length, maxRight: Math.max(0, ...rights), vw: window.innerWidth };
  }, cards);
}

function assertNoSideScroll(m, what) {
  assert.ok(m.docScroll <= m.docClient, `${what}: the page does not scroll sideways ${JSON.stringify(m)}`);
  assert.ok(m.listScroll !== null, `${what}: the card list is shown ${JSON.stringify(m)}`);
  assert.ok(m.listScroll <= m.listClient, `${what}: the card list does not scroll sideways ${JSON.stringify(m)}`);
  assert.ok(m.maxRight <= m.vw + 0.5, `${what}: every card inside the ${m.vw}px screen ${JSON.stringify(m)}`);
}

test('a collector reads the households, a ledger and the payables on a 390 px phone without sideways scrolling', async () => {
  const { ctx, page } = await loginAs(server, 'collector_yanyuan');
  try {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/households`);
    await page.locator('[data-test=households-cards] .card').first().waitFor();
    const list = await layout(page, '[data-test=households-cards]');
    assertNoSideScroll(list, 'household list');
    assert.ok(list.cards > 0);
    assert.equal(await page.locator('.el-table').count(), 0, 'no wide table on the phone');
    await shot(page, 'phone-households');

    // of the households shown, the one with the longest ledger
    const codes = (await page.locator('[data-test=households-cards] .card b').allInnerTexts()).map((c) => c.trim());
    const quoted = codes.map((c) => `'${c.replace(/'/g, "''")}'`).join(',');
    const [chosen] = sqlRows(server, `SELECT h.code, COUNT(l.household_id) AS n FROM households h
      LEFT JOIN household_ledger l ON l.household_id = h.id WHERE h.code IN (${quoted})
      GROUP BY h.id, h.code ORDER BY n DESC, h.code LIMIT 1`);
    assert.ok(chosen.n > 0, 'a household shown has ledger entries');
    await page.locator('[data-test=households-cards] .card', { hasText: chosen.code }).first().click();
    const drawer = page.locator('.el-drawer');
    await drawer.locator('[data-test=ledger-cards]').waitFor();
    await drawer.locator('[data-test=ledger-cards] .card').first().waitFor();
    await settled(page, '.el-drawer'); // the drawer's opening animation
    const led = await layout(page, '[data-test=ledger-cards]');
    assertNoSideScroll(led, 'ledger');
    assert.equal(led.cards, chosen.n, 'one card per ledger entry of the household');
    const d = await page.evaluate(() => {
      const el = document.querySelector('.el-drawer').getBoundingClientRect();
      const body = document.querySelector('.el-drawer .el-drawer__body');
      return { left: el.left, right: el.right, bodyScroll: body.scrollWidth, bodyClient: body.clientWidth };
    });
    assert.ok(d.left >= 0 && d.right <= PHONE.width + 0.5, `the drawer fits the screen ${JSON.stringify(d)}`);
    assert.ok(d.bodyScroll <= d.bodyClient, `the drawer does not scroll sideways ${JSON.stringify(d)}`);
    assert.equal(await drawer.locator('.el-table').count(), 0, 'the ledger is cards, not a table');
    await shot(page, 'phone-ledger');

    // at laptop width the ledger is a table again, with the same entries
    await page.setViewportSize({ width: 1280, height: 860 });
    await drawer.locator('.el-table').waitFor();
    assert.equal(await drawer.locator('.el-table__body .el-table__row').count(), chosen.n);
    await page.setViewportSize(PHONE);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.locator('.el-tabs__item', { hasText: '应付清单' }).click();
    await page.locator('[data-test=payables-cards]').waitFor();
    await page.waitForTimeout(300);
    const pay = await layout(page, '[data-test=payables-cards]');
    assertNoSideScroll(pay, 'payables');
    await shot(page, 'phone-payables');
  } finally {
    await ctx.close();
  }
});
