// Customers over HTTP (顾客), derived from the orders' consignees: the same
// phone written differently ('138 1234 5678', '+86 138-1234-5678') in one
// channel is one customer, the same phone in another channel is another;
// without a phone, name and address identify them. A customer's detail
// lists its orders, money spent (what was sold: backordered and cancelled
// lines excluded, refunds taken off) and refunded,
// units bought. Channel managers see only their channels' customers, whole;
// the office sees them masked and may not search by name or phone;
// collectors, warehouses and machine tokens are refused, anonymous 401.
// Fixtures: tests/data/orders/world.sql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, querySql } from './lib.mjs';
import { loadWorld, order, channelUsers } from '../data/orders/fixture.mjs';

let srv, admin, live, shop, office, wh, col;
const ids = {};

function buyer(no, phone, { units = 1, name, address } = {}) {
  const body = order({ no, division: '510104', units, ...(name ? { name } : {}) });
  body.customer.phone = phone;
  if (address) body.customer.address = address;
  return body;
}

before(async () => {
  srv = await startServer();
  loadWorld(srv);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  live = await channelUsers(srv, admin, 'live', 1);
  shop = await channelUsers(srv, admin, 'shop', 2);
  office = await srv.makeUser(admin, { username: 'office1', role: 'office' });
  wh = await srv.makeUser(admin, { username: 'wh1', role: 'warehouse', scopes: { warehouses: [2] } });
  col = await srv.makeUser(admin, { username: 'col1', role: 'collector' });
  const posts = {
    a1: [live.feed, buyer('C-A1', '138 1234 5678', { units: 2 })],
    a2: [live.feed, buyer('C-A2', '+86 138-1234-5678', { units: 1, address: '浙江省宁波市海曙区中山西路 9 号' })],
    b1: [live.feed, buyer('C-B1', '13900000001', { name: '李四' })],
    n1: [live.feed, buyer('C-N1', '', { name: '赵六', address: '四川省成都市武侯区一环路 2 号' })],
    n2: [live.feed, buyer('C-N2', '', { name: '赵六', address: '四川省成都市武侯区一环路 2 号' })],
    s1: [shop.feed, { ...buyer('C-S1', '13812345678'), channel: 'SHOP2' }],
  };
  for (const [k, [who, body]] of Object.entries(posts)) {
    const r = await who.post('/api/v1/orders', body);
    assert.equal(r.status, 201, `${k}: ${r.text}`);
    ids[k] = r.json.order;
  }
});
after(async () => { await srv.stop(); });

async function customerOf(client, channelId) {
  const r = await client.get(`/api/v1/customers?channel_id=${channelId}&limit=1000`);
  assert.equal(r.status, 200, r.text);
  return r;
}

test('one customer per channel and normalised phone; without a phone, name and address', async () => {
  const r = await customerOf(admin, 1);
  assert.equal(r.json.total, 3, r.text);
  const byName = Object.fromEntries(r.json.items.map((c) => [c.name, c]));
  const wang = byName['王小明'];
  assert.equal(wang.order_count, 2);
  assert.equal(wang.spent_fen, ids.a1.total_fen + ids.a2.total_fen);
  assert.equal(wang.phone, '138 1234 5678');
  assert.equal(wang.channel_code, 'LIVE1');
  assert.equal(byName['李四'].order_count, 1);
  assert.equal(byName['赵六'].order_count, 2);
  const all = await admin.get('/api/v1/customers?limit=1000');
  assert.equal(all.json.total, 4);
  const shopWang = all.json.items.find((c) => c.channel_id === 2);
  assert.equal(shopWang.order_count, 1);
  assert.notEqual(shopWang.id, wang.id);
  // search by part of the phone or the name
  const q = await admin.get(`/api/v1/customers?q=${encodeURIComponent('赵')}`);
  assert.deepEqual(q.json.items.map((c) => c.name), ['赵六']);
  assert.equal((await admin.get('/api/v1/customers?q=13900000001')).json.items[0].name, '李四');
  assert.equal((await admin.get('/api/v1/customers?county=510104')).json.total, 4);
  assert.equal((await admin.get('/api/v1/customers?county=330212')).json.total, 0);
});

