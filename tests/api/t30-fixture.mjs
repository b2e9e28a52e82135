// Fixture of the warehouse and line-haul API tests (t30-t33): places, the
// catalogue, source lots at collection points and packed lots at the origin
// warehouses, written straight into the test server's database (the places,
// catalogue and collection write APIs are not served yet, so the world cannot
// be built through the API). Dates are relative to today in Asia/Shanghai so
// expiry stays meaningful whenever the suite runs. Divisions come from
// 'shanhai init'. Works on SQLite (sqlite3 shell; WAL lets it write beside the
// running server) and PostgreSQL (psql).
//
// ids, in insertion order:
//   warehouses 1 YY-O origin, 2 NB-S sales, 3 HL-O origin, 4 HZ-S sales
//   points     1 P1 -> YY-O, 2 P2 -> YY-O, 3 P3 -> HL-O
//   households 1 H1 张秀兰, 2 H2 吉克阿呷, 3 H3 沙马拉且
//   products   1 YY-APL apple (60 days), 2 HJ-PEP pepper (365 days)
//   skus       1 YY-APL-80-5 (5000 g), 2 YY-APL-70-2 (2000 g), 3 HJ-PEP-500 (500 g)
//   lots       1 S1 H1@P1 30000 g, 2 S2 H2@P1 20000 g, 3 S3 H3@P1 10000 g,
//              4 S4 H1@P3 8000 g, 5 S5 pepper H2@P2 5000 g (source lots, at points)
//              6 PA sku1 50000 g expires +10, 7 PB sku1 25000 g expires +5,
//              8 PX sku1 10000 g expired yesterday, 10 PD sku2 20000 g expires +20
//              (packed, at YY-O); 9 PC sku1 20000 g expires +3 (packed, at HL-O)
import { execFileSync } from 'node:child_process';

export const YY = 1, NB = 2, HL = 3, HZ = 4;
export const P1 = 1, P2 = 2, P3 = 3;
export const SKU5 = 1, SKU2 = 2, PEP = 3;
export const HEAD_NAMES = ['张秀兰', '吉克阿呷', '沙马拉且'];

