// Fixtures of the order API tests (tests/api/t4*-*.test.mjs): load world.sql
// into the test server's database through the store's own shell (sqlite3 or
// psql: lib.mjs execSql, so the tests run on SQLite and PostgreSQL alike;
// no places or catalogue API exists yet), read the database back for checks
// the API does not expose (stock never negative, reservations), and build
// order bodies. Queries here are written in SQL both stores accept.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execSql, querySql } from '../../api/lib.mjs';

export const DIR = path.dirname(fileURLToPath(import.meta.url));
export const NB = 2; // sales warehouse NB-S, serves 3302 (Ningbo)
export const YY = 1; // origin warehouse YY-O

export function loadWorld(srv) {
  execSql(srv, fs.readFileSync(path.join(DIR, 'world.sql'), 'utf8'));
}

// Rows of a read-only query as objects.
export function sql(srv, query) {
  return querySql(srv, query);
}

// Units of a SKU still promisable at a warehouse (unreserved, unexpired, whole units).
export function freeUnits(srv, warehouseId, sku) {
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const [r] = sql(srv, `SELECT COALESCE(SUM((s.qty_g - s.reserved_g) / k.net_g), 0) AS u FROM stock s
    JOIN lots l ON l.id = s.lot_id JOIN skus k ON k.id = l.sku_id
    WHERE k.code = '${sku}' AND s.loc_kind = 'warehouse' AND s.loc_id = ${warehouseId}
    AND l.expires_on >= '${today}'`);
  return Number(r.u);
}

let seq = 0;
// An order body; division 330212 (Ningbo Yinzhou) is in NB-S's service area.
export function order({ channel = 'LIVE1', no, sku = 'YY-APL-80-5', units = 1, price = 5990,
  division = '330212', name = '王小明', lines, ...rest } = {}) {
  return {
    channel,
    order_no: no || `T-${process.pid}-${++seq}`,
    customer: { name, phone: '13812345678', address: '浙江省宁波市鄞州区钱湖路 1 号', division_code: division },
    lines: lines || [{ sku, units, unit_price_fen: price }],
    ...rest,
  };
}

// A channel manager and a machine token for channel id ch (1 LIVE1, 2 SHOP2).
export async function channelUsers(srv, admin, tag, ch) {
  const mgr = await srv.makeUser(admin, { username: `mgr-${tag}`, role: 'channel', scopes: { channels: [ch] } });
  const m = await srv.makeUser(admin, { username: `feed-${tag}`, role: 'machine', scopes: { channels: [ch] } });
  const t = await admin.post('/api/v1/tokens', { user_id: m.id, name: `feed ${tag}` });
  if (t.status !== 201) throw new Error(`token: ${t.status} ${t.text}`);
  return { mgr, feed: srv.tokenClient(t.json.token) };
}
