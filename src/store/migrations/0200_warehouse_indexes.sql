-- Indexes for the warehouse and line-haul pages (src/app/lots.c, transfers.c,
-- packing.c, adjustments.c, linehaul.c): lists filtered by warehouse or
-- collection point, the scope checks of a warehouse operator (lots that were
-- on a transfer into, or a line-haul from or to, its warehouses) and the
-- journal rows of one transfer, packing run or line-haul.

CREATE INDEX wh_transfers_warehouse ON transfers(warehouse_id);
CREATE INDEX wh_transfers_point ON transfers(point_id);
CREATE INDEX wh_transfer_lines_lot ON transfer_lines(lot_id);
CREATE INDEX wh_packings_warehouse ON packings(warehouse_id);
CREATE INDEX wh_packing_inputs_lot ON packing_inputs(lot_id);
CREATE INDEX wh_adjustments_loc ON adjustments(loc_kind, loc_id);
CREATE INDEX wh_adjustments_lot ON adjustments(lot_id);
CREATE INDEX wh_linehauls_from ON linehauls(from_warehouse_id, status);
CREATE INDEX wh_linehauls_to ON linehauls(to_warehouse_id, status);
CREATE INDEX wh_stock_moves_ref ON stock_moves(ref_type, ref_id);
CREATE INDEX wh_lots_point ON lots(point_id);
