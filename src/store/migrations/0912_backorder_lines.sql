-- The backordered lines of a SKU, for re-allocation when stock becomes
-- promisable (src/app/reallocate.c). Partial: only lines on backorder are in
-- it, so the hot path of taking orders (which allocates almost every line)
-- pays nothing for it, and a line leaves it when it is allocated.

CREATE INDEX order_lines_backorder ON order_lines(sku_id) WHERE status = 'backorder';
