-- Indexes for fulfilment. A warehouse's pick list (GET /api/v1/picklists,
-- /print/picklist/{warehouse_id}) reads the allocations still reserved at
-- that warehouse; without this index it would scan every allocation ever made.
-- (Orders by channel and number use the UNIQUE index of 0007; an order's
-- parcels and refunds use the indexes of 0400.)

CREATE INDEX orders_allocations_pick ON allocations(warehouse_id, state);
