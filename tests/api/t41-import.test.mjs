// Order files (CSV in UTF-8 with or without BOM, CRLF, GBK; xlsx) through
// POST /api/v1/imports/orders?channel=CODE and `shanhai import`: a file with
// any bad row is refused whole with every bad row and column listed; formula-
// looking cells stay text; missing columns and order numbers whose rows
// disagree are clear errors; a resent file changes nothing; a changed order
// under an existing number refuses the file. Fixtures: tests/data/orders/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, ADMIN_PASSWORD, BIN } from './lib.mjs';
import { DIR, loadWorld, sql, channelUsers } from '../data/orders/fixture.mjs';

let srv, live, shop, office;
const file = (name) => fs.readFileSync(path.join(DIR, name));
const upload = (client, channel, body, name) => client.raw('POST', `/api/v1/imports/orders?channel=${channel}${name ? `&filename=${name}` : ''}`,
  { body, headers: { 'Content-Type': 'application/octet-stream' } });
const count = (like) => sql(srv, `SELECT COUNT(*) AS n FROM orders WHERE channel_order_no LIKE '${like}'`)[0].n;

function cli(args) {
  try {
    const out = execFileSync(BIN, ['--db', srv.db, 'import', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, out, err: '' };
  } catch (e) {
    return { status: e.status, out: e.stdout, err: e.stderr };
  }
}

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  shop = await channelUsers(srv, admin, 'shop', 2);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
});
after(async () => { await srv.stop(); });

test('a UTF-8 file: rows of one order number form one order; formula-looking cells stay text', async () => {
  const r = await upload(live.feed, 'LIVE1', file('orders-utf8.csv'), 'orders-utf8.csv');
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.rows, r.json.orders, r.json.created, r.json.unchanged, r.json.lines], [4, 3, 3, 0, 4]);
  const [o] = sql(srv, "SELECT id, total_fen, ordered_at, import_id FROM orders WHERE channel_order_no = 'U-1001'");
  assert.equal(o.total_fen, 2 * 5990 + 3990);
  assert.equal(o.ordered_at, Date.parse('2026-11-20T09:15:00+08:00'));
  assert.equal(o.import_id, r.json.import_id);
  const names = sql(srv, "SELECT c.name, c.address FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.channel_order_no IN ('U-1001', 'U-1002') ORDER BY o.id");
  assert.equal(names[0].address, '浙江省宁波市鄞州区钱湖路 8 号, 3 幢');
  assert.equal(names[1].name, '=1+1');
  assert.equal(sql(srv, `SELECT filename FROM imports WHERE id = ${r.json.import_id}`)[0].filename, 'orders-utf8.csv');
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.import'")[0].n, 1);
});

test('the same file again changes nothing', async () => {
  const r = await upload(live.feed, 'LIVE1', file('orders-utf8.csv'));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.created, r.json.unchanged, r.json.lines], [0, 3, 0]);
  assert.equal(count('U-%'), 3);
});

test('UTF-8 with BOM and CRLF, GBK, and xlsx, with Chinese headers, read correctly', async () => {
  const bom = await upload(live.feed, 'LIVE1', file('orders-bom-crlf.csv'));
  assert.equal(bom.status, 201, bom.text);
  assert.equal(bom.json.created, 2);
  const gbk = await upload(live.feed, 'LIVE1', file('orders-gbk.csv'));
  assert.equal(gbk.status, 201, gbk.text);
  const xlsx = await upload(live.feed, 'LIVE1', file('orders.xlsx'));
  assert.equal(xlsx.status, 201, xlsx.text);
  assert.deepEqual([xlsx.json.orders, xlsx.json.lines], [2, 3]);
  const rows = sql(srv, "SELECT o.channel_order_no AS no, c.name, c.address, o.total_fen FROM orders o JOIN customers c ON c.id = o.customer_id WHERE substr(o.channel_order_no, 1, 2) IN ('B-', 'G-', 'X-') ORDER BY o.channel_order_no");
  assert.deepEqual(rows.map((x) => [x.no, x.name, x.total_fen]), [
    ['B-2001', '王五', 5990], ['B-2002', '赵六', 7980], ['G-3001', '钱七', 5990], ['G-3002', '孙八', 3990],
    ['X-4001', '周九', 2 * 5990 + 3990], ['X-4002', '@SUM(A1)', 5990]]);
  assert.equal(rows[3].address, '四川省凉山州盐源县盐井镇');
  assert.equal(sql(srv, "SELECT ordered_at FROM orders WHERE channel_order_no = 'B-2001'")[0].ordered_at, Date.parse('2026-11-21T10:00:00+08:00'));
});

