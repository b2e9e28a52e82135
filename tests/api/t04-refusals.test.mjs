// A refusal is always a clear JSON answer, even when its message quotes the
// caller's text cut to a byte length: fuzz_http_request found an order file
// whose bad cell ('%.40s' in the import's message) was cut in the middle of a
// Chinese character, and jansson's refusal of the broken UTF-8 turned the 422
// into a 500 {"error":{"code":"internal"}}. Messages are now made valid UTF-8
// where they are built (order_import.c) and again where every error reply is
// made (reply.c).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD } from './lib.mjs';
import { loadWorld, channelUsers } from '../data/orders/fixture.mjs';

let srv, live;
before(async () => {
  srv = await startServer();
  loadWorld(srv);
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
});
after(async () => { await srv.stop(); });

const HEAD = 'order_no,sku,units,unit_price,name,phone,address,division_code\n';
const upload = (body) => live.feed.raw('POST', '/api/v1/imports/orders?channel=LIVE1', { body, headers: { 'Content-Type': 'text/csv' } });

test('an import refusal quoting a long cell cut mid-character is a 422 with valid text', async () => {
  // 14 Chinese characters are 42 bytes: the message keeps 40 of them
  for (const cut of ['一二三四五六七八九十一二三四', 'a一二三四五六七八九十一二三四', 'ab一二三四五六七八九十一二三四']) {
    const r = await upload(`${HEAD}C-1,YY-APL-80-5,${cut},${cut},王小明,13800001111,宁波市,330212\n`);
    assert.equal(r.status, 422, `${cut}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'invalid');
    const bad = r.json.error.errors.filter((e) => e.row === 2).map((e) => e.field);
    assert.ok(bad.includes('units') && bad.includes('unit_price'), JSON.stringify(r.json.error.errors));
    const units = r.json.error.errors.find((e) => e.row === 2 && e.field === 'units');
    assert.match(units.message_en, /got '.*\?*'/, units.message_en);
    if (cut.length % 3 !== 0) assert.ok(units.message_en.includes("?'"), `the cut character is a '?': ${units.message_en}`);
    assert.ok(!r.body.includes(Buffer.from([0xef, 0xbf, 0xbd])), 'no replacement characters: the cut bytes became "?"');
  }
});

test('a long order number cut in the repeated-line message is a 422 too', async () => {
  const no = `x${'订'.repeat(30)}`; // 91 bytes; the message keeps 60, cutting the 20th 订
  const line = `${no},YY-APL-80-5,1,59.90,王小明,13800001111,宁波市,330212\n`;
  const r = await upload(HEAD + line + line);
  assert.equal(r.status, 422, r.text.slice(0, 300));
  const e = r.json.error.errors.find((x) => x.row === 3 && /repeats line 2/.test(x.message_en));
  assert.ok(e, r.text.slice(0, 400));
  assert.ok(e.message_en.includes(`x${'订'.repeat(19)}?`), e.message_en);
});