test('a customer: its orders, spent and refunded money, units; a cancelled order is not spent', async () => {
  const wang = (await customerOf(admin, 1)).json.items.find((c) => c.name === '王小明');
  const c = await live.mgr.post(`/api/v1/orders/${ids.a2.id}/cancel`, { reason: '客户取消' });
  assert.equal(c.status, 200, c.text);
  const r = await admin.get(`/api/v1/customers/${wang.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, wang.id);
  assert.equal(r.json.order_count, 2);
  assert.equal(r.json.spent_fen, ids.a1.total_fen);
  assert.equal(r.json.refunded_fen, ids.a2.total_fen);
  assert.equal(r.json.units, 3);
  assert.deepEqual(r.json.orders.map((o) => o.channel_order_no).sort(), ['C-A1', 'C-A2']);
  assert.equal(r.json.orders.find((o) => o.id === ids.a2.id).status, 'cancelled');
  assert.equal(r.json.orders.find((o) => o.id === ids.a2.id).address, '浙江省宁波市海曙区中山西路 9 号');
  // the second order's consignee row leads to the same customer
  const [row] = querySql(srv, `SELECT customer_id FROM orders WHERE id = ${ids.a2.id}`);
  assert.notEqual(row.customer_id, wang.id);
  const other = await admin.get(`/api/v1/customers/${row.customer_id}`);
  assert.equal(other.status, 200, other.text);
  assert.equal(other.json.id, wang.id);
  assert.equal((await admin.get('/api/v1/customers/99999999')).status, 404);
});

test('channel managers see their own channels whole; the office masked; others refused', async () => {
  const mine = await live.mgr.get('/api/v1/customers?limit=1000');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.total, 3);
  assert.ok(mine.json.items.every((c) => c.channel_id === 1));
  assert.ok(mine.json.items.some((c) => c.phone === '138 1234 5678'));
  const theirs = (await admin.get('/api/v1/customers?channel_id=2')).json.items[0];
  assert.equal((await live.mgr.get(`/api/v1/customers/${theirs.id}`)).status, 403);
  assert.equal((await live.mgr.get('/api/v1/customers?channel_id=2')).status, 403);
  assert.equal((await shop.mgr.get(`/api/v1/customers/${theirs.id}`)).status, 200);
  const masked = await office.get('/api/v1/customers?channel_id=1&limit=1000');
  assert.equal(masked.status, 200, masked.text);
  const w = masked.json.items.find((c) => c.order_count === 2 && c.phone);
  assert.equal(w.name, '王****');
  assert.ok(!w.phone.includes('1234'), w.phone);
  assert.ok(w.address.endsWith('****') && !w.address.includes('钱湖路'), w.address);
  const one = await office.get(`/api/v1/customers/${w.id}`);
  assert.equal(one.status, 200, one.text);
  assert.ok(!one.text.includes('钱湖路') && !one.text.includes('中山西路') && !one.text.includes('王小明'), one.text);
  assert.equal((await office.get('/api/v1/customers?q=138')).status, 403);
  for (const who of [wh, col, live.feed]) {
    assert.equal((await who.get('/api/v1/customers')).status, 403);
    assert.equal((await who.get(`/api/v1/customers/${w.id}`)).status, 403);
  }
  assert.equal((await srv.anon.get('/api/v1/customers')).status, 401);
});

test('bad filters are named', async () => {
  for (const [q, field] of [['channel_id=abc', 'channel_id'], ['county=12', 'county'], ['q=%25', 'q'], ['q=', 'q']]) {
    const r = await admin.get(`/api/v1/customers?${q}`);
    assert.equal(r.status, 422, q);
    assert.equal(r.json.error.errors[0].field, field, q);
  }
});

test('what was not sold is not spent: a backordered line adds nothing; a line with stock adds its amount', async () => {
  const phone = '13700000077';
  const before = (await customerOf(admin, 1)).json.items.find((c) => c.phone === phone);
  assert.equal(before, undefined);
  // far more units than the world holds: the whole line goes to backorder
  const none = await live.feed.post('/api/v1/orders', buyer('C-BO1', phone, { units: 100000, name: '钱七' }));
  assert.equal(none.status, 201, none.text);
  assert.equal(none.json.order.lines[0].status, 'backorder', none.text);
  let c = (await customerOf(admin, 1)).json.items.find((x) => x.phone === phone);
  assert.equal(c.order_count, 1);
  assert.equal(c.spent_fen, 0, 'a backordered order counted as spent');
  const some = await live.feed.post('/api/v1/orders', buyer('C-BO2', phone, { units: 1, name: '钱七' }));
  assert.equal(some.status, 201, some.text);
  assert.equal(some.json.order.lines[0].status, 'allocated', some.text);
  c = (await admin.get(`/api/v1/customers/${c.id}`)).json;
  assert.equal(c.order_count, 2);
  assert.equal(c.spent_fen, some.json.order.total_fen);
});
