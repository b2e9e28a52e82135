// Regenerates the README's screenshots in docs/screenshots/ from the current
// demo season: a real `shanhai serve --demo` on a fresh store and Debian's
// chromium (harness.mjs), the office's figures dashboard at 1280 x 860 and the
// login screen at 1280 x 800. Not a test (no *.test.mjs): run it after a
// change to the figures or the console, from the repository root:
//
//   SHANHAI_BIN=$PWD/build/rel/shanhai node tests/e2e/screenshots.mjs
//
// It fails, writing nothing, if the dashboard shows no sales figure.
import path from 'node:path';
import assert from 'node:assert/strict';
import { startConsole, stopConsole, loginAs } from './harness.mjs';

const OUT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');

async function figures(server) {
  const { ctx, page } = await loginAs(server, 'office');
  try {
    await page.goto(`${server.url}/#/figures`);
    await page.locator('[data-metric=sales] .value').waitFor();
    await page.waitForFunction(() => /¥\s*[1-9]/.test(document.querySelector('[data-metric=sales] .value').innerText));
    await page.locator('.chart canvas').first().waitFor();
    await page.waitForTimeout(1500); // the charts' drawing animation
    await page.screenshot({ path: path.join(OUT, 'figures.png') });
  } finally {
    await ctx.close();
  }
}

async function login(server) {
  const ctx = await server.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.url}/#/login`);
    await page.locator('input[name=username]').waitFor();
    assert.ok(await page.locator('[data-test=login]').isVisible());
    await page.screenshot({ path: path.join(OUT, 'login.png') });
  } finally {
    await ctx.close();
  }
}

const server = await startConsole();
try {
  await figures(server);
  await login(server);
  console.log(`wrote ${OUT}/figures.png, login.png`);
} finally {
  await stopConsole(server);
}
