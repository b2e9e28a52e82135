-- Indexes for traceability and figures. The public trace page (GET /t/{code})
-- must answer in a few milliseconds with a million lots: the lookups by code
-- use the UNIQUE indexes of lots.code and parcels.code; these cover the joins
-- that follow (a lot's collections, a household's lots, where a lot went) and
-- the period filters of the figures.

CREATE INDEX trace_collections_lot ON collections(lot_id);
CREATE INDEX trace_lots_household ON lots(household_id);
CREATE INDEX trace_allocations_lot ON allocations(lot_id);
CREATE INDEX trace_parcel_lines_allocation ON parcel_lines(allocation_id);
CREATE INDEX trace_parcels_order ON parcels(order_id);
CREATE INDEX trace_linehaul_lines_lot ON linehaul_lines(lot_id);
CREATE INDEX trace_packing_outputs_lot ON packing_outputs(lot_id);
CREATE INDEX trace_refunds_order ON refunds(order_id);
CREATE INDEX trace_order_lines_order ON order_lines(order_id);
CREATE INDEX trace_payments_day ON payments(paid_on);