// "YYYY-MM-DD" in Asia/Shanghai, `days` from today.
export function day(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

function q(s) { return `'${String(s).replace(/'/g, "''")}'`; }

function worldSql() {
  const rows = [];
  rows.push(`INSERT INTO warehouses (code, name, kind, division_code) VALUES
    ('YY-O', '盐源产地仓', 'origin', '513423'), ('NB-S', '宁波销地仓', 'sales', '330205'),
    ('HL-O', '会理产地仓', 'origin', '513423'), ('HZ-S', '杭州销地仓', 'sales', '330205');`);
  rows.push(`INSERT INTO collection_points (code, name, village_code, warehouse_id) VALUES
    ('P1', '打柴坡收购点', '513423101200', 1), ('P2', '卫城收购点', '513423101200', 1),
    ('P3', '会理收购点', '513423101200', 3);`);
  rows.push(`INSERT INTO cooperatives (code, name, division_code) VALUES ('C1', '盐源县苹果专业合作社', '513423101');`);
  rows.push(`INSERT INTO households (code, head_name, id_number, phone, village_code, cooperative_id, created_at) VALUES
    ('H1', '张秀兰', '513423198001011234', '13800001111', '513423101200', 1, 0),
    ('H2', '吉克阿呷', NULL, '13900002222', '513423101200', 1, 0),
    ('H3', '沙马拉且', NULL, NULL, '513423101200', NULL, 0);`);
  rows.push(`INSERT INTO products (code, name, name_en, shelf_life_days, origin_code) VALUES
    ('YY-APL', '盐源苹果', 'Yanyuan apple', 60, '513423'), ('HJ-PEP', '汉源花椒', 'Sichuan pepper', 365, '513423');`);
  rows.push(`INSERT INTO grades (product_id, code, name) VALUES (1, '80', '一级 80mm'), (1, '70', '二级 70mm'), (2, 'A', '特级');`);
  rows.push(`INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES
    ('YY-APL-80-5', 1, 1, '盐源苹果 5kg', 5000, 5500), ('YY-APL-70-2', 1, 2, '盐源苹果 2kg', 2000, 2300),
    ('HJ-PEP-500', 2, 3, '汉源花椒 500g', 500, 600);`);
  const src = [
    ['S1', 1, 1, 1, 1, -3, 30000], ['S2', 1, 1, 2, 1, -2, 20000], ['S3', 1, 1, 3, 1, -1, 10000],
    ['S4', 1, 1, 1, 3, -2, 8000], ['S5', 2, 3, 2, 2, -1, 5000],
  ];
  for (const [code, product, grade, hh, point, h, g] of src) {
    const shelf = product === 1 ? 60 : 365;
    rows.push(`INSERT INTO lots (code, kind, product_id, grade_id, household_id, point_id, harvest_date, expires_on, initial_g, created_at)
      VALUES (${q(code)}, 'source', ${product}, ${grade}, ${hh}, ${point}, ${q(day(h))}, ${q(day(h + shelf))}, ${g}, 0);`);
  }
  const packed = [
    ['PA', 1, 1, -3, 10, 50000, 1], ['PB', 1, 1, -8, 5, 25000, 1], ['PX', 1, 1, -30, -1, 10000, 1],
    ['PC', 1, 1, -4, 3, 20000, 3], ['PD', 2, 2, -3, 20, 20000, 1],
  ];
  for (const [code, sku, grade, h, exp, g] of packed) {
    rows.push(`INSERT INTO lots (code, kind, product_id, grade_id, sku_id, cooperative_id, harvest_date, packed_on, expires_on, initial_g, created_at)
      VALUES (${q(code)}, 'packed', 1, ${grade}, ${sku}, 1, ${q(day(h))}, ${q(day(h + 1))}, ${q(day(exp))}, ${g}, 0);`);
  }
  // stock and its journal: source lots at their points, packed lots at their warehouse
  for (const [i, [, , , , point, , g]] of src.entries()) {
    rows.push(`INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (${i + 1}, 'point', ${point}, ${g});`);
    rows.push(`INSERT INTO stock_moves (at, lot_id, to_kind, to_id, qty_g, reason) VALUES (0, ${i + 1}, 'point', ${point}, ${g}, 'collect');`);
  }
  for (const [i, [, , , , , g, wh]] of packed.entries()) {
    const id = src.length + i + 1;
    rows.push(`INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (${id}, 'warehouse', ${wh}, ${g});`);
    rows.push(`INSERT INTO stock_moves (at, lot_id, to_kind, to_id, qty_g, reason) VALUES (0, ${id}, 'warehouse', ${wh}, ${g}, 'pack_out');`);
  }
  // PA traces back to H1 and H2 (their names must never reach a label), PC
  // to H1's S4; PB, PX and PD have no trace rows (repacking them is refused)
  rows.push('INSERT INTO lot_sources (lot_id, source_lot_id, share_g) VALUES (6, 1, 30000), (6, 2, 20000), (9, 4, 20000);');
  return rows.join('\n');
}

export function loadWarehouseWorld(srv) {
  const sql = worldSql();
  if (srv.kind === 'postgres')
    execFileSync('psql', [srv.db, '-qX', '-v', 'ON_ERROR_STOP=1'], { input: sql });
  else
    execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', srv.db], { input: sql });
}

// Rows of a read-only query as objects.
export function sql(srv, query) {
  if (srv.kind === 'postgres') {
    const out = execFileSync('psql', [srv.db, '-qAtX', '-c', `SELECT COALESCE(json_agg(t), '[]') FROM (${query}) t`], { encoding: 'utf8' });
    return JSON.parse(out);
  }
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', srv.db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// Grams of a lot (by code) at a location.
export function gramsAt(srv, code, locKind, locId) {
  const [r] = sql(srv, `SELECT COALESCE(SUM(s.qty_g), 0) AS g FROM stock s JOIN lots l ON l.id = s.lot_id
    WHERE l.code = '${code}' AND s.loc_kind = '${locKind}' AND s.loc_id = ${locId}`);
  return Number(r.g);
}

// Every stock row's grams and reservation, to prove a refused request changed nothing.
export function stockSnapshot(srv) {
  return sql(srv, 'SELECT lot_id, loc_kind, loc_id, qty_g, reserved_g FROM stock ORDER BY lot_id, loc_kind, loc_id');
}

// The standard users (only those named in `which`, to keep start-up short
// under the sanitizers): office, collectors of P1 and P3, operators of each
// warehouse, a channel manager.
const USERS = {
  office: { username: 'office1', role: 'office' },
  colP1: { username: 'col-p1', role: 'collector', scopes: { points: [P1] } },
  colP3: { username: 'col-p3', role: 'collector', scopes: { points: [P3] } },
  whYY: { username: 'wh-yy', role: 'warehouse', scopes: { warehouses: [YY] } },
  whNB: { username: 'wh-nb', role: 'warehouse', scopes: { warehouses: [NB] } },
  whHL: { username: 'wh-hl', role: 'warehouse', scopes: { warehouses: [HL] } },
  chan: { username: 'chan1', role: 'channel' },
};

export async function warehouseUsers(srv, admin, which = Object.keys(USERS)) {
  const made = await Promise.all(which.map((k) => srv.makeUser(admin, USERS[k])));
  return Object.fromEntries(which.map((k, i) => [k, made[i]]));
}

// Audit rows of an action (admin's view of GET /api/v1/audit).
export async function auditRows(admin, action) {
  const r = await admin.get(`/api/v1/audit?action=${encodeURIComponent(action)}&limit=1000`);
  if (r.status !== 200) throw new Error(`audit: ${r.status} ${r.text}`);
  return r.json.items;
}
