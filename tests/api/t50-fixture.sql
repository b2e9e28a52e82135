-- Fixture of the trace and figures API tests (t50-t52), loaded with sqlite3 (or
-- psql on PostgreSQL) into the test server's database by t50-fixture.mjs: the
-- same hand-checked season as the unit tests' tests/unit/test_trace_fixture.h
-- (regenerate from it if that changes; divisions come from 'shanhai init'),
-- plus a second collection point for scope tests. Loaded as rows rather than
-- built through the write API because the figures depend on dates and instants
-- chosen by hand (orders, deliveries, line-hauls in October and November 2026)
-- that the API would stamp with the current time.
INSERT INTO pairings (code, name, kind, east_code, west_code) VALUES ('JB-YY', '江北—盐源', 'east_west', '330205', '513423');
INSERT INTO warehouses (code, name, kind, division_code) VALUES ('YY-O', '盐源产地仓', 'origin', '513423'), ('NB-S', '宁波销地仓', 'sales', '330205');
INSERT INTO collection_points (code, name, village_code, warehouse_id) VALUES ('P1', '打柴坡收购点', '513423101200', 1);
INSERT INTO cooperatives (code, name, division_code) VALUES ('C1', '盐源县卫城镇苹果专业合作社', '513423101');
INSERT INTO households (code, head_name, id_number, phone, village_code, cooperative_id, lifted_from_poverty, created_at) VALUES ('H1', '张秀兰', '513423198001011234', '13800001111', '513423101200', 1, 0, 0), ('H2', '吉克阿呷', NULL, '13900002222', '513423101201', 1, 1, 0), ('H3', '沙马拉且', NULL, NULL, '513434100002', NULL, 0, 0);
INSERT INTO channels (code, name, kind, pairing_id) VALUES ('LIVE', '直播', 'livestream', 1), ('SJ', '三江超市', 'supermarket', NULL);
INSERT INTO products (code, name, name_en, shelf_life_days, origin_code) VALUES ('YY-APL', '盐源苹果', 'Yanyuan apple', 60, '513423');
INSERT INTO grades (product_id, code, name) VALUES (1, '80', '一级 80mm');
INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES ('YY-APL-80-5', 1, 1, '盐源苹果 5kg', 5000, 5500);
INSERT INTO lots (code, kind, product_id, grade_id, household_id, point_id, harvest_date, expires_on, initial_g, created_at) VALUES ('S1', 'source', 1, 1, 1, 1, '2026-09-30', '2026-11-30', 30000, 0), ('S2', 'source', 1, 1, 2, 1, '2026-10-01', '2026-11-30', 20000, 0), ('S3', 'source', 1, 1, 3, 1, '2026-10-02', '2026-11-30', 10000, 0);
INSERT INTO lots (code, kind, product_id, grade_id, sku_id, cooperative_id, harvest_date, packed_on, expires_on, initial_g, created_at) VALUES ('PK1', 'packed', 1, 1, 1, 1, '2026-09-30', '2026-10-05', '2026-12-01', 50000, 0);
INSERT INTO lot_sources (lot_id, source_lot_id, share_g) VALUES (4, 1, 25001), (4, 2, 14999), (4, 3, 10000);
INSERT INTO collections (code, point_id, household_id, product_id, grade_id, harvest_date, collected_on, collected_at, gross_g, tare_g, net_g, price_unit, price_entered_fen, price_fen_per_kg, amount_fen, lot_id) VALUES ('R1', 1, 1, 1, 1, '2026-09-30', '2026-10-01', 1791338400000, 31000, 1000, 30000, 'kg', 400, 400, 12000, 1), ('R2', 1, 2, 1, 1, '2026-10-01', '2026-10-02', 1791424800000, 21000, 1000, 20000, 'kg', 400, 400, 8000, 2), ('R3', 1, 3, 1, 1, '2026-10-02', '2026-10-03', 1791511200000, 10500, 500, 10000, 'kg', 400, 400, 4000, 3), ('R4', 1, 1, 1, 1, '2026-09-30', '2026-11-05', 1793930400000, 1000, 0, 1000, 'kg', 400, 400, 400, NULL);
INSERT INTO packings (code, warehouse_id, packed_on, input_g, output_g, gradeout_g, loss_g, balanced, created_at) VALUES ('PKG1', 1, '2026-10-05', 60000, 50000, 8000, 2000, 1, 0);
INSERT INTO packing_outputs (packing_id, lot_id, qty_g, units) VALUES (1, 4, 50000, 10);
INSERT INTO linehauls (code, from_warehouse_id, to_warehouse_id, status, cost_fen, dispatched_at, received_at, created_at) VALUES ('LH1', 1, 2, 'received', 30000, 1791511200000, 1791684000000, 0);
INSERT INTO linehaul_lines (linehaul_id, lot_id, loaded_g, received_g) VALUES (1, 4, 20000, 20000);
INSERT INTO customers (name, phone, address, division_code, created_at) VALUES ('顾客甲', '13700003333', '宁波市江北区某路1号', '330205', 0);
INSERT INTO orders (channel_id, channel_order_no, body_hash, customer_id, ordered_at, ordered_on, status, total_fen, created_at) VALUES (1, 'O1', 'h', 1, 1791597600000, '2026-10-10', 'delivered', 17600, 0), (1, 'O2', 'h', 1, 1791770400000, '2026-10-12', 'allocated', 8800, 0), (2, 'O3', 'h', 1, 1792029600000, '2026-10-15', 'delivered', 24000, 0), (1, 'O4', 'h', 1, 1792461600000, '2026-10-20', 'cancelled', 8800, 0), (2, 'O5', 'h', 1, 1793584800000, '2026-11-02', 'delivered', 8000, 0);
INSERT INTO order_lines (order_id, line_no, sku_id, units, unit_price_fen, amount_fen, warehouse_id, route, status) VALUES (1, 1, 1, 2, 8800, 17600, 2, 'sales_warehouse', 'delivered'), (2, 1, 1, 1, 8800, 8800, 2, 'sales_warehouse', 'allocated'), (3, 1, 1, 3, 8000, 24000, 1, 'origin_parcel', 'delivered'), (4, 1, 1, 1, 8800, 8800, 2, 'sales_warehouse', 'cancelled'), (5, 1, 1, 1, 8000, 8000, 1, 'origin_parcel', 'delivered');
INSERT INTO allocations (order_line_id, lot_id, warehouse_id, qty_g, state) VALUES (1, 4, 2, 10000, 'shipped'), (2, 4, 2, 5000, 'reserved'), (3, 4, 1, 15000, 'shipped'), (4, 4, 2, 5000, 'released'), (5, 4, 1, 5000, 'shipped');
INSERT INTO parcels (code, order_id, warehouse_id, route, carrier, tracking_no, weight_g, cost_fen, status, shipped_at, delivered_at, created_at) VALUES ('PC1', 1, 2, 'sales_warehouse', 'ZTO', 'T1', 11000, 800, 'delivered', 1791684000000, 1791770400000, 0), ('PC3', 3, 1, 'origin_parcel', 'SF', 'T3', 16500, 2400, 'delivered', 1792116000000, 1792375200000, 0), ('PC5', 5, 1, 'origin_parcel', 'SF', 'T5', 5500, 900, 'delivered', 1793588400000, 1793671200000, 0);
INSERT INTO parcel_lines (parcel_id, allocation_id) VALUES (1, 1), (2, 3), (3, 5);
INSERT INTO refunds (code, order_id, order_line_id, kind, units, amount_fen, reason, created_at) VALUES ('RF3', 3, 3, 'refund', 0, 5000, '破损', 0), ('RF4', 4, 4, 'cancel', 1, 8800, '取消', 0);
INSERT INTO payments (code, household_id, amount_fen, method, paid_on, reverses_id, reversed, created_at) VALUES ('PAY1', 1, 30000, 'bank', '2026-10-05', NULL, 0, 0), ('PAY2', 2, 10000, 'cash', '2026-10-06', NULL, 0, 0), ('PAY3', 1, 1000, 'cash', '2026-10-07', NULL, 1, 0), ('PAY4', 1, -1000, 'cash', '2026-10-08', 3, 0, 0), ('PAY5', 2, 5000, 'bank', '2026-10-25', NULL, 0, 0), ('PAY6', 3, 7000, 'bank', '2026-11-03', NULL, 0, 0);
INSERT INTO collection_points (code, name, village_code, warehouse_id) VALUES ('P2', '西城收购点', '513434100002', 1);
