-- The records behind the benchmark world's stock (bench/ingest/world.sh), so
-- that `shanhai check` holds on it. Loaded with sqlite3 after
-- tests/data/orders/world.sql and after world.sh made lots 1..3 practically
-- endless: world.sql writes packed lots and stock rows only (no journal, no
-- trace), which is all the order tests need. Here every packed lot gets the
-- history the app would have written for it (src/app/collection.c,
-- transfers.c, packing.c, linehaul.c), built from the lots and stock rows
-- themselves, so any size works:
--   a bench household delivers one source lot per packed lot at a bench
--   collection point in a real Yanyuan village (collection, ledger entry,
--   'collect' move); one transfer carries them to YY-O ('transfer',
--   'receive'); one packing turns each into its packed lot ('pack_in',
--   'pack_out', lot_sources); lots held at NB-S went there on a received
--   line-haul ('linehaul', 'receive'), lot 4 is on the dispatched LH1.
-- Money: the collections are priced 400 fen/kg; every net weight here is a
-- multiple of 5 g, so the amount (net_g * 400 / 1000) is exact.
BEGIN;
INSERT INTO households (id, code, head_name, village_code, created_at)
  SELECT 1, 'BENCH-H1', '基准农户', MIN(code), 0 FROM divisions
  WHERE level = 5 AND code LIKE '513423%';
INSERT INTO collection_points (id, code, name, village_code, warehouse_id)
  SELECT 1, 'BENCH-P1', '基准收购点', village_code, 1 FROM households WHERE id = 1;

-- one source lot per packed lot (ids 100 + the packed lot's)
INSERT INTO lots (id, code, kind, product_id, grade_id, household_id, point_id, harvest_date,
                  expires_on, initial_g, status, created_at)
  SELECT 100 + id, 'SB' || id, 'source', product_id, grade_id, 1, 1, harvest_date, expires_on,
         initial_g, 'consumed', 0 FROM lots WHERE kind = 'packed';
INSERT INTO collections (id, code, point_id, household_id, product_id, grade_id, harvest_date,
                         collected_on, collected_at, gross_g, tare_g, net_g, price_unit,
                         price_entered_fen, price_fen_per_kg, amount_fen, lot_id)
  SELECT id, 'RB' || id, 1, 1, product_id, grade_id, harvest_date, harvest_date, 0, initial_g, 0,
         initial_g, 'kg', 400, 400, initial_g * 400 / 1000, id
  FROM lots WHERE kind = 'source';
INSERT INTO household_ledger (household_id, at, on_date, kind, ref_id, amount_fen)
  SELECT household_id, collected_at, collected_on, 'collection', id, amount_fen FROM collections;
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, id, NULL, NULL, 'point', 1, net_g, 'collect', 'collection', id FROM collections;

-- the point's truck to YY-O
INSERT INTO transfers (id, code, point_id, warehouse_id, status, sent_at, received_at)
  VALUES (1, 'TB1', 1, 1, 'received', 0, 0);
INSERT INTO transfer_lines (transfer_id, lot_id, sent_g, received_g)
  SELECT 1, id, initial_g, initial_g FROM lots WHERE kind = 'source';
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, 'point', 1, 'transit', 1, sent_g, 'transfer', 'transfer', 1
  FROM transfer_lines WHERE transfer_id = 1;
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, 'transit', 1, 'warehouse', 1, received_g, 'receive', 'transfer', 1
  FROM transfer_lines WHERE transfer_id = 1;

-- packing at YY-O: each source lot in whole, its packed lot out
INSERT INTO packings (id, code, warehouse_id, packed_on, input_g, output_g, gradeout_g, loss_g,
                      balanced, created_at)
  SELECT 1, 'PB1', 1, '2026-10-02', SUM(initial_g), SUM(initial_g), 0, 0, 1, 0
  FROM lots WHERE kind = 'source';
INSERT INTO packing_inputs (packing_id, lot_id, used_g)
  SELECT 1, id, initial_g FROM lots WHERE kind = 'source';
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, 'warehouse', 1, NULL, NULL, used_g, 'pack_in', 'packing', 1
  FROM packing_inputs WHERE packing_id = 1;
INSERT INTO packing_outputs (packing_id, lot_id, qty_g, units)
  SELECT 1, l.id, l.initial_g, l.initial_g / s.net_g FROM lots l JOIN skus s ON s.id = l.sku_id
  WHERE l.kind = 'packed';
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, NULL, NULL, 'warehouse', 1, qty_g, 'pack_out', 'packing', 1
  FROM packing_outputs WHERE packing_id = 1;
INSERT INTO lot_sources (lot_id, source_lot_id, share_g)
  SELECT id, 100 + id, initial_g FROM lots WHERE kind = 'packed';

-- YY-O to NB-S: a received line-haul for what NB-S holds, LH1 for what is on the road
INSERT INTO linehauls (id, code, from_warehouse_id, to_warehouse_id, status, dispatched_at,
                       received_at, created_at)
  VALUES (2, 'LHB0', 1, 2, 'received', 0, 0, 0);
INSERT INTO linehaul_lines (linehaul_id, lot_id, loaded_g, received_g)
  SELECT 2, lot_id, qty_g, qty_g FROM stock WHERE loc_kind = 'warehouse' AND loc_id = 2;
INSERT INTO linehaul_lines (linehaul_id, lot_id, loaded_g)
  SELECT 1, lot_id, qty_g FROM stock WHERE loc_kind = 'transit' AND loc_id = 1;
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, 'warehouse', 1, 'transit', linehaul_id, loaded_g, 'linehaul', 'linehaul', linehaul_id
  FROM linehaul_lines;
INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id, qty_g, reason, ref_type, ref_id)
  SELECT 0, lot_id, 'transit', linehaul_id, 'warehouse', 2, received_g, 'receive', 'linehaul', linehaul_id
  FROM linehaul_lines WHERE received_g IS NOT NULL;
COMMIT;
