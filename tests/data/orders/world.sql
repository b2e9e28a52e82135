-- The world of the order API tests (tests/api/t4*-*.test.mjs), loaded with
-- the store's shell (sqlite3 or psql, tests/api/lib.mjs execSql) into a freshly
-- initialised database while no places or
-- catalogue API exists yet: an origin warehouse in Yanyuan (id 1) and a
-- sales warehouse in Ningbo serving 3302 (id 2), two channels, apple and
-- pepper SKUs, and packed stock:
--   sku 1 YY-APL-80-5 (5 kg): 10 units at NB-S, 100 at YY-O, 20 in transit to
--         NB-S (never promised), 5 expired units at NB-S (never promised)
--   sku 2 YY-APL-80-2 (2.5 kg): 40 units at YY-O only
--   sku 3 HJ-PEP-500 (pepper 500 g): no stock anywhere (backorder)
--   sku 4 YY-APL-LAST (5 kg): the last 1 unit at NB-S, 5 at YY-O (concurrency)
BEGIN;
INSERT INTO warehouses (id, code, name, kind, division_code) VALUES
  (1, 'YY-O', '盐源产地仓', 'origin', '513423'),
  (2, 'NB-S', '宁波销地仓', 'sales', '330212');
INSERT INTO warehouse_service_areas (warehouse_id, division_prefix) VALUES (2, '3302');
INSERT INTO channels (id, code, name, kind) VALUES
  (1, 'LIVE1', '山海直播间', 'livestream'),
  (2, 'SHOP2', '甬上电商', 'ecommerce');
INSERT INTO products (id, code, name, shelf_life_days) VALUES
  (1, 'YY-APL', '盐源苹果', 60), (2, 'HJ-PEP', '汉源花椒', 365);
INSERT INTO grades (id, product_id, code, name) VALUES (1, 1, '80', '80mm'), (2, 2, 'A', '特级');
INSERT INTO skus (id, code, product_id, grade_id, name, net_g, gross_g) VALUES
  (1, 'YY-APL-80-5', 1, 1, '盐源苹果 80mm 5kg', 5000, 5400),
  (2, 'YY-APL-80-2', 1, 1, '盐源苹果 80mm 2.5kg', 2500, 2700),
  (3, 'HJ-PEP-500', 2, 2, '花椒 500g', 500, 600),
  (4, 'YY-APL-LAST', 1, 1, '盐源苹果 尾货 5kg', 5000, 5400);
INSERT INTO lots (id, code, kind, product_id, grade_id, sku_id, harvest_date, packed_on, expires_on, initial_g, created_at) VALUES
  (1, 'LNB1', 'packed', 1, 1, 1, '2026-10-01', '2026-10-02', '2099-01-01', 50000, 0),
  (2, 'LYY1', 'packed', 1, 1, 1, '2026-10-01', '2026-10-02', '2099-01-01', 500000, 0),
  (3, 'LYY2', 'packed', 1, 1, 2, '2026-10-01', '2026-10-02', '2099-01-01', 100000, 0),
  (4, 'LTR1', 'packed', 1, 1, 1, '2026-10-01', '2026-10-02', '2099-01-01', 100000, 0),
  (5, 'LNB0', 'packed', 1, 1, 1, '1999-10-01', '1999-10-02', '2000-01-01', 25000, 0),
  (6, 'LNB-LAST', 'packed', 1, 1, 4, '2026-10-01', '2026-10-02', '2099-01-01', 5000, 0),
  (7, 'LYY-LAST', 'packed', 1, 1, 4, '2026-10-01', '2026-10-02', '2099-01-01', 25000, 0);
INSERT INTO linehauls (id, code, from_warehouse_id, to_warehouse_id, status, created_at) VALUES
  (1, 'LH1', 1, 2, 'dispatched', 0);
INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES
  (1, 'warehouse', 2, 50000),
  (2, 'warehouse', 1, 500000),
  (3, 'warehouse', 1, 100000),
  (4, 'transit', 1, 100000),
  (5, 'warehouse', 2, 25000),
  (6, 'warehouse', 2, 5000),
  (7, 'warehouse', 1, 25000);
COMMIT;
