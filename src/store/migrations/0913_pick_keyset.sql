-- Keyset paging of a warehouse's pick list (GET /api/v1/picklists?after=):
-- WHERE warehouse_id = ? AND state = 'reserved' AND id > ? ORDER BY id reads
-- one page of the index, however long the backlog. It replaces 0300's
-- orders_allocations_pick (warehouse_id, state), which is its prefix and
-- serves every query that one served.

CREATE INDEX allocations_pick_keyset ON allocations(warehouse_id, state, id);
DROP INDEX IF EXISTS orders_allocations_pick;