test('a file with bad rows is refused whole, every bad row and column listed in file order', async () => {
  const free = sql(srv, 'SELECT SUM(reserved_g) AS g FROM stock')[0].g;
  const r = await upload(live.feed, 'LIVE1', file('orders-bad.csv'));
  assert.equal(r.status, 422, r.text);
  const got = r.json.error.errors.map((e) => `${e.row}:${e.field}`);
  assert.deepEqual(got, ['3:sku', '4:units', '5:unit_price', '6:name', '6:division_code', '7:ordered_at', '9:name', '10:order_no']);
  assert.ok(r.json.error.errors.every((e) => e.message && e.message_en), JSON.stringify(r.json.error.errors[0]));
  assert.equal(count('E-%'), 0);
  assert.equal(sql(srv, 'SELECT SUM(reserved_g) AS g FROM stock')[0].g, free);
});

test('missing columns, an empty file, invalid bytes and a missing channel are clear errors', async () => {
  const m = await upload(live.feed, 'LIVE1', file('orders-missing-columns.csv'));
  assert.equal(m.status, 422);
  assert.deepEqual(m.json.error.errors.map((e) => e.field), ['units', 'division_code']);
  assert.match(m.json.error.errors[0].message_en, /missing column 'units'/);
  assert.equal((await upload(live.feed, 'LIVE1', '')).status, 422);
  const bytes = Buffer.concat([Buffer.from('order_no,sku,units,unit_price,name,phone,address,division_code\nI-1,YY-APL-80-5,1,1,'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(',1,宁波,330212\n')]);
  const inv = await upload(live.feed, 'LIVE1', bytes);
  assert.equal(inv.status, 422, inv.text);
  assert.equal(count('I-%'), 0);
  const noch = await live.feed.raw('POST', '/api/v1/imports/orders', { body: file('orders-utf8.csv') });
  assert.equal(noch.status, 422);
  assert.equal(noch.json.error.errors[0].field, 'channel');
  assert.equal((await upload(live.feed, 'NOPE', file('orders-utf8.csv'))).status, 422);
});

test('a changed order under an existing number refuses the whole file', async () => {
  const changed = file('orders-utf8.csv').toString().replace('U-1003,HJ-PEP-500,3', 'U-1003,HJ-PEP-500,4') + 'U-1004,YY-APL-80-2,1,39.90,新客,,宁波,330212,\n';
  const r = await upload(live.feed, 'LIVE1', changed);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.errors.length, 1);
  assert.equal(r.json.error.errors[0].row, 5);
  assert.match(r.json.error.errors[0].message_en, /already exists with a different body/);
  assert.equal(count('U-1004'), 0);
});

test('machine tokens import only for their channel; office cannot import', async () => {
  const r = await upload(shop.feed, 'LIVE1', file('orders-utf8.csv'));
  assert.equal(r.status, 403);
  assert.equal((await upload(office, 'LIVE1', file('orders-utf8.csv'))).status, 403);
  const own = await upload(shop.mgr, 'SHOP2', file('orders-utf8.csv'));
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.created, 3, 'the same numbers in another channel are other orders');
});

test('shanhai import: the same rules from the command line, beside the running server', async () => {
  const bad = cli([path.join(DIR, 'orders-bad.csv'), '--channel', 'LIVE1']);
  assert.equal(bad.status, 1);
  assert.match(bad.err, /orders-bad\.csv:3: column 'sku': unknown sku 'NO-SUCH-SKU'/);
  assert.match(bad.err, /orders-bad\.csv:10: column 'order_no'/);
  assert.match(bad.err, /refused: 8 problem\(s\), nothing was imported/);
  assert.equal(count('E-%'), 0);
  const tmp = path.join(srv.dir, 'cli.csv');
  fs.writeFileSync(tmp, 'order_no,sku,units,unit_price,name,address,division_code\nK-1,YY-APL-80-2,1,39.90,命令行,宁波,330212\nK-2,YY-APL-80-2,1,39.90,命令行,宁波,330212\n');
  const ok = cli([tmp, '--channel', 'SHOP2', '--quiet']);
  assert.equal(ok.status, 0, ok.err);
  assert.match(ok.out, /2 orders \(2 new, 0 unchanged\)/);
  assert.equal(count('K-%'), 2);
  const again = cli([tmp, '--channel', 'SHOP2']);
  assert.match(again.out, /0 new, 2 unchanged/);
  assert.equal(cli([tmp, '--channel', 'NOPE']).status, 1);
  assert.equal(cli([tmp]).status, 2);
  assert.equal(cli([path.join(srv.dir, 'nope.csv'), '--channel', 'SHOP2']).status, 1);
  // the server still sees them
  const list = await shop.mgr.get('/api/v1/orders?order_no=K-1');
  assert.equal(list.json.total, 1);
});
