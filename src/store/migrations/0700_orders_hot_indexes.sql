-- Fewer indexes to maintain on the hot order tables (bench/README.md, "Order
-- ingestion"). 0400's trace_order_lines_order repeats the leading column of
-- order_lines' UNIQUE (order_id, line_no), whose index already serves every
-- lookup and join by order_id (SQLite and PostgreSQL alike); keeping both cost
-- a second index insert for every order line (about 0.6 us of 3.4 us per line
-- in a multi-row insert).

DROP INDEX IF EXISTS trace_order_lines_order;
