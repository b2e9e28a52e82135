// End-to-end: the village collection runs screen (集货线路) in Debian's
// chromium against a real `shanhai serve --demo` on a fresh SQLite file (the
// set-up of harness.mjs, shared with flow.test.mjs). The origin warehouse operator opens the
// screen, picks a day of the demo season and plans it: the table shows one
// row per stored run, the Leaflet map draws the county outlines, a marker for
// every point of the warehouse and a line per run, with no online tiles. Then
// the operator opens what the plan is made from (expected loads, vehicles),
// sets an override for a point that expected nothing and plans again: the
// point is on a run. Screenshots go to tests/e2e/artifacts/collection-runs*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConsole, stopConsole, sqlRows, shot, loginAs as loginWith, PASSWORD } from './harness.mjs';

let server, url;

const sql = (q) => sqlRows(server, q);

// A new browser context logged in through the console's login form.
const loginAs = (username, password = PASSWORD) => loginWith(server, username, password);

before(async () => {
  server = await startConsole();
  ({ url } = server);
});

after(async () => { await stopConsole(server); });

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
