// End-to-end: the collector's daily screen (集货登记) on a small phone,
// 360 × 740, in Debian's chromium against a real `shanhai serve --demo`
// (harness.mjs). A collector records a delivery there: the page never
// scrolls sideways (empty, filled, saved), the form is one column (product
// above grade, gross above tare), the touch targets are at least 44 px high,
// the saved delivery shows as a receipt card inside the screen with the
// receipt number the store holds, today's entries are cards, and the
// printable receipt page fits the screen too. The warehouse's lots/stock
// screen is checked at the same width. Screenshots:
// tests/e2e/artifacts/phone-collect-*.png, phone-stock.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startConsole, stopConsole, sqlRows, loginAs, ART } from './harness.mjs';

const PHONE = { width: 360, height: 740 };
let server;
const sql = (q) => sqlRows(server, q);

// What the phone's screen shows, and the whole page below it.
const shot = async (page, name) => {
  await page.screenshot({ path: path.join(ART, `${name}.png`) });
  await page.screenshot({ path: path.join(ART, `${name}-full.png`), fullPage: true });
};

before(async () => { server = await startConsole(); });
after(async () => { await stopConsole(server); });

const inputOf = (page, name) => page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();

async function pickFirst(page, sel) {
  await page.locator(sel).click();
  await page.locator('.el-select-dropdown__item:visible').first().click();
  await page.waitForTimeout(400); // the dropdown fades out
}

// The page's width against the screen's, and the widest element sticking out.
function overflow(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    let worst = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > vw + 0.5 && (!worst || r.right > worst.right))
        worst = { right: r.right, tag: el.tagName, cls: String(el.className).slice(0, 80) };
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, worst };
  });
}

async function assertNoSideScroll(page, what) {
  const m = await overflow(page);
  assert.ok(m.scrollWidth <= m.innerWidth, `${what}: no horizontal scroll ${JSON.stringify(m)}`);
}

const box = (page, sel) => page.locator(sel).first().boundingBox();

test('a collector records a delivery at 360 × 740 without sideways scrolling and reads its receipt', async () => {
  const { ctx, page } = await loginAs(server, 'collector_yanyuan');
  try {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/collect`);
    await page.locator('[data-test=point]').waitFor();
    await page.waitForTimeout(300);
    await assertNoSideScroll(page, 'empty form');
    await shot(page, 'phone-collect-empty');

    await pickFirst(page, '[data-test=point]');
    await pickFirst(page, '[data-test=household]');
    await pickFirst(page, '[data-test=product]');
    await pickFirst(page, '[data-test=grade]');
    await page.locator('[data-test=unit] label', { hasText: '公斤' }).click();
    await inputOf(page, 'gross').fill('31.5');
    await inputOf(page, 'tare').fill('1.5');
    await page.locator('[data-test=amount]').waitFor();
    await assertNoSideScroll(page, 'filled form');

    // one column: product above grade, gross above tare, each the width of the form
    const [prod, grade, gross, tare] = await Promise.all(['[data-test=product]', '[data-test=grade]', '[data-test=gross]', '[data-test=tare]'].map((s) => box(page, s)));
    assert.ok(grade.y >= prod.y + prod.height, `grade below product ${JSON.stringify({ prod, grade })}`);
    assert.ok(tare.y >= gross.y + gross.height, `tare below gross ${JSON.stringify({ gross, tare })}`);
    assert.ok(prod.width >= PHONE.width * 0.8, `the product select is nearly the screen's width (${prod.width})`);
    // touch targets
    for (const sel of ['[data-test=point]', '[data-test=household]', '[data-test=grade]', '[data-test=save]', '[data-test=unit] label']) {
      const b = await box(page, sel);
      assert.ok(b.height >= 44, `${sel} is at least 44 px high (${b.height})`);
    }
    await shot(page, 'phone-collect-filled');

    await page.locator('[data-test=save]').click();
    const saved = page.locator('[data-test=saved]');
    await saved.waitFor();
    const [row] = sql('SELECT code, net_g, amount_fen FROM collections ORDER BY id DESC LIMIT 1');
    assert.equal(row.net_g, 30000, '31.5 kg less 1.5 kg, recorded once');
    const text = await saved.innerText();
    assert.match(text, new RegExp(row.code));
    assert.match(text, /30(\.000)? ?kg|30 公斤/);
    await saved.scrollIntoViewIfNeeded();
    const card = await saved.boundingBox();
    assert.ok(card.x >= 0 && card.x + card.width <= PHONE.width + 0.5, `the receipt card lies inside the screen ${JSON.stringify(card)}`);
    const size = await saved.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 16, `the receipt is in large type (${size}px)`);
    const link = await box(page, '[data-test=receipt]');
    assert.ok(link.height >= 44, `the receipt link is a big target (${link.height})`);
    await page.locator('[data-test=recent-cards] .card', { hasText: row.code }).waitFor();
    assert.equal(await page.locator('[data-test=recent]').count(), 0, "today's entries are cards, not a table");
    await page.waitForTimeout(300);
    await assertNoSideScroll(page, 'saved');
    await shot(page, 'phone-collect-saved');

    // the printable receipt at the same width
    const href = await page.locator('[data-test=receipt]').getAttribute('href');
    const rp = await ctx.newPage();
    await rp.goto(server.url + href);
    await rp.locator('body', { hasText: row.code }).waitFor();
    await assertNoSideScroll(rp, 'receipt page');
    await shot(rp, 'phone-collect-receipt');
    await rp.close();
  } finally {
    await ctx.close();
  }
});

test('the lots and stock screen fits 360 px', async () => {
  const { ctx, page } = await loginAs(server, 'wh_xichang');
  try {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/stock`);
    await page.locator('[data-test=stock-cards] .card').first().waitFor();
    await page.waitForTimeout(300);
    await assertNoSideScroll(page, 'stock');
    await shot(page, 'phone-stock');
  } finally {
    await ctx.close();
  }
});
